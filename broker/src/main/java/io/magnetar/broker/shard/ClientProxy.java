package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.broker.BrokerCounters;
import io.magnetar.codecs.ActiveConsumerChangeEncoder;
import io.magnetar.codecs.BooleanType;
import io.magnetar.codecs.CloseConsumerEncoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.LastMessageIdEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.NamespacePoliciesEncoder;
import io.magnetar.codecs.ProducerReadyEncoder;
import io.magnetar.codecs.SendErrorEncoder;
import io.magnetar.codecs.SendReceiptEncoder;
import io.magnetar.codecs.SendReceiptsEncoder;
import io.magnetar.codecs.StatsInternalResponseEncoder;
import io.magnetar.codecs.SubscribedEncoder;
import io.magnetar.codecs.SuccessEncoder;
import io.magnetar.codecs.TopicsOfNamespaceEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;

/**
 * The shard's door out to clients for answers: encodes them and offers them on the session's answer channel. What
 * the channel cannot take yet is copied, in order, into the session's queue of deferred bytes and sent before
 * anything else of that session's answers; nothing is dropped while the session lives.
 */
final class ClientProxy implements ReceiptTracker.ReceiptListener
{
    static final int OFFER_OK = 0;
    static final int OFFER_RETRY = 1;
    static final int OFFER_GONE = 2;
    /** A stored entry's delivery time has not come: it waits in the subscription's delayed deliveries. */
    static final int OFFER_DELAYED = 3;

    /** Most receipts in one {@code SendReceipts} frame; fewer when the session's datagrams are smaller. */
    static final int MAX_RECEIPTS_PER_FRAME = 128;
    private static final int RECEIPT_LENGTH = SendReceiptsEncoder.ReceiptsEncoder.sbeBlockLength();
    private static final int RECEIPTS_HEADER_LENGTH =
        MessageHeaderEncoder.ENCODED_LENGTH + SendReceiptsEncoder.ReceiptsEncoder.sbeHeaderSize();

    private static final int DEFERRED_INITIAL_BYTES = 4096;
    private static final int DEFERRED_MAX_BYTES = 1 << 30;

