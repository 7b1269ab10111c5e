package io.magnetar.client;

import org.agrona.BitUtil;
import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;

/**
 * The sends of one producer that wait for their receipt: a ring of slots indexed by sequence id, between the last
 * completed sequence (moved by the conductor) and the last offered one (moved by the sending thread that holds the
 * producer's send lock). A slot holds the send's deadline and, for {@link Producer#sendAsync(byte[])}, its future; an
 * {@link Producer#offer(org.agrona.DirectBuffer, int, int)} leaves the future empty and its outcome goes to the
 * producer's {@link SendReceiptHandler}, so the offer path allocates nothing.
 * <p>
 * The sender fills a slot before it offers the frame, and publishes the sequence as offered after the offer: a
 * receipt can only follow the offer, so the conductor may read the slot of a receipt before the sequence is
 * published. A slot is reused only once its sequence is completed, because a sequence is taken only while fewer than
 * {@code maxPendingMessages} sends are outstanding and the ring is at least that long.
 */
final class SendWindow
{
    /** {@link #prepare(long, long, PendingSend, int, long)}: the send is an entry of its own. */
    static final long NOT_BATCHED = -1;

    private final String topic;
    private final int partitionIndex;
    private final int maxPendingMessages;
    private final int mask;
    private final long[] deadlineNs;
    private final PendingSend[] futures;
    private final int[] reservedBytes;
    private final long[] batchFirstSequenceIds;
    private final MemoryLimit memoryLimit;
    private final SendReceiptHandler receiptHandler;
    private final ErrorHandler errorHandler;
    private final long operationTimeoutNs;
    private volatile long lastOfferedSequenceId;
    private volatile long lastCompletedSequenceId;
    private volatile long lastStoredSequenceId;

    /**
     * @param topic              for failure messages.
     * @param maxPendingMessages most sends outstanding.
     * @param firstSequenceId    of the producer's first send.
     * @param lastSequenceId     the broker stored for this producer, or -1.
     * @param receiptHandler     for the outcome of offers, or null.
     * @param errorHandler       for failed offers when there is no receipt handler.
     * @param operationTimeoutNs how long a send waits for its receipt, for messages.
     * @param memoryLimit        given back the bytes each send reserved, when it completes.
     */
    SendWindow(
        final String topic,
        final int maxPendingMessages,
        final long firstSequenceId,
        final long lastSequenceId,
        final SendReceiptHandler receiptHandler,
        final ErrorHandler errorHandler,
        final long operationTimeoutNs,
        final MemoryLimit memoryLimit)
    {
        this.topic = topic;
        this.partitionIndex = PartitionFactory.partitionIndexOf(topic);
        this.maxPendingMessages = maxPendingMessages;
        final int capacity = BitUtil.findNextPositivePowerOfTwo(Math.max(2, maxPendingMessages));
        this.mask = capacity - 1;
        this.deadlineNs = new long[capacity];
        this.futures = new PendingSend[capacity];
        this.reservedBytes = new int[capacity];
        this.batchFirstSequenceIds = new long[capacity];
        this.memoryLimit = memoryLimit;
        this.receiptHandler = receiptHandler;
        this.errorHandler = errorHandler;
        this.operationTimeoutNs = operationTimeoutNs;
        this.lastOfferedSequenceId = firstSequenceId - 1;
        this.lastCompletedSequenceId = firstSequenceId - 1;
        this.lastStoredSequenceId = lastSequenceId;
    }

    /**
     * @param sequenceId the sender would take next.
     * @return true if fewer than {@code maxPendingMessages} sends would be outstanding with it.
     */
    boolean hasRoom(final long sequenceId)
    {
        return sequenceId - lastCompletedSequenceId <= maxPendingMessages;
    }

    /**
     * @return true if the sequence after the last offered one has room; a hint for waiting outside the send lock.
     */
    boolean hasRoomForNext()
    {
        return hasRoom(lastOfferedSequenceId + 1);
    }

    /**
     * Sender: fill the slot of a sequence before offering its frame.
     *
     * @param sequenceId of the send.
     * @param deadlineNs after which the send fails without a receipt.
     * @param future     of the send, or null for an offer.
     * @param bytes      the send reserved of the client's memory limit, given back when it completes.
     */
    void prepare(final long sequenceId, final long deadlineNs, final PendingSend future, final int bytes)
    {
        prepare(sequenceId, deadlineNs, future, bytes, NOT_BATCHED);
    }

