package io.magnetar.storage;

import org.agrona.collections.LongArrayList;

/**
 * The positions of one topic's entries within its shard log, in append order, held in a primitive array.
 * An entry's ordinal is its index here; its position is its message id within the shard.
 */
public final class TopicIndex
{
    private final LongArrayList positions;

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
     * @return number of entries.
     */
    public int size()
    {
        return positions.size();
    }

    /**
     * @param ordinal of an entry.
     * @return its position.
     */
    public long position(final int ordinal)
    {
        return positions.getLong(ordinal);
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
    public int ordinalOf(final long position)
    {
        final int ordinal = firstOrdinalAtOrAfter(position);
        return ordinal < positions.size() && positions.getLong(ordinal) == position ? ordinal : -1;
    }

    /**
     * Find the first entry at or after a position.
     *
     * @param position to search from.
     * @return the ordinal of that entry, or {@link #size()} if there is none.
     */
    public int firstOrdinalAtOrAfter(final long position)
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
                return mid;
            }
        }

        return low;
    }
}
