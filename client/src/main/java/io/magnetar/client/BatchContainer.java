package io.magnetar.client;

import io.magnetar.codecs.BatchedMessageEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessageMetadataEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * The messages of one producer that wait to go out together as one entry, as Pulsar's batch message container: each
 * encoded as a {@code BatchedMessage} back to back, sealed into an entry (its {@code MessageMetadata} with the batch
 * size and compression, and its payload, compressed if the producer asks for it) when the batch is full by count or
 * bytes, when its oldest message has waited the maximum delay, or on flush. Also seals a single message, compressed,
 * when the producer compresses without batching. Used under the producer's send lock; allocates nothing once its
 * buffers have grown.
 */
final class BatchContainer implements SealedEntry
{
    /** Bytes of a {@code BatchedMessage} without its key, metadata and payload. */
    static final int MESSAGE_OVERHEAD = MessageHeaderEncoder.ENCODED_LENGTH +
        BatchedMessageEncoder.keyHeaderLength() + BatchedMessageEncoder.metadataHeaderLength() +
        BatchedMessageEncoder.payloadHeaderLength();

    private static final UnsafeBuffer EMPTY = new UnsafeBuffer(new byte[0]);

    private final BatchSettings settings;
    private final int maxBytes;
    private final CompressionCodec codec;
    private final io.magnetar.codecs.CompressionType wireCompression;
    private final ExpandableDirectByteBuffer messages = new ExpandableDirectByteBuffer(4096);
    private final ExpandableDirectByteBuffer compressed = new ExpandableDirectByteBuffer(4096);
    private final ExpandableArrayBuffer metadata = new ExpandableArrayBuffer(256);
    private final UnsafeBuffer arrayView = new UnsafeBuffer(0, 0);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final BatchedMessageEncoder messageEncoder = new BatchedMessageEncoder();
    private final MessageMetadataEncoder metadataEncoder = new MessageMetadataEncoder();
    private int count;
    private int length;
    private int[] offsets = new int[16];
    private int skipped;
    private boolean sealed;
    private int payloadOffset;
    private long firstSequenceId = -1;
    private long lastSequenceId = -1;
    private long firstAddedNs;
    private int metadataLength;
    private DirectBuffer payloadBuffer;
    private io.magnetar.codecs.CompressionType sealedCompression = io.magnetar.codecs.CompressionType.NONE;
    private int payloadLength;

    /**
     * @param settings       of the producer.
     * @param maxEntryLength most bytes of a sealed entry's payload: the broker's maximum message size less room for
     *                       the entry's metadata.
     */
    BatchContainer(final BatchSettings settings, final int maxEntryLength)
    {
        this.settings = settings;
        this.maxBytes = Math.max(1, Math.min(settings.maxBytes, maxEntryLength));
        this.codec = CompressionType.NONE == settings.compressionType ? null :
            CompressionCodec.newCodec(settings.compressionType);
        this.wireCompression = WireEnums.toWire(settings.compressionType);
    }

    /**
     * @return true if the producer compresses what it seals.
     */
    boolean compresses()
    {
        return null != codec;
    }

    /**
     * @return true if no message waits.
     */
    boolean isEmpty()
    {
        return 0 == count;
    }

    /**
     * @return messages waiting.
     */
    int count()
    {
        return count;
    }

    /**
     * @return sequence id of the first message waiting, or -1.
     */
    long firstSequenceId()
    {
        return firstSequenceId;
    }

    /**
     * @return sequence id of the last message waiting: the entry's sequence id, which its receipt answers.
     */
    long lastSequenceId()
    {
        return lastSequenceId;
    }

    /**
     * @param nowNs current {@link System#nanoTime()}.
     * @return true if the oldest message waiting has waited the maximum delay.
     */
    boolean isDue(final long nowNs)
    {
        return 0 != count && nowNs - firstAddedNs >= settings.maxPublishDelayNs;
    }

    /**
     * @param keyLength      of the next message.
     * @param metadataLength of the next message.
     * @param payloadLength  of the next message.
     * @return bytes it takes in a batch.
     */
    static int encodedLength(final int keyLength, final int metadataLength, final int payloadLength)
    {
        return MESSAGE_OVERHEAD + keyLength + metadataLength + payloadLength;
    }

    /**
     * @param encodedLength of the next message, from {@link #encodedLength(int, int, int)}.
     * @return true if it fits the batch now.
     */
    boolean fits(final int encodedLength)
    {
        return count < settings.maxMessages && length + encodedLength <= maxBytes;
    }

