package io.magnetar.tools;

import io.aeron.CommonContext;
import io.magnetar.mediadriver.StaleAeronDirs;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code bin/magnetar} commands in processes of their own, as a user runs them. Signals: a consumer stopped with
 * SIGINT frees its exclusive subscription at once and removes its media driver directory; one killed with SIGKILL
 * leaves its directory, which the next command removes; {@code standalone} exits 0 on SIGTERM and its next start
 * reports no crash. {@code stat} reads the broker's counters. And pulsar-client's shapes: {@code produce -f},
 * {@code consume --print-metadata}, short topic names, and non-zero exits for an unknown tenant or a missing
 * sub-command.
 */
class CliProcessesTest
{
    private static final long TIMEOUT_MS = 60_000;
    private static final Pattern SERVICE_URL = Pattern.compile("serviceUrl=(\\S+)");
    private static final Pattern ADMIN_URL = Pattern.compile("adminUrl=(\\S+)");
    private static final String TOPIC = "persistent://public/default/signals";

    @TempDir
    File workDir;

    private final String aeronDir = CommonContext.getAeronDirectoryName() + "-signals-test-" +
        ProcessHandle.current().pid();

    @AfterEach
    void removeAeronDir()
    {
        IoUtil.delete(new File(aeronDir), true);
    }

