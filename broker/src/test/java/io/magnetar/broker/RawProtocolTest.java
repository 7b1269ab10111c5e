package io.magnetar.broker;

import io.magnetar.codecs.AckEncoder;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.FlowEncoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.MessageDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.ProducerReadyDecoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendReceiptDecoder;
import io.magnetar.codecs.SubscribeEncoder;
import io.magnetar.codecs.SubscribedDecoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Speaks the wire protocol frame by frame, without the client library.
 */
@Timeout(60)
class RawProtocolTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;
    private RawClient client;

    @AfterEach
    void after()
    {
        if (null != client)
        {
            client.close();
        }
        harness.close();
    }

    @Test
    void shouldProduceAndConsumeOverTheWire()
    {
        harness = new BrokerHarness(dataDir).start();
        client = new RawClient(harness.aeronDir, harness.broker.port());
        client.connect();

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final int count = 100;
        createProducerAndSend("persistent://public/default/raw", count);
        for (int i = 0; i < count; i++)
        {
            final int sequence = i;
            client.await(f -> f.templateId == SendReceiptDecoder.TEMPLATE_ID && f.correlationId == sequence,
                "receipt " + i);
        }
        assertEquals(0, client.sendReceiptsFrames, "a client of protocol 1 gets a SendReceipt per send");

        final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(20).consumerId(2).subscriptionType(SubscriptionType.EXCLUSIVE)
            .initialPosition(InitialPosition.EARLIEST)
            .topic("persistent://public/default/raw").subscription("s").consumerName("")
            .putHashRanges(new byte[0], 0, 0);
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength());
        client.await(f -> f.templateId == SubscribedDecoder.TEMPLATE_ID && f.correlationId == 20, "Subscribed");

        final FlowEncoder flow = new FlowEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(21).consumerId(2).permits(1000);
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + flow.encodedLength());
        for (int i = 0; i < count; i++)
        {
            // Message frames carry consumerId first
            client.await(f -> f.templateId == MessageDecoder.TEMPLATE_ID && f.correlationId == 2, "message " + i);
        }
        assertEquals(0, client.messagesFrames, "a client of protocol 1 gets a Message frame per message");

        final AckEncoder ack = new AckEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(22).consumerId(99);
        ack.messageId().shard(0).position(0);
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + ack.encodedLength());
        final RawClient.Frame error = client.await(f -> f.templateId == ErrorDecoder.TEMPLATE_ID, "error");
        assertEquals(22, error.correlationId);

        // an older client's acks go one by one, so an error names the ack it is about
        for (int i = 0; i < 2; i++)
        {
            final AckEncoder next = new AckEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(30 + i).consumerId(2);
            next.messageId().shard(0 == i ? 0 : 9).position(0);
            client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + next.encodedLength());
        }
        final RawClient.Frame shardError = client.await(f -> f.templateId == ErrorDecoder.TEMPLATE_ID, "error");
        assertEquals(31, shardError.correlationId, shardError.toString());
        assertEquals(0, harness.errors.size(), harness.errors.toString());
    }

    @Test
    void shouldGatherReceiptsReleasedTogetherForNewerClients()
    {
        harness = new BrokerHarness(dataDir).start();
        client = new RawClient(harness.aeronDir, harness.broker.port());
        client.protocolVersion = BrokerConfiguration.PROTOCOL_VERSION;
        client.connect();

        final int count = 500;
        createProducerAndSend("persistent://public/default/raw-receipts", count);
        long lastPosition = -1;
        for (int i = 0; i < count; i++)
        {
            final int sequence = i;
            final RawClient.Frame frame = client.await(
                f -> f.templateId == SendReceiptDecoder.TEMPLATE_ID && f.correlationId == sequence, "receipt " + i);
            final SendReceiptDecoder receipt =
                new SendReceiptDecoder().wrapAndApplyHeader(frame.bytes, 0, new MessageHeaderDecoder());
            assertEquals(1, receipt.producerId());
            assertTrue(receipt.messageId().position() > lastPosition, "positions grow with sequence ids");
            lastPosition = receipt.messageId().position();
        }
        client.drain(100);
        assertTrue(client.frames.stream().noneMatch(f -> SendReceiptDecoder.TEMPLATE_ID == f.templateId),
            "each receipt once: " + client.frames);
        assertTrue(client.sendReceiptsFrames > 0 && client.sendReceiptsFrames < count,
            "receipts released together share frames: " + client.sendReceiptsFrames + " frames");

        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(20).consumerId(2).subscriptionType(SubscriptionType.EXCLUSIVE)
            .initialPosition(InitialPosition.EARLIEST)
            .topic("persistent://public/default/raw-receipts").subscription("s").consumerName("")
            .putHashRanges(new byte[0], 0, 0);
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength());
        client.await(f -> f.templateId == SubscribedDecoder.TEMPLATE_ID && f.correlationId == 20, "Subscribed");
        final FlowEncoder flow = new FlowEncoder().wrapAndApplyHeader(buffer, 0, header)
            .correlationId(21).consumerId(2).permits(count);
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + flow.encodedLength());
        for (int i = 0; i < count; i++)
        {
            final RawClient.Frame frame =
                client.await(f -> f.templateId == MessageDecoder.TEMPLATE_ID && f.correlationId == 2, "message " + i);
            final MessageDecoder message = new MessageDecoder().wrapAndApplyHeader(
                frame.bytes, 0, new MessageHeaderDecoder());
            message.skipKey();
            final byte[] payload = new byte[message.payloadLength()];
            message.getPayload(payload, 0, payload.length);
            assertEquals("m" + i, new String(payload), "messages in order, each once");
        }
        assertTrue(client.messagesFrames > 0 && client.messagesFrames < count,
            "messages dispatched together share frames: " + client.messagesFrames + " frames");
    }

    /**
     * Create producer 1 on a topic (correlation id 10) and send it {@code count} messages, sequence ids from 0.
     */
    private void createProducerAndSend(final String topic, final int count)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final CreateProducerEncoder createProducer = new CreateProducerEncoder()
            .wrapAndApplyHeader(buffer, 0, header)
            .correlationId(10).producerId(1)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
            .topic(topic).producerName("");
        client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + createProducer.encodedLength());
        client.await(f -> f.templateId == ProducerReadyDecoder.TEMPLATE_ID && f.correlationId == 10, "ProducerReady");

        for (int i = 0; i < count; i++)
        {
            final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(i).producerId(1).publishTime(System.currentTimeMillis()).key("");
            final byte[] payload = ("m" + i).getBytes();
            send.putPayload(payload, 0, payload.length);
            send.putMetadata(new byte[0], 0, 0);
            client.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
        }
    }
}
