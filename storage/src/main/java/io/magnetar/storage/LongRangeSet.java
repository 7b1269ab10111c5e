package io.magnetar.storage;

import java.util.Objects;

/**
 * A set of longs held as sorted, non-overlapping, non-adjacent closed ranges {@code [first, last]} in two primitive
 * arrays: memory grows with the number of ranges, not of values, and no operation allocates except when the arrays
 * grow (doubling). Lookups are binary searches; inserting or removing a range moves the shorter side of the arrays
 * with {@link System#arraycopy}, and the ranges float within the arrays so that adding or removing at either end is
 * amortised O(1). Ranges are numbered in order from 0 to {@link #rangeCount()} - 1 for iteration without allocation.
 * <p>
 * {@link #size()} counts values in a long: a set must not hold more than {@link Long#MAX_VALUE} values. Not
 * thread-safe.
 */
public final class LongRangeSet
{
    private static final int DEFAULT_INITIAL_CAPACITY = 8;
    private static final long[] NO_RANGES = new long[0];

    private long[] firsts;
    private long[] lasts;
    private int head;
    private int rangeCount;
    private long size;

    /**
     * Create an empty set.
     */
    public LongRangeSet()
    {
        this(DEFAULT_INITIAL_CAPACITY);
    }

    /**
     * Create an empty set that holds a number of ranges before it grows.
     *
     * @param initialCapacity ranges held without growing; 0 allocates nothing until the first range is added, for
     *                        the many sets that stay empty (a cursor read in order never holds a range).
     * @throws IllegalArgumentException if the capacity is negative.
     */
    public LongRangeSet(final int initialCapacity)
    {
        if (initialCapacity < 0)
        {
            throw new IllegalArgumentException("initialCapacity must not be negative: " + initialCapacity);
        }

        firsts = 0 == initialCapacity ? NO_RANGES : new long[initialCapacity];
        lasts = 0 == initialCapacity ? NO_RANGES : new long[initialCapacity];
        head = initialCapacity >>> 1;
    }

    /**
     * @return number of values held.
     */
    public long size()
    {
        return size;
    }

    /**
     * @return true if no value is held.
     */
    public boolean isEmpty()
    {
        return 0 == rangeCount;
    }

    /**
     * @return number of ranges the values form.
     */
    public int rangeCount()
    {
        return rangeCount;
    }

    /**
     * @return ranges held without growing the arrays.
     */
    public int capacity()
    {
        return firsts.length;
    }

    /**
     * @param index of a range, from 0 to {@link #rangeCount()} - 1 in increasing order.
     * @return the first value of the range.
     * @throws IndexOutOfBoundsException if there is no such range.
     */
    public long rangeFirst(final int index)
    {
        return firsts[head + Objects.checkIndex(index, rangeCount)];
    }

    /**
     * @param index of a range, from 0 to {@link #rangeCount()} - 1 in increasing order.
     * @return the last value of the range, inclusive.
     * @throws IndexOutOfBoundsException if there is no such range.
     */
    public long rangeLast(final int index)
    {
        return lasts[head + Objects.checkIndex(index, rangeCount)];
    }

    /**
     * @param value to look for.
     * @return true if the set holds the value.
     */
    public boolean contains(final long value)
    {
        final int i = floorIndex(value);
        return i >= 0 && value <= lasts[head + i];
    }

    /**
     * Add a value, merging it with the ranges either side that it touches.
     *
     * @param value to add.
     * @return true if the set did not hold the value before.
     */
    public boolean add(final long value)
    {
        final int i = floorIndex(value);
        final boolean mergesLeft;
        if (i >= 0)
        {
            final long last = lasts[head + i];
            if (value <= last)
            {
                return false;
            }
            mergesLeft = last + 1 == value;
        }
        else
        {
            mergesLeft = false;
        }

        final int next = i + 1;
        final boolean mergesRight = next < rangeCount && firsts[head + next] - 1 == value;
        if (mergesLeft && mergesRight)
        {
            lasts[head + i] = lasts[head + next];
            removeRanges(next, 1);
        }
        else if (mergesLeft)
        {
            lasts[head + i] = value;
        }
        else if (mergesRight)
        {
            firsts[head + next] = value;
        }
        else
        {
            insertRange(next, value, value);
        }
        size++;

        return true;
    }

    /**
     * Add every value of a range, merging it with the ranges it overlaps or touches.
     *
     * @param first value of the range.
     * @param last  value of the range, inclusive.
     * @return number of values the set did not hold before.
     * @throws IllegalArgumentException if last is less than first.
     */
    public long addRange(final long first, final long last)
    {
        if (last < first)
        {
            throw new IllegalArgumentException("last " + last + " is less than first " + first);
        }

        final int low = firstTouchingIndex(first);
        final int high = lastTouchingIndex(last);
        final long added;
        if (low > high)
        {
            insertRange(low, first, last);
            added = last - first + 1;
        }
        else
        {
            final long mergedFirst = Math.min(first, firsts[head + low]);
            final long mergedLast = Math.max(last, lasts[head + high]);
            long held = 0;
            for (int i = head + low, end = head + high; i <= end; i++)
            {
                held += lasts[i] - firsts[i] + 1;
            }
            firsts[head + low] = mergedFirst;
            lasts[head + low] = mergedLast;
            removeRanges(low + 1, high - low);
            added = mergedLast - mergedFirst + 1 - held;
        }
        size += added;

        return added;
    }

