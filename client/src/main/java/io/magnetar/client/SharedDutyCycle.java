package io.magnetar.client;

import org.agrona.concurrent.Agent;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's duty cycle (its conductor, and the media driver a UDP client embeds), run by the conductor thread or,
 * when an application thread offers, sends, polls or waits in a receive, by that thread itself: whoever takes the
 * lock runs one cycle, and the other finds it taken and does nothing. So a thread that polls in a loop receives what
 * the cycle it ran just read, without a hand-off to it, and a thread that offers has the embedded driver send at
 * once; the conductor thread keeps the session alive when the application does neither.
 */
final class SharedDutyCycle implements Agent
{
    private final Agent agent;
    private final ClientConductor conductor;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean isClosed;

    /**
     * @param agent     the cycle: the conductor, or the embedded driver and the conductor.
     * @param conductor whose calls from inside the cycle are refused where they would wait for it.
     */
    SharedDutyCycle(final Agent agent, final ClientConductor conductor)
    {
        this.agent = agent;
        this.conductor = conductor;
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
     * Application thread: run a cycle unless another thread is running one, or this thread is already inside one
     * (a handler that polls or offers).
     *
     * @return work done, 0 if no cycle ran.
     */
    int help()
    {
        if (lock.isHeldByCurrentThread())
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
            if (isClosed)
            {
                return 0;
            }
            conductor.enterCycle();
            try
            {
                return agent.doWork();
            }
            finally
            {
                conductor.leaveCycle();
            }
        }
        finally
        {
            lock.unlock();
        }
    }
}
