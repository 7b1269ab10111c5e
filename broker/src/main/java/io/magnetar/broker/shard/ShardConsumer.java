package io.magnetar.broker.shard;

/**
 * A consumer attached to a subscription, with the permits its client granted.
 */
final class ShardConsumer
{
    final long consumerId;
    final TopicSubscription subscription;
    final ShardSession session;
    long permits;

    ShardConsumer(final long consumerId, final TopicSubscription subscription, final ShardSession session)
    {
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.session = session;
    }
}
