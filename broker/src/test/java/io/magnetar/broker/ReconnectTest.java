package io.magnetar.broker;

import io.aeron.CommonContext;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A producer and a consumer keep working across a broker restart, clean or by SIGKILL, with no reconnect code in
 * the test: sends made while the broker is down are kept and sent once the session is restored, every receipted
 * message is consumed (duplicates allowed: there is no dedup yet), and nothing fails.
 */
class ReconnectTest
{
    private static final String TOPIC = "persistent://public/default/reconnect";
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(90);

    @TempDir
    File workDir;

    private BrokerHarness harness;
    private Process forked;
    private final String aeronDir = CommonContext.generateRandomDirName();

    @AfterEach
    void after() throws Exception
    {
        if (null != harness)
        {
            harness.close();
        }
        ForkedBroker.kill(forked);
        IoUtil.delete(new File(aeronDir), true);
    }

    @Test
    void shouldKeepProducingAndConsumingAcrossACleanRestart() throws Exception
    {
        harness = new BrokerHarness(new File(workDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();

        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl()).termLength(1024 * 1024)
            .errorHandler(clientErrors::add).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(payload(i));
            }

            harness.stop();
            // a clean stop tells the client, which starts reconnecting at once rather than after a timeout
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.isConnected())
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the client did not notice the clean stop");
                Thread.sleep(5);
            }
            assertTrue(clientErrors.stream().anyMatch((error) ->
                error.getMessage().contains("the broker is shutting down")), clientErrors.toString());
            sendWhileAwayThenAfter(producer, consumer, harness::start);
        }
    }

    @Test
    void shouldKeepProducingAndConsumingAcrossASigkilledBroker() throws Exception
    {
        final File dataDir = new File(workDir, "data");
        final int port = ForkedBroker.freePort();
        ForkedBroker.start(dataDir, aeronDir, workDir, "first", "archived", port, (process) -> forked = process);

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl("magnetar://localhost:" + port)
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(payload(i));
            }

            forked.destroyForcibly();
            assertTrue(forked.waitFor(30, TimeUnit.SECONDS));
            sendWhileAwayThenAfter(producer, consumer, () -> ForkedBroker.start(
                dataDir, aeronDir, workDir, "second", "archived", port, (process) -> forked = process));
        }
    }

    @Test
    void shouldFailASendOnlyOnceItsSendTimeoutPassesWhileTheBrokerStaysAway() throws Exception
    {
        harness = new BrokerHarness(new File(workDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();

        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).sendTimeout(Duration.ofSeconds(2)).create())
        {
            producer.send(payload(0));
            harness.stop();

            final long startNs = System.nanoTime();
            final MagnetarClientException.TimeoutException timeout = assertThrows(
                MagnetarClientException.TimeoutException.class, () -> producer.send(payload(1)));
            final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            assertTrue(waitedMs >= 1500, "failed after " + waitedMs + " ms: " + timeout);
            assertTrue(timeout.getMessage().contains("no receipt for sequence 1"), timeout.getMessage());
            assertFalse(client.isConnected());

            harness.start();
            try (Producer after = client.newProducer().topic(TOPIC).create())
            {
                assertNotNull(after.send(payload(2)), "a new producer once the session is back");
            }
            assertNotNull(producer.send(payload(3)), "and the old one goes on");
        }
    }

    /**
     * A broker that restarts, as {@code restart} does.
     */
    private interface Restart
    {
        void run() throws Exception;
    }

    /**
     * With the broker away: 100 sends (100 to 199) kept by the producer; then the restart, 100 sends more after it,
     * every receipt, and all 300 messages consumed.
     */
    private static void sendWhileAwayThenAfter(final Producer producer, final Consumer consumer, final Restart restart)
        throws Exception
    {
        final List<CompletableFuture<MessageId>> receipts = new ArrayList<>();
        for (int i = 100; i < 200; i++)
        {
            receipts.add(producer.sendAsync(payload(i))); // kept while the broker is away
        }
        restart.run();

        for (int i = 200; i < 300; i++)
        {
            producer.send(payload(i));
        }
        for (final CompletableFuture<MessageId> receipt : receipts)
        {
            assertNotNull(receipt.get(60, TimeUnit.SECONDS));
        }

        assertAllConsumed(consumer, 300);
    }

    private static void assertAllConsumed(final Consumer consumer, final int count) throws Exception
    {
        final BitSet seen = new BitSet(count);
        final long deadlineNs = System.nanoTime() + TIMEOUT_NS;
        while (seen.cardinality() < count)
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("consumed " + seen.cardinality() + " of " + count + "; missing from " + seen.nextClearBit(0));
            }
            final Message message = consumer.receive(1, TimeUnit.SECONDS);
            if (null != message)
            {
                final int sequence = ByteBuffer.wrap(message.getData()).getInt();
                assertTrue(sequence >= 0 && sequence < count, "sequence " + sequence);
                seen.set(sequence);
                consumer.acknowledge(message);
            }
        }
        assertEquals(count, seen.cardinality());
    }

    private static byte[] payload(final int sequence)
    {
        return ByteBuffer.allocate(64).putInt(sequence).array();
    }
}
