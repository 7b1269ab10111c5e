package io.magnetar.client;

/**
 * Told when a consumer of a failover subscription becomes the one that receives, or stops being it, as Pulsar's
 * {@code ConsumerEventListener}. Called on the client's conductor thread (or the application thread that runs the
 * client's duty cycle): it must return quickly and must not block or call the client.
 */
public interface ConsumerEventListener
{
    /**
     * @param consumer    that now receives the subscription's messages (for a partitioned topic, the partition's).
     * @param partitionId of the partition, or -1 if the topic is not partitioned.
     */
    void becameActive(Consumer consumer, int partitionId);

    /**
     * @param consumer    that no longer receives; another consumer of the subscription does.
     * @param partitionId of the partition, or -1 if the topic is not partitioned.
     */
    void becameInactive(Consumer consumer, int partitionId);
}
