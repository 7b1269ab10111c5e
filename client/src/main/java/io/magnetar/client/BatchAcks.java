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
    // the entry whose messages are being acknowledged in order, 0 to inOrderAcked - 1, kept out of the map
    private boolean hasInOrder;
    private int inOrderShard;
    private long inOrderPosition;
    private int inOrderBatchSize;
    private int inOrderAcked;

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
            forget(position);
            return true;
        }

        if (isInOrder(shard, position, batchSize))
        {
            if (batchIndex == inOrderAcked)
            {
                // the common case: the messages of a batch acknowledged one after another, without a lookup
                if (++inOrderAcked < batchSize)
                {
                    return false;
                }
                hasInOrder = false;
                updatePartlyAcked();
                return true;
            }
            if (batchIndex < inOrderAcked)
            {
                return false; // acknowledged before
            }
            moveInOrderToMap();
        }
        else if (0 == batchIndex && !entryByPosition.containsKey(position))
        {
            if (hasInOrder)
            {
                moveInOrderToMap();
            }
            hasInOrder = true;
            inOrderShard = shard;
            inOrderPosition = position;
            inOrderBatchSize = batchSize;
            inOrderAcked = 1;
            updatePartlyAcked();
            return false;
        }

        Entry entry = entryByPosition.get(position);
        if (null == entry || entry.shard != shard || entry.batchSize != batchSize)
        {
            entry = new Entry(shard, batchSize);
            entryByPosition.put(position, entry);
            updatePartlyAcked();
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
        updatePartlyAcked();
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
                forget(position);
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
            if (hasInOrder && inOrderPosition == position && inOrderShard == shard)
            {
                return batchIndex < inOrderAcked;
            }
            final Entry entry = entryByPosition.get(position);
            return null != entry && entry.shard == shard && entry.acked.get(batchIndex);
        }
    }

    private boolean isInOrder(final int shard, final long position, final int batchSize)
    {
        return hasInOrder && inOrderPosition == position && inOrderShard == shard && inOrderBatchSize == batchSize;
    }

    private void moveInOrderToMap()
    {
        final Entry entry = new Entry(inOrderShard, inOrderBatchSize);
        entry.acked.set(0, inOrderAcked);
        entry.ackedCount = inOrderAcked;
        entryByPosition.put(inOrderPosition, entry);
        hasInOrder = false;
        updatePartlyAcked();
    }

    private void forget(final long position)
    {
        if (hasInOrder && inOrderPosition == position)
        {
            hasInOrder = false;
        }
        entryByPosition.remove(position);
        updatePartlyAcked();
    }

    private void updatePartlyAcked()
    {
        partlyAcked = entryByPosition.size() + (hasInOrder ? 1 : 0);
    }

    /**
     * @return entries partly acknowledged.
     */
    synchronized int size()
    {
        return entryByPosition.size() + (hasInOrder ? 1 : 0);
    }
}
