package io.magnetar.broker;

import io.magnetar.client.CompressionType;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunking through a real broker: a message larger than a chunk is stored as chunks and handed to consumers whole,
 * compressed or not; a chunked message whose chunk was lost, or whose chunks stopped coming, is dropped and its chunks
 * acknowledged; at most maxPendingChunkedMessage messages are put together at once.
 */
@Timeout(60)
class ChunkingTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/chunking";

    @Test
    void shouldSplitALargeMessageIntoChunksAndHandItOutWhole() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final byte[] large = new byte[95_000];
        new Random(7).nextBytes(large);
        final MessageId largeId;
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).enableChunking(true).chunkMaxMessageSize(10_000)
                .create())
        {
            producer.send(bytes("before"));
            largeId = producer.newMessage().key("big").property("kind", "blob").value(large).send();
            producer.send(bytes("after"));
            assertEquals(11, producer.getLastSequenceId(), "one sequence id per chunk");

            final MagnetarClientException tooLarge = assertThrows(MagnetarClientException.class,
                () -> producer.send(new byte[64 * 1024 * 1024 + 1]));
            assertTrue(tooLarge.getMessage().contains("larger than"), tooLarge.getMessage());
        }
        assertEquals(12, entries(TOPIC), "before, ten chunks, after");

        try (MagnetarClient client = harness.newClient();
            Consumer consumer = subscribe(client, 10))
        {
            assertEquals("before", consumer.receive().getValue());
            final Message whole = consumer.receive();
            assertArrayEquals(large, whole.getData());
            assertEquals("big", whole.getKey());
            assertEquals("blob", whole.getProperty("kind"));
            assertEquals(largeId, whole.getMessageId(), "the first chunk's id");
            assertEquals(1, whole.getSequenceId(), "the first chunk's sequence id");
            assertEquals("after", consumer.receive().getValue());
            consumer.acknowledge(whole);
        }
        assertEquals(List.of("before", "after"), remaining(TOPIC), "acknowledging the message acknowledged its chunks");
        BatchingTest.awaitBacklog(harness, TOPIC, "s", 2); // only the two small messages are left unacknowledged
    }

    @Test
    void shouldCompressThenChunk() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final byte[] text = new byte[200_000];
        final Random random = new Random(3);
        for (int i = 0; i < text.length; i++)
        {
            text[i] = (byte)('a' + random.nextInt(4)); // about two bits of entropy a byte: compresses about 3:1
        }
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).enableChunking(true).chunkMaxMessageSize(5_000)
                .compressionType(CompressionType.ZSTD).create();
            Consumer consumer = subscribe(client, 10))
        {
            assertEquals(-1, producer.send(text).batchIndex());
            assertTrue(producer.getLastSequenceId() >= 1, "chunks of the compressed bytes");
            assertTrue(producer.getLastSequenceId() < 20, "compressed first, then split: " +
                (producer.getLastSequenceId() + 1) + " chunks rather than 40");
            final Message whole = consumer.receive();
            assertArrayEquals(text, whole.getData());
            consumer.acknowledge(whole);
        }
    }

    @Test
    void shouldDropAChunkedMessageWhoseChunkWasLostAndDeliverTheRest() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            raw.createProducer(TOPIC, "raw");
            for (final int chunkId : new int[] {0, 1, 3})
            {
                raw.sendAndAwaitReceipt(chunkId, chunk(chunkId), metadata, RawClient.encodeEntryMetadata(
                    metadata, 0, io.magnetar.codecs.CompressionType.NONE, 40, 4, chunkId, 40, 0));
            }
            for (final int chunkId : new int[] {0, 1})
            {
                raw.sendAndAwaitReceipt(4 + chunkId, chunk(chunkId), metadata, RawClient.encodeEntryMetadata(
                    metadata, 0, io.magnetar.codecs.CompressionType.NONE, 20, 2, chunkId, 20, 4));
            }
            raw.sendAndAwaitReceipt(6, bytes("plain"), metadata, 0);
        }

        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Consumer consumer = subscribe(client, 10))
        {
            final Message whole = consumer.receive();
            assertEquals(new String(chunk(0)) + new String(chunk(1)), whole.getValue());
            assertEquals(4, whole.getSequenceId());
            consumer.acknowledge(whole);
            final Message plain = consumer.receive();
            assertEquals("plain", plain.getValue());
            consumer.acknowledge(plain);
        }
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).getMessage().contains("a chunk was lost"), errors.get(0).getMessage());
        BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // the lost message's chunks are acknowledged
    }

    @Test
    void shouldDropAChunkedMessageWhoseChunksStopComing() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            raw.createProducer(TOPIC, "raw");
            for (final int chunkId : new int[] {0, 1})
            {
                raw.sendAndAwaitReceipt(chunkId, chunk(chunkId), metadata, RawClient.encodeEntryMetadata(
                    metadata, 0, io.magnetar.codecs.CompressionType.NONE, 30, 3, chunkId, 30, 0));
            }
            raw.sendAndAwaitReceipt(3, bytes("plain"), metadata, 0);
        }

        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST)
                .expireTimeOfIncompleteChunkedMessage(200, TimeUnit.MILLISECONDS).subscribe())
        {
            final Message plain = consumer.receive();
            assertEquals("plain", plain.getValue());
            consumer.acknowledge(plain);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (errors.isEmpty())
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "the incomplete message was not dropped");
                assertNull(consumer.receive(50, TimeUnit.MILLISECONDS));
            }
        }
        assertTrue(errors.get(0).getMessage().contains("stayed incomplete (2 of 3 chunks)"), errors.toString());
        BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // the expired message's chunks are acknowledged
    }

    @Test
    void shouldPutTogetherAtMostMaxPendingChunkedMessagesAtOnce() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            raw.createProducer(TOPIC, "raw");
            // A's first chunk, then all of B, then A's last chunk
            raw.sendAndAwaitReceipt(0, chunk(0), metadata, RawClient.encodeEntryMetadata(
                metadata, 0, io.magnetar.codecs.CompressionType.NONE, 20, 2, 0, 20, 0));
            raw.sendAndAwaitReceipt(2, chunk(0), metadata, RawClient.encodeEntryMetadata(
                metadata, 0, io.magnetar.codecs.CompressionType.NONE, 20, 2, 0, 20, 2));
            raw.sendAndAwaitReceipt(3, chunk(1), metadata, RawClient.encodeEntryMetadata(
                metadata, 0, io.magnetar.codecs.CompressionType.NONE, 20, 2, 1, 20, 2));
            raw.sendAndAwaitReceipt(4, chunk(1), metadata, RawClient.encodeEntryMetadata(
                metadata, 0, io.magnetar.codecs.CompressionType.NONE, 20, 2, 1, 20, 0));
        }

        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).maxPendingChunkedMessage(1)
                .autoAckOldestChunkedMessageOnQueueFull(true).subscribe())
        {
            final Message b = consumer.receive();
            assertEquals(2, b.getSequenceId());
            consumer.acknowledge(b);
            assertNull(consumer.receive(300, TimeUnit.MILLISECONDS), "A was dropped to make room for B");
        }
        assertEquals(2, errors.size(), errors.toString());
        assertTrue(errors.get(0).getMessage().contains("maxPendingChunkedMessage=1"), errors.toString());
        assertTrue(errors.get(1).getMessage().contains("came without the chunks before it"), errors.toString());
        BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // A was dropped: its first and last chunks acknowledged
    }

    @Test
    void shouldRefuseAMessageWithMoreChunksThanPendingSendsAndChunkingWithBatching() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            final MagnetarClientException both = assertThrows(MagnetarClientException.class, () ->
                client.newProducer().topic(TOPIC).enableChunking(true).enableBatching(true).create());
            assertTrue(both.getMessage().contains("batching and chunking"), both.getMessage());

            try (Producer producer = client.newProducer().topic(TOPIC).enableChunking(true).chunkMaxMessageSize(1000)
                .maxPendingMessages(3).create())
            {
                final MagnetarClientException tooMany =
                    assertThrows(MagnetarClientException.class, () -> producer.send(new byte[5000]));
                assertEquals(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, tooMany.errorCode());
                assertTrue(tooMany.getMessage().contains("maxPendingMessages of 3"), tooMany.getMessage());
                producer.send(new byte[3000]); // three chunks fit
                assertEquals(2, producer.getLastSequenceId());
            }
        }
    }

    @Test
    void shouldTakeAChunkStoredTwiceOnce() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            raw.createProducer(TOPIC, "raw");
            // a resend after a lost receipt, without deduplication: chunk 1 is stored twice
            long sequenceId = 0;
            for (final int chunkId : new int[] {0, 1, 1, 2})
            {
                raw.sendAndAwaitReceipt(sequenceId++, chunk(chunkId), metadata, RawClient.encodeEntryMetadata(
                    metadata, 0, io.magnetar.codecs.CompressionType.NONE, 30, 3, chunkId, 30, 0));
            }
        }

        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .errorHandler(errors::add).build();
            Consumer consumer = subscribe(client, 10))
        {
            final Message whole = consumer.receive();
            assertEquals(new String(chunk(0)) + new String(chunk(1)) + new String(chunk(2)), whole.getValue());
            consumer.acknowledge(whole);
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
        }
        assertEquals(List.of(), errors);
        BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // the second copy is acknowledged too
    }

    private static Consumer subscribe(final MagnetarClient client, final int receiverQueueSize) throws Exception
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").receiverQueueSize(receiverQueueSize)
            .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
    }

    private long entries(final String topic) throws Exception
    {
        try (MagnetarClient client = harness.newClient())
        {
            return client.admin().topics().statsInternal(topic).getEntries();
        }
    }

    private List<String> remaining(final String topic) throws Exception
    {
        final List<String> values = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe())
        {
            Message message;
            while (null != (message = consumer.receive(300, TimeUnit.MILLISECONDS)))
            {
                values.add(message.getValue());
            }
        }
        return values;
    }

    private static byte[] chunk(final int chunkId)
    {
        final byte[] bytes = new byte[10];
        Arrays.fill(bytes, (byte)('a' + chunkId));
        return bytes;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
