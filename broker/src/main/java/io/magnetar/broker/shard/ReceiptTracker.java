package io.magnetar.broker.shard;

import org.HdrHistogram.Histogram;
import io.magnetar.codecs.ErrorCode;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayDeque;

/**
 * Durable before visible: answers wait here, in order, until what they answer is stored. Send receipts wait for the
 * entry log, ack receipts and policy answers for the cursor log; each log has one FIFO for namespaces whose
 * durability the archive gives (its recorded position) and one for fsync namespaces when a log sync agent forces the
 * files (its synced position). A persistent entry becomes visible to consumers when its receipt is released.
 */
final class ReceiptTracker
{
    /**
     * Takes answers whose turn has come.
     */
    interface ReceiptListener
    {
        /**
         * @param receipt released; it returns to the pool after the call.
         */
        void onReleased(PendingReceipt receipt);
    }

    private final boolean syncedByAgent;
    private final AtomicCounter entrySyncRequest;
    private final AtomicCounter cursorSyncRequest;
    private final ReceiptListener listener;
    private final VisibilityListener visibilityListener;
    private final ArrayDeque<PendingReceipt> entryReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> syncedEntryReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> cursorReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> syncedCursorReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> freeReceipts = new ArrayDeque<>();
    /** Largest publish latency recorded as it is; longer ones count as this. */
    private static final long MAX_LATENCY_US = 60_000_000L;
    /** Append to durable receipt of persistent sends, in microseconds, since it was last read and reset. */
    private final Histogram publishLatencyUs = new Histogram(MAX_LATENCY_US, 2);
    /** The shard's duty-cycle time ({@link System#nanoTime()}): sends are stamped with it, no clock read each. */
    private long cycleNs;

    /**
     * Told when a persistent entry becomes visible to consumers.
     */
    interface VisibilityListener
    {
        /**
         * @param topic whose {@link Topic#durableEntries} has grown.
         */
        void onEntryVisible(Topic topic);
    }

    /**
     * @param syncedByAgent     true if fsync namespaces wait for the log sync agent.
     * @param entrySyncRequest  the position of the entry log the sync agent is asked to sync up to.
     * @param cursorSyncRequest the position of the cursor log the sync agent is asked to sync up to.
     * @param listener          takes released answers.
     * @param visibilityListener told when entries become visible.
     */
    ReceiptTracker(
        final boolean syncedByAgent,
        final AtomicCounter entrySyncRequest,
        final AtomicCounter cursorSyncRequest,
        final ReceiptListener listener,
        final VisibilityListener visibilityListener)
    {
        this.visibilityListener = visibilityListener;
        this.syncedByAgent = syncedByAgent;
        this.entrySyncRequest = entrySyncRequest;
        this.cursorSyncRequest = cursorSyncRequest;
        this.listener = listener;
    }

    /**
     * @param nowNs time of the shard's duty cycle, which the publish latency is measured in (to a cycle's length).
     */
    void onDutyCycle(final long nowNs)
    {
        cycleNs = nowNs;
    }

    /**
     * @return the publish latency of persistent sends since it was last reset: from the append to the log to the
     * receipt, in microseconds.
     */
    Histogram publishLatencyUs()
    {
        return publishLatencyUs;
    }

    /**
     * @return true if the topic's answers wait for the log sync agent: its namespace is at fsync durability and the
     * archive does not sync by itself.
     */
    boolean waitsForSync(final Topic topic)
    {
        return syncedByAgent && null != topic && topic.persistent && topic.policies.isFsync();
    }

    /**
     * A persistent entry was appended: its receipt goes once the log is stored past {@code endPosition}.
     */
    void onEntryAppended(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final long position,
        final long endPosition,
        final Publisher publisher)
    {
        queueSendReceipt(
            PendingReceipt.Kind.SEND_RECEIPT, session, topic, producerId, sequenceId, position, endPosition, publisher);
    }

