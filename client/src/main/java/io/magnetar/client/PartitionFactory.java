package io.magnetar.client;

/**
 * Creates the producer or consumer of one partition of a partitioned topic, with the settings of its builder.
 *
 * @param <T> producer or consumer.
 */
@FunctionalInterface
interface PartitionFactory<T>
{
    /** What a partition's name adds to its partitioned topic's, before the index, as in Pulsar. */
    String PARTITION_SUFFIX = "-partition-";

    /**
     * @param partition index of the partition.
     * @return its producer or consumer, ready.
     * @throws MagnetarClientException if the broker refused or did not answer.
     */
    T create(int partition) throws MagnetarClientException;

    /**
     * @param topic     full name of a partitioned topic.
     * @param partition index of one of its partitions.
     * @return the partition's topic name, as Pulsar names it.
     */
    static String partitionName(final String topic, final int partition)
    {
        return topic + PARTITION_SUFFIX + partition;
    }

    /**
     * @param topic full name of a topic.
     * @return the partitioned topic a partition belongs to, or the topic itself if it is not a partition.
     */
    static String partitionedTopicOf(final String topic)
    {
        return partitionIndexOf(topic) < 0 ? topic : topic.substring(0, topic.lastIndexOf(PARTITION_SUFFIX));
    }

    /**
     * @param topic full name of a topic.
     * @return the partition index it names ({@code ...-partition-I}), or -1 if it is not a partition.
     */
    static int partitionIndexOf(final String topic)
    {
        final int at = topic.lastIndexOf(PARTITION_SUFFIX);
        if (at < 0 || at + PARTITION_SUFFIX.length() == topic.length())
        {
            return -1;
        }
        try
        {
            return Integer.parseInt(topic.substring(at + PARTITION_SUFFIX.length()));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }
}
