package io.magnetar.client;

import org.agrona.concurrent.Agent;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's duty cycle (its conductor, and the media driver a UDP client embeds), run by the conductor thread or,
 * when an application thread offers, sends, polls or waits in a receive, by that thread itself: whoever takes the
 * conductor's cycle lock runs one cycle, and the other finds it taken and does nothing. So a thread that polls in a
 * loop receives what the cycle it ran just read, without a hand-off to it, and a thread that offers has the embedded
 * driver send at once; the conductor thread keeps the session alive when the application does neither. While it
 * holds the lock a thread counts as the conductor ({@link ClientConductor#isConductorThread()}).
 */
final class SharedDutyCycle implements Agent
{
    private final Agent agent;
    private final ClientConductor conductor;
    private final ReentrantLock lock;
    private final boolean isHelpEnabled;
    private final long sendHelpIntervalNs = MagnetarClient.Configuration.sendHelpIntervalNs();
    private long lastSendHelpNs; // a hint shared by the sending threads: a lost update costs one cycle more or less
    private boolean isClosed;

    /**
     * @param agent         the cycle: the conductor, or the embedded driver and the conductor.
     * @param conductor     whose cycle lock is taken, and whose error handler gets a helping thread's failures.
     * @param isHelpEnabled false to leave every cycle to the conductor thread
     *                      ({@link MagnetarClient.Configuration#HELP_DUTY_CYCLE_PROP_NAME}).
     */
    SharedDutyCycle(final Agent agent, final ClientConductor conductor, final boolean isHelpEnabled)
    {
        this.agent = agent;
        this.conductor = conductor;
        this.lock = conductor.cycleLock();
        this.isHelpEnabled = isHelpEnabled;
    }

    /**
     * @return true if application threads run cycles when the conductor thread is not.
     */
    boolean isHelpEnabled()
    {
        return isHelpEnabled;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        agent.onStart();
    }

    /**
     * Conductor thread: run a cycle unless an application thread is running one.
     *
     * @return work done.
     */
    public int doWork() throws Exception
    {
        return runCycle();
    }

    /**
     * Application thread: run a cycle unless helping is off, another thread is running one, or this thread is
     * already inside one (a handler that polls or offers).
     *
     * @return work done, 0 if no cycle ran.
     */
    int help()
    {
        if (!isHelpEnabled || lock.isHeldByCurrentThread())
        {
            return 0;
        }

        try
        {
            return runCycle();
        }
        catch (final Exception ex)
        {
            conductor.errorHandler().onError(ex);
            return 0;
        }
    }

    /**
     * Application thread, after a send: run a cycle as {@link #help()} does unless a send ran one less than
     * {@code magnetar.client.send.help.interval} ago; then the conductor thread or the next send's cycle sends it, with
     * the others in between.
     *
     * @return work done, 0 if no cycle ran.
     */
    int helpAfterSend()
    {
        if (sendHelpIntervalNs > 0)
        {
            final long nowNs = System.nanoTime();
            if (nowNs - lastSendHelpNs < sendHelpIntervalNs)
            {
                return 0;
            }
            lastSendHelpNs = nowNs;
        }

        return help();
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        lock.lock();
        try
        {
            isClosed = true;
            agent.onClose();
        }
        finally
        {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return agent.roleName();
    }

    private int runCycle() throws Exception
    {
        if (!lock.tryLock())
        {
            return 0;
        }

        try
        {
            return isClosed ? 0 : agent.doWork();
        }
        finally
        {
            lock.unlock();
        }
    }
}
