package io.magnetar.storage;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorTest
{
    private static final int MILLION = 1_000_000;

    private static TopicIndex index(final int entries)
    {
        final TopicIndex index = new TopicIndex();
        for (int i = 0; i < entries; i++)
        {
            index.add(1000L + i * 96L);
        }
        return index;
    }

    @Test
    void shouldFindEntriesByPosition()
    {
        final TopicIndex index = index(10);
        assertEquals(0, index.ordinalOf(1000));
        assertEquals(9, index.ordinalOf(1000 + 9 * 96));
        assertEquals(-1, index.ordinalOf(1001));
        assertEquals(-1, index.ordinalOf(0));
        assertEquals(1, index.firstOrdinalAtOrAfter(1001));
        assertEquals(10, index.firstOrdinalAtOrAfter(99_999));
        assertEquals(1000 + 9 * 96, index.lastPosition());
        assertThrows(IllegalArgumentException.class, () -> index.add(1000));
    }

    @Test
    void shouldFindUnackedOrdinalsWithAndWithoutAHint()
    {
        final TopicIndex index = index(6);
        final Cursor cursor = new Cursor(index, 0);
        assertEquals(0, cursor.unackedOrdinalOf(1000));
        assertEquals(3, cursor.unackedOrdinalOf(1000 + 3 * 96, 3));
        assertEquals(3, cursor.unackedOrdinalOf(1000 + 3 * 96, 2), "a wrong hint falls back to the search");
        assertEquals(3, cursor.unackedOrdinalOf(1000 + 3 * 96, 99), "a hint beyond the index is ignored");
        assertEquals(-1, cursor.unackedOrdinalOf(1001), "no entry starts there");

        assertTrue(cursor.ackOrdinal(0));
        assertTrue(cursor.ackOrdinal(2));
        assertFalse(cursor.ackOrdinal(0), "acked before");
        assertEquals(-1, cursor.unackedOrdinalOf(1000), "below the mark");
        assertEquals(-1, cursor.unackedOrdinalOf(1000 + 2 * 96, 2), "acked individually");
        assertEquals(1, cursor.unackedOrdinalOf(1000 + 96), "at the mark");

        cursor.ackRange(1000 + 3 * 96, 1000 + 4 * 96);
        assertTrue(cursor.ackOrdinal(1));
        assertEquals(5, cursor.firstUnackedOrdinal(), "the range joins the mark");
    }

    @Test
    void shouldAdvanceMarkDeleteOverIndividuallyAckedEntries()
    {
        final TopicIndex index = index(6);
        final Cursor cursor = new Cursor(index, 0);
        assertEquals(-1, cursor.markDeletePosition());

        assertTrue(cursor.ack(index.position(2)));
        assertTrue(cursor.ack(index.position(1)));
        assertFalse(cursor.ack(index.position(1)), "second ack of the same entry");
        assertEquals(0, cursor.firstUnackedOrdinal());
        assertEquals(2, cursor.individuallyAckedCount());
        assertEquals(4, cursor.backlog());

        assertTrue(cursor.ack(index.position(0)));
        assertEquals(3, cursor.firstUnackedOrdinal());
        assertEquals(index.position(2), cursor.markDeletePosition());
        assertEquals(0, cursor.individuallyAckedCount());
        assertTrue(cursor.isAcked(2));
        assertFalse(cursor.isAcked(3));
        assertFalse(cursor.ack(12345), "a position that is no entry is ignored");
        assertEquals(3, cursor.backlog());
    }

    @Test
    void shouldTreatEntriesBeforeTheStartAsAcked()
    {
        final TopicIndex index = index(5);
        final Cursor cursor = new Cursor(index, 3);
        assertTrue(cursor.isAcked(2));
        assertFalse(cursor.ack(index.position(1)));
        assertEquals(2, cursor.backlog());
    }

    @Test
    void shouldFindEntriesByPublishTimeAcrossRemoval()
    {
        final TopicIndex index = new TopicIndex();
        for (int i = 0; i < 1000; i++)
        {
            index.add(1000L + i * 96L, 10_000L + i * 10L);
        }

        assertEquals(0, index.firstOrdinalPublishedAtOrAfter(0));
        assertEquals(0, index.firstOrdinalPublishedAtOrAfter(10_000));
        final long ordinal = index.firstOrdinalPublishedAtOrAfter(10_000 + 500 * 10);
        assertTrue(ordinal <= 500 && ordinal > 500 - 64, "within one block before entry 500: " + ordinal);
        assertEquals(1000, index.firstOrdinalPublishedAtOrAfter(99_999));

        index.removeBefore(1000L + 300 * 96L);
        assertEquals(300, index.firstOrdinal());
        assertEquals(300, index.firstOrdinalPublishedAtOrAfter(0));
        final long after = index.firstOrdinalPublishedAtOrAfter(10_000 + 700 * 10);
        assertTrue(after <= 700 && after > 700 - 64, "after removal: " + after);
        assertEquals(1000L + 700 * 96L, index.position(700));

        index.add(1000L + 1000 * 96L, 5);
        assertEquals(index.size(), index.firstOrdinalPublishedAtOrAfter(10_000 + 999 * 10 + 1));
    }

    @Test
    void shouldReportAckedRangesAsPositions()
    {
        final TopicIndex index = index(12);
        final Cursor cursor = new Cursor(index, 0);
        cursor.ack(index.position(2));
        cursor.ack(index.position(3));
        cursor.ack(index.position(4));
        cursor.ack(index.position(7));
        cursor.ack(index.position(9));
        cursor.ack(index.position(10));

        assertEquals(6, cursor.individuallyAckedCount());
        assertEquals(3, cursor.individuallyAckedRangeCount());
        assertArrayEquals(new long[]{ index.position(2), index.position(4), index.position(7), index.position(7),
            index.position(9), index.position(10) }, cursor.ackedRanges(Integer.MAX_VALUE));
        assertArrayEquals(
            new long[]{ index.position(2), index.position(4) }, cursor.ackedRanges(1));
        assertArrayEquals(new long[0], cursor.ackedRanges(0));
        assertEquals(index.position(7), cursor.ackedRangeFirstPosition(1));
        assertEquals(index.position(7), cursor.ackedRangeLastPosition(1));
        assertEquals(index.position(9), cursor.ackedRangeFirstPosition(2));
        assertEquals(index.position(10), cursor.ackedRangeLastPosition(2));
        assertThrows(IndexOutOfBoundsException.class, () -> cursor.ackedRangeFirstPosition(3));
        assertEquals(6, cursor.backlog());
    }

    @Test
    void shouldAckRangesOfPositions()
    {
        final TopicIndex index = index(20);
        final Cursor cursor = new Cursor(index, 0);
        cursor.ack(index.position(5));
        cursor.ack(index.position(12));

        cursor.ackRange(index.position(3) - 10, index.position(8) + 10);
        assertArrayEquals(new long[]{ index.position(3), index.position(8), index.position(12), index.position(12) },
            cursor.ackedRanges(Integer.MAX_VALUE));
        assertEquals(7, cursor.individuallyAckedCount());

        cursor.ackRange(index.position(10), index.position(9));
        cursor.ackRange(index.position(4) + 1, index.position(5) - 1);
        assertEquals(7, cursor.individuallyAckedCount(), "empty ranges ack nothing");

        cursor.ackRange(0, index.position(1));
        assertEquals(2, cursor.firstUnackedOrdinal());
        cursor.ackRange(index.position(2), index.position(2));
        assertEquals(9, cursor.firstUnackedOrdinal(), "the mark swallows the range it reaches");
        assertEquals(1, cursor.individuallyAckedRangeCount());

        cursor.ackRange(index.position(9), index.position(15));
        assertEquals(16, cursor.firstUnackedOrdinal(), "the mark swallows a range that ends inside the new range");
        assertEquals(0, cursor.individuallyAckedCount());

        cursor.ackRange(index.position(18), Long.MAX_VALUE);
        assertArrayEquals(new long[]{ index.position(18), index.position(19) }, cursor.ackedRanges(10));
        assertEquals(2, cursor.backlog());
    }

    @Test
    void shouldAdvanceTheMarkWhenEntriesAreRemoved()
    {
        final TopicIndex index = index(10);
        final Cursor cursor = new Cursor(index, 0);
        cursor.ack(index.position(2));
        cursor.ack(index.position(3));
        cursor.ack(index.position(6));

        index.removeBefore(index.position(3));
        cursor.onEntriesRemoved();
        assertEquals(4, cursor.firstUnackedOrdinal());
        assertEquals(index.position(3), cursor.markDeletePosition());
        assertArrayEquals(new long[]{ index.position(6), index.position(6) }, cursor.ackedRanges(10));
        assertEquals(5, cursor.backlog());

        cursor.restore(index.position(6));
        assertEquals(7, cursor.firstUnackedOrdinal());
        assertEquals(0, cursor.individuallyAckedRangeCount());
        cursor.restore(-1);
        assertEquals(3, cursor.firstUnackedOrdinal());
    }

    @Test
    void shouldHoldEveryOtherAckAsOneRangeEachUntilTheHolesAreFilled()
    {
        final TopicIndex index = index(MILLION);
        final Cursor cursor = new Cursor(index, 0);
        for (int i = 1; i < MILLION; i += 2)
        {
            assertTrue(cursor.ack(index.position(i)));
        }
        assertEquals(MILLION / 2, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION / 2, cursor.individuallyAckedCount());
        assertEquals(MILLION / 2, cursor.backlog());
        assertEquals(0, cursor.firstUnackedOrdinal());
        assertFalse(cursor.ack(index.position(MILLION - 1)));

        for (int i = 0; i < MILLION; i += 2)
        {
            assertTrue(cursor.ack(index.position(i)));
            if (MILLION / 2 == i)
            {
                assertEquals(MILLION / 4 - 1, cursor.individuallyAckedRangeCount());
                assertEquals(i + 2, cursor.firstUnackedOrdinal());
            }
        }
        assertEquals(0, cursor.individuallyAckedRangeCount());
        assertEquals(0, cursor.individuallyAckedCount());
        assertEquals(MILLION, cursor.firstUnackedOrdinal());
        assertEquals(index.lastPosition(), cursor.markDeletePosition());
        assertEquals(0, cursor.backlog());
    }

    @Test
    void shouldBridgeEveryOtherAckInReverseOrder()
    {
        final TopicIndex index = index(MILLION);
        final Cursor cursor = new Cursor(index, 0);
        for (int i = MILLION - 1; i > 0; i -= 2)
        {
            assertTrue(cursor.ack(index.position(i)));
        }
        assertEquals(MILLION / 2, cursor.individuallyAckedRangeCount());

        for (int i = MILLION - 2; i > 0; i -= 2)
        {
            assertTrue(cursor.ack(index.position(i)));
        }
        assertEquals(1, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION - 1, cursor.individuallyAckedCount());
        assertArrayEquals(new long[]{ index.position(1), index.lastPosition() }, cursor.ackedRanges(10));

        assertTrue(cursor.ack(index.position(0)));
        assertEquals(0, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION, cursor.firstUnackedOrdinal());
    }

    @Test
    void shouldHoldAckRunInReverseOrderAsOneRange()
    {
        final TopicIndex index = index(MILLION);
        final Cursor cursor = new Cursor(index, 0);
        for (int i = MILLION - 1; i > 0; i--)
        {
            assertTrue(cursor.ack(index.position(i)));
            assertEquals(1, cursor.individuallyAckedRangeCount());
        }
        assertEquals(MILLION - 1, cursor.individuallyAckedCount());
        assertEquals(1, cursor.backlog());

        assertTrue(cursor.ack(index.position(0)));
        assertEquals(0, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION, cursor.firstUnackedOrdinal());
    }

    @Test
    void shouldKeepFewRangesForAcksShuffledWithinBlocks()
    {
        final int block = 1000;
        final TopicIndex index = index(MILLION);
        final Cursor cursor = new Cursor(index, 0);
        final SplittableRandom random = new SplittableRandom(11);
        final int[] order = new int[block];
        int mostRanges = 0;
        for (int start = 0; start < MILLION; start += block)
        {
            for (int i = 0; i < block; i++)
            {
                order[i] = start + i;
            }
            for (int i = block - 1; i > 0; i--)
            {
                final int j = random.nextInt(i + 1);
                final int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
            }
            for (final int ordinal : order)
            {
                if (0 != ordinal)
                {
                    assertTrue(cursor.ack(index.position(ordinal)));
                    mostRanges = Math.max(mostRanges, cursor.individuallyAckedRangeCount());
                }
            }
        }

        assertTrue(mostRanges <= block / 2 + 1, "ranges held at most: " + mostRanges);
        assertEquals(1, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION - 1, cursor.individuallyAckedCount());
        assertEquals(0, cursor.firstUnackedOrdinal());

        assertTrue(cursor.ack(index.position(0)));
        assertEquals(0, cursor.individuallyAckedRangeCount());
        assertEquals(MILLION, cursor.firstUnackedOrdinal());
    }

    @Test
    void shouldMatchASimpleModelOverRandomOperations()
    {
        final SplittableRandom random = new SplittableRandom(3);
        final TopicIndex index = index(400);
        final Cursor cursor = new Cursor(index, 5);
        final ModelCursor model = new ModelCursor(index, 5);
        for (int op = 0; op < 20_000; op++)
        {
            final int choice = random.nextInt(100);
            if (choice < 60)
            {
                final long position = randomPosition(random, index);
                assertEquals(model.ack(position), cursor.ack(position), "ack " + position);
            }
            else if (choice < 80)
            {
                final long first = randomPosition(random, index);
                final long last = first + random.nextInt(30 * 96);
                model.ackRange(first, last);
                cursor.ackRange(first, last);
            }
            else if (choice < 90)
            {
                index.add(index.lastPosition() + 96);
            }
            else if (choice < 97)
            {
                if (index.heldEntries() > 50)
                {
                    index.removeBefore(index.position(index.firstOrdinal() + random.nextInt(10)));
                    if (random.nextInt(4) > 0)
                    {
                        model.onEntriesRemoved();
                        cursor.onEntriesRemoved();
                    }
                }
            }
            else
            {
                final long position = random.nextInt(8) == 0 ? -1 : randomPosition(random, index);
                model.restore(position);
                cursor.restore(position);
            }

            assertEquals(model.markDeleteOrdinal, cursor.firstUnackedOrdinal(), "op " + op);
            assertEquals(model.acked.size(), cursor.individuallyAckedCount());
            assertEquals(index.size() - model.markDeleteOrdinal - model.acked.size(), cursor.backlog());
            for (long ordinal = index.firstOrdinal(); ordinal < index.size(); ordinal++)
            {
                assertEquals(model.isAcked(ordinal), cursor.isAcked(ordinal));
            }
            if (model.acked.isEmpty() || model.acked.first() >= index.firstOrdinal())
            {
                assertArrayEquals(model.ackedRanges(), cursor.ackedRanges(Integer.MAX_VALUE));
            }
        }
    }

    private static long randomPosition(final SplittableRandom random, final TopicIndex index)
    {
        final long ordinal = index.firstOrdinal() - 3 + random.nextInt(index.heldEntries() + 6);
        if (ordinal >= index.firstOrdinal() && ordinal < index.size())
        {
            return index.position(ordinal) + (random.nextInt(10) == 0 ? 1 : 0);
        }
        return random.nextBoolean() ? 0 : index.lastPosition() + 1 + random.nextInt(200);
    }

    /**
     * The cursor as it was with a hash set of ordinals, on a TreeSet: the reference for the range set's.
     */
    private static final class ModelCursor
    {
        final TopicIndex index;
        final TreeSet<Long> acked = new TreeSet<>();
        long markDeleteOrdinal;

        ModelCursor(final TopicIndex index, final long startOrdinal)
        {
            this.index = index;
            markDeleteOrdinal = Math.max(startOrdinal, index.firstOrdinal());
        }

        boolean isAcked(final long ordinal)
        {
            return ordinal < markDeleteOrdinal || acked.contains(ordinal);
        }

        boolean ack(final long position)
        {
            final long ordinal = index.ordinalOf(position);
            if (ordinal < markDeleteOrdinal || isAcked(ordinal))
            {
                return false;
            }

            if (ordinal == markDeleteOrdinal)
            {
                markDeleteOrdinal++;
                while (acked.remove(markDeleteOrdinal))
                {
                    markDeleteOrdinal++;
                }
            }
            else
            {
                acked.add(ordinal);
            }

            return true;
        }

        void ackRange(final long firstPosition, final long lastPosition)
        {
            for (long ordinal = index.firstOrdinalAtOrAfter(firstPosition); ordinal < index.size(); ordinal++)
            {
                final long position = index.position(ordinal);
                if (position > lastPosition)
                {
                    break;
                }
                ack(position);
            }
        }

        void onEntriesRemoved()
        {
            while (markDeleteOrdinal < index.firstOrdinal())
            {
                acked.remove(markDeleteOrdinal);
                markDeleteOrdinal++;
            }
            while (acked.remove(markDeleteOrdinal))
            {
                markDeleteOrdinal++;
            }
        }

        void restore(final long markDeletePosition)
        {
            acked.clear();
            markDeleteOrdinal = Math.max(
                index.firstOrdinal(), markDeletePosition < 0 ? 0 : index.firstOrdinalAtOrAfter(markDeletePosition + 1));
        }

        long[] ackedRanges()
        {
            final long[] ranges = new long[2 * acked.size()];
            int count = 0;
            long first = 0;
            long last = 0;
            for (final long ordinal : acked)
            {
                if (0 != count && ordinal == last + 1)
                {
                    last = ordinal;
                    ranges[2 * count - 1] = index.position(ordinal);
                    continue;
                }
                first = ordinal;
                last = ordinal;
                ranges[2 * count] = index.position(first);
                ranges[2 * count + 1] = index.position(last);
                count++;
            }
            return java.util.Arrays.copyOf(ranges, 2 * count);
        }
    }
}
