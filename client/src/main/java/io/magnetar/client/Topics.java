package io.magnetar.client;

import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Topic administration, shaped like Pulsar's {@code admin.topics()}. Get it from
 * {@code client.admin().topics()}. Thread-safe; each call blocks until the broker answered, bounded by the client's
 * operation timeout.
 */
public final class Topics
{
    private static final int TOPIC_ADMIN_VERSION = 2;
    private static final int PARTITIONED_TOPICS_VERSION = 6;
    private static final int TOPIC_STATS_VERSION = 10;

    private final RequestTracker requests;
    private final AdminIngress ingress;
    private final IntSupplier brokerProtocolVersion;

    Topics(final RequestTracker requests, final AdminIngress ingress, final IntSupplier brokerProtocolVersion)
    {
        this.requests = requests;
        this.ingress = ingress;
        this.brokerProtocolVersion = brokerProtocolVersion;
    }

    /**
     * A topic's internal storage state, like Pulsar's {@code topics stats-internal}: entries, bytes, first and last
     * position and shard of the topic; mark-delete position, read position and acknowledged ranges of each cursor;
     * counters of the shard's logs.
     *
     * @param topic name, e.g. {@code persistent://public/default/demo}; a bare name is in {@code public/default}.
     * @return the state.
     * @throws MagnetarClientException if the topic does not exist, the broker refused, or did not answer in time.
     */
    public TopicInternalStats statsInternal(final String topic) throws MagnetarClientException
    {
        requests.checkReady("get the internal stats of a topic");
        if (null == topic || topic.isBlank())
        {
            throw new MagnetarClientException("topic is not set");
        }
        RequestTracker.checkBrokerSupports(
            brokerProtocolVersion.getAsInt(), TOPIC_ADMIN_VERSION, "stats-internal");

        final String fullName = Protocol.fullTopicName(topic);
        final String operation = "stats-internal of topic '" + fullName + "'";
        final PendingRequest request = requests.call(EgressAdapter.STATS_INTERNAL, operation,
            (correlationId, deadlineNs) -> ingress.statsInternal(correlationId, fullName, deadlineNs));

        try
        {
            return TopicInternalStats.fromJson(request.answerText);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(
                operation + " failed: the broker's answer could not be read: " + ex.getMessage(), ex);
        }
    }

