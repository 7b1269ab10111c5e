package io.magnetar.broker.session;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageIdDecoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.DirectBuffer;

import java.util.Collection;

/**
 * Serves the decoded commands of active sessions: checks what the session agent can check (ids in use, topic and
 * namespace names, sizes), answers what it can answer itself, and hands the rest to the owning shard, recording
 * which shard each producer and consumer lives on. Frames of sessions that are not active are counted and dropped.
 */
final class SessionCommandHandler implements IngressCommandListener
{
    private final SessionAgent agent;
    private final SessionReplyPublisher replyPublisher;
    private final ShardRouter router;
    private final NamespaceDirectory namespaces;
    private final int maxMessageSize;
    private final int maxFrameLength;
    private final PartitionedTopicAdmin partitionedTopics;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();

    /**
     * @param agent             that keeps the sessions and their lifecycle.
     * @param replyPublisher    for the session agent's own answers.
     * @param router            to the shards.
     * @param namespaces        the broker has.
     * @param maxMessageSize    largest payload accepted.
     * @param partitionedTopics serves the partitioned-topic admin requests.
     */

    SessionCommandHandler(
        final SessionAgent agent,
        final SessionReplyPublisher replyPublisher,
        final ShardRouter router,
        final NamespaceDirectory namespaces,
        final int maxMessageSize,
        final PartitionedTopicAdmin partitionedTopics)
    {
        this.partitionedTopics = partitionedTopics;
        this.agent = agent;
        this.replyPublisher = replyPublisher;
        this.router = router;
        this.namespaces = namespaces;
        this.maxMessageSize = maxMessageSize;
        this.maxFrameLength = SessionAgent.maxFrameLength(maxMessageSize);
    }

