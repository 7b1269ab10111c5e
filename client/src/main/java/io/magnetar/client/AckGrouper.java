package io.magnetar.client;

import io.magnetar.codecs.AckGroupEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import org.agrona.ExpandableArrayBuffer;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer's acknowledgements on their way to the broker, grouped as Pulsar's acknowledgment group tracker does:
 * held until {@code maxAcknowledgmentGroupSize} of them wait or the oldest has waited
 * {@code acknowledgmentGroupTime}, then sent as one {@code AckGroup} frame, so an ack is not a frame of its own.
 * Flushed when the consumer closes. Acks held when the client crashes are lost, and the broker delivers those
 * messages again (at least once, as with any ack not yet stored). Thread-safe: many threads may acknowledge; the
 * conductor sends a due group without waiting for the lock or the ingress. Allocates nothing.
 */
final class AckGrouper
{
    /**
     * Most acks in one frame: the broker takes frames other than sends of up to 2 KiB, and an ack takes 12 bytes of
     * it. A larger {@code maxAcknowledgmentGroupSize} goes out in frames of this many.
     */
    static final int MAX_ACKS_PER_FRAME = 160;

    private final IngressProxy ingressProxy;
    private final RequestTracker requests;
    private final long consumerId;
    private final long groupTimeNs;
    private final int[] shards;
    private final long[] positions;
    private final ReentrantLock lock = new ReentrantLock();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(2048);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckGroupEncoder ackGroupEncoder = new AckGroupEncoder();
    private int count;
    private volatile long dueNs = Long.MAX_VALUE;

    /**
     * @param ingressProxy of the client.
     * @param requests     of the client, for correlation ids.
     * @param consumerId   of the consumer.
     * @param groupTimeNs  most time an ack waits.
     * @param maxGroupSize most acks in one frame.
     */
    AckGrouper(
        final IngressProxy ingressProxy,
        final RequestTracker requests,
        final long consumerId,
        final long groupTimeNs,
        final int maxGroupSize)
    {
        this.ingressProxy = ingressProxy;
        this.requests = requests;
        this.consumerId = consumerId;
        this.groupTimeNs = groupTimeNs;
        this.shards = new int[Math.min(maxGroupSize, MAX_ACKS_PER_FRAME)];
        this.positions = new long[shards.length];
    }

    /**
     * Hold an ack; send the group if it is full, waiting while the ingress is back pressured.
     *
     * @param shard         of the entry.
     * @param position      of the entry.
     * @param deadlineNs    bound on waiting for the ingress.
     * @param restoredEpoch of the consumer.
     * @throws MagnetarClientException if a full group could not be offered in time (its acks are dropped, so their
     *                                 messages come again).
     */
    void add(final int shard, final long position, final long deadlineNs, final long restoredEpoch)
        throws MagnetarClientException
    {
        lock.lock();
        try
        {
            shards[count] = shard;
            positions[count] = position;
            if (0 == count++)
            {
                dueNs = System.nanoTime() + groupTimeNs;
            }
            if (count == shards.length)
            {
                send(deadlineNs, restoredEpoch, true);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Send what is held, waiting while the ingress is back pressured: the consumer closes.
     *
     * @param deadlineNs    bound on the wait.
     * @param restoredEpoch of the consumer.
     * @throws MagnetarClientException if it could not be offered in time.
     */
    void flush(final long deadlineNs, final long restoredEpoch) throws MagnetarClientException
    {
        lock.lock();
        try
        {
            if (count > 0)
            {
                send(deadlineNs, restoredEpoch, true);
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Conductor: send the group if its oldest ack has waited long enough, without waiting.
     *
     * @param nowNs         current {@link System#nanoTime()}.
     * @param restoredEpoch of the consumer.
     * @return 1 if a group went out, else 0.
     */
    int flushIfDue(final long nowNs, final long restoredEpoch)
    {
        final long due = dueNs;
        if (Long.MAX_VALUE == due || nowNs - due < 0 || !lock.tryLock())
        {
            return 0;
        }
        try
        {
            return count > 0 && send(0, restoredEpoch, false) ? 1 : 0;
        }
        catch (final MagnetarClientException ex)
        {
            return 0; // not offered: kept for the next cycle
        }
        finally
        {
            lock.unlock();
        }
    }

    private boolean send(final long deadlineNs, final long restoredEpoch, final boolean wait)
        throws MagnetarClientException
    {
        final boolean sent;
        try
        {
            final AckGroupEncoder encoder = ackGroupEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
                .correlationId(requests.nextCorrelationId())
                .consumerId(consumerId);
            final AckGroupEncoder.AcksEncoder acks = encoder.acksCount(count);
            for (int i = 0; i < count; i++)
            {
                acks.next().messageId().shard(shards[i]).position(positions[i]);
            }
            sent = ingressProxy.offerAcks(buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), wait,
                deadlineNs, restoredEpoch);
        }
        catch (final MagnetarClientException ex)
        {
            clear(); // dropped: the broker delivers those messages again
            throw ex;
        }
        if (sent)
        {
            clear();
        }
        return sent;
    }

    private void clear()
    {
        count = 0;
        dueNs = Long.MAX_VALUE;
    }
}
