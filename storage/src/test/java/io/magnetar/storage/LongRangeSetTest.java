package io.magnetar.storage;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LongRangeSetTest
{
    private final LongRangeSet set = new LongRangeSet();

    @Test
    void shouldStartEmpty()
    {
        assertTrue(set.isEmpty());
        assertEquals(0, set.size());
        assertEquals(0, set.rangeCount());
        assertFalse(set.contains(0));
        assertRanges();
        assertThrows(IndexOutOfBoundsException.class, () -> set.rangeFirst(0));
        assertThrows(IndexOutOfBoundsException.class, () -> set.rangeLast(-1));
        assertThrows(IllegalArgumentException.class, () -> new LongRangeSet(-1));
    }

    @Test
    void shouldAllocateOnTheFirstRangeWhenCreatedWithoutCapacity()
    {
        final LongRangeSet lazy = new LongRangeSet(0);
        assertEquals(0, lazy.capacity());
        assertFalse(lazy.contains(5));
        assertEquals(0, lazy.removeAllBelow(10));
        assertEquals(0, lazy.capacity(), "nothing is allocated while the set is empty");

        assertTrue(lazy.add(5));
        assertTrue(lazy.add(7));
        assertEquals(3, lazy.addRange(1, 3));
        assertEquals(3, lazy.rangeCount());
        assertTrue(lazy.capacity() >= 3);
        assertTrue(lazy.add(6));
        assertTrue(lazy.add(4));
        assertEquals(1, lazy.rangeCount());
        assertEquals(7, lazy.size());
        assertTrue(lazy.contains(1) && lazy.contains(7) && !lazy.contains(8));
    }

    @Test
    void shouldAddSeparateValuesAsSeparateRanges()
    {
        assertTrue(set.add(10));
        assertTrue(set.add(20));
        assertTrue(set.add(5));
        assertRanges(5, 5, 10, 10, 20, 20);
        assertEquals(3, set.size());
        assertFalse(set.isEmpty());
    }

    @Test
    void shouldMergeWithTheRangeOnTheLeft()
    {
        set.add(10);
        assertTrue(set.add(11));
        assertTrue(set.add(12));
        assertRanges(10, 12);
        assertEquals(3, set.size());
    }

    @Test
    void shouldMergeWithTheRangeOnTheRight()
    {
        set.add(10);
        assertTrue(set.add(9));
        assertTrue(set.add(8));
        assertRanges(8, 10);
        assertEquals(3, set.size());
    }

    @Test
    void shouldBridgeTwoRanges()
    {
        set.add(1);
        set.add(2);
        set.add(4);
        set.add(5);
        set.add(9);
        assertRanges(1, 2, 4, 5, 9, 9);

        assertTrue(set.add(3));
        assertRanges(1, 5, 9, 9);
        assertEquals(6, set.size());
    }

    @Test
    void shouldIgnoreDuplicates()
    {
        set.add(1);
        set.add(2);
        set.add(3);
        assertFalse(set.add(1));
        assertFalse(set.add(2));
        assertFalse(set.add(3));
        assertRanges(1, 3);
        assertEquals(3, set.size());
    }

    @Test
    void shouldFindValuesOnRangeBoundaries()
    {
        set.addRange(10, 20);
        set.addRange(30, 30);
        assertFalse(set.contains(9));
        assertTrue(set.contains(10));
        assertTrue(set.contains(15));
        assertTrue(set.contains(20));
        assertFalse(set.contains(21));
        assertFalse(set.contains(29));
        assertTrue(set.contains(30));
        assertFalse(set.contains(31));
        assertFalse(set.contains(Long.MIN_VALUE));
        assertFalse(set.contains(Long.MAX_VALUE));
    }

    @Test
    void shouldAddRangesMergingEveryRangeTheyTouch()
    {
        assertEquals(3, set.addRange(10, 12));
        assertEquals(3, set.addRange(20, 22));
        assertEquals(1, set.addRange(30, 30));
        assertEquals(1, set.addRange(40, 40));
        assertRanges(10, 12, 20, 22, 30, 30, 40, 40);

        assertEquals(0, set.addRange(11, 12), "already held");
        assertEquals(7, set.addRange(13, 19), "bridges two ranges by adjacency");
        assertRanges(10, 22, 30, 30, 40, 40);

        assertEquals(19, set.addRange(25, 45), "swallows two ranges");
        assertRanges(10, 22, 25, 45);

        assertEquals(5, set.addRange(5, 9), "touches on the left");
        assertEquals(2, set.addRange(46, 47), "touches on the right");
        assertEquals(2, set.addRange(23, 24), "bridges");
        assertRanges(5, 47);
        assertEquals(43, set.size());

        assertEquals(8, set.addRange(0, 50));
        assertRanges(0, 50);
        assertEquals(51, set.size());
        assertThrows(IllegalArgumentException.class, () -> set.addRange(3, 2));
    }

    @Test
    void shouldRemoveTheFirstRangeOnlyIfItStartsAtTheValue()
    {
        set.addRange(5, 9);
        set.add(20);

        assertEquals(4, set.removeFirstRangeIfStartsAt(4));
        assertEquals(6, set.removeFirstRangeIfStartsAt(6));
        assertEquals(6, set.size());

        assertEquals(10, set.removeFirstRangeIfStartsAt(5));
        assertRanges(20, 20);
        assertEquals(1, set.size());
        assertEquals(21, set.removeFirstRangeIfStartsAt(20));
        assertTrue(set.isEmpty());
        assertEquals(21, set.removeFirstRangeIfStartsAt(21));
    }

    @Test
    void shouldRemoveAllBelowAValueCuttingARange()
    {
        set.addRange(0, 4);
        set.addRange(10, 19);
        set.addRange(30, 39);

        assertEquals(0, set.removeAllBelow(-5));
        assertEquals(5, set.removeAllBelow(8));
        assertRanges(10, 19, 30, 39);
        assertEquals(5, set.removeAllBelow(15), "cuts the range it falls in");
        assertRanges(15, 19, 30, 39);
        assertEquals(15, set.size());
        assertEquals(0, set.removeAllBelow(15));
        assertEquals(1, set.removeAllBelow(16));
        assertRanges(16, 19, 30, 39);
        assertEquals(5, set.removeAllBelow(31), "removes a range and cuts the next");
        assertRanges(31, 39);
        assertEquals(9, set.removeAllBelow(Long.MAX_VALUE));
        assertTrue(set.isEmpty());
        assertEquals(0, set.size());
    }

    @Test
    void shouldGrowBeyondTheInitialCapacity()
    {
        final LongRangeSet small = new LongRangeSet(1);
        for (int i = 0; i < 1000; i++)
        {
            assertTrue(small.add(2L * i));
        }
        assertEquals(1000, small.rangeCount());
        assertEquals(1000, small.size());
        assertTrue(small.capacity() >= 1000);
        for (int i = 0; i < 1000; i++)
        {
            assertEquals(2L * i, small.rangeFirst(i));
            assertEquals(2L * i, small.rangeLast(i));
            assertFalse(small.contains(2L * i + 1));
        }

        for (int i = 0; i < 999; i++)
        {
            assertTrue(small.add(2L * i + 1));
        }
        assertRanges(small, 0, 1998);
    }

    @Test
    void shouldGrowWhenAddingAtTheFront()
    {
        final LongRangeSet small = new LongRangeSet(2);
        for (int i = 1000; i > 0; i--)
        {
            assertTrue(small.add(2L * i));
        }
        assertEquals(1000, small.rangeCount());
        assertEquals(2, small.rangeFirst(0));
        assertEquals(2000, small.rangeLast(999));
    }

    @Test
    void shouldSlideAWindowOfRangesWithoutGrowing()
    {
        final int window = 100;
        for (int i = 0; i < window; i++)
        {
            set.add(2L * i);
        }

        int capacity = 0;
        for (long i = window; i < 100_000; i++)
        {
            assertTrue(set.add(2 * i));
            final long first = set.rangeFirst(0);
            assertEquals(first + 1, set.removeFirstRangeIfStartsAt(first));
            assertEquals(window, set.rangeCount());
            if (10 * window == i)
            {
                capacity = set.capacity();
            }
        }
        assertEquals(capacity, set.capacity(), "recentres the ranges in place once grown");
        assertTrue(capacity <= 4 * window, "capacity " + capacity);
        assertEquals(2 * (100_000L - window), set.rangeFirst(0));
        assertEquals(2 * (100_000L - 1), set.rangeLast(window - 1));
    }

    @Test
    void shouldClearKeepingTheCapacity()
    {
        for (int i = 0; i < 100; i++)
        {
            set.add(3L * i);
        }
        final int capacity = set.capacity();

        set.clear();
        assertTrue(set.isEmpty());
        assertEquals(0, set.size());
        assertEquals(capacity, set.capacity());
        assertFalse(set.contains(0));
        assertTrue(set.add(7));
        assertRanges(7, 7);
    }

    @Test
    void shouldHandleTheExtremesOfTheLongRange()
    {
        assertTrue(set.add(Long.MAX_VALUE));
        assertTrue(set.add(Long.MIN_VALUE));
        assertTrue(set.add(Long.MAX_VALUE - 1));
        assertTrue(set.add(Long.MIN_VALUE + 1));
        assertRanges(Long.MIN_VALUE, Long.MIN_VALUE + 1, Long.MAX_VALUE - 1, Long.MAX_VALUE);
        assertEquals(4, set.size());
        assertEquals(2, set.addRange(Long.MAX_VALUE - 3, Long.MAX_VALUE));
        assertEquals(1, set.addRange(Long.MIN_VALUE, Long.MIN_VALUE + 2));
        assertRanges(Long.MIN_VALUE, Long.MIN_VALUE + 2, Long.MAX_VALUE - 3, Long.MAX_VALUE);
        assertEquals(Long.MIN_VALUE + 3, set.removeFirstRangeIfStartsAt(Long.MIN_VALUE));
        assertEquals(0, set.removeAllBelow(Long.MIN_VALUE));
        assertRanges(Long.MAX_VALUE - 3, Long.MAX_VALUE);
        assertEquals(4, set.size());
    }

    @Test
    void shouldDescribeItsRanges()
    {
        set.addRange(1, 3);
        set.add(7);
        assertEquals("{[1, 3], [7, 7]}", set.toString());
    }

    @Test
    void shouldMatchATreeSetOverRandomOperations()
    {
        final SplittableRandom random = new SplittableRandom(7);
        final TreeSet<Long> model = new TreeSet<>();
        final int domain = 600;
        for (int op = 0; op < 20_000; op++)
        {
            final int choice = random.nextInt(100);
            if (choice < 45)
            {
                final long value = random.nextInt(domain);
                assertEquals(model.add(value), set.add(value), "add " + value);
            }
            else if (choice < 60)
            {
                final long first = random.nextInt(domain);
                final long last = first + random.nextInt(12);
                long added = 0;
                for (long value = first; value <= last; value++)
                {
                    added += model.add(value) ? 1 : 0;
                }
                assertEquals(added, set.addRange(first, last), "addRange " + first + ", " + last);
            }
            else if (choice < 85)
            {
                final long value = random.nextInt(domain + 2) - 1;
                assertEquals(model.contains(value), set.contains(value), "contains " + value);
            }
            else if (choice < 93)
            {
                final long value = model.isEmpty() || random.nextBoolean() ?
                    random.nextInt(domain) : model.first();
                long expected = value;
                if (!model.isEmpty() && model.first() == value)
                {
                    while (model.remove(expected))
                    {
                        expected++;
                    }
                }
                assertEquals(expected, set.removeFirstRangeIfStartsAt(value), "removeFirstRangeIfStartsAt " + value);
            }
            else if (choice < 99)
            {
                final long value = model.isEmpty() ? random.nextInt(domain) :
                    model.first() + random.nextInt(domain / 20);
                final int before = model.size();
                model.headSet(value).clear();
                assertEquals(before - model.size(), set.removeAllBelow(value), "removeAllBelow " + value);
            }
            else
            {
                model.clear();
                set.clear();
            }

            assertEquals(model.size(), set.size());
            assertEquals(model.isEmpty(), set.isEmpty());
            if (0 == op % 10)
            {
                assertMatches(model, set);
            }
        }
        assertMatches(model, set);
    }

    private static void assertMatches(final TreeSet<Long> model, final LongRangeSet set)
    {
        final List<Long> expected = new ArrayList<>();
        long first = 0;
        long last = 0;
        boolean open = false;
        for (final long value : model)
        {
            if (open && value == last + 1)
            {
                last = value;
                continue;
            }
            if (open)
            {
                expected.add(first);
                expected.add(last);
            }
            first = value;
            last = value;
            open = true;
        }
        if (open)
        {
            expected.add(first);
            expected.add(last);
        }

        assertEquals(expected, ranges(set));
    }

    private void assertRanges(final long... firstAndLast)
    {
        assertRanges(set, firstAndLast);
    }

    private static void assertRanges(final LongRangeSet set, final long... firstAndLast)
    {
        final List<Long> expected = new ArrayList<>();
        for (final long value : firstAndLast)
        {
            expected.add(value);
        }
        assertEquals(expected, ranges(set));
    }

    private static List<Long> ranges(final LongRangeSet set)
    {
        final List<Long> ranges = new ArrayList<>();
        for (int i = 0; i < set.rangeCount(); i++)
        {
            ranges.add(set.rangeFirst(i));
            ranges.add(set.rangeLast(i));
        }
        return ranges;
    }
}
