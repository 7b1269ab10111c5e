package io.magnetar.broker;

import io.magnetar.broker.session.SessionAgent;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.MessageView;
import io.magnetar.client.Producer;
import io.magnetar.client.SendReceiptHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The Aeron-shaped client API against a real broker over UDP: {@code Producer.offer} with receipts to a handler,
 * {@code Consumer.poll} with a flyweight view, and their mixing with the Pulsar-shaped calls.
 */
@Timeout(120)
class AeronShapedApiTest
{
    private static final long WAIT_NS = TimeUnit.SECONDS.toNanos(30);

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

    /**
     * Receipts and failures the conductor reports, as text, in order.
     */
    private static final class RecordingHandler implements SendReceiptHandler
    {
        final ConcurrentLinkedQueue<String> outcomes = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<MessageId> ids = new ConcurrentLinkedQueue<>();

        public void onReceipt(final long sequenceId, final int shard, final long position)
        {
            outcomes.add("receipt " + sequenceId);
            ids.add(new MessageId(shard, position));
        }

        public void onFailure(final long sequenceId, final MagnetarClientException failure)
        {
            outcomes.add("failure " + sequenceId + ": " + failure.getMessage());
        }
    }

    private static long offer(final Producer producer, final UnsafeBuffer buffer, final int length)
        throws MagnetarClientException
    {
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (true)
        {
            final long result = producer.offer(buffer, 0, length);
            if (result >= 0)
            {
                return result;
            }
            if (Producer.CLOSED == result || System.nanoTime() - deadlineNs >= 0)
            {
                fail("offer failed: " + result);
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitTrue(final java.util.function.BooleanSupplier condition, final String what)
        throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + WAIT_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                fail("timed out waiting for " + what);
            }
            Thread.sleep(1);
        }
    }

