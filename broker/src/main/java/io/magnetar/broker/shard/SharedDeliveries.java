package io.magnetar.broker.shard;

import io.magnetar.storage.Cursor;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.LongArrayList;

/**
 * Which consumer of a shared or Key_Shared subscription holds each delivered entry that is not acknowledged yet, known
 * by its shard-unique {@link ShardConsumer#key}; each consumer also lists what it was given, so that a leaving one
 * costs what it held. What a leaving consumer held goes to the subscription's {@link RedeliveryQueue}. Held only in
 * memory: after a restart every unacknowledged entry is delivered again from the cursor. Costs one map entry and one
 * list slot per delivered, unacknowledged entry; allocates only as its map and lists grow, and gives the room back
 * once nothing is held. For Key_Shared it also keeps each entry's key hash, and tells {@link DrainingHashes} when an
 * entry is no longer held.
 */
final class SharedDeliveries
{
    private static final int COMPACT_ABOVE_CAPACITY = 4096;
    private static final int MIN_LIST_COMPACTION = 64;
    private static final int HASH_BITS = 16;
    private static final long HASH_MASK = (1L << HASH_BITS) - 1;

    /** Ordinal to the holder's key and the entry's hash, as {@code key << 16 | hash}. */
    private final Long2LongHashMap holders = new Long2LongHashMap(Long.MIN_VALUE);
    private final DrainingHashes drains;

    /**
     * @param drains of a Key_Shared subscription, told when entries are no longer held; null for shared.
     */
    SharedDeliveries(final DrainingHashes drains)
    {
        this.drains = drains;
    }

    SharedDeliveries()
    {
        this(null);
    }

    /**
     * @param consumer of the subscription.
     * @param cursor   of the subscription.
     * @return entries delivered to the consumer and not acknowledged yet (stats; walks its list).
     */
    int unacked(final ShardConsumer consumer, final Cursor cursor)
    {
        final LongArrayList delivered = consumer.delivered;
        int unacked = 0;
        if (null != delivered)
        {
            for (int i = 0, size = delivered.size(); i < size; i++)
            {
                final long ordinal = delivered.getLong(i);
                if (isHeldBy(holders.get(ordinal), consumer) && (null == cursor || !cursor.isAcked(ordinal)))
                {
                    unacked++;
                }
            }
        }
        return unacked;
    }

    /**
     * An entry went to a consumer.
     */
    void delivered(final long ordinal, final ShardConsumer consumer)
    {
        delivered(ordinal, consumer, 0);
    }

    /**
     * An entry whose key has a hash went to a consumer.
     */
    void delivered(final long ordinal, final ShardConsumer consumer, final int hash)
    {
        holders.put(ordinal, consumer.key << HASH_BITS | hash);
        if (null != drains)
        {
            drains.delivered(hash, consumer);
        }
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
        final long holder = holders.remove(ordinal);
        if (null != drains && Long.MIN_VALUE != holder)
        {
            drains.released((int)(holder & HASH_MASK), holder >> HASH_BITS);
        }
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
        final long holder = holders.get(ordinal);
        if (!isHeldBy(holder, consumer))
        {
            return false;
        }
        holders.remove(ordinal);
        if (null != drains)
        {
            drains.released((int)(holder & HASH_MASK), consumer.key);
        }
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
            final long holder = holders.get(ordinal);
            if (isHeldBy(holder, consumer))
            {
                holders.remove(ordinal);
                if (null != drains)
                {
                    drains.released((int)(holder & HASH_MASK), consumer.key);
                }
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
            if (isHeldBy(holders.get(delivered.getLong(i)), consumer))
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
        if (null != drains)
        {
            drains.clear();
        }
    }

    private static boolean isHeldBy(final long holder, final ShardConsumer consumer)
    {
        return Long.MIN_VALUE != holder && holder >> HASH_BITS == consumer.key;
    }

    private void keepHeld(final ShardConsumer consumer)
    {
        final LongArrayList delivered = consumer.delivered;
        int kept = 0;
        for (int i = 0, size = delivered.size(); i < size; i++)
        {
            final long ordinal = delivered.getLong(i);
            if (isHeldBy(holders.get(ordinal), consumer))
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
