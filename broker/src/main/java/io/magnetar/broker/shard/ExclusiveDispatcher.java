package io.magnetar.broker.shard;

/**
 * Exclusive subscriptions, and failover's active consumer: one consumer gets every entry in order, skipping those
 * already acknowledged. A consumer that takes over starts again at the first unacknowledged entry.
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
        while (consumer.permits > 0 && subscription.readOrdinal < topic.durableEntries && remaining-- > 0)
        {
            final long ordinal = subscription.readOrdinal;
            if (subscription.cursor.isAcked(ordinal))
            {
                subscription.readOrdinal++;
                continue;
            }

            final int result = delivery.deliver(consumer, topic, topic.index.position(ordinal), durablePosition, 0);
            if (ClientProxy.OFFER_RETRY == result)
            {
                break;
            }

            subscription.readOrdinal++;
            consumer.permits--;
            workCount++;
            if (ClientProxy.OFFER_GONE == result)
            {
                break;
            }
        }

        return workCount;
    }
}
