package io.magnetar.perf;

import io.aeron.ControlledFragmentAssembler;
import io.aeron.ExclusivePublication;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.ControlledFragmentHandler;
import io.aeron.logbuffer.Header;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

/**
 * The broker's stand-in in the raw Aeron baseline: polls each route's subscription and offers every message to
 * each of the route's publications, nothing else. In the low-latency profile it also invokes the media driver and
 * its Aeron client's conductor, as the broker's hot thread does.
 */
final class RelayAgent implements Agent
{
    private static final int FRAGMENT_LIMIT = 20;

    /**
     * One inbound stream and the publications its messages are copied to.
     */
    static final class Route implements ControlledFragmentHandler
    {
        private final Subscription subscription;
        private final ExclusivePublication[] publications;
        private final ControlledFragmentAssembler assembler = new ControlledFragmentAssembler(this);
        private int nextPublication;

        /**
         * @param subscription to poll.
         * @param publications to offer each message to.
         */
        Route(final Subscription subscription, final ExclusivePublication[] publications)
        {
            this.subscription = subscription;
            this.publications = publications;
        }

        /**
         * @return the publications of this route.
         */
        ExclusivePublication[] publications()
        {
            return publications;
        }

        int poll()
        {
            return subscription.controlledPoll(assembler, FRAGMENT_LIMIT);
        }

        /**
         * Offer the message to every publication not yet served; on back pressure abort, so the same message is
         * delivered again and the remaining publications get it then.
         */
        public Action onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            while (nextPublication < publications.length)
            {
                final long result = publications[nextPublication].offer(buffer, offset, length);
                if (result > 0)
                {
                    nextPublication++;
                }
                else if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
                {
                    throw new AeronException("relay publication " + publications[nextPublication].channel() +
                        " stream " + publications[nextPublication].streamId() + " failed: " +
                        Publication.errorString(result));
                }
                else if (Publication.ADMIN_ACTION != result)
                {
                    return Action.ABORT;
                }
            }
            nextPublication = 0;

            return Action.CONTINUE;
        }
    }

    private final Route[] routes;
    private final AgentInvoker driverInvoker;
    private final AgentInvoker conductorInvoker;

    /**
     * @param routes           to relay.
     * @param driverInvoker    of an INVOKER media driver to invoke each duty cycle, or null.
     * @param conductorInvoker of the relay's Aeron client conductor to invoke each duty cycle, or null.
     */
    RelayAgent(final Route[] routes, final AgentInvoker driverInvoker, final AgentInvoker conductorInvoker)
    {
        this.routes = routes;
        this.driverInvoker = driverInvoker;
        this.conductorInvoker = conductorInvoker;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = 0;
        if (null != driverInvoker)
        {
            workCount += driverInvoker.invoke();
        }
        if (null != conductorInvoker)
        {
            workCount += conductorInvoker.invoke();
        }
        for (final Route route : routes)
        {
            workCount += route.poll();
        }

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "perf-relay";
    }
}
