package io.magnetar.mediadriver;

import org.agrona.SystemUtil;
import org.agrona.concurrent.IdleStrategy;

/**
 * How every Magnetar thread idles, broker and client alike: the names and defaults of the idle strategy properties
 * ({@code *_PROP_NAME}/{@code *_DEFAULT}, each a system property) and the factories that read them.
 */
public final class IdleConfiguration
{
    /**
     * Name of Magnetar's backoff idle strategy in the idle strategy properties: spins, then yields, then parks.
     */
    public static final String BACKOFF = "backoff";

    /**
     * Longest park of the backoff idle strategy of the driver and archive threads in the default profile, e.g.
     * {@code 100us}.
     */
    public static final String IDLE_MAX_PARK_PROP_NAME = "magnetar.idle.max.park";

    /**
     * Default longest park: 1 ms, Aeron's own. Measured on a 2-core VM, 100 µs parks on every thread made
     * latency worse, not better: seven threads waking 10,000 times a second crowd two cores.
     */
    public static final long IDLE_MAX_PARK_DEFAULT_NS = 1_000_000;

    /**
     * Parked time without work after which a {@code backoff} thread's parks may grow past its longest park to
     * {@link #IDLE_SETTLED_MAX_PARK_PROP_NAME}, for every Magnetar thread that backs off, e.g. {@code 20ms}.
     */
    public static final String IDLE_SETTLE_AFTER_PROP_NAME = "magnetar.idle.settle.after";

    /**
     * Default quiet time before a thread settles: 20 ms.
     */
    public static final long IDLE_SETTLE_AFTER_DEFAULT_NS = 20_000_000;

    /**
     * Longest park of a settled {@code backoff} thread (quiet for {@link #IDLE_SETTLE_AFTER_PROP_NAME}), for every
     * Magnetar thread that backs off; the first message after a quiet spell waits up to this long on each thread
     * it crosses. Set it to the longest park to never settle.
     */
    public static final String IDLE_SETTLED_MAX_PARK_PROP_NAME = "magnetar.idle.settled.max.park";

    /**
     * Default longest park once settled: 10 ms.
     */
    public static final long IDLE_SETTLED_MAX_PARK_DEFAULT_NS = 10_000_000;

    /**
     * Parked time without work after which work that wakes a {@code backoff} thread is isolated (a heartbeat, a
     * timer, the first message after a pause) rather than traffic, for every Magnetar thread that backs off.
     */
    public static final String IDLE_QUIET_AFTER_PROP_NAME = "magnetar.idle.quiet.after";

    /**
     * Default quiet time: 8 ms. A connected media driver works about 25 times a second; shorter and its
     * heartbeats count as traffic (thousands of yields each), longer and messages 5 ms apart count as isolated
     * (parks of 1 ms between them: at 200 msg/s the 90th percentile rose from 0.2 to 2-3 ms with 2 ms).
     */
    public static final long IDLE_QUIET_AFTER_DEFAULT_NS = 8_000_000;

    /**
     * Yields before parking after isolated work (see {@link #IDLE_QUIET_AFTER_PROP_NAME}), for every Magnetar
     * thread that backs off; traffic gets {@link #IDLE_MAX_YIELDS_PROP_NAME}.
     */
    public static final String IDLE_QUIET_MAX_YIELDS_PROP_NAME = "magnetar.idle.quiet.max.yields";

    /**
     * Default yields after work that finds a thread quiet: 100.
     */
    public static final long IDLE_QUIET_MAX_YIELDS_DEFAULT = 100;


    /**
     * Idle strategy of the driver's and the archive's threads in the default profile: {@code backoff} (spins,
     * then yields, then parks: see {@link #IDLE_MAX_SPINS_PROP_NAME}, {@link #IDLE_MAX_YIELDS_PROP_NAME},
     * {@link #IDLE_MAX_PARK_PROP_NAME}), or one of Aeron's names ({@code yield}, {@code spin}, {@code noop},
     * {@code sleep-ns}, or a class name), as {@code aeron.shared.idle.strategy} takes them.
     */
    public static final String IDLE_STRATEGY_PROP_NAME = "magnetar.idle.strategy";

    /**
     * Default idle strategy of the driver's and the archive's threads.
     */
    public static final String IDLE_STRATEGY_DEFAULT = BACKOFF;

    /**
     * Spins of a {@code backoff} idle strategy before it yields, for every Magnetar thread that backs off.
     */
    public static final String IDLE_MAX_SPINS_PROP_NAME = "magnetar.idle.max.spins";

    /**
     * Default spins before yielding: 1. On a 2-core box with seven or more threads on the message path, a spin
     * phase holds the core the next thread needs: 100 spins took the median from about 80 µs to 1 ms
     * (docs/benchmarks.md, the idle strategy matrix).
     */
    public static final long IDLE_MAX_SPINS_DEFAULT = 1;

