package io.magnetar.client;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.magnetar.mediadriver.StaleAeronDirs;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * The Aeron resources a client sets up before its session: the embedded media driver of a UDP client, the Aeron
 * client, and the local address and resolved channel its answers come back on.
 */
final class ClientMedia
{
    private ClientMedia()
    {
    }

    static MediaDriver launchEmbeddedDriver(final ErrorHandler errorHandler)
    {
        // embedded drivers of killed clients leave their directories behind: clear those before adding one
        StaleAeronDirs.removeDead();
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(
                MagnetarClient.Configuration.driverOnConductor() ? ThreadingMode.INVOKER : ThreadingMode.SHARED)
            .sharedIdleStrategy(MagnetarClient.Configuration.driverIdleStrategy())
            .asyncExecutorIdleStrategy(MagnetarClient.Configuration.backoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler);

        return MediaDriver.launch(ctx);
    }

    static Aeron connectAeron(
        final String directoryName,
        final String clientName,
        final ErrorHandler errorHandler,
        final AgentInvoker driverInvoker)
        throws MagnetarClientException
    {
        final Aeron.Context ctx = new Aeron.Context()
            .aeronDirectoryName(directoryName)
            .errorHandler(errorHandler);
        if (null != driverInvoker)
        {
            // one thread, the client's conductor, runs the embedded driver and Aeron's conductor after connecting;
            // until then the connecting thread does, inside Aeron's blocking calls
            ctx.useConductorAgentInvoker(true).driverAgentInvoker(driverInvoker);
        }
        if (!clientName.isEmpty())
        {
            ctx.clientName(clientName.length() <= Aeron.Configuration.MAX_CLIENT_NAME_LENGTH ?
                clientName : clientName.substring(0, Aeron.Configuration.MAX_CLIENT_NAME_LENGTH));
        }

        try
        {
            return Aeron.connect(ctx);
        }
        catch (final RuntimeException ex)
        {
            throw new MagnetarClientException(
                "no usable media driver in " + directoryName + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * The MTU of a UDP client's ingress and of the broker's answers: {@code magnetar.client.mtu.length}, or a large one
     * towards a broker on this host, or Aeron's default.
     *
     * @param serviceUrl of the broker.
     * @param termLength of the client's ingress: the MTU is at most an eighth of it.
     * @return the MTU, or 0 for Aeron's default.
     */
    static int mtuLength(final ServiceUrl serviceUrl, final int termLength)
    {
        final int configured = MagnetarClient.Configuration.mtuLength();
        if (configured > 0)
        {
            return configured;
        }
        try
        {
            return InetAddress.getByName(serviceUrl.host()).isLoopbackAddress() ?
                Math.min(MagnetarClient.Configuration.LOOPBACK_MTU_LENGTH, termLength / 8) : 0;
        }
        catch (final IOException | RuntimeException ex)
        {
            return 0; // unresolvable here: the connect that follows reports it
        }
    }

    static String localAddressFor(final ServiceUrl serviceUrl) throws MagnetarClientException
    {
        try (DatagramSocket socket = new DatagramSocket())
        {
            socket.connect(InetAddress.getByName(serviceUrl.host()), serviceUrl.port());
            final InetAddress localAddress = socket.getLocalAddress();
            if (null == localAddress || localAddress.isAnyLocalAddress())
            {
                throw new MagnetarClientException(
                    "cannot find a local address that reaches the broker host " + serviceUrl.host());
            }

            String hostAddress = localAddress.getHostAddress();
            if (localAddress instanceof Inet6Address)
            {
                final int scope = hostAddress.indexOf('%');
                hostAddress = "[" + (scope < 0 ? hostAddress : hostAddress.substring(0, scope)) + "]";
            }

            return hostAddress;
        }
        catch (final IOException | UncheckedIOException | IllegalArgumentException ex)
        {
            throw new MagnetarClientException(
                "cannot reach the broker host '" + serviceUrl.host() + "': " + ex.getMessage(), ex);
        }
    }

    static String awaitResolvedChannel(
        final Subscription subscription, final AgentInvoker driverInvoker, final long deadlineNs)
        throws MagnetarClientException
    {
        final IdleStrategy idleStrategy = Connector.newWaitingIdleStrategy();
        String resolvedChannel;
        while (null == (resolvedChannel = subscription.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException(
                    "the media driver did not bind the response channel " + subscription.channel() + " in time");
            }
            if (null != driverInvoker)
            {
                driverInvoker.invoke(); // the conductor thread that will run it has not started yet
            }
            idleStrategy.idle();
        }

        return resolvedChannel;
    }
}
