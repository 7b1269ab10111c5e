package io.magnetar.broker.shard;

import java.util.ArrayList;

/**
 * Shared subscriptions: entries go round the consumers that have permits, one each in turn; entries to deliver
 * again (a leaving consumer held them, or they were negatively acknowledged) go first, lowest first, with their
 * redelivery count raised. A consumer whose session cannot take more is passed over for the rest of the call. An
 * entry whose delivery time has not come waits in the subscription's {@link DelayedDeliveries}.
 */
final class SharedDispatcher implements Dispatcher
{
    /** Entries found delayed a call may pass over, per entry of its budget. */
    private static final int DELAYED_PER_DELIVERY = 4;

    private final EntryDelivery delivery;

    SharedDispatcher(final EntryDelivery delivery)
    {
        this.delivery = delivery;
    }

    /**
     * {@inheritDoc}
     */
    public int dispatch(final TopicSubscription subscription, final long durablePosition, final int budget)
    {
        final ArrayList<ShardConsumer> consumers = subscription.consumers;
        final SharedDeliveries shared = subscription.shared;
        final Topic topic = subscription.topic;
        final int size = consumers.size();
        int workCount = 0;
        int remaining = budget;
        int passed = 0; // consumers in a row that had no permit or could not take the entry
        int delayedLimit = DELAYED_PER_DELIVERY * budget;
        int index = subscription.nextConsumerIndex;
        while (remaining > 0 && passed < size && delayedLimit > 0)
        {
            final long ordinal = subscription.nextOrdinal(remaining);
            if (ordinal < 0)
            {
                break;
            }

            if (index >= size)
            {
                index = 0;
            }
            final ShardConsumer consumer = consumers.get(index++);
            if (consumer.permits <= 0)
            {
                passed++;
                continue;
            }

            final int result = delivery.deliver(consumer, topic, topic.index.position(ordinal), durablePosition,
                subscription.redeliveryCount(ordinal));
            if (ClientProxy.OFFER_RETRY == result)
            {
                passed++;
                continue;
            }
            if (ClientProxy.OFFER_DELAYED == result)
            {
                subscription.delay(ordinal, delivery.delayedUntilNs());
                index--; // the same consumer is offered the next entry
                delayedLimit--;
                continue;
            }

            passed = 0;
            remaining--;
            subscription.advance();
            consumer.permits--;
            workCount++;
            // held until acknowledged; a gone consumer's entries go out again when its session's close detaches it
            shared.delivered(ordinal, consumer);
        }
        subscription.nextConsumerIndex = index;

        return workCount;
    }
}
