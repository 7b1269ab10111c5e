package io.magnetar.client;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.magnetar.mediadriver.InvokerAgent;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.CompositeAgent;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The client's session with one broker: the Aeron resources (an embedded media driver if the client runs one, the
 * ingress publication, the egress subscription), the conductor thread that polls the egress, the handshake, the
 * liveness of the session, and the request-answer round trips the other parts of the client make through it. The
 * producers, consumers and the admin client hold the connector; {@link MagnetarClient} is a facade over them.
 */
final class Connector
{
    private static final long DISCONNECT_LINGER_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long ORPHAN_CLOSE_OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final ThreadLocal<IdleStrategy> WAITING_IDLE_STRATEGY =
        ThreadLocal.withInitial(Connector::newWaitingIdleStrategy);

    private final ServiceUrl serviceUrl;
    private final long operationTimeoutNs;
    private final long connectionTimeoutNs;
    private final String clientName;
    private final String authToken;
    private final ErrorHandler errorHandler;
    private final MediaDriver mediaDriver;
    private final Aeron aeron;
    private final int responseStreamId;
    private final String responseChannel;
    private final SessionLiveness liveness;
    private final ClientConductor conductor;
    private final RequestTracker requests;
    private final IngressProxy ingressProxy;
    private final ConsumerRequestProxy consumerRequests;
    private final EgressAdapter egressAdapter;
    private final AgentRunner conductorRunner;
    private final SharedDutyCycle dutyCycle;
    private final AtomicLong resourceIdGenerator = new AtomicLong(1);
    private volatile int maxMessageSize;
    private volatile int brokerProtocolVersion;
    private volatile String brokerName;

    private Connector(
        final ServiceUrl serviceUrl,
        final long operationTimeoutNs,
        final long connectionTimeoutNs,
        final long connectionLossGraceNs,
        final String clientName,
        final String authToken,
        final ErrorHandler errorHandler,
        final IdleStrategy idleStrategy,
        final MediaDriver mediaDriver,
        final Aeron aeron,
        final Subscription egressSubscription,
        final int responseStreamId,
        final String responseChannel,
        final ExclusivePublication ingressPublication)
    {
        this.serviceUrl = serviceUrl;
        this.operationTimeoutNs = operationTimeoutNs;
        this.connectionTimeoutNs = connectionTimeoutNs;
        this.clientName = clientName;
        this.authToken = authToken;
        this.errorHandler = errorHandler;
        this.mediaDriver = mediaDriver;
        this.aeron = aeron;
        this.responseStreamId = responseStreamId;
        this.responseChannel = responseChannel;
        this.liveness = new SessionLiveness(errorHandler, serviceUrl.toString(), connectionLossGraceNs);
        this.conductor = new ClientConductor(errorHandler, liveness);
        this.requests = new RequestTracker(conductor, operationTimeoutNs);
        this.ingressProxy = new IngressProxy(ingressPublication, liveness);
        this.consumerRequests = new ConsumerRequestProxy(ingressProxy);
        this.egressAdapter = new EgressAdapter(egressSubscription, conductor);
        conductor.ingressProxy(ingressProxy);
        conductor.egressAdapter(egressAdapter);
        final Agent conductorAgent = null != mediaDriver && null != mediaDriver.sharedAgentInvoker() ?
            new CompositeAgent(
                new InvokerAgent("magnetar-client-driver", mediaDriver.sharedAgentInvoker(),
                aeron.conductorAgentInvoker()),
                conductor) :
            conductor;
        this.dutyCycle = new SharedDutyCycle(
            conductorAgent, conductor, MagnetarClient.Configuration.helpDutyCycle());
        this.conductorRunner = new AgentRunner(idleStrategy, errorHandler, null, dutyCycle);
        AgentRunner.startOnThread(conductorRunner, Connector::newConductorThread);
    }

