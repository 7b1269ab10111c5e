package io.magnetar.client;

/**
 * How the consumers of one subscription share its messages, as in Pulsar.
 */
public enum SubscriptionType
{
    /**
     * One consumer at a time; a second one is refused.
     */
    EXCLUSIVE,

    /**
     * Messages go round-robin to every consumer of the subscription.
     */
    SHARED,

    /**
     * One active consumer; the others take over when it goes.
     */
    FAILOVER,

    /**
     * Messages with the same key go to the same consumer.
     */
    KEY_SHARED
}
