package io.magnetar.admin;

import io.magnetar.client.ShardStatsPage;

import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Every topic's counters at one sweep of the {@link StatsSampler}, with the rates since the sweep before, and each
 * shard's publish latency over that time. Immutable; the metrics and the stats' topic rates read it.
 *
 * @param atMs         epoch time of the sweep.
 * @param intervalMs   time since the sweep before, over which the rates are; 0 for the first sweep.
 * @param topics       by full name.
 * @param shards       each shard's publish latency, by shard.
 */
record StatsSnapshot(long atMs, long intervalMs, Map<String, TopicSample> topics, List<ShardLatency> shards)
{
    /** Before the first sweep. */
    static final StatsSnapshot EMPTY = new StatsSnapshot(0, 0, Collections.emptyMap(), List.of());

    /**
     * One topic's counters and the rates over the interval (0 when it is the topic's first sample).
     *
     * @param counters          as its shard gave them.
     * @param msgRateIn         messages per second published.
     * @param msgThroughputIn   bytes per second published.
     * @param msgRateOut        messages per second delivered.
     * @param msgThroughputOut  bytes per second delivered.
     */
    record TopicSample(
        ShardStatsPage.TopicCounters counters,
        double msgRateIn,
        double msgThroughputIn,
        double msgRateOut,
        double msgThroughputOut)
    {
    }

    /**
     * One shard's publish latency over the interval: append to durable receipt, microseconds.
     *
     * @param shard number.
     * @param count sends.
     * @param p50Us median.
     * @param p99Us 99th percentile.
     * @param p999Us 99.9th percentile.
     * @param maxUs maximum.
     */
    record ShardLatency(int shard, long count, long p50Us, long p99Us, long p999Us, long maxUs)
    {
    }
}
