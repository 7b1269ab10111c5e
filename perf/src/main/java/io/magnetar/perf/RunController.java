package io.magnetar.perf;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Drives one side of a run: sets it up, starts its workers on a schedule, prints one line a second (interval rate,
 * MB/s and percentiles), ends the measured window, waits for the messages in flight, and returns the aggregated
 * result. Latency runs also write every measured interval to {@code DIR/<name>.hlog} and the aggregated histogram
 * to {@code DIR/<name>.hgrm} (values in µs).
 */
final class RunController
{
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long POLL_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long MIN_REPORT_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(100);
    private static final String WARMUP = "warmup";
    private static final String MEASURE = "measure";
    private static final String DRAIN = "drain";

    private final PerfConfig config;
    private final LoadRun load;
    private final String name;
    private final PrintStream out;
    private final boolean latency;
    private final Histogram total = LatencyMeter.newHistogram();
    private RunSchedule schedule;
    private LatencyMeter meter;
    private HistogramLogWriter logWriter;
    private Histogram measuredInterval;
    private Histogram warmupInterval;
    private long lastReportNs;
    private long allocatedAtMeasureStart = -1;
    private long messagesAtMeasureStart;
    private long allocatedAtLastMeasure;
    private long messagesAtLastMeasure;
    private long lastMessages;
    private long lastBytes;
    private long lastWarmupMessages;
    private long lastWarmupBytes;

    private RunController(final PerfConfig config, final LoadRun load, final String name, final PrintStream out)
    {
        this.config = config;
        this.load = load;
        this.name = name;
        this.out = out;
        this.latency = config.workload().measuresLatency();
    }

    /**
     * Run one side and close it.
     *
     * @param config of the run; concluded.
     * @param load   side to run; closed before this returns.
     * @param name   of the result and its files.
     * @param out    for the report lines.
     * @return the aggregated result.
     * @throws Exception if the run failed; the message says why.
     */
    static RunResult run(final PerfConfig config, final LoadRun load, final String name, final PrintStream out)
        throws Exception
    {
        try
        {
            return new RunController(config, load, name, out).run();
        }
        finally
        {
            load.close();
        }
    }

    private RunResult run() throws Exception
    {
        load.setUp();
        out.println(name + ": " + load.description());
        out.flush();

        final long startNs = System.nanoTime() + START_DELAY_NS;
        schedule = new RunSchedule(
            startNs,
            TimeUnit.SECONDS.toNanos(config.warmupSeconds()),
            TimeUnit.SECONDS.toNanos(config.durationSeconds()),
            config.messages());
        meter = new LatencyMeter(schedule);

        if (latency)
        {
            logWriter = newLogWriter(new File(config.outDir(), name + ".hlog"));
        }

        try
        {
            lastReportNs = startNs;
            load.start(schedule, meter);
            final long endNs = measure();
            report(System.nanoTime(), MEASURE, false);
            final long undelivered = drain();
            load.stopWorkers(schedule);
            report(System.nanoTime(), DRAIN, true);
            checkFailure();

            final long elapsedNs = endNs - schedule.measureStartNs();
            final long allocationMessages = messagesAtLastMeasure - messagesAtMeasureStart;
            final RunResult result;
            if (latency)
            {
                result = new RunResult(
                    name, total, total.getTotalCount(), total.getTotalCount() * config.size(), elapsedNs, undelivered);
                writeHgrm(new File(config.outDir(), name + ".hgrm"));
            }
            else
            {
                result = new RunResult(
                    name, null, meter.measuredMessages(), meter.measuredBytes(), elapsedNs, undelivered);
            }

            if (allocatedAtMeasureStart >= 0 && allocationMessages > 0)
            {
                result.allocatedBytesPerMessage(
                    (allocatedAtLastMeasure - allocatedAtMeasureStart) / (double)allocationMessages);
            }

            return result;
        }
        finally
        {
            load.stopWorkers(schedule);
            if (null != logWriter)
            {
                logWriter.close();
            }
        }
    }

    /**
     * Report every second until the senders are done (or, for consume, the window is over).
     *
     * @return when the measured window ended.
     */
    private long measure() throws Exception
    {
        final boolean throughputOnly = !latency;
        long nextReportNs = schedule.startNs() + REPORT_INTERVAL_NS;
        while (true)
        {
            final long nowNs = System.nanoTime();
            checkFailure();

            if (throughputOnly)
            {
                if (schedule.isOver(nowNs))
                {
                    return schedule.measureEndNs();
                }
                if (!schedule.hasEnd() && meter.measuredMessages() >= schedule.maxMessages())
                {
                    return nowNs;
                }
            }
            else if (load.sendersDone())
            {
                return schedule.hasEnd() ? schedule.measureEndNs() : nowNs;
            }
            else if (schedule.hasEnd() && nowNs - (schedule.measureEndNs() + config.drainTimeoutNs()) >= 0)
            {
                throw new PerfException("the senders did not finish within " +
                    TimeUnit.NANOSECONDS.toMillis(config.drainTimeoutNs()) + " ms after the measured window");
            }

            if (nowNs - nextReportNs >= 0)
            {
                report(nowNs, schedule.isMeasured(lastReportNs + REPORT_INTERVAL_NS / 2) ? MEASURE : WARMUP, false);
                nextReportNs += REPORT_INTERVAL_NS;
            }
            LockSupport.parkNanos(Math.min(POLL_INTERVAL_NS, Math.max(1, nextReportNs - nowNs)));
        }
    }