    /**
     * Set up the Aeron resources, start the conductor and shake hands with the broker.
     *
     * @param serviceUrl            of the broker.
     * @param aeronDirectoryName    of a running media driver, or null.
     * @param operationTimeoutNs    bound on every blocking call, and on the whole connect.
     * @param connectionLossGraceNs how long the ingress may stay not connected before the session counts as lost.
     * @param clientName            for the broker and the Aeron client.
     * @param authToken             JWT sent with each Connect, or empty for none.
     * @param termLength            of the ingress publication.
     * @param idleStrategy          of the conductor thread.
     * @param errorHandler          for failures no caller waits for.
     * @return the connected session.
     * @throws MagnetarClientException if the broker could not be reached or refused; everything is released.
     */
    static Connector connect(
        final ServiceUrl serviceUrl,
        final String aeronDirectoryName,
        final long operationTimeoutNs,
        final long connectionTimeoutNs,
        final long connectionLossGraceNs,
        final String clientName,
        final String authToken,
        final int termLength,
        final IdleStrategy idleStrategy,
        final ErrorHandler errorHandler) throws MagnetarClientException
    {
        final long deadlineNs = System.nanoTime() + connectionTimeoutNs;
        MediaDriver mediaDriver = null;
        Aeron aeron = null;
        Connector connector = null;
        try
        {
            final String directoryName;
            if (null != aeronDirectoryName)
            {
                directoryName = aeronDirectoryName;
            }
            else if (serviceUrl.isIpc())
            {
                directoryName = CommonContext.getAeronDirectoryName();
            }
            else
            {
                mediaDriver = ClientMedia.launchEmbeddedDriver(errorHandler);
                directoryName = mediaDriver.aeronDirectoryName();
            }

            final AgentInvoker driverInvoker = null != mediaDriver ? mediaDriver.sharedAgentInvoker() : null;
            aeron = ClientMedia.connectAeron(directoryName, clientName, errorHandler, driverInvoker);

            final Subscription egressSubscription;
            final int responseStreamId;
            final String responseChannel;
            int mtuLength = 0;
            if (serviceUrl.isIpc())
            {
                responseStreamId = Protocol.ipcResponseStreamId(aeron.clientId());
                responseChannel = "aeron:ipc";
                egressSubscription = aeron.addSubscription(responseChannel, responseStreamId);
            }
            else
            {
                responseStreamId = Protocol.EGRESS_STREAM_ID;
                egressSubscription = aeron.addSubscription(
                    "aeron:udp?endpoint=" + ClientMedia.localAddressFor(serviceUrl) + ":0", responseStreamId);
                mtuLength = ClientMedia.mtuLength(serviceUrl, termLength);
                final String resolved = ClientMedia.awaitResolvedChannel(egressSubscription, driverInvoker, deadlineNs);
                responseChannel = mtuLength > 0 ? resolved + "|mtu=" + mtuLength : resolved;
            }

            final ExclusivePublication ingressPublication = aeron.addExclusivePublication(
                serviceUrl.ingressChannel(termLength, mtuLength), Protocol.INGRESS_STREAM_ID);

            connector = new Connector(
                serviceUrl,
                operationTimeoutNs,
                connectionTimeoutNs,
                connectionLossGraceNs,
                clientName,
                authToken,
                errorHandler,
                idleStrategy,
                mediaDriver,
                aeron,
                egressSubscription,
                responseStreamId,
                responseChannel,
                ingressPublication);

            connector.handshake(deadlineNs);
            return connector;
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            if (null != connector)
            {
                connector.requests.markClosed();
                CloseHelper.quietCloseAll(connector.conductorRunner, aeron, mediaDriver);
            }
            else
            {
                CloseHelper.quietCloseAll(aeron, mediaDriver);
            }

            if (ex instanceof MagnetarClientException)
            {
                throw (MagnetarClientException)ex;
            }
            throw new MagnetarClientException("could not connect to " + serviceUrl + ": " + ex.getMessage(), ex);
        }
    }

