package io.magnetar.client;

import org.agrona.collections.Long2ObjectHashMap;

import java.util.BitSet;

/**
 * The acknowledged messages of batch entries a consumer has only partly acknowledged, as Pulsar's batch message
 * acker: an entry's acknowledgement goes to the broker once every message of its batch is acknowledged. When the
 * broker delivers such an entry again (after a reconnect or a redelivery), the messages already acknowledged are not
 * handed out again. Held in memory for the consumer's life: a new consumer on the subscription gets the whole batch.
 * Thread-safe.
 */
final class BatchAcks
{
    private static final class Entry
    {
        final int shard;
        final BitSet acked;
        final int batchSize;
        int ackedCount;

        Entry(final int shard, final int batchSize)
        {
            this.shard = shard;
            this.batchSize = batchSize;
            this.acked = new BitSet(batchSize);
        }
    }

    private final Long2ObjectHashMap<Entry> entryByPosition = new Long2ObjectHashMap<>();
    private volatile int partlyAcked; // read without the lock: most consumers never have a batch partly acknowledged

    /**
     * Record a message's acknowledgement.
     *
     * @param shard      of the entry.
     * @param position   of the entry.
     * @param batchIndex of the message.
     * @param batchSize  of the entry.
     * @return true if every message of the entry is now acknowledged: acknowledge the entry.
     */
    synchronized boolean ack(final int shard, final long position, final int batchIndex, final int batchSize)
    {
        if (batchSize <= 1)
        {
            entryByPosition.remove(position);
            partlyAcked = entryByPosition.size();
            return true;
        }

        Entry entry = entryByPosition.get(position);
        if (null == entry || entry.shard != shard || entry.batchSize != batchSize)
        {
            entry = new Entry(shard, batchSize);
            entryByPosition.put(position, entry);
            partlyAcked = entryByPosition.size();
        }
        if (!entry.acked.get(batchIndex))
        {
            entry.acked.set(batchIndex);
            entry.ackedCount++;
        }
        if (entry.ackedCount < batchSize)
        {
            return false;
        }

        entryByPosition.remove(position);
        partlyAcked = entryByPosition.size();
        return true;
    }

    /**
     * The whole entry was acknowledged at once.
     *
     * @param position of the entry.
     */
    void onEntryAcked(final long position)
    {
        if (0 != partlyAcked)
        {
            synchronized (this)
            {
                entryByPosition.remove(position);
                partlyAcked = entryByPosition.size();
            }
        }
    }

    /**
     * @param shard      of the entry.
     * @param position   of the entry.
     * @param batchIndex of a message.
     * @return true if the message was acknowledged already: not to be handed out again.
     */
    boolean isAcked(final int shard, final long position, final int batchIndex)
    {
        if (0 == partlyAcked)
        {
            return false;
        }
        synchronized (this)
        {
            final Entry entry = entryByPosition.get(position);
            return null != entry && entry.shard == shard && entry.acked.get(batchIndex);
        }
    }

    /**
     * @return entries partly acknowledged.
     */
    synchronized int size()
    {
        return entryByPosition.size();
    }
}
