package io.magnetar.admin;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.ShardStatsPage;
import org.agrona.ErrorHandler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Samples every topic's counters once per stats interval (Pulsar's {@code statsUpdateFrequencyInSecs}) on a thread of
 * its own, a page of at most {@link #PAGE_TOPICS} topics per request so no shard stalls, and keeps the latest
 * {@link StatsSnapshot} with the rates since the sweep before. Nothing of it runs on the broker's threads.
 */
final class StatsSampler implements AutoCloseable
{
    /** Topics asked for per page. */
    static final int PAGE_TOPICS = 512;

    private final Supplier<MagnetarClient> client;
    private final int shardCount;
    private final long intervalMs;
    private final ErrorHandler errorHandler;
    private final ScheduledExecutorService executor;
    private volatile StatsSnapshot latest = StatsSnapshot.EMPTY;

    StatsSampler(
        final Supplier<MagnetarClient> client,
        final int shardCount,
        final long intervalMs,
        final ErrorHandler errorHandler)
    {
        this.client = client;
        this.shardCount = shardCount;
        this.intervalMs = intervalMs;
        this.errorHandler = errorHandler;
        this.executor = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "magnetar-stats");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Take the first sample now, then one every interval.
     */
    void start()
    {
        executor.scheduleWithFixedDelay(this::sampleQuietly, 0, intervalMs, TimeUnit.MILLISECONDS);
    }

    /**
     * @return the latest sweep's snapshot.
     */
    StatsSnapshot latest()
    {
        return latest;
    }

    /**
     * @return the stats interval in milliseconds.
     */
    long intervalMs()
    {
        return intervalMs;
    }

    private void sampleQuietly()
    {
        try
        {
            sample();
        }
        catch (final MagnetarClientException ex)
        {
            errorHandler.onError(ex); // the next interval tries again
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * Sweep every shard's topics, page by page, and publish the snapshot.
     *
     * @throws MagnetarClientException if the broker did not answer.
     */
    void sample() throws MagnetarClientException
    {
        final StatsSnapshot previous = latest;
        final Map<String, StatsSnapshot.TopicSample> topics = new HashMap<>();
        final List<StatsSnapshot.ShardLatency> shards = new ArrayList<>(shardCount);
        final long startMs = System.currentTimeMillis();
        final long interval = 0 == previous.atMs() ? 0 : startMs - previous.atMs();
        for (int shard = 0; shard < shardCount; shard++)
        {
            long from = 0;
            while (from >= 0)
            {
                final ShardStatsPage page =
                    client.get().admin().topics().getShardStatsPage(shard, from, PAGE_TOPICS, 0 == from);
                if (0 == from)
                {
                    shards.add(new StatsSnapshot.ShardLatency(shard, page.publishLatencyCount(),
                        page.publishLatencyP50Us(), page.publishLatencyP99Us(), page.publishLatencyP999Us(),
                        page.publishLatencyMaxUs()));
                }
                for (final ShardStatsPage.TopicCounters counters : page.topics())
                {
                    topics.put(counters.topic(), sample(counters, previous.topics().get(counters.topic()), interval));
                }
                from = page.nextLocalId();
            }
        }
        latest = new StatsSnapshot(startMs, interval, topics, shards);
    }

    private static StatsSnapshot.TopicSample sample(
        final ShardStatsPage.TopicCounters counters, final StatsSnapshot.TopicSample before, final long intervalMs)
    {
        if (null == before || intervalMs <= 0)
        {
            return new StatsSnapshot.TopicSample(counters, 0, 0, 0, 0);
        }
        final double seconds = intervalMs / 1000.0;
        final ShardStatsPage.TopicCounters was = before.counters();
        return new StatsSnapshot.TopicSample(counters,
            rate(counters.msgInCounter() - was.msgInCounter(), seconds),
            rate(counters.bytesInCounter() - was.bytesInCounter(), seconds),
            rate(counters.msgOutCounter() - was.msgOutCounter(), seconds),
            rate(counters.bytesOutCounter() - was.bytesOutCounter(), seconds));
    }

    private static double rate(final long delta, final double seconds)
    {
        return delta < 0 ? 0 : delta / seconds; // negative: the broker restarted and its counters with it
    }

    /**
     * Stop sampling.
     */
    public void close()
    {
        executor.shutdownNow();
    }
}
