package io.magnetar.broker.shard;

import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.MessageHeaderDecoder;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.LogReader;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Reads the key of a stored entry (its ordering key if it has one) from the shard log and gives its Key_Shared hash
 * ({@link HashRangeSelector#hash(DirectBuffer, int, int)}). An entry that cannot be read is reported and hashed as
 * keyless: its delivery then fails and is reported the same way. Allocates nothing once its scratch has grown to the
 * longest key.
 */
final class EntryKeyHashes implements KeySharedDispatcher.KeyHashes
{
    private static final int KEYLESS_HASH = HashRangeSelector.hash(new byte[0], 0);

    private final LogReader entryReader;
    private final ErrorHandler errorHandler;
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final EntryHeaderDecoder entryDecoder = new EntryHeaderDecoder();
    private final HashRangeSelector hasher = new HashRangeSelector(null);
    private final EntryHandler handler = this::onEntry;
    private final EntryMetadataReader metadataReader = new EntryMetadataReader();
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer metadataView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer orderingKeyView = new UnsafeBuffer(0, 0);
    private int hash;

    EntryKeyHashes(final LogReader entryReader, final ErrorHandler errorHandler)
    {
        this.entryReader = entryReader;
        this.errorHandler = errorHandler;
    }

    /**
     * {@inheritDoc}
     */
    public int keyHash(final Topic topic, final long messageId, final long durablePosition)
    {
        hash = KEYLESS_HASH;
        try
        {
            entryReader.read(topic.location(messageId), durablePosition, handler);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }

        return hash;
    }

    private void onEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        headerDecoder.wrap(buffer, offset);
        if (!ShardLogWriter.isEntryRecord(headerDecoder.templateId()) ||
            EntryHeaderDecoder.SCHEMA_ID != headerDecoder.schemaId())
        {
            return;
        }
        entryDecoder.wrap(
            buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        entryDecoder.wrapKey(keyView);
        entryDecoder.wrapProperties(metadataView);
        // the ordering key, if the producer set one, routes instead of the key, as Pulsar's
        final UnsafeBuffer key =
            metadataReader.wrapOrderingKey(metadataView, orderingKeyView) ? orderingKeyView : keyView;
        hash = hasher.hash(key, 0, key.capacity());
    }
}
