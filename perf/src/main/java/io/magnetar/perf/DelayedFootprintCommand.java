package io.magnetar.perf;

import io.magnetar.broker.shard.DelayedDeliveriesFootprint;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * {@code perf delayed-footprint [-n N]}: the heap a shared subscription's delayed-delivery tracker takes per waiting
 * message, measured as the used heap after full collections before and after filling it (issue 10's target: at most
 * 16 bytes each with a million), and how long adding and releasing them takes.
 */
@Command(
    name = "delayed-footprint",
    mixinStandardHelpOptions = true,
    description = "Heap per delayed message in the broker's delayed-delivery tracker, with N messages waiting.")
final class DelayedFootprintCommand implements Callable<Integer>
{
    @Option(names = { "-n", "--messages" }, paramLabel = "N", description = "Delayed messages. Default: 1000000")
    int messages = 1_000_000;

    /**
     * Fill, measure, release.
     *
     * @return 0, or 2 for a bad count.
     */
    public Integer call()
    {
        if (messages < 1)
        {
            System.err.println("delayed-footprint: -n must be positive");
            return 2;
        }
        final DelayedDeliveriesFootprint warmup = new DelayedDeliveriesFootprint();
        warmup.fill(Math.min(messages, 100_000), 1);
        warmup.releaseAll();

        final long before = IdleTopicSetup.usedHeapAfterGc();
        final DelayedDeliveriesFootprint tracker = new DelayedDeliveriesFootprint();
        final long fillStartNs = System.nanoTime();
        tracker.fill(messages, 42);
        final long fillNs = System.nanoTime() - fillStartNs;
        final long after = IdleTopicSetup.usedHeapAfterGc();
        final int size = tracker.size();
        final double heapPerMessage = (double)(after - before) / size;
        final double arraysPerMessage = (double)tracker.capacityBytes() / size;

        final long releaseStartNs = System.nanoTime();
        final int released = tracker.releaseAll();
        final long releaseNs = System.nanoTime() - releaseStartNs;

        System.out.printf("delayed-footprint: %,d delayed messages: heap %.2f B per message (used heap after GC, " +
            "%,d -> %,d B), tracker arrays %.2f B per message; add %.1f ns, release %.1f ns per message " +
            "(%,d released)%n",
            size, heapPerMessage, before, after, arraysPerMessage, (double)fillNs / size, (double)releaseNs / released,
            released);
        return 0;
    }
}
