package io.magnetar.tools;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code magnetar topics reset-cursor -t}: how long ago, read as Pulsar reads it.
 */
class TopicsCommandTest
{
    private static final long NOW_MS = 1_700_000_000_000L;

    @Test
    void shouldReadABareResetTimeAsSeconds()
    {
        assertEquals(NOW_MS - 600_000, resetCursor("-t", "600").publishTime(NOW_MS));
    }

    @Test
    void shouldReadResetTimesWithUnits()
    {
        assertEquals(NOW_MS - 30_000, resetCursor("-t", "30s").publishTime(NOW_MS));
        assertEquals(NOW_MS - 7_200_000, resetCursor("--time", "2h").publishTime(NOW_MS));
        assertEquals(NOW_MS - 604_800_000, resetCursor("-t", "1w").publishTime(NOW_MS));
        assertEquals(1234, resetCursor("--publish-time", "1234").publishTime(NOW_MS));
    }

    @Test
    void shouldRefuseABadResetTime()
    {
        assertThrows(IllegalArgumentException.class, () -> resetCursor("-t", "-1").publishTime(NOW_MS));
        assertEquals(2, new CommandLine(new MagnetarTool())
            .execute("topics", "reset-cursor", "persistent://public/default/t", "-s", "s1", "-t", "ago"));
    }

    private static TopicsCommand.ResetCursor resetCursor(final String... options)
    {
        final TopicsCommand.ResetCursor command = new TopicsCommand.ResetCursor();
        final String[] args = new String[options.length + 3];
        args[0] = "persistent://public/default/t";
        args[1] = "-s";
        args[2] = "s1";
        System.arraycopy(options, 0, args, 3, options.length);
        new CommandLine(command).parseArgs(args);

        return command;
    }
}
