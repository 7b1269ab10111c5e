package io.magnetar.broker;

import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicInternalStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * With a size retention, acknowledged data beyond it is reclaimed by whole segments and the archive's bytes on
 * disk go down; data a subscription has not acknowledged is kept; everything still works after a restart.
 */
@Timeout(120)
class RetentionTest
{
    private static final int SEGMENT = 1024 * 1024;
    private static final String TOPIC = "persistent://public/default/retained";
    private static final String PINNED = "persistent://public/default/pinned";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldReclaimAcknowledgedSegmentsBeyondRetentionSize() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.segmentFileLength = SEGMENT;
        harness.retention = new RetentionPolicy(SEGMENT, -1, 50);
        harness.start();

        final byte[] payload = new byte[1000];
        final long bytesBefore;
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).ackReceiptEnabled(true).subscribe())
        {
            final int count = 10_000;
            for (int i = 0; i < count; i++)
            {
                producer.sendAsync(payload);
            }
            producer.flush();
            bytesBefore = archiveBytes();
            assertTrue(bytesBefore >= 9L * SEGMENT, "about 10 MB written: " + bytesBefore);

            for (int i = 0; i < count; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i);
                consumer.acknowledge(message);
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long bytesAfter;
            while ((bytesAfter = archiveBytes()) > bytesBefore / 2)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("archive bytes did not go down: " + bytesBefore + " -> " + bytesAfter);
                }
                Thread.sleep(50);
            }

            final TopicInternalStats stats = client.admin().topics().statsInternal(TOPIC);
            assertTrue(stats.getShardLog().get("startPosition") > 0, stats.toString());
            assertTrue(stats.getShardLog().get("reclaimedBytes") > 0, stats.toString());
            assertTrue(stats.getEntries() < count, stats.toString());
            System.out.println("retention: shard log bytes on disk " + bytesBefore + " -> " + bytesAfter);

            // new data still flows to the subscription
            producer.send("after".getBytes());
            final Message after = consumer.receive(10, TimeUnit.SECONDS);
            assertEquals("after", after.getValue());
            consumer.acknowledge(after);
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
        {
            producer.send("after restart".getBytes());
            assertEquals("after restart", consumer.receive(10, TimeUnit.SECONDS).getValue());
        }
    }

    @Test
    void shouldKeepWhatASubscriptionHasNotAcknowledgedAndMoveItOutOfTheOldSegment() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.segmentFileLength = SEGMENT;
        harness.retention = new RetentionPolicy(0, 0, 50);
        harness.start();

        final byte[] payload = new byte[1000];
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer pinnedProducer = client.newProducer().topic(PINNED).create();
            Consumer pinned = client.newConsumer().topic(PINNED).subscriptionName("slow")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final MessageId firstId = pinnedProducer.send("first".getBytes());
            for (int i = 0; i < 4000; i++)
            {
                producer.sendAsync(payload);
            }
            producer.flush();

            // the topic without subscriptions is all reclaimable; the slow subscription's entry in the first
            // segment is kept: compaction moves it so the segment can go, and it keeps its message id
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            TopicInternalStats stats;
            while ((stats = client.admin().topics().statsInternal(PINNED)).getShardLog().get("startPosition") <=
                firstId.position())
            {
                assertTrue(System.nanoTime() < deadlineNs, stats.toString());
                Thread.sleep(50);
            }
            assertEquals(1, stats.getRelocatedEntries(), stats.toString());
            final Message first = pinned.receive(10, TimeUnit.SECONDS);
            assertEquals("first", first.getValue());
            assertEquals(firstId, first.getMessageId());
        }
    }

    /**
     * @return bytes of the shard log's segment files (recording 0; the cursor and index logs have their own).
     */
    private long archiveBytes()
    {
        long total = 0;
        final File[] files = new File(dataDir, "archive").listFiles(
            (dir, name) -> name.startsWith("0-") && name.endsWith(".rec"));
        for (final File file : null == files ? new File[0] : files)
        {
            total += file.length();
        }
        return total;
    }
}
