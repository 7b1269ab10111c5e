package io.magnetar.broker.session;

import io.magnetar.codecs.ErrorCode;
import org.agrona.DirectBuffer;

/**
 * The commands of well-shaped client frames, as decoded by {@link IngressFrameAdapter}. Methods that may hand the
 * frame to a shard return false when it cannot be handed over yet: the frame is then polled again.
 * <p>
 * {@code frame} and {@code length} are the whole frame (header included, from offset 0), valid only during the
 * call; {@code sessionKey} names the client's ingress image, see {@link ClientSession#key(int, int)}.
 */
interface IngressCommandListener
{
    void onConnect(
        long sessionKey,
        int transport,
        int imageSessionId,
        long correlationId,
        int protocolVersion,
        int responseStreamId,
        String responseChannel,
        String clientName,
        String authToken);

    boolean onSend(
        long sessionKey,
        long sequenceId,
        long producerId,
        long keyLength,
        long payloadLength,
        DirectBuffer frame,
        int length);

    boolean onAck(long sessionKey, long correlationId, long consumerId, DirectBuffer frame, int length);

    boolean onAckWithReceipt(long sessionKey, long correlationId, long consumerId, DirectBuffer frame, int length);

    boolean onFlow(long sessionKey, long correlationId, long consumerId, DirectBuffer frame, int length);

    /**
     * A command of an open consumer that its shard takes as it is ({@code RedeliverUnacknowledged},
     * {@code AckCumulative}).
     */
    boolean onConsumerCommand(
        long sessionKey, long correlationId, long consumerId, DirectBuffer frame, int length);

    boolean onCloseConsumer(long sessionKey, long correlationId, long consumerId, DirectBuffer frame, int length);

    boolean onCreateProducer(
        long sessionKey,
        long correlationId,
        long producerId,
        String topic,
        int producerNameLength,
        DirectBuffer frame,
        int length);

    boolean onSubscribe(
        long sessionKey,
        long correlationId,
        long consumerId,
        short subscriptionType,
        short initialPosition,
        String topic,
        int subscriptionNameLength,
        DirectBuffer frame,
        int length);

    boolean onCloseProducer(long sessionKey, long correlationId, long producerId, DirectBuffer frame, int length);

    boolean onResetCursor(
        long sessionKey, long correlationId, long publishTime, String topic, DirectBuffer frame, int length);

    /**
     * An admin request about a topic that its shard takes as it is ({@code DeleteSubscription}).
     */
    boolean onTopicCommand(long sessionKey, long correlationId, String topic, DirectBuffer frame, int length);

    /**
     * {@code GetTopicsOfNamespace}: every topic shard answers with its topics of the namespace.
     */
    boolean onGetTopicsOfNamespace(
        long sessionKey, long correlationId, String namespace, DirectBuffer frame, int length);

    /**
     * {@code StatsInternalRequest} or {@code TopicStatsRequest}: a read of a topic's stats, handed to its shard.
     */
    boolean onStatsInternalRequest(long sessionKey, long correlationId, String topic, DirectBuffer frame, int length);

    /**
     * {@code DeleteNamespace}: the session agent forgets the namespace and every shard resets its policies.
     *
     * @return false if the request could not be handed to every shard yet.
     */
    boolean onDeleteNamespace(long sessionKey, long correlationId, String namespace);

    /**
     * {@code ShardStatsRequest}: handed to the shard it names.
     */
    boolean onShardCommand(long sessionKey, long correlationId, int shard, DirectBuffer frame, int length);

    /**
     * @param policyCount number of (field, value) pairs; 0 asks to create the namespace.
     * @param fields      raw policy fields, the first {@code policyCount} valid.
     * @param values      policy values, the first {@code policyCount} valid.
     */
    boolean onSetNamespacePolicies(
        long sessionKey,
        long correlationId,
        String namespace,
        int policyCount,
        short[] fields,
        long[] values,
        DirectBuffer frame,
        int length);

    boolean onGetNamespacePolicies(
        long sessionKey, long correlationId, String namespace, DirectBuffer frame, int length);

    void onListNamespaces(long sessionKey, long correlationId, String tenant);

    /**
     * Create a partitioned topic, or raise its partition count.
     *
     * @param sessionKey    of the session.
     * @param correlationId of the request.
     * @param create        true to create, false to raise the count.
     * @param topic         name of the partitioned topic.
     * @param partitions    its partition count.
     */
    void onPartitionedTopic(long sessionKey, long correlationId, boolean create, String topic, int partitions);

    /**
     * Answer how many partitions a topic has.
     *
     * @param sessionKey    of the session.
     * @param correlationId of the request.
     * @param topic         name of the topic.
     */
    void onGetPartitionedTopicMetadata(long sessionKey, long correlationId, String topic);

    void onPing(long sessionKey, long correlationId, long timestamp);

    void onDisconnect(long sessionKey, long correlationId);

    /**
     * A frame that is malformed or of an unknown command: to be answered with an error if its session is active.
     *
     * @param correlationId of the frame if it could be read, else -1.
     */
    void onBadFrame(long sessionKey, long correlationId, ErrorCode code, String message);

    /**
     * A Connect that cannot be answered (a name too long): counted and dropped.
     */
    void onDroppedFrame(long sessionKey);
}