    RequestTracker requests()
    {
        return requests;
    }

    /**
     * The reconnector's thread: shake hands with the broker again over the same ingress and egress.
     *
     * @param deadlineNs bound on the attempt.
     * @throws MagnetarClientException if the broker could not be reached or did not answer in time.
     */
    void reconnect(final long deadlineNs) throws MagnetarClientException
    {
        liveness.onReconnectAttempt();
        handshake(Math.min(deadlineNs, System.nanoTime() + connectionTimeoutNs));
    }

    /**
     * @return true if the client's Aeron client is closed (its media driver went away): no reconnect can help.
     */
    boolean isAeronClosed()
    {
        return aeron.isClosed();
    }

    ClientConductor conductor()
    {
        return conductor;
    }

    /**
     * Run one duty cycle of the client on the calling thread unless helping is off or another thread is running
     * one: called by the consumers' polls and receives and the producers' offers and sends.
     *
     * @return work done.
     */
    int helpDutyCycle()
    {
        return dutyCycle.help();
    }

    /**
     * Run one duty cycle after a send, as {@link #helpDutyCycle()}, unless a send ran one very recently (the messages
     * in between go together).
     *
     * @return work done.
     */
    int helpDutyCycleAfterSend()
    {
        return dutyCycle.helpAfterSend();
    }

    /**
     * @return true if application threads run the client's duty cycle when the conductor thread is not
     * ({@link MagnetarClient.Configuration#HELP_DUTY_CYCLE_PROP_NAME}).
     */
    boolean helpsDutyCycle()
    {
        return dutyCycle.isHelpEnabled();
    }

    SessionLiveness liveness()
    {
        return liveness;
    }

    IngressProxy ingressProxy()
    {
        return ingressProxy;
    }

    ConsumerRequestProxy consumerRequests()
    {
        return consumerRequests;
    }

    ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    int maxMessageSize()
    {
        return maxMessageSize;
    }

    int brokerProtocolVersion()
    {
        return brokerProtocolVersion;
    }

    String brokerName()
    {
        return brokerName;
    }

    int sessionId()
    {
        return ingressProxy.sessionId();
    }

    long unknownFrameCount()
    {
        return egressAdapter.unknownFrameCount();
    }

    /**
     * @return a new id for a producer or consumer of this session.
     */
    long nextResourceId()
    {
        return resourceIdGenerator.getAndIncrement();
    }

    /**
     * @return true once the client is closed or closing.
     */
    boolean isClosed()
    {
        return requests.isClosed();
    }

    /**
     * @return true while the client is open and its session with the broker is not lost.
     */
    boolean isConnected()
    {
        return !requests.isClosed() && liveness.isConnected();
    }

    /**
     * Throw if the broker is older than a feature.
     *
     * @param protocolVersion that brought the feature.
     * @param feature         for the message.
     * @throws MagnetarClientException if the broker's protocol version is lower.
     */
    void checkBrokerSupports(final int protocolVersion, final String feature) throws MagnetarClientException
    {
        RequestTracker.checkBrokerSupports(brokerProtocolVersion, protocolVersion, feature);
    }

    /**
     * Measure the round trip to the broker.
     *
     * @return round-trip time in nanoseconds.
     * @throws MagnetarClientException if the client is closed, the session lost, or no answer came in time.
     */
    long ping() throws MagnetarClientException
    {
        requests.checkReady("ping");
        final PendingRequest request = requests.call(EgressAdapter.PONG, "ping",
            (correlationId, deadlineNs) -> ingressProxy.ping(correlationId, System.nanoTime(), deadlineNs));

        return System.nanoTime() - request.answerValue;
    }

