package io.magnetar.broker;

import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A broker whose data directory is on a small tmpfs, filled through the broker: sends are refused with the
 * disk-full error before the archive runs out of space, everything receipted can still be consumed (also after a
 * restart on the full disk), and acknowledging it lets retention free space so that sends are accepted again without
 * a restart. Skipped where the test cannot mount a tmpfs (it needs root).
 */
class DiskFullTest
{
    private static final String TOPIC = "persistent://public/default/disk-full";
    private static final int PAYLOAD = 60 * 1024;
    private static final long MIN_FREE = 12L * 1024 * 1024;
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(60);

    @TempDir
    File workDir;

    private File mount;
    private BrokerHarness harness;

    @BeforeEach
    void mountSmallDisk() throws Exception
    {
        mount = new File(workDir, "small-disk");
        assertTrue(mount.mkdirs());
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=48m", "tmpfs", mount.getPath()),
            "skipped: this machine cannot mount a 48 MiB tmpfs for the full-disk test (needs root)");
    }

    @AfterEach
    void unmount() throws Exception
    {
        if (null != harness)
        {
            harness.close();
        }
        run("umount", mount.getPath());
    }

    @Test
    void shouldRefuseSendsWhenFullKeepEverythingReadableAndAcceptAgainOnceSpaceIsFreed() throws Exception
    {
        harness = new BrokerHarness(new File(mount, "data"));
        harness.retention = new RetentionPolicy(0, 0, 50);
        harness.diskMinFreeBytes = MIN_FREE;
        harness.start();

        int receipted = 0;
        MagnetarClientException refused = null;
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            // a subscription that holds everything: nothing is reclaimed until it acknowledges
            client.newConsumer().topic(TOPIC).subscriptionName("drain")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe().close();
            while (null == refused)
            {
                assertTrue(receipted < 2000, "48 MiB were never full after " + receipted + " messages");
                try
                {
                    producer.send(payload(receipted));
                    receipted++;
                }
                catch (final MagnetarClientException ex)
                {
                    refused = ex;
                }
            }
        }
        assertEquals(MagnetarClientException.ErrorCode.PERSISTENCE_ERROR, refused.errorCode(), refused.toString());
        assertTrue(refused.getMessage().contains("disk full on " + new File(mount, "data/archive").getAbsolutePath()),
            refused.getMessage());
        assertTrue(receipted > 100, "stored " + receipted);
        assertEquals(1, harness.brokerState(), "the state counter says the disk is full");
        assertTrue(harness.logLines.stream().anyMatch((line) -> line.startsWith("magnetar: disk full on ")),
            harness.logLines.toString());

        // a restart on the full disk starts in the same state and serves reads
        harness.stop();
        harness.start();
        assertEquals(1, harness.brokerState());
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("drain")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final MagnetarClientException stillFull =
                org.junit.jupiter.api.Assertions.assertThrows(MagnetarClientException.class,
                () -> producer.send(payload(-1)));
            assertTrue(stillFull.getMessage().contains("disk full on "), stillFull.getMessage());

            for (int i = 0; i < receipted; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i + " of " + receipted);
                assertEquals(i, ByteBuffer.wrap(message.getData()).getInt(), "in order, none lost");
                assertEquals(PAYLOAD, message.getData().length);
                consumer.acknowledge(message);
            }

            // acknowledged and beyond retention: reclaimed by whole segments, and sends are accepted again
            final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
            boolean accepted = false;
            while (!accepted)
            {
                if (System.nanoTime() - deadlineNs > 0)
                {
                    fail("sends were not accepted again; broker state " + harness.brokerState() + ", log " +
                        harness.logLines);
                }
                try
                {
                    producer.send(payload(receipted));
                    accepted = true;
                }
                catch (final MagnetarClientException ex)
                {
                    assertTrue(ex.getMessage().contains("disk full on "), ex.getMessage());
                    Thread.sleep(50);
                }
            }
            final Message after = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(after);
            assertEquals(receipted, ByteBuffer.wrap(after.getData()).getInt());
            assertEquals(0, harness.brokerState());
        }
        assertTrue(harness.errors.isEmpty(), harness.errors.toString());
    }

    private static byte[] payload(final int sequence)
    {
        final byte[] payload = new byte[PAYLOAD];
        ByteBuffer.wrap(payload).putInt(sequence);

        return payload;
    }

    private static boolean run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return false;
        }

        return 0 == process.exitValue();
    }
}
