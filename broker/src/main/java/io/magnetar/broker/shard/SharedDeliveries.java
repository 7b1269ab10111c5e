package io.magnetar.broker.shard;

import io.magnetar.storage.Cursor;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Which consumer of a shared subscription holds each delivered entry that is not acknowledged yet, known by its
 * shard-unique {@link ShardConsumer#key}; each consumer also lists what it was given, so that a leaving one costs what
 * it held. What a leaving consumer held goes to the subscription's {@link RedeliveryQueue}. Held only in memory: after
 * a restart every unacknowledged entry is delivered again from the cursor. Costs one map entry and one list slot per
 * delivered, unacknowledged entry; allocates only as its map and lists grow, and gives the room back once nothing is
 * held.
 */
final class SharedDeliveries
{
    private static final int COMPACT_ABOVE_CAPACITY = 4096;
    private static final int MIN_LIST_COMPACTION = 64;

    private final Long2LongHashMap holders = new Long2LongHashMap(Long.MIN_VALUE);

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
            keepHeld(consumer);
            consumer.deliveredCompactAt = Math.max(MIN_LIST_COMPACTION, 2 * delivered.size());
        }
    }

    /**
     * An entry was acknowledged (recorded and applied to the cursor): nobody holds it any more.
     */
    void acked(final long ordinal)
    {
        holders.remove(ordinal);
        if (holders.isEmpty() && holders.capacity() > COMPACT_ABOVE_CAPACITY)
        {
            holders.compact();
        }
    }

    /**
     * A consumer gave an entry back (a negative acknowledgement).
     *
     * @return true if it held the entry, which nobody holds now.
     */
    boolean release(final long ordinal, final ShardConsumer consumer)
    {
        if (holders.get(ordinal) != consumer.key)
        {
            return false;
        }
        holders.remove(ordinal);
        return true;
    }

    /**
     * A consumer left: the unacknowledged entries it held are queued to be delivered again, each with its count
     * raised.
     *
     * @param consumer    that left.
     * @param cursor      of the subscription: entries acknowledged meanwhile are dropped.
     * @param redeliveries of the subscription.
     * @return entries queued.
     */
    int detached(final ShardConsumer consumer, final Cursor cursor, final RedeliveryQueue redeliveries)
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
                    redeliveries.add(ordinal);
                    added++;
                }
            }
        }
        consumer.delivered = null;
        redeliveries.sort();

        return added;
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
     * The subscription was reset: every entry from its new read position goes out again anyway.
     */
    void clear()
    {
        holders.clear();
    }

    private void keepHeld(final ShardConsumer consumer)
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
}
