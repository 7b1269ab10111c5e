package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.Subscription;
import io.aeron.exceptions.ConfigurationException;
import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.session.SessionAgent;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SystemNanoClock;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The subscriptions clients send to: UDP on the broker's port (0 picks a free one) and IPC on the same stream, and
 * the session agent that polls them.
 */
final class BrokerIngress
{
    final Subscription udp;
    final Subscription ipc;
    final int boundPort;

    /**
     * @param resources takes the subscriptions, to be closed with the broker.
     */
    BrokerIngress(final BrokerContext ctx, final Aeron aeron, final List<AutoCloseable> resources)
    {
        if (ctx.port() >= 0)
        {
            final ChannelUriStringBuilder channel =
                new ChannelUriStringBuilder().media("udp").endpoint(ctx.bindAddress() + ":" + ctx.port());
            final int receiverWindow = BrokerConfiguration.ingressReceiverWindow();
            if (receiverWindow > 0)
            {
                channel.receiverWindowLength(receiverWindow);
            }
            udp = aeron.addSubscription(channel.build(), BrokerConfiguration.INGRESS_STREAM_ID);
            resources.add(udp);
            boundPort = resolvePort(aeron, udp, ctx.port());
        }
        else
        {
            udp = null;
            boundPort = -1;
        }
        if (ctx.ipcEnabled())
        {
            ipc = aeron.addSubscription("aeron:ipc", BrokerConfiguration.INGRESS_STREAM_ID);
            resources.add(ipc);
        }
        else
        {
            ipc = null;
        }
    }

    /**
     * @return the session agent that polls this ingress and hands commands to the shards.
     */
    SessionAgent sessionAgent(
        final BrokerContext ctx,
        final Aeron aeron,
        final BrokerShards shards,
        final BrokerCounters counters,
        final ErrorHandler errorHandler,
        final MetadataAdmin metadata,
        final Authorizer authorizer)
    {
        return new SessionAgent(
            aeron,
            udp,
            ipc,
            shards.commandQueues,
            shards.freeCommands,
            shards.freeLargeCommands,
            counters,
            errorHandler,
            SystemNanoClock.INSTANCE,
            ctx.brokerName(),
            ctx.maxMessageSize(),
            ctx.egressTermLength(),
            TimeUnit.MILLISECONDS.toNanos(ctx.sessionConnectTimeoutMs()),
            ctx.maxBadFrames(),
            shards.namespaces,
            ctx.authenticator(),
            metadata,
            BrokerConfiguration.maxPartitions(),
            authorizer);
    }

    private static int resolvePort(final Aeron aeron, final Subscription subscription, final int port)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadlineNs)
        {
            final String resolvedChannel = subscription.tryResolveChannelEndpointPort();
            if (null != resolvedChannel)
            {
                final String endpoint = ChannelUri.parse(resolvedChannel).get(CommonContext.ENDPOINT_PARAM_NAME);
                return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
            }
            if (null != aeron.conductorAgentInvoker())
            {
                aeron.conductorAgentInvoker().invoke();
            }
            else
            {
                Thread.onSpinWait();
            }
        }

        throw new ConfigurationException("could not bind the client ingress to port " + port);
    }
}
