package io.magnetar.client;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A send waiting for its receipt, and the future the application gets from {@link Producer#sendAsync(byte[])}. The
 * producer's {@link SendWindow} holds it in the slot of its sequence id until the conductor completes it.
 */
class PendingSend extends CompletableFuture<MessageId>
{
    long sequenceId;

    /**
     * Conductor: the broker stored the send.
     *
     * @param messageId where.
     */
    void onStored(final MessageId messageId)
    {
        complete(messageId);
    }

    /**
     * Conductor: the send failed.
     *
     * @param failure why.
     */
    void onFailed(final MagnetarClientException failure)
    {
        completeExceptionally(failure);
    }

    /**
     * Wait for the receipt, running the client's duty cycle meanwhile when the conductor thread is not running one
     * (the receipt then needs no hand-off).
     *
     * @param connector     of the client.
     * @param deadlineNs    bound on the wait.
     * @param topic         for messages.
     * @param sendTimeoutNs the producer's send timeout, for messages.
     * @return where the broker stored the message.
     * @throws MagnetarClientException if the send failed, timed out, or the wait was interrupted.
     */
    MessageId await(final Connector connector, final long deadlineNs, final String topic, final long sendTimeoutNs)
        throws MagnetarClientException
    {
        if (connector.helpsDutyCycle())
        {
            final IdleStrategy idleStrategy = Connector.waitingIdleStrategy();
            while (!isDone() && System.nanoTime() - deadlineNs < 0 && !Thread.currentThread().isInterrupted())
            {
                if (0 == connector.helpDutyCycle())
                {
                    idleStrategy.idle();
                }
            }
        }

        try
        {
            return get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        catch (final java.util.concurrent.TimeoutException ex)
        {
            throw new MagnetarClientException.TimeoutException(
                "no receipt for sequence " + sequenceId + " on topic '" + topic + "' within " +
                TimeUnit.NANOSECONDS.toMillis(sendTimeoutNs) + " ms");
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new MagnetarClientException("interrupted while waiting for a send receipt", ex);
        }
        catch (final ExecutionException ex)
        {
            throw MagnetarClientException.wrap(ex.getCause());
        }
    }
}