    /**
     * A duplicate send (deduplication on): answered behind the producer's earlier answers, once the log is stored
     * past {@code endPosition}, the end of the name's last entry appended ({@link Long#MIN_VALUE} if stored).
     */
    void onDuplicate(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final long endPosition)
    {
        queueSendReceipt(
            PendingReceipt.Kind.DUPLICATE_RECEIPT, session, topic, producerId, sequenceId, -1, endPosition, null);
    }

    /**
     * Send an encoded answer once the entry log is stored up to a position at the topic's durability, behind the
     * topic's earlier answers.
     */
    void onEntryRecorded(
        final ShardSession session,
        final DirectBuffer answer,
        final int length,
        final long endPosition,
        final Topic topic)
    {
        final PendingReceipt receipt = newReply(session, answer, length);
        receipt.endPosition = endPosition;
        queueEntryAnswer(receipt, topic);
    }

    /**
     * A non-persistent message was delivered: its receipt goes behind the answers before it.
     */
    void onDelivered(
        final ShardSession session, final Topic topic, final long producerId, final long sequenceId, final long id)
    {
        final PendingReceipt receipt = newReceipt(PendingReceipt.Kind.SEND_RECEIPT, session, topic, sequenceId);
        receipt.producerId = producerId;
        receipt.position = id;
        receipt.endPosition = Long.MIN_VALUE;
        entryReceipts.addLast(receipt);
    }

    /**
     * Queue a send error behind the answers to the producer's earlier sends, so a producer gets its answers in send
     * order.
     */
    void onSendError(
        final ShardSession session,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        final ShardProducer producer = session.producers.get(producerId);
        onSendError(session, null == producer ? null : producer.topic, producerId, sequenceId, code, message);
    }

    /**
     * Queue a send error behind the answers of a topic, e.g. one the producer is no longer on (it was fenced off).
     */
    void onSendError(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        final PendingReceipt receipt = newReceipt(PendingReceipt.Kind.SEND_ERROR, session, null, sequenceId);
        receipt.producerId = producerId;
        receipt.endPosition = Long.MIN_VALUE;
        receipt.errorCode = code;
        receipt.errorMessage = message;
        queueEntryAnswer(receipt, topic);
    }

    /**
     * Tell a producer it was fenced off ({@code SendError} with sequence id -1 and {@code PRODUCER_FENCED}), behind the
     * answers to the sends it made before, so those keep their receipts.
     */
    void onProducerFenced(final ShardSession session, final Topic topic, final long producerId, final String message)
    {
        onSendError(session, topic, producerId, -1, ErrorCode.PRODUCER_FENCED, message);
    }

    /**
     * Answer {@code Success(correlationId)} once the cursor log is stored up to a position at the topic's durability.
     */
    void onCursorRecorded(
        final ShardSession session, final long correlationId, final long endPosition, final Topic topic)
    {
        final PendingReceipt receipt = newReceipt(PendingReceipt.Kind.SUCCESS, session, null, correlationId);
        queueCursorAnswer(receipt, endPosition, waitsForSync(topic));
    }

    /**
     * Send an encoded answer once the cursor log is stored up to a position.
     *
     * @param fsync true to wait for the log sync agent rather than the archive.
     */
    void onCursorRecorded(
        final ShardSession session,
        final DirectBuffer answer,
        final int length,
        final long endPosition,
        final boolean fsync)
    {
        queueCursorAnswer(newReply(session, answer, length), endPosition, syncedByAgent && fsync);
    }

    /**
     * Release, in order, the answers whose records are stored.
     *
     * @param entryStored   the entry log's durable (recorded) position.
     * @param entrySynced   the entry log's synced position, read before {@code entryStored}.
     * @param cursorStored  the cursor log's durable position.
     * @param cursorSynced  the cursor log's synced position, read before {@code cursorStored}.
     * @return answers released.
     */
    int release(final long entryStored, final long entrySynced, final long cursorStored, final long cursorSynced)
    {
        // the archived FIFO goes before the synced one, so a topic's receipts keep their order when its namespace
        // moves from archived to fsync
        int workCount = release(entryReceipts, entryStored, false);
        workCount += release(syncedEntryReceipts, entrySynced, true);
        workCount += release(cursorReceipts, cursorStored, false);
        workCount += release(syncedCursorReceipts, cursorSynced, false);

        return workCount;
    }

