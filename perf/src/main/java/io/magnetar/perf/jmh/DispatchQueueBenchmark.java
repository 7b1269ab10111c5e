package io.magnetar.perf.jmh;

import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * The session to shard hand-off: a JCTools {@link SpscArrayQueue} of pooled commands with a second queue that
 * returns them to the pool, as the broker's session agent and topic shard agents use it. The producer side takes a
 * command from the pool, copies a frame (~150 B, an off-heap source as an Aeron term buffer is) into the command's
 * buffer and offers it; the consumer side polls it, reads it and returns it to the pool.
 * <ul>
 *     <li>{@link #roundTrip(SingleThreadState)}: both sides on one thread, ns per hand-off and return.</li>
 *     <li>{@code handOff} group: a producer thread and a consumer thread, throughput in ops/us. The group's score
 *     counts every call of either side, failed attempts included: the {@code sent} and {@code received} counters
 *     are the hand-offs per us; {@code poolEmpty} (the consumer is behind: the broker aborts the fragment and polls
 *     it again) and {@code queueEmpty} (nothing to do) count the failed attempts.</li>
 * </ul>
 * Nothing is allocated per command: run with {@code -prof gc} to see ~0 B/op.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
public class DispatchQueueBenchmark
{
    /**
     * Capacity of a command buffer, as the broker's small pooled commands.
     */
    static final int COMMAND_BUFFER_LENGTH = 2048;

    /**
     * Commands in a pool, as the broker's default shard queue capacity.
     */
    static final int POOL_SIZE = 512;

    /**
     * Length of a frame handed off: a {@code Send} with a short key and a ~100 B payload.
     */
    static final int FRAME_LENGTH = 150;

    /**
     * A pooled command, the benchmark's stand-in for the broker's package-private {@code ShardCommand}.
     */
    static final class Command
    {
        static final int FRAME = 1;

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[COMMAND_BUFFER_LENGTH]);
        int type;
        int frameLength;
        Object egress;

        void reset()
        {
            type = 0;
            frameLength = 0;
            egress = null;
        }
    }

    /**
     * The queue to a shard and its pool of free commands, filled at the start.
     */
    abstract static class HandOff
    {
        SpscArrayQueue<Command> queue;
        SpscArrayQueue<Command> pool;
        final UnsafeBuffer source = new UnsafeBuffer(ByteBuffer.allocateDirect(COMMAND_BUFFER_LENGTH));
        final Object egress = new Object();

        void init()
        {
            queue = new SpscArrayQueue<>(POOL_SIZE);
            pool = new SpscArrayQueue<>(POOL_SIZE);
            for (int i = 0; i < POOL_SIZE; i++)
            {
                pool.offer(new Command());
            }
            for (int i = 0; i < FRAME_LENGTH; i++)
            {
                source.putByte(i, (byte)(i & 0x7F));
            }
        }

        /**
         * Session side: take a command from the pool, copy the frame in and hand it to the shard.
         *
         * @return true if handed off, false if the pool was empty.
         */
        final boolean send()
        {
            final Command command = pool.poll();
            if (null == command)
            {
                return false;
            }

            command.type = Command.FRAME;
            command.egress = egress;
            command.frame.putBytes(0, source, 0, FRAME_LENGTH);
            command.frameLength = FRAME_LENGTH;
            queue.offer(command);

            return true;
        }

        /**
         * Shard side: take the next command, read it and return it to the pool.
         *
         * @return a value (&gt;= 0) read from the command, or -1 if the queue was empty.
         */
        final long receive()
        {
            final Command command = queue.poll();
            if (null == command)
            {
                return -1;
            }

            final long value = (long)command.frame.getInt(0) + command.frame.getInt(command.frameLength - 4) +
                command.type;
            command.reset();
            pool.offer(command);

            return value;
        }
    }

    /**
     * Queue and pool used by one thread.
     */
    @State(Scope.Thread)
    public static class SingleThreadState extends HandOff
    {
        /**
         * Fill the pool.
         */
        @Setup
        public void setup()
        {
            init();
        }
    }

    /**
     * Queue and pool shared by the producer and consumer threads of a group.
     */
    @State(Scope.Group)
    public static class GroupState extends HandOff
    {
        /**
         * Fill the pool.
         */
        @Setup
        public void setup()
        {
            init();
        }
    }

    /**
     * Producer-side counters: commands handed off, and attempts that found the pool empty.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ProducerCounters
    {
        /**
         * Commands handed off.
         */
        public long sent;

        /**
         * Attempts that found the pool empty.
         */
        public long poolEmpty;

        /**
         * Zero the counters.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            sent = 0;
            poolEmpty = 0;
        }
    }

    /**
     * Consumer-side counters: commands received, and polls that found the queue empty.
     */
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    @State(Scope.Thread)
    public static class ConsumerCounters
    {
        /**
         * Commands received and returned to the pool.
         */
        public long received;

        /**
         * Polls that found the queue empty.
         */
        public long queueEmpty;

        /**
         * Zero the counters.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            received = 0;
            queueEmpty = 0;
        }
    }

    /**
     * Hand a command off and take it back on the same thread.
     *
     * @param state queue and pool.
     * @return a value read from the command.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long roundTrip(final SingleThreadState state)
    {
        state.send();
        return state.receive();
    }

    /**
     * Session side of the two-thread hand-off.
     *
     * @param state    queue and pool shared with the consumer.
     * @param counters of this producer.
     * @return true if a command was handed off.
     */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public boolean producer(final GroupState state, final ProducerCounters counters)
    {
        if (state.send())
        {
            counters.sent++;
            return true;
        }

        counters.poolEmpty++;
        return false;
    }

    /**
     * Shard side of the two-thread hand-off.
     *
     * @param state    queue and pool shared with the producer.
     * @param counters of this consumer.
     * @return a value read from the command, or -1 if there was none.
     */
    @Benchmark
    @Group("handOff")
    @GroupThreads(1)
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    public long consumer(final GroupState state, final ConsumerCounters counters)
    {
        final long value = state.receive();
        if (value < 0)
        {
            counters.queueEmpty++;
        }
        else
        {
            counters.received++;
        }

        return value;
    }
}
