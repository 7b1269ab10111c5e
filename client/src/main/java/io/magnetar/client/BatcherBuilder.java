package io.magnetar.client;

/**
 * How a batching producer groups messages into batches, as Pulsar's {@code BatcherBuilder.DEFAULT} and
 * {@code KEY_BASED}.
 */
public enum BatcherBuilder
{
    /** Messages join the batch in the order they are sent, whatever their keys; the batch's entry has no key. */
    DEFAULT,

    /**
     * A batch holds messages of one key, and its entry carries that key: a message with another key sends the batch
     * first. What Key_Shared subscriptions need to route batches by key; fewer messages per batch when keys
     * alternate.
     */
    KEY_BASED
}
