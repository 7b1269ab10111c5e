package io.magnetar.perf.jmh;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Publication;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.codecs.storage.EntryHeaderEncoder;
import io.magnetar.codecs.storage.MessageHeaderEncoder;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.TopicIndex;
import org.agrona.CloseHelper;
import org.agrona.IoUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * The persistent append path of a topic shard: encode an {@code EntryHeader} (topic id, sequence id, publish time,
 * producer id, a 16 B key and a 100 B payload: 177 B, a 224 B frame) into a buffer,
 * {@link RecordedLog#append(org.agrona.DirectBuffer, int, int)} it and add its position to the topic's
 * {@link TopicIndex}. An append refused with {@code BACK_PRESSURED} idles with the shard agent's back-off strategy
 * and is retried, one refused with {@code ADMIN_ACTION} (the term was padded) is retried at once; both are counted
 * as the {@code backPressured} and {@code adminAction} events of each iteration. The log is recorded by a real
 * {@link MagnetarMediaDriver} (default profile: SHARED driver and archive threads with back-off idle strategies,
 * {@code archived} durability, 64 MB segments, 16 MB terms) on temporary directories, started once per trial.
 * Before each iteration the segment files already written are purged, as retention would.
 * <ul>
 *     <li>{@link #append(IndexState, Retries)}: append throughput, bounded by how fast the archive copies the
 *     recording into its segment files (the publication may run half a term ahead of it). The {@code index}
 *     parameter: {@code growing} is a {@code new TopicIndex()} per iteration, as the broker creates one, whose array
 *     grows by half each time it fills: the B/op shown is that growth. {@code presized} is one
 *     {@code new TopicIndex(capacity)} per trial, cleared before each iteration, so the path allocates nothing.</li>
 *     <li>{@link #durableAppend(PresizedIndexState, Retries)}: the same with a presized index, then wait (yielding)
 *     until the archive's {@link RecordedLog#durablePosition()} has passed the end of the entry, the condition for
 *     the broker's send receipt: the latency of one synchronous durable append.</li>
 * </ul>
 * The driver and archive threads need cores of their own: on a 2-core machine they share them with the benchmark.
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {
    "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-opens", "java.base/java.util.zip=ALL-UNNAMED" })
@State(Scope.Thread)
public class AppendPathBenchmark
{
    /**
     * Stream id of the log, as the entry log of shard 0.
     */
    static final int STREAM_ID = 1_100_000;

    /**
     * Term length of the log.
     */
    static final int TERM_LENGTH = 16 * 1024 * 1024;

    /**
     * Archive segment file length.
     */
    static final int SEGMENT_FILE_LENGTH = 64 * 1024 * 1024;

    /**
     * Entries a presized index holds without growing (128 MB): more than a 1 s iteration appends on a fast machine.
     * An iteration that appends more grows the array, which shows as B/op.
     */
    static final int PRESIZED_INDEX_CAPACITY = 16 * 1024 * 1024;

    static final int KEY_LENGTH = 16;
    static final int PAYLOAD_LENGTH = 100;
    static final long TOPIC_ID = 1;
    static final long PRODUCER_ID = 7;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final EntryHeaderEncoder entryEncoder = new EntryHeaderEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(KEY_LENGTH));
    private final UnsafeBuffer payload = new UnsafeBuffer(ByteBuffer.allocateDirect(PAYLOAD_LENGTH));
    private final UnsafeBuffer properties = new UnsafeBuffer(ByteBuffer.allocateDirect(0));
    private final IdleStrategy backPressureIdle = new BackoffIdleStrategy(
        100, 10, TimeUnit.MICROSECONDS.toNanos(1), TimeUnit.MICROSECONDS.toNanos(100));

    private File tempDir;
    private String aeronDir;
    private MagnetarMediaDriver driver;
    private Aeron aeron;
    private AeronArchive archive;
    private RecordedLog log;
    private long sequenceId;
    private long purgedPosition;

    /**
     * Retries of the appends of one iteration.
     */
    @AuxCounters(AuxCounters.Type.EVENTS)
    @State(Scope.Thread)
    public static class Retries
    {
        /**
         * Appends refused because the archive had not caught up with the publication's window.
         */
        public long backPressured;

        /**
         * Appends refused because the entry did not fit the rest of the term, which was padded.
         */
        public long adminAction;

        /**
         * Zero the counters.
         */
        @Setup(Level.Iteration)
        public void reset()
        {
            backPressured = 0;
            adminAction = 0;
        }
    }

    /**
     * A topic's index, either a {@code new TopicIndex()} per iteration or one presized index cleared per iteration.
     */
    abstract static class IndexHolder
    {
        TopicIndex topicIndex;
        private boolean presized;

        void presize()
        {
            topicIndex = new TopicIndex(PRESIZED_INDEX_CAPACITY);
            presized = true;
        }

        void reset()
        {
            if (presized)
            {
                topicIndex.clear();
            }
            else
            {
                topicIndex = new TopicIndex();
            }
        }
    }

    /**
     * The topic's index for the throughput benchmark, growing or presized.
     */
    @State(Scope.Thread)
    public static class IndexState extends IndexHolder
    {
        @Param({ "growing", "presized" })
        String index;

        /**
         * Size the index once if it is presized.
         */
        @Setup(Level.Trial)
        public void setupTrial()
        {
            if ("presized".equals(index))
            {
                presize();
            }
            else if (!"growing".equals(index))
            {
                throw new IllegalArgumentException("index must be growing or presized: " + index);
            }
        }

        /**
         * Start each iteration with an empty index.
         */
        @Setup(Level.Iteration)
        public void setupIteration()
        {
            reset();
        }
    }

    /**
     * The topic's index for the durable append benchmark: presized, so that the latency is the append path's.
     */
    @State(Scope.Thread)
    public static class PresizedIndexState extends IndexHolder
    {
        /**
         * Size the index once.
         */
        @Setup(Level.Trial)
        public void setupTrial()
        {
            presize();
        }

        /**
         * Start each iteration with an empty index.
         */
        @Setup(Level.Iteration)
        public void setupIteration()
        {
            reset();
        }
    }

    /**
     * Start a driver and an archive on temporary directories and open the log.
     *
     * @throws IOException if the temporary directory cannot be created.
     */
    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        tempDir = Files.createTempDirectory("magnetar-jmh-append-").toFile();
        aeronDir = CommonContext.generateRandomDirName();
        final File archiveDir = new File(tempDir, "archive");

        driver = MagnetarMediaDriver.launch(new MagnetarMediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(archiveDir)
            .profile(Profile.DEFAULT)
            .durability(Durability.ARCHIVED)
            .segmentFileLength(SEGMENT_FILE_LENGTH)
            .deleteAeronDirOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        archive = AeronArchive.connect(driver.archiveClientContext().aeron(aeron));
        log = RecordedLog.open(
            "jmh-entry-log", aeron, archive, archiveDir, SEGMENT_FILE_LENGTH, STREAM_ID, TERM_LENGTH);

        key.putStringWithoutLengthAscii(0, "order-key-000001");
        for (int i = 0; i < PAYLOAD_LENGTH; i++)
        {
            payload.putByte(i, (byte)i);
        }
    }

    /**
     * Once the archive has everything appended so far, delete the segment files before the one being written, as
     * retention would, so that the files of a long run do not fill the page cache or the disk.
     */
    @Setup(Level.Iteration)
    public void purgeWrittenSegments()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (log.durablePosition() < log.appendedPosition())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("the archive did not catch up with the log");
            }
            Thread.yield();
        }

        final long segmentStart = AeronArchive.segmentFileBasePosition(
            log.startPosition(), log.appendedPosition(), log.termLength(), SEGMENT_FILE_LENGTH);
        if (segmentStart > purgedPosition)
        {
            archive.purgeSegments(log.recordingId(), segmentStart);
            purgedPosition = segmentStart;
        }
    }

    /**
     * Close the log, the clients and the driver, and delete the temporary directories.
     */
    @TearDown(Level.Trial)
    public void tearDown()
    {
        CloseHelper.closeAll(log, archive, aeron, driver);
        if (null != tempDir)
        {
            IoUtil.delete(tempDir, true);
        }
        if (null != aeronDir)
        {
            IoUtil.delete(new File(aeronDir), true);
        }
    }

    /**
     * Encode, append and index one entry.
     *
     * @param index   of the topic.
     * @param retries of this iteration.
     * @return the entry's position.
     */
    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long append(final IndexState index, final Retries retries)
    {
        final long position = appendEntry(retries);
        index.topicIndex.add(position);

        return position;
    }

    /**
     * Encode, append and index one entry, then wait until the archive has it.
     *
     * @param index   of the topic.
     * @param retries of this iteration.
     * @return the entry's position.
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public long durableAppend(final PresizedIndexState index, final Retries retries)
    {
        final long position = appendEntry(retries);
        index.topicIndex.add(position);

        final long endPosition = log.appendedPosition();
        while (log.durablePosition() < endPosition)
        {
            Thread.yield();
        }

        return position;
    }

    private long appendEntry(final Retries retries)
    {
        entryEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .topicId(TOPIC_ID)
            .sequenceId(sequenceId++)
            .publishTime(1_700_000_000_000L)
            .producerId(PRODUCER_ID)
            .schemaVersion(0)
            .batchCount(1);
        entryEncoder.flags().clear();
        entryEncoder.putKey(key, 0, KEY_LENGTH);
        entryEncoder.putProperties(properties, 0, 0);
        entryEncoder.putPayload(payload, 0, PAYLOAD_LENGTH);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + entryEncoder.encodedLength();

        long position;
        while ((position = log.append(buffer, 0, length)) < 0)
        {
            if (Publication.BACK_PRESSURED == position)
            {
                retries.backPressured++;
                backPressureIdle.idle();
            }
            else if (Publication.ADMIN_ACTION == position)
            {
                retries.adminAction++;
            }
            else
            {
                throw new IllegalStateException("append failed: " + Publication.errorString(position));
            }
        }

        backPressureIdle.reset();

        return position;
    }

}