    /**
     * A topic's stats, like Pulsar's {@code topics().getStats(topic)} without the rates: counters since the broker
     * started, storage, and each publisher, subscription and consumer. The admin API's {@code /stats} adds rates.
     *
     * @param topic name, e.g. {@code persistent://public/default/demo}; a bare name is in {@code public/default}.
     * @return the stats.
     * @throws MagnetarClientException {@code TOPIC_NOT_FOUND} if the topic does not exist, or if the broker refused
     *                                 or did not answer in time.
     */
    public TopicStats getStats(final String topic) throws MagnetarClientException
    {
        requests.checkReady("get the stats of a topic");
        checkTopic(topic);
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), TOPIC_STATS_VERSION, "topic stats");
        final String fullName = Protocol.fullTopicName(topic);
        final String operation = "stats of topic '" + fullName + "'";
        final PendingRequest request = requests.call(EgressAdapter.TOPIC_STATS, operation,
            (correlationId, deadlineNs) -> ingress.topicStats(correlationId, fullName, deadlineNs));
        return decoded(operation, () -> TopicStats.decode(request.answerFrame));
    }

    /**
     * Counters of up to {@code maxTopics} topics of one shard, from a local topic id on: a sampler walks every topic
     * of the broker a page at a time, starting each shard at 0 and going on from {@link ShardStatsPage#nextLocalId()}
     * until it is -1.
     *
     * @param shard        0 to the broker's shard count - 1.
     * @param fromLocalId  first local topic id of the page, 0 or more.
     * @param maxTopics    most topics in the page (the broker answers at most 512, and fewer if they fill a frame).
     * @param resetLatency true to start the shard's publish latency again after this answer (once per sweep).
     * @return the page.
     * @throws MagnetarClientException if the shard does not exist, or the broker refused or did not answer in time.
     */
    public ShardStatsPage getShardStatsPage(
        final int shard, final long fromLocalId, final int maxTopics, final boolean resetLatency)
        throws MagnetarClientException
    {
        requests.checkReady("get a page of a shard's topic counters");
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), TOPIC_STATS_VERSION, "shard stats");
        final String operation = "topic counters of shard " + shard + " from topic " + fromLocalId;
        final PendingRequest request = requests.call(EgressAdapter.SHARD_STATS, operation,
            (correlationId, deadlineNs) ->
                ingress.shardStats(correlationId, shard, fromLocalId, maxTopics, resetLatency, deadlineNs));
        return decoded(operation, () -> ShardStatsPage.decode(request.answerFrame));
    }

    private static <T> T decoded(final String operation, final Supplier<T> decode)
        throws MagnetarClientException
    {
        try
        {
            return decode.get();
        }
        catch (final RuntimeException ex)
        {
            throw new MagnetarClientException(
                operation + " failed: the broker's answer could not be read: " + ex.getMessage(), ex);
        }
    }

    /**
     * Move a subscription to the first message published at or after a time, like Pulsar's
     * {@code topics().resetCursor(topic, subscription, timestamp)}: every message from there on is delivered again.
     * Returns once the broker has stored the new position.
     *
     * @param topic        name, e.g. {@code persistent://public/default/demo}.
     * @param subscription name of a durable subscription of the topic.
     * @param timestamp    publish time in epoch milliseconds.
     * @throws MagnetarClientException if there is no such subscription, the broker refused, or did not answer.
     */
    public void resetCursor(final String topic, final String subscription, final long timestamp)
        throws MagnetarClientException
    {
        resetCursor(topic, subscription, timestamp, null);
    }

    /**
     * Move a subscription to a message, like Pulsar's {@code topics().resetCursor(topic, subscription, messageId)}:
     * the message and every one after it are delivered again. Returns once the broker has stored the new position.
     *
     * @param topic        name, e.g. {@code persistent://public/default/demo}.
     * @param subscription name of a durable subscription of the topic.
     * @param messageId    of the first message to deliver again.
     * @throws MagnetarClientException if there is no such subscription, the broker refused, or did not answer.
     */
    public void resetCursor(final String topic, final String subscription, final MessageId messageId)
        throws MagnetarClientException
    {
        if (null == messageId || MessageId.LATEST == messageId)
        {
            throw new MagnetarClientException("reset-cursor takes a message's id or MessageId.EARLIEST, not " +
                messageId);
        }
        resetCursor(topic, subscription, 0, MessageId.EARLIEST == messageId ? null : messageId);
    }

    /**
     * Delete a subscription, as Pulsar's {@code topics().deleteSubscription(topic, subscription, force)}: its cursor
     * goes, and with it what it held back from retention.
     *
     * @param topic        of the subscription.
     * @param subscription to delete.
     * @param force        true to close its consumers first (their clients are told); false refuses while any is
     *                     connected.
     * @throws MagnetarClientException {@code SUBSCRIPTION_NOT_FOUND} if there is none, {@code CONSUMER_BUSY} if it has
     *                                 consumers and force is false, or if the broker did not answer in time.
     */
    public void deleteSubscription(final String topic, final String subscription, final boolean force)
        throws MagnetarClientException
    {
        requests.checkReady("delete a subscription");
        if (null == topic || topic.isBlank() || null == subscription || subscription.isBlank())
        {
            throw new MagnetarClientException("topic and subscription must be set");
        }
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), 9, "deleting a subscription");
        final String fullName = Protocol.fullTopicName(topic);
        requests.call(EgressAdapter.SUCCESS, "delete subscription '" + subscription + "' of '" + fullName + "'",
            (correlationId, deadlineNs) -> ingress.deleteSubscription(
                correlationId, fullName, subscription, force, deadlineNs));
    }

    private void resetCursor(
        final String topic, final String subscription, final long timestamp, final MessageId messageId)
        throws MagnetarClientException
    {
        requests.checkReady("reset a cursor");
        if (null == topic || topic.isBlank() || null == subscription || subscription.isBlank())
        {
            throw new MagnetarClientException("topic and subscription must be set");
        }
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(),
            null == messageId ? TOPIC_ADMIN_VERSION : 8, "reset-cursor");

        final String fullName = Protocol.fullTopicName(topic);
        requests.call(EgressAdapter.SUCCESS,
            "reset-cursor of subscription '" + subscription + "' on '" + fullName + "'",
            (correlationId, deadlineNs) -> ingress.resetCursor(
                correlationId, fullName, subscription, timestamp, messageId, deadlineNs));
    }

    /**
     * Create a partitioned topic, as Pulsar's {@code topics().createPartitionedTopic(topic, partitions)}: its
     * partitions are the topics {@code TOPIC-partition-0} to {@code TOPIC-partition-(N-1)}, which producers and
     * consumers of the partitioned topic use.
     *
     * @param topic      name of the partitioned topic.
     * @param partitions how many, at least 1.
     * @throws MagnetarClientException if it exists ({@code TOPIC_ALREADY_EXISTS}), the name or count is invalid, the
     *                                 namespace does not exist, or the broker did not answer.
     */
    public void createPartitionedTopic(final String topic, final int partitions) throws MagnetarClientException
    {
        partitionedTopic(topic, partitions, true);
    }

    /**
     * Raise the partition count of a partitioned topic, as Pulsar's {@code topics().updatePartitionedTopic}:
     * running producers and consumers pick the new partitions up by themselves.
     *
     * @param topic      name of the partitioned topic.
     * @param partitions the new count, more than the current one.
     * @throws MagnetarClientException if the topic is not partitioned ({@code TOPIC_NOT_FOUND}), the count is not
     *                                 higher, or the broker did not answer.
     */
    public void updatePartitionedTopic(final String topic, final int partitions) throws MagnetarClientException
    {
        partitionedTopic(topic, partitions, false);
    }

    /**
     * How many partitions a topic has, as Pulsar's {@code topics().getPartitionedTopicMetadata(topic)}.
     *
     * @param topic name of the topic.
     * @return its metadata; {@code partitions} is 0 for a topic that is not partitioned.
     * @throws MagnetarClientException if the name is invalid or the broker did not answer.
     */
    public PartitionedTopicMetadata getPartitionedTopicMetadata(final String topic) throws MagnetarClientException
    {
        requests.checkReady("get the partitioned metadata of a topic");
        checkTopic(topic);
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), PARTITIONED_TOPICS_VERSION,
            "partitioned topics");
        final String fullName = Protocol.fullTopicName(topic);
        final PendingRequest request = requests.call(EgressAdapter.PARTITIONED_TOPIC_METADATA,
            "partitioned metadata of topic '" + fullName + "'",
            (correlationId, deadlineNs) -> ingress.partitionedTopicMetadata(correlationId, fullName, deadlineNs));
        return new PartitionedTopicMetadata(request.answerInt);
    }

    /**
     * The internal stats of every partition of a partitioned topic, as Pulsar's
     * {@code topics().getPartitionedInternalStats(topic)}, with entries and bytes summed.
     *
     * @param topic name of the partitioned topic.
     * @return the stats.
     * @throws MagnetarClientException if the topic is not partitioned ({@code TOPIC_NOT_FOUND}) or the broker did not
     *                                 answer. A partition no producer or consumer has used yet is left out.
     */
    public PartitionedTopicInternalStats getPartitionedInternalStats(final String topic) throws MagnetarClientException
    {
        final int partitions = getPartitionedTopicMetadata(topic).partitions;
        final String fullName = Protocol.fullTopicName(topic);
        if (0 == partitions)
        {
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND,
                "topic '" + fullName + "' is not partitioned");
        }
        final java.util.Map<String, TopicInternalStats> stats = new java.util.LinkedHashMap<>();
        for (int i = 0; i < partitions; i++)
        {
            final String partition = PartitionFactory.partitionName(fullName, i);
            try
            {
                stats.put(partition, statsInternal(partition));
            }
            catch (final MagnetarClientException ex)
            {
                if (MagnetarClientException.ErrorCode.TOPIC_NOT_FOUND != ex.errorCode())
                {
                    throw ex;
                }
                // a partition no producer or consumer has used yet holds nothing: it has no stats to list
            }
        }
        return new PartitionedTopicInternalStats(partitions, stats);
    }

    private void partitionedTopic(final String topic, final int partitions, final boolean create)
        throws MagnetarClientException
    {
        requests.checkReady(create ? "create a partitioned topic" : "update a partitioned topic");
        checkTopic(topic);
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), PARTITIONED_TOPICS_VERSION,
            "partitioned topics");
        final String fullName = Protocol.fullTopicName(topic);
        requests.call(EgressAdapter.SUCCESS,
            (create ? "create" : "update") + " partitioned topic '" + fullName + "' with " + partitions +
            " partitions",
            (correlationId, deadlineNs) -> ingress.partitionedTopic(
                correlationId, create, fullName, partitions, deadlineNs));
    }

    private static void checkTopic(final String topic) throws MagnetarClientException
    {
        if (null == topic || topic.isBlank())
        {
            throw new MagnetarClientException("topic is not set");
        }
    }
}
