package io.magnetar.tools;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code magnetar namespaces} without a broker: value parsing, option names, and input errors that are reported
 * before connecting.
 */
class NamespacesCommandTest
{
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalErr;

    @BeforeEach
    void captureErr()
    {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreErr()
    {
        System.setErr(originalErr);
    }

    @Test
    void shouldParseDurationsAsPulsarDoes()
    {
        assertEquals(600_000, NamespacesCommand.durationMs("--ttl", "600"));
        assertEquals(30_000, NamespacesCommand.durationMs("--ttl", "30s"));
        assertEquals(600_000, NamespacesCommand.durationMs("--ttl", "10m"));
        assertEquals(10_800_000, NamespacesCommand.durationMs("--ttl", "3h"));
        assertEquals(86_400_000, NamespacesCommand.durationMs("--ttl", "1d"));
        assertEquals(1_209_600_000, NamespacesCommand.durationMs("--ttl", "2w"));
        assertEquals(500, NamespacesCommand.durationMs("--ttl", "500ms"));
        assertEquals(0, NamespacesCommand.durationMs("--ttl", "0"));
        assertEquals(-1, NamespacesCommand.durationMs("--ttl", "-1"));

        for (final String bad : new String[]{ "", "-2", "-5m", "+5", "1.5h", "ten", "10x", "99999999999999999999" })
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> NamespacesCommand.durationMs("--ttl", bad), bad);
            assertTrue(ex.getMessage().startsWith("--ttl: bad duration"), ex.getMessage());
        }
    }

    @Test
    void shouldParseSizes()
    {
        assertEquals(4096, NamespacesCommand.sizeBytes("--size", "4096"));
        assertEquals(512 * 1024, NamespacesCommand.sizeBytes("--size", "512K"));
        assertEquals(10L * 1024 * 1024, NamespacesCommand.sizeBytes("--size", "10M"));
        assertEquals(10L * 1024 * 1024, NamespacesCommand.sizeBytes("--size", "10m"));
        assertEquals(2L * 1024 * 1024 * 1024, NamespacesCommand.sizeBytes("--size", "2G"));
        assertEquals(1024L * 1024 * 1024 * 1024, NamespacesCommand.sizeBytes("--size", "1T"));
        assertEquals(-1, NamespacesCommand.sizeBytes("--size", "-1"));

        for (final String bad : new String[]{ "", "-2", "-10M", "10X", "ten", "M", "99999999999T" })
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> NamespacesCommand.sizeBytes("--size", bad), bad);
            assertTrue(ex.getMessage().startsWith("--size: bad size"), ex.getMessage());
        }
    }

    @Test
    void shouldPrettyPrintJsonAndPassOtherTextThrough()
    {
        final String pretty = NamespacesCommand.prettyJson("{\"namespace\":\"public/ns1\",\"explicit\":[]}");
        assertTrue(pretty.contains(System.lineSeparator()), pretty);
        assertTrue(pretty.contains("\"public/ns1\""), pretty);
        assertEquals("not json {", NamespacesCommand.prettyJson("not json {"));
    }

    @Test
    void shouldAcceptPulsarsMessageTtlOptionNames()
    {
        for (final String option : new String[]{ "--ttl", "-ttl", "--messageTTL" })
        {
            final ParseResult result = new CommandLine(new MagnetarTool())
                .parseArgs("namespaces", "set-message-ttl", "public/ns1", option, "10m");
            final Object command = result.subcommand().subcommand().commandSpec().userObject();
            final NamespacesCommand.SetMessageTtl setMessageTtl =
                assertInstanceOf(NamespacesCommand.SetMessageTtl.class, command);
            assertEquals("10m", setMessageTtl.ttl);
            assertEquals("public/ns1", setMessageTtl.namespace);
        }
    }

    @Test
    void shouldRefuseBadInputBeforeConnecting()
    {
        assertUsageError("the namespace must be tenant/namespace", "policies", "public");
        assertUsageError("the namespace must be tenant/namespace", "remove-retention", "public/ns1/t");
        assertUsageError("give -t/--time, -s/--size or both", "set-retention", "public/ns1");
        assertUsageError("--time: bad duration", "set-retention", "public/ns1", "-t", "soon");
        assertUsageError("--size: bad size", "set-retention", "public/ns1", "-s", "-3");
        assertUsageError("--ttl: 0 would expire", "set-message-ttl", "public/ns1", "--ttl", "0");
        assertUsageError("backlog quota policy must be one of", "set-backlog-quota", "public/ns1", "-l", "10M",
            "-p", "drop");
        assertUsageError("durability must be one of memory, archived, fsync", "set-durability", "public/ns1", "disk");
    }

    @Test
    void shouldRequireTheOptionsOfEachCommand()
    {
        assertEquals(2, execute("namespaces", "set-message-ttl", "public/ns1"));
        assertEquals(2, execute("namespaces", "set-backlog-quota", "public/ns1", "-l", "10M"));
        assertEquals(2, execute("namespaces", "set-durability", "public/ns1"));
        assertEquals(2, execute("namespaces", "policies"));
    }

    private void assertUsageError(final String expected, final String... args)
    {
        err.reset();
        final String[] fullArgs = new String[args.length + 1];
        fullArgs[0] = "namespaces";
        System.arraycopy(args, 0, fullArgs, 1, args.length);

        assertEquals(2, execute(fullArgs), String.join(" ", fullArgs));
        final String text = err.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith(args[0] + ": "), text);
        assertTrue(text.contains(expected), text);
    }

    private static int execute(final String... args)
    {
        return new CommandLine(new MagnetarTool()).execute(args);
    }
}
