package io.magnetar.broker.shard;

import io.magnetar.storage.Cursor;
import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * What a shared subscription has handed out and must hand out again: which consumer holds each delivered entry that
 * is not acknowledged yet, the entries to deliver again (those a leaving consumer held) in ascending order, and how
 * often each entry went out again (the redelivery count every message carries, as Pulsar's in-memory tracker).
 * Held only in memory: after a restart every unacknowledged entry is delivered again from the cursor. Costs one map
 * entry per delivered, unacknowledged entry; allocates only as its maps and array grow.
 */
final class SharedDeliveries
{
    private static final long NO_HOLDER = Long.MIN_VALUE;

    private final Long2LongHashMap holders = new Long2LongHashMap(NO_HOLDER);
    private final Long2LongHashMap redeliveryCounts = new Long2LongHashMap(0);
    private long[] redeliveries = new long[16];
    private int head;
    private int tail;

    /**
     * An entry went to a consumer.
     */
    void delivered(final long ordinal, final long consumerId)
    {
        holders.put(ordinal, consumerId);
    }

    /**
     * An entry was acknowledged (recorded and applied to the cursor): nobody holds it any more.
     */
    void acked(final long ordinal)
    {
        holders.remove(ordinal);
        if (!redeliveryCounts.isEmpty())
        {
            redeliveryCounts.remove(ordinal);
        }
    }

    /**
     * A consumer left: the unacknowledged entries it held are to be delivered again, each with its count raised.
     *
     * @param consumerId of the consumer.
     * @param cursor     of the subscription: entries acknowledged meanwhile are dropped.
     * @return entries to be delivered again.
     */
    int detached(final long consumerId, final Cursor cursor)
    {
        int added = 0;
        final Long2LongHashMap.EntryIterator it = holders.entrySet().iterator();
        while (it.hasNext())
        {
            it.next();
            if (it.getLongValue() == consumerId)
            {
                final long ordinal = it.getLongKey();
                it.remove();
                if (!cursor.isAcked(ordinal))
                {
                    addRedelivery(ordinal);
                    added++;
                }
                else
                {
                    redeliveryCounts.remove(ordinal);
                }
            }
        }
        if (added > 0)
        {
            Arrays.sort(redeliveries, head, tail);
        }

        return added;
    }

    /**
     * @return true if entries wait to be delivered again.
     */
    boolean hasRedelivery()
    {
        return head < tail;
    }

    /**
     * @return the lowest entry waiting to be delivered again; only if {@link #hasRedelivery()}.
     */
    long nextRedelivery()
    {
        return redeliveries[head];
    }

    /**
     * The entry from {@link #nextRedelivery()} went out, or needs no delivery.
     */
    void removeNextRedelivery()
    {
        if (++head == tail)
        {
            head = 0;
            tail = 0;
        }
    }

    /**
     * @return how often the entry was delivered again.
     */
    int redeliveryCount(final long ordinal)
    {
        return (int)Math.min(Integer.MAX_VALUE, redeliveryCounts.get(ordinal));
    }

    /**
     * @return delivered entries not acknowledged yet, over all consumers.
     */
    int unackedCount()
    {
        return holders.size();
    }

    /**
     * @return delivered entries the consumer holds, not acknowledged yet.
     */
    int unackedCount(final long consumerId)
    {
        int count = 0;
        final Long2LongHashMap.ValueIterator it = holders.values().iterator();
        while (it.hasNext())
        {
            if (it.nextValue() == consumerId)
            {
                count++;
            }
        }

        return count;
    }

    /**
     * @return entries waiting to be delivered again.
     */
    int redeliveryBacklog()
    {
        return tail - head;
    }

    /**
     * The subscription was reset: every entry from its new read position goes out again anyway.
     */
    void clear()
    {
        holders.clear();
        head = 0;
        tail = 0;
    }

    private void addRedelivery(final long ordinal)
    {
        redeliveryCounts.put(ordinal, redeliveryCounts.get(ordinal) + 1);
        if (tail == redeliveries.length)
        {
            if (head > 0)
            {
                System.arraycopy(redeliveries, head, redeliveries, 0, tail - head);
                tail -= head;
                head = 0;
            }
            else
            {
                redeliveries = Arrays.copyOf(redeliveries, redeliveries.length * 2);
            }
        }
        redeliveries[tail++] = ordinal;
    }
}
