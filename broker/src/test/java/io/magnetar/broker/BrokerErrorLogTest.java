package io.magnetar.broker;

import org.agrona.CloseHelper;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Errors of the broker are recorded in the distinct error log of its mark file, counted in the errors counter, and
 * can be read back after the broker is gone.
 */
@Timeout(120)
class BrokerErrorLogTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;
    private RawClient raw;

    @AfterEach
    void after()
    {
        CloseHelper.closeAll(raw, harness);
    }

    @Test
    void shouldRecordAndCountABrokerErrorInTheMarkFile() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final File markFile = new File(dataDir, BrokerMarkFile.FILE_NAME);
        assertEquals(markFile, harness.broker.markFile());
        assertTrue(read(markFile).endsWith("0 distinct error(s)" + System.lineSeparator()), read(markFile));

        // a UDP client asking to be answered over IPC is refused, and the broker reports it as an error
        raw = new RawClient(harness.aeronDir, harness.broker.port());
        raw.sendConnect(7, "aeron:ipc", 1002);
        raw.sendConnect(8, "aeron:ipc", 1002);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        // the counter is incremented before the handlers run: wait for both
        while (harness.broker.counters().errors.get() < 2 || harness.errors.size() < 2)
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("errors counter did not count the rejected connects: " + harness.errors);
            }
            Thread.yield();
        }
        assertEquals(2, harness.broker.counters().errors.get());
        assertEquals(2, harness.errors.size(), harness.errors.toString());
        assertTrue(harness.errors.get(0).getMessage().contains("rejected"), harness.errors.toString());

        final String running = read(markFile);
        assertTrue(running.contains("broker pid " + ProcessHandle.current().pid()), running);
        assertTrue(running.contains("seen 2 time(s)"), running);
        assertTrue(running.contains("connect from image session"), running);
        assertTrue(running.endsWith("1 distinct error(s)" + System.lineSeparator()), running);

        harness.stop();
        final String stopped = read(markFile);
        assertTrue(stopped.contains("connect from image session"), stopped);
        assertTrue(stopped.endsWith("1 distinct error(s)" + System.lineSeparator()), stopped);
    }

    @Test
    void shouldSaveTheErrorsOfTheRunBeforeOnRestart() throws Exception
    {
        try (BrokerMarkFile previous = new BrokerMarkFile(dataDir, 64 * 1024, 1_000L))
        {
            assertNull(previous.savedErrors());
            new DistinctErrorLog(previous.errorBuffer(), () -> 2_000L).record(new IllegalStateException("boom"));
        }

        harness = new BrokerHarness(dataDir).start();
        final File[] saved = dataDir.listFiles((dir, name) -> name.startsWith("magnetar-errors-"));
        assertNotNull(saved);
        assertEquals(1, saved.length);
        final String text = Files.readString(saved[0].toPath(), StandardCharsets.UTF_8);
        assertTrue(text.contains("IllegalStateException: boom"), text);
        assertTrue(text.contains("first 1970-01-01T00:00:02Z"), text);
        final String savedName = saved[0].getName();
        assertTrue(harness.logLines.stream().anyMatch((line) -> line.contains(savedName)), harness.logLines.toString());

        final String fresh = read(new File(dataDir, BrokerMarkFile.FILE_NAME));
        assertTrue(fresh.endsWith("0 distinct error(s)" + System.lineSeparator()), fresh);
    }

    @Test
    void shouldRefuseAFileThatIsNotAMarkFile() throws Exception
    {
        final File missing = new File(dataDir, BrokerMarkFile.FILE_NAME);
        assertThrows(IllegalStateException.class, () -> BrokerMarkFile.printErrors(missing, System.out));

        Files.write(missing.toPath(), new byte[BrokerMarkFile.HEADER_LENGTH]);
        final IllegalStateException ex = assertThrows(
            IllegalStateException.class, () -> BrokerMarkFile.printErrors(missing, System.out));
        assertTrue(ex.getMessage().startsWith("not a Magnetar mark file"), ex.getMessage());
    }

    @Test
    void shouldPrintNothingButTheCountForAnEmptyErrorLog()
    {
        final AtomicBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, BrokerMarkFile.printErrorLog(buffer, new PrintStream(out, true, StandardCharsets.UTF_8)));
        assertEquals(System.lineSeparator() + "0 distinct error(s)" + System.lineSeparator(),
            out.toString(StandardCharsets.UTF_8));
    }

    private static String read(final File markFile)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        BrokerMarkFile.printErrors(markFile, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }
}
