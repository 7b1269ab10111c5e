package io.magnetar.broker.shard;

/**
 * Exclusive subscriptions, and failover's active consumer: one consumer gets every entry in order, skipping those
 * already acknowledged; entries negatively acknowledged go again first, out of their order (as in Pulsar). A consumer
 * that takes over starts again at the first unacknowledged entry.
 */
final class ExclusiveDispatcher implements Dispatcher
{
    private final EntryDelivery delivery;

    ExclusiveDispatcher(final EntryDelivery delivery)
    {
        this.delivery = delivery;
    }

    /**
     * {@inheritDoc}
     */
    public int dispatch(final TopicSubscription subscription, final long durablePosition, final int budget)
    {
        final ShardConsumer consumer = subscription.consumer;
        final Topic topic = subscription.topic;
        int workCount = 0;
        int remaining = budget;
        while (consumer.permits > 0 && remaining > 0)
        {
            final long ordinal = subscription.nextOrdinal(remaining);
            if (ordinal < 0)
            {
                break;
            }

            final int result = delivery.deliver(consumer, topic, topic.index.position(ordinal), durablePosition,
                subscription.redeliveryCount(ordinal));
            if (ClientProxy.OFFER_RETRY == result)
            {
                break;
            }

            subscription.advance();
            consumer.permits--;
            remaining--;
            workCount++;
            if (ClientProxy.OFFER_GONE == result)
            {
                break;
            }
        }

        return workCount;
    }
}