    private final int shard;
    private final int shardCount;
    private final BrokerCounters.Shard counters;
    private final ErrorHandler errorHandler;
    private final ArrayList<ShardSession> sessionsWithDeferred = new ArrayList<>();
    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[8192]);
    private final ExpandableDirectByteBuffer largeReplyBuffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ProducerReadyEncoder producerReadyEncoder = new ProducerReadyEncoder();
    private final SubscribedEncoder subscribedEncoder = new SubscribedEncoder();
    private final ActiveConsumerChangeEncoder activeConsumerChangeEncoder = new ActiveConsumerChangeEncoder();
    private final LastMessageIdEncoder lastMessageIdEncoder = new LastMessageIdEncoder();
    private final SuccessEncoder successEncoder = new SuccessEncoder();
    private final CloseConsumerEncoder closeConsumerEncoder = new CloseConsumerEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final SendReceiptEncoder sendReceiptEncoder = new SendReceiptEncoder();
    private final SendReceiptsEncoder sendReceiptsEncoder = new SendReceiptsEncoder();
    private final long[] receiptSequenceIds = new long[MAX_RECEIPTS_PER_FRAME];
    private final long[] receiptProducerIds = new long[MAX_RECEIPTS_PER_FRAME];
    private final int[] receiptShards = new int[MAX_RECEIPTS_PER_FRAME];
    private final long[] receiptPositions = new long[MAX_RECEIPTS_PER_FRAME];
    private ShardSession receiptsSession;
    private int receiptCount;
    private int receiptLimit;
    private final SendErrorEncoder sendErrorEncoder = new SendErrorEncoder();
    private final NamespacePoliciesEncoder namespacePoliciesEncoder = new NamespacePoliciesEncoder();
    private final StatsInternalResponseEncoder statsInternalResponseEncoder = new StatsInternalResponseEncoder();
    private final TopicsOfNamespaceEncoder topicsOfNamespaceEncoder = new TopicsOfNamespaceEncoder();
    private final ExpandableRingBuffer.MessageConsumer deferredHandler = this::onDeferred;
    private ShardSession sendingSession;

    ClientProxy(
        final int shard, final int shardCount, final BrokerCounters.Shard counters, final ErrorHandler errorHandler)
    {
        this.shard = shard;
        this.shardCount = shardCount;
        this.counters = counters;
        this.errorHandler = errorHandler;
    }

    /**
     * Encode a {@code ProducerReady} into {@link #replyBuffer()}, to send at once or once what it says is stored.
     *
     * @return its length.
     */
    int encodeProducerReady(
        final long correlationId,
        final long producerId,
        final String producerName,
        final long lastSequenceId,
        final long topicEpoch)
    {
        producerReadyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .producerId(producerId)
            .lastSequenceId(lastSequenceId)
            .topicEpoch(topicEpoch)
            .producerName(producerName);
        return MessageHeaderEncoder.ENCODED_LENGTH + producerReadyEncoder.encodedLength();
    }

    /**
     * @return the buffer answers are encoded in; valid until the next answer.
     */
    DirectBuffer replyBuffer()
    {
        return replyBuffer;
    }

    void subscribed(final ShardSession session, final long correlationId, final long consumerId)
    {
        subscribedEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + subscribedEncoder.encodedLength());
    }

    void lastMessageId(final ShardSession session, final long correlationId, final int shard, final long position)
    {
        lastMessageIdEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(correlationId)
            .messageId().shard(shard).position(position);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + lastMessageIdEncoder.encodedLength());
    }

    void activeConsumerChange(final ShardSession session, final long consumerId, final boolean isActive)
    {
        activeConsumerChangeEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .consumerId(consumerId)
            .isActive(isActive ? BooleanType.TRUE : BooleanType.FALSE);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + activeConsumerChangeEncoder.encodedLength());
    }

    /**
     * Tell a client the broker closed one of its consumers (its subscription was deleted by force).
     */
    void closeConsumer(final ShardSession session, final long consumerId)
    {
        closeConsumerEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(-1).consumerId(consumerId);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + closeConsumerEncoder.encodedLength());
    }

    void success(final ShardSession session, final long correlationId)
    {
        successEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(correlationId);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + successEncoder.encodedLength());
    }

    void error(final ShardSession session, final long correlationId, final ErrorCode code, final String message)
    {
        errorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength());
    }

    /**
     * @return the length of a {@code NamespacePolicies} answer encoded at the start of a buffer.
     */
    int encodeNamespacePolicies(final MutableDirectBuffer buffer, final long correlationId, final byte[] json)
    {
        namespacePoliciesEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .shardCount(shardCount)
            .putJson(json, 0, json.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + namespacePoliciesEncoder.encodedLength();
    }

    void namespacePolicies(final ShardSession session, final long correlationId, final byte[] json)
    {
        reply(session, largeReplyBuffer, encodeNamespacePolicies(largeReplyBuffer, correlationId, json));
    }

    void topicsOfNamespace(final ShardSession session, final long correlationId, final String topics)
    {
        topicsOfNamespaceEncoder.wrapAndApplyHeader(largeReplyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .shardCount(shardCount)
            .topics(topics);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + topicsOfNamespaceEncoder.encodedLength();
        if (length > session.egress.publication.maxMessageLength())
        {
            error(session, correlationId, ErrorCode.UNKNOWN_ERROR, "shard " + shard + " holds " + length +
                " bytes of topic names in the namespace, more than the largest answer of " +
                session.egress.publication.maxMessageLength());
            return;
        }
        reply(session, largeReplyBuffer, length);
    }

    void statsInternal(final ShardSession session, final long correlationId, final byte[] json)
    {
        statsInternalResponseEncoder.wrapAndApplyHeader(largeReplyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .putJson(json, 0, json.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + statsInternalResponseEncoder.encodedLength();
        if (length > session.egress.publication.maxMessageLength())
        {
            error(session, correlationId, ErrorCode.UNKNOWN_ERROR, "stats of " + length +
                " bytes exceed the largest answer of " + session.egress.publication.maxMessageLength());
            return;
        }
        reply(session, largeReplyBuffer, length);
    }

    /**
     * A receipt, send error or stored reply whose turn has come: send it, or keep it behind what already waits.
     */
    public void onReleased(final PendingReceipt receipt)
    {
        final ShardSession session = receipt.session;
        if (session.isClosed())
        {
            return;
        }

        final boolean duplicate = PendingReceipt.Kind.DUPLICATE_RECEIPT == receipt.kind;
        if ((duplicate || PendingReceipt.Kind.SEND_RECEIPT == receipt.kind) &&
            session.egress.takesGatheredFrames())
        {
            gatherReceipt(session, receipt.sequenceId, receipt.producerId,
                receipt.topic.persistent && !duplicate ? shard : -1, receipt.position);
            counters.receipts.incrementRelease();
            return;
        }

        sendReceipts(); // what was gathered goes first, so answers keep their order
        if (PendingReceipt.Kind.REPLY == receipt.kind)
        {
            reply(session, receipt.reply, receipt.replyLength);
            return;
        }
        if (PendingReceipt.Kind.SUCCESS == receipt.kind)
        {
            success(session, receipt.sequenceId);
            return;
        }
        if (PendingReceipt.Kind.SEND_ERROR == receipt.kind)
        {
            sendErrorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                .correlationId(receipt.sequenceId)
                .producerId(receipt.producerId)
                .code(receipt.errorCode)
                .message(receipt.errorMessage);
            reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendErrorEncoder.encodedLength());
            return;
        }

        sendReceipt(session, receipt.sequenceId, receipt.producerId,
            receipt.topic.persistent && !duplicate ? shard : -1, receipt.position);
        counters.receipts.incrementRelease();
    }

    /**
     * Send the receipts gathered while answers were released: one {@code SendReceipts} frame, or a
     * {@code SendReceipt} when there is one.
     */
    void sendReceipts()
    {
        final int count = receiptCount;
        if (0 == count)
        {
            return;
        }

        final ShardSession session = receiptsSession;
        receiptCount = 0;
        if (1 == count)
        {
            sendReceipt(session, receiptSequenceIds[0], receiptProducerIds[0], receiptShards[0], receiptPositions[0]);
            return;
        }

        final SendReceiptsEncoder.ReceiptsEncoder receipts =
            sendReceiptsEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).receiptsCount(count);
        for (int i = 0; i < count; i++)
        {
            receipts.next()
                .correlationId(receiptSequenceIds[i])
                .producerId(receiptProducerIds[i])
                .messageId().shard(receiptShards[i]).position(receiptPositions[i]);
        }
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendReceiptsEncoder.encodedLength());
    }

    private void gatherReceipt(
        final ShardSession session, final long sequenceId, final long producerId, final int shard, final long position)
    {
        if (receiptsSession != session || receiptCount == receiptLimit)
        {
            sendReceipts();
            if (receiptsSession != session)
            {
                receiptsSession = session;
            }
            // one datagram each: a frame no longer than the session's payload, so it is never fragmented
            receiptLimit = Math.max(1, Math.min(MAX_RECEIPTS_PER_FRAME,
                (session.egress.publication.maxPayloadLength() - RECEIPTS_HEADER_LENGTH) / RECEIPT_LENGTH));
        }

        final int i = receiptCount++;
        receiptSequenceIds[i] = sequenceId;
        receiptProducerIds[i] = producerId;
        receiptShards[i] = shard;
        receiptPositions[i] = position;
    }

    private void sendReceipt(
        final ShardSession session, final long sequenceId, final long producerId, final int shard, final long position)
    {
        sendReceiptEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .messageId().shard(shard).position(position);
        reply(session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendReceiptEncoder.encodedLength());
    }

    /**
     * Send an answer; if the session's answer channel is back-pressured, or answers already wait for it, keep a
     * copy behind them so nothing is dropped and order is kept.
     */
    void reply(final ShardSession session, final DirectBuffer buffer, final int length)
    {
        reply(session, buffer, 0, length);
    }

    /**
     * Send an answer from an offset of a buffer, or keep a copy behind what already waits.
     */
    void reply(final ShardSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        if (!session.hasDeferred() && OFFER_RETRY != offer(session, buffer, offset, length))
        {
            return;
        }
        if (session.isClosed())
        {
            return;
        }

        if (null == session.deferred)
        {
            session.deferred = new ExpandableRingBuffer(DEFERRED_INITIAL_BYTES, DEFERRED_MAX_BYTES, false);
        }
        if (session.deferred.isEmpty())
        {
            sessionsWithDeferred.add(session);
        }
        if (!session.deferred.append(buffer, offset, length))
        {
            errorHandler.onError(new IllegalStateException("shard " + shard + ": " + session.egress +
                " holds " + session.deferred.size() + " bytes of answers it does not read; an answer was dropped"));
        }
    }

    /**
     * Send what waits for back-pressured answer channels, in order, session by session.
     *
     * @return answers sent.
     */
    int sendDeferred()
    {
        int workCount = 0;
        for (int i = sessionsWithDeferred.size() - 1; i >= 0; i--)
        {
            final ShardSession session = sessionsWithDeferred.get(i);
            if (session.hasDeferred())
            {
                sendingSession = session;
                workCount += session.deferred.consume(deferredHandler, Integer.MAX_VALUE);
            }
            if (!session.hasDeferred())
            {
                sessionsWithDeferred.remove(i);
            }
        }
        sendingSession = null;

        return workCount;
    }

    /**
     * Forget what a closed session was still owed.
     */
    void onSessionClosed(final ShardSession session)
    {
        sessionsWithDeferred.remove(session);
        if (receiptsSession == session)
        {
            receiptsSession = null;
        }
    }

    boolean hasDeferred()
    {
        return !sessionsWithDeferred.isEmpty();
    }

    private boolean onDeferred(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        return OFFER_RETRY != offer(sendingSession, buffer, offset, length);
    }

    static int offer(final ShardSession session, final DirectBuffer buffer, final int length)
    {
        return offer(session, buffer, 0, length);
    }

    static int offer(final ShardSession session, final DirectBuffer buffer, final int offset, final int length)
    {
        final Publication publication = session.egress.publication;
        long result = publication.offer(buffer, offset, length);
        if (Publication.ADMIN_ACTION == result)
        {
            // a term rotation: the retry goes through at once
            result = publication.offer(buffer, offset, length);
        }
        if (result > 0)
        {
            return OFFER_OK;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result ||
            Publication.NOT_CONNECTED == result)
        {
            // NOT_CONNECTED: the client may be in a pause; if it is gone, its session is closed shortly
            return OFFER_RETRY;
        }

        return OFFER_GONE;
    }
}
