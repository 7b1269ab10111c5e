package io.magnetar.broker.shard;

import java.util.ArrayList;

/**
 * Shared subscriptions: entries go round the consumers that have permits, one each in turn; entries a leaving
 * consumer held go out again first, lowest first, with their redelivery count raised. A consumer whose session
 * cannot take more is passed over for the rest of the call.
 */
final class SharedDispatcher implements Dispatcher
{
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
        int index = subscription.nextConsumerIndex;
        while (remaining > 0 && passed < size)
        {
            final long ordinal;
            final boolean isRedelivery = shared.hasRedelivery();
            if (isRedelivery)
            {
                ordinal = shared.nextRedelivery();
                if (ordinal < topic.index.firstOrdinal() || subscription.cursor.isAcked(ordinal))
                {
                    shared.removeNextRedelivery();
                    remaining--;
                    continue;
                }
            }
            else if (subscription.readOrdinal < topic.durableEntries)
            {
                ordinal = subscription.readOrdinal;
                if (subscription.cursor.isAcked(ordinal))
                {
                    subscription.readOrdinal++;
                    remaining--;
                    continue;
                }
            }
            else
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

            final int redeliveryCount = isRedelivery ? shared.redeliveryCount(ordinal) : 0;
            final int result = delivery.deliver(
                consumer, topic, topic.index.position(ordinal), durablePosition, redeliveryCount);
            if (ClientProxy.OFFER_RETRY == result)
            {
                passed++;
                continue;
            }

            passed = 0;
            remaining--;
            if (isRedelivery)
            {
                shared.removeNextRedelivery();
            }
            else
            {
                subscription.readOrdinal++;
            }
            consumer.permits--;
            workCount++;
            // held until acknowledged; a gone consumer's entries go out again when its session's close detaches it
            shared.delivered(ordinal, consumer);
        }
        subscription.nextConsumerIndex = index;

        return workCount;
    }
}
