package io.magnetar.mediadriver;

import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.locks.LockSupport;

/**
 * A backoff idle strategy that settles into longer parks once a thread has been quiet for a while.
 * <p>
 * After work it spins {@code maxSpins} times, yields {@code maxYields} times, then parks from {@code minParkNs},
 * doubling up to {@code maxParkNs}, as Agrona's backoff does. Once it has parked for {@code settleAfterNs} in all
 * without work, it is settled: parks keep doubling up to {@code settledMaxParkNs}. Work that finds it parked for
 * {@code quietAfterNs} or longer (a heartbeat, a timer, the first message after a pause), and the work right after
 * it, are isolated: each is followed by {@code quietMaxYields} yields, then parks that start again at
 * {@code maxParkNs}, and neither unsettles a settled thread. From the {@link #TRAFFIC_STREAK}th work in a row that
 * comes sooner it is traffic: {@code maxYields} yields, parks from {@code minParkNs}, and the quiet time starts
 * afresh, so a thread stays awake between messages that arrive every millisecond and is back on short parks for
 * messages a few milliseconds apart. A heartbeat and its reply cost a hundred yields and a few parks, not thousands
 * of yields.
 * <p>
 * Why: on a small virtual machine a park and its wake-up cost about 20 µs of CPU, so a thread parking 1 ms at a time
 * uses 2% of a core doing nothing, and a broker has five such threads; and a media driver with a connection works
 * about 25 times a second (heartbeats, status messages), so thousands of yields after each cost 7% of a core. A busy
 * thread never gets past its yields; only a thread quiet for {@code settleAfterNs} parks longer, and the first message
 * after that waits up to one settled park on each thread it crosses.
 */
public final class SettlingBackoffIdleStrategy implements IdleStrategy
{
    /**
     * Name of this strategy in properties that take an idle strategy name.
     */
    public static final String ALIAS = "backoff";

    /**
     * Works in a row, each before the thread reached its longest park, that make traffic: the first work after a pause
     * and the one or two that follow it (a heartbeat and its status message) are not traffic yet.
     */
    static final int TRAFFIC_STREAK = 2;

    enum State
    {
        NOT_IDLE, SPINNING, YIELDING, PARKING
    }

    private final long maxSpins;
    private final long maxYields;
    private final long quietMaxYields;
    private final long minParkNs;
    private final long maxParkNs;
    private final long quietAfterNs;
    private final long settleAfterNs;
    private final long settledMaxParkNs;

    private State state = State.NOT_IDLE;
    private long spins;
    private long yields;
    private long parkPeriodNs;
    private long parkedNs;
    private long yieldLimit;
    private long carriedParkedNs;
    private long resumeParkNs;
    private int trafficStreak = TRAFFIC_STREAK;

    /**
     * @param maxSpins         spins after work before yielding.
     * @param maxYields        yields after the spins before parking, after work that came sooner (traffic).
     * @param quietMaxYields   yields after the spins before parking, after work that found the thread parking at its
     *                         longest park or longer.
     * @param minParkNs        first park.
     * @param maxParkNs        longest park until the thread has settled.
     * @param quietAfterNs     parked time without work after which work is isolated, not traffic.
     * @param settleAfterNs    parked time without work after which parks may grow to {@code settledMaxParkNs}.
     * @param settledMaxParkNs longest park once settled; equal to {@code maxParkNs} to never settle.
     */
    public SettlingBackoffIdleStrategy(
        final long maxSpins,
        final long maxYields,
        final long quietMaxYields,
        final long minParkNs,
        final long maxParkNs,
        final long quietAfterNs,
        final long settleAfterNs,
        final long settledMaxParkNs)
    {
        if (maxSpins < 0 || maxYields < 0 || quietMaxYields < 0 || minParkNs < 1 || maxParkNs < minParkNs ||
            quietAfterNs < 0 || settleAfterNs < 0 || settledMaxParkNs < maxParkNs)
        {
            throw new IllegalArgumentException("backoff idle strategy: need spins >= 0, yields >= 0, " +
                "1 <= minPark <= maxPark <= settledMaxPark and settleAfter >= 0, got spins=" + maxSpins +
                " yields=" + maxYields + " quietYields=" + quietMaxYields + " minParkNs=" + minParkNs +
                " maxParkNs=" + maxParkNs +
                " settleAfterNs=" + settleAfterNs + " settledMaxParkNs=" + settledMaxParkNs);
        }
        this.maxSpins = maxSpins;
        this.maxYields = maxYields;
        this.quietMaxYields = quietMaxYields;
        this.yieldLimit = maxYields;
        this.minParkNs = minParkNs;
        this.maxParkNs = maxParkNs;
        this.quietAfterNs = quietAfterNs;
        this.settleAfterNs = settleAfterNs;
        this.settledMaxParkNs = settledMaxParkNs;
        this.parkPeriodNs = minParkNs;
        this.resumeParkNs = minParkNs;
    }

