package io.magnetar.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Collections;
import java.util.Iterator;
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
     * Read the document {@link #toJson()} writes, as the admin API answers it.
     *
     * @param json the document.
     * @return the stats it holds.
     * @throws IllegalArgumentException if it is not such a document.
     */
    public static PartitionedTopicInternalStats fromJson(final String json)
    {
        try
        {
            final JsonNode root = MAPPER.readTree(json);
            final JsonNode partitions = root.path("metadata").path("partitions");
            final JsonNode byPartition = root.path("partitions");
            if (!partitions.isInt() || !byPartition.isObject())
            {
                throw new IllegalArgumentException("not partitioned internal stats: " + json);
            }
            final Map<String, TopicInternalStats> stats = new LinkedHashMap<>();
            final Iterator<Map.Entry<String, JsonNode>> fields = byPartition.fields();
            while (fields.hasNext())
            {
                final Map.Entry<String, JsonNode> field = fields.next();
                stats.put(field.getKey(), TopicInternalStats.fromJson(MAPPER.writeValueAsString(field.getValue())));
            }
            return new PartitionedTopicInternalStats(partitions.intValue(), stats);
        }
        catch (final com.fasterxml.jackson.core.JsonProcessingException ex)
        {
            throw new IllegalArgumentException("not partitioned internal stats: " + ex.getOriginalMessage(), ex);
        }
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
