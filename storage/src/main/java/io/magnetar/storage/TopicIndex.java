package io.magnetar.storage;

import org.agrona.collections.LongArrayList;

/**
 * The positions of one topic's entries within its shard log, in append order, held in a primitive array.
 * An entry's ordinal (a long: it never wraps) counts the topic's entries since the log was opened; its position is
 * its message id within the shard. When retention removes the oldest entries, ordinals of the rest stay the same.
 * A sparse time index (the running maximum publish time of each block of 64 entries) finds entries by publish time.
 */
public final class TopicIndex
{
    private static final int TIME_BLOCK_SHIFT = 6;

    private LongArrayList positions;
    private LongArrayList blockPublishTimes = new LongArrayList(1, Long.MIN_VALUE);
    private long firstBlock;
    private long firstOrdinal;
    private long lastRemovedPosition = -1;

    /**
     * Create an empty index.
     */
    public TopicIndex()
    {
        this(4);
    }

    /**
     * Create an empty index that holds a number of entries before it grows.
     *
     * @param initialCapacity entries held without growing.
     */
    public TopicIndex(final int initialCapacity)
    {
        positions = new LongArrayList(initialCapacity, Long.MIN_VALUE);
    }

    /**
     * Remove every entry, keeping the capacity.
     */
    public void clear()
    {
        positions.clear();
        blockPublishTimes.clear();
        firstBlock = 0;
        firstOrdinal = 0;
    }

    /**
     * Forget the entries before a position, as retention reclaims them; ordinals of the rest do not change.
     *
     * @param position first position kept.
     * @return number of entries removed.
     */
    public int removeBefore(final long position)
    {
        final int removed = (int)(firstOrdinalAtOrAfter(position) - firstOrdinal);
        if (removed > 0)
        {
            final int remaining = positions.size() - removed;
            lastRemovedPosition = positions.getLong(removed - 1);
            final LongArrayList kept = new LongArrayList(Math.max(4, remaining), Long.MIN_VALUE);
            for (int i = removed, size = positions.size(); i < size; i++)
            {
                kept.addLong(positions.getLong(i));
            }
            positions = kept;
            firstOrdinal += removed;

            final int droppedBlocks = (int)((firstOrdinal >> TIME_BLOCK_SHIFT) - firstBlock);
            if (droppedBlocks > 0)
            {
                final LongArrayList keptTimes = new LongArrayList(
                    Math.max(1, blockPublishTimes.size() - droppedBlocks), Long.MIN_VALUE);
                for (int i = droppedBlocks, size = blockPublishTimes.size(); i < size; i++)
                {
                    keptTimes.addLong(blockPublishTimes.getLong(i));
                }
                blockPublishTimes = keptTimes;
                firstBlock += droppedBlocks;
            }
        }

        return removed;
    }

    /**
     * @return position of the newest entry removed by {@link #removeBefore(long)}, or -1 if none was.
     */
    public long lastRemovedPosition()
    {
        return lastRemovedPosition;
    }

    /**
     * @return ordinal of the oldest entry still held.
     */
    public long firstOrdinal()
    {
        return firstOrdinal;
    }

    /**
     * Add the next entry; positions must increase.
     *
     * @param position of the entry.
     * @throws IllegalArgumentException if the position does not increase.
     */
    public void add(final long position)
    {
        add(position, Long.MIN_VALUE);
    }

    /**
     * Add the next entry with its publish time; positions must increase.
     *
     * @param position    of the entry.
     * @param publishTime of the entry, epoch ms.
     * @throws IllegalArgumentException if the position does not increase.
     */
    public void add(final long position, final long publishTime)
    {
        final long block = (size() >> TIME_BLOCK_SHIFT) - firstBlock;
        final int timeCount = blockPublishTimes.size();
        if (block >= timeCount)
        {
            final long previous = 0 == timeCount ? Long.MIN_VALUE : blockPublishTimes.getLong(timeCount - 1);
            blockPublishTimes.addLong(Math.max(previous, publishTime));
        }
        else if (publishTime > blockPublishTimes.getLong(timeCount - 1))
        {
            blockPublishTimes.setLong(timeCount - 1, publishTime);
        }
        addPosition(position);
    }

