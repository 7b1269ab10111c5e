package io.magnetar.client;

/**
 * How a producer compresses what it sends (a batch as a whole, or each message when it does not batch), as Pulsar's
 * {@code CompressionType}. Consumers decompress by themselves; the broker stores the compressed bytes.
 */
public enum CompressionType
{
    /** Sent as is (the default). */
    NONE,

    /** LZ4 block compression: fast, a moderate ratio. */
    LZ4,

    /** Deflate (zlib) from the JDK: slower, a better ratio than LZ4. */
    ZLIB,

    /** Zstandard at its default level: a good ratio at a moderate cost. */
    ZSTD,

    /** Snappy: fast, a moderate ratio. */
    SNAPPY
}
