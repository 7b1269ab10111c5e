package io.magnetar.broker;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.ProducerReadyDecoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendReceiptDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Deduplication by producer name and sequence id, through a real broker: duplicates answered and not stored, the
 * last sequence id told to a producer that comes back (across restarts, from the shard log and from an index
 * snapshot), one producer per name, and names forgotten when deduplication is turned off.
 */
@Timeout(120)
class DeduplicationTest extends HarnessTest
{
    private static final String NAMESPACE = "public/default";
    private static final String TOPIC = "persistent://public/default/dedup";

    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    @Test
    void shouldAnswerAResentSequenceIdWithoutStoringItAgain() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        setDeduplication(true);

        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            assertEquals(-1, createProducer(raw, 10, 1, "raw-producer"));
            for (int i = 0; i < 10; i++)
            {
                send(raw, 1, i);
                assertTrue(awaitReceipt(raw, i) >= 0, "a new message is stored");
            }

            send(raw, 1, 5);
            assertEquals(-1, awaitReceipt(raw, 5), "a duplicate is answered with message id -1:-1");
            send(raw, 1, 9);
            assertEquals(-1, awaitReceipt(raw, 9));
            send(raw, 1, 10);
            assertTrue(awaitReceipt(raw, 10) >= 0, "and the next sequence id is stored");
            // a gap is allowed, as in Pulsar: only ids at or below the highest stored are duplicates
            send(raw, 1, 20);
            assertTrue(awaitReceipt(raw, 20) >= 0);
            send(raw, 1, 15);
            assertEquals(-1, awaitReceipt(raw, 15));
        }

        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 20L), consumeSequenceIds(12));
        harness.awaitCounters(3, BrokerCounters.DUPLICATE_SENDS_TYPE_ID);
    }

    @Test
    void shouldTellAProducerThatComesBackItsLastSequenceIdAcrossRestarts() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        setDeduplication(true);
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).producerName("orders-1").create())
        {
            assertEquals(-1, producer.getLastSequenceId());
            for (int i = 0; i < 20; i++)
            {
                producer.send(payload(i));
            }
            assertEquals(19, producer.getLastSequenceId());
        }

        harness.stop();
        harness.start(); // recovered from the shard log
        assertEquals(19, lastSequenceIdOf("orders-1", 5));

        harness.stop();
        harness.indexSnapshotIntervalBytes = 1; // a snapshot as soon as the broker starts
        harness.start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).producerName("orders-1").create())
        {
            assertEquals(24, producer.getLastSequenceId());
            producer.send(payload(25));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (client.admin().topics().statsInternal(TOPIC).getIndexLog().get("snapshots") < 1)
            {
                assertTrue(System.nanoTime() - deadlineNs < 0, "no index snapshot written");
                Thread.sleep(10);
            }
        }
        harness.stop();
        harness.logLines.clear();
        harness.start(); // the name comes from the index snapshot, sequence id 25 from the log after it
        assertTrue(harness.logLines.stream().anyMatch((line) -> line.contains("from an index snapshot")),
            harness.logLines.toString());
        assertEquals(25, lastSequenceIdOf("orders-1", 0));

        final List<Long> expected = new ArrayList<>();
        for (long i = 0; i <= 25; i++)
        {
            expected.add(i);
        }
        assertEquals(expected, consumeSequenceIds(26));
    }

    @Test
    void shouldRefuseASecondProducerWithTheSameNameWithDeduplicationOffToo() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer first = client.newProducer().topic(TOPIC).producerName("only-one").create())
        {
            final MagnetarClientException refused = assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic(TOPIC).producerName("only-one").create());
            assertTrue(refused.getMessage().contains("already connected"), refused.getMessage());
            // so turning deduplication on cannot join two producers under one name
            setDeduplication(true);
            first.send(payload(0));
        }
    }

    @Test
    void shouldRefuseASecondProducerWithTheSameName() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        setDeduplication(true);
        try (MagnetarClient client = harness.newClient();
            Producer first = client.newProducer().topic(TOPIC).producerName("only-one").create())
        {
            final MagnetarClientException refused = assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic(TOPIC).producerName("only-one").create());
            assertTrue(refused.getMessage().contains("already connected"), refused.getMessage());
            first.send(payload(0));
        }
        try (MagnetarClient client = harness.newClient();
            Producer again = client.newProducer().topic(TOPIC).producerName("only-one").create())
        {
            assertEquals(0, again.getLastSequenceId(), "free again once the first one closed");
        }
    }

    @Test
    void shouldForgetNamesWhenTurnedOffEvenAcrossARestart() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        setDeduplication(true);
        assertEquals(-1, lastSequenceIdOf("flip", 10));

        setDeduplication(false);
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).producerName("flip").create())
        {
            assertEquals(-1, producer.getLastSequenceId(), "off: no last sequence id");
            for (int i = 0; i < 3; i++)
            {
                producer.send(payload(i)); // sequence ids 0 to 2 again: not duplicates while off
            }
        }

        harness.stop();
        harness.start();
        setDeduplication(true);
        // the name's sequence ids up to 9 were forgotten for good when it was turned off (recorded, so the
        // restart does not bring them back), and sends while off are not tracked
        assertEquals(-1, lastSequenceIdOf("flip", 0));
        assertEquals(10 + 3, consumeSequenceIds(13).size(), "every send of both lives stored");
    }

    @Test
    void shouldStoreEverySendWhenOff() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            assertEquals(-1, createProducer(raw, 10, 1, "plain"));
            for (int i = 0; i < 3; i++)
            {
                send(raw, 1, 7);
                assertTrue(awaitReceipt(raw, 7) >= 0, "without deduplication a resend is stored");
            }
        }
        assertEquals(List.of(7L, 7L, 7L), consumeSequenceIds(3));
    }

    private void setDeduplication(final boolean enabled) throws MagnetarClientException
    {
        try (MagnetarClient client = harness.newClient())
        {
            assertEquals(enabled,
                client.admin().namespaces().setDeduplicationStatus(NAMESPACE, enabled).isDeduplicationEnabled());
        }
    }

    /**
     * Create a producer under a name, send {@code sends} messages, close it.
     *
     * @return the last sequence id the broker told the producer when it was created.
     */
    private long lastSequenceIdOf(final String name, final int sends) throws Exception
    {
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).producerName(name).create())
        {
            final long last = producer.getLastSequenceId();
            for (int i = 0; i < sends; i++)
            {
                producer.send(payload(i));
            }
            return last;
        }
    }

    private List<Long> consumeSequenceIds(final int count) throws Exception
    {
        final List<Long> sequenceIds = new ArrayList<>();
        for (final Message message : TopicReader.readAll(harness, TOPIC, count))
        {
            sequenceIds.add(message.getSequenceId());
        }
        return sequenceIds;
    }

    private long createProducer(final RawClient raw, final long correlationId, final long producerId, final String name)
    {
        final CreateProducerEncoder encoder = new CreateProducerEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId).producerId(producerId)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1).topic(TOPIC).producerName(name);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
        final RawClient.Frame frame = raw.await((f) -> f.correlationId == correlationId &&
            (ProducerReadyDecoder.TEMPLATE_ID == f.templateId || ErrorDecoder.TEMPLATE_ID == f.templateId),
            "answer to CreateProducer");
        assertEquals(ProducerReadyDecoder.TEMPLATE_ID, frame.templateId, frame.toString());

        return new ProducerReadyDecoder().wrapAndApplyHeader(frame.bytes, 0, new MessageHeaderDecoder())
            .lastSequenceId();
    }

    private void send(final RawClient raw, final long producerId, final long sequenceId)
    {
        final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(sequenceId).producerId(producerId).publishTime(System.currentTimeMillis()).key("");
        final byte[] bytes = ("m" + sequenceId).getBytes(StandardCharsets.US_ASCII);
        send.putPayload(bytes, 0, bytes.length);
        send.putMetadata(new byte[0], 0, 0);
        raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
    }

    /**
     * @return the position of the receipt's message id.
     */
    private static long awaitReceipt(final RawClient raw, final long sequenceId)
    {
        final RawClient.Frame frame = raw.await((f) -> f.correlationId == sequenceId &&
            (SendReceiptDecoder.TEMPLATE_ID == f.templateId || ErrorDecoder.TEMPLATE_ID == f.templateId),
            "answer to send " + sequenceId);
        assertEquals(SendReceiptDecoder.TEMPLATE_ID, frame.templateId, frame.toString());
        final SendReceiptDecoder receipt =
            new SendReceiptDecoder().wrapAndApplyHeader(frame.bytes, 0, new MessageHeaderDecoder());
        final int shard = receipt.messageId().shard();
        final long position = receipt.messageId().position();
        assertFalse(position < 0 && -1 != shard, "a duplicate has shard -1 too");

        return position;
    }

    private static byte[] payload(final int i)
    {
        return ("message-" + i).getBytes(StandardCharsets.US_ASCII);
    }
}
