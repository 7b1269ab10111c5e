package io.magnetar.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TopicIndexTest
{
    /**
     * The index against lists of what it should hold, through growth past a page, removal and reuse of pages.
     */
    @Test
    void shouldMatchAModelThroughPagingRemovalAndReuse()
    {
        final Random random = new Random(42);
        final TopicIndex index = new TopicIndex();
        final List<Long> positions = new ArrayList<>();
        final List<Long> times = new ArrayList<>();
        long firstOrdinal = 0;
        long position = 0;
        long time = 1_000;

        for (int round = 0; round < 12; round++)
        {
            final int adds = random.nextInt(3 * PagedLongArray.PAGE_LENGTH);
            for (int i = 0; i < adds; i++)
            {
                position += 32 + random.nextInt(200);
                time += random.nextInt(3) - 1; // publish times may step back
                index.add(position, time);
                positions.add(position);
                final long ordinal = firstOrdinal + positions.size() - 1;
                final int block = (int)((ordinal >> 6) - (index.firstBlock()));
                if (block >= times.size())
                {
                    times.add(Math.max(times.isEmpty() ? Long.MIN_VALUE : times.get(times.size() - 1), time));
                }
                else if (time > times.get(times.size() - 1))
                {
                    times.set(times.size() - 1, time);
                }
            }
            check(index, positions, times, firstOrdinal);

            if (!positions.isEmpty())
            {
                final int removeCount = random.nextInt(positions.size() + 1);
                final long keepFrom = removeCount == positions.size() ? position + 1 : positions.get(removeCount);
                assertEquals(removeCount, index.removeBefore(keepFrom));
                if (removeCount > 0)
                {
                    assertEquals(positions.get(removeCount - 1), index.lastRemovedPosition());
                }
                positions.subList(0, removeCount).clear();
                firstOrdinal += removeCount;
                final int droppedBlocks = (int)((firstOrdinal >> 6) - (index.firstBlock()));
                assertEquals(0, droppedBlocks);
                while (times.size() > index.blockCount())
                {
                    times.remove(0);
                }
            }
            check(index, positions, times, firstOrdinal);
        }
    }

    @Test
    void shouldReusePagesRetentionEmptiedInsteadOfAllocating()
    {
        final TopicIndex index = new TopicIndex();
        long position = 0;
        for (int i = 0; i < 10 * PagedLongArray.PAGE_LENGTH; i++)
        {
            index.add(position += 100, 0);
        }

        for (int round = 0; round < 50; round++)
        {
            index.removeBefore(index.position(index.firstOrdinal() + 4 * PagedLongArray.PAGE_LENGTH));
            for (int i = 0; i < 4 * PagedLongArray.PAGE_LENGTH; i++)
            {
                index.add(position += 100, 0);
            }
        }

        assertEquals(10 * PagedLongArray.PAGE_LENGTH, index.heldEntries());
        assertEquals(10, index.allocatedPositionPages()); // the pages removal emptied took the new entries
    }

    @Test
    void shouldRefusePositionsThatDoNotIncreaseInEitherMode()
    {
        final TopicIndex index = new TopicIndex();
        for (int i = 1; i <= PagedLongArray.PAGE_LENGTH + 1; i++)
        {
            index.add(i * 10L, 0);
        }
        assertThrows(IllegalArgumentException.class, () -> index.add(10L * (PagedLongArray.PAGE_LENGTH + 1), 0));
        assertThrows(IndexOutOfBoundsException.class, () -> index.position(index.size()));

        index.removeBefore(Long.MAX_VALUE);
        assertEquals(0, index.heldEntries());
        assertEquals(-1, index.lastPosition());
        index.add(1L << 40, 0);
        assertEquals(1L << 40, index.lastPosition());
    }

    private static void check(
        final TopicIndex index, final List<Long> positions, final List<Long> times, final long firstOrdinal)
    {
        assertEquals(positions.size(), index.heldEntries());
        assertEquals(firstOrdinal, index.firstOrdinal());
        assertEquals(firstOrdinal + positions.size(), index.size());
        for (int i = 0; i < positions.size(); i++)
        {
            final long ordinal = firstOrdinal + i;
            assertEquals(positions.get(i), index.position(ordinal));
            if (i % 97 == 0)
            {
                assertEquals(ordinal, index.ordinalOf(positions.get(i)));
                assertEquals(ordinal, index.firstOrdinalAtOrAfter(positions.get(i) - 1));
                assertEquals(-1, index.ordinalOf(positions.get(i) + 1));
            }
        }
        assertEquals(positions.isEmpty() ? -1 : positions.get(positions.size() - 1), index.lastPosition());
        assertEquals(times.size(), index.blockCount());
        for (int i = 0; i < times.size(); i++)
        {
            assertEquals(times.get(i), index.blockPublishTime(i));
        }
    }
}
