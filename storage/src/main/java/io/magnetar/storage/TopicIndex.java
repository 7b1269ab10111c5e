package io.magnetar.storage;

import java.util.Arrays;

/**
 * The positions of one topic's entries within its shard log, in append order, held in a primitive array.
 * An entry's ordinal (a long: it never wraps) counts the topic's entries since the log was opened; its position is
 * its message id within the shard. When retention removes the oldest entries, ordinals of the rest stay the same.
 * A sparse time index (the running maximum publish time of each block of 64 entries) finds entries by publish time.
 * <p>
 * Both are plain arrays that start empty and grow by half: a million idle topics of one entry each hold two longs
 * and a time each, not two lists of ten. An array that fills {@link PagedLongArray#PAGE_LENGTH} longs becomes a
 * {@link PagedLongArray}: a busy topic then adds pages instead of copying what it holds, and reuses the pages
 * retention empties, so its index allocates no garbage.
 */
public final class TopicIndex
{
    private static final int TIME_BLOCK_SHIFT = 6;

    private static final long[] EMPTY = new long[0];

    private long[] positions;
    private PagedLongArray pagedPositions;
    private int positionCount;
    private long[] blockPublishTimes = EMPTY;
    private PagedLongArray pagedBlockPublishTimes;
    private int blockCount;
    private long firstBlock;
    private long firstOrdinal;
    private long lastRemovedPosition = -1;

    /**
     * Create an empty index.
     */
    public TopicIndex()
    {
        this(0);
    }

    /**
     * Create an empty index that holds a number of entries before it grows.
     *
     * @param initialCapacity entries held without growing.
     */
    public TopicIndex(final int initialCapacity)
    {
        positions = initialCapacity > 0 ? new long[initialCapacity] : EMPTY;
    }

