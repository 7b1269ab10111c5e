package io.magnetar.admin;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.client.ShardStatsPage;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import org.agrona.concurrent.status.CountersReader;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * {@code /metrics} in Prometheus' text format (through the Prometheus client's model and writer), with Pulsar's
 * metric names and labels ({@code cluster}, {@code namespace}, {@code topic}): rates and throughput in and out,
 * message and byte totals, backlog, storage size, producer, subscription and consumer counts, from the
 * {@link StatsSampler}'s latest sweep; per topic, or per namespace when topic-level metrics are off (Pulsar's
 * {@code exposeTopicLevelMetricsInPrometheus}, for a million topics). Also each shard's publish latency, the active
 * connections, and every Aeron counter of the broker's media driver (the same values {@code AeronStat} reads).
 */
final class MetricsResource
{
    private final StatsSampler sampler;
    private final CountersReader counters;
    private final String cluster;
    private final boolean topicLevel;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    MetricsResource(
        final StatsSampler sampler, final CountersReader counters, final String cluster, final boolean topicLevel)
    {
        this.sampler = sampler;
        this.counters = counters;
        this.cluster = cluster;
        this.topicLevel = topicLevel;
    }

    void register(final Routes routes)
    {
        routes.addOpen("GET", "/metrics", (call) -> scrape()); // unauthenticated, as Pulsar's by default
    }

