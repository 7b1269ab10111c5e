package io.magnetar.broker.session;

import io.magnetar.broker.policy.NamespacePolicies;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.magnetar.codecs.ConnectEncoder;
import io.magnetar.codecs.CreateProducerEncoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.PingEncoder;
import io.magnetar.codecs.PolicyField;
import io.magnetar.codecs.SendEncoder;
import io.magnetar.codecs.SetNamespacePoliciesEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ingress adapter's shape checks and decoding, against a listener that records its calls: no media driver.
 */
class IngressFrameAdapterTest
{
    private static final int IMAGE_SESSION_ID = 7;
    private static final long KEY = ClientSession.key(ClientSession.TRANSPORT_UDP, IMAGE_SESSION_ID);

    private final RecordingListener listener = new RecordingListener();
    private final List<Throwable> errors = new ArrayList<>();
    private final IngressFrameAdapter adapter = new IngressFrameAdapter(listener, errors::add);
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();

    @Test
    void shouldReportFrameShorterThanHeader()
    {
        assertEquals(ControlledFragmentHandler.Action.CONTINUE, onFrame(5));

        assertEquals(List.of("bad " + KEY + " -1 MALFORMED_FRAME frame of 5 bytes is shorter than the 8-byte " +
            "message header"), listener.calls);
    }

    @Test
    void shouldReportForeignSchemaAndVersionZero()
    {
        final int length = encodePing(11, 99);
        buffer.putShort(4, (short)77, ByteOrder.LITTLE_ENDIAN);
        onFrame(length);
        encodePing(12, 99);
        buffer.putShort(6, (short)0, ByteOrder.LITTLE_ENDIAN);
        onFrame(length);

        assertEquals(2, listener.calls.size(), listener.calls::toString);
        assertTrue(listener.calls.get(0).startsWith("bad " + KEY + " -1 UNSUPPORTED_VERSION schema id 77 "),
            listener.calls::toString);
        assertTrue(listener.calls.get(1).startsWith("bad " + KEY + " -1 UNSUPPORTED_VERSION schema version 0 "),
            listener.calls::toString);
    }

    @Test
    void shouldDecodeWellFormedSend()
    {
        final int length = encodeSend(5, 3, "key", new byte[100]);

        assertEquals(ControlledFragmentHandler.Action.CONTINUE, onFrame(length));

        assertEquals(List.of("send " + KEY + " 5 3 3 100 " + length), listener.calls);
        assertEquals(SendEncoder.TEMPLATE_ID, listener.lastFrame.getShort(2, ByteOrder.LITTLE_ENDIAN));
    }

    @Test
    void shouldRefuseSendWhosePayloadLengthPointsOutsideTheFrame()
    {
        final int length = encodeSend(5, 3, "key", new byte[100]);
        final int payloadLengthOffset = MessageHeaderEncoder.ENCODED_LENGTH + SendEncoder.BLOCK_LENGTH + 4 + 3;
        buffer.putInt(payloadLengthOffset, 101, ByteOrder.LITTLE_ENDIAN);

        onFrame(length);

        assertEquals(List.of("bad " + KEY + " 5 MALFORMED_FRAME malformed Send frame"), listener.calls);
    }

    @Test
    void shouldForwardAWellFormedAckGroupAndRefuseOneWhoseCountRunsPastTheFrame()
    {
        final io.magnetar.codecs.AckGroupEncoder encoder = new io.magnetar.codecs.AckGroupEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder()).correlationId(8).consumerId(4);
        final io.magnetar.codecs.AckGroupEncoder.AcksEncoder acks = encoder.acksCount(3);
        for (int i = 0; i < 3; i++)
        {
            acks.next().messageId().shard(0).position(64L * i);
        }
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        onFrame(length);
        assertEquals(List.of("ack " + KEY + " 8 4 " + length), listener.calls);

