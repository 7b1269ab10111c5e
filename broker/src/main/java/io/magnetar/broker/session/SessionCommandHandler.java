package io.magnetar.broker.session;

import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageIdDecoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.DirectBuffer;

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
    private final Authorizer authorizer;
    private final NamespaceCommands namespaceCommands;

    /** What a command does to a topic, for the role check. */
    private enum Access
    {
        PRODUCE("produce to"),
        CONSUME("consume from"),
        /** A subscription's cursor (reset, delete): its consumers' roles or the tenant's admins, as Pulsar. */
        CONSUME_OR_ADMINISTER("move or delete a subscription of"),
        /** Stats: any role granted something on the topic, or the tenant's admins. */
        LOOK_UP("read the stats of");

        private final String verb;

        Access(final String verb)
        {
            this.verb = verb;
        }
    }

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();

    /**
     * @param agent             that keeps the sessions and their lifecycle.
     * @param replyPublisher    for the session agent's own answers.
     * @param router            to the shards.
     * @param namespaces        the broker has.
     * @param maxMessageSize    largest payload accepted.
     * @param partitionedTopics serves the partitioned-topic admin requests.
     * @param authorizer        of the sessions' roles.
     */

    SessionCommandHandler(
        final SessionAgent agent,
        final SessionReplyPublisher replyPublisher,
        final ShardRouter router,
        final NamespaceDirectory namespaces,
        final int maxMessageSize,
        final PartitionedTopicAdmin partitionedTopics,
        final Authorizer authorizer)
    {
        this.partitionedTopics = partitionedTopics;
        this.authorizer = authorizer;
        this.namespaceCommands = new NamespaceCommands(agent, replyPublisher, router, namespaces, authorizer);
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
        return forwardToTopic(sessionKey, correlationId, topic, Access.CONSUME_OR_ADMINISTER, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onTopicCommand(
        final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame, final int length)
    {
        return forwardToTopic(sessionKey, correlationId, topic, Access.CONSUME_OR_ADMINISTER, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onStatsInternalRequest(
        final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame, final int length)
    {
        return forwardToTopic(sessionKey, correlationId, topic, Access.LOOK_UP, frame, length);
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
        return namespaceCommands.onGetTopicsOfNamespace(sessionKey, correlationId, namespace, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onDeleteNamespace(final long sessionKey, final long correlationId, final String namespace)
    {
        return namespaceCommands.onDeleteNamespace(sessionKey, correlationId, namespace);
    }

    /**
     * {@inheritDoc}
     */
    public boolean onShardCommand(
        final long sessionKey, final long correlationId, final int shard, final DirectBuffer frame, final int length)
    {
        return namespaceCommands.onShardCommand(sessionKey, correlationId, shard, frame, length);
    }

    /**
     * {@inheritDoc}
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
        return namespaceCommands.onSetNamespacePolicies(
            sessionKey, correlationId, namespace, policyCount, fields, values, frame, length);
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
        return namespaceCommands.onGetNamespacePolicies(sessionKey, correlationId, namespace, frame, length);
    }

    /**
     * {@inheritDoc}
     */
    public void onListNamespaces(final long sessionKey, final long correlationId, final String tenant)
    {
        namespaceCommands.onListNamespaces(sessionKey, correlationId, tenant);
    }

    /**
     * {@inheritDoc}
     */
    public void onPartitionedTopic(
        final long sessionKey, final long correlationId, final boolean create, final String topic,
        final int partitions)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session && !isAllowedOnTopicName(session, correlationId, topic, true))
        {
            return;
        }
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
        if (null != session && isAllowedOnTopicName(session, correlationId, topic, false))
        {
            partitionedTopics.metadata(session, correlationId, topic);
        }
    }

    /**
     * For the partitioned-topic requests, which check names themselves: may the session's role administer the topic
     * (create, update), or look it up (any grant on it, or its tenant's admin)? A name that does not parse is let
     * through to be refused as such.
     */
    private boolean isAllowedOnTopicName(
        final ClientSession session, final long correlationId, final String topic, final boolean administer)
    {
        if (!authorizer.isEnabled())
        {
            return true;
        }
        final TopicName name;
        try
        {
            name = TopicName.parse(topic);
        }
        catch (final IllegalArgumentException ex)
        {
            return true;
        }
        if (administer ? authorizer.isTenantAdmin(session.role, name.tenant()) :
            authorizer.canLookUp(session.role, name))
        {
            return true;
        }
        replyPublisher.sendError(session, correlationId, ErrorCode.AUTHORIZATION_ERROR, "role " + session.role +
            " is not allowed to " + (administer ? "administer " : "look up ") + name);
        return false;
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
        final int shard = shardOfTopic(session, correlationId, topic, isProducer ? Access.PRODUCE : Access.CONSUME);
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
        final long sessionKey,
        final long correlationId,
        final String topic,
        final Access access,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        final int shard = shardOfTopic(session, correlationId, topic, access);

        return shard < 0 || router.forward(session.egress(), shard, frame, length);
    }

    /**
     * @return the shard of the topic, or -1 if the name is invalid, its namespace does not exist or the session's role
     * may not do this to it (answered).
     */
    private int shardOfTopic(
        final ClientSession session, final long correlationId, final String topic, final Access access)
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
        if (authorizer.isEnabled() && !isAllowed(session.role, name, access))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.AUTHORIZATION_ERROR,
                "role " + session.role + " is not allowed to " + access.verb + " " + name);
            return -1;
        }

        return router.shardOfTopic(name);
    }

    private boolean isAllowed(final String role, final TopicName name, final Access access)
    {
        switch (access)
        {
            case PRODUCE:
                return authorizer.canProduce(role, name);
            case CONSUME:
                return authorizer.canConsume(role, name);
            case CONSUME_OR_ADMINISTER:
                return authorizer.canConsume(role, name) || authorizer.isTenantAdmin(role, name.tenant());
            default:
                return authorizer.canLookUp(role, name);
        }
    }

    /**
     * Answer a request with an error and go on with the next frame.
     */
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