    /**
     * {@inheritDoc}
     */
    public void onConnect(
        final long sessionKey,
        final int transport,
        final int imageSessionId,
        final long correlationId,
        final int protocolVersion,
        final int responseStreamId,
        final String responseChannel,
        final String clientName,
        final String authToken)
    {
        agent.onConnect(sessionKey, transport, imageSessionId, correlationId, protocolVersion, responseStreamId,
            responseChannel, clientName, authToken);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onSend(
        final long sessionKey,
        final long sequenceId,
        final long producerId,
        final long keyLength,
        final long payloadLength,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        final long shard = session.producerShard(producerId);
        if (ClientSession.NO_SHARD == shard)
        {
            replyPublisher.sendSendError(session, producerId, sequenceId, ErrorCode.PRODUCER_NOT_FOUND,
                "producer " + producerId + " is not open on this session");
            return true;
        }
        if (keyLength > SessionAgent.MAX_KEY_LENGTH || payloadLength > maxMessageSize || length > maxFrameLength)
        {
            // answered by the shard, behind the answers to this producer's earlier sends
            return router.reject(session.egress(), (int)shard, producerId, sequenceId, ErrorCode.MESSAGE_TOO_LARGE,
                "message too large: key of " + keyLength + " bytes (max " + SessionAgent.MAX_KEY_LENGTH +
                ") and payload of " + payloadLength + " bytes (max " + maxMessageSize + "), frame of " + length +
                " bytes with its metadata (max " + maxFrameLength + ")");
        }

        return router.forward(session.egress(), (int)shard, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onAck(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final DirectBuffer frame,
        final int length)
    {
        headerDecoder.wrap(frame, 0);
        final ClientSession session = agent.activeSession(sessionKey);
        if (AckDecoder.TEMPLATE_ID != headerDecoder.templateId() || null == session ||
            !session.egress().takesGatheredFrames())
        {
            // an error about an ack of a group carries the group's first correlation id: what older clients get
            // is answered ack by ack
            return forwardToOpen(sessionKey, correlationId, false, consumerId, false, frame, length);
        }

        final long shard = session.consumerShard(consumerId);
        if (ClientSession.NO_SHARD == shard)
        {
            return refuse(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + consumerId + " is not open on this session");
        }
        final MessageIdDecoder messageId = ackDecoder
            .wrap(frame, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version())
            .messageId();

        return router.forwardAck(
            session.egress(), (int)shard, correlationId, consumerId, messageId.shard(), messageId.position());
    }

    /**
     * {@inheritDoc}
     */
    public boolean onAckWithReceipt(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToOpen(sessionKey, correlationId, false, consumerId, false, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onFlow(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToOpen(sessionKey, correlationId, false, consumerId, false, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onCloseConsumer(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToOpen(sessionKey, correlationId, false, consumerId, true, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onCreateProducer(
        final long sessionKey,
        final long correlationId,
        final long producerId,
        final String topic,
        final int producerNameLength,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        if (ClientSession.NO_SHARD != session.producerShard(producerId))
        {
            return refuse(session, correlationId, ErrorCode.PRODUCER_BUSY,
                "producer id " + producerId + " is in use on this session");
        }

        return openOnTopicShard(session, correlationId, topic, producerNameLength, true, producerId, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onConsumerCommand(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToOpen(sessionKey, correlationId, false, consumerId, false, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onSubscribe(
        final long sessionKey,
        final long correlationId,
        final long consumerId,
        final short subscriptionType,
        final short initialPosition,
        final String topic,
        final int subscriptionNameLength,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        if (ClientSession.NO_SHARD != session.consumerShard(consumerId))
        {
            return refuse(session, correlationId, ErrorCode.CONSUMER_BUSY,
                "consumer id " + consumerId + " is in use on this session");
        }
        if (!isKnown(subscriptionType, initialPosition))
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "unknown subscription type " + subscriptionType + " or initial position " + initialPosition);
        }

        return openOnTopicShard(
            session, correlationId, topic, subscriptionNameLength, false, consumerId, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onCloseProducer(
        final long sessionKey,
        final long correlationId,
        final long producerId,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToOpen(sessionKey, correlationId, true, producerId, true, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onResetCursor(
        final long sessionKey,
        final long correlationId,
        final long publishTime,
        final String topic,
        final DirectBuffer frame,
        final int length)
    {
        return forwardToTopic(sessionKey, correlationId, topic, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onTopicCommand(
        final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame, final int length)
    {
        return forwardToTopic(sessionKey, correlationId, topic, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onGetTopicsOfNamespace(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = sessionOfExistingNamespace(sessionKey, correlationId, namespace);

        return null == session || router.forwardToAll(session.egress(), frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onStatsInternalRequest(
        final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame, final int length)
    {
        return forwardToTopic(sessionKey, correlationId, topic, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onShardCommand(
        final long sessionKey, final long correlationId, final int shard, final DirectBuffer frame, final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }
        if (shard < 0 || shard >= router.shardCount())
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "shard " + shard + " does not exist: this broker has " + router.shardCount());
        }

        return router.forward(session.egress(), shard, frame, length);
    }

    /**
     * Create a namespace (no policies named) or change some of its policies: validate, then hand the request to
     * every shard in one pass, each of which stores and answers it; a request reaches all shards or none.
     */
    public boolean onSetNamespacePolicies(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final int policyCount,
        final short[] fields,
        final long[] values,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        String failure = null;
        for (int i = 0; i < policyCount && null == failure; i++)
        {
            failure = NamespacePolicies.validate(fields[i], values[i]);
        }
        if (null == failure)
        {
            failure = TopicName.checkNamespace(namespace);
        }
        final boolean create = 0 == policyCount;

        if (null != failure)
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, failure);
        }
        if (create && namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "namespace " + namespace + " already exists");
        }
        final String tenant = namespace.substring(0, namespace.indexOf('/'));
        if (create && !namespaces.hasTenant(tenant))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "tenant " + tenant +
                " does not exist (tenants create " + tenant + " makes one)");
        }
        if (!create && !namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + namespace + " does not exist");
        }
        if (!router.forwardToAll(session.egress(), frame, length))
        {
            return false;
        }
        namespaces.add(namespace);

        return true;
    }

    /**
     * {@inheritDoc}
     */
    public boolean onGetNamespacePolicies(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = sessionOfExistingNamespace(sessionKey, correlationId, namespace);

        // every shard holds every namespace's policies: any one can answer
        return null == session ||
            router.forward(session.egress(), router.shardOfNamespace(namespace), frame, length);
    }

    /**
     * Answer with the namespaces of a tenant, sorted, one per line: the session agent knows them all.
     */
    public void onListNamespaces(final long sessionKey, final long correlationId, final String tenant)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return;
        }

        if (null != TopicName.checkNamespace(tenant + "/x"))
        {
            replyPublisher.sendError(
                session, correlationId, ErrorCode.INVALID_ARGUMENT, "invalid tenant '" + tenant + "'");
            return;
        }
        if (!namespaces.hasTenant(tenant))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "tenant '" + tenant +
                "' does not exist (tenants create " + tenant + " makes one)");
            return;
        }
        final Collection<String> names = namespaces.namespacesOf(tenant);
        replyPublisher.sendNamespaceList(session, correlationId, tenant, names);
    }

    /**
     * {@inheritDoc}
     */
    public void onPartitionedTopic(
        final long sessionKey, final long correlationId, final boolean create, final String topic,
        final int partitions)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session)
        {
            if (create)
            {
                partitionedTopics.create(session, correlationId, topic, partitions);
            }
            else
            {
                partitionedTopics.update(session, correlationId, topic, partitions);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onGetPartitionedTopicMetadata(final long sessionKey, final long correlationId, final String topic)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session)
        {
            partitionedTopics.metadata(session, correlationId, topic);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onPing(final long sessionKey, final long correlationId, final long timestamp)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session)
        {
            replyPublisher.sendPong(session, correlationId, timestamp);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onDisconnect(final long sessionKey, final long correlationId)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session)
        {
            agent.close(session);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onBadFrame(
        final long sessionKey, final long correlationId, final ErrorCode code, final String message)
    {
        agent.onBadFrame(sessionKey, correlationId, code, message);
    }

    /**
     * {@inheritDoc}
     */
    public void onDroppedFrame(final long sessionKey)
    {
        agent.onDroppedFrame();
    }

    /**
     * Hand a command to the shard of an open producer or consumer of the session, or refuse it if there is none.
     */
    private boolean forwardToOpen(
        final long sessionKey,
        final long correlationId,
        final boolean isProducer,
        final long id,
        final boolean closes,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        final long shard = isProducer ? session.producerShard(id) : session.consumerShard(id);
        if (ClientSession.NO_SHARD == shard)
        {
            return refuse(session, correlationId,
                isProducer ? ErrorCode.PRODUCER_NOT_FOUND : ErrorCode.CONSUMER_NOT_FOUND,
                (isProducer ? "producer " : "consumer ") + id + " is not open on this session");
        }
        if (!router.forward(session.egress(), (int)shard, frame, length))
        {
            return false;
        }
        if (closes && isProducer)
        {
            session.unbindProducer(id);
        }
        else if (closes)
        {
            session.unbindConsumer(id);
        }

        return true;
    }

    /**
     * Hand a CreateProducer or Subscribe to the topic's shard and, once handed over, remember that the producer or
     * consumer lives there.
     */
    private boolean openOnTopicShard(
        final ClientSession session,
        final long correlationId,
        final String topic,
        final int nameLength,
        final boolean isProducer,
        final long id,
        final DirectBuffer frame,
        final int length)
    {
        final int shard = shardOfTopic(session, correlationId, topic);
        if (shard < 0)
        {
            return true;
        }
        if (nameLength > SessionAgent.MAX_NAME_LENGTH)
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                (isProducer ? "producer" : "subscription") + " name is too long");
        }
        if (!router.forward(session.egress(), shard, frame, length))
        {
            return false;
        }
        if (isProducer)
        {
            session.bindProducer(id, shard);
        }
        else
        {
            session.bindConsumer(id, shard);
        }

        return true;
    }

    private boolean forwardToTopic(
        final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame, final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        final int shard = shardOfTopic(session, correlationId, topic);

        return shard < 0 || router.forward(session.egress(), shard, frame, length);
    }

    /**
     * @return the shard of the topic, or -1 if the name is invalid or its namespace does not exist (answered).
     */
    private int shardOfTopic(final ClientSession session, final long correlationId, final String topic)
    {
        final TopicName name;
        try
        {
            name = TopicName.parse(topic);
        }
        catch (final IllegalArgumentException ex)
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.INVALID_TOPIC_NAME, ex.getMessage());
            return -1;
        }

        if (!namespaces.contains(name.namespaceName()))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + name.namespaceName() + " does not exist");
            return -1;
        }

        return router.shardOfTopic(name);
    }

    /**
     * Answer a request with an error and go on with the next frame.
     */
    /**
     * @return the active session, or null if there is none or the namespace does not exist (then refused).
     */
    private ClientSession sessionOfExistingNamespace(
        final long sessionKey, final long correlationId, final String namespace)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session && !namespaces.contains(namespace))
        {
            refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "namespace " + namespace + " does not exist");
            return null;
        }
        return session;
    }

    private boolean refuse(
        final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        replyPublisher.sendError(session, correlationId, code, message);
        return true;
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
}
