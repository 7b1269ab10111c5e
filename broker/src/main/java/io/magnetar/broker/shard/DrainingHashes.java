package io.magnetar.broker.shard;

import org.agrona.collections.Long2LongHashMap;

/**
 * Key_Shared order across consumers: for each key hash with delivered, unacknowledged entries, the one consumer that
 * holds them and how many. An entry of a hash that another consumer holds waits until that consumer acknowledges
 * (or gives back, or leaves with) all of them: so a key that moves to a joining consumer reaches it only once the
 * consumer it moved from is done with it, and a key's messages are never with two consumers at once. A joining
 * consumer waits for this at most the drain timeout from when it joined; after that, a hash it owns is taken over even
 * if the old holder still has entries of it, which that holder may then process alongside (documented as the bound).
 * Costs two map entries per hash held; allocates only as its maps grow, and gives the room back once nothing is held.
 */
final class DrainingHashes
{
    private static final int COMPACT_ABOVE_CAPACITY = 4096;

    private final Long2LongHashMap holders = new Long2LongHashMap(0);
    private final Long2LongHashMap counts = new Long2LongHashMap(0);
    private final Runnable onDrained;

    /**
     * @param onDrained called when a hash is no longer held, which may let a waiting entry go.
     */
    DrainingHashes(final Runnable onDrained)
    {
        this.onDrained = onDrained;
    }

    /**
     * @param hash     of an entry's key.
     * @param consumer that would receive it.
     * @param nowNs    the time now.
     * @param timeoutNs how long a joining consumer waits for another to be done with the hash.
     * @return true if another consumer holds entries of the hash and the receiving one is still within its wait.
     */
    boolean blocks(final int hash, final ShardConsumer consumer, final long nowNs, final long timeoutNs)
    {
        final long holder = holders.get(hash);
        return 0 != holder && holder != consumer.key && nowNs - consumer.hashesGainedNs < timeoutNs;
    }

    /**
     * An entry of the hash went to a consumer; if another held the hash (its wait ran out), the hash is now this one's
     * and the other's remaining entries of it no longer count.
     */
    void delivered(final int hash, final ShardConsumer consumer)
    {
        if (holders.get(hash) == consumer.key)
        {
            counts.put(hash, counts.get(hash) + 1);
        }
        else
        {
            holders.put(hash, consumer.key);
            counts.put(hash, 1);
        }
    }

    /**
     * An entry of the hash that a consumer held was acknowledged, given back, or went with the consumer.
     *
     * @param hash        of the entry's key.
     * @param consumerKey {@link ShardConsumer#key} of the consumer that held it.
     */
    void released(final int hash, final long consumerKey)
    {
        if (holders.get(hash) != consumerKey)
        {
            return; // taken over after the wait ran out: the old holder's entries no longer count
        }
        final long remaining = counts.get(hash) - 1;
        if (remaining > 0)
        {
            counts.put(hash, remaining);
            return;
        }

        holders.remove(hash);
        counts.remove(hash);
        if (holders.isEmpty() && holders.capacity() > COMPACT_ABOVE_CAPACITY)
        {
            holders.compact();
            counts.compact();
        }
        onDrained.run();
    }

    /**
     * @param hash of a key.
     * @return the {@link ShardConsumer#key} of the consumer holding entries of it, or 0 if none does.
     */
    long holder(final int hash)
    {
        return holders.get(hash);
    }

    /**
     * @return hashes held.
     */
    int size()
    {
        return holders.size();
    }

    /**
     * The subscription was reset: nothing is held.
     */
    void clear()
    {
        holders.clear();
        counts.clear();
    }
}