    /**
     * Ask the broker to close a producer or consumer and wait for the answer; nothing to do if the session is lost,
     * since the broker dropped what it had with it.
     *
     * @param closeRequest offers the close.
     * @param deadlineNs   bound on the wait.
     * @param operation    for messages.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void closeOnBroker(final RequestTracker.RequestSender closeRequest, final long deadlineNs, final String operation)
        throws MagnetarClientException
    {
        if (!liveness.isConnected())
        {
            return;
        }

        try
        {
            final PendingRequest request = requests.register(EgressAdapter.SUCCESS, deadlineNs);
            requests.send(request, deadlineNs, closeRequest);
            requests.await(request, deadlineNs, operation);
        }
        catch (final MagnetarClientException.ConnectionLostException ignore)
        {
            // the broker dropped the producer or consumer with the session
        }
    }

    /**
     * Best effort after a create or subscribe timed out: the request may still reach the broker, or have reached it
     * with its answer lost, so ask the broker to close what it may have created, lest an orphan consumer hold an
     * exclusive subscription. The answer is dropped; a failure to offer is added to the timeout as suppressed.
     *
     * @param closeRequest offers the close of the producer or consumer.
     * @param timeout      the caller is about to throw.
     */
    void closeOrphanOnBroker(
        final RequestTracker.RequestSender closeRequest, final MagnetarClientException timeout)
    {
        if (!liveness.isConnected())
        {
            return;
        }

        final long correlationId = requests.nextCorrelationId();
        final long nowNs = System.nanoTime();
        requests.ignoreAnswer(correlationId, nowNs + operationTimeoutNs);
        try
        {
            closeRequest.send(correlationId, nowNs + Math.min(operationTimeoutNs, ORPHAN_CLOSE_OFFER_TIMEOUT_NS));
        }
        catch (final MagnetarClientException ex)
        {
            timeout.addSuppressed(ex);
        }
    }

    /**
     * Start closing: mark the client closed and expect the session to end.
     *
     * @return true if this call started it, false if the client was closed already.
     */
    boolean beginClose()
    {
        if (!requests.markClosed())
        {
            return false;
        }

        liveness.onClientClosing();
        return true;
    }

    /**
     * @return true if the session is up and the broker is connected to the ingress, so closing can ask it.
     */
    boolean isBrokerReachable()
    {
        return liveness.isConnected() && ingressProxy.isConnected();
    }

    /**
     * End the session after the producers and consumers are closed: send {@code Disconnect} if the broker is
     * reachable, then stop the conductor and release Aeron and the embedded media driver. Everything is released
     * even if a step fails.
     *
     * @param deadlineNs      bound on the disconnect.
     * @param brokerReachable as it was when the close began.
     * @param failure         so far, or null.
     * @return the first failure, with later ones suppressed, or null.
     */
    MagnetarClientException disconnectAndRelease(
        final long deadlineNs, final boolean brokerReachable, final MagnetarClientException failure)
    {
        MagnetarClientException result = failure;
        if (brokerReachable && liveness.isConnected())
        {
            try
            {
                ingressProxy.disconnect(requests.nextCorrelationId(), deadlineNs);
                awaitIngressSent(Math.min(deadlineNs, System.nanoTime() + DISCONNECT_LINGER_NS));
            }
            catch (final MagnetarClientException.ConnectionLostException ignore)
            {
                // the session is gone: there is nothing left to disconnect
            }
            catch (final MagnetarClientException ex)
            {
                result = addFailure(result, ex);
            }
        }

        try
        {
            CloseHelper.closeAll(conductorRunner, aeron, mediaDriver);
        }
        catch (final RuntimeException ex)
        {
            result = addFailure(result, new MagnetarClientException("failed to release the client's resources", ex));
        }

        return result;
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "serviceUrl=" + serviceUrl + ", clientName=" + clientName + ", brokerName=" + brokerName +
            ", responseChannel=" + responseChannel + ", responseStreamId=" + responseStreamId;
    }

