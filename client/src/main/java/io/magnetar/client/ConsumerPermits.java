package io.magnetar.client;

import org.agrona.ErrorHandler;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The permits a consumer grants the broker (Pulsar's flow): a full receiver queue at the start, then as many as the
 * application took once half the queue was taken, and after a restore those the lost session had not used, so the
 * receive ring never holds more than the receiver queue. The taker counts under the consumer's receive lock; the
 * conductor counts pushed messages.
 */
final class ConsumerPermits
{
    private final IngressProxy ingressProxy;
    private final RequestTracker requests;
    private final ErrorHandler errorHandler;
    private final long consumerId;
    private final int receiverQueueSize;
    private final int flowBatch;
    private final long operationTimeoutNs;
    private final String description;
    private final AtomicLong grantedPermits = new AtomicLong();
    private final AtomicLong pushedMessages = new AtomicLong(); // one writer: whoever runs the duty cycle
    private int takenSinceFlow;
    private int unsentPermits;

    ConsumerPermits(
        final Connector connector, final long consumerId, final int receiverQueueSize, final String description)
    {
        this.ingressProxy = connector.ingressProxy();
        this.requests = connector.requests();
        this.errorHandler = connector.errorHandler();
        this.operationTimeoutNs = connector.operationTimeoutNs();
        this.consumerId = consumerId;
        this.receiverQueueSize = receiverQueueSize;
        this.flowBatch = Math.max(1, receiverQueueSize / 2);
        this.description = description;
    }

    /**
     * Grant the first permits, after the broker confirmed the subscription; held back while a lost session is
     * restored, the grant is counted anyway: the restore makes it.
     */
    void start(final long deadlineNs, final long restoredEpoch) throws MagnetarClientException
    {
        ingressProxy.flow(requests.nextCorrelationId(), consumerId, receiverQueueSize, deadlineNs, restoredEpoch);
        grantedPermits.addAndGet(receiverQueueSize);
    }

    /**
     * The session was restored: the new one holds no permits, so grant it those the lost one held (the count stays
     * as it is; a failed grant fails the attempt, and the next one grants them again).
     */
    void restore(final long deadlineNs, final long restoredEpoch) throws MagnetarClientException
    {
        final long permits = grantedPermits.get() - pushedMessages.get();
        if (permits > 0)
        {
            ingressProxy.flow(requests.nextCorrelationId(), consumerId, (int)permits, deadlineNs, restoredEpoch);
        }
    }

    /**
     * A seek: the broker forgot this consumer and its permits, and what it pushed was dropped; a new grant follows.
     */
    void reset()
    {
        grantedPermits.set(pushedMessages.get());
        takenSinceFlow = 0;
        unsentPermits = 0;
    }

    /**
     * Conductor: the broker pushed a message (a plain ordered store: no atomic add per message).
     */
    void onPushed()
    {
        pushedMessages.lazySet(pushedMessages.get() + 1);
    }

    /**
     * Count messages taken, under the receive lock and after the ring freed them, and grant the broker as many
     * permits once half the receiver queue was taken.
     *
     * @param count         of messages taken.
     * @param restoredEpoch of the consumer.
     */
    void onTaken(final int count, final long restoredEpoch)
    {
        takenSinceFlow += count;
        if (0 == count || takenSinceFlow < flowBatch)
        {
            return;
        }

        final int permits = takenSinceFlow + unsentPermits;
        takenSinceFlow = 0;
        unsentPermits = 0;
        try
        {
            if (ingressProxy.flow(requests.nextCorrelationId(), consumerId, permits,
                System.nanoTime() + operationTimeoutNs, restoredEpoch))
            {
                grantedPermits.addAndGet(permits);
            }
            else
            {
                unsentPermits = permits; // the session is being restored: granted with the next grant
            }
        }
        catch (final MagnetarClientException ex)
        {
            unsentPermits = permits;
            errorHandler.onError(new MagnetarClientException(
                "could not grant " + permits + " permits for " + description + "; they go with the next grant", ex));
        }
    }
}
