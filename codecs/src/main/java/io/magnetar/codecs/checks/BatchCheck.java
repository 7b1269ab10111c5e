package io.magnetar.codecs.checks;

import io.magnetar.codecs.BatchedMessageDecoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Checks the payload of a batch entry (once decompressed) before a consumer hands out any of its messages: exactly
 * {@code batchSize} {@code BatchedMessage} messages back to back, each with a header of its schema, every length
 * inside the payload, and each message's metadata well formed ({@link MessageMetadataCheck}). A producer's bytes must
 * not fail the consumer that decodes them. Allocates nothing.
 */
public final class BatchCheck
{
    private static final int VAR_DATA_HEADER_LENGTH = MessageMetadataCheck.VAR_DATA_HEADER_LENGTH;

    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageMetadataCheck metadataCheck = new MessageMetadataCheck();

    /**
     * @param buffer    holding the batch.
     * @param offset    of the batch.
     * @param length    of the batch.
     * @param batchSize messages the entry's metadata gives.
     * @return null if well formed, else why not.
     */
    public String check(final DirectBuffer buffer, final int offset, final int length, final int batchSize)
    {
        if (batchSize < 1)
        {
            return "a batch of " + batchSize + " messages";
        }

        view.wrap(buffer, offset, length);
        long limit = 0;
        for (int i = 0; i < batchSize; i++)
        {
            if (limit + MessageHeaderDecoder.ENCODED_LENGTH > length)
            {
                return "the batch of " + length + " bytes ends before its message " + i + " of " + batchSize;
            }
            headerDecoder.wrap(view, (int)limit);
            if (BatchedMessageDecoder.SCHEMA_ID != headerDecoder.schemaId() ||
                BatchedMessageDecoder.TEMPLATE_ID != headerDecoder.templateId())
            {
                return "message " + i + " of the batch is not a BatchedMessage (schema " +
                    headerDecoder.schemaId() + ", template " + headerDecoder.templateId() + ")";
            }
            limit += MessageHeaderDecoder.ENCODED_LENGTH + headerDecoder.blockLength();
            limit = skipVarData(limit, length); // key
            final long metadataStart = limit;
            limit = skipVarData(limit, length);
            if (limit < 0)
            {
                return "message " + i + " of the batch runs past its " + length + " bytes";
            }
            final int metadataLength = (int)(limit - metadataStart - VAR_DATA_HEADER_LENGTH);
            final String invalid = metadataCheck.check(
                view, (int)metadataStart + VAR_DATA_HEADER_LENGTH, metadataLength);
            if (null != invalid)
            {
                return "message " + i + " of the batch: " + invalid;
            }
            limit = skipVarData(limit, length); // payload
            if (limit < 0)
            {
                return "message " + i + " of the batch runs past its " + length + " bytes";
            }
        }
        if (limit != length)
        {
            return "the batch has " + (length - limit) + " bytes after its " + batchSize + " messages";
        }

        return null;
    }

    private long skipVarData(final long limit, final int length)
    {
        return MessageMetadataCheck.skipVarData(view, limit, length);
    }
}
