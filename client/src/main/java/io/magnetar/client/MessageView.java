package io.magnetar.client;

import io.magnetar.codecs.BatchedMessageDecoder;
import io.magnetar.codecs.MessageDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageIdDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A message handed to a {@link MessageHandler}: a flyweight over the frame the broker pushed, reused for every
 * message of a poll, so receiving allocates nothing. The payload and key are read in place from
 * {@link #buffer()}; everything is valid only during {@link MessageHandler#onMessage(MessageView)}.
 */
public final class MessageView
{
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageDecoder decoder = new MessageDecoder();
    private final BatchedMessageDecoder batchedDecoder = new BatchedMessageDecoder();
    private String topicName;
    private DirectBuffer frameBuffer;
    private DirectBuffer buffer;
    private DirectBuffer metadataBuffer;
    private int partitionIndex = -1;
    private int batchIndex = -1;
    private int batchSize;
    private int entryBatchSize;
    private io.magnetar.codecs.CompressionType entryCompression = io.magnetar.codecs.CompressionType.NONE;
    private int entryUncompressedSize;
    private int entryNumChunks;
    private int entryChunkId;
    private int entryTotalChunkedSize;
    private long entryChunkedSequenceId;
    private long entrySequenceId;
    private int shard;
    private long position;
    private long publishTime;
    private long sequenceId;
    private int redeliveryCount;
    private int keyOffset;
    private int keyLength;
    private int payloadOffset;
    private int payloadLength;
    private int metadataOffset;
    private int metadataLength;
    private int producerNameOffset;
    private int producerNameLength;
    private final MessageHeaderDecoder metadataHeaderDecoder = new MessageHeaderDecoder();
    private final MessageMetadataDecoder metadataDecoder = new MessageMetadataDecoder();

    MessageView()
    {
    }

    /**
     * Wrap a {@code Message} frame, header included, and read its fields.
     *
     * @param topicName of the consumer.
     * @param buffer    holding the frame.
     * @param offset    of the frame's message header.
     */
    void wrap(final String topicName, final DirectBuffer buffer, final int offset)
    {
        headerDecoder.wrap(buffer, offset);
        decoder.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());

        // references written only when they change: each write into this long-lived view would cost G1 a card
        if (this.topicName != topicName)
        {
            this.topicName = topicName;
        }
        if (this.frameBuffer != buffer)
        {
            this.frameBuffer = buffer;
        }
        if (this.buffer != buffer)
        {
            this.buffer = buffer;
        }
        if (this.metadataBuffer != buffer)
        {
            this.metadataBuffer = buffer;
        }
        batchIndex = -1;
        batchSize = 0;
        final MessageIdDecoder messageId = decoder.messageId();
        shard = messageId.shard();
        position = messageId.position();
        publishTime = decoder.publishTime();
        sequenceId = decoder.sequenceId();
        redeliveryCount = decoder.redeliveryCount();

        keyOffset = decoder.limit() + MessageDecoder.keyHeaderLength();
        keyLength = decoder.keyLength();
        decoder.skipKey();
        payloadOffset = decoder.limit() + MessageDecoder.payloadHeaderLength();
        payloadLength = decoder.payloadLength();
        decoder.skipPayload();
        // both empty from a broker before protocol version 5
        metadataOffset = decoder.limit() + MessageDecoder.metadataHeaderLength();
        metadataLength = decoder.metadataLength();
        decoder.skipMetadata();
        producerNameOffset = decoder.limit() + MessageDecoder.producerNameHeaderLength();
        producerNameLength = decoder.producerNameLength();
        decoder.skipProducerName();
        entrySequenceId = sequenceId;
        readEntryFields();
    }

    /**
     * The entry-level fields of the metadata: batch, compression and chunk; all zero before protocol version 6.
     */
    private void readEntryFields()
    {
        entryBatchSize = 0;
        entryCompression = io.magnetar.codecs.CompressionType.NONE;
        entryUncompressedSize = payloadLength;
        entryNumChunks = 0;
        entryChunkId = 0;
        entryTotalChunkedSize = 0;
        entryChunkedSequenceId = 0;
        if (metadataLength < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return;
        }
        wrapMetadata();
        if (metadataHeaderDecoder.version() < MessageMetadataDecoder.batchSizeSinceVersion())
        {
            return;
        }
        entryBatchSize = metadataDecoder.batchSize();
        entryCompression = metadataDecoder.compression();
        entryUncompressedSize = metadataDecoder.uncompressedSize();
        entryNumChunks = metadataDecoder.numChunks();
        entryChunkId = metadataDecoder.chunkId();
        entryTotalChunkedSize = metadataDecoder.totalChunkedSize();
        entryChunkedSequenceId = metadataDecoder.chunkedSequenceId();
    }

    /**
     * @param frame a buffer.
     * @return true if the view's frame-level fields (id, publish time, producer, entry fields) were read from it.
     */
    boolean isWrappedOn(final DirectBuffer frame)
    {
        return frameBuffer == frame;
    }

    /**
     * @return true if the entry is one uncompressed message, handed out as it is.
     */
    boolean isPlainEntry()
    {
        return 0 == entryBatchSize && 0 == entryNumChunks &&
            io.magnetar.codecs.CompressionType.NONE == entryCompression;
    }

    int entryBatchSize()
    {
        return entryBatchSize;
    }

    io.magnetar.codecs.CompressionType entryCompression()
    {
        return entryCompression;
    }

    int entryUncompressedSize()
    {
        return entryUncompressedSize;
    }

    int entryNumChunks()
    {
        return entryNumChunks;
    }

    int entryChunkId()
    {
        return entryChunkId;
    }

    int entryTotalChunkedSize()
    {
        return entryTotalChunkedSize;
    }

    long entryChunkedSequenceId()
    {
        return entryChunkedSequenceId;
    }

    /**
     * Point the view at a message whose key and payload were copied out of the frame, the payload decompressed or
     * reassembled; the entry's metadata stays where it is.
     *
     * @param content       holding the key and the payload.
     * @param keyOffset     of the key.
     * @param payloadOffset of the payload.
     * @param payloadLength of the payload.
     */
    void wrapContent(final DirectBuffer content, final int keyOffset, final int payloadOffset, final int payloadLength)
    {
        if (this.buffer != content)
        {
            this.buffer = content;
        }
        this.keyOffset = keyOffset;
        this.payloadOffset = payloadOffset;
        this.payloadLength = payloadLength;
    }

    /**
     * Point the view at a chunked message put together: the view is wrapped on its last chunk's frame, whose key and
     * metadata it keeps; its id and sequence id are its first chunk's.
     *
     * @param content           holding the payload and then the key.
     * @param keyOffset         of the key.
     * @param payloadLength     of the payload, from 0.
     * @param firstPosition     of the first chunk.
     * @param chunkedSequenceId of the first chunk.
     */
    void wrapChunked(
        final DirectBuffer content,
        final int keyOffset,
        final int payloadLength,
        final long firstPosition,
        final long chunkedSequenceId)
    {
        wrapContent(content, keyOffset, 0, payloadLength);
        position = firstPosition;
        sequenceId = chunkedSequenceId;
    }

    /**
     * Point the view at one message of the batch the frame holds, already checked.
     *
     * @param content holding the batch (the frame's payload, or its decompressed form).
     * @param offset  of the message's header in it.
     * @param index   of the message in the batch.
     * @return offset of the next message.
     */
    int wrapBatched(final DirectBuffer content, final int offset, final int index)
    {
        metadataHeaderDecoder.wrap(content, offset);
        batchedDecoder.wrap(content, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            metadataHeaderDecoder.blockLength(), metadataHeaderDecoder.version());
        if (buffer != content)
        {
            buffer = content;
        }
        if (metadataBuffer != content)
        {
            metadataBuffer = content;
        }
        batchIndex = index;
        batchSize = entryBatchSize;
        sequenceId = entrySequenceId - entryBatchSize + 1 + index;
        keyOffset = batchedDecoder.limit() + BatchedMessageDecoder.keyHeaderLength();
        keyLength = batchedDecoder.keyLength();
        batchedDecoder.skipKey();
        metadataOffset = batchedDecoder.limit() + BatchedMessageDecoder.metadataHeaderLength();
        metadataLength = batchedDecoder.metadataLength();
        batchedDecoder.skipMetadata();
        payloadOffset = batchedDecoder.limit() + BatchedMessageDecoder.payloadHeaderLength();
        payloadLength = batchedDecoder.payloadLength();
        batchedDecoder.skipPayload();

        return batchedDecoder.limit();
    }

    /**
     * @param partitionIndex of the partition the consumer reads, or -1.
     */
    void partitionIndex(final int partitionIndex)
    {
        this.partitionIndex = partitionIndex;
    }

    /**
     * @return the partition of a partitioned topic the message is in, or -1 if its topic is not partitioned.
     */
    public int partitionIndex()
    {
        return partitionIndex;
    }

    /**
     * @return the message's index in its batch, or -1 if its entry is not a batch.
     */
    public int batchIndex()
    {
        return batchIndex;
    }

    /**
     * @return messages in the message's batch, or 0 if its entry is not a batch.
     */
    public int batchSize()
    {
        return batchSize;
    }

    /**
     * @return when the event the message describes happened, as the producer set it, in epoch milliseconds; 0 if
     * it set none. Allocates nothing.
     */
    public long eventTime()
    {
        if (0 == metadataLength)
        {
            return 0;
        }
        wrapMetadata();
        return metadataDecoder.eventTime();
    }

    /**
     * @return the properties the producer set, in its order; allocates (an empty map if none).
     */
    public Map<String, String> getProperties()
    {
        if (0 == metadataLength)
        {
            return Collections.emptyMap();
        }
        wrapMetadata();
        return readProperties();
    }

    /**
     * @return the ordering key the producer set, or null; allocates.
     */
    public byte[] getOrderingKey()
    {
        if (0 == metadataLength)
        {
            return null;
        }
        wrapMetadata();
        skipProperties();
        return readOrderingKey();
    }

    /**
     * @return the cluster a replicated message came from, or null if it was produced in this cluster; allocates.
     */
    public String getReplicatedFrom()
    {
        if (0 == metadataLength)
        {
            return null;
        }
        wrapMetadata();
        skipProperties();
        metadataDecoder.skipOrderingKey();
        return readReplicatedFrom();
    }

    /**
     * @return length in bytes of the producer's name; 0 if the broker does not know it.
     */
    public int producerNameLength()
    {
        return producerNameLength;
    }

    /**
     * @return the name of the producer that sent the message, empty if not known; allocates.
     */
    public String getProducerName()
    {
        return 0 == producerNameLength ? "" :
            frameBuffer.getStringWithoutLengthUtf8(producerNameOffset, producerNameLength);
    }

    private Map<String, String> readProperties()
    {
        final LinkedHashMap<String, String> properties = new LinkedHashMap<>();
        for (final MessageMetadataDecoder.PropertiesDecoder property : metadataDecoder.properties())
        {
            properties.put(property.key(), property.value());
        }
        return Collections.unmodifiableMap(properties);
    }

    private byte[] readOrderingKey()
    {
        final int length = metadataDecoder.orderingKeyLength();
        if (0 == length)
        {
            metadataDecoder.skipOrderingKey();
            return null;
        }
        final byte[] orderingKey = new byte[length];
        metadataDecoder.getOrderingKey(orderingKey, 0, length);
        return orderingKey;
    }

    private String readReplicatedFrom()
    {
        final String cluster = metadataDecoder.replicatedFrom();
        return cluster.isEmpty() ? null : cluster;
    }

    private void skipProperties()
    {
        for (final MessageMetadataDecoder.PropertiesDecoder property : metadataDecoder.properties())
        {
            property.skipKey();
            property.skipValue();
        }
    }

    private void wrapMetadata()
    {
        metadataHeaderDecoder.wrap(metadataBuffer, metadataOffset);
        metadataDecoder.wrap(metadataBuffer, metadataOffset + MessageHeaderDecoder.ENCODED_LENGTH,
            metadataHeaderDecoder.blockLength(), metadataHeaderDecoder.version());
    }

    /**
     * @return the topic of the consumer, as it was named when subscribing.
     */
    public String getTopicName()
    {
        return topicName;
    }

    /**
     * @return the shard of the message id.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @return the position of the message id.
     */
    public long position()
    {
        return position;
    }

    /**
     * @return the producer's publish time, in epoch milliseconds.
     */
    public long publishTime()
    {
        return publishTime;
    }

    /**
     * @return the producer's sequence id of the message.
     */
    public long sequenceId()
    {
        return sequenceId;
    }

    /**
     * @return how many times the message was delivered before on this subscription.
     */
    public int redeliveryCount()
    {
        return redeliveryCount;
    }

    /**
     * @return the buffer holding the key and the payload.
     */
    public DirectBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return offset of the payload in {@link #buffer()}.
     */
    public int payloadOffset()
    {
        return payloadOffset;
    }

    /**
     * @return length of the payload in bytes.
     */
    public int payloadLength()
    {
        return payloadLength;
    }

    /**
     * @return offset of the key in {@link #buffer()}.
     */
    public int keyOffset()
    {
        return keyOffset;
    }

    /**
     * @return length of the key in bytes; 0 if the producer gave none.
     */
    public int keyLength()
    {
        return keyLength;
    }

    /**
     * Copy the payload.
     *
     * @param destination to copy into.
     * @param offset      in the destination.
     */
    public void getPayload(final MutableDirectBuffer destination, final int offset)
    {
        destination.putBytes(offset, buffer, payloadOffset, payloadLength);
    }

    /**
     * @return the key as text, or null if there is none; allocates.
     */
    public String getKey()
    {
        return 0 == keyLength ? null : buffer.getStringWithoutLengthUtf8(keyOffset, keyLength);
    }

    /**
     * @return a copy of the payload; allocates.
     */
    public byte[] getData()
    {
        final byte[] data = new byte[payloadLength];
        buffer.getBytes(payloadOffset, data);
        return data;
    }

    /**
     * @return the id of the message the view is on, as an object (allocates).
     */
    public MessageId toMessageId()
    {
        return new MessageId(shard, position, batchIndex, batchSize, partitionIndex, topicName);
    }

    /**
     * @return an immutable copy of the message, as {@link Consumer#receive()} returns; allocates.
     */
    public Message toMessage()
    {
        final MessageId messageId = toMessageId();
        if (0 == metadataLength)
        {
            return new Message(topicName, messageId, publishTime, sequenceId, redeliveryCount, getKey(), getData(), 0,
                Collections.emptyMap(), getProducerName(), null, null);
        }

        wrapMetadata(); // read once, in field order
        final long eventTime = metadataDecoder.eventTime();
        final Map<String, String> properties = readProperties();
        final byte[] orderingKey = readOrderingKey();
        return new Message(topicName, messageId, publishTime, sequenceId, redeliveryCount, getKey(), getData(),
            eventTime, properties, getProducerName(), orderingKey, readReplicatedFrom());
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "MessageView{topic=" + topicName + ", shard=" + shard + ", position=" + position + ", sequenceId=" +
            sequenceId + ", payloadLength=" + payloadLength + '}';
    }
}
