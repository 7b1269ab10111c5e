package io.magnetar.broker.session;

import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.shard.TopicShardAgent;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.broker.policy.NamespacePolicies;
import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.CommonContext;
import io.aeron.ControlledFragmentAssembler;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.RegistrationException;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.AckWithReceiptDecoder;
import io.magnetar.codecs.CloseConsumerDecoder;
import io.magnetar.codecs.CloseProducerDecoder;
import io.magnetar.codecs.ConnectDecoder;
import io.magnetar.codecs.ConnectedEncoder;
import io.magnetar.codecs.CreateProducerDecoder;
import io.magnetar.codecs.DisconnectDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.FlowDecoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.PingDecoder;
import io.magnetar.codecs.PongEncoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SendErrorEncoder;
import io.magnetar.codecs.ResetCursorDecoder;
import io.magnetar.codecs.GetNamespacePoliciesDecoder;
import io.magnetar.codecs.ListNamespacesDecoder;
import io.magnetar.codecs.NamespaceListEncoder;
import io.magnetar.codecs.SetNamespacePoliciesDecoder;
import io.magnetar.codecs.StatsInternalRequestDecoder;
import io.magnetar.codecs.SubscribeDecoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.SpscArrayQueue;

import java.nio.ByteOrder;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Owns the client sessions: polls the ingress (UDP and IPC), validates and decodes each frame, answers connects,
 * pings and bad input itself, and routes topic commands to the owning {@link TopicShardAgent} through JCTools
 * queues. A client's bytes never reach a shard unless they form a well-shaped frame.
 */
public final class SessionAgent implements Agent
{
    /** The namespace every broker has, as Pulsar's standalone does. */
    public static final String DEFAULT_NAMESPACE = "public/default";
    static final int TRANSPORT_UDP = 1;
    private static final int MAX_DEFERRED_REPLY_BYTES = 1024 * 1024;
    static final int TRANSPORT_IPC = 2;

    private static final int FRAGMENT_LIMIT = 64;
    private static final int MAX_NAME_LENGTH = 1024;

    /**
     * Longest message key accepted, in bytes.
     */
    public static final int MAX_KEY_LENGTH = 4096;

    /**
     * Frames up to this length travel to a shard in a small pooled command; longer ones in a large one.
     */
    public static final int SMALL_FRAME_LENGTH = 2048;

    /**
     * Room for headers and fixed fields around a message's key and payload in a frame.
     */
    public static final int FRAME_HEADROOM = 512;
    private static final long LIVENESS_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private final Aeron aeron;
    private final Subscription udpIngress;
    private final Subscription ipcIngress;
    private final SpscArrayQueue<ShardCommand>[] shardQueues;
    private final SpscArrayQueue<ShardCommand>[] freeCommands;
    private final SpscArrayQueue<ShardCommand>[] freeLargeCommands;
    private final BrokerCounters counters;
    private final ErrorHandler errorHandler;
    private final NanoClock nanoClock;
    private final String brokerName;
    private final int maxMessageSize;
    private final int maxFrameLength;
    private final int egressTermLength;
    private final long connectTimeoutNs;
    private final int maxBadFrames;
    private final HashSet<String> namespaces;
    private final ArrayList<ClientSession> sessionsWithDeferredReplies = new ArrayList<>();
    private final ExpandableRingBuffer.MessageConsumer deferredReplyHandler = this::onDeferredReply;
    private ClientSession deferredReplySession;
    private final SetNamespacePoliciesDecoder setNamespacePoliciesDecoder = new SetNamespacePoliciesDecoder();
    private final GetNamespacePoliciesDecoder getNamespacePoliciesDecoder = new GetNamespacePoliciesDecoder();
    private final ListNamespacesDecoder listNamespacesDecoder = new ListNamespacesDecoder();
    private final NamespaceListEncoder namespaceListEncoder = new NamespaceListEncoder();
    private final org.agrona.ExpandableDirectByteBuffer listBuffer = new org.agrona.ExpandableDirectByteBuffer(4096);

    private final Long2ObjectHashMap<ClientSession> sessionByKey = new Long2ObjectHashMap<>();
    private final ArrayList<ClientSession> connectingSessions = new ArrayList<>();
    private final ArrayList<ClientSession> closingSessions = new ArrayList<>();
    private final ArrayList<ClientSession> deadSessions = new ArrayList<>();
    private final HashSet<String> responseChannelsInUse = new HashSet<>();
    private long nextLivenessCheckNs;

