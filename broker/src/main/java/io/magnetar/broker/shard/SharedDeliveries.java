package io.magnetar.broker.shard;

import io.magnetar.storage.Cursor;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

import java.util.Arrays;

/**
 * What a shared subscription has handed out and must hand out again: which consumer (by its shard-unique
 * {@link ShardConsumer#key}) holds each delivered entry that is not acknowledged yet, the entries to deliver again
 * (those a leaving consumer held) in ascending order, and how often each entry went out again (the redelivery count
 * every message carries, as Pulsar's in-memory tracker). Each consumer also lists what it was given, so that a leaving
 * one costs what it held. Held only in memory: after a restart every unacknowledged entry is delivered again from the
 * cursor. Costs one map entry and one list slot per delivered, unacknowledged entry; allocates only as its maps and
 * arrays grow, and gives the room back once nothing is held.
 */
final class SharedDeliveries
{
    private static final long NO_HOLDER = Long.MIN_VALUE;
    private static final int COMPACT_ABOVE_CAPACITY = 4096;
    private static final int MIN_LIST_COMPACTION = 64;

    private final Long2LongHashMap holders = new Long2LongHashMap(NO_HOLDER);
    private final Long2LongHashMap redeliveryCounts = new Long2LongHashMap(0);
    private long[] redeliveries = new long[16];
    private int head;
    private int tail;

    /**
     * An entry went to a consumer.
     */
    void delivered(final long ordinal, final ShardConsumer consumer)
    {
        holders.put(ordinal, consumer.key);
        LongArrayList delivered = consumer.delivered;
        if (null == delivered)
        {
            delivered = new LongArrayList();
            consumer.delivered = delivered;
        }
        delivered.addLong(ordinal);
        if (delivered.size() >= consumer.deliveredCompactAt)
        {
            // drop what the consumer no longer holds; amortised, each entry is looked at a bounded number of times
            stillHeld(consumer);
            consumer.deliveredCompactAt = Math.max(MIN_LIST_COMPACTION, 2 * delivered.size());
        }
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
        if (holders.isEmpty() && holders.capacity() > COMPACT_ABOVE_CAPACITY)
        {
            holders.compact();
        }
    }

    /**
     * A consumer left: the unacknowledged entries it held are to be delivered again, each with its count raised.
     *
     * @param consumer that left.
     * @param cursor   of the subscription: entries acknowledged meanwhile are dropped.
     * @return entries to be delivered again.
     */
    int detached(final ShardConsumer consumer, final Cursor cursor)
    {
        final LongArrayList delivered = consumer.delivered;
        if (null == delivered)
        {
            return 0;
        }

        int added = 0;
        for (int i = 0, size = delivered.size(); i < size; i++)
        {
            final long ordinal = delivered.getLong(i);
            if (holders.get(ordinal) == consumer.key)
            {
                holders.remove(ordinal);
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
        consumer.delivered = null;
        if (added > 0)
        {
            Arrays.sort(redeliveries, head, tail);
        }

        return added;
    }

    private void stillHeld(final ShardConsumer consumer)
    {
        final LongArrayList delivered = consumer.delivered;
        int kept = 0;
        for (int i = 0, size = delivered.size(); i < size; i++)
        {
            final long ordinal = delivered.getLong(i);
            if (holders.get(ordinal) == consumer.key)
            {
                delivered.setLong(kept++, ordinal);
            }
        }
        for (int i = delivered.size() - 1; i >= kept; i--)
        {
            delivered.removeAt(i);
        }
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
    int unackedCount(final ShardConsumer consumer)
    {
        final LongArrayList delivered = consumer.delivered;
        int count = 0;
        for (int i = 0, size = null == delivered ? 0 : delivered.size(); i < size; i++)
        {
            if (holders.get(delivered.getLong(i)) == consumer.key)
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
        redeliveryCounts.clear();
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
