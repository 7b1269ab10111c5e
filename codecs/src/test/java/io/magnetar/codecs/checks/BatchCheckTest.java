package io.magnetar.codecs.checks;

import io.magnetar.codecs.BatchedMessageEncoder;
import io.magnetar.codecs.CompressionType;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessageMetadataEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatchCheckTest
{
    private final BatchCheck check = new BatchCheck();
    private final MessageMetadataCheck metadataCheck = new MessageMetadataCheck();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[4096]);
    private final UnsafeBuffer metadata = new UnsafeBuffer(new byte[256]);

    @Test
    void takesWellFormedBatchesOnly()
    {
        final int length = encodeBatch(3, 0);
        assertNull(check.check(buffer, 0, length, 3));

        assertTrue(check.check(buffer, 0, length, 4).contains("ends before its message 3"));
        assertTrue(check.check(buffer, 0, length, 2).contains("bytes after its 2 messages"));
        assertTrue(check.check(buffer, 0, length - 1, 3).contains("runs past"));
        assertTrue(check.check(buffer, 0, length, 0).contains("a batch of 0"));

        buffer.putInt(MessageHeaderEncoder.ENCODED_LENGTH, -1, ByteOrder.LITTLE_ENDIAN); // a key of 4 GiB
        assertTrue(check.check(buffer, 0, length, 3).contains("runs past"));

        buffer.putShort(2, (short)99, ByteOrder.LITTLE_ENDIAN); // another template
        assertTrue(check.check(buffer, 0, length, 3).contains("not a BatchedMessage"));
    }

    @Test
    void refusesABatchWhoseMessageHasMalformedMetadata()
    {
        final int length = encodeBatch(2, 5);
        assertTrue(check.check(buffer, 0, length, 2).contains("message 0 of the batch"), check.check(buffer, 0,
            length, 2));
    }

    @Test
    void refusesInvalidEntryFieldsInMetadata()
    {
        assertNull(metadataCheck.check(metadata, 0, encodeMetadata(2, CompressionType.LZ4, 0, 0)));
        assertTrue(metadataCheck.check(metadata, 0, encodeMetadata(-1, CompressionType.NONE, 0, 0))
            .contains("negative batch size"));
        assertTrue(metadataCheck.check(metadata, 0, encodeMetadata(0, CompressionType.NULL_VAL, 0, 0))
            .contains("unknown compression"));
        final int length = encodeMetadata(0, CompressionType.NONE, 0, 0);
        metadata.putByte(MessageHeaderEncoder.ENCODED_LENGTH + MessageMetadataEncoder.compressionEncodingOffset(),
            (byte)7); // a value the enum does not know, which its decoder would throw on
        assertTrue(metadataCheck.check(metadata, 0, length).contains("unknown compression type: 7"));
        assertTrue(metadataCheck.check(metadata, 0, encodeMetadata(0, CompressionType.NONE, 3, 3))
            .contains("invalid chunk"));
        assertTrue(metadataCheck.check(metadata, 0, encodeMetadata(0, CompressionType.NONE, 1, 0))
            .contains("invalid chunk"));
        assertNull(metadataCheck.check(metadata, 0, encodeMetadata(0, CompressionType.NONE, 3, 2)));
        assertTrue(metadataCheck.check(metadata, 0, encodeMetadata(0, CompressionType.NONE, 101, 2))
            .contains("invalid chunk"), "more chunks than bytes");
    }

    private int encodeMetadata(
        final int batchSize, final CompressionType compression, final int numChunks, final int chunkId)
    {
        final MessageMetadataEncoder encoder = new MessageMetadataEncoder()
            .wrapAndApplyHeader(metadata, 0, new MessageHeaderEncoder())
            .eventTime(0)
            .batchSize(batchSize)
            .compression(compression)
            .uncompressedSize(10)
            .numChunks(numChunks)
            .chunkId(chunkId)
            .totalChunkedSize(100)
            .chunkedSequenceId(7)
            .deliverAtTime(0);
        encoder.propertiesCount(0);
        encoder.putOrderingKey(new byte[0], 0, 0);
        encoder.replicatedFrom("");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    private int encodeBatch(final int count, final int metadataLength)
    {
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            final BatchedMessageEncoder encoder = new BatchedMessageEncoder()
                .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
                .key("k" + i);
            encoder.putMetadata(new byte[metadataLength], 0, metadataLength);
            encoder.putPayload(new byte[] {1, 2, 3}, 0, 3);
            offset += MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        }
        return offset;
    }
}
