package io.magnetar.broker.shard;

/**
 * A consumer attached to a subscription, with the permits its client granted.
 */
final class ShardConsumer
{
    final long consumerId;
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
     * @param priorityLevel as a {@code Subscribe} frame carries it: absent (a client before protocol 8) means 0.
     * @return the level to use.
     */
    static int priorityLevelOrDefault(final int priorityLevel)
    {
        return io.magnetar.codecs.SubscribeDecoder.priorityLevelNullValue() == priorityLevel ? 0 : priorityLevel;
    }

    ShardConsumer(final long consumerId, final TopicSubscription subscription, final ShardSession session)
    {
        this(consumerId, subscription, session, "", 0);
    }

    ShardConsumer(
        final long consumerId,
        final TopicSubscription subscription,
        final ShardSession session,
        final String name,
        final int priorityLevel)
    {
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.session = session;
        this.name = name;
        this.priorityLevel = priorityLevel;
    }
}
