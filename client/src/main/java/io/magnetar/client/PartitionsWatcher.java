package io.magnetar.client;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Asks the broker, every {@code autoUpdatePartitionsInterval}, how many partitions the partitioned topics of this
 * client's producers and consumers have, and lets them add producers or consumers for new partitions, as Pulsar's
 * client does. One daemon thread per client ({@code magnetar-client-partitions}), started with the first partitioned
 * producer or consumer; the blocking admin calls and the creation of the new partitions' producers run on it, never
 * on the conductor.
 */
final class PartitionsWatcher
{
    /**
     * A partitioned producer or consumer.
     */
    interface Watched
    {
        /**
         * Watcher thread: compare the partition count with the broker's and add what is missing.
         *
         * @throws MagnetarClientException if the broker could not be asked or a partition could not be added.
         */
        void updatePartitions() throws MagnetarClientException;
    }

    private final Connector connector;
    private ScheduledExecutorService executor;
    private boolean isClosed;

    /**
     * @param connector of the client: its error handler is told of failed checks.
     */
    PartitionsWatcher(final Connector connector)
    {
        this.connector = connector;
    }

    /**
     * Start watching.
     *
     * @param watched    producer or consumer.
     * @param intervalNs between checks.
     * @return the schedule, to cancel when the watched one closes; null if the client is closing.
     */
    synchronized ScheduledFuture<?> watch(final Watched watched, final long intervalNs)
    {
        if (isClosed)
        {
            return null;
        }
        if (null == executor)
        {
            final ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(1, (runnable) ->
            {
                final Thread thread = new Thread(runnable, "magnetar-client-partitions");
                thread.setDaemon(true);
                return thread;
            });
            pool.setRemoveOnCancelPolicy(true);
            executor = pool;
        }
        return executor.scheduleWithFixedDelay(() -> check(watched), intervalNs, intervalNs, TimeUnit.NANOSECONDS);
    }

    /**
     * Stop the thread: the client is closing.
     */
    synchronized void close()
    {
        isClosed = true;
        if (null != executor)
        {
            executor.shutdownNow();
        }
    }

    private void check(final Watched watched)
    {
        try
        {
            watched.updatePartitions();
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            if (!connector.isClosed())
            {
                connector.errorHandler().onError(ex); // tried again at the next check
            }
        }
    }
}
