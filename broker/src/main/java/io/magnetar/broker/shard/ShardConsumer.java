package io.magnetar.broker.shard;

import org.agrona.collections.LongArrayList;

/**
 * A consumer attached to a subscription, with the permits its client granted.
 */
final class ShardConsumer
{
    /** The client's id, unique within its session only. */
    final long consumerId;
    /** Unique on the shard: what a shared subscription's bookkeeping knows it by. */
    final long key;
    final TopicSubscription subscription;
    final ShardSession session;
    /** As the client named it; failover orders consumers of one priority level by it. */
    final String name;
    /** Failover: the lowest level is chosen first. */
    final int priorityLevel;
    long permits;
    /** Failover: this consumer receives; its client was told so. */
    boolean isActive;
    /**
     * Shared subscriptions: entries delivered to it, some perhaps acknowledged since (those are dropped when it
     * leaves, or when the list is compacted), so that a leaving consumer costs what it held, not what all hold.
     */
    LongArrayList delivered;
    /** Size of {@link #delivered} at which it is next compacted. */
    int deliveredCompactAt = 64;

    /**
     * @param priorityLevel as a {@code Subscribe} frame carries it: absent (a client before protocol 8) means 0.
     * @return the level to use.
     */
    static int priorityLevelOrDefault(final int priorityLevel)
    {
        return io.magnetar.codecs.SubscribeDecoder.priorityLevelNullValue() == priorityLevel ? 0 : priorityLevel;
    }

    ShardConsumer(final long consumerId, final TopicSubscription subscription, final ShardSession session)
    {
        this(consumerId, consumerId, subscription, session, "", 0);
    }

    ShardConsumer(
        final long key,
        final long consumerId,
        final TopicSubscription subscription,
        final ShardSession session,
        final String name,
        final int priorityLevel)
    {
        this.key = key;
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.session = session;
        this.name = name;
        this.priorityLevel = priorityLevel;
    }
}
