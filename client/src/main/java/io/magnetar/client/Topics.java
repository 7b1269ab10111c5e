package io.magnetar.client;

import java.util.function.IntSupplier;

/**
 * Topic administration, shaped like Pulsar's {@code admin.topics()}. Get it from
 * {@code client.admin().topics()}. Thread-safe; each call blocks until the broker answered, bounded by the client's
 * operation timeout.
 */
public final class Topics
{
    private static final int TOPIC_ADMIN_VERSION = 2;

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
        requests.checkReady("reset a cursor");
        if (null == topic || topic.isBlank() || null == subscription || subscription.isBlank())
        {
            throw new MagnetarClientException("topic and subscription must be set");
        }
        RequestTracker.checkBrokerSupports(brokerProtocolVersion.getAsInt(), TOPIC_ADMIN_VERSION, "reset-cursor");

        final String fullName = Protocol.fullTopicName(topic);
        requests.call(EgressAdapter.SUCCESS,
            "reset-cursor of subscription '" + subscription + "' on '" + fullName + "'",
            (correlationId, deadlineNs) -> ingress.resetCursor(
                correlationId, fullName, subscription, timestamp, deadlineNs));
    }
}