    /**
     * Sender: fill the slot of a sequence that goes out in a batch, before it is added to the batch.
     *
     * @param sequenceId           of the send.
     * @param deadlineNs           after which the send fails without a receipt.
     * @param future               of the send, or null for an offer.
     * @param bytes                the send reserved of the client's memory limit, given back when it completes.
     * @param batchFirstSequenceId sequence id of the batch's first message, or {@link #NOT_BATCHED}.
     */
    void prepare(
        final long sequenceId,
        final long deadlineNs,
        final PendingSend future,
        final int bytes,
        final long batchFirstSequenceId)
    {
        final int slot = (int)sequenceId & mask;
        this.deadlineNs[slot] = deadlineNs;
        futures[slot] = future;
        reservedBytes[slot] = bytes;
        batchFirstSequenceIds[slot] = batchFirstSequenceId;
    }

    /**
     * Sender: the batch holding a range of sequences now starts later (its first messages failed before it went), so
     * its receipt numbers the batch from there.
     *
     * @param firstSequenceId of the batch as it goes.
     * @param lastSequenceId  of the batch.
     */
    void rebatch(final long firstSequenceId, final long lastSequenceId)
    {
        for (long sequenceId = firstSequenceId; sequenceId <= lastSequenceId; sequenceId++)
        {
            batchFirstSequenceIds[(int)sequenceId & mask] = firstSequenceId;
        }
    }

    /**
     * Sender: a prepared send was not offered after all (an offer that found no room); give its bytes back.
     *
     * @param sequenceId of the send.
     */
    void unprepare(final long sequenceId)
    {
        final int slot = (int)sequenceId & mask;
        futures[slot] = null;
        memoryLimit.release(reservedBytes[slot]);
        reservedBytes[slot] = 0;
    }

    /**
     * Sender: the frame of a sequence was offered.
     *
     * @param sequenceId of the send.
     */
    void onOffered(final long sequenceId)
    {
        lastOfferedSequenceId = sequenceId;
    }

    /**
     * @return sequence id of the last send offered.
     */
    long lastOfferedSequenceId()
    {
        return lastOfferedSequenceId;
    }

    /**
     * @return sequence id of the last send completed, successfully or not.
     */
    long lastCompletedSequenceId()
    {
        return lastCompletedSequenceId;
    }

    /**
     * @return sequence id of the last message the broker confirmed, or the broker's value when the producer was
     * created, or -1.
     */
    long lastStoredSequenceId()
    {
        return lastStoredSequenceId;
    }

    /**
     * Conductor: the broker stored a sequence.
     *
     * @param sequenceId from the receipt.
     * @param shard      of the message id.
     * @param position   of the message id.
     */
    void onReceipt(final long sequenceId, final int shard, final long position)
    {
        final long first = answeredFrom(sequenceId);
        if (first < 0)
        {
            return;
        }

        final long batchFirst = batchFirstSequenceIds[(int)sequenceId & mask];
        final int batchSize = NOT_BATCHED == batchFirst ? 0 : (int)(sequenceId - batchFirst + 1);
        lastStoredSequenceId = sequenceId;
        for (long completed = first; completed <= sequenceId; completed++)
        {
            final int slot = (int)completed & mask;
            memoryLimit.release(reservedBytes[slot]);
            reservedBytes[slot] = 0;
            final PendingSend future = futures[slot];
            if (null != future)
            {
                futures[slot] = null;
                future.onStored(0 == batchSize ? new MessageId(shard, position, -1, 0, partitionIndex) :
                    new MessageId(shard, position, (int)(completed - batchFirst), batchSize, partitionIndex));
            }
            else if (null != receiptHandler)
            {
                try
                {
                    receiptHandler.onReceipt(completed, shard, position);
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
            }
            lastCompletedSequenceId = completed;
        }
    }

    /**
     * Conductor: the broker refused a sequence.
     *
     * @param sequenceId from the error.
     * @param code       from the broker.
     * @param text       from the broker.
     */
    void onError(final long sequenceId, final MagnetarClientException.ErrorCode code, final String text)
    {
        final long first = answeredFrom(sequenceId);
        for (long failed = first; first >= 0 && failed <= sequenceId; failed++)
        {
            fail(failed, new MagnetarClientException(code, "send of sequence " + failed + " to topic '" +
                topic + "' failed: " + MagnetarClientException.describe(code, text)));
            lastCompletedSequenceId = failed;
        }
    }

    /**
     * Conductor: fail the sends whose deadline passed, oldest first.
     *
     * @param nowNs current {@link System#nanoTime()}.
     * @return number of sends failed.
     */
    int onTimeoutCheck(final long nowNs)
    {
        int failed = 0;
        long completed = lastCompletedSequenceId;
        final long offered = lastOfferedSequenceId;
        while (completed < offered && nowNs - deadlineNs[(int)(completed + 1) & mask] >= 0)
        {
            completed++;
            fail(completed, new MagnetarClientException.TimeoutException("no receipt for sequence " + completed +
                " on topic '" + topic + "' within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms"));
            lastCompletedSequenceId = completed;
            failed++;
        }

        return failed;
    }

    /**
     * Wait, idling, until the sends up to a sequence id have completed, successfully or not.
     *
     * @param targetSequenceId the last send to wait for.
     * @param deadlineNs       bound on the wait.
     * @param liveness         of the session: a loss ends the wait with its exception.
     * @param closed           true once the producer is closed: the wait ends quietly.
     * @throws MagnetarClientException if the session was lost, the wait timed out or was interrupted.
     */
    void awaitCompleted(
        final long targetSequenceId,
        final long deadlineNs,
        final SessionLiveness liveness,
        final java.util.function.BooleanSupplier closed) throws MagnetarClientException
    {
        final org.agrona.concurrent.IdleStrategy idleStrategy = Connector.waitingIdleStrategy();
        while (lastCompletedSequenceId < targetSequenceId)
        {
            if (closed.getAsBoolean())
            {
                return;
            }
            liveness.checkConnected();
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException("flush of producer on topic '" + topic +
                    "' timed out: sequence " + targetSequenceId + " still pending");
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new MagnetarClientException("interrupted while flushing");
            }
            idleStrategy.idle();
        }
    }

