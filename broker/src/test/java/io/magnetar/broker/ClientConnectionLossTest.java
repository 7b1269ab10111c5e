package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MagnetarClientException.ErrorCode;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.Protocol;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client built with {@code reconnect(false)} notices that its broker is gone and fails fast: a real broker and the
 * real client over UDP; the broker stops while the client has a producer and a consumer.
 */
@Timeout(60)
class ClientConnectionLossTest
{
    private static final String TOPIC = "persistent://public/default/connection-loss";
    private static final long DETECTION_BOUND_NS = TimeUnit.SECONDS.toNanos(15);
    private static final long FAIL_FAST_BOUND_NS = TimeUnit.SECONDS.toNanos(2);

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        if (null != harness)
        {
            harness.close();
        }
    }

    private MagnetarClient client(final List<Throwable> clientErrors) throws Exception
    {
        return MagnetarClient.builder()
            .serviceUrl(harness.serviceUrl())
            .operationTimeout(Duration.ofSeconds(30))
            .termLength(1024 * 1024)
            .reconnect(false) // what a client that does not reconnect sees; ReconnectTest has the default
            .errorHandler(clientErrors::add)
            .build();
    }

    @Test
    void shouldFailEverythingFastWhenTheBrokerStops() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String serviceUrl = harness.serviceUrl();
        final String lostText = "connection to the broker at " + serviceUrl + " was lost";
        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        final MagnetarClient client = client(clientErrors);
        try
        {
            final Producer producer = client.newProducer().topic(TOPIC).create();
            final Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s1")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();

            producer.send("before".getBytes(StandardCharsets.UTF_8));
            final Message before = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(before);
            assertEquals("before", before.getValue());
            consumer.acknowledge(before);
            assertTrue(client.isConnected());

            final CompletableFuture<Throwable> blockedReceive = CompletableFuture.supplyAsync(
                () ->
                {
                    try
                    {
                        return null == consumer.receive(20, TimeUnit.SECONDS) ?
                            new AssertionError("receive returned null") : new AssertionError("a message arrived");
                    }
                    catch (final MagnetarClientException ex)
                    {
                        return ex;
                    }
                });

            final long stopStartNs = System.nanoTime();
            harness.stop();
            final long stoppedNs = System.nanoTime();
            final CompletableFuture<MessageId> inFlight =
                producer.sendAsync("in flight".getBytes(StandardCharsets.UTF_8));

            while (client.isConnected())
            {
                assertTrue(System.nanoTime() - stoppedNs < DETECTION_BOUND_NS,
                    "the client did not notice the broker was gone");
                Thread.sleep(5);
            }
            final long detectedNs = System.nanoTime();
            assertFalse(client.isClosed());

            final long sendStartNs = System.nanoTime();
            final MagnetarClientException sendFailure = assertThrows(
                MagnetarClientException.class, () -> producer.send("after".getBytes(StandardCharsets.UTF_8)));
            final long sendNs = System.nanoTime() - sendStartNs;
            assertLost(sendFailure, lostText);
            assertTrue(sendNs < FAIL_FAST_BOUND_NS, "send took " + TimeUnit.NANOSECONDS.toMillis(sendNs) + " ms");

            final long receiveStartNs = System.nanoTime();
            final MagnetarClientException receiveFailure = assertThrows(
                MagnetarClientException.class, () -> consumer.receive(5, TimeUnit.SECONDS));
            final long receiveNs = System.nanoTime() - receiveStartNs;
            assertLost(receiveFailure, lostText);
            assertTrue(receiveNs < FAIL_FAST_BOUND_NS,
                "receive took " + TimeUnit.NANOSECONDS.toMillis(receiveNs) + " ms");

            final Throwable blocked = blockedReceive.get(1, TimeUnit.SECONDS);
            assertInstanceOf(MagnetarClientException.class, blocked, () -> "blocked receive: " + blocked);
            assertLost((MagnetarClientException)blocked, lostText);

            final ExecutionException inFlightFailure =
                assertThrows(ExecutionException.class, () -> inFlight.get(1, TimeUnit.SECONDS));
            assertInstanceOf(MagnetarClientException.class, inFlightFailure.getCause());
            assertLost((MagnetarClientException)inFlightFailure.getCause(), lostText);

            final ExecutionException asyncFailure = assertThrows(ExecutionException.class,
                () -> producer.sendAsync("later".getBytes(StandardCharsets.UTF_8)).get(1, TimeUnit.SECONDS));
            assertLost((MagnetarClientException)asyncFailure.getCause(), lostText);
            assertLost(assertThrows(MagnetarClientException.class, client::ping), lostText);
            assertLost(assertThrows(MagnetarClientException.class, producer::flush), lostText);
            assertLost(assertThrows(MagnetarClientException.class, () -> consumer.acknowledge(before)), lostText);
            assertLost(assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic(TOPIC).create()), lostText);
            assertLost(assertThrows(MagnetarClientException.class,
                () -> client.newConsumer().topic(TOPIC).subscriptionName("s2").subscribe()), lostText);
            // the conductor thread records the loss, then calls the error handler: the test thread may see the first
            // before the second has run, so wait for it, bounded
            final long handlerDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (clientErrors.stream().noneMatch(
                (error) -> error instanceof MagnetarClientException.ConnectionLostException) &&
                System.nanoTime() < handlerDeadlineNs)
            {
                Thread.sleep(1);
            }
            assertTrue(clientErrors.stream().anyMatch(
                (error) -> error instanceof MagnetarClientException.ConnectionLostException),
                () -> "the loss goes to the error handler: " + clientErrors);

            final long closeStartNs = System.nanoTime();
            client.close();
            final long closeNs = System.nanoTime() - closeStartNs;
            assertTrue(producer.isClosed());
            assertTrue(consumer.isClosed());
            assertFalse(client.isConnected());
            assertTrue(closeNs < TimeUnit.SECONDS.toNanos(5),
                "close took " + TimeUnit.NANOSECONDS.toMillis(closeNs) + " ms");

            System.out.println("ClientConnectionLossTest: broker stop took " +
                TimeUnit.NANOSECONDS.toMillis(stoppedNs - stopStartNs) + " ms; loss noticed " +
                TimeUnit.NANOSECONDS.toMillis(detectedNs - stoppedNs) + " ms after the broker stopped (" +
                sendFailure.getMessage() + "); send failed in " + TimeUnit.NANOSECONDS.toMicros(sendNs) +
                " us; receive failed in " + TimeUnit.NANOSECONDS.toMicros(receiveNs) + " us; close took " +
                TimeUnit.NANOSECONDS.toMillis(closeNs) + " ms");
        }
        finally
        {
            CloseHelper.quietClose(client);
        }
    }

    @Test
    void shouldRejectATooLongKeyBeforeSending() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final List<Throwable> clientErrors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = client(clientErrors);
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final byte[] payload = "payload".getBytes(StandardCharsets.UTF_8);
            final String longKey = "k".repeat(Protocol.MAX_KEY_LENGTH + 1);
            final MagnetarClientException tooLong =
                assertThrows(MagnetarClientException.class, () -> producer.send(longKey, payload));
            assertEquals(ErrorCode.MESSAGE_TOO_LARGE, tooLong.errorCode());
            assertTrue(tooLong.getMessage().contains(String.valueOf(Protocol.MAX_KEY_LENGTH)), tooLong.getMessage());

            final String longUtf8Key = "\u00e9".repeat(Protocol.MAX_KEY_LENGTH / 2 + 1);
            final ExecutionException asyncTooLong = assertThrows(
                ExecutionException.class, () -> producer.sendAsync(longUtf8Key, payload).get(1, TimeUnit.SECONDS));
            assertEquals(
                ErrorCode.MESSAGE_TOO_LARGE, ((MagnetarClientException)asyncTooLong.getCause()).errorCode());

            final MessageId longestKey = producer.send("k".repeat(Protocol.MAX_KEY_LENGTH), payload);
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("keys")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                Message message;
                do
                {
                    message = consumer.receive(10, TimeUnit.SECONDS);
                    assertNotNull(message, "the message with the longest key");
                }
                while (!message.getMessageId().equals(longestKey));
                assertEquals("k".repeat(Protocol.MAX_KEY_LENGTH), message.getKey());
            }
            assertTrue(client.isConnected());
        }

        assertEquals(List.of(), clientErrors);
    }

    private static void assertLost(final MagnetarClientException ex, final String lostText)
    {
        assertInstanceOf(MagnetarClientException.ConnectionLostException.class, ex, ex::toString);
        assertTrue(ex.getMessage().contains(lostText), ex.getMessage());
    }
}
