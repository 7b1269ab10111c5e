package io.magnetar.broker;

import io.magnetar.client.CompressionType;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Batching and compression through a real broker: a batch is stored and delivered as one entry, consumers see the
 * single messages with their keys, properties and sequence ids, in order, with each codec; an entry is acknowledged
 * once every message of its batch is; a batch that is not full goes out after the maximum delay; the Aeron-shaped
 * offer and poll batch too.
 */
@Timeout(60)
class BatchingTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/batching";

    @ParameterizedTest
    @EnumSource(CompressionType.class)
    void shouldStoreABatchAsOneEntryAndDeliverItsMessagesWithEachCodec(final CompressionType compression)
        throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = TOPIC + "-" + compression.name().toLowerCase();
        final List<CompletableFuture<MessageId>> sent = new ArrayList<>();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(topic).producerName("batcher").enableBatching(true)
                .batchingMaxMessages(10).batchingMaxPublishDelay(1, TimeUnit.HOURS).compressionType(compression)
                .create())
        {
            for (int i = 0; i < 25; i++)
            {
                sent.add(producer.newMessage().key("key-" + (i % 3)).property("i", Integer.toString(i))
                    .value(payload(i)).sendAsync());
            }
            producer.flush();
        }

        final List<MessageId> ids = new ArrayList<>();
        for (final CompletableFuture<MessageId> future : sent)
        {
            ids.add(future.get(10, TimeUnit.SECONDS));
        }
        for (int i = 0; i < 25; i++)
        {
            final MessageId id = ids.get(i);
            assertEquals(i % 10, id.batchIndex(), id.toString());
            assertEquals(i < 20 ? 10 : 5, id.batchSize(), id.toString());
            assertEquals(ids.get(i - i % 10).position(), id.position(), "one entry per batch");
        }
        assertNotEquals(ids.get(0).position(), ids.get(10).position());

        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 25; i++)
            {
                final Message message = consumer.receive();
                assertEquals(new String(payload(i), StandardCharsets.UTF_8), message.getValue());
                assertEquals("key-" + (i % 3), message.getKey());
                assertEquals(Integer.toString(i), message.getProperty("i"));
                assertEquals(i, message.getSequenceId());
                assertEquals("batcher", message.getProducerName());
                assertEquals(ids.get(i), message.getMessageId());
                assertEquals(ids.get(i).batchSize(), message.getMessageId().batchSize());
                consumer.acknowledge(message);
            }
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
        }

        awaitNoBacklog(harness, topic, "s");
        assertEquals(0, backlogAfterReconnect(topic), "every entry acknowledged");
        try (MagnetarClient client = harness.newClient())
        {
            final long entries = client.admin().topics().statsInternal(topic).getEntries();
            assertEquals(3, entries, "25 messages in batches of 10 are three entries");
        }
    }

    @Test
    void shouldAcknowledgeABatchEntryOnlyOnceEveryMessageOfItIs() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true).batchingMaxMessages(4)
                .batchingMaxPublishDelay(1, TimeUnit.HOURS).create())
        {
            for (int i = 0; i < 8; i++)
            {
                producer.sendAsync(payload(i));
            }
            producer.flush();
        }

        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 8; i++)
            {
                final Message message = consumer.receive();
                if (i != 2)
                {
                    consumer.acknowledge(message); // all but the third message of the first batch
                }
            }
        }

        awaitBacklog(harness, TOPIC, "s", 1); // the second batch is acknowledged, the first is not
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
        {
            // the first batch is not done: it comes again whole, to a new consumer; the second is gone
            for (int i = 0; i < 4; i++)
            {
                final Message message = consumer.receive();
                assertEquals(new String(payload(i), StandardCharsets.UTF_8), message.getValue());
                consumer.acknowledge(message);
            }
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
        }
        awaitNoBacklog(harness, TOPIC, "s");
    }

    @Test
    void shouldSendABatchThatIsNotFullOnceItsDelayPasses() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true).batchingMaxMessages(1000)
                .batchingMaxPublishDelay(5, TimeUnit.MILLISECONDS).create())
        {
            final long startNs = System.nanoTime();
            final CompletableFuture<MessageId> first = producer.sendAsync(payload(0));
            // no flush: the client's conductor sends the batch (of one, or two if this thread sent the second within
            // the 5 ms) once its first message has waited 5 ms
            final CompletableFuture<MessageId> second = producer.sendAsync(payload(1));
            assertEquals(0, first.get(10, TimeUnit.SECONDS).batchIndex());
            assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(5), "sent before its delay");
            assertTrue(second.get(10, TimeUnit.SECONDS).batchIndex() >= 0, "batched");
            assertEquals(1, producer.getLastSequenceId());
        }
    }

    @Test
    void shouldBatchOffersAndHandEachMessageOfABatchToAPollHandler() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final List<String> polled = new ArrayList<>();
        final List<Integer> indexes = new ArrayList<>();
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true).batchingMaxMessages(3)
                .batchingMaxPublishDelay(1, TimeUnit.HOURS).compressionType(CompressionType.LZ4).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            for (int i = 0; i < 7; i++)
            {
                final byte[] payload = payload(i);
                buffer.putBytes(0, payload);
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                long result;
                while ((result = producer.offer(buffer, 0, payload.length)) < 0)
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "offer refused: " + result);
                    Thread.yield();
                }
                assertEquals(i, result);
            }
            producer.flush();

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (polled.size() < 7)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "polled only " + polled);
                consumer.poll((view) ->
                {
                    final byte[] bytes = new byte[view.payloadLength()];
                    view.buffer().getBytes(view.payloadOffset(), bytes);
                    polled.add(new String(bytes, StandardCharsets.UTF_8));
                    indexes.add(view.batchIndex());
                    assertEquals(polled.size() - 1, view.sequenceId());
                    try
                    {
                        consumer.acknowledge(view);
                    }
                    catch (final Exception ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                }, 2);
            }
        }
        for (int i = 0; i < 7; i++)
        {
            assertEquals(new String(payload(i), StandardCharsets.UTF_8), polled.get(i));
        }
        assertEquals(List.of(0, 1, 2, 0, 1, 2, 0), indexes);
        assertEquals(List.of(), errors);
        awaitNoBacklog(harness, TOPIC, "s");
    }

    @Test
    void shouldCompressMessagesWithoutBatching() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final byte[] large = new byte[60_000];
        for (int i = 0; i < large.length; i++)
        {
            large[i] = (byte)('a' + (i % 7));
        }
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).compressionType(CompressionType.ZSTD).create())
        {
            final MessageId id = producer.newMessage().key("k").property("p", "v").value(large).send();
            assertEquals(-1, id.batchIndex());
            producer.send(payload(1));
        }
        try (MagnetarClient client = harness.newClient())
        {
            final long storedBytes = client.admin().topics().statsInternal(TOPIC).getBytes();
            assertTrue(storedBytes < 10_000, "compressed on the way: " + storedBytes + " bytes stored");
        }

        final List<Message> messages = TopicReader.readAll(harness, TOPIC, 2);
        assertTrue(java.util.Arrays.equals(large, messages.get(0).getData()));
        assertEquals("k", messages.get(0).getKey());
        assertEquals("v", messages.get(0).getProperty("p"));
        assertEquals(-1, messages.get(0).getMessageId().batchIndex());
        assertEquals(new String(payload(1), StandardCharsets.UTF_8), messages.get(1).getValue());
    }

    @Test
    void shouldDiscardAnEntryThatCannotBeReadAndDeliverTheNextOne() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);
        final byte[] garbage = "not a batch, not lz4".getBytes(StandardCharsets.UTF_8);
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            raw.createProducer(TOPIC, "raw");
            raw.sendAndAwaitReceipt(0, garbage, metadata, RawClient.encodeEntryMetadata(
                metadata, 3, io.magnetar.codecs.CompressionType.NONE, garbage.length, 0, 0, 0, 0));
            raw.sendAndAwaitReceipt(1, garbage, metadata, RawClient.encodeEntryMetadata(
                metadata, 0, io.magnetar.codecs.CompressionType.LZ4, 1000, 0, 0, 0, 0));
            raw.sendAndAwaitReceipt(2, garbage, metadata, RawClient.encodeEntryMetadata(
                metadata, 2, io.magnetar.codecs.CompressionType.ZSTD, 64, 0, 0, 0, 0));
            raw.sendAndAwaitReceipt(3, bytes("fine"), metadata, 0);
        }

        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final Message message = consumer.receive();
            assertEquals("fine", message.getValue());
            assertEquals(3, message.getSequenceId());
            consumer.acknowledge(message);
        }
        assertEquals(3, errors.size(), errors.toString());
        assertTrue(errors.get(0).getMessage().contains("discarded the entry"), errors.get(0).getMessage());
        assertTrue(errors.get(0).getMessage().contains("batch"), errors.get(0).getMessage());
        assertTrue(errors.get(1).getMessage().contains("LZ4"), errors.get(1).getMessage());
        assertTrue(errors.get(2).getMessage().contains("ZSTD"), errors.get(2).getMessage());
        awaitNoBacklog(harness, TOPIC, "s"); // the unreadable entries are acknowledged, as Pulsar does
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Wait (bounded) until the subscription's cursor has no entry left unacknowledged: acks are not answered, so
     * they are stored a little after they are sent.
     */
    static void awaitNoBacklog(final BrokerHarness harness, final String topic, final String subscription)
        throws Exception
    {
        awaitBacklog(harness, topic, subscription, 0);
    }

    /**
     * Wait (bounded) until the subscription's cursor has this many entries left unacknowledged.
     */
    static void awaitBacklog(
        final BrokerHarness harness, final String topic, final String subscription, final long expected)
        throws Exception
    {
        try (MagnetarClient client = harness.newClient())
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            long backlog;
            while (expected != (backlog = client.admin().topics().statsInternal(topic).getCursors().get(subscription)
                .getBacklog()))
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "backlog of " + subscription + " stays " + backlog +
                    ", not " + expected);
                Thread.sleep(10);
            }
        }
    }

    private long backlogAfterReconnect(final String topic) throws Exception
    {
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe())
        {
            long count = 0;
            while (null != consumer.receive(300, TimeUnit.MILLISECONDS))
            {
                count++;
            }
            return count;
        }
    }

    private static byte[] payload(final int i)
    {
        return ("message-" + i + "-" + "x".repeat(40)).getBytes(StandardCharsets.UTF_8);
    }
}
