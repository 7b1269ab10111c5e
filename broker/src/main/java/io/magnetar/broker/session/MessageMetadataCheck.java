package io.magnetar.broker.session;

import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks the metadata a producer sends with a message (a {@code MessageMetadata} message, header included) before it
 * is stored and handed to consumers: the broker passes the bytes on as they are, so a client's malformed metadata
 * must be refused here rather than fail the consumers that decode it. Walks it with the generated decoder over a view
 * bounded to the metadata, so nothing past it is read. Allocates nothing.
 */
final class MessageMetadataCheck
{
    /** Most bytes of metadata a message may carry. */
    static final int MAX_LENGTH = 64 * 1024;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageMetadataDecoder decoder = new MessageMetadataDecoder();

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

        try
        {
            decoder.wrap(view, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
                headerDecoder.version());
            for (final MessageMetadataDecoder.PropertiesDecoder property : decoder.properties())
            {
                property.skipKey();
                property.skipValue();
            }
            if (decoder.limit() > length)
            {
                return "message metadata runs past its " + length + " bytes";
            }
        }
        catch (final IndexOutOfBoundsException ex)
        {
            return "message metadata runs past its " + length + " bytes";
        }

        return null;
    }
}