    /**
     * Wait for the messages still in flight, reporting every second.
     *
     * @return messages still missing at the drain timeout.
     */
    private long drain() throws Exception
    {
        final long deadlineNs = System.nanoTime() + config.drainTimeoutNs();
        long nextReportNs = lastReportNs + REPORT_INTERVAL_NS;
        while (load.received() < load.expectedReceived())
        {
            checkFailure();
            final long nowNs = System.nanoTime();
            if (nowNs - deadlineNs >= 0)
            {
                final long missing = load.expectedReceived() - load.received();
                out.println(String.format(Locale.ROOT,
                    "WARNING %s: %,d of %,d messages not received within %d ms after the last send",
                    name, missing, load.expectedReceived(), TimeUnit.NANOSECONDS.toMillis(config.drainTimeoutNs())));
                return missing;
            }
            if (nowNs - nextReportNs >= 0)
            {
                report(nowNs, DRAIN, false);
                nextReportNs += REPORT_INTERVAL_NS;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }

        return 0;
    }

    private void checkFailure() throws PerfException
    {
        final Throwable failure = load.failure();
        if (null != failure)
        {
            throw new PerfException(name + " failed: " + failure, failure);
        }
    }

    /**
     * Take the interval since the last report, add its measured part to the total, and print it.
     *
     * @param nowNs time of the report.
     * @param phase printed at the start of the line.
     * @param last  true for the final report, which is always taken.
     */
    private void report(final long nowNs, final String phase, final boolean last)
    {
        final long intervalNs = nowNs - lastReportNs;
        if (!last && intervalNs < MIN_REPORT_INTERVAL_NS)
        {
            return;
        }
        final double seconds = Math.max(1, intervalNs) / 1e9;
        final long second = Math.round((nowNs - schedule.startNs()) / 1e9);
        final boolean print = intervalNs >= MIN_REPORT_INTERVAL_NS;
        lastReportNs = nowNs;
        try
        {
            reportInterval(phase, second, seconds, print);
        }
        finally
        {
            if (MEASURE.equals(phase))
            {
                noteAllocation();
            }
        }
    }

    /**
     * Note the heap bytes this JVM's threads (but this one) have allocated so far and the messages measured so far:
     * the first note of the measured window is its start, the last its end.
     */
    private void noteAllocation()
    {
        final long messages = latency ? total.getTotalCount() : meter.measuredMessages();
        final long allocated = JvmAllocation.allocatedBytes();
        if (allocatedAtMeasureStart < 0)
        {
            allocatedAtMeasureStart = allocated;
            messagesAtMeasureStart = messages;
        }
        allocatedAtLastMeasure = allocated;
        messagesAtLastMeasure = messages;
    }

    private void reportInterval(final String phase, final long second, final double seconds, final boolean print)
    {

        if (latency)
        {
            measuredInterval = meter.measuredInterval(measuredInterval);
            warmupInterval = meter.warmupInterval(warmupInterval);
            if (measuredInterval.getTotalCount() > 0)
            {
                total.add(measuredInterval);
                logWriter.outputIntervalHistogram(measuredInterval);
            }
            final Histogram interval = WARMUP.equals(phase) ? warmupInterval : measuredInterval;
            if ((!print || DRAIN.equals(phase)) && 0 == interval.getTotalCount())
            {
                return;
            }

            final double rate = interval.getTotalCount() / seconds;
            out.println(String.format(Locale.ROOT,
                "%-7s %4ds %,10.0f msg/s %8.2f MB/s  p50 %9.1f  p99 %9.1f  p99.9 %9.1f  max %10.1f us",
                phase, second, rate, rate * config.size() / 1e6,
                interval.getValueAtPercentile(50.0) / 1000.0,
                interval.getValueAtPercentile(99.0) / 1000.0,
                interval.getValueAtPercentile(99.9) / 1000.0,
                interval.getMaxValue() / 1000.0));
        }
        else
        {
            final long messages = meter.measuredMessages();
            final long bytes = meter.measuredBytes();
            final long warmupMessages = meter.warmupMessages();
            final long warmupBytes = meter.warmupBytes();
            final long intervalMessages = (messages - lastMessages) + (warmupMessages - lastWarmupMessages);
            final long intervalBytes = (bytes - lastBytes) + (warmupBytes - lastWarmupBytes);
            lastMessages = messages;
            lastBytes = bytes;
            lastWarmupMessages = warmupMessages;
            lastWarmupBytes = warmupBytes;
            if ((!print || DRAIN.equals(phase)) && 0 == intervalMessages)
            {
                return;
            }
            out.println(String.format(Locale.ROOT, "%-7s %4ds %,10.0f msg/s %8.2f MB/s",
                phase, second, intervalMessages / seconds, intervalBytes / seconds / 1e6));
        }
        out.flush();
    }

    private static HistogramLogWriter newLogWriter(final File file) throws FileNotFoundException
    {
        final HistogramLogWriter writer = new HistogramLogWriter(file);
        final long nowMs = System.currentTimeMillis();
        writer.outputComment("magnetar perf: " + file.getName() + ", latencies in ns");
        writer.outputLogFormatVersion();
        writer.outputStartTime(nowMs);
        writer.setBaseTime(nowMs);
        writer.outputBaseTime(nowMs);
        writer.outputLegend();
        return writer;
    }

    private void writeHgrm(final File file) throws IOException
    {
        try (PrintStream stream = new PrintStream(file, StandardCharsets.UTF_8))
        {
            total.outputPercentileDistribution(stream, 1000.0);
        }
    }
}
