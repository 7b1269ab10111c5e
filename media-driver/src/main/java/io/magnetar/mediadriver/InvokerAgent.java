package io.magnetar.mediadriver;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * Runs one or more {@link AgentInvoker}s (driver, archive) as an {@link Agent}, so they can be composed with other
 * agents on one thread.
 */
public final class InvokerAgent implements Agent
{
    private final AgentInvoker[] invokers;
    private final String roleName;

    /**
     * @param roleName of the composed agent.
     * @param invokers to call on every duty cycle, in order.
     */
    public InvokerAgent(final String roleName, final AgentInvoker... invokers)
    {
        this.roleName = roleName;
        this.invokers = invokers.clone();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = 0;
        for (final AgentInvoker invoker : invokers)
        {
            workCount += invoker.invoke();
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }
}
