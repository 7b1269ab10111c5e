package io.magnetar.broker;

import io.magnetar.storage.TopicIndex;

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
    final TopicIndex index = new TopicIndex();
    final ArrayList<Subscription> subscriptions = new ArrayList<>();
    final HashMap<String, Subscription> subscriptionByName = new HashMap<>();
    long durableEntries;
    long bytes;
    long definitionPosition = -1;
    int producerCount;
    long nonPersistentSequence;

    Topic(final long id, final TopicName name)
    {
        this.id = id;
        this.name = name;
        this.persistent = name.isPersistent();
    }
}
