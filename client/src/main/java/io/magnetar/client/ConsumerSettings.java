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

    /** Pulsar's default wait before a negatively acknowledged message goes again: one minute. */
    static final long NEGATIVE_ACK_REDELIVERY_DELAY_NS_DEFAULT = TimeUnit.MINUTES.toNanos(1);
    /** Shortest ack timeout, as Pulsar's. */
    static final long MIN_ACK_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);

    /** The defaults. */
    static final ConsumerSettings DEFAULT = new ConsumerSettings(
        MAX_PENDING_CHUNKED_MESSAGE_DEFAULT, EXPIRE_TIME_OF_INCOMPLETE_CHUNKED_MESSAGE_NS_DEFAULT, false, 0, 1000, 0,
        null, NEGATIVE_ACK_REDELIVERY_DELAY_NS_DEFAULT, NEGATIVE_ACK_REDELIVERY_DELAY_NS_DEFAULT, 0, null,
        SubscriptionStart.DURABLE, null);

    final int maxPendingChunkedMessage;
    final long expireTimeOfIncompleteChunkedMessageNs;
    final boolean autoAckOldestChunkedMessageOnQueueFull;
    final long acknowledgmentGroupTimeNs;
    final int maxAcknowledgmentGroupSize;
    /** Failover: the lowest level receives first. */
    final int priorityLevel;
    /** Told when a failover consumer becomes active or inactive; may be null. */
    final ConsumerEventListener eventListener;
    /** Wait before a negatively acknowledged message goes again. */
    final long negativeAckRedeliveryDelayNs;
    /** Longest wait with the backoff (doubling per redelivery); equal to the delay for none. */
    final long negativeAckRedeliveryMaxDelayNs;
    /** Time after which a message handed out and not acknowledged goes again; 0 for never. */
    final long ackTimeoutNs;
    /** Where messages delivered again too often go; null for nowhere (they come again and again). */
    final DeadLetterPolicy deadLetterPolicy;
    /** Durable, or a reader's, and where a new subscription starts. */
    final SubscriptionStart start;
    /** Key_Shared: how the consumer gets its keys; null for auto-split. */
    final KeySharedPolicy keySharedPolicy;

    ConsumerSettings(
        final int maxPendingChunkedMessage,
        final long expireTimeOfIncompleteChunkedMessageNs,
        final boolean autoAckOldestChunkedMessageOnQueueFull,
        final long acknowledgmentGroupTimeNs,
        final int maxAcknowledgmentGroupSize,
        final int priorityLevel,
        final ConsumerEventListener eventListener,
        final long negativeAckRedeliveryDelayNs,
        final long negativeAckRedeliveryMaxDelayNs,
        final long ackTimeoutNs,
        final DeadLetterPolicy deadLetterPolicy,
        final SubscriptionStart start,
        final KeySharedPolicy keySharedPolicy)
    {
        this.start = start;
        this.keySharedPolicy = keySharedPolicy;
        this.deadLetterPolicy = deadLetterPolicy;
        this.negativeAckRedeliveryDelayNs = negativeAckRedeliveryDelayNs;
        this.negativeAckRedeliveryMaxDelayNs = negativeAckRedeliveryMaxDelayNs;
        this.ackTimeoutNs = ackTimeoutNs;
        this.priorityLevel = priorityLevel;
        this.eventListener = eventListener;
        this.acknowledgmentGroupTimeNs = acknowledgmentGroupTimeNs;
        this.maxAcknowledgmentGroupSize = maxAcknowledgmentGroupSize;
        this.maxPendingChunkedMessage = maxPendingChunkedMessage;
        this.expireTimeOfIncompleteChunkedMessageNs = expireTimeOfIncompleteChunkedMessageNs;
        this.autoAckOldestChunkedMessageOnQueueFull = autoAckOldestChunkedMessageOnQueueFull;
    }
}
