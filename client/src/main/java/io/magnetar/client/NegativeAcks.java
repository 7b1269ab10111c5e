package io.magnetar.client;

import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.RedeliverUnacknowledgedEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.collections.Long2LongHashMap;

import java.util.concurrent.locks.ReentrantLock;

/**
 * A consumer's entries to be delivered again, as Pulsar's negative acks tracker and unacked message tracker: an entry
 * negatively acknowledged waits {@code negativeAckRedeliveryDelay} (times {@code 2^redeliveryCount} with the backoff,
 * up to its maximum), and with {@code ackTimeout} an entry handed out and not acknowledged within it goes again too.
 * The conductor sends what is due as {@code RedeliverUnacknowledged} frames of at most {@link #MAX_IDS_PER_FRAME}
 * entries; the broker then delivers them again, ahead of new ones (a batch goes whole, and the consumer skips the
 * messages of it already acknowledged). Thread-safe: application threads add, the conductor sends without waiting
 * for the lock. Allocates only as its maps grow.
 */
final class NegativeAcks
{
    /** Most entries in one frame: the broker takes frames other than sends of up to 2 KiB. */
    static final int MAX_IDS_PER_FRAME = 160;

    private final IngressProxy ingressProxy;
    private final RequestTracker requests;
    private final long consumerId;
    private final long delayNs;
    private final long maxDelayNs;
    private final long ackTimeoutNs;
    private final ReentrantLock lock = new ReentrantLock();
    private final Long2LongHashMap dueByPosition = new Long2LongHashMap(Long.MIN_VALUE);
    private final Long2LongHashMap handedOutAt = new Long2LongHashMap(Long.MIN_VALUE);
    private final long[] duePositions = new long[MAX_IDS_PER_FRAME];
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(2048);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final RedeliverUnacknowledgedEncoder encoder = new RedeliverUnacknowledgedEncoder();
    private int shard;
    private volatile long nextDueNs = Long.MAX_VALUE;

    /**
     * @param ingressProxy of the client.
     * @param requests     of the client, for correlation ids.
     * @param consumerId   of the consumer.
     * @param settings     of the consumer: the delay, its backoff and the ack timeout.
     */
    NegativeAcks(
        final IngressProxy ingressProxy,
        final RequestTracker requests,
        final long consumerId,
        final ConsumerSettings settings)
    {
        this.ingressProxy = ingressProxy;
        this.requests = requests;
        this.consumerId = consumerId;
        this.delayNs = settings.negativeAckRedeliveryDelayNs;
        this.maxDelayNs = settings.negativeAckRedeliveryMaxDelayNs;
        this.ackTimeoutNs = settings.ackTimeoutNs;
    }

    /**
     * @return true if handed out entries are timed for the ack timeout.
     */
    boolean tracksAckTimeout()
    {
        return ackTimeoutNs > 0;
    }

