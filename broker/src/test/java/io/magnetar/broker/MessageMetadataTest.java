package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.ProducerReadyDecoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendReceiptDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Message metadata through a real broker: key, properties, event time and producer name reach consumers of
 * persistent and non-persistent topics, in both API shapes, and survive a restart; malformed metadata is refused and
 * a send from a client before protocol version 5 (no metadata) is still taken.
 */
@Timeout(60)
class MessageMetadataTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/metadata";

    @Test
    void shouldCarryKeyPropertiesEventTimeAndProducerNameToConsumersAndAcrossARestart() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final Map<String, String> properties = new LinkedHashMap<>();
        properties.put("region", "eu-west");
        properties.put("tier", "gold");
        properties.put("empty", "");
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).producerName("meta-producer").create())
        {
            assertNotNull(producer.newMessage().key("order-17").properties(properties).property("tier", "platinum")
                .eventTime(1_700_000_000_123L).orderingKey(bytes("group-3")).value(bytes("with metadata")).send());
            producer.send(bytes("plain"));
            assertNotNull(producer.newMessage().value(bytes("async")).property("n", "3").sendAsync()
                .get(10, TimeUnit.SECONDS));
            final MagnetarClientException noValue =
                assertThrows(MagnetarClientException.class, () -> producer.newMessage().key("k").send());
            assertTrue(noValue.getMessage().contains("no value"), noValue.getMessage());
        }

        final Map<String, String> expected = new LinkedHashMap<>(properties);
        expected.put("tier", "platinum");
        for (int run = 0; run < 2; run++)
        {
            final List<Message> messages = consume(TOPIC, 3);
            final Message first = messages.get(0);
            assertEquals("with metadata", first.getValue());
            assertEquals("order-17", first.getKey());
            assertEquals(expected, first.getProperties());
            assertEquals(List.of("region", "tier", "empty"), new ArrayList<>(first.getProperties().keySet()));
            assertEquals("platinum", first.getProperty("tier"));
            assertEquals(1_700_000_000_123L, first.getEventTime());
            assertEquals("meta-producer", first.getProducerName());
            assertEquals("group-3", new String(first.getOrderingKey(), StandardCharsets.UTF_8));
            assertEquals(null, first.getReplicatedFrom());

            final Message plain = messages.get(1);
            assertEquals(Map.of(), plain.getProperties());
            assertEquals(0, plain.getEventTime());
            assertEquals("meta-producer", plain.getProducerName());
            assertEquals(Map.of("n", "3"), messages.get(2).getProperties());

            harness.stop();
            harness.start(); // read back from the shard log
        }
    }

    @Test
    void shouldHandMetadataToTheAeronShapedConsumerWithoutAMessageObject() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("view")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Producer producer = client.newProducer().topic(TOPIC).producerName("view-producer").create())
        {
            producer.newMessage().eventTime(42).property("a", "b").value(bytes("x")).send();
            final List<String> seen = new ArrayList<>();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (seen.isEmpty() && System.nanoTime() - deadlineNs < 0)
            {
                consumer.poll((view) -> seen.add(view.eventTime() + " " + view.getProducerName() + " " +
                    view.producerNameLength() + " " + view.getProperties()), 10);
            }
            assertEquals(List.of("42 view-producer 13 {a=b}"), seen);
        }
    }

    @Test
    void shouldCarryMetadataOnNonPersistentTopics() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "non-persistent://public/default/metadata";
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe();
            Producer producer = client.newProducer().topic(topic).producerName("np").create())
        {
            producer.newMessage().key("k").property("p", "v").eventTime(7).value(bytes("live")).send();
            final Message message = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(message);
            assertEquals(Map.of("p", "v"), message.getProperties());
            assertEquals(7, message.getEventTime());
            assertEquals("np", message.getProducerName());
            assertEquals("k", message.getKey());
        }
    }

    @Test
    void shouldRefuseMalformedMetadataAndTakeASendWithoutAny() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            raw.connect();
            final CreateProducerEncoder create = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(10).producerId(1)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
                .topic(TOPIC).producerName("raw");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength());
            raw.await((f) -> f.correlationId == 10 && ProducerReadyDecoder.TEMPLATE_ID == f.templateId, "ready");

            // metadata that is not a MessageMetadata message
            SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(0).producerId(1).publishTime(1).key("").putPayload(bytes("p"), 0, 1);
            final byte[] garbage = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
            send.putMetadata(garbage, 0, garbage.length);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
            final RawClient.Frame refused = raw.await((f) -> f.correlationId == 0 &&
                (ErrorDecoder.TEMPLATE_ID == f.templateId || SendReceiptDecoder.TEMPLATE_ID == f.templateId),
                "answer to bad metadata");
            assertEquals(ErrorCode.MALFORMED_FRAME, refused.errorCode, refused.toString());
            assertTrue(refused.errorMessage.contains("not a MessageMetadata message"), refused.errorMessage);

            // a version 4 Send: no metadata field at all
            send = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(1).producerId(1).publishTime(1).key("old").putPayload(bytes("v4"), 0, 2);
            buffer.putShort(6, (short)4, java.nio.ByteOrder.LITTLE_ENDIAN); // the header's version
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
            raw.await((f) -> f.correlationId == 1 && SendReceiptDecoder.TEMPLATE_ID == f.templateId, "v4 receipt");
        }

        final Message old = consume(TOPIC, 1).get(0);
        assertEquals("v4", old.getValue());
        assertEquals("old", old.getKey());
        assertEquals(Map.of(), old.getProperties());
        assertEquals("raw", old.getProducerName());
    }

    private List<Message> consume(final String topic, final int count) throws Exception
    {
        return TopicReader.readAll(harness, topic, count);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