    /**
     * @param encodedLength of a message.
     * @return true if it fits an empty batch; a larger one goes as an entry of its own.
     */
    boolean fitsAlone(final int encodedLength)
    {
        return encodedLength <= maxBytes;
    }

    /**
     * @return true if the batch is full by count or bytes: it goes out now.
     */
    boolean isFull()
    {
        return count >= settings.maxMessages || length >= maxBytes;
    }

    /**
     * Append a message; call only if it {@link #fits(int)}.
     *
     * @param sequenceId of the message.
     * @param nowNs      current {@link System#nanoTime()}.
     * @param key        of the message, or null.
     * @param payload    of the message.
     * @param metadata   of the message (a {@code MessageMetadata} message), or null.
     */
    void add(final long sequenceId, final long nowNs, final byte[] key, final byte[] payload, final byte[] metadata)
    {
        final BatchedMessageEncoder encoder = begin(sequenceId, nowNs);
        if (null == key)
        {
            encoder.putKey(EMPTY, 0, 0);
        }
        else
        {
            encoder.putKey(key, 0, key.length);
        }
        if (null == metadata)
        {
            encoder.putMetadata(EMPTY, 0, 0);
        }
        else
        {
            encoder.putMetadata(metadata, 0, metadata.length);
        }
        encoder.putPayload(payload, 0, payload.length);
        end(encoder);
    }

    /**
     * Append a message from buffers, without allocating; call only if it {@link #fits(int)}.
     *
     * @param sequenceId of the message.
     * @param nowNs      current {@link System#nanoTime()}.
     * @param keyBuffer  holding the key, or null if keyLength is 0.
     * @param keyOffset  of the key.
     * @param keyLength  of the key.
     * @param buffer     holding the payload.
     * @param offset     of the payload.
     * @param length     of the payload.
     */
    void add(
        final long sequenceId,
        final long nowNs,
        final DirectBuffer keyBuffer,
        final int keyOffset,
        final int keyLength,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final BatchedMessageEncoder encoder = begin(sequenceId, nowNs);
        if (0 == keyLength)
        {
            encoder.putKey(EMPTY, 0, 0);
        }
        else
        {
            encoder.putKey(keyBuffer, keyOffset, keyLength);
        }
        encoder.putMetadata(EMPTY, 0, 0);
        encoder.putPayload(buffer, offset, length);
        end(encoder);
    }

    private BatchedMessageEncoder begin(final long sequenceId, final long nowNs)
    {
        if (0 == count)
        {
            firstSequenceId = sequenceId;
            firstAddedNs = nowNs;
        }
        lastSequenceId = sequenceId;
        sealed = false;
        if (count == offsets.length)
        {
            offsets = java.util.Arrays.copyOf(offsets, count * 2);
        }
        offsets[count] = length;
        return messageEncoder.wrapAndApplyHeader(messages, length, headerEncoder);
    }

    private void end(final BatchedMessageEncoder encoder)
    {
        length += MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
        count++;
    }

    /**
     * Seal the waiting messages into an entry: {@link #metadataBuffer()} and {@link #payloadBuffer()} hold it until
     * {@link #clear()}.
     */
    void sealBatch()
    {
        if (!sealed)
        {
            final int start = offsets[skipped];
            seal(count - skipped, start, length - start);
            sealed = true;
        }
    }

    /**
     * Leave out the first messages waiting, which failed already (their send timed out): Pulsar does not send them.
     *
     * @param lastCompletedSequenceId of the producer's window.
     * @return true if messages were left out, so the batch now starts at {@link #firstSequenceId()}.
     */
    boolean skipCompleted(final long lastCompletedSequenceId)
    {
        if (0 == count || lastCompletedSequenceId < firstSequenceId)
        {
            return false;
        }
        final int completed = (int)Math.min(count - skipped, lastCompletedSequenceId - firstSequenceId + 1);
        skipped += completed;
        firstSequenceId += completed;
        sealed = false;
        return true;
    }

    /**
     * Seal one message into an entry of its own, compressed (the producer does not batch, or the message is larger
     * than a batch may be). Its metadata is the message's own with the compression set.
     *
     * @param payload  of the message.
     * @param metadata of the message, or null.
     */
    void sealSingle(final byte[] payload, final byte[] metadata)
    {
        arrayView.wrap(payload);
        sealSingle(arrayView, 0, payload.length, metadata);
    }

