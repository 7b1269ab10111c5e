package io.magnetar.broker.shard;

import java.util.Random;

/**
 * Fills the shard's delayed-delivery tracker ({@link DelayedDeliveries}) for {@code perf delayed-footprint}: the
 * structure a shared or Key_Shared subscription keeps for the entries waiting for their time.
 */
public final class DelayedDeliveriesFootprint
{
    private final DelayedDeliveries delayed = new DelayedDeliveries();
    private final RedeliveryQueue queue = new RedeliveryQueue();

    /**
     * Add entries with delivery times spread over an hour from now, in the order a subscription reads them.
     *
     * @param count of entries.
     * @param seed  of the random delays.
     */
    public void fill(final int count, final long seed)
    {
        final Random random = new Random(seed);
        final long nowNs = System.nanoTime();
        for (int i = 0; i < count; i++)
        {
            delayed.add(i, nowNs + (1_000L + random.nextInt(3_600_000)) * 1_000_000L, nowNs);
        }
    }

    /**
     * Release every entry as if all were due, into a redelivery queue that is emptied as it goes.
     *
     * @return entries released.
     */
    public int releaseAll()
    {
        int released = 0;
        while (!delayed.isEmpty())
        {
            released += delayed.releaseDue(delayed.nextDueNs(), queue);
            queue.clear(true);
        }
        return released;
    }

    /**
     * @return entries waiting.
     */
    public int size()
    {
        return delayed.size();
    }

    /**
     * @return bytes of the tracker's arrays.
     */
    public long capacityBytes()
    {
        return delayed.capacityBytes();
    }
}
