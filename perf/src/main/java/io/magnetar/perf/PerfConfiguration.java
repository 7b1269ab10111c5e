package io.magnetar.perf;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Tuning keys of the perf harness itself, each a system property, and the limits of its settings.
 */
public final class PerfConfiguration
{
    /**
     * A pacer waiting for a deadline busy-spins when the deadline is closer than this; a duration.
     */
    public static final String PACER_SPIN_THRESHOLD_PROP_NAME = "magnetar.perf.pacer.spin.threshold";

    /**
     * Default spin threshold: 20 µs.
     */
    public static final long PACER_SPIN_THRESHOLD_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(20);

    /**
     * A pacer waiting for a deadline yields when the deadline is closer than this, and parks until this much
     * before the deadline otherwise; a duration. Waking a parked thread costs 50-150 µs on a small VM.
     */
    public static final String PACER_PARK_THRESHOLD_PROP_NAME = "magnetar.perf.pacer.park.threshold";

    /**
     * Default park threshold: 250 µs.
     */
    public static final long PACER_PARK_THRESHOLD_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(250);

    /**
     * How long a run waits, after the last send, for the messages still in flight; a duration.
     */
    public static final String DRAIN_TIMEOUT_PROP_NAME = "magnetar.perf.drain.timeout";

    /**
     * Default drain timeout: 10 seconds.
     */
    public static final long DRAIN_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /**
     * Bound on each client operation (connect, create, subscribe, send receipt); a duration.
     */
    public static final String OPERATION_TIMEOUT_PROP_NAME = "magnetar.perf.operation.timeout";

    /**
     * Default operation timeout: 30 seconds.
     */
    public static final long OPERATION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

    /**
     * Default rate of the paced workloads (produce, e2e), in messages per second.
     */
    public static final long RATE_DEFAULT = 10_000;

    /**
     * Smallest payload: it carries the intended send time in its first 8 bytes.
     */
    public static final int MIN_SIZE = 16;

    /**
     * Largest payload; it fits an eighth of the 4 MiB terms the clients and the baseline use, with room for
     * headers.
     */
    public static final int MAX_SIZE = 256 * 1024;

    /**
     * Most topics, producers per topic or consumers per topic.
     */
    public static final int MAX_COUNT = 64;

    /**
     * Most producer and consumer threads of one run.
     */
    public static final int MAX_THREADS = 256;

    private PerfConfiguration()
    {
    }

    /**
     * @return spin threshold of pacers in nanoseconds.
     */
    public static long pacerSpinThresholdNs()
    {
        return SystemUtil.getDurationInNanos(PACER_SPIN_THRESHOLD_PROP_NAME, PACER_SPIN_THRESHOLD_DEFAULT_NS);
    }

    /**
     * @return park threshold of pacers in nanoseconds.
     */
    public static long pacerParkThresholdNs()
    {
        return SystemUtil.getDurationInNanos(PACER_PARK_THRESHOLD_PROP_NAME, PACER_PARK_THRESHOLD_DEFAULT_NS);
    }

    /**
     * @return drain timeout in nanoseconds.
     */
    public static long drainTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(DRAIN_TIMEOUT_PROP_NAME, DRAIN_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return client operation timeout in nanoseconds.
     */
    public static long operationTimeoutNs()
    {
        return SystemUtil.getDurationInNanos(OPERATION_TIMEOUT_PROP_NAME, OPERATION_TIMEOUT_DEFAULT_NS);
    }
}
