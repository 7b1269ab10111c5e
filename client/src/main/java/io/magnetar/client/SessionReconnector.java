package io.magnetar.client;

import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Brings a lost session back, as Pulsar's clients do: on a thread of its own (started by the first report of the
 * loss), it sends {@code Connect} again with a bounded exponential backoff until the broker answers, then creates
 * every open producer and consumer again with their ids, offers each producer's sends that have no receipt yet with
 * their sequence ids, and grants the consumers the permits the lost session had not used; the broker redelivers
 * what was not acknowledged. Meanwhile sends are kept, offers answer {@code NOT_CONNECTED}, acknowledgements and
 * grants are dropped (redelivery and the next grant make up for them) and requests wait: the application sees a
 * delay, and an exception only where its operation times out. It gives up only when the client closes or its
 * Aeron client is gone (an IPC client whose broker's media driver stopped).
 */
final class SessionReconnector
{
    private final Connector connector;
    private final ProducerRegistry producers;
    private final ConsumerRegistry consumers;
    private final SessionLiveness liveness;
    private final ErrorHandler errorHandler;
    private final long initialBackoffNs;
    private final long maxBackoffNs;
    /** How many operation timeouts a producer or consumer may stay busy on restore before it is given up. */
    private static final int BUSY_LIMIT_OPERATION_TIMEOUTS = 2;

    private final AtomicBoolean isRunning = new AtomicBoolean();
    private long busySinceNs;

    /**
     * @param connector        of the client.
     * @param producers        whose producers are created again.
     * @param consumers        whose consumers subscribe again.
     * @param initialBackoffNs wait after the first failed attempt.
     * @param maxBackoffNs     longest wait between attempts.
     */
    SessionReconnector(
        final Connector connector,
        final ProducerRegistry producers,
        final ConsumerRegistry consumers,
        final long initialBackoffNs,
        final long maxBackoffNs)
    {
        this.connector = connector;
        this.producers = producers;
        this.consumers = consumers;
        this.liveness = connector.liveness();
        this.errorHandler = connector.errorHandler();
        this.initialBackoffNs = initialBackoffNs;
        this.maxBackoffNs = maxBackoffNs;
    }

    /**
     * Any thread, when the session is found lost: start restoring it. Does not block.
     */
    void start()
    {
        if (isRunning.compareAndSet(false, true))
        {
            final Thread thread = new Thread(this::run, "magnetar-client-reconnect");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void run()
    {
        liveness.onRestoreStarted();
        busySinceNs = 0;
        long backoffNs = initialBackoffNs;
        int attempts = 0;
        try
        {
            while (true)
            {
                if (connector.isClosed() || connector.isAeronClosed())
                {
                    isRunning.set(false);
                    liveness.onReconnectAbandoned(connector.isClosed() ? "the client closed while reconnecting" :
                        "the client's media driver is gone (an IPC client whose broker stopped)");
                    return;
                }

                attempts++;
                try
                {
                    restore();
                    // done before the session counts as restored: a loss found from then on starts a new thread
                    isRunning.set(false);
                    liveness.onRestored();
                    return;
                }
                catch (final MagnetarClientException ex)
                {
                    if (MagnetarClientException.ErrorCode.AUTHENTICATION_ERROR == ex.errorCode())
                    {
                        // the token expired or the broker's keys changed: no retry can help
                        isRunning.set(false);
                        liveness.onReconnectAbandoned("the broker refused the client's token on reconnect: " +
                            ex.getMessage());
                        errorHandler.onError(ex);
                        return;
                    }
                    if (1 == attempts || 0 == attempts % 10)
                    {
                        errorHandler.onError(new MagnetarClientException.ConnectionLostException(
                            "reconnect attempt " + attempts + " to " + connector + " failed, next in " +
                            TimeUnit.NANOSECONDS.toMillis(backoffNs) + " ms: " + ex.getMessage()));
                    }
                }
                catch (final RuntimeException ex)
                {
                    if (1 == attempts || 0 == attempts % 10)
                    {
                        errorHandler.onError(new MagnetarClientException.ConnectionLostException(
                            "reconnect attempt " + attempts + " to " + connector + " failed, next in " +
                            TimeUnit.NANOSECONDS.toMillis(backoffNs) + " ms: " + ex.getMessage()));
                    }
                }

                TimeUnit.NANOSECONDS.sleep(backoffNs);
                backoffNs = Math.min(maxBackoffNs, backoffNs * 2);
            }
        }
        catch (final InterruptedException ex)
        {
            isRunning.set(false);
            liveness.onReconnectAbandoned("interrupted while reconnecting");
            Thread.currentThread().interrupt();
        }
        finally
        {
            isRunning.set(false);
        }
    }

    private void restore() throws MagnetarClientException
    {
        connector.reconnect(System.nanoTime() + connector.operationTimeoutNs());
        final long epoch = liveness.reconnectEpoch();

        // each producer and consumer has an operation timeout of its own, not a share of one for the whole session;
        // again until a pass finds nothing left: a producer or consumer registered while a pass ran (its creation
        // answered by the lost broker) is restored by the next one
        boolean restoredAny = true;
        while (restoredAny)
        {
            restoredAny = restorePass(producers.producers(), epoch, "producer");
            restoredAny |= restorePass(consumers.consumers(), epoch, "consumer");
        }
    }

    private boolean restorePass(final Restorable[] restorables, final long epoch, final String kind)
        throws MagnetarClientException
    {
        boolean restoredAny = false;
        for (final Restorable restorable : restorables)
        {
            if (restorable.isRestoredIn(epoch))
            {
                continue;
            }
            restoredAny = true;
            try
            {
                restorable.restore(System.nanoTime() + connector.operationTimeoutNs(), epoch);
            }
            catch (final MagnetarClientException ex)
            {
                if (isNotAnAnswer(ex) && !isBusyTooLong(ex))
                {
                    throw ex; // try the whole session again
                }
                restorable.onRestoreFailed("the broker refused the " + kind + " after a reconnect: " +
                    ex.getMessage());
                errorHandler.onError(ex);
            }
        }

        return restoredAny;
    }

    /**
     * A producer or consumer the broker keeps calling busy (another client's producer holds the topic, or its name,
     * for longer than the lost session's could take to be released) is given up rather than holding the rest of the
     * session back for ever.
     */
    private boolean isBusyTooLong(final MagnetarClientException ex)
    {
        final MagnetarClientException.ErrorCode code = ex.errorCode();
        if (MagnetarClientException.ErrorCode.PRODUCER_BUSY != code &&
            MagnetarClientException.ErrorCode.CONSUMER_BUSY != code)
        {
            return false;
        }
        final long nowNs = System.nanoTime();
        if (0 == busySinceNs)
        {
            busySinceNs = nowNs;
        }

        return nowNs - busySinceNs > BUSY_LIMIT_OPERATION_TIMEOUTS * connector.operationTimeoutNs();
    }

    private static boolean isNotAnAnswer(final MagnetarClientException ex)
    {
        // no answer, or one that can change by itself (the lost session's producer or consumer still being
        // released, a broker still starting): try the whole session again rather than give the object up
        final MagnetarClientException.ErrorCode code = ex.errorCode();
        return null == code || ex instanceof MagnetarClientException.TimeoutException ||
            MagnetarClientException.ErrorCode.PRODUCER_BUSY == code ||
            MagnetarClientException.ErrorCode.CONSUMER_BUSY == code ||
            MagnetarClientException.ErrorCode.SERVICE_NOT_READY == code;
    }
}