    @Test
    void shouldStopCleanlyOnSignalsAndLeaveNothingBehind() throws Exception
    {
        final File dataDir = new File(workDir, "data");
        String serviceUrl;
        try (ForkedTool broker = standalone(dataDir, "standalone-1"))
        {
            serviceUrl = serviceUrl(broker);
            run("produce-1", "produce", TOPIC, "-m", "one", "-u", serviceUrl);

            final File[] driverDir = new File[1];
            try (ForkedTool consumer = startConsumer("consume-int", "sub", serviceUrl, "one", driverDir))
            {
                consumer.signal("INT");
                assertEquals(0, consumer.awaitExit(TIMEOUT_MS), consumer.output());
                assertFalse(driverDir[0].exists(), "directory left by the stopped consumer");
            }

            // the exclusive subscription is free at once: no CONSUMER_BUSY for the next consumer, stopped by SIGTERM
            run("produce-2", "produce", TOPIC, "-m", "two", "-u", serviceUrl);
            try (ForkedTool consumer = startConsumer("consume-term", "sub", serviceUrl, "two", driverDir))
            {
                consumer.signal("TERM");
                assertEquals(0, consumer.awaitExit(TIMEOUT_MS), consumer.output());
                assertFalse(driverDir[0].exists(), "directory left by the stopped consumer");
            }
            // nor after SIGTERM; this client uses the broker's media driver over UDP instead of embedding one
            final Set<File> beforeShared = clientDirs();
            run("produce-3", "produce", TOPIC, "-m", "three", "-u", serviceUrl, "--aeron-dir", aeronDir);
            final String next = run("consume-next", "consume", TOPIC, "-s", "sub", "-n", "1", "--wait", "30",
                "-u", serviceUrl, "--aeron-dir", aeronDir);
            assertEquals("three", next.strip(), next);
            assertEquals(beforeShared, clientDirs(), "no embedded driver with --aeron-dir");

            try (ForkedTool consumer = startConsumer("consume-kill", "other", serviceUrl, "two", driverDir))
            {
                consumer.signal("KILL");
                final long killedAtMs = System.currentTimeMillis();
                assertEquals(137, consumer.awaitExit(TIMEOUT_MS));
                assertTrue(driverDir[0].exists(), "SIGKILL leaves the directory until the next command");

                // a dead pid whose driver has not beaten for 3 s: not a live driver in another pid namespace
                while (System.currentTimeMillis() - killedAtMs <= StaleAeronDirs.STALE_HEARTBEAT_MS + 100)
                {
                    Thread.sleep(50);
                }

                run("produce-4", "produce", TOPIC, "-m", "four", "-u", serviceUrl);
                assertFalse(driverDir[0].exists(), "the next command removes the directory of the killed consumer");
            }

            // the broker's counters, read from its driver's counters file: four messages in, each receipted
            final String stat = run("stat", "stat", "--aeron-dir", aeronDir);
            assertTrue(Pattern.compile("\\s4 - magnetar-topic-shard-0: messages in").matcher(stat).find(), stat);
            assertTrue(Pattern.compile("\\s4 - magnetar-topic-shard-0: receipts").matcher(stat).find(), stat);
            final String health = run("health", "health", "--aeron-dir", aeronDir);
            assertTrue(health.startsWith("ready: "), health);

            // pulsar-client's shapes: payloads from a file, a short topic name, metadata on the consumer's line
            final File payload = new File(workDir, "payload.txt");
            Files.writeString(payload.toPath(), "from a file");
            run("produce-file", "produce", "public/default/signals", "-f", payload.getPath(), "-k", "file-key",
                "-p", "origin=file,n=1", "-p", "extra=yes", "-u", serviceUrl);
            final String[] lines = run("consume-meta", "consume", "signals", "-s", "meta", "-n", "5",
                "--print-metadata", "-u", serviceUrl).strip().split("\n");
            assertEquals(5, lines.length, String.join("\n", lines));
            assertTrue(lines[0].matches("publishTime:\\[20\\d\\d-.*Z], eventTime:\\[0], messageId:\\[0:\\d+], " +
                "sequenceId:\\[0], producerName:\\[standalone-0-\\d+], redeliveryCount:\\[0], key:\\[null], " +
                "properties:\\[], content:one"), lines[0]);
            assertTrue(lines[4].endsWith("key:[file-key], properties:[origin=file, n=1, extra=yes], " +
                "content:from a file"), lines[4]);

            // batching and compression, and a file larger than the maximum message size sent in chunks
            assertTrue(run("produce-batched", "produce", "public/default/batched", "-m", "a,b,c", "-n", "2", "-b",
                "-z", "LZ4", "-u", serviceUrl).contains("6 messages sent to public/default/batched, 6 acknowledged"));
            final File big = new File(workDir, "big.txt");
            Files.writeString(big.toPath(), "x".repeat(3_000_000));
            run("produce-chunked", "produce", "public/default/batched", "-f", big.getPath(), "--chunking", "-z",
                "zstd", "-u", serviceUrl);
            final String[] batched = run("consume-batched", "consume", "batched", "-s", "b", "-n", "7",
                "-u", serviceUrl).strip().split("\n");
            assertEquals(List.of("a", "b", "c", "a", "b", "c"), List.of(batched).subList(0, 6));
            assertEquals("x".repeat(3_000_000), batched[6]);

            // partitioned topics, as pulsar-admin has them
            run("create-partitioned", "topics", "create-partitioned-topic", "public/default/parts", "-p", "2",
                "-u", serviceUrl);
            run("update-partitioned", "topics", "update-partitioned-topic", "parts", "-p", "3", "-u", serviceUrl);
            assertEquals("{\"partitions\":3}", run("get-partitioned", "topics", "get-partitioned-topic-metadata",
                "parts", "-u", serviceUrl).strip());
            run("produce-partitioned", "produce", "parts", "-m", "p1,p2,p3", "-u", serviceUrl);
            final String partitionedStats = run("partitioned-stats", "topics", "partitioned-stats-internal", "parts",
                "-u", serviceUrl);
            assertTrue(partitionedStats.contains("\"entries\" : 3"), partitionedStats);
            assertTrue(partitionedStats.contains("persistent://public/default/parts-partition-2"), partitionedStats);

            // tenants and clusters over the admin REST API, as pulsar-admin has them
            final String adminUrl = adminUrl(broker);
            run("tenants-create", "tenants", "create", "acme", "-r", "ops", "--admin-url", adminUrl);
            assertEquals("acme\npublic\npulsar", run("tenants-list", "tenants", "list", "--admin-url", adminUrl)
                .strip());
            assertTrue(run("tenants-get", "tenants", "get", "acme", "--admin-url", adminUrl)
                .contains("\"adminRoles\" : [ \"ops\" ]"));
            run("acme-namespace", "namespaces", "create", "acme/orders", "-u", serviceUrl);
            run("acme-scratch", "namespaces", "create", "acme/scratch", "-u", serviceUrl);
            run("acme-scratch-delete", "namespaces", "delete", "acme/scratch", "--admin-url", adminUrl);
            assertEquals("standalone", run("clusters-list", "clusters", "list", "--admin-url", adminUrl).strip());
            final String topicStats = run("topics-stats", "topics", "stats", TOPIC, "--admin-url", adminUrl);
            assertTrue(topicStats.contains("\"msgInCounter\" : ") && topicStats.contains("\"sub\" : {"),
                topicStats);
            assertTrue(run("topics-list", "topics", "list", "public/default", "--admin-url", adminUrl)
                .contains(TOPIC));
            run("create-subscription", "topics", "create-subscription", TOPIC, "-s", "fresh", "-m", "earliest",
                "--admin-url", adminUrl);
            run("clear-backlog", "topics", "clear-backlog", TOPIC, "-s", "fresh", "--admin-url", adminUrl);
            assertTrue(run("stats-fresh", "topics", "stats", TOPIC, "--admin-url", adminUrl)
                .matches("(?s).*\"fresh\" : \\{\\s*\"msgRateOut\" : [0-9.]+,\\s*\"msgThroughputOut\" : [0-9.]+,\\s*" +
                "\"msgBacklog\" : 0,.*"));
            try (ForkedTool refused = ForkedTool.start(workDir, "tenants-delete", "tenants", "delete", "acme",
                "--admin-url", adminUrl))
            {
                assertEquals(1, refused.awaitExit(TIMEOUT_MS), refused.output());
                assertTrue(refused.output().contains("tenant acme still has 1 namespace(s)"), refused.output());
            }

            try (ForkedTool list = ForkedTool.start(workDir, "list", "namespaces", "list", "nosuchtenant",
                "-u", serviceUrl); ForkedTool topics = ForkedTool.start(workDir, "topics", "topics"))
            {
                assertEquals(1, list.awaitExit(TIMEOUT_MS), list.output());
                assertTrue(list.output().contains("tenant 'nosuchtenant' does not exist"), list.output());
                assertEquals(2, topics.awaitExit(TIMEOUT_MS), topics.output());
                assertTrue(topics.output().contains("topics: give a sub-command"), topics.output());
            }

            broker.signal("TERM");
            assertEquals(0, broker.awaitExit(TIMEOUT_MS), broker.output());
            assertTrue(broker.output().contains("magnetar standalone stopped"), broker.output());
        }

        try (ForkedTool broker = standalone(dataDir, "standalone-2"))
        {
            serviceUrl = serviceUrl(broker);
            final String restarted = broker.output();
            assertFalse(restarted.contains("which is gone"), restarted);
            assertFalse(restarted.contains("repair"), restarted);
            final String all = run("consume-all", "consume", TOPIC, "-s", "late", "-n", "4", "-u", serviceUrl);
            assertEquals("one\ntwo\nthree\nfour", all.strip(), all);

            broker.signal("INT");
            assertEquals(0, broker.awaitExit(TIMEOUT_MS), broker.output());
        }
    }