    /**
     * {@inheritDoc}
     */
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            final boolean quiet = State.PARKING == state && parkedNs >= quietAfterNs;
            final long quietNs = quiet ? parkedNs : carriedParkedNs;
            trafficStreak = quiet ? 0 : Math.min(trafficStreak + 1, TRAFFIC_STREAK);
            state = State.NOT_IDLE;
            spins = 0;
            yields = 0;
            parkedNs = 0;
            if (trafficStreak < TRAFFIC_STREAK)
            {
                yieldLimit = quietMaxYields;
                carriedParkedNs = quietNs;
                resumeParkNs = maxParkNs;
            }
            else
            {
                yieldLimit = maxYields;
                carriedParkedNs = 0;
                resumeParkNs = minParkNs;
            }
            parkPeriodNs = resumeParkNs;
        }
        else
        {
            idle();
        }
    }

    /**
     * {@inheritDoc}
     */
    public void idle()
    {
        switch (state)
        {
            case NOT_IDLE:
                state = State.SPINNING;
                spins = 0;
                // fall through
            case SPINNING:
                if (spins < maxSpins)
                {
                    spins++;
                    Thread.onSpinWait();
                    break;
                }
                state = State.YIELDING;
                yields = 0;
                // fall through
            case YIELDING:
                if (yields < yieldLimit)
                {
                    yields++;
                    Thread.yield();
                    break;
                }
                state = State.PARKING;
                parkPeriodNs = resumeParkNs;
                parkedNs = carriedParkedNs;
                // fall through
            case PARKING:
            default:
                LockSupport.parkNanos(parkPeriodNs);
                parkedNs += parkPeriodNs;
                final long limitNs = parkedNs >= settleAfterNs ? settledMaxParkNs : maxParkNs;
                parkPeriodNs = Math.min(parkPeriodNs << 1, limitNs);
                break;
        }
    }

    /**
     * {@inheritDoc}
     */
    public void reset()
    {
        state = State.NOT_IDLE;
        spins = 0;
        yields = 0;
        parkPeriodNs = minParkNs;
        parkedNs = 0;
        carriedParkedNs = 0;
        resumeParkNs = minParkNs;
        trafficStreak = TRAFFIC_STREAK;
        yieldLimit = maxYields;
    }

    /**
     * {@inheritDoc}
     */
    public String alias()
    {
        return ALIAS;
    }

    /**
     * @return whether the thread has parked for the settle time without work since its last work.
     */
    public boolean isSettled()
    {
        return State.PARKING == state && parkedNs >= settleAfterNs;
    }

    /**
     * @return the yields after the spins before the next park, as chosen by the last work.
     */
    public long yieldLimit()
    {
        return yieldLimit;
    }

    /**
     * @return the park the next idle call in the parking state takes, in nanoseconds.
     */
    public long nextParkNs()
    {
        return parkPeriodNs;
    }

    State state()
    {
        return state;
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "SettlingBackoffIdleStrategy{maxSpins=" + maxSpins + ", maxYields=" + maxYields +
            ", quietMaxYields=" + quietMaxYields +
            ", minParkNs=" + minParkNs + ", maxParkNs=" + maxParkNs + ", quietAfterNs=" + quietAfterNs +
            ", settleAfterNs=" + settleAfterNs +
            ", settledMaxParkNs=" + settledMaxParkNs + '}';
    }
}