    /**
     * Yields of a {@code backoff} idle strategy before it parks, for every Magnetar thread that backs off: with
     * a few thousand, a thread stays awake about a millisecond after its last work.
     */
    public static final String IDLE_MAX_YIELDS_PROP_NAME = "magnetar.idle.max.yields";

    /**
     * Default yields before parking: 3,000, so a thread stays awake between messages that arrive every
     * millisecond and parks soon after traffic stops. At 1k msg/s, 100 yields took p50 from 66 to 269 µs; the
     * cost is an idle connected driver's CPU (it works a little every millisecond or so, and yields after each):
     * an idle client's driver uses 8-15% of a core against 3% with 100 (docs/benchmarks.md).
     */
    public static final long IDLE_MAX_YIELDS_DEFAULT = 3_000;

    /**
     * @return a new backoff idle strategy: {@link #IDLE_MAX_SPINS_PROP_NAME} spins,
     * {@link #IDLE_MAX_YIELDS_PROP_NAME} yields, then parks from 1 µs up to {@link #IDLE_MAX_PARK_PROP_NAME}.
     */
    public static IdleStrategy backoffIdleStrategy()
    {
        return backoffIdleStrategy(
            SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS));
    }

    /**
     * @param maxParkNs longest park.
     * @return a new backoff idle strategy: {@link #IDLE_MAX_SPINS_PROP_NAME} spins,
     * {@link #IDLE_MAX_YIELDS_PROP_NAME} yields, then parks from 1 µs up to {@code maxParkNs}.
     */
    public static IdleStrategy backoffIdleStrategy(final long maxParkNs)
    {
        return backoffIdleStrategy(
            Long.getLong(IDLE_MAX_SPINS_PROP_NAME, IDLE_MAX_SPINS_DEFAULT),
            Long.getLong(IDLE_MAX_YIELDS_PROP_NAME, IDLE_MAX_YIELDS_DEFAULT),
            maxParkNs);
    }

    /**
     * @param maxSpins  spins after work before yielding.
     * @param maxYields yields after the spins before parking.
     * @param maxParkNs longest park until the thread settles.
     * @return a new backoff idle strategy with these phases that settles as {@link #IDLE_SETTLE_AFTER_PROP_NAME}
     * and {@link #IDLE_SETTLED_MAX_PARK_PROP_NAME} say.
     */
    public static IdleStrategy backoffIdleStrategy(final long maxSpins, final long maxYields, final long maxParkNs)
    {
        final long settledMaxParkNs = Math.max(maxParkNs,
            SystemUtil.getDurationInNanos(IDLE_SETTLED_MAX_PARK_PROP_NAME, IDLE_SETTLED_MAX_PARK_DEFAULT_NS));
        return new SettlingBackoffIdleStrategy(
            maxSpins,
            maxYields,
            Math.min(maxYields, Long.getLong(IDLE_QUIET_MAX_YIELDS_PROP_NAME, IDLE_QUIET_MAX_YIELDS_DEFAULT)),
            Math.min(1_000, maxParkNs),
            maxParkNs,
            SystemUtil.getDurationInNanos(IDLE_QUIET_AFTER_PROP_NAME, IDLE_QUIET_AFTER_DEFAULT_NS),
            SystemUtil.getDurationInNanos(IDLE_SETTLE_AFTER_PROP_NAME, IDLE_SETTLE_AFTER_DEFAULT_NS),
            settledMaxParkNs);
    }

    /**
     * @param propName    a system property naming an idle strategy ({@link #BACKOFF} or one of Aeron's names).
     * @param maxParkNs   longest park if it names {@link #BACKOFF}.
     * @return a new idle strategy of that name, {@link #BACKOFF} when the property is not set.
     * @throws io.aeron.exceptions.ConfigurationException if the name is not known.
     */
    public static IdleStrategy idleStrategy(final String propName, final long maxParkNs)
    {
        final String name = System.getProperty(propName, BACKOFF);
        if (BACKOFF.equals(name))
        {
            return backoffIdleStrategy(maxParkNs);
        }
        try
        {
            return io.aeron.driver.Configuration.agentIdleStrategy(name, null);
        }
        catch (final Exception ex) // an unknown class name comes back as a ClassNotFoundException
        {
            throw new io.aeron.exceptions.ConfigurationException(
                propName + "=" + name + " is not an idle strategy: use backoff, yield, spin, noop, sleep-ns " +
                "or a class name (" + ex.getMessage() + ")");
        }
    }

    /**
     * @return a new idle strategy for the driver's and the archive's threads: {@link #IDLE_STRATEGY_PROP_NAME}.
     */
    public static IdleStrategy driverIdleStrategy()
    {
        final long maxParkNs = SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
        return idleStrategy(IDLE_STRATEGY_PROP_NAME, maxParkNs);
    }

    private IdleConfiguration()
    {
    }
}
