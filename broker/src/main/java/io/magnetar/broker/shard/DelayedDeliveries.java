package io.magnetar.broker.shard;

/**
 * The entries of a shared or Key_Shared subscription that wait for their delivery time ({@code deliverAt}): a binary
 * min-heap by due time in two primitive arrays, an entry's ordinal (8 bytes) and its due time in milliseconds from the
 * heap's base (4 bytes), so a million delayed messages cost about 12 MB, not a million objects. The arrays are pages
 * of {@link #PAGE_SIZE} entries (never a humongous object for the collector, no copy as they grow), added as needed
 * and dropped when mostly empty, which keeps the heap cost at or under 16 bytes an entry.
 * <p>
 * Nothing here is stored: the delivery time lives in the entry's metadata in the log, so after a restart the
 * subscription reads its unacknowledged entries again and each delayed one comes back here. Offsets count from a base
 * that follows the clock (set when the heap is empty, moved forward every twelve days or so), so a near entry is never
 * held behind a far one. A due time further than the 32-bit offset reaches (about 24 days past the base) is kept at
 * the furthest it can say; the entry is then read again and put back with what remains. Times are {@link
 * System#nanoTime()} based, so wall-clock jumps do not move them.
 */
final class DelayedDeliveries
{
    /** Entries per page of the arrays. */
    static final int PAGE_SIZE = 8192;
    private static final int PAGE_SHIFT = 13;
    private static final int PAGE_MASK = PAGE_SIZE - 1;
    private static final long NANOS_PER_MS = 1_000_000L;
    /** Rebase once the base is this far behind the clock, long before an offset overflows. */
    private static final long REBASE_AFTER_MS = 1L << 30;

    private long[][] ordinalPages = new long[1][];
    private int[][] offsetPages = new int[1][];
    private int pages;
    private int size;
    private long baseMs;

    /**
     * @param ordinal of the entry.
     * @param dueNs   when it may go, {@link System#nanoTime()} scale.
     * @param nowNs   the time now, same scale: offsets count from a base that follows the clock, never a due time.
     */
    void add(final long ordinal, final long dueNs, final long nowNs)
    {
        final long dueMs = dueNs / NANOS_PER_MS;
        final long nowMs = nowNs / NANOS_PER_MS;
        if (0 == size)
        {
            baseMs = nowMs;
        }
        else if (nowMs - baseMs > REBASE_AFTER_MS)
        {
            rebase(nowMs);
        }
        if (size == pages << PAGE_SHIFT)
        {
            addPage();
        }

        final int offset = (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, dueMs - baseMs));
        int i = size++;
        while (i > 0)
        {
            final int parent = (i - 1) >>> 1;
            final int parentOffset = offsetAt(parent);
            if (parentOffset <= offset)
            {
                break;
            }
            set(i, ordinalAt(parent), parentOffset);
            i = parent;
        }
        set(i, ordinal, offset);
    }

    /**
     * @return entries waiting.
     */
    int size()
    {
        return size;
    }

    /**
     * @return true if none waits.
     */
    boolean isEmpty()
    {
        return 0 == size;
    }

    /**
     * @return when the first entry is due, {@link System#nanoTime()} scale; only if not {@link #isEmpty()}.
     */
    long nextDueNs()
    {
        return (baseMs + offsetPages[0][0]) * NANOS_PER_MS;
    }

    /**
     * Move the entries due by a time to the subscription's queue of entries to deliver, uncounted (they were not
     * delivered before); sorted before it returns.
     *
     * @param nowNs        the time now.
     * @param redeliveries of the subscription.
     * @return entries moved.
     */
    int releaseDue(final long nowNs, final RedeliveryQueue redeliveries)
    {
        if (size > 0 && nowNs / NANOS_PER_MS - baseMs > REBASE_AFTER_MS)
        {
            rebase(nowNs / NANOS_PER_MS);
        }
        final long nowOffsetMs = nowNs / NANOS_PER_MS - baseMs;
        int released = 0;
        while (size > 0 && offsetPages[0][0] <= nowOffsetMs)
        {
            redeliveries.hold(ordinalPages[0][0]);
            removeFirst();
            released++;
        }
        if (released > 0)
        {
            redeliveries.sort();
            dropSparePages();
        }

        return released;
    }

    /**
     * Forget every entry: the subscription reads again from its first unacknowledged one, which finds them again.
     */
    void clear()
    {
        size = 0;
        dropSparePages();
    }

    /**
     * @return bytes of heap its pages take, for stats and the footprint benchmark.
     */
    long capacityBytes()
    {
        return (long)pages * PAGE_SIZE * (Long.BYTES + Integer.BYTES);
    }

    private long ordinalAt(final int i)
    {
        return ordinalPages[i >>> PAGE_SHIFT][i & PAGE_MASK];
    }

    private int offsetAt(final int i)
    {
        return offsetPages[i >>> PAGE_SHIFT][i & PAGE_MASK];
    }

    private void set(final int i, final long ordinal, final int offset)
    {
        ordinalPages[i >>> PAGE_SHIFT][i & PAGE_MASK] = ordinal;
        offsetPages[i >>> PAGE_SHIFT][i & PAGE_MASK] = offset;
    }

    private void removeFirst()
    {
        final int last = --size;
        if (0 == last)
        {
            return;
        }
        final long ordinal = ordinalAt(last);
        final int offset = offsetAt(last);
        int i = 0;
        while (true)
        {
            int child = 2 * i + 1;
            if (child >= last)
            {
                break;
            }
            int childOffset = offsetAt(child);
            if (child + 1 < last)
            {
                final int rightOffset = offsetAt(child + 1);
                if (rightOffset < childOffset)
                {
                    child++;
                    childOffset = rightOffset;
                }
            }
            if (offset <= childOffset)
            {
                break;
            }
            set(i, ordinalAt(child), childOffset);
            i = child;
        }
        set(i, ordinal, offset);
    }

    private void rebase(final long newBaseMs)
    {
        final long shift = newBaseMs - baseMs;
        for (int i = 0; i < size; i++)
        {
            // order is kept: every offset moves by the same amount; those clamped at the bottom were due long ago
            // and stay due, those clamped at the top come out earlier than their time and are read and put back
            offsetPages[i >>> PAGE_SHIFT][i & PAGE_MASK] = (int)Math.max(Integer.MIN_VALUE, offsetAt(i) - shift);
        }
        baseMs = newBaseMs;
    }

    private void addPage()
    {
        if (pages == ordinalPages.length)
        {
            ordinalPages = java.util.Arrays.copyOf(ordinalPages, 2 * pages);
            offsetPages = java.util.Arrays.copyOf(offsetPages, 2 * pages);
        }
        ordinalPages[pages] = new long[PAGE_SIZE];
        offsetPages[pages] = new int[PAGE_SIZE];
        pages++;
    }

    private void dropSparePages()
    {
        // keep one page beyond those in use, so an entry going and coming does not churn pages
        final int needed = (size + PAGE_SIZE - 1 >>> PAGE_SHIFT) + 1;
        while (pages > needed)
        {
            pages--;
            ordinalPages[pages] = null;
            offsetPages[pages] = null;
        }
    }
}
