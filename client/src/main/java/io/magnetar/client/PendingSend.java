package io.magnetar.client;

import java.util.concurrent.CompletableFuture;

/**
 * A send waiting for its receipt, and the future the application gets from {@link Producer#sendAsync(byte[])}.
 * <p>
 * The sending thread sets {@link #sequenceId} and {@link #deadlineNs} before it puts the send in the producer's
 * queue, which publishes them to the conductor. A send whose offer failed is marked abandoned before it is failed: it
 * never reached the broker, and the conductor drops it when it reaches the head of the queue.
 */
final class PendingSend extends CompletableFuture<MessageId>
{
    long sequenceId;
    long deadlineNs;
    private volatile boolean abandoned;

    /**
     * Sending thread: the offer failed, so no receipt will come.
     *
     * @param failure given to the application.
     */
    void abandon(final MagnetarClientException failure)
    {
        abandoned = true;
        completeExceptionally(failure);
    }

    /**
     * @return true if the send never reached the broker.
     */
    boolean isAbandoned()
    {
        return abandoned;
    }
}
