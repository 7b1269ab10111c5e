package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * How a producer groups, compresses and splits its sends, from its {@link ProducerBuilder}: immutable.
 */
final class BatchSettings
{
    /** Pulsar's default most time a message waits in a batch: 1 ms. */
    static final long MAX_PUBLISH_DELAY_NS_DEFAULT = TimeUnit.MILLISECONDS.toNanos(1);
    /** Pulsar's default most messages per batch. */
    static final int MAX_MESSAGES_DEFAULT = 1000;
    /** Pulsar's default most bytes per batch: 128 KiB. */
    static final int MAX_BYTES_DEFAULT = 128 * 1024;

    /** No batching, no compression. */
    static final BatchSettings NONE =
        new BatchSettings(false, MAX_PUBLISH_DELAY_NS_DEFAULT, MAX_MESSAGES_DEFAULT, MAX_BYTES_DEFAULT,
            CompressionType.NONE, false, 0, BatcherBuilder.DEFAULT);

    /** Most bytes of a chunked message: what consumers accept ({@code MessageMetadataCheck}'s limit). */
    static final int MAX_CHUNKED_MESSAGE_SIZE = io.magnetar.codecs.checks.MessageMetadataCheck.MAX_UNCOMPRESSED_SIZE;

    final boolean enabled;
    final long maxPublishDelayNs;
    final int maxMessages;
    final int maxBytes;
    final CompressionType compressionType;
    final boolean chunkingEnabled;
    final int chunkMaxMessageSize;
    /** A batch holds messages of one key, and its entry carries it. */
    final boolean keyBased;

    BatchSettings(
        final boolean enabled,
        final long maxPublishDelayNs,
        final int maxMessages,
        final int maxBytes,
        final CompressionType compressionType,
        final boolean chunkingEnabled,
        final int chunkMaxMessageSize,
        final BatcherBuilder batcherBuilder)
    {
        this.keyBased = BatcherBuilder.KEY_BASED == batcherBuilder;
        this.chunkingEnabled = chunkingEnabled;
        this.chunkMaxMessageSize = chunkMaxMessageSize;
        this.enabled = enabled;
        this.maxPublishDelayNs = maxPublishDelayNs;
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
        this.compressionType = compressionType;
    }

    /**
     * @return true if sends go through a {@link BatchContainer}: batched, compressed, or both.
     */
    boolean usesContainer()
    {
        return enabled || CompressionType.NONE != compressionType;
    }
}
