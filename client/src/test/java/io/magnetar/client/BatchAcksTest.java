package io.magnetar.client;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchAcksTest
{
    private final BatchAcks acks = new BatchAcks();

    @Test
    void shouldCompleteAnEntryAckedInOrder()
    {
        for (int i = 0; i < 4; i++)
        {
            assertFalse(acks.isAcked(0, 100, i));
            assertFalse(acks.ack(0, 100, i, 5), "message " + i + " of 5");
            assertTrue(acks.isAcked(0, 100, i));
            assertFalse(acks.isAcked(0, 100, i + 1));
        }
        assertEquals(1, acks.size());
        assertTrue(acks.ack(0, 100, 4, 5), "the last message completes the entry");
        assertEquals(0, acks.size());
        assertFalse(acks.isAcked(0, 100, 0), "a completed entry is forgotten");
    }

    @Test
    void shouldCompleteAnEntryAckedOutOfOrderAndOnce()
    {
        assertFalse(acks.ack(0, 100, 0, 4));
        assertFalse(acks.ack(0, 100, 2, 4), "a gap moves the entry to the map");
        assertFalse(acks.ack(0, 100, 0, 4), "acknowledged before");
        assertFalse(acks.ack(0, 100, 2, 4), "acknowledged before");
        assertTrue(acks.isAcked(0, 100, 0));
        assertFalse(acks.isAcked(0, 100, 1));
        assertTrue(acks.isAcked(0, 100, 2));
        assertFalse(acks.ack(0, 100, 3, 4));
        assertTrue(acks.ack(0, 100, 1, 4));
        assertEquals(0, acks.size());
    }

    @Test
    void shouldKeepEntriesLeftPartlyAckedWhenTheNextBegins()
    {
        assertFalse(acks.ack(0, 100, 0, 3));
        assertFalse(acks.ack(0, 200, 0, 2), "a new entry while the first waits for two messages");
        assertEquals(2, acks.size());
        assertTrue(acks.isAcked(0, 100, 0));
        assertFalse(acks.isAcked(0, 100, 1));
        assertTrue(acks.isAcked(0, 200, 0));
        assertFalse(acks.isAcked(1, 200, 0), "another shard's entry at the same position");

        assertTrue(acks.ack(0, 200, 1, 2));
        assertFalse(acks.ack(0, 100, 1, 3));
        assertTrue(acks.ack(0, 100, 2, 3));
        assertEquals(0, acks.size());
    }

    @Test
    void shouldForgetAnEntryAckedWhole()
    {
        assertFalse(acks.ack(0, 100, 0, 3));
        acks.onEntryAcked(100);
        assertEquals(0, acks.size());
        assertFalse(acks.isAcked(0, 100, 0));
        assertTrue(acks.ack(0, 300, 0, 1), "a message that is not in a batch completes its entry");
    }
}
