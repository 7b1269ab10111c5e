package io.magnetar.perf.jmh;

import io.magnetar.storage.Cursor;
import io.magnetar.storage.TopicIndex;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link Cursor#ack(long)} over a {@link TopicIndex} of 1,000,000 entries (positions ~128 B apart); one op is one
 * ack. An invocation acks every entry once, in a pre-generated order, on a fresh cursor (the reset), so each
 * invocation does the same work; the fresh cursor's few small objects are spread over a million acks.
 * <ul>
 *     <li>{@link #inOrder(InOrderState)}: acks in entry order; each moves the mark-delete point.</li>
 *     <li>{@link #withHoles(HolesState)}: within each window of {@code window} entries, ack every entry except
 *     every 100th, then fill those holes. The entries acked beyond a hole wait in the cursor's range set, as one
 *     range per gap between holes, until the hole is filled. A window of 1000 (a consumer's receive queue) keeps at
 *     most 10 ranges, which fit the set's initial arrays: ~0 B/op. A window of the whole index holds 990,000 entries
 *     there as 10,000 ranges and grows the set's arrays from their initial size on every pass: that growth is the
 *     B/op shown.</li>
 *     <li>{@link #everyOther(EveryOtherState)}: ack every odd entry, then every even one in order: the worst case
 *     for holes. The first half holds 500,000 single-entry ranges: the set's arrays grow from their initial size
 *     to 2^20 ranges (16 MB) on every pass, ~32 MB in all: the B/op shown. Each ack of the second half moves the
 *     mark-delete point and removes the first range.</li>
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
public class CursorAckBenchmark
{
    /**
     * Entries in the index, and acks per invocation.
     */
    static final int ENTRIES = 1_000_000;

    /**
     * Every this many entries one is left unacked until the rest of its window is acked.
     */
    static final int HOLE_INTERVAL = 100;

    /**
     * An index and an order in which to ack each of its entries once.
     */
    abstract static class AckPass
    {
        TopicIndex index;
        final long[] acks = new long[ENTRIES];

        void buildIndex()
        {
            final SplittableRandom random = new SplittableRandom(42);
            index = new TopicIndex();
            long position = 0;
            for (int i = 0; i < ENTRIES; i++)
            {
                index.add(position);
                position += 32L * (3 + random.nextInt(3));
            }
        }

        /**
         * Ack every entry once on a fresh cursor.
         *
         * @return a value derived from the results.
         */
        final int run()
        {
            final Cursor cursor = new Cursor(index, 0);
            int acked = 0;
            for (final long position : acks)
            {
                if (cursor.ack(position))
                {
                    acked++;
                }
            }

            if (cursor.firstUnackedOrdinal() != ENTRIES)
            {
                throw new IllegalStateException("pass left entries unacked: " + cursor.firstUnackedOrdinal());
            }

            return acked;
        }
    }

    /**
     * Acks in entry order.
     */
    @State(Scope.Thread)
    public static class InOrderState extends AckPass
    {
        /**
         * Build the index and the ack order.
         */
        @Setup
        public void setup()
        {
            buildIndex();
            for (int i = 0; i < ENTRIES; i++)
            {
                acks[i] = index.position(i);
            }
        }
    }

    /**
     * Acks that leave holes, filled at the end of each window.
     */
    @State(Scope.Thread)
    public static class HolesState extends AckPass
    {
        @Param({ "1000", "1000000" })
        int window;

        /**
         * Build the index and the ack order.
         */
        @Setup
        public void setup()
        {
            if (window <= 0 || ENTRIES % window != 0 || window % HOLE_INTERVAL != 0)
            {
                throw new IllegalArgumentException(
                    "window must divide " + ENTRIES + " and be a multiple of " + HOLE_INTERVAL + ": " + window);
            }

            buildIndex();
            int next = 0;
            for (int start = 0; start < ENTRIES; start += window)
            {
                final int end = start + window;
                for (int i = start; i < end; i++)
                {
                    if (0 != i % HOLE_INTERVAL)
                    {
                        acks[next++] = index.position(i);
                    }
                }
                for (int i = start; i < end; i += HOLE_INTERVAL)
                {
                    acks[next++] = index.position(i);
                }
            }
        }
    }

    /**
     * Acks of every odd entry, then of every even one.
     */
    @State(Scope.Thread)
    public static class EveryOtherState extends AckPass
    {
        /**
         * Build the index and the ack order.
         */
        @Setup
        public void setup()
        {
            buildIndex();
            int next = 0;
            for (int i = 1; i < ENTRIES; i += 2)
            {
                acks[next++] = index.position(i);
            }
            for (int i = 0; i < ENTRIES; i += 2)
            {
                acks[next++] = index.position(i);
            }
        }
    }

    /**
     * Ack every entry in order.
     *
     * @param state index and ack order.
     * @return entries acked.
     */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int inOrder(final InOrderState state)
    {
        return state.run();
    }

    /**
     * Ack every entry, leaving holes that are filled at the end of each window.
     *
     * @param state index and ack order.
     * @return entries acked.
     */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int withHoles(final HolesState state)
    {
        return state.run();
    }

    /**
     * Ack every odd entry, then every even one.
     *
     * @param state index and ack order.
     * @return entries acked.
     */
    @Benchmark
    @OperationsPerInvocation(ENTRIES)
    public int everyOther(final EveryOtherState state)
    {
        return state.run();
    }
}