    /**
     * Remove the first range if it starts at a value: the step that advances a mark over values that follow it.
     *
     * @param value the first range must start at.
     * @return the value after the last of the removed range, or the value given if no range was removed.
     */
    public long removeFirstRangeIfStartsAt(final long value)
    {
        if (0 == rangeCount || firsts[head] != value)
        {
            return value;
        }

        final long last = lasts[head];
        size -= last - value + 1;
        removeRanges(0, 1);

        return last + 1;
    }

    /**
     * Remove every value less than a value, trimming the range that spans it.
     *
     * @param value the least value kept.
     * @return number of values removed.
     */
    public long removeAllBelow(final long value)
    {
        int low = 0;
        int high = rangeCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (lasts[head + mid] < value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        long removed = 0;
        for (int i = head, end = head + low; i < end; i++)
        {
            removed += lasts[i] - firsts[i] + 1;
        }
        removeRanges(0, low);

        if (rangeCount > 0 && firsts[head] < value)
        {
            removed += value - firsts[head];
            firsts[head] = value;
        }
        size -= removed;

        return removed;
    }

    /**
     * Remove every value, keeping the capacity.
     */
    public void clear()
    {
        rangeCount = 0;
        size = 0;
        head = firsts.length >>> 1;
    }

    /**
     * {@inheritDoc}
     */
    @Override
    public String toString()
    {
        final StringBuilder builder = new StringBuilder("{");
        for (int i = head, end = head + rangeCount; i < end; i++)
        {
            builder.append(i == head ? "[" : ", [").append(firsts[i]).append(", ").append(lasts[i]).append(']');
        }

        return builder.append('}').toString();
    }

    /**
     * @return index of the last range whose first value is at most the value, or -1 if there is none.
     */
    private int floorIndex(final long value)
    {
        int low = 0;
        int high = rangeCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            if (firsts[head + mid] <= value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return high;
    }

    /**
     * @return index of the first range that overlaps or touches a range starting at the value (its last value is at
     * least value - 1), or {@link #rangeCount} if there is none.
     */
    private int firstTouchingIndex(final long value)
    {
        int low = 0;
        int high = rangeCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long last = lasts[head + mid];
            if (last < value && last + 1 != value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return low;
    }

    /**
     * @return index of the last range that overlaps or touches a range ending at the value (its first value is at
     * most value + 1), or -1 if there is none.
     */
    private int lastTouchingIndex(final long value)
    {
        int low = 0;
        int high = rangeCount - 1;
        while (low <= high)
        {
            final int mid = (low + high) >>> 1;
            final long first = firsts[head + mid];
            if (first <= value || first - 1 == value)
            {
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return high;
    }

    private void insertRange(final int index, final long first, final long last)
    {
        final int capacity = firsts.length;
        final boolean leftShorter = index < rangeCount - index;
        if (leftShorter ? 0 == head : head + rangeCount == capacity)
        {
            makeRoom();
        }

        if (leftShorter ? head > 0 : head + rangeCount == firsts.length)
        {
            System.arraycopy(firsts, head, firsts, head - 1, index);
            System.arraycopy(lasts, head, lasts, head - 1, index);
            head--;
        }
        else
        {
            final int from = head + index;
            System.arraycopy(firsts, from, firsts, from + 1, rangeCount - index);
            System.arraycopy(lasts, from, lasts, from + 1, rangeCount - index);
        }

        firsts[head + index] = first;
        lasts[head + index] = last;
        rangeCount++;
    }

    /**
     * Centre the ranges in the arrays, growing them if less than a quarter would be free, so that both ends have
     * room: the move costs O(ranges) and buys at least capacity / 8 inserts at either end.
     */
    private void makeRoom()
    {
        final int capacity = firsts.length;
        final int newCapacity;
        if (capacity - rangeCount - 1 >= capacity >>> 2)
        {
            newCapacity = capacity;
        }
        else
        {
            newCapacity = Math.max(capacity << 1, capacity + 2);
            if (newCapacity < 0)
            {
                throw new IllegalStateException("too many ranges: " + rangeCount);
            }
        }

        final int newHead = (newCapacity - rangeCount) >>> 1;
        if (newCapacity == capacity)
        {
            System.arraycopy(firsts, head, firsts, newHead, rangeCount);
            System.arraycopy(lasts, head, lasts, newHead, rangeCount);
        }
        else
        {
            final long[] newFirsts = new long[newCapacity];
            final long[] newLasts = new long[newCapacity];
            System.arraycopy(firsts, head, newFirsts, newHead, rangeCount);
            System.arraycopy(lasts, head, newLasts, newHead, rangeCount);
            firsts = newFirsts;
            lasts = newLasts;
        }
        head = newHead;
    }

    private void removeRanges(final int index, final int count)
    {
        if (count <= 0)
        {
            return;
        }

        final int after = rangeCount - index - count;
        if (index < after)
        {
            System.arraycopy(firsts, head, firsts, head + count, index);
            System.arraycopy(lasts, head, lasts, head + count, index);
            head += count;
        }
        else
        {
            final int from = head + index + count;
            System.arraycopy(firsts, from, firsts, from - count, after);
            System.arraycopy(lasts, from, lasts, from - count, after);
        }

        rangeCount -= count;
        if (0 == rangeCount)
        {
            head = firsts.length >>> 1;
        }
    }
}
