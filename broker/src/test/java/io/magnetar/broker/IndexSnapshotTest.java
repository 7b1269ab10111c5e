package io.magnetar.broker;

import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicInternalStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Index snapshots: the shard writes its topic indexes to the index log as the shard log grows, and recovery loads the
 * newest complete snapshot and scans only the shard log written after it. Every message is still there, at its id,
 * and subscriptions resume where they were.
 */
@Timeout(120)
class IndexSnapshotTest
{
    private static final int TOPICS = 3;
    private static final int MESSAGES = 20_000;
    private static final Pattern SCANNED = Pattern.compile("and (\\d+) log bytes in");

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
        assertTrue(harness.errors.isEmpty(), harness.errors.toString());
    }

    private MagnetarClient client() throws MagnetarClientException
    {
        return harness.newClient();
    }

    private static String topic(final int i)
    {
        return "persistent://public/default/snapshot-" + i;
    }

    @Test
    void shouldRecoverFromTheNewestSnapshotAndScanOnlyWhatFollowsIt() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.indexSnapshotIntervalBytes = 256 * 1024;
        harness.start();

        final byte[] payload = new byte[100];
        final List<List<MessageId>> ids = new ArrayList<>();
        final long logBytes;
        final long snapshotBytes;
        try (MagnetarClient client = client())
        {
            for (int t = 0; t < TOPICS; t++)
            {
                client.newConsumer().topic(topic(t)).subscriptionName("s")
                    .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe().close();
            }
            final List<Producer> producers = new ArrayList<>();
            final List<List<CompletableFuture<MessageId>>> futures = new ArrayList<>();
            for (int t = 0; t < TOPICS; t++)
            {
                producers.add(client.newProducer().topic(topic(t)).create());
                futures.add(new ArrayList<>());
            }
            for (int i = 0; i < MESSAGES; i++)
            {
                for (int t = 0; t < TOPICS; t++)
                {
                    futures.get(t).add(producers.get(t).sendAsync(payload));
                }
            }
            for (int t = 0; t < TOPICS; t++)
            {
                producers.get(t).flush();
                final List<MessageId> topicIds = new ArrayList<>();
                for (final CompletableFuture<MessageId> future : futures.get(t))
                {
                    topicIds.add(future.get(10, TimeUnit.SECONDS));
                }
                ids.add(topicIds);
                producers.get(t).close();
            }

            // half of topic 0 acknowledged
            try (Consumer consumer = client.newConsumer().topic(topic(0)).subscriptionName("s")
                .ackReceiptEnabled(true).subscribe())
            {
                for (int i = 0; i < MESSAGES / 2; i++)
                {
                    consumer.acknowledge(consumer.receive(10, TimeUnit.SECONDS));
                }
            }

            final TopicInternalStats stats = client.admin().topics().statsInternal(topic(0));
            assertTrue(stats.getIndexLog().get("snapshots") >= 2, stats.toString());
            logBytes = stats.getShardLog().get("bytes");
            snapshotBytes = stats.getIndexLog().get("lastSnapshotBytes");
        }

        harness.stop();
        harness.start();

        final String recovery = harness.logLines.stream().filter(line -> line.contains("recovered"))
            .reduce((first, second) -> second).orElseThrow();
        assertTrue(recovery.contains("index snapshot of " + TOPICS + " topics"), recovery);
        final Matcher matcher = SCANNED.matcher(recovery);
        assertTrue(matcher.find(), recovery);
        final long scanned = Long.parseLong(matcher.group(1));
        // a snapshot is due after the interval and four times the last snapshot's size
        final long maxScanned = Math.max(harness.indexSnapshotIntervalBytes, 4 * snapshotBytes) + 256 * 1024;
        assertTrue(scanned <= maxScanned && scanned < logBytes / 4,
            "scanned " + scanned + " of " + logBytes + ", snapshot of " + snapshotBytes + " bytes");
        System.out.println("index snapshot recovery: scanned " + scanned + " of " + logBytes + " log bytes: " +
            recovery);

        try (MagnetarClient client = client())
        {
            for (int t = 0; t < TOPICS; t++)
            {
                final TopicInternalStats stats = client.admin().topics().statsInternal(topic(t));
                assertEquals(MESSAGES, stats.getEntries(), stats.toString());
                final int first = 0 == t ? MESSAGES / 2 : 0;
                try (Consumer consumer = client.newConsumer().topic(topic(t)).subscriptionName("s").subscribe())
                {
                    for (int i = first; i < MESSAGES; i++)
                    {
                        final Message message = consumer.receive(10, TimeUnit.SECONDS);
                        assertNotNull(message, "topic " + t + " message " + i);
                        assertEquals(ids.get(t).get(i), message.getMessageId(), "topic " + t + " message " + i);
                        consumer.acknowledge(message);
                    }
                }
            }

            // new messages go on after the recovered ones
            try (Producer producer = client.newProducer().topic(topic(1)).create();
                Consumer consumer = client.newConsumer().topic(topic(1)).subscriptionName("s").subscribe())
            {
                final MessageId id = producer.send("after".getBytes());
                assertTrue(id.compareTo(ids.get(1).get(MESSAGES - 1)) > 0);
                assertEquals("after", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
        }
    }

    @Test
    void shouldRecoverTheSameIndexesWhenRetentionReclaimedPartOfTheSnapshot() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.indexSnapshotIntervalBytes = 256 * 1024;
        harness.segmentFileLength = 1024 * 1024;
        harness.retention = new RetentionPolicy(1024 * 1024, -1, 50);
        harness.start();

        final byte[] payload = new byte[1000];
        final TopicInternalStats before;
        try (MagnetarClient client = client();
            Producer producer = client.newProducer().topic(topic(0)).create();
            Consumer consumer = client.newConsumer().topic(topic(0)).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).ackReceiptEnabled(true).subscribe())
        {
            for (int i = 0; i < 8000; i++)
            {
                producer.sendAsync(payload);
            }
            producer.flush();
            for (int i = 0; i < 7000; i++)
            {
                consumer.acknowledge(consumer.receive(10, TimeUnit.SECONDS));
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            TopicInternalStats stats;
            while ((stats = client.admin().topics().statsInternal(topic(0))).getShardLog().get("reclaimedBytes") <
                4L * 1024 * 1024)
            {
                assertTrue(System.nanoTime() < deadlineNs, stats.toString());
                Thread.sleep(50);
            }
            // reclaim goes a segment or more per check (every 50 ms here) until it reaches what is still needed:
            // compare with the restart only once it has stopped, or the restarted broker finishes what it began
            long reclaimed = -1;
            long stableSinceNs = System.nanoTime();
            while (System.nanoTime() - stableSinceNs < TimeUnit.MILLISECONDS.toNanos(500))
            {
                assertTrue(System.nanoTime() < deadlineNs, stats.toString());
                Thread.sleep(50);
                stats = client.admin().topics().statsInternal(topic(0));
                if (stats.getShardLog().get("reclaimedBytes") != reclaimed)
                {
                    reclaimed = stats.getShardLog().get("reclaimedBytes");
                    stableSinceNs = System.nanoTime();
                }
            }
            before = stats;
        }

        harness.stop();
        harness.start();
        final String recovery = harness.logLines.stream().filter(line -> line.contains("recovered"))
            .reduce((first, second) -> second).orElseThrow();
        assertTrue(recovery.contains("index snapshot"), recovery);

        try (MagnetarClient client = client())
        {
            final TopicInternalStats after = client.admin().topics().statsInternal(topic(0));
            assertEquals(before.getEntries(), after.getEntries(), before + "\n" + after);
            assertEquals(before.getFirstPosition(), after.getFirstPosition());
            assertEquals(before.getLastPosition(), after.getLastPosition());
            assertEquals(1000, after.getCursors().get("s").getBacklog(), after.toString());
            try (Consumer consumer = client.newConsumer().topic(topic(0)).subscriptionName("s").subscribe())
            {
                for (int i = 0; i < 1000; i++)
                {
                    assertNotNull(consumer.receive(10, TimeUnit.SECONDS), "message " + (7000 + i));
                }
            }
        }
    }
}
