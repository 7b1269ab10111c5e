package io.magnetar.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code magnetar produce}: input errors reported before connecting, one line each, exit code 2.
 */
class ProduceCommandTest
{
    @TempDir
    File dir;

    @RegisterExtension
    final CapturedStreams streams = new CapturedStreams();

    @Test
    void shouldRefuseBadInputBeforeConnecting()
    {
        assertRefused("-r must be a number of messages per second", "t", "-m", "x", "-r", "-1");
        assertRefused("-r must be a number of messages per second", "t", "-m", "x", "-r", "NaN");
        assertRefused("give the payloads with -m or with -f", "t");
        assertRefused("give the payloads with -m or with -f", "t", "-m", "x", "-f", "y");
        assertRefused("-f: no such file: " + new File(dir, "missing"), "t", "-f", new File(dir, "missing").getPath());
        assertRefused("-n must not be negative", "t", "-m", "x", "-n", "-1");
        assertRefused("-z: unknown compression 'gzip'", "t", "-m", "x", "-z", "gzip");
        assertRefused("--batching cannot be used with --chunking", "t", "-m", "x", "-b", "-c");
        assertRefused("--batching cannot be used with --disable-batching", "t", "-m", "x", "-b", "-db");
    }

    private void assertRefused(final String expected, final String... args)
    {
        streams.reset();
        final String[] command = new String[args.length + 1];
        command[0] = "produce";
        System.arraycopy(args, 0, command, 1, args.length);

        assertEquals(2, MagnetarTool.commandLine().execute(command), streams.err());
        assertTrue(streams.err().contains(expected), streams.err());
        assertEquals(1, streams.err().lines().count(), streams.err());
    }
}