    /**
     * The first entry that may have been published at or after a time: the start of the first block of 64 entries
     * whose running maximum publish time reaches it. Entries before it were all published earlier; the caller reads
     * forward from it for the exact entry.
     *
     * @param publishTime epoch ms.
     * @return an ordinal, or {@link #size()} if every entry was published earlier.
     */
    public long firstOrdinalPublishedAtOrAfter(final long publishTime)
    {
        int low = 0;
        int high = blockPublishTimes.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (blockPublishTimes.getLong(mid) < publishTime)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        if (low >= blockPublishTimes.size())
        {
            return size();
        }

        return Math.max(firstOrdinal, (firstBlock + low) << TIME_BLOCK_SHIFT);
    }

    private void addPosition(final long position)
    {
        final int size = positions.size();
        if (size > 0 && positions.getLong(size - 1) >= position)
        {
            throw new IllegalArgumentException(
                "position " + position + " is not after the last entry " + positions.getLong(size - 1));
        }
        positions.addLong(position);
    }

    /**
     * @return the ordinal after the last entry: entries ever added since the log was opened.
     */
    public long size()
    {
        return firstOrdinal + positions.size();
    }

    /**
     * @return entries held.
     */
    public int heldEntries()
    {
        return positions.size();
    }

    /**
     * @param ordinal of an entry.
     * @return its position.
     */
    public long position(final long ordinal)
    {
        return positions.getLong((int)(ordinal - firstOrdinal));
    }

    /**
     * @return position of the last entry, or -1 if there is none.
     */
    public long lastPosition()
    {
        final int size = positions.size();
        return 0 == size ? -1 : positions.getLong(size - 1);
    }

    /**
     * Find the ordinal of the entry at an exact position.
     *
     * @param position of the entry.
     * @return its ordinal, or -1 if no entry of this topic starts there.
     */
    public long ordinalOf(final long position)
    {
        final long ordinal = firstOrdinalAtOrAfter(position);
        return ordinal < size() && position(ordinal) == position ? ordinal : -1;
    }

    /**
     * Find the first entry at or after a position.
     *
     * @param position to search from.
     * @return the ordinal of that entry (at least {@link #firstOrdinal()}), or {@link #size()} if there is none.
     */
    public long firstOrdinalAtOrAfter(final long position)
    {
        int low = 0;
        int high = positions.size() - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long midPosition = positions.getLong(mid);
            if (midPosition < position)
            {
                low = mid + 1;
            }
            else if (midPosition > position)
            {
                high = mid - 1;
            }
            else
            {
                return firstOrdinal + mid;
            }
        }

        return firstOrdinal + low;
    }

    /**
     * @return number of the oldest block of 64 entries whose publish time is held.
     */
    public long firstBlock()
    {
        return firstBlock;
    }

    /**
     * @return blocks of 64 entries whose running maximum publish time is held.
     */
    public int blockCount()
    {
        return blockPublishTimes.size();
    }

    /**
     * @param index of a held block, from 0.
     * @return its running maximum publish time.
     */
    public long blockPublishTime(final int index)
    {
        return blockPublishTimes.getLong(index);
    }

    /**
     * Start restoring the index from a snapshot: it is emptied, then {@link #restorePosition(long)} and
     * {@link #restoreBlockPublishTime(long)} add back what the snapshot holds.
     *
     * @param firstOrdinal        of the oldest entry held.
     * @param firstBlock          of the oldest block held.
     * @param lastRemovedPosition of the newest entry removed, or -1.
     */
    public void restore(final long firstOrdinal, final long firstBlock, final long lastRemovedPosition)
    {
        positions.clear();
        blockPublishTimes.clear();
        this.firstOrdinal = firstOrdinal;
        this.firstBlock = firstBlock;
        this.lastRemovedPosition = lastRemovedPosition;
    }

    /**
     * @param position of the next entry held by the snapshot.
     * @throws IllegalArgumentException if the position does not increase.
     */
    public void restorePosition(final long position)
    {
        addPosition(position);
    }

    /**
     * @param publishTime running maximum publish time of the next block held by the snapshot.
     */
    public void restoreBlockPublishTime(final long publishTime)
    {
        blockPublishTimes.addLong(publishTime);
    }
}
