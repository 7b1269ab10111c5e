package io.magnetar.storage;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RecordedLogTest
{
    private static final int STREAM_ID = 7777;
    private static final int TERM_LENGTH = 64 * 1024;
    private static final int SEGMENT_LENGTH = 256 * 1024;

    @TempDir
    File tempDir;

    private MagnetarMediaDriver driver;
    private Aeron aeron;
    private AeronArchive archive;
    private final String aeronDir = CommonContext.generateRandomDirName();

    @BeforeEach
    void before()
    {
        start();
    }

    @AfterEach
    void after()
    {
        stop();
        IoUtil.delete(new File(aeronDir), true);
    }

    private void start()
    {
        driver = MagnetarMediaDriver.launch(new MagnetarMediaDriver.Context()
            .aeronDirectoryName(aeronDir)
            .archiveDir(new File(tempDir, "archive"))
            .segmentFileLength(SEGMENT_LENGTH)
            .deleteAeronDirOnShutdown(true));
        aeron = Aeron.connect(new Aeron.Context().aeronDirectoryName(aeronDir));
        archive = AeronArchive.connect(driver.archiveClientContext().aeron(aeron));
    }

    private void stop()
    {
        CloseHelper.closeAll(archive, aeron, driver);
    }

    private RecordedLog open()
    {
        return RecordedLog.open(
            "test-log", aeron, archive, new File(tempDir, "archive"), SEGMENT_LENGTH, STREAM_ID, TERM_LENGTH);
    }

    @Test
    void shouldAppendReadAndExtendAcrossRestartWithStablePositions()
    {
        final List<Long> positions = new ArrayList<>();
        final List<String> expected = new ArrayList<>();
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        final long recordingId;

        try (RecordedLog log = open())
        {
            recordingId = log.recordingId();
            assertEquals(0, log.recoveredPosition());
            // small records, records that cross terms (padding) and fragmented records
            for (int i = 0; i < 400; i++)
            {
                final String text = "record-" + i + "-" + "x".repeat(i % 7 == 0 ? 3000 : i % 50);
                final int length = buffer.putStringWithoutLengthAscii(0, text);
                long position;
                while ((position = log.append(buffer, 0, length)) < 0)
                {
                    Thread.yield();
                }
                positions.add(position);
                expected.add(text);
            }
            while (log.durablePosition() < log.appendedPosition())
            {
                Thread.yield();
            }
            assertReadable(log, positions, expected);
        }

        stop();
        start();

        try (RecordedLog log = open())
        {
            assertEquals(recordingId, log.recordingId());
            final List<String> scanned = new ArrayList<>();
            final List<Long> scannedPositions = new ArrayList<>();
            final long end = log.reader().scan(
                log.startPosition(),
                log.recoveredPosition(),
                (buf, offset, length, position, next) ->
                {
                    scanned.add(buf.getStringWithoutLengthAscii(offset, length));
                    scannedPositions.add(position);
                });
            assertEquals(log.recoveredPosition(), end);
            assertEquals(expected, scanned);
            assertEquals(positions, scannedPositions, "a scan gives each record the id its append gave");

            final int length = buffer.putStringWithoutLengthAscii(0, "after-restart");
            long position;
            while ((position = log.append(buffer, 0, length)) < 0)
            {
                Thread.yield();
            }
            assertTrue(position >= positions.get(positions.size() - 1));
            assertEquals(log.recoveredPosition(), position);
            positions.add(position);
            expected.add("after-restart");
            while (log.durablePosition() < log.appendedPosition())
            {
                Thread.yield();
            }
            assertReadable(log, positions, expected);
        }
    }

    @Test
    void shouldCutTornFragmentedRecordLeftByCrash()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        final long tornStart;
        final long recordingId;
        try (RecordedLog log = open())
        {
            recordingId = log.recordingId();
            appendAndAwait(log, buffer, "first");
            tornStart = appendAndAwait(log, buffer, "y".repeat(5000));
        }

        // the crash: the recording stops after the first fragment of the large record
        archive.truncateRecording(recordingId, tornStart + 1408);

        try (RecordedLog log = open())
        {
            assertEquals(tornStart, log.tornTailPosition());
            assertEquals(1408, log.tornTailLength());
            assertEquals(tornStart, log.recoveredPosition());
            final long position = appendAndAwait(log, buffer, "after");
            assertEquals(tornStart, position);

            final List<String> scanned = new ArrayList<>();
            log.reader().scan(log.startPosition(), log.durablePosition(),
                (buf, offset, length, pos, next) -> scanned.add(buf.getStringWithoutLengthAscii(offset, length)));
            assertEquals(List.of("first", "after"), scanned);
        }
    }

    @Test
    void shouldReportCorruptDataWithLogAndPosition() throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024));
        final long second;
        final long recordingId;
        try (RecordedLog log = open())
        {
            recordingId = log.recordingId();
            appendAndAwait(log, buffer, "one");
            second = appendAndAwait(log, buffer, "two");
            appendAndAwait(log, buffer, "three");
        }

        // a fragment flag that makes the middle record start with an end fragment
        try (RandomAccessFile file = new RandomAccessFile(
            new File(new File(tempDir, "archive"), recordingId + "-0.rec"), "rw"))
        {
            file.seek(second + 5);
            file.write(0x40);
        }

        // found while checking the tail on open, before anything is appended after it
        final StorageException ex = assertThrows(StorageException.class, this::open);
        assertTrue(ex.getMessage().contains("test-log (recording " + recordingId + ")"), ex.getMessage());
        assertTrue(ex.getMessage().contains("position " + second), ex.getMessage());
    }

    private static long appendAndAwait(final RecordedLog log, final UnsafeBuffer buffer, final String text)
    {
        final int length = buffer.putStringWithoutLengthAscii(0, text);
        long position;
        while ((position = log.append(buffer, 0, length)) < 0)
        {
            Thread.yield();
        }
        while (log.durablePosition() < log.appendedPosition())
        {
            Thread.yield();
        }
        return position;
    }

    private static void assertReadable(final RecordedLog log, final List<Long> positions, final List<String> expected)
    {
        for (int i = 0; i < positions.size(); i++)
        {
            final String[] read = new String[1];
            final long next = log.reader().read(
                positions.get(i),
                log.durablePosition(),
                (DirectBuffer buf, int offset, int length, long position, long nextPosition) ->
                    read[0] = buf.getStringWithoutLengthAscii(offset, length));
            assertTrue(next > positions.get(i));
            assertEquals(expected.get(i), read[0], "record " + i + " at " + positions.get(i));
        }
    }
}
