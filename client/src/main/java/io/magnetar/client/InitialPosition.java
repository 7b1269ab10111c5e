package io.magnetar.client;

/**
 * Where a new subscription starts reading a topic, as in Pulsar.
 */
public enum InitialPosition
{
    /**
     * After the last message: only messages published from now on.
     */
    LATEST,

    /**
     * At the first message the topic still holds.
     */
    EARLIEST
}
