package io.magnetar.broker.session;

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
final class MessageMetadataCheck
{
    /** Most bytes of metadata a message may carry. */
    static final int MAX_LENGTH = 64 * 1024;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private static final int GROUP_HEADER_LENGTH = 4;
    private static final int VAR_DATA_HEADER_LENGTH = 4;

    /**
     * @param buffer holding the metadata.
     * @param offset of the metadata.
     * @param length of the metadata; 0 for none.
     * @return null if well formed (or empty), else why not.
     */
    String check(final DirectBuffer buffer, final int offset, final int length)
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
            headerDecoder.blockLength() < MessageMetadataDecoder.BLOCK_LENGTH)
        {
            return "message metadata is not a MessageMetadata message (schema " + headerDecoder.schemaId() +
                ", template " + headerDecoder.templateId() + ", block length " + headerDecoder.blockLength() + ")";
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
     * @return the position after the var data field at {@code limit}, or -1 if it does not fit.
     */
    private long skipVarData(final long limit, final int length)
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
