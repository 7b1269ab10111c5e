package io.magnetar.broker.shard;

/**
 * Sends one stored entry to one consumer: the seam between a {@link Dispatcher}, which decides, and the proxy that
 * reads the entry and encodes the message.
 */
interface EntryDelivery
{
    /**
     * @param consumer        to send to.
     * @param topic           of the entry.
     * @param messageId       of the entry.
     * @param durablePosition the entry log's durable position.
     * @param redeliveryCount how often the entry went out again to the subscription, carried by the message.
     * @return {@link ClientProxy#OFFER_OK}, {@link ClientProxy#OFFER_RETRY} (try again later, e.g. back pressure),
     * {@link ClientProxy#OFFER_GONE} (the consumer's session is gone) or {@link ClientProxy#OFFER_DELAYED} (a shared
     * or Key_Shared consumer, and the entry's delivery time has not come: {@link #delayedUntilNs()} says when).
     */
    int deliver(ShardConsumer consumer, Topic topic, long messageId, long durablePosition, int redeliveryCount);

    /**
     * @return after {@link ClientProxy#OFFER_DELAYED}: when the entry may go, {@link System#nanoTime()} scale.
     */
    default long delayedUntilNs()
    {
        return Long.MIN_VALUE;
    }
}