    @Test
    void shouldRefuseAClientWithoutATokenAndTakeOneWithIt() throws Exception
    {
        final File secretKey = new File(workDir, "secret.key");
        run("create-secret-key", "tokens", "create-secret-key", "--output", secretKey.getPath());
        final String token = run("create-token", "tokens", "create", "--secret-key", secretKey.getPath(),
            "--subject", "app", "--expiry-time", "1h").strip();
        final File tokenFile = new File(workDir, "token.txt");
        Files.writeString(tokenFile.toPath(), token);

        try (ForkedTool broker = standalone(new File(workDir, "data"), "standalone-auth",
            "--auth-secret-key", secretKey.getPath(), "--superuser-roles", "app"))
        {
            final String serviceUrl = serviceUrl(broker);
            assertTrue(broker.output().contains("authentication=token"), broker.output());
            try (ForkedTool refused = ForkedTool.start(workDir, "produce-no-token", "produce", TOPIC, "-m", "x",
                "-u", serviceUrl))
            {
                assertEquals(1, refused.awaitExit(TIMEOUT_MS), refused.output());
                assertTrue(refused.output().contains("AUTHENTICATION_ERROR: authentication failed: no token"),
                    refused.output());
            }

            run("produce-token", "produce", TOPIC, "-m", "with token", "-u", serviceUrl, "--auth-token", token);
            final String adminUrl = adminUrl(broker);
            try (ForkedTool refused = ForkedTool.start(workDir, "tenants-no-token", "tenants", "list",
                "--admin-url", adminUrl))
            {
                assertEquals(1, refused.awaitExit(TIMEOUT_MS), refused.output());
                assertTrue(refused.output().contains("no token: this broker requires one") &&
                    refused.output().contains("(HTTP 401)"), refused.output());
            }
            assertTrue(run("tenants-token", "tenants", "list", "--admin-url", adminUrl, "--auth-token-file",
                tokenFile.getPath()).contains("public"));
            final String consumed = run("consume-token-file", "consume", TOPIC, "-s", "s", "-n", "1", "-u",
                serviceUrl, "--auth-token-file", tokenFile.getPath());
            assertEquals("with token", consumed.strip(), consumed);

            broker.signal("TERM");
            assertEquals(0, broker.awaitExit(TIMEOUT_MS), broker.output());
        }
    }

