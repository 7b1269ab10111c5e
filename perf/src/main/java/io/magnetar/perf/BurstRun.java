package io.magnetar.perf;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;

/**
 * The bursting client of the fairness workload ({@code --burst N}): its own session with the broker, one producer
 * on the topic {@code <prefix>-burst}, and a sender that waits for the middle of the measured window, then sends N
 * messages as fast as its producer's pending limit allows and waits for every receipt. It also splits the paced
 * client's measured latencies by intended send time: before the burst started ({@link #alone()}) and while it ran
 * ({@link #during()}).
 */
final class BurstRun implements AutoCloseable
{
    private static final int MAX_PENDING_MESSAGES = 1000;
    private static final long WAIT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    private final PerfConfig config;
    private final LoadRun load;
    private final Recorder alone = new Recorder(LatencyMeter.HIGHEST_TRACKABLE_NS, LatencyMeter.SIGNIFICANT_DIGITS);
    private final Recorder during = new Recorder(LatencyMeter.HIGHEST_TRACKABLE_NS, LatencyMeter.SIGNIFICANT_DIGITS);
    private final BiConsumer<MessageId, Throwable> failureWatcher = this::onSendCompleted;
    private volatile long startNs = Long.MAX_VALUE;
    private volatile long endNs = Long.MAX_VALUE;
    private volatile int sent;
    private MagnetarClient client;
    private Producer producer;

    /**
     * @param config of the run; concluded, with a burst.
     * @param load   the paced run, told of failures.
     */
    BurstRun(final PerfConfig config, final LoadRun load)
    {
        this.config = config;
        this.load = load;
    }

    /**
     * Connect the bursting client and create its producer.
     *
     * @param serviceUrl of the broker.
     * @param aeronDir   media driver directory, or null.
     * @throws MagnetarClientException if the broker could not be reached.
     */
    void setUp(final String serviceUrl, final String aeronDir) throws MagnetarClientException
    {
        client = MagnetarClient.builder()
            .serviceUrl(serviceUrl)
            .aeronDirectoryName(aeronDir)
            .operationTimeout(Duration.ofNanos(config.operationTimeoutNs()))
            .termLength(config.termLength())
            .clientName("magnetar-perf-burst")
            .build();
        producer = client.newProducer()
            .topic(config.topicName("burst"))
            .maxPendingMessages(MAX_PENDING_MESSAGES)
            .create();
    }

    /**
     * @param schedule of the run.
     * @return the sender: waits for the middle of the measured window, then bursts.
     */
    Runnable sender(final RunSchedule schedule)
    {
        return () ->
        {
            final long burstAtNs = schedule.measureStartNs() +
                (schedule.measureEndNs() - schedule.measureStartNs()) / 2;
            while (System.nanoTime() - burstAtNs < 0)
            {
                if (schedule.isStopped())
                {
                    return;
                }
                LockSupport.parkNanos(WAIT_NS);
            }

            final byte[] payload = new byte[config.size()];
            startNs = System.nanoTime();
            try
            {
                for (int i = 0, n = config.burst().messages(); i < n && !schedule.isStopped(); i++)
                {
                    producer.sendAsync(payload).whenComplete(failureWatcher);
                    sent = i + 1;
                }
                producer.flush();
            }
            catch (final MagnetarClientException ex)
            {
                load.onFailure(ex);
            }
            finally
            {
                endNs = System.nanoTime();
            }
        };
    }

    /**
     * Split a measured latency of the paced client. Any thread.
     *
     * @param intendedNs intended send time of the message.
     * @param latencyNs  its latency.
     */
    void record(final long intendedNs, final long latencyNs)
    {
        if (intendedNs - startNs < 0)
        {
            alone.recordValue(latencyNs);
        }
        else if (intendedNs - endNs <= 0)
        {
            during.recordValue(latencyNs);
        }
    }

    /**
     * @return the paced client's measured latencies before the burst started.
     */
    Histogram alone()
    {
        return alone.getIntervalHistogram();
    }

    /**
     * @return the paced client's measured latencies while the burst ran.
     */
    Histogram during()
    {
        return during.getIntervalHistogram();
    }

    /**
     * @return messages the burst sent.
     */
    int sent()
    {
        return sent;
    }

    /**
     * @return how long the burst took, from its first send to its last receipt, in ns; 0 if it did not run.
     */
    long durationNs()
    {
        final long start = startNs;
        final long end = endNs;
        return start == Long.MAX_VALUE || end == Long.MAX_VALUE ? 0 : end - start;
    }

    private void onSendCompleted(final MessageId messageId, final Throwable error)
    {
        if (null != error)
        {
            load.onFailure(error);
        }
    }

    public void close()
    {
        if (null != client)
        {
            try
            {
                client.close();
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("perf: closing the burst client: " + ex.getMessage());
            }
        }
    }
}
