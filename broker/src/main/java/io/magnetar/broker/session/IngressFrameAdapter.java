package io.magnetar.broker.session;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.Subscription;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.codecs.AckCumulativeDecoder;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.AckGroupDecoder;
import io.magnetar.codecs.AckWithReceiptDecoder;
import io.magnetar.codecs.CloseConsumerDecoder;
import io.magnetar.codecs.CloseProducerDecoder;
import io.magnetar.codecs.ConnectDecoder;
import io.magnetar.codecs.CreatePartitionedTopicDecoder;
import io.magnetar.codecs.CreateProducerDecoder;
import io.magnetar.codecs.DeleteNamespaceDecoder;
import io.magnetar.codecs.DeleteSubscriptionDecoder;
import io.magnetar.codecs.DisconnectDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.FlowDecoder;
import io.magnetar.codecs.GetLastMessageIdDecoder;
import io.magnetar.codecs.GetNamespacePoliciesDecoder;
import io.magnetar.codecs.GetPartitionedTopicMetadataDecoder;
import io.magnetar.codecs.GetTopicsOfNamespaceDecoder;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.ListNamespacesDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.PingDecoder;
import io.magnetar.codecs.ProducerAccessMode;
import io.magnetar.codecs.RedeliverUnacknowledgedDecoder;
import io.magnetar.codecs.ResetCursorDecoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SetNamespacePoliciesDecoder;
import io.magnetar.codecs.ShardStatsRequestDecoder;
import io.magnetar.codecs.StatsInternalRequestDecoder;
import io.magnetar.codecs.TopicStatsRequestDecoder;
import io.magnetar.codecs.SubscribeDecoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.UnsubscribeDecoder;
import io.magnetar.codecs.UpdatePartitionedTopicDecoder;
import io.magnetar.codecs.checks.MessageMetadataCheck;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

import static io.aeron.logbuffer.ControlledFragmentHandler.Action.ABORT;
import static io.aeron.logbuffer.ControlledFragmentHandler.Action.CONTINUE;
import static io.magnetar.codecs.MessageHeaderDecoder.ENCODED_LENGTH;

/**
 * Checks the shape of each client frame before any decoder reads it, decodes it and calls one typed method of an
 * {@link IngressCommandListener} per command. A frame shorter than the header, of a foreign schema or version 0,
 * with a block shorter than this broker's or a length field pointing outside the frame, longer than its command
 * allows, or of an unknown template, goes to {@link IngressCommandListener#onBadFrame}. A client's bytes never
 * reach a shard unless they form a well-shaped frame.
 */
final class IngressFrameAdapter
{
    private final IngressCommandListener listener;
    private final ErrorHandler errorHandler;
    private final ControlledFragmentAssembler udpAssembler = new ControlledFragmentAssembler(this::onUdpFragment);
    private final ControlledFragmentAssembler ipcAssembler = new ControlledFragmentAssembler(this::onIpcFragment);
    private final UnsafeBuffer frame = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final CreateProducerDecoder createProducerDecoder = new CreateProducerDecoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final ResetCursorDecoder resetCursorDecoder = new ResetCursorDecoder();
    private final DeleteSubscriptionDecoder deleteSubscriptionDecoder = new DeleteSubscriptionDecoder();
    private final GetTopicsOfNamespaceDecoder getTopicsOfNamespaceDecoder = new GetTopicsOfNamespaceDecoder();
    private final StatsInternalRequestDecoder statsInternalRequestDecoder = new StatsInternalRequestDecoder();
    private final TopicStatsRequestDecoder topicStatsRequestDecoder = new TopicStatsRequestDecoder();
    private final ShardStatsRequestDecoder shardStatsRequestDecoder = new ShardStatsRequestDecoder();
    private final DeleteNamespaceDecoder deleteNamespaceDecoder = new DeleteNamespaceDecoder();
    private final SetNamespacePoliciesDecoder setNamespacePoliciesDecoder = new SetNamespacePoliciesDecoder();
    private final GetNamespacePoliciesDecoder getNamespacePoliciesDecoder = new GetNamespacePoliciesDecoder();
    private final ListNamespacesDecoder listNamespacesDecoder = new ListNamespacesDecoder();
    private final CreatePartitionedTopicDecoder createPartitionedTopicDecoder = new CreatePartitionedTopicDecoder();
    private final GetPartitionedTopicMetadataDecoder getPartitionedTopicMetadataDecoder =
        new GetPartitionedTopicMetadataDecoder();
    private static final int GROUP_HEADER_LENGTH = 4;
    /** Clients before protocol 8 send a {@code Subscribe} without its priority level, the last field. */
    private static final int SUBSCRIBE_V7_BLOCK_LENGTH = SubscribeDecoder.priorityLevelEncodingOffset();
    private static final int SUBSCRIBE_V8_BLOCK_LENGTH = SubscribeDecoder.keySharedModeEncodingOffset();
    /** A Key_Shared sticky consumer's hash range on the wire: start and end, two int32s. */
    public static final int HASH_RANGE_LENGTH = 8;
    /** Most hash ranges one Key_Shared sticky consumer may give. */
    public static final int MAX_HASH_RANGES = 1024;
    private final MessageMetadataCheck metadataCheck = new MessageMetadataCheck();
    private final short[] policyFields = new short[NamespacePolicies.FIELD_COUNT];
    private final long[] policyValues = new long[NamespacePolicies.FIELD_COUNT];

