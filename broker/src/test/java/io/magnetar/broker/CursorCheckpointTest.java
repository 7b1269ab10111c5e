package io.magnetar.broker;

import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cursor log is checkpointed and its old segments are reclaimed; a restart recovers the cursors from the
 * checkpoint, ack holes included.
 */
@Timeout(120)
class CursorCheckpointTest
{
    private static final String TOPIC = "persistent://public/default/checkpointed";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldCheckpointCursorsReclaimCursorLogAndRecoverFromCheckpoint() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.segmentFileLength = 4 * 1024 * 1024;
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.start();
        final int count = 120_000;
        final int hole = 10;

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).receiverQueueSize(5000).subscribe())
        {
            for (int i = 0; i < count; i++)
            {
                producer.sendAsync(("m" + i).getBytes());
            }
            producer.flush();
            // acked two by two in reverse order, so no two acks make a run: a record each, enough to roll segments
            Message previous = null;
            for (int i = 0; i < count; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i);
                if (i % 2 == 0)
                {
                    previous = message;
                    continue;
                }
                if (i != hole)
                {
                    consumer.acknowledge(message);
                }
                if (i - 1 != hole)
                {
                    consumer.acknowledge(previous);
                }
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            Map<String, Long> cursorLog;
            do
            {
                cursorLog = client.admin().topics().statsInternal(TOPIC).getCursorLog();
                assertTrue(System.nanoTime() < deadlineNs, "cursor log not reclaimed: " + cursorLog);
                Thread.sleep(50);
            }
            while (cursorLog.get("startPosition") == 0);
            assertTrue(cursorLog.get("checkpoints") >= 1, cursorLog.toString());
        }

        harness.stop();
        harness.start();
        final String recovery = harness.logLines.get(harness.logLines.size() - 1);
        assertTrue(recovery.contains("checkpoint records"), recovery);
        assertTrue(recovery.contains("the cursor log from its last checkpoint"), recovery);

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
        {
            final Message redelivered = consumer.receive(10, TimeUnit.SECONDS);
            assertEquals("m" + hole, redelivered.getValue(), "the ack hole survives the checkpoint: " + recovery);
            consumer.acknowledge(redelivered);
            producer.send("after".getBytes());
            assertEquals("after", consumer.receive(10, TimeUnit.SECONDS).getValue());
            System.out.println("checkpoint: " + recovery);
        }
    }
}
