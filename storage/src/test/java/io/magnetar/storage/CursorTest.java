package io.magnetar.storage;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CursorTest
{
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
}
