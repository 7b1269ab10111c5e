package io.magnetar.client;

/**
 * Picks the partition of a message, for {@link MessageRoutingMode#CustomPartition}, as Pulsar's
 * {@code MessageRouter}. Called on the sending thread; it must not block.
 */
@FunctionalInterface
public interface MessageRouter
{
    /**
     * @param key           of the message, or null.
     * @param numPartitions of the topic now (it may grow while the producer runs).
     * @return the partition, from 0 to {@code numPartitions - 1}.
     */
    int choosePartition(String key, int numPartitions);
}
