package io.magnetar.perf;

import java.util.concurrent.locks.LockSupport;

/**
 * Fixed-rate schedule of one sender: message i is intended at {@code start + i * interval}. Waiting for a deadline
 * parks while it is far, yields when it is near and spins only just before it, so a pacer never keeps a core busy
 * for long and never sleeps past its deadline by design. A sender that falls behind sends at once: its latency is
 * still measured from the intended time, which corrects for coordinated omission.
 */
final class Pacer
{
    private final long startNs;
    private final double intervalNs;
    private final long spinThresholdNs;
    private final long parkThresholdNs;
    private long index;

    /**
     * @param startNs         intended time of the first message.
     * @param ratePerSecond   messages per second of this sender; 0 for as fast as possible.
     * @param spinThresholdNs spin when the deadline is closer than this.
     * @param parkThresholdNs park until this much before the deadline; yield when closer.
     */
    Pacer(final long startNs, final double ratePerSecond, final long spinThresholdNs, final long parkThresholdNs)
    {
        this.startNs = startNs;
        this.intervalNs = ratePerSecond > 0 ? 1_000_000_000.0 / ratePerSecond : 0;
        this.spinThresholdNs = spinThresholdNs;
        this.parkThresholdNs = parkThresholdNs;
    }

    /**
     * Wait until the next message is due.
     *
     * @return its intended send time; without a rate, the time now (after the start).
     */
    long awaitNext()
    {
        if (0 == intervalNs)
        {
            if (0 == index++)
            {
                awaitDeadline(startNs);
            }
            return System.nanoTime();
        }

        final long intendedNs = startNs + (long)(index++ * intervalNs);
        awaitDeadline(intendedNs);
        return intendedNs;
    }

    private void awaitDeadline(final long deadlineNs)
    {
        long remainingNs;
        while ((remainingNs = deadlineNs - System.nanoTime()) > 0)
        {
            if (remainingNs > parkThresholdNs)
            {
                LockSupport.parkNanos(remainingNs - parkThresholdNs);
            }
            else if (remainingNs > spinThresholdNs)
            {
                Thread.yield();
            }
            else
            {
                Thread.onSpinWait();
            }
        }
    }
}