    /**
     * An entry was negatively acknowledged.
     *
     * @param entryShard      of the entry.
     * @param position        of the entry.
     * @param redeliveryCount of the message, for the backoff.
     * @param nowNs           current {@link System#nanoTime()}.
     */
    void negativeAcknowledge(final int entryShard, final long position, final int redeliveryCount, final long nowNs)
    {
        long waitNs = delayNs;
        if (maxDelayNs > delayNs)
        {
            waitNs = delayNs << Math.min(30, Math.max(0, redeliveryCount));
            waitNs = waitNs < 0 || waitNs > maxDelayNs ? maxDelayNs : waitNs;
        }
        final long dueNs = nowNs + waitNs;
        lock.lock();
        try
        {
            shard = entryShard;
            handedOutAt.remove(position);
            dueByPosition.put(position, dueNs);
            if (Long.MAX_VALUE == nextDueNs || dueNs - nextDueNs < 0)
            {
                nextDueNs = dueNs;
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * An entry was handed out to the application: with an ack timeout, it goes again unless acknowledged in time.
     */
    void onHandedOut(final int entryShard, final long position, final long nowNs)
    {
        lock.lock();
        try
        {
            shard = entryShard;
            if (Long.MIN_VALUE == handedOutAt.get(position))
            {
                handedOutAt.put(position, nowNs);
            }
            final long dueNs = nowNs + ackTimeoutNs;
            if (Long.MAX_VALUE == nextDueNs || dueNs - nextDueNs < 0)
            {
                nextDueNs = dueNs;
            }
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * An entry was acknowledged: it does not go again.
     */
    void onAcked(final long position)
    {
        if (ackTimeoutNs <= 0 && dueByPosition.isEmpty())
        {
            return;
        }
        lock.lock();
        try
        {
            handedOutAt.remove(position);
            dueByPosition.remove(position);
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * Every entry up to a position was acknowledged (a cumulative ack): none of them goes again.
     */
    void onAckedUpTo(final long position)
    {
        lock.lock();
        try
        {
            removeUpTo(dueByPosition, position);
            removeUpTo(handedOutAt, position);
        }
        finally
        {
            lock.unlock();
        }
    }

    private static void removeUpTo(final Long2LongHashMap map, final long position)
    {
        final Long2LongHashMap.KeyIterator keys = map.keySet().iterator();
        while (keys.hasNext())
        {
            if (keys.nextValue() <= position)
            {
                keys.remove();
            }
        }
    }

    /**
     * Conductor: ask the broker to deliver again what is due, without waiting.
     *
     * @param nowNs         current {@link System#nanoTime()}.
     * @param restoredEpoch of the consumer.
     * @return frames sent.
     */
    int redeliverIfDue(final long nowNs, final long restoredEpoch)
    {
        final long dueNs = nextDueNs;
        if (Long.MAX_VALUE == dueNs || nowNs - dueNs < 0 || !lock.tryLock())
        {
            return 0;
        }
        try
        {
            int frames = 0;
            int count;
            while ((count = takeDue(nowNs)) > 0)
            {
                if (!send(count, restoredEpoch))
                {
                    for (int i = 0; i < count; i++)
                    {
                        dueByPosition.put(duePositions[i], nowNs); // not offered: again next cycle
                    }
                    break;
                }
                frames++;
            }
            nextDueNs = nextDue();
            return frames;
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * @return entries waiting for their delay or timed for the ack timeout.
     */
    int size()
    {
        lock.lock();
        try
        {
            return dueByPosition.size() + handedOutAt.size();
        }
        finally
        {
            lock.unlock();
        }
    }

    private int takeDue(final long nowNs)
    {
        int count = 0;
        final Long2LongHashMap.EntryIterator due = dueByPosition.entrySet().iterator();
        while (count < MAX_IDS_PER_FRAME && due.hasNext())
        {
            due.next();
            if (nowNs - due.getLongValue() >= 0)
            {
                duePositions[count++] = due.getLongKey();
                due.remove();
            }
        }
        final Long2LongHashMap.EntryIterator timed = handedOutAt.entrySet().iterator();
        while (count < MAX_IDS_PER_FRAME && timed.hasNext())
        {
            timed.next();
            if (nowNs - timed.getLongValue() - ackTimeoutNs >= 0)
            {
                duePositions[count++] = timed.getLongKey();
                timed.remove();
            }
        }

        return count;
    }

    private long nextDue()
    {
        long next = Long.MAX_VALUE;
        final Long2LongHashMap.ValueIterator due = dueByPosition.values().iterator();
        while (due.hasNext())
        {
            final long dueNs = due.nextValue();
            next = Long.MAX_VALUE == next || dueNs - next < 0 ? dueNs : next;
        }
        final Long2LongHashMap.ValueIterator timed = handedOutAt.values().iterator();
        while (timed.hasNext())
        {
            final long dueNs = timed.nextValue() + ackTimeoutNs;
            next = Long.MAX_VALUE == next || dueNs - next < 0 ? dueNs : next;
        }

        return next;
    }

    private boolean send(final int count, final long restoredEpoch)
    {
        final RedeliverUnacknowledgedEncoder.MessageIdsEncoder ids = encoder
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(requests.nextCorrelationId())
            .consumerId(consumerId)
            .messageIdsCount(count);
        for (int i = 0; i < count; i++)
        {
            ids.next().messageId().shard(shard).position(duePositions[i]);
        }
        try
        {
            return ingressProxy.offerAcks(
                buffer, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), false, 0, restoredEpoch);
        }
        catch (final MagnetarClientException ex)
        {
            return false;
        }
    }
}
