package io.magnetar.storage;

import org.agrona.collections.LongArrayList;

/**
 * The positions of one topic's entries within its shard log, in append order, held in a primitive array.
 * An entry's ordinal (a long: it never wraps) counts the topic's entries since the log was opened; its position is its message id within
 * the shard. When retention removes the oldest entries, ordinals of the rest stay the same.
 */
public final class TopicIndex
{
    private LongArrayList positions;
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
}
