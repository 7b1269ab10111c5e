package io.magnetar.client;

import io.magnetar.codecs.MessageEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageBuilderTest
{
    @Test
    void encodesNoMetadataForAPlainMessage() throws Exception
    {
        assertNull(new MessageBuilder(null).key("k").value(new byte[1]).encodeMetadata());
    }

    @Test
    void metadataReachesAMessageViewAndAMessageAsSet() throws Exception
    {
        final byte[] metadata = new MessageBuilder(null).property("a", "1").property("b", "2").property("a", "3")
            .eventTime(99).orderingKey(new byte[] { 7, 8 }).encodeMetadata();

        final UnsafeBuffer frame = new UnsafeBuffer(new byte[1024]);
        final MessageEncoder encoder = new MessageEncoder().wrapAndApplyHeader(frame, 0, new MessageHeaderEncoder())
            .consumerId(1);
        encoder.messageId().shard(0).position(64);
        encoder.publishTime(5).sequenceId(6).redeliveryCount(0).key("key");
        encoder.putPayload(new byte[] { 'x' }, 0, 1);
        encoder.putMetadata(metadata, 0, metadata.length);
        final byte[] name = "producer-1".getBytes(StandardCharsets.US_ASCII);
        encoder.putProducerName(name, 0, name.length);

        final MessageView view = new MessageView();
        view.wrap("topic", frame, 0);
        assertEquals(99, view.eventTime());
        assertEquals(Map.of("a", "3", "b", "2"), view.getProperties());
        assertEquals("producer-1", view.getProducerName());
        assertArrayEquals(new byte[] { 7, 8 }, view.getOrderingKey());
        assertNull(view.getReplicatedFrom());

        final Message message = view.toMessage();
        assertEquals(99, message.getEventTime());
        assertEquals("3", message.getProperty("a"));
        assertEquals("producer-1", message.getProducerName());
        assertEquals("key", message.getKey());
        assertEquals("x", message.getValue());
        assertArrayEquals(new byte[] { 7, 8 }, message.getOrderingKey());
        assertFalse(message.isReplicated());
    }

    @Test
    void refusesBadInput()
    {
        assertThrows(NullPointerException.class, () -> new MessageBuilder(null).property("a", null));
        assertThrows(IllegalArgumentException.class, () -> new MessageBuilder(null).eventTime(-1));
        final MessageBuilder huge = new MessageBuilder(null);
        huge.property("big", "x".repeat(MessageBuilder.MAX_METADATA_LENGTH));
        final MagnetarClientException tooLarge = assertThrows(MagnetarClientException.class, huge::encodeMetadata);
        assertEquals(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, tooLarge.errorCode());
    }
}
