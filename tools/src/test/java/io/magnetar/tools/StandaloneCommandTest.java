package io.magnetar.tools;

import io.magnetar.broker.BrokerContext;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code magnetar standalone} options turned into broker settings, without launching a broker.
 */
class StandaloneCommandTest
{
    @Test
    void shouldReadABareMessageTtlAsSeconds()
    {
        assertEquals(600_000, context("--message-ttl", "600").retention().messageTtlMs());
    }

    @Test
    void shouldReadABareRetentionTimeAsSeconds()
    {
        assertEquals(3_600_000, context("--retention-time", "3600").retention().timeMs());
    }

    @Test
    void shouldReadDurationsWithUnitsAndMinusOne()
    {
        final BrokerContext ctx = context("--message-ttl", "10m", "--retention-time", "2w");
        assertEquals(600_000, ctx.retention().messageTtlMs());
        assertEquals(1_209_600_000, ctx.retention().timeMs());

        assertEquals(-1, context("--message-ttl", "-1").retention().messageTtlMs());
    }

    @Test
    void shouldRefuseABadDurationNamingTheOption()
    {
        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> context("--message-ttl", "-5m"));
        assertTrue(ex.getMessage().startsWith("--message-ttl: bad duration"), ex.getMessage());
        assertEquals(2, new CommandLine(new MagnetarTool()).execute("standalone", "--retention-time", "soon"));
    }

    @Test
    void shouldReadSizesWithTheOneSizeParser()
    {
        final BrokerContext ctx = context("--retention-size", "2T", "--backlog-quota-size", "10M");
        assertEquals(2L * 1024 * 1024 * 1024 * 1024, ctx.retention().sizeBytes());
        assertEquals(10L * 1024 * 1024, ctx.backlogQuota().limitBytes());
        assertEquals(-1, context("--retention-size", "-1").retention().sizeBytes());

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> context("--backlog-quota-size", "-10M"));
        assertTrue(ex.getMessage().startsWith("--backlog-quota-size: bad size"), ex.getMessage());
    }

    @Test
    void shouldTurnDeduplicationOnForNamespacesThatDoNotSetIt()
    {
        assertTrue(context("--deduplication").deduplication());
        assertEquals(Boolean.getBoolean("magnetar.deduplication.enabled"), context().deduplication());
    }

    private static BrokerContext context(final String... args)
    {
        final StandaloneCommand command = new StandaloneCommand();
        new CommandLine(command).parseArgs(args);

        return command.context();
    }
}
