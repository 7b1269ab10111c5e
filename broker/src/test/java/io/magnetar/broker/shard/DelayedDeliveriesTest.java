package io.magnetar.broker.shard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delayed-delivery heap without a media driver: entries come out when due, lowest ordinal first among those due,
 * far-off times are clamped and kept in order, and a million of them cost at most 16 bytes each.
 */
class DelayedDeliveriesTest
{
    private static final long MS = 1_000_000L;

    @Test
    void releasesEntriesWhenDueIntoTheQueueInOrdinalOrder()
    {
        final DelayedDeliveries delayed = new DelayedDeliveries();
        final long base = 1_000_000 * MS;
        delayed.add(7, base + 300 * MS, base);
        delayed.add(3, base + 100 * MS, base);
        delayed.add(9, base + 100 * MS, base);
        delayed.add(1, base + 200 * MS, base);
        assertEquals(base + 100 * MS, delayed.nextDueNs());

        final RedeliveryQueue queue = new RedeliveryQueue();
        assertEquals(0, delayed.releaseDue(base + 99 * MS, queue));
        assertEquals(2, delayed.releaseDue(base + 100 * MS, queue));
        assertEquals(List.of(3L, 9L), drain(queue));
        assertEquals(0, queue.redeliveryCount(3), "not counted as delivered again");
        assertEquals(2, delayed.releaseDue(base + 1000 * MS, queue));
        assertEquals(List.of(1L, 7L), drain(queue));
        assertTrue(delayed.isEmpty());
    }

    @Test
    void keepsARandomMixInDueOrderAcrossRebasesAndClamping()
    {
        final DelayedDeliveries delayed = new DelayedDeliveries();
        final Random random = new Random(42);
        final long base = 5_000 * MS;
        for (int i = 0; i < 10_000; i++)
        {
            // up to 60 days ahead: beyond the 24 days an offset can say, so some are clamped
            delayed.add(i, base + (long)(random.nextDouble() * 60L * 24 * 3600 * 1000) * MS, base);
        }
        final RedeliveryQueue queue = new RedeliveryQueue();
        long lastDue = Long.MIN_VALUE;
        int released = 0;
        while (!delayed.isEmpty())
        {
            final long due = delayed.nextDueNs();
            assertTrue(due >= lastDue, "due times never go back");
            lastDue = due;
            released += delayed.releaseDue(due, queue);
        }
        assertEquals(10_000, released);
    }

    @Test
    void aMillionDelayedEntriesTakeAtMostSixteenBytesEach()
    {
        final DelayedDeliveries delayed = new DelayedDeliveries();
        final Random random = new Random(7);
        for (int i = 0; i < 1_000_000; i++)
        {
            delayed.add(i, (10_000 + random.nextInt(3_600_000)) * MS, 10_000 * MS);
        }
        final double bytesPerEntry = (double)delayed.capacityBytes() / delayed.size();
        assertTrue(bytesPerEntry <= 16.0, "bytes per delayed entry: " + bytesPerEntry);
    }

    @Test
    void aNearEntryIsNotHeldBehindAFarOneThatCameFirst()
    {
        final DelayedDeliveries delayed = new DelayedDeliveries();
        final long now = 7_000_000 * MS;
        final long day = 24L * 3600 * 1000 * MS;
        delayed.add(1, now + 40 * day, now);
        delayed.add(2, now + 3_600_000 * MS, now);
        final RedeliveryQueue queue = new RedeliveryQueue();
        assertEquals(0, delayed.releaseDue(now + 3_599_999 * MS, queue));
        assertEquals(1, delayed.releaseDue(now + 3_600_000 * MS, queue), "the hour's entry, on time");
        assertEquals(List.of(2L), drain(queue));

        // days later the base follows the clock; the far entry is still far, and comes out by its time at the latest
        assertEquals(0, delayed.releaseDue(now + 20 * day, queue));
        assertEquals(1, delayed.releaseDue(now + 40 * day, queue));
    }

    private static List<Long> drain(final RedeliveryQueue queue)
    {
        final List<Long> ordinals = new ArrayList<>();
        while (queue.hasNext())
        {
            ordinals.add(queue.next());
            queue.removeNext();
        }
        return ordinals;
    }
}