    private ForkedTool standalone(final File dataDir, final String name, final String... options) throws Exception
    {
        final String[] args = new String[9 + options.length];
        System.arraycopy(new String[]{ "standalone", "--data-dir", dataDir.getPath(), "--port", "0", "--http-port",
            "0", "--aeron-dir", aeronDir }, 0, args, 0, 9);
        System.arraycopy(options, 0, args, 9, options.length);
        final ForkedTool broker = ForkedTool.start(workDir, name, args);
        broker.awaitOutput("magnetar standalone ready", TIMEOUT_MS);

        return broker;
    }

    /**
     * Start {@code consume -n 0} and wait until it prints a message.
     *
     * @param driverDir receives the consumer's embedded media driver directory.
     */
    private ForkedTool startConsumer(
        final String name, final String subscription, final String serviceUrl, final String awaited,
        final File[] driverDir) throws Exception
    {
        final Set<File> before = clientDirs();
        final ForkedTool consumer = ForkedTool.start(workDir, name, "consume", TOPIC, "-s", subscription,
            "-n", "0", "-u", serviceUrl);
        consumer.awaitOutput(awaited, TIMEOUT_MS);
        final Set<File> dirs = clientDirs();
        dirs.removeAll(before);
        dirs.remove(new File(aeronDir));
        assertEquals(1, dirs.size(), "the consumer's embedded driver directory: " + dirs);
        driverDir[0] = dirs.iterator().next();

        return consumer;
    }

    private static String serviceUrl(final ForkedTool broker)
    {
        final Matcher matcher = SERVICE_URL.matcher(broker.output());
        assertTrue(matcher.find(), broker.output());

        return matcher.group(1);
    }

    private static String adminUrl(final ForkedTool broker)
    {
        final Matcher matcher = ADMIN_URL.matcher(broker.output());
        assertTrue(matcher.find(), broker.output());
        return matcher.group(1);
    }

    private String run(final String name, final String... args) throws Exception
    {
        try (ForkedTool tool = ForkedTool.start(workDir, name, args))
        {
            assertEquals(0, tool.awaitExit(TIMEOUT_MS), tool.output());
            return tool.output();
        }
    }

    private static Set<File> clientDirs()
    {
        final File base = new File(CommonContext.getAeronDirectoryName());
        final Set<File> dirs = new HashSet<>();
        final File[] files = base.getAbsoluteFile().getParentFile().listFiles();
        if (null != files)
        {
            for (final File file : files)
            {
                if (file.getName().startsWith(base.getName() + "-") && file.isDirectory())
                {
                    dirs.add(file);
                }
            }
        }

        return dirs;
    }
}
