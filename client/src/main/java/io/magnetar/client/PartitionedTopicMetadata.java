package io.magnetar.client;

/**
 * How many partitions a topic has, as Pulsar's {@code PartitionedTopicMetadata}: 0 for a topic that is not
 * partitioned.
 */
public final class PartitionedTopicMetadata
{
    /** The partition count; 0 if the topic is not partitioned (Pulsar's public field). */
    public final int partitions;

    /**
     * @param partitions the partition count, 0 if not partitioned.
     */
    public PartitionedTopicMetadata(final int partitions)
    {
        this.partitions = partitions;
    }

    /**
     * @return the partition count; 0 if the topic is not partitioned.
     */
    public int getPartitions()
    {
        return partitions;
    }

    /**
     * @return {@code {"partitions":N}}, the JSON pulsar-admin prints.
     */
    public String toString()
    {
        return "{\"partitions\":" + partitions + "}";
    }
}
