package io.magnetar.broker.shard;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicPublishersTest
{
    private final TopicPublishers publishers = new TopicPublishers();

    @Test
    void aNameBoundAgainReplacesAndForgetsTheOldBinding()
    {
        final Publisher first = new Publisher(1, "p", 10);
        publishers.put(first);
        final Publisher second = new Publisher(2, "p", -1);
        publishers.put(second);

        assertSame(second, publishers.byName("p"));
        assertNull(publishers.byId(1), "entries of the old id no longer count for the name");
        assertSame(second, publishers.byId(2));
        assertTrue(first.forgotten);
        assertFalse(second.forgotten);
        assertEquals(1, publishers.size());
    }

    @Test
    void anIdBoundToAnotherNameEndsThatNamesBinding()
    {
        final Publisher old = new Publisher(7, "old", 50);
        publishers.put(old);
        final Publisher reused = new Publisher(7, "new", -1);
        publishers.put(reused);

        assertNull(publishers.byName("old"), "its entries would count for the other name");
        assertTrue(old.forgotten);
        assertSame(reused, publishers.byId(7));
        assertEquals(1, publishers.size());
    }

    @Test
    void theLongestIdleNameWithoutAProducerGoesFirst()
    {
        final Publisher connected = publisher(1, "connected", 0);
        connected.connectedProducers = 1;
        publisher(2, "idle-since-5", 5);
        final Publisher oldest = publisher(3, "idle-since-3", 3);

        assertSame(oldest, publishers.longestIdle());
        publishers.remove(oldest);
        assertTrue(oldest.forgotten);
        assertEquals("idle-since-5", publishers.longestIdle().name);

        publishers.remove(publishers.byName("idle-since-5"));
        assertNull(publishers.longestIdle(), "a name with a producer connected is never evicted");
    }

    @Test
    void namesIdleBeyondTheTimeoutExpire()
    {
        final Publisher connected = publisher(1, "connected", 0);
        connected.connectedProducers = 1;
        publisher(2, "old", 100);
        publisher(3, "recent", 900);

        assertEquals(1, publishers.expireIdle(500));
        assertNull(publishers.byName("old"));
        assertSame(connected, publishers.byName("connected"));
        assertEquals(2, publishers.size());
    }

    @Test
    void recoveryTakesTheHighestSequenceIdSeen()
    {
        final Publisher publisher = new Publisher(1, "p", 5);
        publisher.onRecovered(9);
        publisher.onRecovered(7);

        assertEquals(9, publisher.pushedSequenceId);
        assertEquals(9, publisher.storedSequenceId);
    }

    @Test
    void aSnapshotGetsTheSequenceIdBelowItsPositionNotOneAppendedAfter()
    {
        final Publisher publisher = new Publisher(1, "p", -1);
        publisher.onAppended(0, 100, Long.MIN_VALUE);
        publisher.onAppended(1, 200, Long.MIN_VALUE);
        assertEquals(1, publisher.sequenceIdBelow(250), "all below: the last appended");

        // a snapshot begins at 250; entries after it are the log's to tell at recovery
        publisher.onAppended(2, 300, 250);
        publisher.onAppended(3, 400, 250);
        assertEquals(1, publisher.sequenceIdBelow(250));

        // the next snapshot at 450
        publisher.onAppended(4, 500, 450);
        assertEquals(3, publisher.sequenceIdBelow(450));
        assertEquals(4, publisher.sequenceIdBelow(600), "nothing appended after 600 yet");
    }

    private Publisher publisher(final long id, final String name, final long idleSinceMs)
    {
        final Publisher publisher = new Publisher(id, name, -1);
        publisher.idleSinceMs = idleSinceMs;
        publishers.put(publisher);
        return publisher;
    }
}
