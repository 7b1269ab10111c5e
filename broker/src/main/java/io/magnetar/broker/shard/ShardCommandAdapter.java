package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.ShardCommand;
import io.magnetar.codecs.AckCumulativeDecoder;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.AckGroupDecoder;
import io.magnetar.codecs.AckWithReceiptDecoder;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerDecoder;
import io.magnetar.codecs.CloseProducerDecoder;
import io.magnetar.codecs.CreateProducerDecoder;
import io.magnetar.codecs.DeleteSubscriptionDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.FlowDecoder;
import io.magnetar.codecs.GetLastMessageIdDecoder;
import io.magnetar.codecs.GetNamespacePoliciesDecoder;
import io.magnetar.codecs.GetTopicsOfNamespaceDecoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.ProducerAccessMode;
import io.magnetar.codecs.RedeliverUnacknowledgedDecoder;
import io.magnetar.codecs.ResetCursorDecoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SetNamespacePoliciesDecoder;
import io.magnetar.codecs.ShardStatsRequestDecoder;
import io.magnetar.codecs.StatsInternalRequestDecoder;
import io.magnetar.codecs.SubscribeDecoder;
import io.magnetar.codecs.TopicStatsRequestDecoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.UnsubscribeDecoder;
import io.magnetar.storage.StorageException;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.jctools.queues.SpscArrayQueue;

import java.nio.ByteOrder;

/**
 * The shard's one door in: polls the commands the session agent hands over, decodes each frame and calls the room
 * that serves it. A command a room cannot take yet (a log is back-pressured) is kept and offered again first on the
 * next poll, so commands keep their order; handled commands go back to their pool.
 */
final class ShardCommandAdapter
{
    private static final int COMMAND_LIMIT = 64;

    private final SpscArrayQueue<ShardCommand> commandQueue;
    private final SpscArrayQueue<ShardCommand> freeCommands;
    private final SpscArrayQueue<ShardCommand> freeLargeCommands;
    private final BrokerCounters.Shard counters;
    private final ErrorHandler errorHandler;
    private final ShardSessions sessions;
    private final ProducerHandler producers;
    private final SubscriptionHandler subscriptions;
    private final NamespacePolicyHandler namespaces;
    private final StatsInternalReport stats;
    private final TopicStatsReport topicStats;
    private final ClientProxy proxy;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final CreateProducerDecoder createProducerDecoder = new CreateProducerDecoder();
    private final SendDecoder sendDecoder = new SendDecoder();
    private final CloseProducerDecoder closeProducerDecoder = new CloseProducerDecoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final FlowDecoder flowDecoder = new FlowDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final AckGroupDecoder ackGroupDecoder = new AckGroupDecoder();
    private final AckWithReceiptDecoder ackWithReceiptDecoder = new AckWithReceiptDecoder();
    private final RedeliverUnacknowledgedDecoder redeliverDecoder = new RedeliverUnacknowledgedDecoder();
    private final AckCumulativeDecoder ackCumulativeDecoder = new AckCumulativeDecoder();
    private final GetLastMessageIdDecoder getLastMessageIdDecoder = new GetLastMessageIdDecoder();
    private final SubscriptionHandler.Start start = new SubscriptionHandler.Start();
    private final CloseConsumerDecoder closeConsumerDecoder = new CloseConsumerDecoder();
    private final StatsInternalRequestDecoder statsInternalRequestDecoder = new StatsInternalRequestDecoder();
    private final TopicStatsRequestDecoder topicStatsRequestDecoder = new TopicStatsRequestDecoder();
    private final ShardStatsRequestDecoder shardStatsRequestDecoder = new ShardStatsRequestDecoder();
    private final ResetCursorDecoder resetCursorDecoder = new ResetCursorDecoder();
    private final UnsubscribeDecoder unsubscribeDecoder = new UnsubscribeDecoder();
    private final GetTopicsOfNamespaceDecoder getTopicsOfNamespaceDecoder = new GetTopicsOfNamespaceDecoder();
    private final DeleteSubscriptionDecoder deleteSubscriptionDecoder = new DeleteSubscriptionDecoder();
    private final SetNamespacePoliciesDecoder setNamespacePoliciesDecoder = new SetNamespacePoliciesDecoder();
    private final GetNamespacePoliciesDecoder getNamespacePoliciesDecoder = new GetNamespacePoliciesDecoder();
    private ShardCommand stalledCommand;

