package io.magnetar.codecs.checks;

import io.magnetar.codecs.CompressionType;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;

/**
 * Checks the metadata a producer sends with a message (a {@code MessageMetadata} message, header included) before it
 * is stored and handed to consumers: the broker passes the bytes on as they are, so a client's malformed metadata
 * must be refused here rather than fail the consumers that decode it. Walks its layout (the generated decoder's
 * header and block lengths, then each length field) over a view bounded to the metadata, checking every length before
 * it is used, so nothing past the metadata is read even with Agrona's bounds checks off. Allocates nothing.
 */
public final class MessageMetadataCheck
{
    /** Most bytes of metadata a message may carry. */
    public static final int MAX_LENGTH = 64 * 1024;

    /** Most bytes a compressed payload may claim once decompressed: consumers size their buffers by it. */
    public static final int MAX_UNCOMPRESSED_SIZE = 64 * 1024 * 1024;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageMetadataDecoder decoder = new MessageMetadataDecoder();
    private static final int GROUP_HEADER_LENGTH = 4;
    static final int VAR_DATA_HEADER_LENGTH = 4;

    /**
     * @param buffer holding the metadata.
     * @param offset of the metadata.
     * @param length of the metadata; 0 for none.
     * @return null if well formed (or empty), else why not.
     */
    public String check(final DirectBuffer buffer, final int offset, final int length)
    {
        if (0 == length)
        {
            return null;
        }
        if (length > MAX_LENGTH)
        {
            return "message metadata of " + length + " bytes exceeds the maximum of " + MAX_LENGTH;
        }
        if (length < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return "message metadata of " + length + " bytes is shorter than its header";
        }

        view.wrap(buffer, offset, length);
        headerDecoder.wrap(view, 0);
        if (MessageMetadataDecoder.SCHEMA_ID != headerDecoder.schemaId() ||
            MessageMetadataDecoder.TEMPLATE_ID != headerDecoder.templateId() ||
            headerDecoder.version() < 1 ||
            headerDecoder.blockLength() < minBlockLength(headerDecoder.version()))
        {
            return "message metadata is not a MessageMetadata message (schema " + headerDecoder.schemaId() +
                ", template " + headerDecoder.templateId() + ", block length " + headerDecoder.blockLength() + ")";
        }

        if (headerDecoder.version() >= MessageMetadataDecoder.batchSizeSinceVersion())
        {
            final String invalid = checkEntryFields(headerDecoder.blockLength(), headerDecoder.version());
            if (null != invalid)
            {
                return invalid;
            }
        }

        // the lengths are read as unsigned and added up in long arithmetic, each checked before the next read: a
        // length that would run past the metadata (or wrap an int negative) is refused rather than skipped over
        long limit = MessageHeaderDecoder.ENCODED_LENGTH + headerDecoder.blockLength();
        if (limit + GROUP_HEADER_LENGTH > length)
        {
            return "message metadata of " + length + " bytes has no room for its properties";
        }
        final int entryBlockLength = view.getShort((int)limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = view.getShort((int)limit + 2, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        limit += GROUP_HEADER_LENGTH;
        for (int i = 0; i < count && limit >= 0; i++)
        {
            limit += entryBlockLength;
            limit = skipVarData(limit, length); // key
            limit = skipVarData(limit, length); // value
        }
        if (headerDecoder.version() >= MessageMetadataDecoder.orderingKeySinceVersion())
        {
            limit = skipVarData(limit, length);
            limit = skipVarData(limit, length); // replicatedFrom
        }
        if (limit < 0 || limit > length)
        {
            return "message metadata runs past its " + length + " bytes";
        }

        return null;
    }

    /**
     * @param version of the metadata.
     * @return the fewest bytes its fixed block may have.
     */
    private static int minBlockLength(final int version)
    {
        if (version >= MessageMetadataDecoder.deliverAtTimeSinceVersion())
        {
            return MessageMetadataDecoder.BLOCK_LENGTH;
        }
        return version >= MessageMetadataDecoder.batchSizeSinceVersion() ?
            MessageMetadataDecoder.deliverAtTimeEncodingOffset() : MessageMetadataDecoder.batchSizeEncodingOffset();
    }

    /**
     * The batch, compression and chunk fields, which consumers rely on to unpack the payload.
     */
    private String checkEntryFields(final int blockLength, final int version)
    {
        decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final int batchSize = decoder.batchSize();
        if (batchSize < 0)
        {
            return "message metadata has a negative batch size: " + batchSize;
        }
        final short compression = decoder.compressionRaw();
        if (compression < CompressionType.NONE.value() || compression > CompressionType.SNAPPY.value())
        {
            return "message metadata names an unknown compression type: " + compression;
        }
        final int uncompressedSize = decoder.uncompressedSize();
        if (uncompressedSize < 0 || uncompressedSize > MAX_UNCOMPRESSED_SIZE)
        {
            return "message metadata has an uncompressed size of " + uncompressedSize + " bytes; the limit is " +
                MAX_UNCOMPRESSED_SIZE;
        }
        final int numChunks = decoder.numChunks();
        final int chunkId = decoder.chunkId();
        final int totalChunkedSize = decoder.totalChunkedSize();
        if (0 != numChunks && (numChunks < 2 || chunkId < 0 || chunkId >= numChunks || 0 != batchSize ||
            totalChunkedSize < numChunks || totalChunkedSize > MAX_UNCOMPRESSED_SIZE ||
            decoder.chunkedSequenceId() < 0))
        {
            return "message metadata describes an invalid chunk: chunk " + chunkId + " of " + numChunks +
                " (batch size " + batchSize + ", total size " + decoder.totalChunkedSize() + ", sequence id " +
                decoder.chunkedSequenceId() + ")";
        }

        return null;
    }

    private long skipVarData(final long limit, final int length)
    {
        return skipVarData(view, limit, length);
    }

    /**
     * @param view   bounded to the message.
     * @param limit  position of a var data field's length, or -1.
     * @param length of the message.
     * @return the position after the var data field at {@code limit}, or -1 if it does not fit.
     */
    static long skipVarData(final DirectBuffer view, final long limit, final int length)
    {
        if (limit < 0 || limit + VAR_DATA_HEADER_LENGTH > length)
        {
            return -1;
        }
        final long fieldLength = view.getInt((int)limit, ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        final long next = limit + VAR_DATA_HEADER_LENGTH + fieldLength;

        return next > length ? -1 : next;
    }
}
