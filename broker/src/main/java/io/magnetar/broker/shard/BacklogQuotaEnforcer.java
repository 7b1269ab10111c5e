package io.magnetar.broker.shard;

import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.SendDecoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;

/**
 * Backlog quotas: under {@code producer_request_hold} a topic's Send frames wait in its hold buffer, in order, until
 * every subscription's backlog is below the quota (or the hold times out); under {@code consumer_backlog_eviction}
 * the oldest entries of a subscription over the quota are acknowledged on the broker's account. While a topic holds
 * messages, the answers given at once to its later sends queue behind them, so a producer's answers stay in order.
 */
final class BacklogQuotaEnforcer
{
    /**
     * Sends a held message once its turn has come.
     */
    interface HeldSendHandler
    {
        /**
         * @return false if the shard log is back-pressured and the send must be retried.
         */
        boolean onReleasedSend(ShardSession session, SendDecoder decoder, DirectBuffer frame, int frameLength);
    }

    static final int HOLD_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
    static final long SHARD_HOLD_BUDGET_BYTES = 64L * 1024 * 1024;

    private static final int HOLD_RELEASE_LIMIT = 256;
    private static final int HOLD_ERROR_HEADROOM = 64 * 1024;
    private static final int HELD_SESSION_OFFSET = 0;
    private static final int HELD_AT_OFFSET = 8;
    private static final int HELD_KIND_OFFSET = 16;
    private static final int HELD_FRAME_OFFSET = 20;
    private static final int HELD_ERROR_PRODUCER_OFFSET = 20;
    private static final int HELD_ERROR_SEQUENCE_OFFSET = 28;
    private static final int HELD_ERROR_CODE_OFFSET = 36;
    private static final int HELD_ERROR_MESSAGE_OFFSET = 40;
    private static final int HELD_FRAME = 0;
    private static final int HELD_ERROR = 1;

    private final int shard;
    private final long holdTimeoutNs;
    private final ShardSessions sessions;
    private final ReceiptTracker receipts;
    private final AtomicCounter heldSendsCounter;
    private final ArrayList<Topic> holdingTopics = new ArrayList<>();
    private final ExpandableDirectByteBuffer holdBuffer = new ExpandableDirectByteBuffer(4096);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final SendDecoder heldSendDecoder = new SendDecoder();
    private final ExpandableRingBuffer.MessageConsumer heldSendConsumer = this::onHeldSend;
    private HeldSendHandler sendHandler;
    private Topic releasingTopic;
    private long releaseNowNs;
    private long heldBytes;

    BacklogQuotaEnforcer(
        final int shard,
        final long holdTimeoutNs,
        final ShardSessions sessions,
        final ReceiptTracker receipts,
        final AtomicCounter heldSendsCounter)
    {
        this.shard = shard;
        this.holdTimeoutNs = holdTimeoutNs;
        this.sessions = sessions;
        this.receipts = receipts;
        this.heldSendsCounter = heldSendsCounter;
    }

    /**
     * @param sendHandler sends held messages once released.
     */
    void sendHandler(final HeldSendHandler sendHandler)
    {
        this.sendHandler = sendHandler;
    }

    /**
     * @return true if earlier messages of the topic are held, so a new one, and its answer, come after them.
     */
    static boolean isHolding(final Topic topic)
    {
        return null != topic && null != topic.heldSends && !topic.heldSends.isEmpty();
    }

    static String quotaExceededMessage(final Topic topic, final long backlogBytes)
    {
        return "backlog quota of " + topic.policies.backlogQuotaLimitBytes() + " bytes exceeded on " + topic.name +
            ": a subscription holds about " + backlogBytes + " bytes";
    }

    /**
     * Keep a Send frame in the topic's hold buffer until the backlog falls below the quota or the hold times out.
     * A full hold buffer, or a shard over its budget, refuses the message at once.
     */
    void hold(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final DirectBuffer frame,
        final int frameLength)
    {
        final int recordLength = HELD_FRAME_OFFSET + frameLength;
        final int used = null == topic.heldSends ? 0 : topic.heldSends.size();
        if (heldBytes + recordLength > SHARD_HOLD_BUDGET_BYTES)
        {
            answerSendError(session, topic, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
                "backlog quota exceeded on " + topic.name + " and shard " + shard + " already holds " + heldBytes +
                " bytes of messages for backlog quotas");
            return;
        }
        if (used + recordLength + ExpandableRingBuffer.HEADER_LENGTH <= HOLD_BUFFER_MAX_BYTES - HOLD_ERROR_HEADROOM)
        {
            holdBuffer.putInt(HELD_KIND_OFFSET, HELD_FRAME);
            holdBuffer.putBytes(HELD_FRAME_OFFSET, frame, 0, frameLength);
            if (appendHeld(session, topic, recordLength))
            {
                heldSendsCounter.incrementRelease();
                return;
            }
        }
        answerSendError(session, topic, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
            "backlog quota exceeded on " + topic.name + " and its " + HOLD_BUFFER_MAX_BYTES +
            "-byte buffer of held messages is full");
    }

