package io.magnetar.perf.jmh;

import io.magnetar.storage.TopicIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Lookups in a {@link TopicIndex} of 1,000,000 entries whose positions increase by 128 B on average (frame-aligned
 * steps of 96, 128 or 160 B): {@link TopicIndex#ordinalOf(long)} (an ack or a redelivery finding its entry) and
 * {@link TopicIndex#firstOrdinalAtOrAfter(long)} (a subscription starting at a position), for random existing
 * positions taken in turn from a pre-generated array of 65,536. A lookup is a binary search of ~20 steps over an
 * 8 MB array (larger than L2 on the usual server, so the last steps miss it). Allocates nothing: ~0 B/op.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
@State(Scope.Thread)
public class IndexLookupBenchmark
{
    private static final int LOOKUP_COUNT = 1 << 16;
    private static final int LOOKUP_MASK = LOOKUP_COUNT - 1;

    @Param({ "1000000" })
    int entries;

    private final long[] lookups = new long[LOOKUP_COUNT];
    private TopicIndex index;
    private int next;

    /**
     * Build the index and draw the positions to look up.
     */
    @Setup
    public void setup()
    {
        final SplittableRandom random = new SplittableRandom(42);
        index = new TopicIndex();
        long position = 0;
        for (int i = 0; i < entries; i++)
        {
            index.add(position);
            position += 32L * (3 + random.nextInt(3));
        }

        for (int i = 0; i < LOOKUP_COUNT; i++)
        {
            lookups[i] = index.position(random.nextInt(entries));
        }
    }

    /**
     * Find the ordinal of the entry at an exact position.
     *
     * @return the ordinal.
     */
    @Benchmark
    public long ordinalOf()
    {
        return index.ordinalOf(lookups[next++ & LOOKUP_MASK]);
    }

    /**
     * Find the first entry at or after a position.
     *
     * @return the ordinal.
     */
    @Benchmark
    public long firstOrdinalAtOrAfter()
    {
        return index.firstOrdinalAtOrAfter(lookups[next++ & LOOKUP_MASK]);
    }
}