    ShardCommandAdapter(
        final ShardContext ctx,
        final ShardSessions sessions,
        final ProducerHandler producers,
        final SubscriptionHandler subscriptions,
        final NamespacePolicyHandler namespaces,
        final StatsInternalReport stats,
        final TopicStatsReport topicStats,
        final ClientProxy proxy)
    {
        this.commandQueue = ctx.commandQueue();
        this.freeCommands = ctx.freeCommands();
        this.freeLargeCommands = ctx.freeLargeCommands();
        this.counters = ctx.counters();
        this.errorHandler = ctx.errorHandler();
        this.sessions = sessions;
        this.producers = producers;
        this.subscriptions = subscriptions;
        this.namespaces = namespaces;
        this.stats = stats;
        this.topicStats = topicStats;
        this.proxy = proxy;
    }

    /**
     * @return commands handled.
     */
    int poll()
    {
        int workCount = 0;
        if (null != stalledCommand)
        {
            if (!handle(stalledCommand))
            {
                subscriptions.recordAcks(); // acks handled before the stalled command need not wait for it
                return 0;
            }
            free(stalledCommand);
            stalledCommand = null;
            workCount++;
        }

        for (int i = 0; i < COMMAND_LIMIT; i++)
        {
            final ShardCommand command = commandQueue.poll();
            if (null == command)
            {
                break;
            }
            if (!handle(command))
            {
                stalledCommand = command;
                counters.logBackPressure.increment();
                break;
            }
            free(command);
            workCount++;
        }

        if (!subscriptions.recordAcks())
        {
            counters.logBackPressure.increment();
        }

        return workCount;
    }

    /**
     * @return commands waiting in the queue.
     */
    int queued()
    {
        return commandQueue.size();
    }

    private void free(final ShardCommand command)
    {
        command.reset();
        (command.large ? freeLargeCommands : freeCommands).offer(command);
    }

