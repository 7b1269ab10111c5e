package io.magnetar.broker.shard;

/**
 * Acknowledges entries on the broker's own account (TTL, backlog eviction): recorded first, applied once recorded.
 */
interface SubscriptionAcks
{
    /**
     * @return false if the cursor log could not take the record now.
     */
    boolean ackAndRecord(TopicSubscription subscription, long position);

    /**
     * Record the acks that wait in a run, so the cursors hold them; one that records each ack at once has none.
     *
     * @return false if the cursor log is back-pressured.
     */
    default boolean recordAcks()
    {
        return true;
    }
}
