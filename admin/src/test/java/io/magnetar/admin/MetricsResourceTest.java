package io.magnetar.admin;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.client.ShardStatsPage;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersManager;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metrics of a known snapshot, without a broker: per topic, or summed per namespace when topic-level metrics are
 * off (for a million topics), in Prometheus' text format.
 */
class MetricsResourceTest
{
    private final CountersManager counters = new CountersManager(
        new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));

    @Test
    void shouldSumPerNamespaceWhenTopicLevelMetricsAreOff() throws Exception
    {
        counters.setCounterValue(counters.allocate("sessions opened", BrokerCounters.SESSIONS_OPENED_TYPE_ID), 5);
        counters.setCounterValue(counters.allocate("sessions closed", BrokerCounters.SESSIONS_CLOSED_TYPE_ID), 2);
        final StatsSnapshot snapshot = new StatsSnapshot(1_000_000, 60_000, Map.of(
            "persistent://a/x/t1", sample("persistent://a/x/t1", 10, 100.0),
            "persistent://a/x/t2", sample("persistent://a/x/t2", 20, 50.0),
            "non-persistent://b/y/t3", sample("non-persistent://b/y/t3", 7, 1.5)),
            List.of(new StatsSnapshot.ShardLatency(0, 100, 20, 90, 400, 1000)));

        final String perNamespace = text(new MetricsResource(null, counters, "east", false), snapshot);
        assertTrue(perNamespace.contains("pulsar_rate_in{cluster=\"east\",namespace=\"a/x\"} 150.0"), perNamespace);
        assertTrue(perNamespace.contains("pulsar_in_messages_total{cluster=\"east\",namespace=\"a/x\"} 30.0"),
            perNamespace);
        assertTrue(perNamespace.contains("pulsar_rate_in{cluster=\"east\",namespace=\"b/y\"} 1.5"), perNamespace);
        assertTrue(perNamespace.contains("pulsar_topics_count{cluster=\"east\",namespace=\"a/x\"} 2.0"),
            perNamespace);
        assertFalse(perNamespace.contains("topic=\""), "no series per topic");
        assertTrue(perNamespace.contains("pulsar_active_connections{cluster=\"east\"} 3.0"), perNamespace);
        assertTrue(perNamespace.contains(
            "magnetar_publish_latency_microseconds{cluster=\"east\",quantile=\"0.99\",shard=\"0\"} 90.0"),
            perNamespace);

        final String perTopic = text(new MetricsResource(null, counters, "east", true), snapshot);
        assertTrue(perTopic.contains(
            "pulsar_rate_in{cluster=\"east\",namespace=\"a/x\",topic=\"persistent://a/x/t2\"} 50.0"), perTopic);
        assertEquals("a/x", MetricsResource.namespaceOf("persistent://a/x/t1"));
    }

    private static StatsSnapshot.TopicSample sample(final String topic, final long msgIn, final double rateIn)
    {
        return new StatsSnapshot.TopicSample(
            new ShardStatsPage.TopicCounters(topic, msgIn, msgIn * 100, msgIn, msgIn * 100, msgIn * 120, 0, 0, 1, 1, 1),
            rateIn, rateIn * 100, rateIn, rateIn * 100);
    }

    private static String text(final MetricsResource resource, final StatsSnapshot snapshot) throws Exception
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, resource.snapshots(snapshot), EscapingScheme.DEFAULT);
        return out.toString(StandardCharsets.UTF_8);
    }
}
