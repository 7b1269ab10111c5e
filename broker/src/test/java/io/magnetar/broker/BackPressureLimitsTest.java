package io.magnetar.broker;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.net.DatagramSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The client's back-pressure limits, with the broker stopped so sends stay pending: {@code maxPendingMessages} and
 * the client-wide {@code memoryLimit} fail sends at once under {@code blockIfQueueFull(false)}, make them wait up to
 * the send timeout under {@code blockIfQueueFull(true)}, and make offers answer {@code BACK_PRESSURED}; the pending
 * sends complete once the broker is back, and give their room back.
 */
class BackPressureLimitsTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/back-pressure";

    @Test
    void shouldFailAtOnceBeyondMaxPendingMessagesWithoutBlocking() throws Exception
    {
        start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).maxPendingMessages(2).blockIfQueueFull(false)
                .create())
        {
            harness.stop();
            final CompletableFuture<MessageId> first = producer.sendAsync(new byte[10]);
            final CompletableFuture<MessageId> second = producer.sendAsync(new byte[10]);
            final ExecutionException full = assertThrows(
                ExecutionException.class, () -> producer.sendAsync(new byte[10]).get(1, TimeUnit.SECONDS));
            assertInstanceOf(MagnetarClientException.ProducerQueueIsFullException.class, full.getCause());
            assertTrue(full.getCause().getMessage().contains("maxPendingMessages=2"), full.getCause().getMessage());

            harness.start();
            assertNotNull(first.get(30, TimeUnit.SECONDS));
            assertNotNull(second.get(30, TimeUnit.SECONDS));
            assertNotNull(producer.send(new byte[10]), "room again once the receipts came");
        }
    }

    @Test
    void shouldBoundTheBytesOfPendingSendsAcrossProducers() throws Exception
    {
        start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).memoryLimit(1000).build();
            Producer failing = client.newProducer().topic(TOPIC).blockIfQueueFull(false).create();
            Producer blocking = client.newProducer().topic(TOPIC).sendTimeout(Duration.ofSeconds(1)).create())
        {
            harness.stop();
            final CompletableFuture<MessageId> pending = failing.sendAsync(new byte[600]);

            final ExecutionException full = assertThrows(
                ExecutionException.class, () -> failing.sendAsync(new byte[600]).get(1, TimeUnit.SECONDS));
            assertInstanceOf(MagnetarClientException.ProducerQueueIsFullException.class, full.getCause());
            assertTrue(full.getCause().getMessage().contains("memory limit of 1000 bytes"),
                full.getCause().getMessage());

            final long startNs = System.nanoTime();
            final MagnetarClientException.TimeoutException timeout = assertThrows(
                MagnetarClientException.TimeoutException.class, () -> blocking.send(new byte[600]));
            assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(900), timeout.getMessage());
            assertTrue(timeout.getMessage().contains("memory limit"), timeout.getMessage());

            assertEquals(Producer.BACK_PRESSURED, blocking.offer(new UnsafeBuffer(new byte[600]), 0, 600));

            harness.start();
            assertNotNull(pending.get(30, TimeUnit.SECONDS));
            assertNotNull(failing.send(new byte[600]), "the memory came back with the receipt");
            assertTrue(blocking.offer(new UnsafeBuffer(new byte[300]), 0, 300) >= 0);
        }
    }

    private void start() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        try (DatagramSocket socket = new DatagramSocket(0))
        {
            harness.port = socket.getLocalPort();
        }
        harness.start();
    }
}
