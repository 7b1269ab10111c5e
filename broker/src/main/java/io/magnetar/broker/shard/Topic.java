package io.magnetar.broker.shard;

import io.magnetar.broker.policy.TopicName;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.storage.TopicIndex;
import org.agrona.ExpandableRingBuffer;
import org.agrona.collections.Long2LongHashMap;

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
    final ArrayList<TopicSubscription> subscriptions = new ArrayList<>();
    final HashMap<String, TopicSubscription> subscriptionByName = new HashMap<>();
    long durableEntries;
    long bytes;
    long definitionPosition = -1;
    int producerCount;
    long nonPersistentSequence;
    /** Message id to where the entry is now, for entries compaction moved; null until one is moved. */
    Long2LongHashMap relocations;
    /** Moved entries of this topic whose copies are not yet stored. */
    int pendingRelocations;
    /** Answers of this topic waiting in the shard's FIFO of answers that wait for a disk sync. */
    int syncReceipts;
    /** Send frames held while the backlog quota is exceeded under producer_request_hold; null until needed. */
    ExpandableRingBuffer heldSends;

    /**
     * @param messageId of an entry (its original position).
     * @return where the entry's record is now.
     */
    long location(final long messageId)
    {
        if (null == relocations)
        {
            return messageId;
        }
        final long location = relocations.get(messageId);

        return Long.MIN_VALUE == location ? messageId : location;
    }

    Topic(final long id, final TopicName name, final boolean persistent, final NamespacePolicies policies)
    {
        this.id = id;
        this.name = name;
        this.persistent = persistent;
        this.policies = policies;
    }
}
