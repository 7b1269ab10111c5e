package io.magnetar.perf;

import org.HdrHistogram.Histogram;

/**
 * Final figures of one side of a run: measured count, achieved rate, MB/s and, for latency workloads, the
 * aggregated histogram in nanoseconds.
 */
final class RunResult
{
    /**
     * Percentiles reported for every run, in percent; the maximum comes after them.
     */
    static final double[] PERCENTILES = { 50.0, 90.0, 99.0, 99.9, 99.99 };

    /**
     * Labels of {@link #PERCENTILES} followed by the maximum.
     */
    static final String[] PERCENTILE_LABELS = { "p50", "p90", "p99", "p99.9", "p99.99", "max" };

    /**
     * JSON field suffixes of {@link #PERCENTILE_LABELS}.
     */
    static final String[] PERCENTILE_KEYS = { "p50", "p90", "p99", "p999", "p9999", "max" };

    /**
     * JSON fields of the ratios to a floor, by {@link #PERCENTILE_LABELS}.
     */
    static final String[] RATIO_KEYS = { "p50", "p90", "p99", "p99_9", "p99_99", "max" };

    private final String name;
    private final Histogram histogram;
    private final long count;
    private final long bytes;
    private final long elapsedNs;
    private final long undelivered;
    private double allocatedBytesPerMessage = Double.NaN;

    /**
     * @param name        of the result, as in file names.
     * @param histogram   aggregated latencies in nanoseconds, or null for a throughput-only run.
     * @param count       measured messages.
     * @param bytes       measured payload bytes.
     * @param elapsedNs   length of the measured window.
     * @param undelivered messages still missing when the run stopped waiting for them.
     */
    RunResult(
        final String name,
        final Histogram histogram,
        final long count,
        final long bytes,
        final long elapsedNs,
        final long undelivered)
    {
        this.name = name;
        this.histogram = histogram;
        this.count = count;
        this.bytes = bytes;
        this.elapsedNs = elapsedNs;
        this.undelivered = undelivered;
    }

    /**
     * @return name of the result.
     */
    String name()
    {
        return name;
    }

    /**
     * @return aggregated latencies in nanoseconds, or null for a throughput-only run.
     */
    Histogram histogram()
    {
        return histogram;
    }

    /**
     * @return measured messages.
     */
    long count()
    {
        return count;
    }

    /**
     * @return messages missing when the run stopped waiting for them.
     */
    long undelivered()
    {
        return undelivered;
    }

    /**
     * @return length of the measured window in nanoseconds.
     */
    long elapsedNs()
    {
        return elapsedNs;
    }

    /**
     * @return measured messages per second.
     */
    double rateMsgs()
    {
        return elapsedNs > 0 ? count * 1e9 / elapsedNs : 0;
    }

    /**
     * @return measured payload megabytes (10^6 bytes) per second.
     */
    double mbPerSec()
    {
        return elapsedNs > 0 ? bytes * 1e3 / elapsedNs : 0;
    }

    /**
     * @return true if the run measured latency.
     */
    boolean hasLatency()
    {
        return null != histogram && histogram.getTotalCount() > 0;
    }

    /**
     * The reported percentiles and the maximum, in microseconds, in the order of {@link #PERCENTILE_LABELS}.
     *
     * @return the values, or null for a run without latencies.
     */
    double[] percentilesUs()
    {
        if (!hasLatency())
        {
            return null;
        }

        final double[] values = new double[PERCENTILE_LABELS.length];
        for (int i = 0; i < PERCENTILES.length; i++)
        {
            values[i] = histogram.getValueAtPercentile(PERCENTILES[i]) / 1000.0;
        }
        values[PERCENTILES.length] = histogram.getMaxValue() / 1000.0;

        return values;
    }

    /**
     * @param allocatedBytesPerMessage heap bytes every thread of this JVM allocated in the measured window, per
     *                                 measured message.
     */
    void allocatedBytesPerMessage(final double allocatedBytesPerMessage)
    {
        this.allocatedBytesPerMessage = allocatedBytesPerMessage;
    }

    /**
     * @return heap bytes every thread of this JVM allocated in the measured window, per measured message, or NaN if
     * not measured.
     */
    double allocatedBytesPerMessage()
    {
        return allocatedBytesPerMessage;
    }
}
