package io.magnetar.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The internal stats of every partition of a partitioned topic, as Pulsar's {@code partitioned-stats-internal}, with
 * the entries and bytes summed over the partitions.
 */
public final class PartitionedTopicInternalStats
{
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final int partitions;
    private final Map<String, TopicInternalStats> statsByPartition;

    /**
     * @param partitions       of the topic.
     * @param statsByPartition each partition's stats, by the partition's topic name, in partition order.
     */
    PartitionedTopicInternalStats(final int partitions, final Map<String, TopicInternalStats> statsByPartition)
    {
        this.partitions = partitions;
        this.statsByPartition = Collections.unmodifiableMap(new LinkedHashMap<>(statsByPartition));
    }

    /**
     * @return the partition count.
     */
    public int getPartitions()
    {
        return partitions;
    }

    /**
     * @return each partition's internal stats, by the partition's topic name.
     */
    public Map<String, TopicInternalStats> getPartitionStats()
    {
        return statsByPartition;
    }

    /**
     * @return entries held, summed over the partitions.
     */
    public long getEntries()
    {
        long entries = 0;
        for (final TopicInternalStats stats : statsByPartition.values())
        {
            entries += stats.getEntries();
        }
        return entries;
    }

    /**
     * @return bytes held, summed over the partitions.
     */
    public long getBytes()
    {
        long bytes = 0;
        for (final TopicInternalStats stats : statsByPartition.values())
        {
            bytes += stats.getBytes();
        }
        return bytes;
    }

    /**
     * @return {@code {"metadata":{"partitions":N},"entries":E,"bytes":B,"partitions":{name: stats, ...}}}.
     */
    public String toJson()
    {
        try
        {
            final ObjectNode root = MAPPER.createObjectNode();
            root.putObject("metadata").put("partitions", partitions);
            root.put("entries", getEntries());
            root.put("bytes", getBytes());
            final ObjectNode byPartition = root.putObject("partitions");
            for (final Map.Entry<String, TopicInternalStats> entry : statsByPartition.entrySet())
            {
                byPartition.set(entry.getKey(), MAPPER.readTree(entry.getValue().toJson()));
            }
            return MAPPER.writeValueAsString(root);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalStateException("stats could not be written as JSON", ex);
        }
    }
}
