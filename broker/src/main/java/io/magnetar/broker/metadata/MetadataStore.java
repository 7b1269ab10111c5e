package io.magnetar.broker.metadata;

import java.io.IOException;
import java.util.Map;

/**
 * Metadata the broker keeps beside the topics' data: today the partitioned topics and their partition counts, as
 * Pulsar keeps them in its metadata store. An embedded, crash-safe store in the data directory is the default
 * ({@link FileMetadataStore}); a replicated one can come later behind the same interface. Used by the session agent
 * only.
 */
public interface MetadataStore
{
    /**
     * @param topic full name of a topic.
     * @return its partition count, or 0 if it is not a partitioned topic.
     */
    int partitions(String topic);

    /**
     * Store a partitioned topic's partition count, durably, before returning.
     *
     * @param topic      full name of the partitioned topic.
     * @param partitions its partition count, at least 1.
     * @throws IOException if it could not be stored; the store is then as it was.
     */
    void putPartitions(String topic, int partitions) throws IOException;

    /**
     * @return every partitioned topic with its partition count, sorted by name; read only.
     */
    Map<String, Integer> partitionedTopics();
}
