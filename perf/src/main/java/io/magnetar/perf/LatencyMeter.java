package io.magnetar.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where the threads of a run record: latencies (now minus intended send time, in nanoseconds) into HdrHistogram
 * {@link Recorder}s that any thread may write while the reporting thread takes interval histograms, and message
 * and byte counts for the throughput-only workload. A message is measured when its intended send time (or, for
 * counts, its arrival) is in the measured window; earlier ones go to the warm-up.
 */
final class LatencyMeter
{
    /**
     * Largest latency tracked; longer ones are recorded as this.
     */
    static final long HIGHEST_TRACKABLE_NS = TimeUnit.HOURS.toNanos(1);

    /**
     * Significant digits of every histogram.
     */
    static final int SIGNIFICANT_DIGITS = 3;

    private final RunSchedule schedule;
    private final Recorder measured = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Recorder warmup = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final AtomicLong measuredMessages = new AtomicLong();
    private final AtomicLong measuredBytes = new AtomicLong();
    private final AtomicLong warmupMessages = new AtomicLong();
    private final AtomicLong warmupBytes = new AtomicLong();
    private volatile BurstRun burst;

    /**
     * @param schedule that defines the measured window.
     */
    LatencyMeter(final RunSchedule schedule)
    {
        this.schedule = schedule;
    }

    /**
     * @param burst that also takes the measured latencies, split by its phases; before the workers start.
     */
    void burst(final BurstRun burst)
    {
        this.burst = burst;
    }

    /**
     * @return a new histogram with the meter's range and precision.
     */
    static Histogram newHistogram()
    {
        return new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    }

    /**
     * Record one latency. Any thread.
     *
     * @param intendedNs intended send time of the message.
     * @param nowNs      time it arrived.
     */
    void record(final long intendedNs, final long nowNs)
    {
        final long latencyNs = Math.min(Math.max(0, nowNs - intendedNs), HIGHEST_TRACKABLE_NS);
        if (schedule.isMeasured(intendedNs))
        {
            measured.recordValue(latencyNs);
            final BurstRun burst = this.burst;
            if (null != burst)
            {
                burst.record(intendedNs, latencyNs);
            }
        }
        else
        {
            warmup.recordValue(latencyNs);
        }
    }

    /**
     * Count one message without a latency (throughput-only workload). Any thread.
     *
     * @param nowNs  time it arrived.
     * @param length of its payload.
     */
    void count(final long nowNs, final int length)
    {
        if (!schedule.isMeasured(nowNs))
        {
            warmupMessages.incrementAndGet();
            warmupBytes.addAndGet(length);
        }
        else if (!schedule.isOver(nowNs))
        {
            measuredMessages.incrementAndGet();
            measuredBytes.addAndGet(length);
        }
    }

    /**
     * Reporting thread: latencies of measured messages since the last call.
     *
     * @param recycle histogram from the previous call, or null.
     * @return the interval histogram.
     */
    Histogram measuredInterval(final Histogram recycle)
    {
        return measured.getIntervalHistogram(recycle);
    }

    /**
     * Reporting thread: latencies of warm-up messages since the last call.
     *
     * @param recycle histogram from the previous call, or null.
     * @return the interval histogram.
     */
    Histogram warmupInterval(final Histogram recycle)
    {
        return warmup.getIntervalHistogram(recycle);
    }

    /**
     * @return measured messages counted by {@link #count(long, int)}.
     */
    long measuredMessages()
    {
        return measuredMessages.get();
    }

    /**
     * @return measured payload bytes counted by {@link #count(long, int)}.
     */
    long measuredBytes()
    {
        return measuredBytes.get();
    }

    /**
     * @return warm-up messages counted by {@link #count(long, int)}.
     */
    long warmupMessages()
    {
        return warmupMessages.get();
    }

    /**
     * @return warm-up payload bytes counted by {@link #count(long, int)}.
     */
    long warmupBytes()
    {
        return warmupBytes.get();
    }
}