    /**
     * @param listener     of the decoded commands.
     * @param errorHandler told of frames that passed the shape checks and still failed to decode.
     */
    IngressFrameAdapter(final IngressCommandListener listener, final ErrorHandler errorHandler)
    {
        this.listener = listener;
        this.errorHandler = errorHandler;
    }

    /**
     * @param udpIngress    UDP ingress subscription, or null.
     * @param ipcIngress    IPC ingress subscription, or null.
     * @param fragmentLimit most fragments read from each.
     * @return fragments read.
     */
    int poll(final Subscription udpIngress, final Subscription ipcIngress, final int fragmentLimit)
    {
        int workCount = 0;
        if (null != udpIngress)
        {
            workCount += udpIngress.controlledPoll(udpAssembler, fragmentLimit);
        }
        if (null != ipcIngress)
        {
            workCount += ipcIngress.controlledPoll(ipcAssembler, fragmentLimit);
        }

        return workCount;
    }

    private ControlledFragmentHandler.Action onUdpFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return onFrame(ClientSession.TRANSPORT_UDP, header.sessionId(), buffer, offset, length);
    }

    private ControlledFragmentHandler.Action onIpcFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return onFrame(ClientSession.TRANSPORT_IPC, header.sessionId(), buffer, offset, length);
    }

    /**
     * Check, decode and dispatch one whole frame.
     *
     * @param transport      of the ingress it came on.
     * @param imageSessionId session id of the ingress image it came from.
     * @param buffer         holding the frame.
     * @param offset         of the frame in the buffer.
     * @param length         of the frame.
     * @return {@code ABORT} if the listener could not take it yet, else {@code CONTINUE}.
     */
    ControlledFragmentHandler.Action onFrame(
        final int transport, final int imageSessionId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sessionKey = ClientSession.key(transport, imageSessionId);
        try
        {
            return dispatch(transport, imageSessionId, sessionKey, buffer, offset, length) ? CONTINUE : ABORT;
        }
        catch (final RuntimeException ex)
        {
            // the last line of defence: a frame that gets past the shape checks and still fails to decode is
            // answered as malformed and consumed, never polled again
            errorHandler.onError(ex);
            listener.onBadFrame(
                sessionKey, -1, ErrorCode.MALFORMED_FRAME, "frame could not be decoded: " + ex.getMessage());
            return CONTINUE;
        }
    }

    private boolean dispatch(
        final int transport,
        final int imageSessionId,
        final long sessionKey,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        if (length < ENCODED_LENGTH)
        {
            return bad(sessionKey, -1, ErrorCode.MALFORMED_FRAME,
                "frame of " + length + " bytes is shorter than the 8-byte message header");
        }

        frame.wrap(buffer, offset, length);
        headerDecoder.wrap(frame, 0);
        final int schemaId = headerDecoder.schemaId();
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (MessageHeaderDecoder.SCHEMA_ID != schemaId)
        {
            return bad(sessionKey, -1, ErrorCode.UNSUPPORTED_VERSION,
                "schema id " + schemaId + " is not supported; this broker speaks schema " +
                MessageHeaderDecoder.SCHEMA_ID + " up to version " + MessageHeaderDecoder.SCHEMA_VERSION);
        }
        if (version < 1)
        {
            return bad(sessionKey, -1, ErrorCode.UNSUPPORTED_VERSION, "schema version " + version +
                " is not supported; this broker speaks versions 1 to " + MessageHeaderDecoder.SCHEMA_VERSION);
        }

        final long correlationId = blockLength >= 8 && length >= ENCODED_LENGTH + 8 ?
            frame.getLong(ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) : -1;

        if (ConnectDecoder.TEMPLATE_ID == templateId)
        {
            if (!isWellFormed(length, blockLength, ConnectDecoder.BLOCK_LENGTH,
                version >= ConnectDecoder.authTokenSinceVersion() ? 3 : 2))
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Connect frame");
            }
            onConnect(transport, imageSessionId, sessionKey, blockLength, version);
            return true;
        }

        if (length > SessionAgent.SMALL_FRAME_LENGTH && SendDecoder.TEMPLATE_ID != templateId)
        {
            return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME,
                "frame of " + length + " bytes is too long for template " + templateId);
        }

        switch (templateId)
        {
            case SendDecoder.TEMPLATE_ID:
                return onSend(sessionKey, correlationId, length, blockLength, version);

            case AckDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, AckDecoder.BLOCK_LENGTH, 0) ?
                    listener.onAck(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case AckGroupDecoder.TEMPLATE_ID:
                return isWellFormedAckGroup(length, blockLength) ?
                    listener.onAck(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case AckWithReceiptDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, AckWithReceiptDecoder.BLOCK_LENGTH, 0) ?
                    listener.onAckWithReceipt(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case GetLastMessageIdDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, GetLastMessageIdDecoder.BLOCK_LENGTH, 0) ?
                    listener.onConsumerCommand(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case UnsubscribeDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, UnsubscribeDecoder.BLOCK_LENGTH, 0) ?
                    listener.onConsumerCommand(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case DeleteSubscriptionDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, DeleteSubscriptionDecoder.BLOCK_LENGTH, 2))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed DeleteSubscription");
                }
                deleteSubscriptionDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                deleteSubscriptionDecoder.correlationId();
                deleteSubscriptionDecoder.forceRaw();
                return listener.onTopicCommand(
                    sessionKey, correlationId, deleteSubscriptionDecoder.topic(), frame, length);
            }

            case AckCumulativeDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, AckCumulativeDecoder.BLOCK_LENGTH, 0) ?
                    listener.onConsumerCommand(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case RedeliverUnacknowledgedDecoder.TEMPLATE_ID:
                return isWellFormedIdGroup(length, blockLength, RedeliverUnacknowledgedDecoder.BLOCK_LENGTH) ?
                    listener.onConsumerCommand(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case FlowDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, FlowDecoder.BLOCK_LENGTH, 0) ?
                    listener.onFlow(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case CloseConsumerDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, CloseConsumerDecoder.BLOCK_LENGTH, 0) ?
                    listener.onCloseConsumer(sessionKey, correlationId, consumerId(), frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case CreateProducerDecoder.TEMPLATE_ID:
                return onCreateProducer(sessionKey, correlationId, length, blockLength, version);

            case SubscribeDecoder.TEMPLATE_ID:
                return onSubscribe(sessionKey, correlationId, length, blockLength, version);

            case CloseProducerDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, CloseProducerDecoder.BLOCK_LENGTH, 0))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed CloseProducer frame");
                }
                final long producerId = frame.getLong(
                    ENCODED_LENGTH + CloseProducerDecoder.producerIdEncodingOffset(), ByteOrder.LITTLE_ENDIAN);
                return listener.onCloseProducer(sessionKey, correlationId, producerId, frame, length);
            }

            case ResetCursorDecoder.TEMPLATE_ID:
            {
                final int required = version >= 8 ? ResetCursorDecoder.BLOCK_LENGTH :
                    ResetCursorDecoder.messageIdEncodingOffset(); // before 8 without a message id
                if (!isWellFormed(length, blockLength, required, 2))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed reset-cursor");
                }
                resetCursorDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                resetCursorDecoder.correlationId();
                final long publishTime = resetCursorDecoder.publishTime();
                return listener.onResetCursor(
                    sessionKey, correlationId, publishTime, resetCursorDecoder.topic(), frame, length);
            }

            case StatsInternalRequestDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, StatsInternalRequestDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed stats request");
                }
                statsInternalRequestDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                statsInternalRequestDecoder.correlationId();
                return listener.onStatsInternalRequest(
                    sessionKey, correlationId, statsInternalRequestDecoder.topic(), frame, length);
            }

            case TopicStatsRequestDecoder.TEMPLATE_ID:
                if (!isWellFormed(length, blockLength, TopicStatsRequestDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed topic stats request");
                }
                topicStatsRequestDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version).correlationId();
                return listener.onStatsInternalRequest(
                    sessionKey, correlationId, topicStatsRequestDecoder.topic(), frame, length);

            case DeleteNamespaceDecoder.TEMPLATE_ID:
                if (!isWellFormed(length, blockLength, DeleteNamespaceDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed namespace delete");
                }
                return listener.onDeleteNamespace(sessionKey, correlationId,
                    deleteNamespaceDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version).namespaceName());

            case ShardStatsRequestDecoder.TEMPLATE_ID:
                return isWellFormed(length, blockLength, ShardStatsRequestDecoder.BLOCK_LENGTH, 0) ?
                    listener.onShardCommand(sessionKey, correlationId,
                        shardStatsRequestDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version).shard(),
                        frame, length) :
                    malformed(sessionKey, correlationId, templateId);

            case SetNamespacePoliciesDecoder.TEMPLATE_ID:
                return onSetNamespacePolicies(sessionKey, correlationId, length, blockLength, version);

            case ListNamespacesDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, ListNamespacesDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed namespace list");
                }
                listNamespacesDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                listNamespacesDecoder.correlationId();
                listener.onListNamespaces(sessionKey, correlationId, listNamespacesDecoder.tenant());
                return true;
            }

            case GetTopicsOfNamespaceDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, GetTopicsOfNamespaceDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed topics request");
                }
                getTopicsOfNamespaceDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                getTopicsOfNamespaceDecoder.correlationId();
                return listener.onGetTopicsOfNamespace(
                    sessionKey, correlationId, getTopicsOfNamespaceDecoder.namespaceName(), frame, length);
            }

            case GetNamespacePoliciesDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, GetNamespacePoliciesDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies request");
                }
                getNamespacePoliciesDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                getNamespacePoliciesDecoder.correlationId();
                return listener.onGetNamespacePolicies(
                    sessionKey, correlationId, getNamespacePoliciesDecoder.namespaceName(), frame, length);
            }

            case PingDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, PingDecoder.BLOCK_LENGTH, 0))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Ping frame");
                }
                final long timestamp = frame.getLong(
                    ENCODED_LENGTH + PingDecoder.timestampEncodingOffset(), ByteOrder.LITTLE_ENDIAN);
                listener.onPing(sessionKey, correlationId, timestamp);
                return true;
            }

            case DisconnectDecoder.TEMPLATE_ID:
                listener.onDisconnect(sessionKey, correlationId);
                return true;

            case CreatePartitionedTopicDecoder.TEMPLATE_ID:
            case UpdatePartitionedTopicDecoder.TEMPLATE_ID:
            {
                // the two share their layout: correlationId, partitions, topic
                if (!isWellFormed(length, blockLength, CreatePartitionedTopicDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed partitioned topic");
                }
                createPartitionedTopicDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                final int partitions = createPartitionedTopicDecoder.partitions();
                listener.onPartitionedTopic(sessionKey, correlationId,
                    CreatePartitionedTopicDecoder.TEMPLATE_ID == templateId, createPartitionedTopicDecoder.topic(),
                    partitions);
                return true;
            }

            case GetPartitionedTopicMetadataDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, GetPartitionedTopicMetadataDecoder.BLOCK_LENGTH, 1))
                {
                    return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed metadata request");
                }
                getPartitionedTopicMetadataDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
                listener.onGetPartitionedTopicMetadata(
                    sessionKey, correlationId, getPartitionedTopicMetadataDecoder.topic());
                return true;
            }

            default:
                return bad(sessionKey, correlationId, ErrorCode.UNKNOWN_COMMAND,
                    "unknown command: template id " + templateId + " of schema " + schemaId);
        }
    }

    private void onConnect(
        final int transport, final int imageSessionId, final long sessionKey, final int blockLength, final int version)
    {
        connectDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
        final long correlationId = connectDecoder.correlationId();
        final int protocolVersion = connectDecoder.protocolVersion();
        final int responseStreamId = connectDecoder.responseStreamId();
        if (connectDecoder.responseChannelLength() > SessionAgent.MAX_NAME_LENGTH)
        {
            listener.onDroppedFrame(sessionKey);
            return;
        }
        final String responseChannel = connectDecoder.responseChannel();
        if (connectDecoder.clientNameLength() > SessionAgent.MAX_NAME_LENGTH)
        {
            listener.onDroppedFrame(sessionKey);
            return;
        }
        final String clientName = connectDecoder.clientName();
        if (connectDecoder.authTokenLength() > SessionAgent.MAX_AUTH_TOKEN_LENGTH)
        {
            listener.onDroppedFrame(sessionKey);
            return;
        }
        final String authToken = connectDecoder.authToken();

        listener.onConnect(sessionKey, transport, imageSessionId, correlationId, protocolVersion, responseStreamId,
            responseChannel, clientName, authToken);
    }

    private boolean onSend(
        final long sessionKey, final long sequenceId, final int length, final int blockLength, final int version)
    {
        final boolean hasMetadata = version >= SendDecoder.metadataSinceVersion();
        if (!isWellFormed(length, blockLength, SendDecoder.BLOCK_LENGTH, hasMetadata ? 3 : 2))
        {
            return bad(sessionKey, sequenceId, ErrorCode.MALFORMED_FRAME, "malformed Send frame");
        }
        final long producerId = frame.getLong(
            ENCODED_LENGTH + SendDecoder.producerIdEncodingOffset(), ByteOrder.LITTLE_ENDIAN);
        final int keyLengthOffset = ENCODED_LENGTH + blockLength;
        final long keyLength = frame.getInt(keyLengthOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        final long payloadLength =
            frame.getInt((int)(keyLengthOffset + 4 + keyLength), ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (hasMetadata)
        {
            final int metadataLengthOffset = (int)(keyLengthOffset + 4 + keyLength + 4 + payloadLength);
            final int metadataLength = frame.getInt(metadataLengthOffset, ByteOrder.LITTLE_ENDIAN);
            final String refusal = metadataCheck.check(frame, metadataLengthOffset + 4, metadataLength);
            if (null != refusal)
            {
                return bad(sessionKey, sequenceId, ErrorCode.MALFORMED_FRAME, refusal);
            }
        }

        return listener.onSend(sessionKey, sequenceId, producerId, keyLength, payloadLength, frame, length);
    }

    private boolean onCreateProducer(
        final long sessionKey, final long correlationId, final int length, final int blockLength, final int version)
    {
        // before version 5 the block ends where the access mode begins
        final int requiredBlockLength = version >= CreateProducerDecoder.accessModeSinceVersion() ?
            CreateProducerDecoder.BLOCK_LENGTH : CreateProducerDecoder.accessModeEncodingOffset();
        if (!isWellFormed(length, blockLength, requiredBlockLength, 2))
        {
            return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed CreateProducer frame");
        }
        createProducerDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
        createProducerDecoder.correlationId();
        final long producerId = createProducerDecoder.producerId();
        final short accessMode = createProducerDecoder.accessModeRaw();
        if (version >= CreateProducerDecoder.accessModeSinceVersion() &&
            accessMode > ProducerAccessMode.EXCLUSIVE_WITH_FENCING.value())
        {
            return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "unknown producer access mode " +
                accessMode + "; known: 0 shared, 1 exclusive, 2 wait for exclusive, 3 exclusive with fencing");
        }
        final String topic = createProducerDecoder.topic();
        final int producerNameLength = createProducerDecoder.producerNameLength();

        return listener.onCreateProducer(
            sessionKey, correlationId, producerId, topic, producerNameLength, frame, length);
    }

    private boolean onSubscribe(
        final long sessionKey, final long correlationId, final int length, final int blockLength, final int version)
    {
        final int requiredBlockLength = version >= 9 ? SubscribeDecoder.BLOCK_LENGTH :
            version >= 8 ? SUBSCRIBE_V8_BLOCK_LENGTH : SUBSCRIBE_V7_BLOCK_LENGTH;
        if (!isWellFormed(length, blockLength, requiredBlockLength, version >= 9 ? 4 : 3))
        {
            return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Subscribe frame");
        }
        subscribeDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
        subscribeDecoder.correlationId();
        final long consumerId = subscribeDecoder.consumerId();
        final short subscriptionType = subscribeDecoder.subscriptionTypeRaw();
        final short initialPosition = subscribeDecoder.initialPositionRaw();
        final short keySharedMode = subscribeDecoder.keySharedModeRaw();
        final String topic = subscribeDecoder.topic();
        final int subscriptionNameLength = subscribeDecoder.subscriptionLength();
        if (version >= 9)
        {
            subscribeDecoder.skipSubscription();
            subscribeDecoder.skipConsumerName();
            final int rangesLength = subscribeDecoder.hashRangesLength();
            if (SubscriptionType.KEY_SHARED.value() == subscriptionType && keySharedMode > KeySharedMode.STICKY.value())
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "unknown key shared mode " +
                    keySharedMode + "; known: 0 auto split, 1 sticky");
            }
            if (0 != rangesLength % HASH_RANGE_LENGTH || rangesLength > MAX_HASH_RANGES * HASH_RANGE_LENGTH)
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "hash ranges of " + rangesLength +
                    " bytes: must be pairs of int32 (8 bytes each), at most " + MAX_HASH_RANGES);
            }
        }

        return listener.onSubscribe(sessionKey, correlationId, consumerId, subscriptionType, initialPosition, topic,
            subscriptionNameLength, frame, length);
    }

    private boolean onSetNamespacePolicies(
        final long sessionKey, final long correlationId, final int length, final int blockLength, final int version)
    {
        final String namespace;
        int count = 0;
        try
        {
            if (blockLength < SetNamespacePoliciesDecoder.BLOCK_LENGTH)
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            setNamespacePoliciesDecoder.wrap(frame, ENCODED_LENGTH, blockLength, version);
            setNamespacePoliciesDecoder.correlationId();
            final SetNamespacePoliciesDecoder.PoliciesDecoder policies = setNamespacePoliciesDecoder.policies();
            if (policies.count() > NamespacePolicies.FIELD_COUNT)
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME,
                    policies.count() + " policies in one request; there are " + NamespacePolicies.FIELD_COUNT);
            }
            for (final SetNamespacePoliciesDecoder.PoliciesDecoder policy : policies)
            {
                policyFields[count] = policy.fieldRaw();
                policyValues[count] = policy.value();
                count++;
            }
            final int nameOffset = setNamespacePoliciesDecoder.limit();
            if (nameOffset + 4 > length)
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            final long nameLength = frame.getInt(nameOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            if (nameLength > SessionAgent.MAX_NAME_LENGTH || nameOffset + 4 + nameLength > length)
            {
                return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            namespace = setNamespacePoliciesDecoder.namespaceName();
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
        }

        return listener.onSetNamespacePolicies(
            sessionKey, correlationId, namespace, count, policyFields, policyValues, frame, length);
    }

    /**
     * Ack, AckWithReceipt, Flow and CloseConsumer all carry the consumer id right after the correlation id.
     */
    private long consumerId()
    {
        return frame.getLong(ENCODED_LENGTH + 8, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Check a frame's shape before any decoder reads it: a block at least as long as this broker's, and each
     * variable-length field inside the frame.
     */
    private boolean isWellFormed(
        final int length, final int blockLength, final int requiredBlockLength, final int varFieldCount)
    {
        if (blockLength < requiredBlockLength)
        {
            return false;
        }

        long limit = (long)ENCODED_LENGTH + blockLength;
        if (limit > length)
        {
            return false;
        }

        for (int i = 0; i < varFieldCount; i++)
        {
            if (limit + 4 > length)
            {
                return false;
            }
            final long fieldLength = frame.getInt((int)limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            limit += 4 + fieldLength;
            if (limit > length)
            {
                return false;
            }
        }

        return true;
    }

    /**
     * An AckGroup's block, then its group: each entry at least a message id long, all inside the frame.
     */
    private boolean isWellFormedAckGroup(final int length, final int blockLength)
    {
        return isWellFormedIdGroup(length, blockLength, AckGroupDecoder.BLOCK_LENGTH);
    }

    /**
     * A block, then a group of message ids: each entry at least a message id long, all inside the frame.
     */
    private boolean isWellFormedIdGroup(final int length, final int blockLength, final int requiredBlockLength)
    {
        if (!isWellFormed(length, blockLength, requiredBlockLength, 0))
        {
            return false;
        }
        final int groupOffset = ENCODED_LENGTH + blockLength;
        if (groupOffset + GROUP_HEADER_LENGTH > length)
        {
            return false;
        }
        final int entryLength = frame.getShort(groupOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = frame.getShort(groupOffset + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        return entryLength >= AckGroupDecoder.AcksDecoder.sbeBlockLength() &&
            groupOffset + GROUP_HEADER_LENGTH + (long)count * entryLength <= length;
    }

    private boolean malformed(final long sessionKey, final long correlationId, final int templateId)
    {
        return bad(sessionKey, correlationId, ErrorCode.MALFORMED_FRAME, "malformed frame for template " + templateId);
    }

    private boolean bad(final long sessionKey, final long correlationId, final ErrorCode code, final String message)
    {
        listener.onBadFrame(sessionKey, correlationId, code, message);
        return true;
    }
}
