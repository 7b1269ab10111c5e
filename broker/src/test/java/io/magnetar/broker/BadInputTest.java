package io.magnetar.broker;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.session.SessionAgent;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorDecoder;
import io.magnetar.codecs.GetNamespacePoliciesEncoder;
import io.magnetar.codecs.PolicyField;
import io.magnetar.codecs.SetNamespacePoliciesEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SendErrorDecoder;
import io.magnetar.codecs.SendReceiptDecoder;
import io.magnetar.codecs.SubscribeEncoder;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Random bytes, truncated frames, unknown templates and schemas, lying length fields: the broker answers with an
 * error or drops the offending session, and a well-behaved client keeps being served throughout.
 */
@Timeout(120)
class BadInputTest
{
    private static final String GOOD_TOPIC = "persistent://public/default/good";

    @TempDir
    File dataDir;

    private BrokerHarness harness;
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final Random random = new Random(42);

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldAnswerBadFramesWithErrorsAndKeepServingGoodClient() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();

        try (MagnetarClient good = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .operationTimeout(Duration.ofSeconds(30)).termLength(1024 * 1024).build();
            Producer producer = good.newProducer().topic(GOOD_TOPIC).create();
            Consumer consumer = good.newConsumer().topic(GOOD_TOPIC).subscriptionName("good")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            RawClient stranger = new RawClient(harness.aeronDir, harness.broker.port());
            RawClient raw = new RawClient(harness.aeronDir, harness.broker.port()))
        {
            int goodSequence = 0;

            // 1. bytes from a session that never connected are dropped: there is nowhere to answer
            for (int i = 0; i < 50; i++)
            {
                final int length = 1 + random.nextInt(300);
                stranger.send(randomBytes(length), 0, length);
            }
            goodSequence = roundTrip(producer, consumer, goodSequence);

            raw.connect();

            // 2. a frame shorter than the message header
            raw.send(randomBytes(4), 0, 4);
            expectError(raw, ErrorCode.MALFORMED_FRAME);

            // 3. wrong schema id
            header.wrap(buffer, 0).blockLength(8).templateId(5).schemaId(4242).version(1);
            buffer.putLong(8, 77, ByteOrder.LITTLE_ENDIAN);
            raw.send(buffer, 0, 16);
            expectError(raw, ErrorCode.UNSUPPORTED_VERSION);

            // 4. version 0 of our schema
            header.wrap(buffer, 0).blockLength(8).templateId(5).schemaId(MessageHeaderEncoder.SCHEMA_ID).version(0);
            raw.send(buffer, 0, 16);
            expectError(raw, ErrorCode.UNSUPPORTED_VERSION);

            // 5. unknown template id
            header.wrap(buffer, 0).blockLength(8).templateId(999).schemaId(MessageHeaderEncoder.SCHEMA_ID).version(1);
            buffer.putLong(8, 78, ByteOrder.LITTLE_ENDIAN);
            raw.send(buffer, 0, 16);
            assertEquals(78, expectError(raw, ErrorCode.UNKNOWN_COMMAND).correlationId);
            goodSequence = roundTrip(producer, consumer, goodSequence);

            // 6. truncated Send frames, at every length
            final SendEncoder send = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(5).producerId(1).publishTime(1).key("k");
            send.putPayload(new byte[100], 0, 100);
            send.putMetadata(new byte[0], 0, 0);
            final int sendLength = MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength();
            final byte[] validSend = new byte[sendLength];
            buffer.getBytes(0, validSend);
            for (int cut = 8; cut < sendLength; cut += 7)
            {
                raw.send(new UnsafeBuffer(validSend), 0, cut);
                expectError(raw, ErrorCode.MALFORMED_FRAME);
            }

            // 7. a length field that points far past the end of the frame
            final CreateProducerEncoder create = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(90).producerId(9)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
                .topic("persistent://public/default/x").producerName("p");
            final int createLength = MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength();
            buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + CreateProducerEncoder.BLOCK_LENGTH, 0x7FFF_FFF0,
                ByteOrder.LITTLE_ENDIAN);
            raw.send(buffer, 0, createLength);
            assertEquals(90, expectError(raw, ErrorCode.MALFORMED_FRAME).correlationId);
            buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH + CreateProducerEncoder.BLOCK_LENGTH, -1,
                ByteOrder.LITTLE_ENDIAN);
            raw.send(buffer, 0, createLength);
            expectError(raw, ErrorCode.MALFORMED_FRAME);

            // 7b. an access mode no broker knows
            final CreateProducerEncoder unknownMode = new CreateProducerEncoder()
                .wrapAndApplyHeader(buffer, 0, header).correlationId(91).producerId(10)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
                .topic("persistent://public/default/x").producerName("m");
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + CreateProducerEncoder.accessModeEncodingOffset(),
                (byte)9);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + unknownMode.encodedLength());
            final RawClient.Frame unknown = expectError(raw, ErrorCode.MALFORMED_FRAME);
            assertEquals(91, unknown.correlationId);
            assertTrue(unknown.errorMessage.contains("unknown producer access mode 9"), unknown.errorMessage);

            // 8. well-formed frames with bad content
            final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(91).consumerId(3).subscriptionType(SubscriptionType.EXCLUSIVE)
                .initialPosition(io.magnetar.codecs.InitialPosition.EARLIEST)
                .topic("persistent://no//slashes").subscription("s")
                .consumerName("").putHashRanges(new byte[0], 0, 0);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength());
            assertEquals(91, expectError(raw, ErrorCode.INVALID_TOPIC_NAME).correlationId);

            final CreateProducerEncoder otherNamespace = new CreateProducerEncoder()
                .wrapAndApplyHeader(buffer, 0, header)
                .correlationId(92).producerId(9)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
                .topic("persistent://acme/missing/t").producerName("");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + otherNamespace.encodedLength());
            assertEquals(92, expectError(raw, ErrorCode.NAMESPACE_NOT_FOUND).correlationId);

            final SendEncoder orphanSend = new SendEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(93).producerId(12345).publishTime(1).key("");
            orphanSend.putPayload(new byte[10], 0, 10);
            orphanSend.putMetadata(new byte[0], 0, 0);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + orphanSend.encodedLength());
            raw.await(f -> f.correlationId == 93, "SendError for an unknown producer");
            goodSequence = roundTrip(producer, consumer, goodSequence);

            // 9. namespace admin frames: lengths past the frame, too many policies, unknown fields and values
            final int firstPolicyOffset =
                MessageHeaderEncoder.ENCODED_LENGTH + SetNamespacePoliciesEncoder.BLOCK_LENGTH + 4;
            SetNamespacePoliciesEncoder policies = new SetNamespacePoliciesEncoder()
                .wrapAndApplyHeader(buffer, 0, header)
                .correlationId(94);
            policies.policiesCount(1).next().field(PolicyField.MESSAGE_TTL_MS).value(1000);
            policies.namespaceName("public/default");
            final int policiesLength = MessageHeaderEncoder.ENCODED_LENGTH + policies.encodedLength();
            buffer.putInt(policiesLength - "public/default".length() - 4, 0xFFFF_FFF0, ByteOrder.LITTLE_ENDIAN);
            raw.send(buffer, 0, policiesLength);
            assertEquals(94, expectError(raw, ErrorCode.MALFORMED_FRAME).correlationId);

            policies = new SetNamespacePoliciesEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(95);
            final int tooManyCount = NamespacePolicies.FIELD_COUNT + 1;
            final SetNamespacePoliciesEncoder.PoliciesEncoder tooMany = policies.policiesCount(tooManyCount);
            for (int i = 0; i < tooManyCount; i++)
            {
                tooMany.next().field(PolicyField.MESSAGE_TTL_MS).value(1000);
            }
            policies.namespaceName("public/default");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + policies.encodedLength());
            assertEquals(95, expectError(raw, ErrorCode.MALFORMED_FRAME).correlationId);

            policies = new SetNamespacePoliciesEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(96);
            policies.policiesCount(1).next().field(PolicyField.DURABILITY).value(1);
            policies.namespaceName("public/default");
            buffer.putByte(firstPolicyOffset, (byte)(NamespacePolicies.FIELD_COUNT + 5)); // a field this broker lacks
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + policies.encodedLength());
            assertEquals(96, expectError(raw, ErrorCode.INVALID_ARGUMENT).correlationId);

            policies = new SetNamespacePoliciesEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(97);
            policies.policiesCount(1).next().field(PolicyField.DURABILITY).value(7);
            policies.namespaceName("public/default");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + policies.encodedLength());
            assertEquals(97, expectError(raw, ErrorCode.INVALID_ARGUMENT).correlationId);

            policies = new SetNamespacePoliciesEncoder().wrapAndApplyHeader(buffer, 0, header).correlationId(98);
            policies.policiesCount(0);
            policies.namespaceName("a/b/c");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + policies.encodedLength());
            assertEquals(98, expectError(raw, ErrorCode.INVALID_ARGUMENT).correlationId);

            final GetNamespacePoliciesEncoder get = new GetNamespacePoliciesEncoder()
                .wrapAndApplyHeader(buffer, 0, header).correlationId(99).namespaceName("acme/missing");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + get.encodedLength());
            assertEquals(99, expectError(raw, ErrorCode.NAMESPACE_NOT_FOUND).correlationId);
            goodSequence = roundTrip(producer, consumer, goodSequence);

            // 10. a flood of random bytes: errors until the bad-frame budget runs out, then the session is dropped
            for (int i = 0; i < 150; i++)
            {
                final int length = random.nextInt(400);
                raw.send(randomBytes(length), 0, length);
                if (i % 25 == 0)
                {
                    goodSequence = roundTrip(producer, consumer, goodSequence);
                }
            }
            raw.await(f -> f.errorMessage != null && f.errorMessage.contains("session closed"), "session closed");

            goodSequence = roundTrip(producer, consumer, goodSequence);
            assertTrue(goodSequence >= 80);
        }

        assertEquals(0, harness.errors.size(), harness.errors.toString());
    }

    @Test
    void shouldRejectOversizedMessagesBadEnumsAndHijackedResponseChannels() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/limits";

        try (RawClient raw = new RawClient(harness.aeronDir, harness.broker.port());
            RawClient intruder = new RawClient(harness.aeronDir, harness.broker.port());
            MagnetarClient good = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
                .termLength(1024 * 1024).build();
            Producer producer = good.newProducer().topic(topic).create();
            Consumer consumer = good.newConsumer().topic(topic).subscriptionName("limits")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            raw.connect();

            final CreateProducerEncoder create = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(100).producerId(1)
                .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1).topic(topic).producerName("");
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength());
            raw.await(f -> f.correlationId == 100, "ProducerReady");

            // the same producer id again is refused by the session
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + create.encodedLength());
            assertEquals(100, expectError(raw, ErrorCode.PRODUCER_BUSY).correlationId);

            // a key over the limit: answered in order with a send error, never stored
            final UnsafeBuffer big = new UnsafeBuffer(new byte[16 * 1024]);
            final SendEncoder send = new SendEncoder().wrapAndApplyHeader(big, 0, header)
                .correlationId(0).producerId(1).publishTime(1);
            send.putKey(new byte[SessionAgent.MAX_KEY_LENGTH + 1], 0, SessionAgent.MAX_KEY_LENGTH + 1);
            send.putPayload(new byte[10], 0, 10);
            send.putMetadata(new byte[0], 0, 0);
            raw.send(big, 0, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());

            // a payload over the maximum message size
            final UnsafeBuffer huge = new UnsafeBuffer(new byte[BrokerHarness.MAX_MESSAGE_SIZE + 8192]);
            final SendEncoder hugeSend = new SendEncoder().wrapAndApplyHeader(huge, 0, header)
                .correlationId(1).producerId(1).publishTime(1).key("");
            hugeSend.putPayload(new byte[BrokerHarness.MAX_MESSAGE_SIZE + 1], 0, BrokerHarness.MAX_MESSAGE_SIZE + 1);
            hugeSend.putMetadata(new byte[0], 0, 0);
            raw.send(huge, 0, MessageHeaderEncoder.ENCODED_LENGTH + hugeSend.encodedLength());

            // a payload of exactly the maximum size with the longest key is fine
            final SendEncoder maxSend = new SendEncoder().wrapAndApplyHeader(huge, 0, header)
                .correlationId(2).producerId(1).publishTime(1);
            maxSend.putKey(new byte[SessionAgent.MAX_KEY_LENGTH], 0, SessionAgent.MAX_KEY_LENGTH);
            maxSend.putPayload(new byte[BrokerHarness.MAX_MESSAGE_SIZE], 0, BrokerHarness.MAX_MESSAGE_SIZE);
            maxSend.putMetadata(new byte[0], 0, 0);
            raw.send(huge, 0, MessageHeaderEncoder.ENCODED_LENGTH + maxSend.encodedLength());

            final RawClient.Frame tooLargeKey = raw.await(f -> f.correlationId == 0, "answer to send 0");
            assertEquals(SendErrorDecoder.TEMPLATE_ID, tooLargeKey.templateId);
            final RawClient.Frame tooLargePayload = raw.await(f -> f.correlationId == 1, "answer to send 1");
            assertEquals(SendErrorDecoder.TEMPLATE_ID, tooLargePayload.templateId);
            final RawClient.Frame stored = raw.await(f -> f.correlationId == 2, "answer to send 2");
            assertEquals(SendReceiptDecoder.TEMPLATE_ID, stored.templateId);

            // the consumer gets the largest message, and nothing of the refused ones
            final Message largest = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(largest);
            assertEquals(BrokerHarness.MAX_MESSAGE_SIZE, largest.getData().length);
            consumer.acknowledge(largest);

            // unknown enum values in Subscribe
            final SubscribeEncoder subscribe = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(101).consumerId(7).subscriptionType(SubscriptionType.EXCLUSIVE)
                .initialPosition(io.magnetar.codecs.InitialPosition.EARLIEST)
                .topic(topic).subscription("x").consumerName("").putHashRanges(new byte[0], 0, 0);
            buffer.putByte(MessageHeaderEncoder.ENCODED_LENGTH + SubscribeEncoder.subscriptionTypeEncodingOffset(),
                (byte)77);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + subscribe.encodedLength());
            assertEquals(101, expectError(raw, ErrorCode.INVALID_ARGUMENT).correlationId);

            // Key_Shared sticky hash ranges: not whole pairs, then a range with its start after its end
            final SubscribeEncoder ranges = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(103).consumerId(9).subscriptionType(SubscriptionType.KEY_SHARED)
                .initialPosition(io.magnetar.codecs.InitialPosition.EARLIEST)
                .keySharedMode(io.magnetar.codecs.KeySharedMode.STICKY)
                .topic(topic).subscription("k").consumerName("").putHashRanges(new byte[5], 0, 5);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + ranges.encodedLength());
            assertEquals(103, expectError(raw, ErrorCode.MALFORMED_FRAME).correlationId);
            final UnsafeBuffer pair = new UnsafeBuffer(new byte[8]);
            pair.putInt(0, 10, java.nio.ByteOrder.LITTLE_ENDIAN);
            pair.putInt(4, 5, java.nio.ByteOrder.LITTLE_ENDIAN);
            final SubscribeEncoder backwards = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(104).consumerId(9).subscriptionType(SubscriptionType.KEY_SHARED)
                .initialPosition(io.magnetar.codecs.InitialPosition.EARLIEST)
                .keySharedMode(io.magnetar.codecs.KeySharedMode.STICKY)
                .topic(topic).subscription("k").consumerName("").putHashRanges(pair, 0, 8);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + backwards.encodedLength());
            assertTrue(expectError(raw, ErrorCode.INVALID_ARGUMENT).errorMessage.contains("[10, 5]"));

            // a long subscription name of bytes that are not UTF-8
            final byte[] name = new byte[1000];
            java.util.Arrays.fill(name, (byte)0xFF);
            final SubscribeEncoder longName = new SubscribeEncoder().wrapAndApplyHeader(buffer, 0, header)
                .correlationId(102).consumerId(8).subscriptionType(SubscriptionType.EXCLUSIVE)
                .initialPosition(io.magnetar.codecs.InitialPosition.EARLIEST).topic(topic);
            longName.putSubscription(name, 0, name.length);
            longName.consumerName("").putHashRanges(new byte[0], 0, 0);
            raw.send(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + longName.encodedLength());
            raw.await(f -> f.correlationId == 102, "answer to a long subscription name");

            // a UDP client asking to be answered over IPC, or at another client's channel, is not answered
            intruder.sendConnect(200, "aeron:ipc", 1002);
            intruder.sendConnect(201, raw.responseChannel(), 1002);
            assertEquals(List.of(), intruder.drain(500));

            roundTrip(producer, consumer, 0);
        }

        assertTrue(
            harness.errors.stream().allMatch((e) -> e.getMessage().contains("rejected")), harness.errors.toString());
    }

    private RawClient.Frame expectError(final RawClient raw, final ErrorCode code)
    {
        final RawClient.Frame frame = raw.await(f -> f.templateId == ErrorDecoder.TEMPLATE_ID, "error " + code);
        assertEquals(code, frame.errorCode, frame.toString());
        return frame;
    }

    private UnsafeBuffer randomBytes(final int length)
    {
        final byte[] bytes = new byte[Math.max(1, length)];
        random.nextBytes(bytes);
        return new UnsafeBuffer(bytes);
    }

    private static int roundTrip(final Producer producer, final Consumer consumer, final int from) throws Exception
    {
        for (int i = from; i < from + 10; i++)
        {
            producer.send(("good-" + i).getBytes(StandardCharsets.UTF_8));
        }
        for (int i = from; i < from + 10; i++)
        {
            final Message message = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(message, "good message " + i);
            assertEquals("good-" + i, message.getValue());
            consumer.acknowledge(message);
        }

        return from + 10;
    }
}
