package io.magnetar.client;

/**
 * How a producer of a partitioned topic picks the partition of a message without a key, as Pulsar's
 * {@code MessageRoutingMode}. A message with a key always goes to the partition its key hashes to (Murmur3 32 of the
 * key's UTF-8 bytes, modulo the partition count), so one key's messages stay in order.
 */
public enum MessageRoutingMode
{
    /**
     * In turn over all partitions (the default); when the producer batches, it moves on once per batching delay, so
     * batches fill up.
     */
    RoundRobinPartition,

    /**
     * Every message to one partition, picked at random when the producer is created.
     */
    SinglePartition,

    /**
     * The partition the {@link MessageRouter} given to {@link ProducerBuilder#messageRouter(MessageRouter)} picks;
     * also for messages with a key.
     */
    CustomPartition
}