        listener.calls.clear();
        buffer.putShort(MessageHeaderEncoder.ENCODED_LENGTH + io.magnetar.codecs.AckGroupEncoder.BLOCK_LENGTH + 2,
            (short)4, ByteOrder.LITTLE_ENDIAN); // four acks claimed, three there
        onFrame(length);
        assertEquals(1, listener.calls.size(), listener.calls::toString);
        assertTrue(listener.calls.get(0).startsWith("bad " + KEY + " 8 MALFORMED_FRAME"), listener.calls::toString);
    }

    @Test
    void shouldRefuseBlockShorterThanTheBrokers()
    {
        final int length = encodeCreateProducer(21, 4, "persistent://public/default/t", "p");
        buffer.putShort(0, (short)(CreateProducerEncoder.BLOCK_LENGTH - 8), ByteOrder.LITTLE_ENDIAN);

        onFrame(length);

        assertEquals(List.of("bad " + KEY + " 21 MALFORMED_FRAME malformed CreateProducer frame"), listener.calls);
    }

    @Test
    void shouldRefuseLongFrameOfSmallCommand()
    {
        final int length = encodeCreateProducer(22, 4, "t", "p".repeat(SessionAgent.SMALL_FRAME_LENGTH));

        onFrame(length);

        assertEquals(List.of("bad " + KEY + " 22 MALFORMED_FRAME frame of " + length +
            " bytes is too long for template " + CreateProducerEncoder.TEMPLATE_ID), listener.calls);
    }

    @Test
    void shouldReportUnknownTemplate()
    {
        final int length = encodePing(23, 1);
        buffer.putShort(2, (short)999, ByteOrder.LITTLE_ENDIAN);

        onFrame(length);

        assertEquals(List.of("bad " + KEY + " 23 UNKNOWN_COMMAND unknown command: template id 999 of schema " +
            MessageHeaderEncoder.SCHEMA_ID), listener.calls);
    }

    @Test
    void shouldDecodeCreateProducerAndAbortWhenListenerCannotTakeIt()
    {
        final int length = encodeCreateProducer(24, 9, "persistent://public/default/t", "producer");
        listener.accept = false;

        assertEquals(ControlledFragmentHandler.Action.ABORT, onFrame(length));

        assertEquals(List.of("createProducer " + KEY + " 24 9 persistent://public/default/t 8 " + length),
            listener.calls);
    }

    @Test
    void shouldDropConnectWithTooLongClientNameAndDecodeGoodOne()
    {
        onFrame(encodeConnect(31, "aeron:udp?endpoint=localhost:1", "c".repeat(SessionAgent.MAX_NAME_LENGTH + 1)));
        onFrame(encodeConnect(32, "aeron:udp?endpoint=localhost:1", "client"));

        assertEquals(List.of("dropped " + KEY, "connect " + KEY + " 1 " + IMAGE_SESSION_ID +
            " 32 4 1002 aeron:udp?endpoint=localhost:1 client token-32"), listener.calls);
    }

    @Test
    void shouldDecodeAVersion3ConnectWithoutTokenAndDropAnOverlongToken()
    {
        final int length = encodeConnect(33, "aeron:udp?endpoint=localhost:1", "old") - 4 - "token-33".length();
        headerEncoder.wrap(buffer, 0).version(3); // as a client of protocol 3 sends it: no token field
        onFrame(length);
        final ConnectEncoder tooLong = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(34).protocolVersion(4).responseStreamId(1002)
            .responseChannel("aeron:udp?endpoint=localhost:1").clientName("c")
            .authToken("t".repeat(SessionAgent.MAX_AUTH_TOKEN_LENGTH + 1));
        onFrame(MessageHeaderEncoder.ENCODED_LENGTH + tooLong.encodedLength());

        assertEquals(List.of("connect " + KEY + " 1 " + IMAGE_SESSION_ID +
            " 33 4 1002 aeron:udp?endpoint=localhost:1 old ", "dropped " + KEY), listener.calls);
    }

    @Test
    void shouldDecodeNamespacePoliciesAndRefuseTooMany()
    {
        onFrame(encodeSetNamespacePolicies(41, "public/ns", 2));
        onFrame(encodeSetNamespacePolicies(42, "public/ns", NamespacePolicies.FIELD_COUNT + 1));

        assertEquals(2, listener.calls.size(), listener.calls::toString);
        assertEquals("setPolicies " + KEY + " 41 public/ns [0=100, 1=101]", listener.calls.get(0));
        assertEquals("bad " + KEY + " 42 MALFORMED_FRAME " + (NamespacePolicies.FIELD_COUNT + 1) +
            " policies in one request; there are " + NamespacePolicies.FIELD_COUNT,
            listener.calls.get(1));
    }

    @Test
    void shouldAnswerListenerFailureAsMalformedAndReportIt()
    {
        listener.failure = new IllegalStateException("boom");

        assertEquals(ControlledFragmentHandler.Action.CONTINUE, onFrame(encodePing(51, 1)));

        assertEquals(List.of("ping " + KEY + " 51 1", "bad " + KEY + " -1 MALFORMED_FRAME frame could not be " +
            "decoded: boom"), listener.calls);
        assertEquals(List.of(listener.failure), errors);
    }

    private ControlledFragmentHandler.Action onFrame(final int length)
    {
        return adapter.onFrame(ClientSession.TRANSPORT_UDP, IMAGE_SESSION_ID, buffer, 0, length);
    }

    private int encodePing(final long correlationId, final long timestamp)
    {
        final PingEncoder encoder = new PingEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .timestamp(timestamp);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeSend(final long sequenceId, final long producerId, final String key, final byte[] payload)
    {
        final SendEncoder encoder = new SendEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(sequenceId)
            .producerId(producerId)
            .publishTime(1)
            .key(key)
            .putPayload(payload, 0, payload.length)
            .putMetadata(new byte[0], 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeCreateProducer(
        final long correlationId, final long producerId, final String topic, final String producerName)
    {
        final CreateProducerEncoder encoder = new CreateProducerEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .producerId(producerId)
            .accessMode(io.magnetar.codecs.ProducerAccessMode.SHARED).topicEpoch(-1)
            .topic(topic)
            .producerName(producerName);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeConnect(final long correlationId, final String responseChannel, final String clientName)
    {
        final ConnectEncoder encoder = new ConnectEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .protocolVersion(4)
            .responseStreamId(1002)
            .responseChannel(responseChannel)
            .clientName(clientName)
            .authToken("token-" + correlationId);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeSetNamespacePolicies(final long correlationId, final String namespace, final int count)
    {
        final SetNamespacePoliciesEncoder encoder = new SetNamespacePoliciesEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId);
        final SetNamespacePoliciesEncoder.PoliciesEncoder policies = encoder.policiesCount(count);
        for (int i = 0; i < count; i++)
        {
            policies.next().field(PolicyField.get((short)(i % 2))).value(100 + i);
        }
        encoder.namespaceName(namespace);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * Records each call as one line; answers {@link #accept} to commands that may be handed to a shard.
     */
    private static final class RecordingListener implements IngressCommandListener
    {
        final List<String> calls = new ArrayList<>();
        boolean accept = true;
        RuntimeException failure;
        UnsafeBuffer lastFrame;

        private boolean record(final String call, final DirectBuffer frame, final int length)
        {
            calls.add(call + " " + length);
            final byte[] copy = new byte[length];
            frame.getBytes(0, copy);
            lastFrame = new UnsafeBuffer(copy);
            return accept;
        }

        public void onConnect(
            final long sessionKey,
            final int transport,
            final int imageSessionId,
            final long correlationId,
            final int protocolVersion,
            final int responseStreamId,
            final String responseChannel,
            final String clientName,
            final String authToken)
        {
            calls.add("connect " + sessionKey + " " + transport + " " + imageSessionId + " " + correlationId + " " +
                protocolVersion + " " + responseStreamId + " " + responseChannel + " " + clientName + " " + authToken);
        }

        public boolean onSend(
            final long sessionKey,
            final long sequenceId,
            final long producerId,
            final long keyLength,
            final long payloadLength,
            final DirectBuffer frame,
            final int length)
        {
            return record("send " + sessionKey + " " + sequenceId + " " + producerId + " " + keyLength + " " +
                payloadLength, frame, length);
        }

        public boolean onAck(
            final long sessionKey, final long correlationId, final long consumerId, final DirectBuffer frame,
            final int length)
        {
            return record("ack " + sessionKey + " " + correlationId + " " + consumerId, frame, length);
        }

        public boolean onAckWithReceipt(
            final long sessionKey, final long correlationId, final long consumerId, final DirectBuffer frame,
            final int length)
        {
            return record("ackWithReceipt " + sessionKey + " " + correlationId + " " + consumerId, frame, length);
        }

        public boolean onFlow(
            final long sessionKey, final long correlationId, final long consumerId, final DirectBuffer frame,
            final int length)
        {
            return record("flow " + sessionKey + " " + correlationId + " " + consumerId, frame, length);
        }

        public boolean onConsumerCommand(
            final long sessionKey, final long correlationId, final long consumerId, final DirectBuffer frame,
            final int length)
        {
            return record("consumer command " + sessionKey + " " + correlationId + " " + consumerId, frame, length);
        }

        public boolean onCloseConsumer(
            final long sessionKey, final long correlationId, final long consumerId, final DirectBuffer frame,
            final int length)
        {
            return record("closeConsumer " + sessionKey + " " + correlationId + " " + consumerId, frame, length);
        }

        public boolean onCreateProducer(
            final long sessionKey,
            final long correlationId,
            final long producerId,
            final String topic,
            final int producerNameLength,
            final DirectBuffer frame,
            final int length)
        {
            return record("createProducer " + sessionKey + " " + correlationId + " " + producerId + " " + topic +
                " " + producerNameLength, frame, length);
        }

        public boolean onSubscribe(
            final long sessionKey,
            final long correlationId,
            final long consumerId,
            final short subscriptionType,
            final short initialPosition,
            final String topic,
            final int subscriptionNameLength,
            final DirectBuffer frame,
            final int length)
        {
            return record("subscribe " + sessionKey + " " + correlationId + " " + consumerId + " " +
                subscriptionType + " " + initialPosition + " " + topic + " " + subscriptionNameLength, frame, length);
        }

        public boolean onCloseProducer(
            final long sessionKey, final long correlationId, final long producerId, final DirectBuffer frame,
            final int length)
        {
            return record("closeProducer " + sessionKey + " " + correlationId + " " + producerId, frame, length);
        }

        public boolean onResetCursor(
            final long sessionKey,
            final long correlationId,
            final long publishTime,
            final String topic,
            final DirectBuffer frame,
            final int length)
        {
            return record("resetCursor " + sessionKey + " " + correlationId + " " + publishTime + " " + topic,
                frame, length);
        }

        public boolean onTopicCommand(
            final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame,
            final int length)
        {
            return record("topic " + sessionKey + " " + correlationId + " " + topic, frame, length);
        }

        public boolean onGetTopicsOfNamespace(
            final long sessionKey, final long correlationId, final String namespace, final DirectBuffer frame,
            final int length)
        {
            return record("topics " + sessionKey + " " + correlationId + " " + namespace, frame, length);
        }

        public boolean onStatsInternalRequest(
            final long sessionKey, final long correlationId, final String topic, final DirectBuffer frame,
            final int length)
        {
            return record("stats " + sessionKey + " " + correlationId + " " + topic, frame, length);
        }

        public boolean onDeleteNamespace(final long sessionKey, final long correlationId, final String namespace)
        {
            calls.add("deleteNamespace " + sessionKey + " " + correlationId + " " + namespace);
            return true;
        }

        public boolean onShardCommand(
            final long sessionKey, final long correlationId, final int shard, final DirectBuffer frame,
            final int length)
        {
            return record("shard " + sessionKey + " " + correlationId + " " + shard, frame, length);
        }

        public boolean onSetNamespacePolicies(
            final long sessionKey,
            final long correlationId,
            final String namespace,
            final int policyCount,
            final short[] fields,
            final long[] values,
            final DirectBuffer frame,
            final int length)
        {
            final List<String> policies = new ArrayList<>();
            for (int i = 0; i < policyCount; i++)
            {
                policies.add(fields[i] + "=" + values[i]);
            }
            calls.add("setPolicies " + sessionKey + " " + correlationId + " " + namespace + " " + policies);
            return accept;
        }

        public boolean onGetNamespacePolicies(
            final long sessionKey, final long correlationId, final String namespace, final DirectBuffer frame,
            final int length)
        {
            return record("getPolicies " + sessionKey + " " + correlationId + " " + namespace, frame, length);
        }

        public void onListNamespaces(final long sessionKey, final long correlationId, final String tenant)
        {
            calls.add("listNamespaces " + sessionKey + " " + correlationId + " " + tenant);
        }

        public void onPartitionedTopic(
            final long sessionKey, final long correlationId, final boolean create, final String topic,
            final int partitions)
        {
            calls.add((create ? "create" : "update") + "PartitionedTopic " + sessionKey + " " + correlationId + " " +
                topic + " " + partitions);
        }

        public void onGetPartitionedTopicMetadata(final long sessionKey, final long correlationId, final String topic)
        {
            calls.add("getPartitionedTopicMetadata " + sessionKey + " " + correlationId + " " + topic);
        }

        public void onPing(final long sessionKey, final long correlationId, final long timestamp)
        {
            calls.add("ping " + sessionKey + " " + correlationId + " " + timestamp);
            if (null != failure)
            {
                throw failure;
            }
        }

        public void onDisconnect(final long sessionKey, final long correlationId)
        {
            calls.add("disconnect " + sessionKey + " " + correlationId);
        }

        public void onBadFrame(
            final long sessionKey, final long correlationId, final ErrorCode code, final String message)
        {
            calls.add("bad " + sessionKey + " " + correlationId + " " + code + " " + message);
        }

        public void onDroppedFrame(final long sessionKey)
        {
            calls.add("dropped " + sessionKey);
        }
    }
}