    @Test
    void shouldOfferPollAndAcknowledgeInOrderWithReceiptsToTheHandler() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/aeron-shaped";
        final int count = 5_000;
        final RecordingHandler receipts = new RecordingHandler();

        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Producer producer = client.newProducer().topic(topic).maxPendingMessages(64).receiptHandler(receipts)
                .create())
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < count; i++)
            {
                buffer.putInt(0, i);
                buffer.putLong(4, 1000L * i);
                assertEquals(i, offer(producer, buffer, 12));
            }

            awaitTrue(() -> producer.getLastSequenceId() == count - 1, "the last receipt");
            final List<String> outcomes = new ArrayList<>(receipts.outcomes);
            assertEquals(count, outcomes.size());
            for (int i = 0; i < count; i++)
            {
                assertEquals("receipt " + i, outcomes.get(i));
            }

            final List<MessageId> stored = new ArrayList<>(receipts.ids);
            final int[] next = { 0 };
            final long deadlineNs = System.nanoTime() + WAIT_NS;
            while (next[0] < count && System.nanoTime() - deadlineNs < 0)
            {
                consumer.poll(
                    (final MessageView view) ->
                    {
                        final int i = next[0]++;
                        assertEquals(12, view.payloadLength());
                        assertEquals(i, view.buffer().getInt(view.payloadOffset()));
                        assertEquals(1000L * i, view.buffer().getLong(view.payloadOffset() + 4));
                        assertEquals(i, view.sequenceId());
                        assertEquals(0, view.keyLength());
                        assertEquals(topic, view.getTopicName());
                        assertEquals(stored.get(i), new MessageId(view.shard(), view.position()));
                        try
                        {
                            consumer.acknowledge(view);
                        }
                        catch (final MagnetarClientException ex)
                        {
                            throw new IllegalStateException(ex);
                        }
                    },
                    100);
            }
            assertEquals(count, next[0]);
            assertEquals(0, consumer.poll(view -> fail("unexpected " + view), 10));
        }

        // the acknowledgements were stored: a new consumer of the subscription gets nothing
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            assertNull(consumer.receive(500, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void shouldMixFuturesWithOffersAndRingWithOverflowInOrder() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/aeron-mixed";
        final RecordingHandler receipts = new RecordingHandler();
        final int count = 400;

        try (MagnetarClient client = harness.newClient();
            // a ring of 16 KiB for 50 messages holds frames up to 312 B in place: the 300 B payloads take the
            // overflow path, the 20 B ones the ring, which wraps many times
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").receiverQueueSize(50)
                .receiveBufferLength(16 * 1024).subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Producer producer = client.newProducer().topic(topic).receiptHandler(receipts).create())
        {
            final List<CompletableFuture<MessageId>> futures = new ArrayList<>();
            final List<Long> offered = new ArrayList<>();
            final UnsafeBuffer key = new UnsafeBuffer("k-7".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < count; i++)
            {
                final byte[] payload = new byte[i % 3 == 0 ? 300 : 20];
                payload[0] = (byte)i;
                if (i % 2 == 0)
                {
                    futures.add(producer.sendAsync(payload));
                }
                else
                {
                    final UnsafeBuffer buffer = new UnsafeBuffer(payload);
                    long result;
                    while ((result = producer.offer(key, 0, key.capacity(), buffer, 0, payload.length)) < 0)
                    {
                        assertTrue(result != Producer.CLOSED);
                        Thread.onSpinWait();
                    }
                    offered.add(result);
                }
            }
            producer.flush();
            for (final CompletableFuture<MessageId> future : futures)
            {
                assertNotNull(future.get(30, TimeUnit.SECONDS));
            }
            awaitTrue(() -> receipts.outcomes.size() == count / 2, "the offers' receipts");
            final List<String> expected = new ArrayList<>();
            for (final long sequenceId : offered)
            {
                expected.add("receipt " + sequenceId);
            }
            assertEquals(expected, new ArrayList<>(receipts.outcomes));

            // receive and poll in turn: one order across the ring and the overflow
            int next = 0;
            final long deadlineNs = System.nanoTime() + WAIT_NS;
            while (next < count && System.nanoTime() - deadlineNs < 0)
            {
                if (next % 5 == 0)
                {
                    final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                    if (null != message)
                    {
                        assertEquals(next, message.getSequenceId());
                        assertEquals((byte)next, message.getData()[0]);
                        assertEquals(next % 2 == 1 ? "k-7" : null, message.getKey());
                        consumer.acknowledge(message);
                        next++;
                    }
                }
                else
                {
                    final int expectedNext = next;
                    final int[] seen = { 0 };
                    next += consumer.poll(
                        (final MessageView view) ->
                        {
                            final int i = expectedNext + seen[0]++;
                            assertEquals(i, view.sequenceId());
                            assertEquals(i % 3 == 0 ? 300 : 20, view.payloadLength());
                            assertEquals((byte)i, view.buffer().getByte(view.payloadOffset()));
                            assertEquals(i % 2 == 1 ? "k-7" : null, view.getKey());
                        },
                        1);
                }
            }
            assertEquals(count, next);
        }
    }

    @Test
    void shouldRefuseBadOffersClearlyAndReportClosed() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/aeron-bad";

        try (MagnetarClient client = harness.newClient())
        {
            final Producer producer = client.newProducer().topic(topic).create();
            final UnsafeBuffer huge = new UnsafeBuffer(new byte[BrokerHarness.MAX_MESSAGE_SIZE + 1]);
            final MagnetarClientException tooLarge = assertThrows(MagnetarClientException.class,
                () -> producer.offer(huge, 0, huge.capacity()));
            assertTrue(tooLarge.getMessage().contains("maximum message size"), tooLarge.getMessage());

            final UnsafeBuffer longKey = new UnsafeBuffer(new byte[SessionAgent.MAX_KEY_LENGTH + 1]);
            final MagnetarClientException keyTooLong = assertThrows(MagnetarClientException.class,
                () -> producer.offer(longKey, 0, longKey.capacity(), huge, 0, 10));
            assertEquals(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, keyTooLong.errorCode());
            assertThrows(MagnetarClientException.class, () -> producer.offer(huge, 0, -1));

            assertEquals(0, offer(producer, huge, 10));
            producer.flush();
            assertEquals(0, producer.getLastSequenceId());
            producer.close();
            assertEquals(Producer.CLOSED, producer.offer(huge, 0, 10));

            final Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            final int[] polled = { 0 };
            awaitTrue(() ->
            {
                try
                {
                    polled[0] += consumer.poll(view -> assertEquals(10, view.payloadLength()), 10);
                }
                catch (final MagnetarClientException ex)
                {
                    throw new IllegalStateException(ex);
                }
                return polled[0] == 1;
            }, "the message");
            final Producer second = client.newProducer().topic(topic).create();
            assertEquals(0, offer(second, huge, 10)); // a new producer, with a name of the broker's choosing
            final MagnetarClientException[] nested = new MagnetarClientException[1];
            awaitTrue(() ->
            {
                try
                {
                    return 1 == consumer.poll(view -> nested[0] = assertThrows(
                        MagnetarClientException.class, () -> consumer.poll(inner -> fail("nested"), 1)), 1);
                }
                catch (final MagnetarClientException ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, "the second message");
            assertTrue(nested[0].getMessage().contains("message handler"), nested[0].getMessage());

            consumer.close();
            assertThrows(MagnetarClientException.class, () -> consumer.poll(view -> fail("closed"), 10));
            assertThrows(MagnetarClientException.class, () -> client.newConsumer().topic(topic)
                .subscriptionName("s").receiveBufferLength(1000).subscribe());
            final MagnetarClientException tooSmall = assertThrows(MagnetarClientException.class, () -> client
                .newConsumer().topic(topic).subscriptionName("s").receiverQueueSize(1000).receiveBufferLength(4096)
                .subscribe());
            assertTrue(tooSmall.getMessage().contains("8008"), tooSmall.getMessage());
        }
    }
}