    /**
     * @return false if the command must be retried later because a log is back-pressured.
     */
    private boolean handle(final ShardCommand command)
    {
        if (readsSubscriptions(command) && !subscriptions.recordAcks())
        {
            return false;
        }

        if (ShardCommand.SESSION_CLOSED == command.type)
        {
            onSessionClosed(command);
            return true;
        }

        final ShardSession session = sessions.session(command.egress);
        if (ShardCommand.SEND_REJECTED == command.type)
        {
            producers.onSendRejected(
                session, command.producerId, command.sequenceId, command.errorCode, command.errorMessage);
            return true;
        }

        final DirectBuffer frame = command.frame;
        try
        {
            return onFrame(session, frame, command.frameLength);
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
            proxy.error(session, -1, ErrorCode.PERSISTENCE_ERROR, ex.getMessage());
            return true;
        }
        catch (final RuntimeException ex)
        {
            // A request the session agent let through but this shard cannot serve: answer it, keep going.
            errorHandler.onError(ex);
            final long correlationId = command.frameLength >= MessageHeaderDecoder.ENCODED_LENGTH + 8 ?
                frame.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) : -1;
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "request failed: " + ex.getMessage());
            return true;
        }
    }

    /**
     * @return true unless the command only sends, grants permits or acknowledges: those may pass acks that wait to be
     * recorded together.
     */
    private boolean readsSubscriptions(final ShardCommand command)
    {
        if (ShardCommand.SEND_REJECTED == command.type)
        {
            return false;
        }
        if (ShardCommand.SESSION_CLOSED == command.type || command.frameLength < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return true;
        }

        final int templateId = headerDecoder.wrap(command.frame, 0).templateId();
        return SendDecoder.TEMPLATE_ID != templateId && AckDecoder.TEMPLATE_ID != templateId &&
            AckGroupDecoder.TEMPLATE_ID != templateId && FlowDecoder.TEMPLATE_ID != templateId;
    }

    private boolean onFrame(final ShardSession session, final DirectBuffer frame, final int frameLength)
    {
        headerDecoder.wrap(frame, 0);
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;

        switch (headerDecoder.templateId())
        {
            case SendDecoder.TEMPLATE_ID:
                return producers.onSend(
                    session, sendDecoder.wrap(frame, offset, blockLength, version), frame, frameLength);

            case CreateProducerDecoder.TEMPLATE_ID:
            {
                final CreateProducerDecoder decoder = createProducerDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                final long producerId = decoder.producerId();
                final ProducerAccessMode accessMode = decoder.accessMode(); // NULL_VAL before v5: shared
                final long topicEpoch = decoder.topicEpoch(); // its null value (negative) before v5: none
                final String topic = decoder.topic();
                return producers.onCreateProducer(
                    session, correlationId, producerId, topic, decoder.producerName(), accessMode, topicEpoch);
            }

            case SubscribeDecoder.TEMPLATE_ID:
            {
                final SubscribeDecoder decoder = subscribeDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                final long consumerId = decoder.consumerId();
                final SubscriptionType type = decoder.subscriptionType();
                final InitialPosition initialPosition = decoder.initialPosition();
                final int priorityLevel = decoder.priorityLevel();
                if (version >= 8)
                {
                    // raw values: a byte no enum knows reads as the default, never an exception
                    start.set(BooleanType.FALSE.value() != decoder.durableRaw(), decoder.startMessageId().shard(),
                        decoder.startMessageId().position(), BooleanType.TRUE.value() == decoder.startInclusiveRaw(),
                        decoder.startPublishTime());
                }
                else
                {
                    start.set(true, -1, -1, false, -1);
                }
                final short keySharedMode = decoder.keySharedModeRaw();
                final String topic = decoder.topic();
                final String subscription = decoder.subscription();
                final String consumerName = decoder.consumerName();
                if (version >= 9 && SubscriptionType.KEY_SHARED == type)
                {
                    // the session's adapter checked the mode and that the ranges are whole pairs
                    start.keySharedMode = KeySharedMode.get(keySharedMode);
                    start.hashRanges = hashRanges(decoder);
                }
                return subscriptions.onSubscribe(session, correlationId, consumerId, type, initialPosition,
                    priorityLevel, topic, subscription, consumerName, start);
            }

            case FlowDecoder.TEMPLATE_ID:
            {
                final FlowDecoder decoder = flowDecoder.wrap(frame, offset, blockLength, version);
                subscriptions.onFlow(session, decoder.correlationId(), decoder.consumerId(), decoder.permits());
                return true;
            }

            case AckDecoder.TEMPLATE_ID:
            {
                final AckDecoder ack = ackDecoder.wrap(frame, offset, blockLength, version);
                return subscriptions.onAck(session, ack.correlationId(), ack.consumerId(), ack.messageId().shard(),
                    ack.messageId().position(), false);
            }

            case AckGroupDecoder.TEMPLATE_ID:
            {
                // acks already applied are skipped when a back-pressured group is handled again
                final AckGroupDecoder group = ackGroupDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = group.correlationId();
                final long consumerId = group.consumerId();
                for (final AckGroupDecoder.AcksDecoder ack : group.acks())
                {
                    if (!subscriptions.onAck(session, correlationId, consumerId, ack.messageId().shard(),
                        ack.messageId().position(), false))
                    {
                        return false;
                    }
                }
                return true;
            }

            case GetLastMessageIdDecoder.TEMPLATE_ID:
            {
                final GetLastMessageIdDecoder decoder =
                    getLastMessageIdDecoder.wrap(frame, offset, blockLength, version);
                subscriptions.onGetLastMessageId(session, decoder.correlationId(), decoder.consumerId());
                return true;
            }

            case AckCumulativeDecoder.TEMPLATE_ID:
            {
                final AckCumulativeDecoder ack = ackCumulativeDecoder.wrap(frame, offset, blockLength, version);
                final boolean inclusive = BooleanType.FALSE.value() != ack.isInclusiveRaw();
                return subscriptions.onAckCumulative(session, ack.correlationId(), ack.consumerId(),
                    ack.messageId().shard(), ack.messageId().position(), inclusive);
            }

            case RedeliverUnacknowledgedDecoder.TEMPLATE_ID:
            {
                final RedeliverUnacknowledgedDecoder decoder =
                    redeliverDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                final ShardConsumer consumer =
                    subscriptions.openConsumer(session, correlationId, decoder.consumerId());
                if (null != consumer)
                {
                    final RedeliverUnacknowledgedDecoder.MessageIdsDecoder messageIds = decoder.messageIds();
                    final boolean all = 0 == messageIds.count();
                    for (final RedeliverUnacknowledgedDecoder.MessageIdsDecoder id : messageIds)
                    {
                        subscriptions.redeliver(consumer, id.messageId().shard(), id.messageId().position());
                    }
                    subscriptions.redelivered(session, correlationId, consumer, all);
                }
                return true;
            }

            case AckWithReceiptDecoder.TEMPLATE_ID:
            {
                final AckWithReceiptDecoder ack = ackWithReceiptDecoder.wrap(frame, offset, blockLength, version);
                return subscriptions.onAck(session, ack.correlationId(), ack.consumerId(), ack.messageId().shard(),
                    ack.messageId().position(), true);
            }

            case CloseProducerDecoder.TEMPLATE_ID:
            {
                final CloseProducerDecoder decoder = closeProducerDecoder.wrap(frame, offset, blockLength, version);
                producers.onCloseProducer(session, decoder.correlationId(), decoder.producerId());
                return true;
            }

            case CloseConsumerDecoder.TEMPLATE_ID:
            {
                final CloseConsumerDecoder decoder = closeConsumerDecoder.wrap(frame, offset, blockLength, version);
                subscriptions.onCloseConsumer(session, decoder.correlationId(), decoder.consumerId());
                return true;
            }

            case ResetCursorDecoder.TEMPLATE_ID:
            {
                final ResetCursorDecoder decoder = resetCursorDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                final long publishTime = decoder.publishTime();
                final int resetShard = version >= 8 ? decoder.messageId().shard() : -1;
                final long resetPosition = version >= 8 ? decoder.messageId().position() : -1;
                final String topic = decoder.topic();
                return subscriptions.cursors().onResetCursor(
                    session, correlationId, publishTime, resetShard, resetPosition, topic, decoder.subscription());
            }

            case GetTopicsOfNamespaceDecoder.TEMPLATE_ID:
            {
                final GetTopicsOfNamespaceDecoder decoder =
                    getTopicsOfNamespaceDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                namespaces.onGetTopicsOfNamespace(session, correlationId, decoder.namespaceName());
                return true;
            }

            case UnsubscribeDecoder.TEMPLATE_ID:
            {
                final UnsubscribeDecoder decoder = unsubscribeDecoder.wrap(frame, offset, blockLength, version);
                return subscriptions.cursors().onUnsubscribe(session, decoder.correlationId(), decoder.consumerId());
            }

            case DeleteSubscriptionDecoder.TEMPLATE_ID:
            {
                final DeleteSubscriptionDecoder decoder =
                    deleteSubscriptionDecoder.wrap(frame, offset, blockLength, version);
                final long correlationId = decoder.correlationId();
                final boolean force = BooleanType.TRUE.value() == decoder.forceRaw();
                final String topic = decoder.topic();
                return subscriptions.cursors().onDeleteSubscription(
                    session, correlationId, force, topic, decoder.subscription());
            }

            case StatsInternalRequestDecoder.TEMPLATE_ID:
            {
                final StatsInternalRequestDecoder decoder =
                    statsInternalRequestDecoder.wrap(frame, offset, blockLength, version);
                stats.onStatsInternal(session, decoder.correlationId(), decoder.topic());
                return true;
            }

            case TopicStatsRequestDecoder.TEMPLATE_ID:
            {
                final TopicStatsRequestDecoder decoder =
                    topicStatsRequestDecoder.wrap(frame, offset, blockLength, version);
                topicStats.onTopicStats(session, decoder.correlationId(), decoder.topic());
                return true;
            }

            case ShardStatsRequestDecoder.TEMPLATE_ID:
            {
                final ShardStatsRequestDecoder decoder =
                    shardStatsRequestDecoder.wrap(frame, offset, blockLength, version);
                topicStats.onShardStats(session, decoder.correlationId(), decoder.fromLocalId(), decoder.maxTopics(),
                    BooleanType.TRUE == decoder.resetLatency());
                return true;
            }

            case SetNamespacePoliciesDecoder.TEMPLATE_ID:
                return namespaces.onSetNamespacePolicies(
                    session, setNamespacePoliciesDecoder.wrap(frame, offset, blockLength, version));

            case GetNamespacePoliciesDecoder.TEMPLATE_ID:
            {
                final GetNamespacePoliciesDecoder decoder =
                    getNamespacePoliciesDecoder.wrap(frame, offset, blockLength, version);
                namespaces.onGetNamespacePolicies(session, decoder.correlationId(), decoder.namespaceName());
                return true;
            }

            default:
                proxy.error(session, -1, ErrorCode.UNKNOWN_COMMAND,
                    "template " + headerDecoder.templateId() + " is not handled by a topic shard");
                return true;
        }
    }

    /**
     * The session has ended: free its producers and consumers (their unacknowledged messages go back to their
     * subscriptions) and forget what it was still owed.
     */
    private void onSessionClosed(final ShardCommand command)
    {
        final ShardSession session = sessions.remove(command.egress);
        if (null == session)
        {
            return;
        }

        producers.onSessionClosed(session);
        for (final ShardConsumer consumer : session.consumers.values())
        {
            subscriptions.detach(consumer);
        }
        session.consumers.clear();
        proxy.onSessionClosed(session);
    }

    private static int[] hashRanges(final SubscribeDecoder decoder)
    {
        final int length = decoder.hashRangesLength();
        final int[] ranges = new int[length / Integer.BYTES];
        final DirectBuffer buffer = decoder.buffer();
        final int offset = decoder.limit() + SubscribeDecoder.hashRangesHeaderLength();
        for (int i = 0; i < ranges.length; i++)
        {
            ranges[i] = buffer.getInt(offset + i * Integer.BYTES, ByteOrder.LITTLE_ENDIAN);
        }
        decoder.skipHashRanges();
        return ranges;
    }
}
