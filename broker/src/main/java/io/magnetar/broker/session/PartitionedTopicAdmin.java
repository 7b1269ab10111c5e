package io.magnetar.broker.session;

import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;

import java.io.IOException;

/**
 * Creates partitioned topics, raises their partition count and answers how many partitions a topic has, as Pulsar's
 * {@code create-partitioned-topic}, {@code update-partitioned-topic} and {@code get-partitioned-topic-metadata}: the
 * counts live in the metadata store ({@link MetadataAdmin}); the partitions are ordinary topics named
 * {@code TOPIC-partition-I},
 * created by the first producer or consumer that uses them. Session agent only; a change waits for the store to
 * be durable (an admin operation, not the message path).
 */
final class PartitionedTopicAdmin
{
    /** Suffix of a partition's name before its index, as in Pulsar. */
    static final String PARTITION_SUFFIX = TopicName.PARTITION_SUFFIX;

    private final MetadataAdmin store;
    private final NamespaceDirectory namespaces;
    private final SessionReplyPublisher replyPublisher;
    private final int maxPartitions;

    /**
     * @param store          of the partition counts.
     * @param namespaces     known to the broker: a partitioned topic's must exist.
     * @param replyPublisher for the answers.
     * @param maxPartitions  most partitions a topic may have.
     */
    PartitionedTopicAdmin(
        final MetadataAdmin store,
        final NamespaceDirectory namespaces,
        final SessionReplyPublisher replyPublisher,
        final int maxPartitions)
    {
        this.store = store;
        this.namespaces = namespaces;
        this.replyPublisher = replyPublisher;
        this.maxPartitions = maxPartitions;
    }

    void create(final ClientSession session, final long correlationId, final String topic, final int partitions)
    {
        final TopicName name = check(session, correlationId, topic, partitions);
        if (null == name)
        {
            return;
        }
        final int existing = store.snapshot().partitions(name.toString());
        if (existing > 0)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.TOPIC_ALREADY_EXISTS, "partitioned topic " +
                name + " already exists with " + existing + " partitions");
            return;
        }
        store(session, correlationId, name, partitions);
    }

    void update(final ClientSession session, final long correlationId, final String topic, final int partitions)
    {
        final TopicName name = check(session, correlationId, topic, partitions);
        if (null == name)
        {
            return;
        }
        final int existing = store.snapshot().partitions(name.toString());
        if (0 == existing)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.TOPIC_NOT_FOUND, "partitioned topic " + name +
                " does not exist (create-partitioned-topic makes one)");
            return;
        }
        if (partitions <= existing)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "partitioned topic " + name +
                " has " + existing + " partitions: the count can only be raised, not to " + partitions);
            return;
        }
        store(session, correlationId, name, partitions);
    }

    void metadata(final ClientSession session, final long correlationId, final String topic)
    {
        final TopicName name;
        try
        {
            name = TopicName.parse(topic);
        }
        catch (final IllegalArgumentException ex)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_TOPIC_NAME, ex.getMessage());
            return;
        }
        replyPublisher.sendPartitionedTopicMetadata(
            session, correlationId, store.snapshot().partitions(name.toString()));
    }

    private TopicName check(
        final ClientSession session, final long correlationId, final String topic, final int partitions)
    {
        final TopicName name;
        try
        {
            name = TopicName.parse(topic);
        }
        catch (final IllegalArgumentException ex)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_TOPIC_NAME, ex.getMessage());
            return null;
        }
        if (name.localName().contains(PARTITION_SUFFIX))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_TOPIC_NAME, "a partitioned topic's " +
                "name cannot contain '" + PARTITION_SUFFIX + "': " + name);
            return null;
        }
        if (partitions < 1 || partitions > maxPartitions)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "a partitioned topic has 1 " +
                "to " + maxPartitions + " partitions (magnetar.max.partitions), not " + partitions);
            return null;
        }
        if (!namespaces.contains(name.namespaceName()))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "namespace " +
                name.namespaceName() + " does not exist");
            return null;
        }
        return name;
    }

    private void store(
        final ClientSession session, final long correlationId, final TopicName name, final int partitions)
    {
        try
        {
            store.putPartitions(name.toString(), partitions);
            replyPublisher.sendSuccess(session, correlationId);
        }
        catch (final IOException ex)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.PERSISTENCE_ERROR, "could not store the " +
                "partition count of " + name + ": " + ex.getMessage());
        }
    }
}
