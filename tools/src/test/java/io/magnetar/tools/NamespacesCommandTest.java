package io.magnetar.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.magnetar.client.NamespacePolicies;
import io.magnetar.codecs.PolicyField;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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
    private static final ObjectMapper JSON = new ObjectMapper();

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
    void shouldPrintThePoliciesAsTheBrokerWritesThem() throws Exception
    {
        final long[] defaults = { 1, -1, -1, -1, -1, 1, 0, -1, -1, -1 };
        final io.magnetar.broker.policy.NamespacePolicies inherited =
            new io.magnetar.broker.policy.NamespacePolicies("public/ns1", defaults);
        assertPrintedAsBefore(inherited);

        for (int durability = 0; durability < 3; durability++)
        {
            for (int quotaPolicy = 0; quotaPolicy < 3; quotaPolicy++)
            {
                final io.magnetar.broker.policy.NamespacePolicies set =
                    new io.magnetar.broker.policy.NamespacePolicies("acme/orders", defaults);
                set.set(PolicyField.DURABILITY.value(), durability);
                set.set(PolicyField.RETENTION_TIME_MS.value(), 7_200_000);
                set.set(PolicyField.MESSAGE_TTL_MS.value(), 600_000);
                set.set(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES.value(), 10L * 1024 * 1024 * 1024 * 1024);
                set.set(PolicyField.BACKLOG_QUOTA_POLICY.value(), quotaPolicy);
                set.set(PolicyField.DEDUPLICATION.value(), quotaPolicy & 1);
                assertPrintedAsBefore(set);
            }
        }

        final String n = System.lineSeparator();
        assertEquals("{" + n +
            "  \"namespace\" : \"public/ns1\"," + n +
            "  \"policies\" : {" + n +
            "    \"durability\" : \"archived\"," + n +
            "    \"retentionTimeMs\" : -1," + n +
            "    \"retentionSizeBytes\" : -1," + n +
            "    \"messageTtlMs\" : -1," + n +
            "    \"backlogQuotaLimitBytes\" : -1," + n +
            "    \"backlogQuotaPolicy\" : \"producer_exception\"," + n +
            "    \"deduplicationEnabled\" : false," + n +
            "    \"maxProducersPerTopic\" : -1," + n +
            "    \"maxConsumersPerTopic\" : -1," + n +
            "    \"maxConsumersPerSubscription\" : -1" + n +
            "  }," + n +
            "  \"explicit\" : [ ]," + n +
            "  \"shard\" : 2" + n +
            "}",
            NamespacesCommand.policiesJson(NamespacePolicies.fromJson(brokerJson(inherited, 2))));
    }

    /**
     * The commands used to print the broker's document re-indented; they now print the client's typed policies
     * read from it, which must come out the same.
     */
    private static void assertPrintedAsBefore(final io.magnetar.broker.policy.NamespacePolicies brokerPolicies)
        throws Exception
    {
        for (int shard = 0; shard < 3; shard++)
        {
            final String brokerJson = brokerJson(brokerPolicies, shard);
            final String printedBefore =
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(brokerJson));

            assertEquals(printedBefore, NamespacesCommand.policiesJson(NamespacePolicies.fromJson(brokerJson)));
        }
    }

    /**
     * The document as a topic shard answers it (see {@code TopicShardAgent}): the policies' description and the
     * shard.
     */
    private static String brokerJson(final io.magnetar.broker.policy.NamespacePolicies brokerPolicies, final int shard)
        throws Exception
    {
        final Map<String, Object> document = brokerPolicies.describe();
        document.put("shard", shard);
        return new String(JSON.writeValueAsBytes(document), StandardCharsets.UTF_8);
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
        assertUsageError("give one of --enable or --disable", "set-deduplication", "public/ns1");
        assertUsageError("give one of --enable or --disable", "set-deduplication", "public/ns1", "-e", "-d");
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
