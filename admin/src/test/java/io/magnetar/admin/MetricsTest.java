package io.magnetar.admin;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code /metrics} scraped over HTTP and parsed with a Prometheus text-format parser while a known workload runs: a
 * producer paced at {@value #RATE} messages a second for {@value #SEND_SECONDS} seconds and a consumer that
 * acknowledges everything. The rate in must be within 10% of the rate sent over a sample taken wholly inside the
 * sending, and the totals, backlog and counts exact once it is done.
 */
@Timeout(90)
class MetricsTest
{
    private static final int RATE = 300;
    private static final int SEND_SECONDS = 9;
    private static final int PAYLOAD = 100;
    private static final long INTERVAL_MS = 2_000;
    private static final String TOPIC = "persistent://public/default/metered";

    @TempDir
    File dataDir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void shouldExposeRatesTotalsBacklogAndCountsOfAKnownWorkload() throws Exception
    {
        try (AdminTestBroker broker = new AdminTestBroker(dataDir, new AdminServer.Context()
            .statsIntervalMs(INTERVAL_MS));
            MagnetarClient client = broker.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("meter")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final int total = RATE * SEND_SECONDS;
            final AtomicInteger consumed = new AtomicInteger();
            final Thread consuming = new Thread(() ->
            {
                try
                {
                    while (consumed.get() < total)
                    {
                        final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                        if (null != message)
                        {
                            consumer.acknowledge(message.getMessageId());
                            consumed.incrementAndGet();
                        }
                    }
                }
                catch (final Exception ex)
                {
                    throw new IllegalStateException(ex);
                }
            }, "metrics-test-consumer");
            consuming.start();

            final long startMs = System.currentTimeMillis();
            final long startNs = System.nanoTime();
            final long periodNs = TimeUnit.SECONDS.toNanos(1) / RATE;
            Double rateIn = null;
            for (int i = 0; i < total; i++)
            {
                final long dueNs = startNs + i * periodNs; // an absolute schedule: a late send is caught up
                final long waitNs = dueNs - System.nanoTime();
                if (waitNs > 0)
                {
                    LockSupport.parkNanos(waitNs);
                }
                producer.sendAsync(null, new byte[PAYLOAD]);
                if (null == rateIn && 0 == i % RATE)
                {
                    rateIn = rateInIfSampledWithin(broker, startMs + 500, startMs + SEND_SECONDS * 1000L - 500);
                }
            }
            final long endMs = System.currentTimeMillis();
            producer.flush();
            consuming.join(TimeUnit.SECONDS.toMillis(30));
            assertEquals(total, consumed.get(), "everything consumed");

            assertNotNull(rateIn, "a sample fell wholly within the sending");
            assertTrue(Math.abs(rateIn - RATE) <= RATE * 0.10, "pulsar_rate_in " + rateIn + " vs " + RATE + " sent");

            // once a sample is taken after the end, the totals are exact and nothing is held back
            List<Metric> metrics = scrape(broker);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (value(metrics, "magnetar_stats_sweep_timestamp_ms", Map.of()) < endMs + 100 ||
                value(metrics, "pulsar_msg_backlog", Map.of("topic", TOPIC)) > 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, "no sample after the end");
                Thread.sleep(200);
                metrics = scrape(broker);
            }
            final Map<String, String> labels = Map.of("cluster", "standalone", "namespace", "public/default",
                "topic", TOPIC);
            assertEquals(total, value(metrics, "pulsar_in_messages_total", labels));
            assertEquals((double)total * PAYLOAD, value(metrics, "pulsar_in_bytes_total", labels));
            assertEquals(total, value(metrics, "pulsar_out_messages_total", labels));
            assertEquals(0, value(metrics, "pulsar_msg_backlog", labels));
            assertEquals(1, value(metrics, "pulsar_producers_count", labels));
            assertEquals(1, value(metrics, "pulsar_consumers_count", labels));
            assertEquals(1, value(metrics, "pulsar_subscriptions_count", labels));
            assertTrue(value(metrics, "pulsar_storage_size", labels) >= (double)total * PAYLOAD);
            assertTrue(value(metrics, "pulsar_topics_count", Map.of("namespace", "public/default")) >= 1);
            assertTrue(value(metrics, "pulsar_active_connections", Map.of()) >= 2, "this test's client, the admin's");
            assertTrue(value(metrics, "magnetar_publish_latency_microseconds", Map.of("quantile", "0.99")) >= 0);
            assertFalse(select(metrics, "aeron_counter", Map.of()).isEmpty(), "the driver's counters");
        }
    }

    private Double rateInIfSampledWithin(final AdminTestBroker broker, final long fromMs, final long toMs)
        throws Exception
    {
        final List<Metric> metrics = scrape(broker);
        final double sweepMs = value(metrics, "magnetar_stats_sweep_timestamp_ms", Map.of());
        final double intervalMs = value(metrics, "magnetar_stats_sweep_interval_ms", Map.of());
        if (intervalMs > 0 && sweepMs - intervalMs >= fromMs && sweepMs <= toMs)
        {
            return value(metrics, "pulsar_rate_in", Map.of("topic", TOPIC));
        }
        return null;
    }

    private List<Metric> scrape(final AdminTestBroker broker) throws Exception
    {
        final HttpResponse<byte[]> response = http.send(
            HttpRequest.newBuilder(URI.create(broker.server.url() + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        final TextPrometheusMetricDataParser parser =
            new TextPrometheusMetricDataParser(new ByteArrayInputStream(response.body()));
        final List<Metric> metrics = new ArrayList<>();
        MetricFamily family;
        while (null != (family = parser.parse()))
        {
            metrics.addAll(family.getMetrics());
        }
        return metrics;
    }

    private static List<Metric> select(final List<Metric> metrics, final String name, final Map<String, String> labels)
    {
        final List<Metric> selected = new ArrayList<>();
        for (final Metric metric : metrics)
        {
            if (metric.getName().equals(name) && metric.getLabels().entrySet().containsAll(labels.entrySet()))
            {
                selected.add(metric);
            }
        }
        return selected;
    }

    private static double value(final List<Metric> metrics, final String name, final Map<String, String> labels)
    {
        final List<Metric> selected = select(metrics, name, labels);
        assertEquals(1, selected.size(), name + labels + " in " + metrics.size() + " series: " + selected);
        final Metric metric = selected.get(0);
        if (metric instanceof Gauge)
        {
            return ((Gauge)metric).getValue();
        }
        if (metric instanceof Counter)
        {
            return ((Counter)metric).getValue();
        }
        throw new AssertionError(name + " is a " + metric.getClass().getSimpleName());
    }
}
