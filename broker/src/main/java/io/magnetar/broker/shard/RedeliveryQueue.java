package io.magnetar.broker.shard;

import org.agrona.collections.Long2LongHashMap;

import java.util.Arrays;

/**
 * Entries of a subscription to deliver again, lowest first and each once, ahead of the entries not read yet: those a
 * leaving shared consumer held, and those negatively acknowledged. Also how often each entry went out again, the
 * redelivery count every message carries (in memory only, as Pulsar's in-memory tracker). Allocates only as its array
 * and map grow, and gives the room back once empty.
 */
final class RedeliveryQueue
{
    private static final int COMPACT_ABOVE_CAPACITY = 4096;

    private final Long2LongHashMap redeliveryCounts = new Long2LongHashMap(0);
    private long[] ordinals = new long[16];
    private int head;
    private int tail;
    private boolean isSorted = true;

    /**
     * Queue an entry to go again, and count it; {@link #sort()} before the next {@link #next()}.
     */
    void add(final long ordinal)
    {
        redeliveryCounts.put(ordinal, redeliveryCounts.get(ordinal) + 1);
        hold(ordinal);
    }

    /**
     * Queue an entry that could not go yet (Key_Shared, or due after a delay), without counting it as delivered
     * again; {@link #sort()} before the next {@link #next()}.
     */
    void hold(final long ordinal)
    {
        if (tail == ordinals.length)
        {
            if (head > 0)
            {
                System.arraycopy(ordinals, head, ordinals, 0, tail - head);
                tail -= head;
                head = 0;
            }
            else
            {
                ordinals = Arrays.copyOf(ordinals, ordinals.length * 2);
            }
        }
        if (tail > head && ordinals[tail - 1] >= ordinal)
        {
            isSorted = false;
        }
        ordinals[tail++] = ordinal;
    }

    /**
     * Order what was added, lowest first, and drop repeats.
     */
    void sort()
    {
        if (isSorted)
        {
            return;
        }
        Arrays.sort(ordinals, head, tail);
        int kept = head + 1;
        for (int i = head + 1; i < tail; i++)
        {
            if (ordinals[i] != ordinals[kept - 1])
            {
                ordinals[kept++] = ordinals[i];
            }
        }
        tail = kept;
        isSorted = true;
    }

    /**
     * @return true if entries wait to be delivered again.
     */
    boolean hasNext()
    {
        return head < tail;
    }

    /**
     * @return the lowest entry waiting; only if {@link #hasNext()}.
     */
    long next()
    {
        return ordinals[head];
    }

    /**
     * The entry from {@link #next()} went out, or needs no delivery.
     */
    void removeNext()
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
        return redeliveryCounts.isEmpty() ? 0 : (int)Math.min(Integer.MAX_VALUE, redeliveryCounts.get(ordinal));
    }

    /**
     * The entry was acknowledged: forget its count.
     */
    void acked(final long ordinal)
    {
        if (!redeliveryCounts.isEmpty())
        {
            redeliveryCounts.remove(ordinal);
            if (redeliveryCounts.isEmpty() && redeliveryCounts.capacity() > COMPACT_ABOVE_CAPACITY)
            {
                redeliveryCounts.compact();
            }
        }
    }

    /**
     * Every entry up to an ordinal was acknowledged (a cumulative ack): forget their counts.
     */
    void ackedUpTo(final long lastOrdinal)
    {
        if (!redeliveryCounts.isEmpty())
        {
            final Long2LongHashMap.KeyIterator keys = redeliveryCounts.keySet().iterator();
            while (keys.hasNext())
            {
                if (keys.nextValue() <= lastOrdinal)
                {
                    keys.remove();
                }
            }
        }
    }

    /**
     * @return entries waiting to be delivered again.
     */
    int size()
    {
        return tail - head;
    }

    /**
     * Drop what waits (the subscription reads again from its first unacknowledged entry anyway); keep the counts
     * unless {@code counts}.
     */
    void clear(final boolean counts)
    {
        head = 0;
        tail = 0;
        isSorted = true;
        if (counts)
        {
            redeliveryCounts.clear();
        }
    }
}