    private final ControlledFragmentAssembler udpAssembler = new ControlledFragmentAssembler(this::onUdpFragment);
    private final ControlledFragmentAssembler ipcAssembler = new ControlledFragmentAssembler(this::onIpcFragment);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ConnectDecoder connectDecoder = new ConnectDecoder();
    private final CreateProducerDecoder createProducerDecoder = new CreateProducerDecoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final StatsInternalRequestDecoder statsInternalRequestDecoder = new StatsInternalRequestDecoder();
    private final ResetCursorDecoder resetCursorDecoder = new ResetCursorDecoder();
    private final ConnectedEncoder connectedEncoder = new ConnectedEncoder();
    private final PongEncoder pongEncoder = new PongEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final SendErrorEncoder sendErrorEncoder = new SendErrorEncoder();
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[4096]);

    /**
     * @param aeron            client, for answer publications.
     * @param udpIngress       UDP ingress subscription, or null.
     * @param ipcIngress       IPC ingress subscription, or null.
     * @param shardQueues      command queue of each shard.
     * @param freeCommands     pool of small commands of each shard.
     * @param freeLargeCommands pool of large commands of each shard, for frames up to the maximum message size.
     * @param counters         of the broker.
     * @param errorHandler     for errors.
     * @param nanoClock        for timeouts.
     * @param brokerName       sent to clients.
     * @param maxMessageSize   largest payload accepted, sent to clients.
     * @param egressTermLength term length of answer publications.
     * @param connectTimeoutNs how long a new session's answer channel may take to connect.
     * @param maxBadFrames     malformed frames a session may send before it is closed.
     */
    public SessionAgent(
        final Aeron aeron,
        final Subscription udpIngress,
        final Subscription ipcIngress,
        final SpscArrayQueue<ShardCommand>[] shardQueues,
        final SpscArrayQueue<ShardCommand>[] freeCommands,
        final SpscArrayQueue<ShardCommand>[] freeLargeCommands,
        final BrokerCounters counters,
        final ErrorHandler errorHandler,
        final NanoClock nanoClock,
        final String brokerName,
        final int maxMessageSize,
        final int egressTermLength,
        final long connectTimeoutNs,
        final int maxBadFrames,
        final Set<String> namespaces)
    {
        this.namespaces = new HashSet<>(namespaces);
        this.aeron = aeron;
        this.udpIngress = udpIngress;
        this.ipcIngress = ipcIngress;
        this.shardQueues = shardQueues;
        this.freeCommands = freeCommands;
        this.freeLargeCommands = freeLargeCommands;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.nanoClock = nanoClock;
        this.brokerName = brokerName;
        this.maxMessageSize = maxMessageSize;
        this.maxFrameLength = maxFrameLength(maxMessageSize);
        this.egressTermLength = egressTermLength;
        this.connectTimeoutNs = connectTimeoutNs;
        this.maxBadFrames = maxBadFrames;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = 0;
        if (null != udpIngress)
        {
            workCount += udpIngress.controlledPoll(udpAssembler, FRAGMENT_LIMIT);
        }
        if (null != ipcIngress)
        {
            workCount += ipcIngress.controlledPoll(ipcAssembler, FRAGMENT_LIMIT);
        }
        if (!connectingSessions.isEmpty())
        {
            workCount += serviceConnectingSessions();
        }
        if (!closingSessions.isEmpty())
        {
            workCount += serviceClosingSessions();
        }
        if (!sessionsWithDeferredReplies.isEmpty())
        {
            workCount += sendDeferredReplies();
        }

        final long nowNs = nanoClock.nanoTime();
        if (nowNs >= nextLivenessCheckNs)
        {
            nextLivenessCheckNs = nowNs + LIVENESS_CHECK_INTERVAL_NS;
            workCount += checkLiveness();
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "magnetar-session";
    }

    /**
     * Close every session's answer publication.
     */
    public void onClose()
    {
        for (final ClientSession session : sessionByKey.values())
        {
            if (null != session.publication)
            {
                session.publication.close();
            }
        }
        sessionByKey.clear();
    }

    private ControlledFragmentHandler.Action onUdpFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return onFragment(TRANSPORT_UDP, buffer, offset, length, header.sessionId());
    }

    private ControlledFragmentHandler.Action onIpcFragment(
        final DirectBuffer buffer, final int offset, final int length, final Header header)
    {
        return onFragment(TRANSPORT_IPC, buffer, offset, length, header.sessionId());
    }

    private ControlledFragmentHandler.Action onFragment(
        final int transport, final DirectBuffer buffer, final int offset, final int length, final int imageSessionId)
    {
        final long key = ((long)transport << 32) | (imageSessionId & 0xFFFF_FFFFL);
        final ClientSession session = sessionByKey.get(key);
        try
        {
            return onFrame(transport, buffer, offset, length, imageSessionId, key, session);
        }
        catch (final RuntimeException ex)
        {
            // the last line of defence: a frame that gets past the shape checks and still fails to decode is
            // answered as malformed and consumed, never re-polled
            errorHandler.onError(ex);
            return badFrame(session, -1, ErrorCode.MALFORMED_FRAME, "frame could not be decoded: " + ex.getMessage());
        }
    }

    private ControlledFragmentHandler.Action onFrame(
        final int transport,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final int imageSessionId,
        final long key,
        final ClientSession session)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return badFrame(session, -1, ErrorCode.MALFORMED_FRAME,
                "frame of " + length + " bytes is shorter than the 8-byte message header");
        }

        frameView.wrap(buffer, offset, length);
        headerDecoder.wrap(frameView, 0);
        final int schemaId = headerDecoder.schemaId();
        final int templateId = headerDecoder.templateId();
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        if (MessageHeaderDecoder.SCHEMA_ID != schemaId)
        {
            return badFrame(session, -1, ErrorCode.UNSUPPORTED_VERSION,
                "schema id " + schemaId + " is not supported; this broker speaks schema " +
                MessageHeaderDecoder.SCHEMA_ID + " up to version " + MessageHeaderDecoder.SCHEMA_VERSION);
        }
        if (version < 1)
        {
            return badFrame(session, -1, ErrorCode.UNSUPPORTED_VERSION, "schema version " + version +
                " is not supported; this broker speaks versions 1 to " + MessageHeaderDecoder.SCHEMA_VERSION);
        }

        final long correlationId = blockLength >= 8 && length >= MessageHeaderDecoder.ENCODED_LENGTH + 8 ?
            frameView.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) : -1;

        if (ConnectDecoder.TEMPLATE_ID == templateId)
        {
            if (!isWellFormed(length, blockLength, ConnectDecoder.BLOCK_LENGTH, 2))
            {
                return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Connect frame");
            }
            onConnect(key, transport, imageSessionId, session, blockLength, version);
            return ControlledFragmentHandler.Action.CONTINUE;
        }

        if (null == session || ClientSession.State.ACTIVE != session.state)
        {
            counters.badFrames.incrementRelease();
            return ControlledFragmentHandler.Action.CONTINUE;
        }

        if (length > SMALL_FRAME_LENGTH && SendDecoder.TEMPLATE_ID != templateId)
        {
            return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME,
                "frame of " + length + " bytes is too long for template " + templateId);
        }

        switch (templateId)
        {
            case SendDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, SendDecoder.BLOCK_LENGTH, 2))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Send frame");
                }
                final long producerId = frameView.getLong(
                    MessageHeaderDecoder.ENCODED_LENGTH + SendDecoder.producerIdEncodingOffset(),
                    ByteOrder.LITTLE_ENDIAN);
                final long shard = session.shardByProducerId.get(producerId);
                if (ClientSession.NO_SHARD == shard)
                {
                    sendSendError(session, producerId, correlationId, ErrorCode.PRODUCER_NOT_FOUND,
                        "producer " + producerId + " is not open on this session");
                    return ControlledFragmentHandler.Action.CONTINUE;
                }

                final int keyLengthOffset = MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
                final long keyLength = frameView.getInt(keyLengthOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
                final long payloadLength = frameView.getInt(
                    (int)(keyLengthOffset + 4 + keyLength), ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
                if (keyLength > MAX_KEY_LENGTH || payloadLength > maxMessageSize || length > maxFrameLength)
                {
                    // answered by the shard, behind the answers to this producer's earlier sends
                    return reject(session, (int)shard, producerId, correlationId, ErrorCode.MESSAGE_TOO_LARGE,
                        "message too large: key of " + keyLength + " bytes (max " + MAX_KEY_LENGTH +
                        ") and payload of " + payloadLength + " bytes (max " + maxMessageSize + ")");
                }

                return forward(session, (int)shard, length);
            }

            case AckDecoder.TEMPLATE_ID:
            case AckWithReceiptDecoder.TEMPLATE_ID:
            case FlowDecoder.TEMPLATE_ID:
            case CloseConsumerDecoder.TEMPLATE_ID:
            {
                final int requiredBlockLength = AckDecoder.TEMPLATE_ID == templateId ? AckDecoder.BLOCK_LENGTH :
                    AckWithReceiptDecoder.TEMPLATE_ID == templateId ? AckWithReceiptDecoder.BLOCK_LENGTH :
                    FlowDecoder.TEMPLATE_ID == templateId ? FlowDecoder.BLOCK_LENGTH : CloseConsumerDecoder.BLOCK_LENGTH;
                if (!isWellFormed(length, blockLength, requiredBlockLength, 0))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME,
                        "malformed frame for template " + templateId);
                }
                // consumerId follows correlationId in all four
                final long consumerId = frameView.getLong(
                    MessageHeaderDecoder.ENCODED_LENGTH + 8, ByteOrder.LITTLE_ENDIAN);
                final long shard = session.shardByConsumerId.get(consumerId);
                if (ClientSession.NO_SHARD == shard)
                {
                    return refuse(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                        "consumer " + consumerId + " is not open on this session");
                }
                final ControlledFragmentHandler.Action action = forward(session, (int)shard, length);
                if (CloseConsumerDecoder.TEMPLATE_ID == templateId &&
                    ControlledFragmentHandler.Action.CONTINUE == action)
                {
                    session.shardByConsumerId.remove(consumerId);
                }
                return action;
            }

            case CreateProducerDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, CreateProducerDecoder.BLOCK_LENGTH, 2))
                {
                    return badFrame(
                        session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed CreateProducer frame");
                }
                createProducerDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                createProducerDecoder.correlationId();
                final long producerId = createProducerDecoder.producerId();
                if (ClientSession.NO_SHARD != session.shardByProducerId.get(producerId))
                {
                    return refuse(session, correlationId, ErrorCode.PRODUCER_BUSY,
                        "producer id " + producerId + " is in use on this session");
                }
                final int shard = shardForTopic(session, correlationId, createProducerDecoder.topic());
                if (shard < 0)
                {
                    return ControlledFragmentHandler.Action.CONTINUE;
                }
                if (createProducerDecoder.producerNameLength() > MAX_NAME_LENGTH)
                {
                    return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, "producer name is too long");
                }
                return forwardAndBind(session, shard, length, session.shardByProducerId, producerId);
            }

            case SubscribeDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, SubscribeDecoder.BLOCK_LENGTH, 3))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Subscribe frame");
                }
                subscribeDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                subscribeDecoder.correlationId();
                final long consumerId = subscribeDecoder.consumerId();
                final short subscriptionType = subscribeDecoder.subscriptionTypeRaw();
                final short initialPosition = subscribeDecoder.initialPositionRaw();
                if (ClientSession.NO_SHARD != session.shardByConsumerId.get(consumerId))
                {
                    return refuse(session, correlationId, ErrorCode.CONSUMER_BUSY,
                        "consumer id " + consumerId + " is in use on this session");
                }
                if (!isKnown(subscriptionType, initialPosition))
                {
                    return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                        "unknown subscription type " + subscriptionType + " or initial position " + initialPosition);
                }
                final int shard = shardForTopic(session, correlationId, subscribeDecoder.topic());
                if (shard < 0)
                {
                    return ControlledFragmentHandler.Action.CONTINUE;
                }
                if (subscribeDecoder.subscriptionLength() > MAX_NAME_LENGTH)
                {
                    return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, "subscription name is too long");
                }
                return forwardAndBind(session, shard, length, session.shardByConsumerId, consumerId);
            }

            case CloseProducerDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, CloseProducerDecoder.BLOCK_LENGTH, 0))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed CloseProducer frame");
                }
                final long producerId = frameView.getLong(
                    MessageHeaderDecoder.ENCODED_LENGTH + CloseProducerDecoder.producerIdEncodingOffset(),
                    ByteOrder.LITTLE_ENDIAN);
                final long shard = session.shardByProducerId.get(producerId);
                if (ClientSession.NO_SHARD == shard)
                {
                    return refuse(session, correlationId, ErrorCode.PRODUCER_NOT_FOUND,
                        "producer " + producerId + " is not open on this session");
                }
                final ControlledFragmentHandler.Action action = forward(session, (int)shard, length);
                if (ControlledFragmentHandler.Action.CONTINUE == action)
                {
                    session.shardByProducerId.remove(producerId);
                }
                return action;
            }

            case ResetCursorDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, ResetCursorDecoder.BLOCK_LENGTH, 2))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed reset-cursor");
                }
                resetCursorDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                resetCursorDecoder.correlationId();
                resetCursorDecoder.publishTime();
                final int shard = shardForTopic(session, correlationId, resetCursorDecoder.topic());
                return shard < 0 ? ControlledFragmentHandler.Action.CONTINUE : forward(session, shard, length);
            }

            case StatsInternalRequestDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, StatsInternalRequestDecoder.BLOCK_LENGTH, 1))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed stats request");
                }
                statsInternalRequestDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                statsInternalRequestDecoder.correlationId();
                final int shard = shardForTopic(session, correlationId, statsInternalRequestDecoder.topic());
                return shard < 0 ? ControlledFragmentHandler.Action.CONTINUE : forward(session, shard, length);
            }

            case SetNamespacePoliciesDecoder.TEMPLATE_ID:
                return onSetNamespacePolicies(session, correlationId, length, blockLength, version);

            case ListNamespacesDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, ListNamespacesDecoder.BLOCK_LENGTH, 1))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed namespace list");
                }
                listNamespacesDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                listNamespacesDecoder.correlationId();
                onListNamespaces(session, correlationId, listNamespacesDecoder.tenant());
                return ControlledFragmentHandler.Action.CONTINUE;
            }

            case GetNamespacePoliciesDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, GetNamespacePoliciesDecoder.BLOCK_LENGTH, 1))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies request");
                }
                getNamespacePoliciesDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
                getNamespacePoliciesDecoder.correlationId();
                final String namespace = getNamespacePoliciesDecoder.namespaceName();
                if (!namespaces.contains(namespace))
                {
                    return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                        "namespace " + namespace + " does not exist");
                }
                return forward(session, Math.floorMod(namespace.hashCode(), shardQueues.length), length);
            }

            case PingDecoder.TEMPLATE_ID:
            {
                if (!isWellFormed(length, blockLength, PingDecoder.BLOCK_LENGTH, 0))
                {
                    return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed Ping frame");
                }
                final long timestamp = frameView.getLong(
                    MessageHeaderDecoder.ENCODED_LENGTH + PingDecoder.timestampEncodingOffset(),
                    ByteOrder.LITTLE_ENDIAN);
                pongEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .correlationId(correlationId)
                    .timestamp(timestamp);
                reply(session, MessageHeaderEncoder.ENCODED_LENGTH + pongEncoder.encodedLength());
                return ControlledFragmentHandler.Action.CONTINUE;
            }

            case DisconnectDecoder.TEMPLATE_ID:
                closeSession(session);
                return ControlledFragmentHandler.Action.CONTINUE;

            default:
                return badFrame(session, correlationId, ErrorCode.UNKNOWN_COMMAND,
                    "unknown command: template id " + templateId + " of schema " + schemaId);
        }
    }

    /**
     * Create a namespace (no policies named) or change some of its policies: validate, then hand the request to
     * every shard in one pass, each of which stores and answers it. Every shard's command pool is checked first
     * (this agent is the pools' only taker), so a request reaches all shards or none, and requests reach every
     * shard in the same order.
     */
    private ControlledFragmentHandler.Action onSetNamespacePolicies(
        final ClientSession session,
        final long correlationId,
        final int length,
        final int blockLength,
        final int version)
    {
        final String failure;
        final String namespace;
        final boolean create;
        try
        {
            if (blockLength < SetNamespacePoliciesDecoder.BLOCK_LENGTH)
            {
                return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            setNamespacePoliciesDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
            setNamespacePoliciesDecoder.correlationId();
            final SetNamespacePoliciesDecoder.PoliciesDecoder policies = setNamespacePoliciesDecoder.policies();
            final int count = policies.count();
            if (count > NamespacePolicies.FIELD_COUNT)
            {
                return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME,
                    count + " policies in one request; there are " + NamespacePolicies.FIELD_COUNT);
            }
            String invalid = null;
            for (final SetNamespacePoliciesDecoder.PoliciesDecoder policy : policies)
            {
                final short field = policy.fieldRaw();
                final long value = policy.value();
                if (null == invalid)
                {
                    invalid = NamespacePolicies.validate(field, value);
                }
            }
            final int nameOffset = setNamespacePoliciesDecoder.limit();
            if (nameOffset + 4 > length)
            {
                return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            final long nameLength = frameView.getInt(nameOffset, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            if (nameLength > MAX_NAME_LENGTH || nameOffset + 4 + nameLength > length)
            {
                return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
            }
            namespace = setNamespacePoliciesDecoder.namespaceName();
            create = 0 == count;
            failure = null != invalid ? invalid : TopicName.checkNamespace(namespace);
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return badFrame(session, correlationId, ErrorCode.MALFORMED_FRAME, "malformed policies frame");
        }

        if (null != failure)
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, failure);
        }
        if (create && namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "namespace " + namespace + " already exists");
        }
        if (!create && !namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + namespace + " does not exist");
        }

        for (final SpscArrayQueue<ShardCommand> pool : freeCommands)
        {
            if (null == pool.peek())
            {
                counters.ingressBackPressure.incrementRelease();
                return ControlledFragmentHandler.Action.ABORT;
            }
        }
        for (int shard = 0; shard < shardQueues.length; shard++)
        {
            forward(session, shard, length);
        }
        namespaces.add(namespace);

        return ControlledFragmentHandler.Action.CONTINUE;
    }

    /**
     * Answer with the namespaces of a tenant, sorted, one per line: the session agent knows them all.
     */
    private void onListNamespaces(final ClientSession session, final long correlationId, final String tenant)
    {
        final String problem = TopicName.checkNamespace(tenant + "/x");
        if (null != problem)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "invalid tenant '" + tenant + "'");
            return;
        }

        final String prefix = tenant + "/";
        final java.util.TreeSet<String> names = new java.util.TreeSet<>();
        for (final String namespace : namespaces)
        {
            if (namespace.startsWith(prefix))
            {
                names.add(namespace);
            }
        }
        final byte[] text = String.join("\n", names).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        namespaceListEncoder.wrapAndApplyHeader(listBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .putNamespaces(text, 0, text.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + namespaceListEncoder.encodedLength();
        if (null != session.publication && length > session.publication.maxMessageLength())
        {
            sendError(session, correlationId, ErrorCode.UNSUPPORTED_OPERATION, "tenant " + tenant + " has " +
                names.size() + " namespaces, more than one answer of " + session.publication.maxMessageLength() +
                " bytes holds");
            return;
        }
        reply(session, listBuffer, length);
    }

    private static boolean isKnown(final short subscriptionType, final short initialPosition)
    {
        for (final SubscriptionType type : SubscriptionType.values())
        {
            if (type != SubscriptionType.NULL_VAL && type.value() == subscriptionType)
            {
                for (final InitialPosition position : InitialPosition.values())
                {
                    if (position != InitialPosition.NULL_VAL && position.value() == initialPosition)
                    {
                        return true;
                    }
                }
            }
        }

        return false;
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

        long limit = (long)MessageHeaderDecoder.ENCODED_LENGTH + blockLength;
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
            final long fieldLength = frameView.getInt((int)limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
            limit += 4 + fieldLength;
            if (limit > length)
            {
                return false;
            }
        }

        return true;
    }

    /**
     * A UDP client must ask to be answered at the address its frames come from, so no client can aim the broker's
     * answers at another host.
     */
    private void checkResponseHost(final String endpoint, final int imageSessionId)
    {
        if (null == endpoint || endpoint.lastIndexOf(':') <= 0)
        {
            throw new IllegalArgumentException("udp response channel needs an endpoint host:port");
        }
        final Image image = udpIngress.imageBySessionId(imageSessionId);
        if (null == image)
        {
            throw new IllegalArgumentException("no ingress image for session " + imageSessionId);
        }

        final String sourceIdentity = image.sourceIdentity();
        final InetAddress source = literalAddress(sourceIdentity.substring(0, sourceIdentity.lastIndexOf(':')));
        final InetAddress requested = literalAddress(endpoint.substring(0, endpoint.lastIndexOf(':')));
        if (!source.equals(requested) && !(source.isLoopbackAddress() && requested.isLoopbackAddress()))
        {
            throw new IllegalArgumentException("response endpoint " + endpoint + " is not the client's address " +
                sourceIdentity);
        }
    }

    private static InetAddress literalAddress(final String host)
    {
        final String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        final boolean literal = bare.indexOf(':') >= 0 || bare.matches("[0-9.]+");
        if (!literal && !"localhost".equals(bare))
        {
            throw new IllegalArgumentException("response endpoint host must be an IP address: " + host);
        }
        try
        {
            return InetAddress.getByName(bare);
        }
        catch (final UnknownHostException ex)
        {
            throw new IllegalArgumentException("bad response endpoint host " + host, ex);
        }
    }

    private int shardForTopic(final ClientSession session, final long correlationId, final String topic)
    {
        final TopicName name;
        try
        {
            name = TopicName.parse(topic);
        }
        catch (final IllegalArgumentException ex)
        {
            sendError(session, correlationId, ErrorCode.INVALID_TOPIC_NAME, ex.getMessage());
            return -1;
        }

        if (!namespaces.contains(name.namespaceName()))
        {
            sendError(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + name.namespaceName() + " does not exist");
            return -1;
        }

        return Math.floorMod(name.toString().hashCode(), shardQueues.length);
    }

    /**
     * Answer a request with an error and go on with the next frame.
     */
    private ControlledFragmentHandler.Action refuse(
        final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        sendError(session, correlationId, code, message);
        return ControlledFragmentHandler.Action.CONTINUE;
    }

    /**
     * Hand a frame to a shard and, once handed over, remember that the producer or consumer id lives there.
     */
    private ControlledFragmentHandler.Action forwardAndBind(
        final ClientSession session, final int shard, final int length, final Long2LongHashMap shardById, final long id)
    {
        final ControlledFragmentHandler.Action action = forward(session, shard, length);
        if (ControlledFragmentHandler.Action.CONTINUE == action)
        {
            shardById.put(id, shard);
        }

        return action;
    }

    private ControlledFragmentHandler.Action forward(final ClientSession session, final int shard, final int length)
    {
        final SpscArrayQueue<ShardCommand> pool =
            length <= SMALL_FRAME_LENGTH ? freeCommands[shard] : freeLargeCommands[shard];
        final ShardCommand command = pool.poll();
        if (null == command)
        {
            counters.ingressBackPressure.incrementRelease();
            return ControlledFragmentHandler.Action.ABORT;
        }

        command.type = ShardCommand.FRAME;
        command.egress = session.egress;
        command.frame.putBytes(0, frameView, 0, length);
        command.frameLength = length;
        shardQueues[shard].offer(command);

        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private ControlledFragmentHandler.Action reject(
        final ClientSession session,
        final int shard,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        final ShardCommand command = freeCommands[shard].poll();
        if (null == command)
        {
            counters.ingressBackPressure.incrementRelease();
            return ControlledFragmentHandler.Action.ABORT;
        }

        command.type = ShardCommand.SEND_REJECTED;
        command.egress = session.egress;
        command.producerId = producerId;
        command.sequenceId = sequenceId;
        command.errorCode = code;
        command.errorMessage = message;
        shardQueues[shard].offer(command);

        return ControlledFragmentHandler.Action.CONTINUE;
    }

    /**
     * @param maxMessageSize largest payload accepted.
     * @return the longest Send frame that can carry it with a key of the longest length.
     */
    public static int maxFrameLength(final int maxMessageSize)
    {
        return maxMessageSize + MAX_KEY_LENGTH + FRAME_HEADROOM;
    }

    private void onConnect(
        final long key,
        final int transport,
        final int imageSessionId,
        final ClientSession existing,
        final int blockLength,
        final int version)
    {
        connectDecoder.wrap(frameView, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final long correlationId = connectDecoder.correlationId();
        final int protocolVersion = connectDecoder.protocolVersion();
        final int responseStreamId = connectDecoder.responseStreamId();
        if (connectDecoder.responseChannelLength() > MAX_NAME_LENGTH)
        {
            counters.badFrames.incrementRelease();
            return;
        }
        final String responseChannel = connectDecoder.responseChannel();
        if (connectDecoder.clientNameLength() > MAX_NAME_LENGTH)
        {
            counters.badFrames.incrementRelease();
            return;
        }
        final String clientName = connectDecoder.clientName();

        if (null != existing)
        {
            // A client re-sends Connect until answered; answer again once the session is active.
            if (ClientSession.State.ACTIVE == existing.state && existing.connectCorrelationId == correlationId)
            {
                sendConnected(existing);
            }
            return;
        }

        for (int i = 0, size = closingSessions.size(); i < size; i++)
        {
            if (closingSessions.get(i).key == key)
            {
                // the previous session on this image is still being closed on the shards; the client re-sends
                return;
            }
        }

        final String channel;
        try
        {
            final ChannelUri uri = ChannelUri.parse(responseChannel);
            final String media = uri.media();
            final String expectedMedia = TRANSPORT_UDP == transport ? CommonContext.UDP_MEDIA : CommonContext.IPC_MEDIA;
            if (!expectedMedia.equals(media))
            {
                throw new IllegalArgumentException(
                    "response channel media must be " + expectedMedia + " like the ingress, not " + media);
            }
            if (TRANSPORT_UDP == transport)
            {
                checkResponseHost(uri.get(CommonContext.ENDPOINT_PARAM_NAME), imageSessionId);
            }
            uri.put(CommonContext.TERM_LENGTH_PARAM_NAME, Integer.toString(egressTermLength));
            uri.put(CommonContext.SPARSE_PARAM_NAME, "true");
            channel = uri.toString();
            if (responseChannelsInUse.contains(channel + "#" + responseStreamId))
            {
                throw new IllegalArgumentException("response channel is in use by another session");
            }
        }
        catch (final RuntimeException ex)
        {
            // No channel to answer on: drop the frame and count it.
            counters.badFrames.incrementRelease();
            errorHandler.onError(new IllegalArgumentException(
                "connect from image session " + imageSessionId + " rejected: " + ex.getMessage(), ex));
            return;
        }

        final long registrationId = aeron.asyncAddPublication(channel, responseStreamId);
        final ClientSession session = new ClientSession(
            key,
            transport,
            imageSessionId,
            registrationId,
            correlationId,
            protocolVersion,
            clientName,
            channel + "#" + responseStreamId,
            nanoClock.nanoTime() + connectTimeoutNs);
        responseChannelsInUse.add(session.responseChannelKey);
        sessionByKey.put(key, session);
        connectingSessions.add(session);
    }

    private int serviceConnectingSessions()
    {
        int workCount = 0;
        final long nowNs = nanoClock.nanoTime();
        for (int i = connectingSessions.size() - 1; i >= 0; i--)
        {
            final ClientSession session = connectingSessions.get(i);
            if (ClientSession.State.AWAITING_EGRESS != session.state)
            {
                connectingSessions.remove(i);
                continue;
            }

            try
            {
                if (null == session.publication)
                {
                    session.publication = aeron.getPublication(session.registrationId);
                    if (null != session.publication)
                    {
                        session.egress = new SessionEgress(session.key, session.publication, session.clientName);
                    }
                }
            }
            catch (final RegistrationException ex)
            {
                errorHandler.onError(ex);
                connectingSessions.remove(i);
                sessionByKey.remove(session.key);
                responseChannelsInUse.remove(session.responseChannelKey);
                workCount++;
                continue;
            }

            if (null != session.publication && session.publication.isConnected())
            {
                connectingSessions.remove(i);
                if (session.protocolVersion < 1)
                {
                    session.state = ClientSession.State.ACTIVE;
                    sendError(session, session.connectCorrelationId, ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version " + session.protocolVersion + " is not supported; this broker speaks " +
                        BrokerConfiguration.PROTOCOL_VERSION);
                    closeSession(session);
                }
                else
                {
                    session.state = ClientSession.State.ACTIVE;
                    counters.sessionsOpened.incrementRelease();
                    sendConnected(session);
                }
                workCount++;
            }
            else if (nowNs > session.connectDeadlineNs)
            {
                connectingSessions.remove(i);
                session.state = ClientSession.State.ACTIVE;
                closeSession(session);
                workCount++;
            }
        }

        return workCount;
    }

    private void closeSession(final ClientSession session)
    {
        if (ClientSession.State.CLOSING == session.state)
        {
            return;
        }

        session.state = ClientSession.State.CLOSING;
        sessionByKey.remove(session.key);
        responseChannelsInUse.remove(session.responseChannelKey);
        if (null == session.egress)
        {
            if (null == session.publication)
            {
                aeron.asyncRemovePublication(session.registrationId);
            }
            else
            {
                session.publication.close();
            }
            return;
        }

        closingSessions.add(session);
        counters.sessionsClosed.incrementRelease();
    }

    private int serviceClosingSessions()
    {
        int workCount = 0;
        for (int i = closingSessions.size() - 1; i >= 0; i--)
        {
            final ClientSession session = closingSessions.get(i);
            while (session.shardsNotifiedOfClose < shardQueues.length)
            {
                final int shard = session.shardsNotifiedOfClose;
                final ShardCommand command = freeCommands[shard].poll();
                if (null == command)
                {
                    break;
                }
                command.type = ShardCommand.SESSION_CLOSED;
                command.egress = session.egress;
                command.frameLength = 0;
                shardQueues[shard].offer(command);
                session.shardsNotifiedOfClose++;
                workCount++;
            }

            if (session.shardsNotifiedOfClose == shardQueues.length)
            {
                closingSessions.remove(i);
                aeron.asyncRemovePublication(session.registrationId);
            }
        }

        return workCount;
    }

    private int checkLiveness()
    {
        for (final ClientSession session : sessionByKey.values())
        {
            if (ClientSession.State.ACTIVE != session.state)
            {
                continue;
            }

            final Subscription ingress = TRANSPORT_UDP == session.transport ? udpIngress : ipcIngress;
            final Image image = ingress.imageBySessionId(session.imageSessionId);
            if (null == image || image.isClosed() || image.isEndOfStream() ||
                (null != session.publication && session.publication.isClosed()))
            {
                deadSessions.add(session);
            }
        }

        final int closed = deadSessions.size();
        for (int i = 0; i < closed; i++)
        {
            closeSession(deadSessions.get(i));
        }
        deadSessions.clear();

        return closed;
    }

    private ControlledFragmentHandler.Action badFrame(
        final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        counters.badFrames.incrementRelease();
        if (null != session && ClientSession.State.ACTIVE == session.state)
        {
            sendError(session, correlationId, code, message);
            if (++session.badFrames >= maxBadFrames)
            {
                sendError(session, -1, ErrorCode.MALFORMED_FRAME,
                    "too many bad frames (" + session.badFrames + "): session closed");
                closeSession(session);
            }
        }

        return ControlledFragmentHandler.Action.CONTINUE;
    }

    private void sendConnected(final ClientSession session)
    {
        connectedEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(session.connectCorrelationId)
            .protocolVersion(BrokerConfiguration.PROTOCOL_VERSION)
            .maxMessageSize(maxMessageSize)
            .brokerName(brokerName);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + connectedEncoder.encodedLength());
    }

    private void sendError(
        final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        errorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message.length() > 1024 ? message.substring(0, 1024) : message);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength());
    }

    private void sendSendError(
        final ClientSession session,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        sendErrorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .code(code)
            .message(message);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + sendErrorEncoder.encodedLength());
    }

    private void reply(final ClientSession session, final int length)
    {
        reply(session, replyBuffer, length);
    }

    /**
     * Answer a session. An answer its egress cannot take now is kept, in order with later ones, and sent from the
     * duty cycle; only a client that lets more than {@link #MAX_DEFERRED_REPLY_BYTES} of answers pile up loses one.
     */
    private void reply(final ClientSession session, final DirectBuffer buffer, final int length)
    {
        final Publication publication = session.publication;
        if (null == publication)
        {
            return;
        }

        if (null == session.deferredReplies || session.deferredReplies.isEmpty())
        {
            final long result = publication.offer(buffer, 0, length);
            if (result > 0 || (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result))
            {
                return;
            }
        }

        if (null == session.deferredReplies)
        {
            session.deferredReplies = new ExpandableRingBuffer(1024, MAX_DEFERRED_REPLY_BYTES, false);
        }
        final boolean wasEmpty = session.deferredReplies.isEmpty();
        if (!session.deferredReplies.append(buffer, 0, length))
        {
            errorHandler.onError(new IllegalStateException("reply to " + session.egress + " dropped: more than " +
                MAX_DEFERRED_REPLY_BYTES + " bytes of answers wait for the client"));
            return;
        }
        if (wasEmpty)
        {
            sessionsWithDeferredReplies.add(session);
        }
    }

    private int sendDeferredReplies()
    {
        int workCount = 0;
        for (int i = sessionsWithDeferredReplies.size() - 1; i >= 0; i--)
        {
            final ClientSession session = sessionsWithDeferredReplies.get(i);
            if (null == session.publication || session.publication.isClosed())
            {
                session.deferredReplies.reset(1024);
            }
            else
            {
                deferredReplySession = session;
                workCount += session.deferredReplies.consume(deferredReplyHandler, FRAGMENT_LIMIT) > 0 ? 1 : 0;
                deferredReplySession = null;
            }
            if (session.deferredReplies.isEmpty())
            {
                sessionsWithDeferredReplies.remove(i);
            }
        }

        return workCount;
    }

    private boolean onDeferredReply(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        final long result = deferredReplySession.publication.offer(buffer, offset, length);

        return result > 0 || (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result);
    }
}
