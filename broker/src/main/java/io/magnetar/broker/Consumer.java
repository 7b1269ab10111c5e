package io.magnetar.broker;

/**
 * A consumer attached to a subscription, with the permits its client granted.
 */
final class Consumer
{
    final long consumerId;
    final Subscription subscription;
    final ShardSession session;
    long permits;

    Consumer(final long consumerId, final Subscription subscription, final ShardSession session)
    {
        this.consumerId = consumerId;
        this.subscription = subscription;
        this.session = session;
    }
}
