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
}
