package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.mediadriver.Durability;
import io.magnetar.mediadriver.Profile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The low-latency profile's wiring (the driver invoked from the broker's own thread, the archive on a thread of its
 * own; a backoff idle strategy here so the test does not spin), the one-thread profile's (driver and archive invoked
 * from the broker's thread) and the fsync durability level, end to end and across a restart.
 */
@Timeout(120)
class ProfilesTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldServeWithDriverInvokedFromBrokerThreadAndArchiveOnItsOwn() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.profile = Profile.LOW_LATENCY;
        roundTripAndRestart();
    }

    @Test
    void shouldServeAtFsyncDurability() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.durability = Durability.FSYNC;
        roundTripAndRestart();
    }

    @Test
    void shouldServeLowLatencyAtFsyncDurabilityWithArchiveOnItsOwnThread() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.profile = Profile.LOW_LATENCY;
        harness.durability = Durability.FSYNC;
        roundTripAndRestart();
    }

    @Test
    void shouldServeWithDriverAndArchiveInvokedFromBrokerThread() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.profile = Profile.ONE_THREAD;
        roundTripAndRestart();
    }

    @Test
    void shouldServeOneThreadAtFsyncDurabilityWithArchiveOnItsOwnThread() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.profile = Profile.ONE_THREAD;
        harness.durability = Durability.FSYNC;
        roundTripAndRestart();
    }

    /**
     * An archive invoked from the broker's thread answers a client only on the thread that connected it: with the
     * launching thread's client the first purge timed out. Retention reclaims segments here, from the agent thread.
     */
    @Test
    void shouldPurgeSegmentsWithArchiveInvokedFromBrokerThread() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.profile = Profile.ONE_THREAD;
        harness.segmentFileLength = 1024 * 1024;
        harness.retention = new io.magnetar.broker.policy.RetentionPolicy(0, 0, 50);
        harness.start();
        final String topic = "persistent://public/default/one-thread-purge";
        final byte[] payload = new byte[1000];
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(topic).create();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 6_000; i++) // about 6 MB: five whole segments behind the acknowledged position
            {
                producer.sendAsync(payload);
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i);
                consumer.acknowledge(message);
            }
            producer.flush();

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long startPosition = 0;
            while (startPosition < 4 * 1024 * 1024 && System.nanoTime() - deadlineNs < 0)
            {
                startPosition = client.admin().topics().statsInternal(topic).getShardLog().get("startPosition");
                Thread.sleep(10);
            }
            assertTrue(startPosition >= 4 * 1024 * 1024, "the shard log starts at " + startPosition);
        }
        harness.stop();
        assertEquals(0, harness.errors.size(), harness.errors.toString());
    }

    private void roundTripAndRestart() throws Exception
    {
        harness.start();
        final boolean archiveInvoked = harness.profile == Profile.ONE_THREAD && harness.durability != Durability.FSYNC;
        assertEquals(!archiveInvoked, Thread.getAllStackTraces().keySet().stream()
            .anyMatch((thread) -> thread.getName().contains("archive-conductor")), "the archive's own thread");
        if (harness.profile != Profile.DEFAULT)
        {
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                .anyMatch((thread) -> thread.getName().contains("magnetar-driver-archive")), "the invoker's thread");
        }
        final String topic = "persistent://public/default/profiles";
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(topic).create();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 500; i++)
            {
                producer.sendAsync(("p" + i).getBytes(StandardCharsets.UTF_8));
            }
            producer.flush();
            for (int i = 0; i < 250; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("p" + i, message.getValue());
                consumer.acknowledge(message);
            }
        }

        harness.stop();
        harness.start();

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe())
        {
            for (int i = 250; i < 500; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "p" + i);
                assertEquals("p" + i, message.getValue());
                consumer.acknowledge(message);
            }
        }
        assertEquals(0, harness.errors.size(), harness.errors.toString());
    }
}