    /**
     * Remove every entry, keeping the capacity.
     */
    public void clear()
    {
        if (null != pagedPositions)
        {
            pagedPositions.removeFirst(positionCount);
        }
        if (null != pagedBlockPublishTimes)
        {
            pagedBlockPublishTimes.removeFirst(blockCount);
        }
        positionCount = 0;
        blockCount = 0;
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
            final int remaining = positionCount - removed;
            lastRemovedPosition = positionAt(removed - 1);
            if (0 == remaining)
            {
                positions = EMPTY; // memory follows the entries held, down to none
                pagedPositions = null;
            }
            else if (null != pagedPositions)
            {
                pagedPositions.removeFirst(removed);
            }
            else
            {
                positions = Arrays.copyOfRange(positions, removed, positionCount);
            }
            positionCount = remaining;
            firstOrdinal += removed;

            final int droppedBlocks = (int)((firstOrdinal >> TIME_BLOCK_SHIFT) - firstBlock);
            if (droppedBlocks > 0)
            {
                final int keptBlocks = Math.max(0, blockCount - droppedBlocks);
                if (0 == keptBlocks)
                {
                    blockPublishTimes = EMPTY;
                    pagedBlockPublishTimes = null;
                }
                else if (null != pagedBlockPublishTimes)
                {
                    pagedBlockPublishTimes.removeFirst(droppedBlocks);
                }
                else
                {
                    blockPublishTimes = Arrays.copyOfRange(blockPublishTimes, droppedBlocks, blockCount);
                }
                blockCount = keptBlocks;
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
        final int timeCount = blockCount;
        if (block >= timeCount)
        {
            final long previous = 0 == timeCount ? Long.MIN_VALUE : blockPublishTimeAt(timeCount - 1);
            addBlockPublishTime(Math.max(previous, publishTime));
        }
        else if (publishTime > blockPublishTimeAt(timeCount - 1))
        {
            if (null != pagedBlockPublishTimes)
            {
                pagedBlockPublishTimes.set(timeCount - 1, publishTime);
            }
            else
            {
                blockPublishTimes[timeCount - 1] = publishTime;
            }
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
        int high = blockCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (blockPublishTimeAt(mid) < publishTime)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        if (low >= blockCount)
        {
            return size();
        }

        return Math.max(firstOrdinal, (firstBlock + low) << TIME_BLOCK_SHIFT);
    }

    private void addPosition(final long position)
    {
        final int size = positionCount;
        if (size > 0 && positionAt(size - 1) >= position)
        {
            throw new IllegalArgumentException(
                "position " + position + " is not after the last entry " + positionAt(size - 1));
        }
        if (null == pagedPositions && size == positions.length && size >= PagedLongArray.PAGE_LENGTH)
        {
            pagedPositions = new PagedLongArray(positions);
            positions = null;
        }

        if (null != pagedPositions)
        {
            pagedPositions.add(position);
        }
        else
        {
            if (size == positions.length)
            {
                positions = Arrays.copyOf(positions, grow(size));
            }
            positions[size] = position;
        }
        positionCount = size + 1;
    }

    private void addBlockPublishTime(final long publishTime)
    {
        if (null == pagedBlockPublishTimes && blockCount == blockPublishTimes.length &&
            blockCount >= PagedLongArray.PAGE_LENGTH)
        {
            pagedBlockPublishTimes = new PagedLongArray(blockPublishTimes);
            blockPublishTimes = null;
        }

        if (null != pagedBlockPublishTimes)
        {
            pagedBlockPublishTimes.add(publishTime);
        }
        else
        {
            if (blockCount == blockPublishTimes.length)
            {
                blockPublishTimes = Arrays.copyOf(blockPublishTimes, grow(blockCount));
            }
            blockPublishTimes[blockCount] = publishTime;
        }
        blockCount++;
    }

    private long positionAt(final int index)
    {
        return null != pagedPositions ? pagedPositions.get(index) : positions[index];
    }

    private long blockPublishTimeAt(final int index)
    {
        return null != pagedBlockPublishTimes ? pagedBlockPublishTimes.get(index) : blockPublishTimes[index];
    }

    /**
     * @param length of a small array that is full.
     * @return its next length: half as long again, at most a page (a full page becomes a {@link PagedLongArray}).
     */
    private static int grow(final int length)
    {
        return Math.min(PagedLongArray.PAGE_LENGTH, length + Math.max(1, length >> 1));
    }

    /**
     * @return the ordinal after the last entry: entries ever added since the log was opened.
     */
    public long size()
    {
        return firstOrdinal + positionCount;
    }

    /**
     * @return pages of positions allocated, held and spare, once the index outgrew one page; 0 before.
     */
    int allocatedPositionPages()
    {
        return null == pagedPositions ? 0 : pagedPositions.allocatedPages();
    }

    /**
     * @return entries held.
     */
    public int heldEntries()
    {
        return positionCount;
    }

    /**
     * @param ordinal of an entry.
     * @return its position.
     */
    public long position(final long ordinal)
    {
        final long index = ordinal - firstOrdinal;
        if (index < 0 || index >= positionCount)
        {
            throw new IndexOutOfBoundsException("ordinal " + ordinal + " is not held: held are " + firstOrdinal +
                " to " + (size() - 1));
        }

        return positionAt((int)index);
    }

    /**
     * @return position of the last entry, or -1 if there is none.
     */
    public long lastPosition()
    {
        return 0 == positionCount ? -1 : positionAt(positionCount - 1);
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
        int high = positionCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long midPosition = positionAt(mid);
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
        return blockCount;
    }

    /**
     * @param index of a held block, from 0.
     * @return its running maximum publish time.
     */
    public long blockPublishTime(final int index)
    {
        if (index < 0 || index >= blockCount)
        {
            throw new IndexOutOfBoundsException("block " + index + " is not held: " + blockCount + " are");
        }

        return blockPublishTimeAt(index);
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
        clear();
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
        addBlockPublishTime(publishTime);
    }
}