    /**
     * Answer a send with an error in order: behind the topic's held messages if it has any, else behind the
     * producer's earlier answers.
     */
    void answerSendError(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        if (isHolding(topic))
        {
            holdBuffer.putInt(HELD_KIND_OFFSET, HELD_ERROR);
            holdBuffer.putLong(HELD_ERROR_PRODUCER_OFFSET, producerId);
            holdBuffer.putLong(HELD_ERROR_SEQUENCE_OFFSET, sequenceId);
            holdBuffer.putInt(HELD_ERROR_CODE_OFFSET, code.value());
            final int encodedLength = holdBuffer.putStringUtf8(
                HELD_ERROR_MESSAGE_OFFSET, message.length() > 1024 ? message.substring(0, 1024) : message);
            if (appendHeld(session, topic, HELD_ERROR_MESSAGE_OFFSET + encodedLength))
            {
                return;
            }
        }
        receipts.onSendError(session, producerId, sequenceId, code, message);
    }

    /**
     * Release held messages of topics whose backlog fell below the quota, in order; refuse those held longer than
     * the hold timeout.
     *
     * @return topics that released or refused something.
     */
    int releaseHeldSends(final long nowNs)
    {
        int workCount = 0;
        for (int i = holdingTopics.size() - 1; i >= 0; i--)
        {
            final Topic topic = holdingTopics.get(i);
            releasingTopic = topic;
            releaseNowNs = nowNs;
            workCount += topic.heldSends.consume(heldSendConsumer, HOLD_RELEASE_LIMIT) > 0 ? 1 : 0;
            if (topic.heldSends.isEmpty())
            {
                topic.heldSends = null; // its memory goes with the hold
                holdingTopics.remove(i);
            }
        }
        releasingTopic = null;

        return workCount;
    }

    boolean isHoldingAny()
    {
        return !holdingTopics.isEmpty();
    }

    /**
     * @return bytes of messages and errors held for all topics of the shard.
     */
    long heldBytes()
    {
        return heldBytes;
    }

    /**
     * Backlog eviction: acknowledge the oldest entries of every subscription of a topic that holds more than the
     * quota, recording the acks like a consumer's.
     *
     * @param budget most entries to acknowledge in this call.
     * @return entries acknowledged, or -1 if the topic must be visited again: the budget ran out or the cursor log
     * could not take an ack.
     */
    int evict(final Topic topic, final SubscriptionAcks acks, final int budget)
    {
        if (!topic.persistent || 0 == topic.index.size() || !topic.policies.evictsBacklog())
        {
            return 0;
        }
        final long allowedEntries = topic.policies.backlogQuotaLimitBytes() / topic.averageEntryBytes();
        int evicted = 0;
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            while (subscription.durable && subscription.cursor.backlog() > allowedEntries)
            {
                final long ordinal = subscription.cursor.firstUnackedOrdinal();
                if (ordinal >= topic.durableEntries)
                {
                    break;
                }
                if (evicted >= budget || !acks.ackAndRecord(subscription, topic.index.position(ordinal)))
                {
                    subscription.skipAcknowledged();
                    return -1;
                }
                evicted++;
            }
            subscription.skipAcknowledged();
        }

        return evicted;
    }

    private boolean appendHeld(final ShardSession session, final Topic topic, final int recordLength)
    {
        if (null == topic.heldSends)
        {
            topic.heldSends = new ExpandableRingBuffer(4096, HOLD_BUFFER_MAX_BYTES, false);
        }
        final boolean wasEmpty = topic.heldSends.isEmpty();
        holdBuffer.putLong(HELD_SESSION_OFFSET, session.egress.sessionKey);
        holdBuffer.putLong(HELD_AT_OFFSET, System.nanoTime());
        if (!topic.heldSends.append(holdBuffer, 0, recordLength))
        {
            return false;
        }
        if (wasEmpty)
        {
            holdingTopics.add(topic);
        }
        heldBytes += recordLength;

        return true;
    }

    private boolean onHeldSend(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        final Topic topic = releasingTopic;
        final ShardSession session = sessions.find(buffer.getLong(offset + HELD_SESSION_OFFSET));
        if (null == session || session.isClosed())
        {
            heldBytes -= length;
            return true; // the client has gone: there is no one to answer
        }
        if (HELD_ERROR == buffer.getInt(offset + HELD_KIND_OFFSET))
        {
            receipts.onSendError(
                session,
                buffer.getLong(offset + HELD_ERROR_PRODUCER_OFFSET),
                buffer.getLong(offset + HELD_ERROR_SEQUENCE_OFFSET),
                ErrorCode.get(buffer.getInt(offset + HELD_ERROR_CODE_OFFSET)),
                buffer.getStringUtf8(offset + HELD_ERROR_MESSAGE_OFFSET));
            heldBytes -= length;
            return true;
        }

        final int frameOffset = offset + HELD_FRAME_OFFSET;
        headerDecoder.wrap(buffer, frameOffset);
        final SendDecoder decoder = heldSendDecoder.wrap(
            buffer, frameOffset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        final long backlogBytes = topic.quotaExceededBytes();
        if (backlogBytes >= 0)
        {
            if (topic.policies.holdsProducers() &&
                releaseNowNs - buffer.getLong(offset + HELD_AT_OFFSET) < holdTimeoutNs)
            {
                return false;
            }
            receipts.onSendError(session, decoder.producerId(), decoder.correlationId(),
                ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED, quotaExceededMessage(topic, backlogBytes) +
                " for longer than the hold timeout of " + holdTimeoutNs / 1_000_000 + " ms");
            heldBytes -= length;
            return true;
        }

        if (sendHandler.onReleasedSend(session, decoder, buffer, length - HELD_FRAME_OFFSET))
        {
            heldBytes -= length;
            return true;
        }

        return false;
    }
}