    boolean waitsForEntrySync()
    {
        return !syncedEntryReceipts.isEmpty();
    }

    boolean waitsForCursorSync()
    {
        return !syncedCursorReceipts.isEmpty();
    }

    /**
     * Queue an answer of the entry log in order behind the topic's earlier answers: in the synced FIFO when its
     * namespace is at fsync, and also when the namespace just left fsync but answers of the topic still wait there.
     */
    private void queueEntryAnswer(final PendingReceipt receipt, final Topic topic)
    {
        if (null != topic && (waitsForSync(topic) || topic.syncReceipts > 0))
        {
            receipt.topic = topic;
            topic.syncReceipts++;
            syncedEntryReceipts.addLast(receipt);
            if (receipt.endPosition > entrySyncRequest.get())
            {
                // only raised: an error asks for no sync, and a duplicate's original may be before the request
                entrySyncRequest.setRelease(receipt.endPosition);
            }
        }
        else
        {
            entryReceipts.addLast(receipt);
        }
    }

    private void queueCursorAnswer(final PendingReceipt receipt, final long endPosition, final boolean synced)
    {
        receipt.endPosition = endPosition;
        if (synced)
        {
            syncedCursorReceipts.addLast(receipt);
            cursorSyncRequest.setRelease(endPosition);
        }
        else
        {
            cursorReceipts.addLast(receipt);
        }
    }

    private int release(final ArrayDeque<PendingReceipt> receipts, final long storedPosition, final boolean synced)
    {
        int workCount = 0;
        long nowNs = 0;
        PendingReceipt receipt;
        while (null != (receipt = receipts.peekFirst()) && receipt.endPosition <= storedPosition)
        {
            receipts.pollFirst();
            final Topic topic = receipt.topic;
            if (null != topic)
            {
                if (synced)
                {
                    topic.syncReceipts--;
                }
                if (topic.persistent && PendingReceipt.Kind.SEND_RECEIPT == receipt.kind)
                {
                    topic.durableEntries++;
                    if (0 == nowNs)
                    {
                        nowNs = System.nanoTime(); // once per released batch, not per send
                    }
                    publishLatencyUs.recordValue(
                        Math.min(MAX_LATENCY_US, Math.max(0, (nowNs - receipt.appendedNs) / 1000)));
                    visibilityListener.onEntryVisible(topic);
                    if (null != receipt.publisher)
                    {
                        receipt.publisher.onStored(receipt.sequenceId);
                    }
                }
            }
            listener.onReleased(receipt);
            receipt.reset();
            freeReceipts.addFirst(receipt); // the most recently used first: fewer objects touched
            workCount++;
        }

        return workCount;
    }

    private void queueSendReceipt(
        final PendingReceipt.Kind kind,
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final long position,
        final long endPosition,
        final Publisher publisher)
    {
        final PendingReceipt receipt = newReceipt(kind, session, topic, sequenceId);
        receipt.producerId = producerId;
        receipt.position = position;
        receipt.endPosition = endPosition;
        receipt.appendedNs = cycleNs;
        receipt.set(kind, session, topic, publisher);
        queueEntryAnswer(receipt, topic);
    }

    private PendingReceipt newReply(final ShardSession session, final DirectBuffer answer, final int length)
    {
        final PendingReceipt receipt = newReceipt(PendingReceipt.Kind.REPLY, session, null, -1);
        if (null == receipt.reply)
        {
            receipt.reply = new ExpandableDirectByteBuffer(Math.max(256, length));
        }
        receipt.reply.putBytes(0, answer, 0, length);
        receipt.replyLength = length;

        return receipt;
    }

    private PendingReceipt newReceipt(
        final PendingReceipt.Kind kind, final ShardSession session, final Topic topic, final long sequenceId)
    {
        PendingReceipt receipt = freeReceipts.pollFirst();
        if (null == receipt)
        {
            receipt = new PendingReceipt();
        }
        receipt.set(kind, session, topic, null);
        receipt.producerId = -1;
        receipt.sequenceId = sequenceId;

        return receipt;
    }
}