    /**
     * Seal one message from a buffer into an entry of its own, compressed.
     *
     * @param buffer   holding the payload.
     * @param offset   of the payload.
     * @param length   of the payload.
     * @param metadata of the message, or null.
     */
    void sealSingle(final DirectBuffer buffer, final int offset, final int length, final byte[] metadata)
    {
        messages.putBytes(0, buffer, offset, length);
        final io.magnetar.codecs.CompressionType compression = compress(0, length);
        if (null == metadata)
        {
            encodeEntryMetadata(0, compression, length);
        }
        else
        {
            // the message's own metadata, its compression fields set in place (they sit in the fixed block)
            this.metadata.putBytes(0, metadata);
            metadataEncoder.wrap(this.metadata, MessageHeaderEncoder.ENCODED_LENGTH)
                .compression(compression)
                .uncompressedSize(length);
            metadataLength = metadata.length;
        }
    }

    private void seal(final int batchSize, final int offset, final int length)
    {
        encodeEntryMetadata(batchSize, compress(offset, length), length);
    }

    /**
     * Compress {@code messages[0, length)} if the producer compresses, and point the payload at the result.
     */
    private io.magnetar.codecs.CompressionType compress(final int offset, final int length)
    {
        sealedCompression = compressInto(offset, length);
        return sealedCompression;
    }

    private io.magnetar.codecs.CompressionType compressInto(final int offset, final int length)
    {
        payloadOffset = 0;
        if (null == codec)
        {
            payloadBuffer = messages;
            payloadOffset = offset;
            payloadLength = length;
            return io.magnetar.codecs.CompressionType.NONE;
        }

        compressed.checkLimit(codec.maxCompressedLength(length));
        final ByteBuffer source = messages.byteBuffer();
        final ByteBuffer target = compressed.byteBuffer();
        final int compressedLength = codec.compress(source, offset, length, target);
        source.clear();
        target.clear();
        if (compressedLength >= length)
        {
            payloadBuffer = messages; // it did not shrink: sent as it is, so it is never larger than the limit
            payloadOffset = offset;
            payloadLength = length;
            return io.magnetar.codecs.CompressionType.NONE;
        }
        payloadLength = compressedLength;
        payloadBuffer = compressed;
        return wireCompression;
    }

    private void encodeEntryMetadata(
        final int batchSize, final io.magnetar.codecs.CompressionType compression, final int length)
    {
        metadataLength = encodeEntryMetadata(metadata, metadataEncoder, headerEncoder, batchSize, compression, length);
    }

    /**
     * Encode an entry's own {@code MessageMetadata}: no properties, the given batch size and compression.
     *
     * @param buffer           to encode into, from 0.
     * @param encoder          to encode with.
     * @param headerEncoder    to encode the header with.
     * @param batchSize        of the entry, 0 for one message.
     * @param compression      of the payload.
     * @param uncompressedSize of the payload.
     * @return length of the metadata.
     */
    static int encodeEntryMetadata(
        final MutableDirectBuffer buffer,
        final MessageMetadataEncoder encoder,
        final MessageHeaderEncoder headerEncoder,
        final int batchSize,
        final io.magnetar.codecs.CompressionType compression,
        final int uncompressedSize)
    {
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventTime(0)
            .batchSize(batchSize)
            .compression(compression)
            .uncompressedSize(uncompressedSize)
            .numChunks(0)
            .chunkId(0)
            .totalChunkedSize(0)
            .chunkedSequenceId(0)
            .deliverAtTime(0);
        encoder.propertiesCount(0);
        encoder.putOrderingKey(EMPTY, 0, 0);
        encoder.putReplicatedFrom(EMPTY, 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * @return how the sealed entry's payload is compressed (NONE if compressing did not shrink it).
     */
    io.magnetar.codecs.CompressionType sealedCompression()
    {
        return sealedCompression;
    }

    /**
     * {@inheritDoc}
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return buffer holding the sealed entry's metadata, from 0.
     */
    public DirectBuffer metadataBuffer()
    {
        return metadata;
    }

    /**
     * @return length of the sealed entry's metadata.
     */
    public int metadataLength()
    {
        return metadataLength;
    }

    /**
     * @return buffer holding the sealed entry's payload, from 0.
     */
    public DirectBuffer payloadBuffer()
    {
        return payloadBuffer;
    }

    /**
     * @return length of the sealed entry's payload.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * Forget the waiting messages, once their entry is offered (or they have all failed).
     */
    void clear()
    {
        count = 0;
        length = 0;
        skipped = 0;
        sealed = false;
        firstSequenceId = -1;
        lastSequenceId = -1;
    }
}
