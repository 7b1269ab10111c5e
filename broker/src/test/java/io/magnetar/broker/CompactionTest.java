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
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A slow subscription that leaves a few entries unacknowledged in the oldest segment no longer pins it: compaction
 * moves those entries to the end of the log, keeping their message ids, and the segment is reclaimed. The moved
 * entries are delivered from their new place, and after a restart (recovered by a full scan, or from an index
 * snapshot) they are still there under the same ids.
 */
@Timeout(120)
class CompactionTest
{
    private static final int SEGMENT = 1024 * 1024;
    private static final String SLOW = "persistent://public/default/slow";
    private static final String BUSY = "persistent://public/default/busy";

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

    @org.junit.jupiter.api.Test
    void relocatedEntriesAreLaidOutAsEntriesFollowedByTheirMessageId()
    {
        harness = new BrokerHarness(dataDir);
        assertEquals(io.magnetar.codecs.storage.EntryHeaderEncoder.BLOCK_LENGTH,
            io.magnetar.codecs.storage.RelocatedEntryEncoder.originalPositionEncodingOffset());
        assertEquals(io.magnetar.codecs.storage.EntryHeaderEncoder.BLOCK_LENGTH + Long.BYTES,
            io.magnetar.codecs.storage.RelocatedEntryEncoder.BLOCK_LENGTH);
    }

    @ParameterizedTest
    @ValueSource(longs = { 64L * 1024 * 1024, 256 * 1024 })
    void shouldMoveTheFewEntriesThatPinTheOldestSegment(final long snapshotInterval) throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.segmentFileLength = SEGMENT;
        harness.retention = new RetentionPolicy(0, 0, 50);
        harness.indexSnapshotIntervalBytes = snapshotInterval;
        harness.start();

        final List<MessageId> oldIds = new ArrayList<>();
        final byte[] payload = new byte[1000];
        try (MagnetarClient client = client())
        {
            client.newConsumer()
                .topic(SLOW)
                .subscriptionName("slow")
                .subscriptionInitialPosition(InitialPosition.EARLIEST)
                .subscribe()
                .close();
            try (Producer producer = client.newProducer().topic(SLOW).create())
            {
                for (int i = 0; i < 5; i++)
                {
                    oldIds.add(producer.send(("old-" + i).getBytes()));
                }
            }

            busyTraffic(6000, payload);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long bytes;
            while ((bytes = shardLogBytes()) > 3L * SEGMENT)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("the shard log stayed at " + bytes + " bytes: " + stats(client, SLOW));
                }
                Thread.sleep(50);
            }
            final TopicInternalStats stats = stats(client, SLOW);
            assertTrue(stats.getShardLog().get("compactions") >= 1, stats.toString());
            assertEquals(5, stats.getRelocatedEntries(), stats.toString());
            final long startPosition = stats.getShardLog().get("startPosition");
            assertTrue(startPosition > oldIds.get(4).position(), stats.toString());
            System.out.println("compaction: shard log files " + bytes + " bytes; " + stats.getShardLog());

            // delivered from where they were moved, under their ids; not acknowledged, so they come again later
            receiveOld(client, oldIds, false);

            // one more unacknowledged message, then enough traffic for an index snapshot taken after the purge
            try (Producer producer = client.newProducer().topic(SLOW).create())
            {
                oldIds.add(producer.send("old-5".getBytes()));
            }
            if (snapshotInterval < SEGMENT)
            {
                busyTraffic(1000, payload);
                final long snapshotDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                TopicInternalStats after;
                while ((after = stats(client, SLOW)).getIndexLog().get("lastSnapshotShardLogPosition") <=
                    oldIds.get(5).position())
                {
                    assertTrue(System.nanoTime() < snapshotDeadlineNs, after.toString());
                    busyTraffic(100, payload);
                }
            }
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = client())
        {
            receiveOld(client, oldIds, true);
            try (Producer producer = client.newProducer().topic(SLOW).create();
                Consumer consumer = client.newConsumer().topic(SLOW).subscriptionName("slow").subscribe())
            {
                producer.send("new".getBytes());
                assertEquals("new", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
        }
    }

    /**
     * Messages on the busy topic, all acknowledged, on a client of their own so answers to the test's client never
     * queue behind them.
     */
    private void busyTraffic(final int count, final byte[] payload) throws Exception
    {
        try (MagnetarClient busyClient = client();
            Consumer busy = busyClient.newConsumer().topic(BUSY).subscriptionName("busy")
                .ackReceiptEnabled(true).subscribe();
            Producer producer = busyClient.newProducer().topic(BUSY).create())
        {
            for (int i = 0; i < count; i += 100)
            {
                for (int j = 0; j < 100; j++)
                {
                    producer.sendAsync(payload);
                }
                producer.flush();
                for (int j = 0; j < 100; j++)
                {
                    busy.acknowledge(busy.receive(10, TimeUnit.SECONDS));
                }
            }
        }
    }

    private static TopicInternalStats stats(final MagnetarClient client, final String topic)
        throws MagnetarClientException
    {
        return client.admin().topics().statsInternal(topic);
    }

    private static void receiveOld(final MagnetarClient client, final List<MessageId> oldIds, final boolean ack)
        throws Exception
    {
        try (Consumer consumer = client.newConsumer().topic(SLOW).subscriptionName("slow")
            .ackReceiptEnabled(true).subscribe())
        {
            for (int i = 0; i < oldIds.size(); i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "old message " + i);
                assertEquals("old-" + i, message.getValue());
                assertEquals(oldIds.get(i), message.getMessageId());
                if (ack)
                {
                    consumer.acknowledge(message);
                }
            }
        }
    }

    private long shardLogBytes()
    {
        long bytes = 0;
        final File[] files = new File(dataDir, "archive").listFiles((dir, name) -> name.startsWith("0-"));
        for (final File file : null == files ? new File[0] : files)
        {
            bytes += file.length();
        }

        return bytes;
    }
}
