package io.magnetar.tools;

import io.magnetar.broker.BrokerMarkFile;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code magnetar errors --data-dir DIR} reads the error log of a broker's mark file.
 */
class ErrorsCommandTest
{
    @TempDir
    File dataDir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    @BeforeEach
    void capture()
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore()
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }

    @Test
    void shouldPrintTheDistinctErrorsOfAMarkFile()
    {
        try (BrokerMarkFile markFile = new BrokerMarkFile(dataDir, 64 * 1024, 5_000L))
        {
            final DistinctErrorLog log = new DistinctErrorLog(markFile.errorBuffer(), () -> 6_000L);
            final IllegalStateException error = new IllegalStateException("shard log is gone");
            log.record(error);
            log.record(error);
            log.record(new IllegalArgumentException("bad topic"));
        }

        assertEquals(0, execute("errors", "--data-dir", dataDir.getPath()));
        final String text = out.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("broker pid " + ProcessHandle.current().pid() + ", started 1970-01-01T00:00:05Z"),
            text);
        assertTrue(text.contains("seen 2 time(s), first 1970-01-01T00:00:06Z"), text);
        assertTrue(text.contains("java.lang.IllegalStateException: shard log is gone"), text);
        assertTrue(text.contains("java.lang.IllegalArgumentException: bad topic"), text);
        assertTrue(text.endsWith("2 distinct error(s)" + System.lineSeparator()), text);
    }

    @Test
    void shouldSaySoWhenThereIsNoMarkFile()
    {
        assertEquals(1, execute("errors", "--data-dir", new File(dataDir, "nothing").getPath()));
        final String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("errors: no mark file: "), text);
    }

    private static int execute(final String... args)
    {
        return new CommandLine(new MagnetarTool()).execute(args);
    }
}