    private RestResponse scrape() throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        writer.write(out, snapshots(sampler.latest()), EscapingScheme.DEFAULT);
        return new RestResponse(200, writer.getContentType(), out.toString(StandardCharsets.UTF_8));
    }

    MetricSnapshots snapshots(final StatsSnapshot snapshot)
    {
        // per topic (or namespace): its labels and the samples summed under them, sorted by name
        final Map<String, Group> groups = new TreeMap<>();
        final Map<String, Integer> topicsPerNamespace = new TreeMap<>();
        for (final Map.Entry<String, StatsSnapshot.TopicSample> entry : snapshot.topics().entrySet())
        {
            final String namespace = namespaceOf(entry.getKey());
            topicsPerNamespace.merge(namespace, 1, Integer::sum);
            final String key = topicLevel ? entry.getKey() : namespace;
            groups.computeIfAbsent(key, (ignored) -> new Group(topicLevel ?
                Labels.of("cluster", cluster, "namespace", namespace, "topic", entry.getKey()) :
                Labels.of("cluster", cluster, "namespace", namespace))).samples.add(entry.getValue());
        }

        final List<MetricSnapshot> metrics = new ArrayList<>();
        metrics.add(gauge(groups, "pulsar_rate_in", "Messages per second published",
            StatsSnapshot.TopicSample::msgRateIn));
        metrics.add(gauge(groups, "pulsar_rate_out", "Messages per second delivered",
            StatsSnapshot.TopicSample::msgRateOut));
        metrics.add(gauge(groups, "pulsar_throughput_in", "Payload bytes per second published",
            StatsSnapshot.TopicSample::msgThroughputIn));
        metrics.add(gauge(groups, "pulsar_throughput_out", "Payload bytes per second delivered",
            StatsSnapshot.TopicSample::msgThroughputOut));
        metrics.add(gauge(groups, "pulsar_storage_size", "Bytes of the entries held",
            (sample) -> sample.counters().storageSize()));
        metrics.add(gauge(groups, "pulsar_msg_backlog", "Entries not acknowledged, over durable subscriptions",
            (sample) -> sample.counters().msgBacklog()));
        metrics.add(gauge(groups, "pulsar_storage_backlog_size", "Bytes of the backlog",
            (sample) -> sample.counters().backlogSize()));
        metrics.add(gauge(groups, "pulsar_producers_count", "Connected producers",
            (sample) -> sample.counters().producers()));
        metrics.add(gauge(groups, "pulsar_subscriptions_count", "Subscriptions",
            (sample) -> sample.counters().subscriptions()));
        metrics.add(gauge(groups, "pulsar_consumers_count", "Connected consumers",
            (sample) -> sample.counters().consumers()));
        metrics.add(counter(groups, "pulsar_in_messages", "Messages published since the broker started",
            ShardStatsPage.TopicCounters::msgInCounter));
        metrics.add(counter(groups, "pulsar_in_bytes", "Payload bytes published since the broker started",
            ShardStatsPage.TopicCounters::bytesInCounter));
        metrics.add(counter(groups, "pulsar_out_messages", "Messages delivered since the broker started",
            ShardStatsPage.TopicCounters::msgOutCounter));
        metrics.add(counter(groups, "pulsar_out_bytes", "Payload bytes delivered since the broker started",
            ShardStatsPage.TopicCounters::bytesOutCounter));

        final GaugeSnapshot.Builder topicsCount = GaugeSnapshot.builder().name("pulsar_topics_count")
            .help("Topics of the namespace on this broker");
        for (final Map.Entry<String, Integer> entry : topicsPerNamespace.entrySet())
        {
            topicsCount.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("cluster", cluster, "namespace", entry.getKey())).value(entry.getValue()).build());
        }
        metrics.add(topicsCount.build());

        metrics.add(GaugeSnapshot.builder().name("magnetar_stats_sweep_timestamp_ms")
            .help("When the sample these metrics come from started, epoch milliseconds")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("cluster", cluster))
                .value(snapshot.atMs()).build())
            .build());
        metrics.add(GaugeSnapshot.builder().name("magnetar_stats_sweep_interval_ms")
            .help("Time since the sample before, over which the rates are, milliseconds")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("cluster", cluster))
                .value(snapshot.intervalMs()).build())
            .build());
        metrics.add(latency(snapshot));
        metrics.addAll(aeronCounters());
        return new MetricSnapshots(metrics);
    }

    private static final class Group
    {
        final Labels labels;
        final List<StatsSnapshot.TopicSample> samples = new ArrayList<>(1);

        Group(final Labels labels)
        {
            this.labels = labels;
        }

        double sum(final ToDoubleFunction<StatsSnapshot.TopicSample> value)
        {
            double sum = 0;
            for (final StatsSnapshot.TopicSample sample : samples)
            {
                sum += value.applyAsDouble(sample);
            }
            return sum;
        }
    }

    private static GaugeSnapshot gauge(
        final Map<String, Group> groups,
        final String name,
        final String help,
        final ToDoubleFunction<StatsSnapshot.TopicSample> value)
    {
        final GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name(name).help(help);
        for (final Group group : groups.values())
        {
            builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(group.labels).value(group.sum(value)).build());
        }
        return builder.build();
    }

    private static CounterSnapshot counter(
        final Map<String, Group> groups,
        final String name,
        final String help,
        final ToDoubleFunction<ShardStatsPage.TopicCounters> value)
    {
        final CounterSnapshot.Builder builder = CounterSnapshot.builder().name(name).help(help);
        for (final Group group : groups.values())
        {
            builder.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(group.labels).value(group.sum((sample) -> value.applyAsDouble(sample.counters()))).build());
        }
        return builder.build();
    }

    private GaugeSnapshot latency(final StatsSnapshot snapshot)
    {
        final GaugeSnapshot.Builder builder = GaugeSnapshot.builder().name("magnetar_publish_latency_microseconds")
            .help("Publish latency per shard over the last stats interval: append to durable receipt");
        for (final StatsSnapshot.ShardLatency shard : snapshot.shards())
        {
            final String shardLabel = Integer.toString(shard.shard());
            final long[] values = { shard.p50Us(), shard.p99Us(), shard.p999Us(), shard.maxUs() };
            final String[] quantiles = { "0.5", "0.99", "0.999", "1" };
            for (int i = 0; i < values.length; i++)
            {
                builder.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .labels(Labels.of("cluster", cluster, "shard", shardLabel, "quantile", quantiles[i]))
                    .value(values[i]).build());
            }
        }
        return builder.build();
    }

    private List<MetricSnapshot> aeronCounters()
    {
        final GaugeSnapshot.Builder all = GaugeSnapshot.builder().name("aeron_counter")
            .help("Every counter of the broker's media driver, as AeronStat reads them");
        final long[] sessions = new long[2];
        counters.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = counters.getCounterValue(counterId);
            all.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                .labels(Labels.of("cluster", cluster, "id", Integer.toString(counterId), "type_id",
                    Integer.toString(typeId), "label", label))
                .value(value).build());
            if (BrokerCounters.SESSIONS_OPENED_TYPE_ID == typeId)
            {
                sessions[0] += value;
            }
            else if (BrokerCounters.SESSIONS_CLOSED_TYPE_ID == typeId)
            {
                sessions[1] += value;
            }
        });
        final GaugeSnapshot connections = GaugeSnapshot.builder().name("pulsar_active_connections")
            .help("Client sessions connected to the broker")
            .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("cluster", cluster))
                .value(sessions[0] - sessions[1]).build())
            .build();
        return List.of(connections, all.build());
    }

    static String namespaceOf(final String topic)
    {
        final int start = topic.indexOf("://");
        final int from = start < 0 ? 0 : start + 3;
        final int first = topic.indexOf('/', from);
        final int second = first < 0 ? -1 : topic.indexOf('/', first + 1);
        return second < 0 ? topic.substring(from) : topic.substring(from, second);
    }
}