    /**
     * Keep the first failure and add the others to it as suppressed.
     *
     * @param failure so far, or null.
     * @param ex      a new one.
     * @return the first failure.
     */
    static MagnetarClientException addFailure(final MagnetarClientException failure, final MagnetarClientException ex)
    {
        if (null == failure)
        {
            return ex;
        }

        failure.addSuppressed(ex);
        return failure;
    }

    /**
     * An idle strategy for a user thread that waits (receive, flush): the configured backoff and longest park.
     *
     * @return a new idle strategy.
     */
    static IdleStrategy newWaitingIdleStrategy()
    {
        return MagnetarClient.Configuration.backoffIdleStrategy();
    }

    /**
     * The calling thread's idle strategy for waiting on the per-message path (receive, flush), reset. Only for loops
     * that do not nest.
     *
     * @return the thread's idle strategy.
     */
    static IdleStrategy waitingIdleStrategy()
    {
        final IdleStrategy idleStrategy = WAITING_IDLE_STRATEGY.get();
        idleStrategy.reset();
        return idleStrategy;
    }

    /**
     * The calling thread's idle strategy for waiting on the per-message path, not reset: a wait that ends without
     * work leaves it where it was, so a thread that calls {@code receive} with a short timeout in a loop settles
     * into long parks as one long wait would. The caller resets it when its wait ends with work.
     *
     * @return the thread's idle strategy.
     */
    static IdleStrategy continuedWaitingIdleStrategy()
    {
        return WAITING_IDLE_STRATEGY.get();
    }

    private void handshake(final long deadlineNs) throws MagnetarClientException
    {
        final IdleStrategy idleStrategy = newWaitingIdleStrategy();
        while (!ingressProxy.isConnected())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException("could not reach the broker at " + serviceUrl +
                    " within " + TimeUnit.NANOSECONDS.toMillis(connectionTimeoutNs) + " ms (is it running?)");
            }
            idleStrategy.idle();
        }

        final long resendIntervalNs = MagnetarClient.Configuration.connectResendIntervalNs();
        final PendingRequest request = requests.register(EgressAdapter.CONNECTED, deadlineNs);
        boolean answered = false;
        while (!answered)
        {
            try
            {
                ingressProxy.connect(
                    request.correlationId, responseStreamId, responseChannel, clientName, authToken, deadlineNs);
                answered = request.awaitAnswer(Math.min(resendIntervalNs, deadlineNs - System.nanoTime()));
            }
            catch (final MagnetarClientException ex)
            {
                conductor.removeRequest(request);
                throw ex;
            }

            if (!answered && System.nanoTime() - deadlineNs >= 0)
            {
                conductor.removeRequest(request);
                throw new MagnetarClientException.TimeoutException("the broker at " + serviceUrl +
                    " did not answer Connect within " + TimeUnit.NANOSECONDS.toMillis(connectionTimeoutNs) +
                    " ms (response channel " + responseChannel + ", stream " + responseStreamId + ")");
            }
        }

        request.checkError("connect to " + serviceUrl);
        brokerProtocolVersion = (int)request.answerValue;
        maxMessageSize = request.answerInt;
        brokerName = request.answerText;
    }

    private void awaitIngressSent(final long deadlineNs)
    {
        if (null == mediaDriver)
        {
            return;
        }

        final CountersReader counters = aeron.countersReader();
        final int counterId = counters.findByTypeIdAndRegistrationId(
            AeronCounters.DRIVER_SENDER_POSITION_TYPE_ID, ingressProxy.registrationId());
        if (CountersReader.NULL_COUNTER_ID == counterId)
        {
            return;
        }

        final long position = ingressProxy.position();
        final IdleStrategy idleStrategy = newWaitingIdleStrategy();
        while (counters.getCounterValue(counterId) < position && System.nanoTime() - deadlineNs < 0)
        {
            idleStrategy.idle();
        }
    }

    private static Thread newConductorThread(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, ClientConductor.ROLE_NAME);
        thread.setDaemon(true);
        return thread;
    }
}
