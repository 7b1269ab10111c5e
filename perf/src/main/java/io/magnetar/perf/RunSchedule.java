package io.magnetar.perf;

import java.util.concurrent.atomic.AtomicLong;

/**
 * When a run starts, when its measurement starts and ends, and when its senders stop. Messages whose intended send
 * time falls in the measured window are measured; the others are warm-up. Shared by all threads of a run.
 */
final class RunSchedule
{
    private final long startNs;
    private final long measureStartNs;
    private final long measureEndNs;
    private final boolean hasEnd;
    private final long maxMessages;
    private final AtomicLong measuredSends = new AtomicLong();
    private volatile boolean stopped;

    /**
     * @param startNs     {@link System#nanoTime()} at which senders start.
     * @param warmupNs    length of the warm-up.
     * @param durationNs  length of the measured window; ignored when maxMessages is positive.
     * @param maxMessages measured messages after which senders stop, or 0 to stop after the duration.
     */
    RunSchedule(final long startNs, final long warmupNs, final long durationNs, final long maxMessages)
    {
        this.startNs = startNs;
        this.measureStartNs = startNs + warmupNs;
        this.maxMessages = maxMessages;
        this.hasEnd = maxMessages <= 0;
        this.measureEndNs = hasEnd ? measureStartNs + durationNs : 0;
    }

    /**
     * @return {@link System#nanoTime()} at which senders start.
     */
    long startNs()
    {
        return startNs;
    }

    /**
     * @return {@link System#nanoTime()} at which the measured window starts.
     */
    long measureStartNs()
    {
        return measureStartNs;
    }

    /**
     * @return true if the measured window ends at a time, false if after a message count.
     */
    boolean hasEnd()
    {
        return hasEnd;
    }

    /**
     * @return {@link System#nanoTime()} at which the measured window ends, when {@link #hasEnd()}.
     */
    long measureEndNs()
    {
        return measureEndNs;
    }

    /**
     * @return measured messages after which senders stop, or 0.
     */
    long maxMessages()
    {
        return maxMessages;
    }

    /**
     * @param timeNs a {@link System#nanoTime()} value.
     * @return true if it is in or after the measured window's start.
     */
    boolean isMeasured(final long timeNs)
    {
        return timeNs - measureStartNs >= 0;
    }

    /**
     * @param timeNs a {@link System#nanoTime()} value.
     * @return true if the measured window has a time limit and it is over at this time.
     */
    boolean isOver(final long timeNs)
    {
        return hasEnd && timeNs - measureEndNs >= 0;
    }

    /**
     * Sender: may a message with this intended send time go out? Counts measured messages against the limit.
     *
     * @param intendedNs intended send time.
     * @return false once the run is stopped, the window is over or the message count is reached.
     */
    boolean acceptSend(final long intendedNs)
    {
        if (stopped || isOver(intendedNs))
        {
            return false;
        }

        return maxMessages <= 0 || !isMeasured(intendedNs) || measuredSends.getAndIncrement() < maxMessages;
    }

    /**
     * Stop every sender at its next message.
     */
    void stop()
    {
        stopped = true;
    }

    /**
     * @return true once {@link #stop()} was called.
     */
    boolean isStopped()
    {
        return stopped;
    }
}
