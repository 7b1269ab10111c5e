package io.magnetar.client;

import java.util.concurrent.TimeUnit;

/**
 * How a consumer puts chunked messages together and groups its acknowledgements, its failover priority level and
 * event listener, from its {@link ConsumerBuilder}: immutable.
 */
final class ConsumerSettings
{
    /** Pulsar's default most chunked messages put together at once. */
    static final int MAX_PENDING_CHUNKED_MESSAGE_DEFAULT = 10;
    /** Pulsar's default time after which an incomplete chunked message is dropped: one minute. */
    static final long EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT = TimeUnit.MINUTES.toNanos(1);

    /** The defaults. */
    static final ConsumerSettings DEFAULT = new ConsumerSettings(
        MAX_PENDING_CHUNKED_MESSAGE_DEFAULT, EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT, false, 0, 1000, 0,
        null);

    final int maxPendingChunkedMessage;
    final long expireTimeOfIncompleteChunkedMessageNs;
    final boolean autoAckOldestChunkedMessageOnQueueFull;
    final long acknowledgmentGroupTimeNs;
    final int maxAcknowledgmentGroupSize;
    /** Failover: the lowest level receives first. */
    final int priorityLevel;
    /** Told when a failover consumer becomes active or inactive; may be null. */
    final ConsumerEventListener eventListener;

    ConsumerSettings(
        final int maxPendingChunkedMessage,
        final long expireTimeOfIncompleteChunkedMessageNs,
        final boolean autoAckOldestChunkedMessageOnQueueFull,
        final long acknowledgmentGroupTimeNs,
        final int maxAcknowledgmentGroupSize,
        final int priorityLevel,
        final ConsumerEventListener eventListener)
    {
        this.priorityLevel = priorityLevel;
        this.eventListener = eventListener;
        this.acknowledgmentGroupTimeNs = acknowledgmentGroupTimeNs;
        this.maxAcknowledgmentGroupSize = maxAcknowledgmentGroupSize;
        this.maxPendingChunkedMessage = maxPendingChunkedMessage;
        this.expireTimeOfIncompleteChunkedMessageNs = expireTimeOfIncompleteChunkedMessageNs;
        this.autoAckOldestChunkedMessageOnQueueFull = autoAckOldestChunkedMessageOnQueueFull;
    }
}
