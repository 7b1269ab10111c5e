package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * How a consumer puts chunked messages together and groups its acknowledgements, from its {@link ConsumerBuilder}:
 * immutable.
 */
final class ConsumerSettings
{
    /** Pulsar's default most chunked messages put together at once. */
    static final int MAX_PENDING_CHUNKED_MESSAGE_DEFAULT = 10;
    /** Pulsar's default time after which an incomplete chunked message is dropped: one minute. */
    static final long EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT = TimeUnit.MINUTES.toNanos(1);

    /** The defaults. */
    static final ConsumerSettings DEFAULT = new ConsumerSettings(
        MAX_PENDING_CHUNKED_MESSAGE_DEFAULT, EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT, false, 0, 1000);

    final int maxPendingChunkedMessage;
    final long expireTimeOfIncompleteChunkedMessageNs;
    final boolean autoAckOldestChunkedMessageOnQueueFull;
    final long acknowledgmentGroupTimeNs;
    final int maxAcknowledgmentGroupSize;

    ConsumerSettings(
        final int maxPendingChunkedMessage,
        final long expireTimeOfIncompleteChunkedMessageNs,
        final boolean autoAckOldestChunkedMessageOnQueueFull,
        final long acknowledgmentGroupTimeNs,
        final int maxAcknowledgmentGroupSize)
    {
        this.acknowledgmentGroupTimeNs = acknowledgmentGroupTimeNs;
        this.maxAcknowledgmentGroupSize = maxAcknowledgmentGroupSize;
        this.maxPendingChunkedMessage = maxPendingChunkedMessage;
        this.expireTimeOfIncompleteChunkedMessageNs = expireTimeOfIncompleteChunkedMessageNs;
        this.autoAckOldestChunkedMessageOnQueueFull = autoAckOldestChunkedMessageOnQueueFull;
    }
}
