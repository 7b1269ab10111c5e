package io.magnetar.broker;

import io.magnetar.storage.TopicIndex;
import org.agrona.ExpandableRingBuffer;

import java.util.ArrayList;
import java.util.HashMap;

/**
 * A topic owned by one {@link TopicShardAgent}: its entry index and its subscriptions. Only that agent touches it.
 */
final class Topic
{
    final long id;
    final TopicName name;
    final boolean persistent;
    final NamespacePolicies policies;
    final TopicIndex index = new TopicIndex();
    final ArrayList<Subscription> subscriptions = new ArrayList<>();
    final HashMap<String, Subscription> subscriptionByName = new HashMap<>();
    long durableEntries;
    long bytes;
    long definitionPosition = -1;
    int producerCount;
    long nonPersistentSequence;
    /** Answers of this topic waiting in the shard's FIFO of answers that wait for a disk sync. */
    int syncReceipts;
    /** Send frames held while the backlog quota is exceeded under producer_request_hold; null until needed. */
    ExpandableRingBuffer heldSends;

    Topic(final long id, final TopicName name, final boolean persistent, final NamespacePolicies policies)
    {
        this.id = id;
        this.name = name;
        this.persistent = persistent;
        this.policies = policies;
    }
}