    /**
     * Conductor: fail every send offered and not completed.
     *
     * @param reason     of the failures.
     * @param isLostLink true if the session with the broker was lost.
     * @return number of sends failed.
     */
    int failAll(final String reason, final boolean isLostLink)
    {
        return failAll(isLostLink ? null : MagnetarClientException.ErrorCode.UNKNOWN_ERROR, reason);
    }

    /**
     * Conductor: fail every send offered and not completed, with a code.
     *
     * @param code   of the failures; null for a lost session ({@link MagnetarClientException.ConnectionLostException}).
     * @param reason of the failures.
     * @return number of sends failed.
     */
    int failAll(final MagnetarClientException.ErrorCode code, final String reason)
    {
        int failed = 0;
        long completed = lastCompletedSequenceId;
        final long offered = lastOfferedSequenceId;
        while (completed < offered)
        {
            completed++;
            fail(completed, null == code ? new MagnetarClientException.ConnectionLostException(reason) :
                new MagnetarClientException(code, "send of sequence " + completed + " to topic '" + topic +
                "' failed: " + reason));
            lastCompletedSequenceId = completed;
            failed++;
        }

        return failed;
    }

    /**
     * Fail the sequences an answer skipped (the broker answers in order, so they will never be answered) and find the
     * first sequence the answer completes: the sequence itself, or the first of its batch still waiting.
     *
     * @param sequenceId answered by the broker: a send's, or the last of a batch.
     * @return the first sequence to complete, or -1 if the answer completes none.
     */
    private long answeredFrom(final long sequenceId)
    {
        long completed = lastCompletedSequenceId;
        if (sequenceId <= completed)
        {
            return -1; // answered after it timed out or failed with the session
        }
        if (sequenceId - completed > maxPendingMessages)
        {
            errorHandler.onError(new MagnetarClientException("protocol error: the broker answered sequence " +
                sequenceId + " on topic '" + topic + "', which was never sent (last completed " + completed + ")"));
            return -1;
        }

        final long batchFirst = batchFirstSequenceIds[(int)sequenceId & mask];
        final long first = NOT_BATCHED == batchFirst ? sequenceId : Math.max(batchFirst, completed + 1);
        while (completed + 1 < first)
        {
            completed++;
            fail(completed, new MagnetarClientException("no receipt for sequence " + completed + " on topic '" +
                topic + "': the broker answered sequence " + sequenceId + " first"));
            lastCompletedSequenceId = completed;
        }

        return first;
    }

    private void fail(final long sequenceId, final MagnetarClientException failure)
    {
        final int slot = (int)sequenceId & mask;
        memoryLimit.release(reservedBytes[slot]);
        reservedBytes[slot] = 0;
        final PendingSend future = futures[slot];
        if (null != future)
        {
            futures[slot] = null;
            future.onFailed(failure);
        }
        else if (null != receiptHandler)
        {
            try
            {
                receiptHandler.onFailure(sequenceId, failure);
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
        else
        {
            errorHandler.onError(failure);
        }
    }
}
