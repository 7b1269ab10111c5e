package io.magnetar.broker.shard;

import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageMetadataDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads what the shard needs from a stored entry's metadata (the protocol's {@code MessageMetadata} as the producer
 * sent it, checked on the way in): its delivery time and its ordering key. Empty or older metadata has neither.
 * Allocates nothing.
 */
final class EntryMetadataReader
{
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageMetadataDecoder decoder = new MessageMetadataDecoder();

    /**
     * @param metadata the entry's metadata bytes.
     * @return the epoch time in ms before which the message is not to be delivered, or 0.
     */
    long deliverAtTime(final DirectBuffer metadata)
    {
        if (!wrap(metadata) || headerDecoder.version() < MessageMetadataDecoder.deliverAtTimeSinceVersion() ||
            headerDecoder.blockLength() < MessageMetadataDecoder.deliverAtTimeEncodingOffset() + Long.BYTES)
        {
            return 0;
        }
        return decoder.deliverAtTime();
    }

    /**
     * @param metadata the entry's metadata bytes.
     * @param key      wrapped on the ordering key if there is one.
     * @return true if the metadata has a non-empty ordering key, now in {@code key}.
     */
    boolean wrapOrderingKey(final DirectBuffer metadata, final UnsafeBuffer key)
    {
        if (!wrap(metadata) || headerDecoder.version() < MessageMetadataDecoder.orderingKeySinceVersion())
        {
            return false;
        }
        for (final MessageMetadataDecoder.PropertiesDecoder property : decoder.properties())
        {
            property.skipKey();
            property.skipValue();
        }
        if (0 == decoder.orderingKeyLength())
        {
            return false;
        }
        decoder.wrapOrderingKey(key);
        return true;
    }

    private boolean wrap(final DirectBuffer metadata)
    {
        if (metadata.capacity() < MessageHeaderDecoder.ENCODED_LENGTH)
        {
            return false;
        }
        headerDecoder.wrap(metadata, 0);
        if (MessageMetadataDecoder.TEMPLATE_ID != headerDecoder.templateId() ||
            MessageMetadataDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return false;
        }
        decoder.wrap(
            metadata, MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        return true;
    }
}
