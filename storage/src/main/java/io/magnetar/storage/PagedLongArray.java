package io.magnetar.storage;

/**
 * A list of longs in pages of {@link #PAGE_LENGTH}, for a {@link TopicIndex} that outgrew one page: adding never
 * copies what is held, and removing from the front hands whole pages back to the end of the page table, where the
 * next adds reuse them. So an index that retention keeps at a steady size allocates nothing, and one that grows
 * allocates only the pages it fills, never garbage.
 */
final class PagedLongArray
{
    /**
     * Longs in a page: 32 KiB.
     */
    static final int PAGE_LENGTH = 4096;

    private static final int PAGE_SHIFT = 12;
    private static final int PAGE_MASK = PAGE_LENGTH - 1;
    private static final int MIN_PAGE_TABLE_LENGTH = 4;

    private long[][] pages;
    private int allocatedPages;
    private int headOffset;
    private int size;

    /**
     * Start with the values of a full small array, which becomes the first page if it is one page long.
     *
     * @param values held so far, all of them.
     */
    PagedLongArray(final long[] values)
    {
        final int pageCount = Math.max(1, (values.length + PAGE_MASK) >> PAGE_SHIFT);
        pages = new long[Math.max(MIN_PAGE_TABLE_LENGTH, pageCount * 2)][];
        if (PAGE_LENGTH == values.length)
        {
            pages[0] = values;
            allocatedPages = 1;
            size = PAGE_LENGTH;
        }
        else
        {
            for (final long value : values)
            {
                add(value);
            }
        }
    }

    /**
     * @return number of values held.
     */
    int size()
    {
        return size;
    }

    /**
     * @param index from 0, below {@link #size()}.
     * @return the value.
     */
    long get(final int index)
    {
        final int slot = headOffset + index;
        return pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK];
    }

    /**
     * @param index from 0, below {@link #size()}.
     * @param value to put there.
     */
    void set(final int index, final long value)
    {
        final int slot = headOffset + index;
        pages[slot >>> PAGE_SHIFT][slot & PAGE_MASK] = value;
    }

    /**
     * Add a value at the end.
     *
     * @param value to add.
     * @throws IllegalStateException if the array would pass the largest int index.
     */
    void add(final long value)
    {
        final long slot = (long)headOffset + size;
        if (slot > Integer.MAX_VALUE - 1)
        {
            throw new IllegalStateException("paged array cannot hold more than " + size + " values");
        }

        final int page = (int)(slot >>> PAGE_SHIFT);
        if (page == allocatedPages)
        {
            if (page == pages.length)
            {
                final long[][] table = new long[pages.length * 2][];
                System.arraycopy(pages, 0, table, 0, allocatedPages);
                pages = table;
            }
            pages[page] = new long[PAGE_LENGTH];
            allocatedPages++;
        }
        pages[page][(int)slot & PAGE_MASK] = value;
        size++;
    }

    /**
     * Remove values from the front; pages emptied go to the end of the page table for reuse.
     *
     * @param count of values to remove, at most {@link #size()}.
     */
    void removeFirst(final int count)
    {
        size -= count;
        headOffset += count;
        while (headOffset >= PAGE_LENGTH)
        {
            final long[] emptied = pages[0];
            System.arraycopy(pages, 1, pages, 0, allocatedPages - 1);
            pages[allocatedPages - 1] = emptied;
            headOffset -= PAGE_LENGTH;
        }
    }

    /**
     * @return pages allocated, held values' and spare.
     */
    int allocatedPages()
    {
        return allocatedPages;
    }
}
