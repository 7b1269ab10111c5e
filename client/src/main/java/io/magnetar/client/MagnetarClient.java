package io.magnetar.client;

import io.aeron.Aeron;
import io.aeron.AeronCounters;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Entry point of the Magnetar client: a session with one broker over Aeron, from which producers and consumers are
 * created. Thread-safe. Build one with {@link #builder()}:
 * <pre>{@code
 * try (MagnetarClient client = MagnetarClient.builder().serviceUrl("magnetar://localhost:6650").build())
 * {
 *     ...
 * }
 * }</pre>
 * A UDP client without an Aeron directory runs its own embedded media driver; an IPC client, or a client given an
 * Aeron directory, uses the media driver already running there. One daemon conductor thread,
 * {@code magnetar-client-conductor}, reads the broker's answers and pushed messages.
 * <p>
 * The client notices when its session with the broker is gone: the broker's stream of answers ends (the broker
 * closed the session or shut down) or goes away (nothing arrived within the media driver's image liveness timeout),
 * the broker stays disconnected from the client's ingress for longer than the
 * {@link ClientBuilder#connectionLossGrace(java.time.Duration) connection-loss grace}, or the broker reports that it
 * closed the session. From then on {@link #isConnected()} is false, and every waiting and later operation of the
 * client, its producers and its consumers fails with {@link MagnetarClientException.ConnectionLostException}; only
 * {@link #close()} still works, without waiting for the broker. The client does not reconnect: build a new one.
 */
public final class MagnetarClient implements AutoCloseable
{
    /**
     * Configuration keys and defaults; each can be set as a system property.
     */
    public static final class Configuration
    {
        /**
         * Service URL of the broker.
         */
        public static final String SERVICE_URL_PROP_NAME = "magnetar.client.service.url";

        /**
         * Default service URL: UDP to the default port on this host.
         */
        public static final String SERVICE_URL_DEFAULT = "magnetar://localhost:6650";

        /**
         * Aeron directory of a running media driver to use; unset by default.
         */
        public static final String AERON_DIR_PROP_NAME = "magnetar.client.aeron.dir";

        /**
         * Bound on every blocking call; a duration such as {@code 30s} or {@code 500ms}.
         */
        public static final String OPERATION_TIMEOUT_PROP_NAME = "magnetar.client.operation.timeout";

        /**
         * Default operation timeout: 30 seconds.
         */
        public static final long OPERATION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(30);

        /**
         * Name of the client shown by the broker.
         */
        public static final String CLIENT_NAME_PROP_NAME = "magnetar.client.name";

        /**
         * Default client name: none.
         */
        public static final String CLIENT_NAME_DEFAULT = "";

        /**
         * Term length of the client's ingress publication; a size such as {@code 8m}.
         */
        public static final String TERM_LENGTH_PROP_NAME = "magnetar.client.term.length";

        /**
         * Default term length: 8 MiB, so messages up to 1 MiB fit.
         */
        public static final int TERM_LENGTH_DEFAULT = 8 * 1024 * 1024;

        /**
         * Interval after which an unanswered {@code Connect} is sent again; a duration.
         */
        public static final String CONNECT_RESEND_INTERVAL_PROP_NAME = "magnetar.client.connect.resend.interval";

        /**
         * Default connect resend interval: 2 seconds.
         */
        public static final long CONNECT_RESEND_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

        /**
         * How long the broker may stay disconnected from the client's ingress before the client treats its session
         * as lost; a duration.
         */
        public static final String CONNECTION_LOSS_GRACE_PROP_NAME = "magnetar.client.connection.loss.grace";

        /**
         * Default connection-loss grace: 2 seconds.
         */
        public static final long CONNECTION_LOSS_GRACE_DEFAULT_NS = TimeUnit.SECONDS.toNanos(2);

        /**
         * Default of {@link ProducerBuilder#maxPendingMessages(int)}.
         */
        public static final String MAX_PENDING_MESSAGES_PROP_NAME = "magnetar.client.max.pending.messages";

        /**
         * Default most sends of a producer waiting for a receipt.
         */
        public static final int MAX_PENDING_MESSAGES_DEFAULT = 1000;

        /**
         * Default of {@link ConsumerBuilder#receiverQueueSize(int)}.
         */
        public static final String RECEIVER_QUEUE_SIZE_PROP_NAME = "magnetar.client.receiver.queue.size";

        /**
         * Default most messages the broker pushes ahead of a consumer.
         */
        public static final int RECEIVER_QUEUE_SIZE_DEFAULT = 1000;

        /**
         * Error handler used when none is given: prints the stack trace to standard error.
         */
        public static final ErrorHandler DEFAULT_ERROR_HANDLER = Throwable::printStackTrace;

        private Configuration()
        {
        }

        /**
         * @return service URL from {@link #SERVICE_URL_PROP_NAME} or the default.
         */
        public static String serviceUrl()
        {
            return System.getProperty(SERVICE_URL_PROP_NAME, SERVICE_URL_DEFAULT);
        }

        /**
         * @return Aeron directory from {@link #AERON_DIR_PROP_NAME}, or null.
         */
        public static String aeronDirectoryName()
        {
            return System.getProperty(AERON_DIR_PROP_NAME);
        }

        /**
         * @return operation timeout in nanoseconds from {@link #OPERATION_TIMEOUT_PROP_NAME} or the default.
         */
        public static long operationTimeoutNs()
        {
            return SystemUtil.getDurationInNanos(OPERATION_TIMEOUT_PROP_NAME, OPERATION_TIMEOUT_DEFAULT_NS);
        }

        /**
         * @return client name from {@link #CLIENT_NAME_PROP_NAME} or the default.
         */
        public static String clientName()
        {
            return System.getProperty(CLIENT_NAME_PROP_NAME, CLIENT_NAME_DEFAULT);
        }

        /**
         * @return term length from {@link #TERM_LENGTH_PROP_NAME} or the default.
         */
        public static int termLength()
        {
            return SystemUtil.getSizeAsInt(TERM_LENGTH_PROP_NAME, TERM_LENGTH_DEFAULT);
        }

        /**
         * @return connect resend interval in nanoseconds from {@link #CONNECT_RESEND_INTERVAL_PROP_NAME} or the
         * default.
         */
        public static long connectResendIntervalNs()
        {
            return SystemUtil.getDurationInNanos(CONNECT_RESEND_INTERVAL_PROP_NAME, CONNECT_RESEND_INTERVAL_DEFAULT_NS);
        }

        /**
         * @return connection-loss grace in nanoseconds from {@link #CONNECTION_LOSS_GRACE_PROP_NAME} or the default.
         */
        public static long connectionLossGraceNs()
        {
            return SystemUtil.getDurationInNanos(CONNECTION_LOSS_GRACE_PROP_NAME, CONNECTION_LOSS_GRACE_DEFAULT_NS);
        }

        /**
         * @return max pending messages from {@link #MAX_PENDING_MESSAGES_PROP_NAME} or the default.
         */
        public static int maxPendingMessages()
        {
            return Integer.getInteger(MAX_PENDING_MESSAGES_PROP_NAME, MAX_PENDING_MESSAGES_DEFAULT);
        }

        /**
         * @return receiver queue size from {@link #RECEIVER_QUEUE_SIZE_PROP_NAME} or the default.
         */
        public static int receiverQueueSize()
        {
            return Integer.getInteger(RECEIVER_QUEUE_SIZE_PROP_NAME, RECEIVER_QUEUE_SIZE_DEFAULT);
        }

        /**
         * @return a new idle strategy for the conductor thread: backs off to parks of 1 to 100 µs.
         */
        public static IdleStrategy conductorIdleStrategy()
        {
            return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
        }
    }

    private static final long DISCONNECT_LINGER_NS = TimeUnit.SECONDS.toNanos(1);
    private static final long ORPHAN_CLOSE_OFFER_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(1);
    private static final ThreadLocal<IdleStrategy> WAITING_IDLE_STRATEGY =
        ThreadLocal.withInitial(MagnetarClient::newWaitingIdleStrategy);

    private final ServiceUrl serviceUrl;
    private final long operationTimeoutNs;
    private final String clientName;
    private final ErrorHandler errorHandler;
    private final MediaDriver mediaDriver;
    private final Aeron aeron;
    private final int responseStreamId;
    private final String responseChannel;
    private final IngressProxy ingressProxy;
    private final ClientConductor conductor;
    private final EgressAdapter egressAdapter;
    private final AgentRunner conductorRunner;
    private final AtomicLong correlationIdGenerator = new AtomicLong(1);
    private final AtomicLong resourceIdGenerator = new AtomicLong(1);
    private final AtomicBoolean isClosed = new AtomicBoolean(false);
    private final Object registryLock = new Object();
    private final Long2ObjectHashMap<Producer> producerById = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<Consumer> consumerById = new Long2ObjectHashMap<>();
    private volatile int maxMessageSize;
    private volatile int brokerProtocolVersion;
    private volatile String brokerName;

    private MagnetarClient(
        final ServiceUrl serviceUrl,
        final long operationTimeoutNs,
        final long connectionLossGraceNs,
        final String clientName,
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
        this.clientName = clientName;
        this.errorHandler = errorHandler;
        this.mediaDriver = mediaDriver;
        this.aeron = aeron;
        this.responseStreamId = responseStreamId;
        this.responseChannel = responseChannel;
        this.conductor = new ClientConductor(errorHandler, serviceUrl.toString(), connectionLossGraceNs);
        this.ingressProxy = new IngressProxy(ingressPublication, conductor);
        this.egressAdapter = new EgressAdapter(egressSubscription, conductor);
        conductor.ingressProxy(ingressProxy);
        conductor.egressAdapter(egressAdapter);
        this.conductorRunner = new AgentRunner(idleStrategy, errorHandler, null, conductor);
        AgentRunner.startOnThread(conductorRunner, MagnetarClient::newConductorThread);
    }

    /**
     * A builder with defaults from {@link Configuration}.
     *
     * @return a new builder.
     */
    public static ClientBuilder builder()
    {
        return new ClientBuilder();
    }

    /**
     * Start building a producer.
     *
     * @return a new producer builder.
     */
    public ProducerBuilder newProducer()
    {
        return new ProducerBuilder(this);
    }

    /**
     * Start building a consumer.
     *
     * @return a new consumer builder.
     */
    public ConsumerBuilder newConsumer()
    {
        return new ConsumerBuilder(this);
    }

    /**
     * Measure the round trip to the broker.
     *
     * @return round-trip time in nanoseconds.
     * @throws MagnetarClientException if the client is closed, the connection to the broker was lost, or the broker
     *                                 did not answer in time.
     */
    public long ping() throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("ping");
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final PendingRequest request = newRequest(EgressAdapter.PONG, deadlineNs);
        send(request, () -> ingressProxy.ping(request.correlationId, System.nanoTime(), deadlineNs));

        awaitAnswer(request, deadlineNs, "ping");
        return System.nanoTime() - request.answerValue;
    }

    /**
     * @return the name the broker gave in its {@code Connected} answer.
     */
    public String brokerName()
    {
        return brokerName;
    }

    /**
     * @return the largest payload the broker accepts, in bytes.
     */
    public int maxMessageSize()
    {
        return maxMessageSize;
    }

    /**
     * @return protocol version the broker answered with.
     */
    public int brokerProtocolVersion()
    {
        return brokerProtocolVersion;
    }

    /**
     * @return session id of the client's ingress publication, which the broker uses as the session key.
     */
    public int sessionId()
    {
        return ingressProxy.sessionId();
    }

    /**
     * @return frames from the broker that were skipped: other schemas, unknown templates, decoding failures.
     */
    public long unknownFrameCount()
    {
        return egressAdapter.unknownFrameCount();
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return isClosed.get();
    }

    /**
     * Whether the session with the broker is up. It is from {@link ClientBuilder#build()} until the client notices
     * that the session is gone (see the class description) or until {@link #close()}; it does not come back.
     *
     * @return true while the client is open and its session with the broker is not lost.
     */
    public boolean isConnected()
    {
        return !isClosed.get() && conductor.isConnected();
    }

    /**
     * Close every producer and consumer of this client (each asks the broker), send {@code Disconnect}, then stop
     * the conductor and release Aeron and the embedded media driver if there is one. All resources are released
     * even if a step fails. Closing twice does nothing. If the connection to the broker is lost, before or during
     * the close, the client does not wait for the broker.
     *
     * @throws MagnetarClientException the first failure of a producer, consumer or resource; the others are added as
     *                                 suppressed.
     */
    public void close() throws MagnetarClientException
    {
        checkNotConductorThread("close the client");
        if (!isClosed.compareAndSet(false, true))
        {
            return;
        }

        conductor.onClientClosing();
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final boolean brokerReachable = conductor.isConnected() && ingressProxy.isConnected();
        final Producer[] producers;
        final Consumer[] consumers;
        synchronized (registryLock)
        {
            producers = producerById.values().toArray(new Producer[0]);
            consumers = consumerById.values().toArray(new Consumer[0]);
        }

        MagnetarClientException failure = null;
        for (final Producer producer : producers)
        {
            try
            {
                producer.close(deadlineNs, brokerReachable);
            }
            catch (final MagnetarClientException ex)
            {
                failure = addFailure(failure, ex);
            }
        }

        for (final Consumer consumer : consumers)
        {
            try
            {
                consumer.close(deadlineNs, brokerReachable);
            }
            catch (final MagnetarClientException ex)
            {
                failure = addFailure(failure, ex);
            }
        }

        if (brokerReachable && conductor.isConnected())
        {
            try
            {
                ingressProxy.disconnect(nextCorrelationId(), deadlineNs);
                awaitIngressSent(Math.min(deadlineNs, System.nanoTime() + DISCONNECT_LINGER_NS));
            }
            catch (final MagnetarClientException.ConnectionLostException ignore)
            {
                // the session is gone: there is nothing left to disconnect
            }
            catch (final MagnetarClientException ex)
            {
                failure = addFailure(failure, ex);
            }
        }

        try
        {
            CloseHelper.closeAll(conductorRunner, aeron, mediaDriver);
        }
        catch (final RuntimeException ex)
        {
            failure = addFailure(failure, new MagnetarClientException("failed to release the client's resources", ex));
        }

        if (null != failure)
        {
            throw failure;
        }
    }

    /**
     * @return a short description for logs.
     */
    public String toString()
    {
        return "MagnetarClient{serviceUrl=" + serviceUrl + ", clientName=" + clientName +
            ", brokerName=" + brokerName + ", responseChannel=" + responseChannel +
            ", responseStreamId=" + responseStreamId + '}';
    }

    static MagnetarClient connect(
        final ServiceUrl serviceUrl,
        final String aeronDirectoryName,
        final long operationTimeoutNs,
        final long connectionLossGraceNs,
        final String clientName,
        final int termLength,
        final IdleStrategy idleStrategy,
        final ErrorHandler errorHandler) throws MagnetarClientException
    {
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        MediaDriver mediaDriver = null;
        Aeron aeron = null;
        MagnetarClient client = null;
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
                mediaDriver = launchEmbeddedDriver(errorHandler);
                directoryName = mediaDriver.aeronDirectoryName();
            }

            aeron = connectAeron(directoryName, clientName, errorHandler);

            final Subscription egressSubscription;
            final int responseStreamId;
            final String responseChannel;
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
                    "aeron:udp?endpoint=" + localAddressFor(serviceUrl) + ":0", responseStreamId);
                responseChannel = awaitResolvedChannel(egressSubscription, deadlineNs);
            }

            final ExclusivePublication ingressPublication = aeron.addExclusivePublication(
                serviceUrl.ingressChannel(termLength), Protocol.INGRESS_STREAM_ID);

            client = new MagnetarClient(
                serviceUrl,
                operationTimeoutNs,
                connectionLossGraceNs,
                clientName,
                errorHandler,
                idleStrategy,
                mediaDriver,
                aeron,
                egressSubscription,
                responseStreamId,
                responseChannel,
                ingressPublication);

            client.handshake(deadlineNs);
            return client;
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            if (null != client)
            {
                client.isClosed.set(true);
                CloseHelper.quietCloseAll(client.conductorRunner, aeron, mediaDriver);
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

    private static MediaDriver launchEmbeddedDriver(final ErrorHandler errorHandler)
    {
        final MediaDriver.Context ctx = new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(ThreadingMode.SHARED)
            .sharedIdleStrategy(new BackoffIdleStrategy())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(errorHandler);

        return MediaDriver.launch(ctx);
    }

    private static Aeron connectAeron(
        final String directoryName, final String clientName, final ErrorHandler errorHandler)
        throws MagnetarClientException
    {
        final Aeron.Context ctx = new Aeron.Context()
            .aeronDirectoryName(directoryName)
            .errorHandler(errorHandler);
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

    private static String localAddressFor(final ServiceUrl serviceUrl) throws MagnetarClientException
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

    private static String awaitResolvedChannel(final Subscription subscription, final long deadlineNs)
        throws MagnetarClientException
    {
        final IdleStrategy idleStrategy = newWaitingIdleStrategy();
        String resolvedChannel;
        while (null == (resolvedChannel = subscription.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException(
                    "the media driver did not bind the response channel " + subscription.channel() + " in time");
            }
            idleStrategy.idle();
        }

        return resolvedChannel;
    }

    private static Thread newConductorThread(final Runnable runnable)
    {
        final Thread thread = new Thread(runnable, ClientConductor.ROLE_NAME);
        thread.setDaemon(true);
        return thread;
    }

    private static MagnetarClientException addFailure(
        final MagnetarClientException failure, final MagnetarClientException ex)
    {
        if (null == failure)
        {
            return ex;
        }

        failure.addSuppressed(ex);
        return failure;
    }

    /**
     * An idle strategy for a user thread that waits: backs off to parks of 1 to 100 µs.
     *
     * @return a new idle strategy.
     */
    static IdleStrategy newWaitingIdleStrategy()
    {
        return new BackoffIdleStrategy(100, 10, 1_000, 100_000);
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

    private void handshake(final long deadlineNs) throws MagnetarClientException
    {
        final IdleStrategy idleStrategy = newWaitingIdleStrategy();
        while (!ingressProxy.isConnected())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException("could not reach the broker at " + serviceUrl +
                    " within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms (is it running?)");
            }
            idleStrategy.idle();
        }

        final long resendIntervalNs = Configuration.connectResendIntervalNs();
        final PendingRequest request = newRequest(EgressAdapter.CONNECTED, deadlineNs);
        boolean answered = false;
        while (!answered)
        {
            try
            {
                ingressProxy.connect(request.correlationId, responseStreamId, responseChannel, clientName, deadlineNs);
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
                    " did not answer Connect within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) +
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

    Producer createProducer(final String topic, final String producerName, final int maxPendingMessages)
        throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("create a producer");
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final long producerId = resourceIdGenerator.getAndIncrement();
        final String operation = "create producer on topic '" + topic + "'";

        final PendingRequest request = newRequest(EgressAdapter.PRODUCER_READY, deadlineNs);
        send(request, () -> ingressProxy.createProducer(
            request.correlationId, producerId, topic, producerName, deadlineNs));

        try
        {
            awaitAnswer(request, deadlineNs, operation);
        }
        catch (final MagnetarClientException.TimeoutException ex)
        {
            closeOrphanOnBroker(producerId, true, ex);
            throw ex;
        }

        if (request.answerId != producerId)
        {
            throw new MagnetarClientException(operation + " failed: the broker answered for producer id " +
                request.answerId + " instead of " + producerId);
        }

        final String name = null == request.answerText || request.answerText.isEmpty() ?
            producerName : request.answerText;
        final Producer producer = new Producer(this, producerId, topic, name, request.answerValue, maxPendingMessages);
        try
        {
            conductor.addProducer(producer, deadlineNs);
            synchronized (registryLock)
            {
                if (!isClosed.get())
                {
                    producerById.put(producerId, producer);
                    return producer;
                }
            }
            throw new MagnetarClientException("the client is closed");
        }
        catch (final MagnetarClientException ex)
        {
            try
            {
                producer.close(deadlineNs, true);
            }
            catch (final MagnetarClientException closeEx)
            {
                ex.addSuppressed(closeEx);
            }
            throw ex;
        }
    }

    Consumer subscribe(
        final String topic,
        final String subscription,
        final String consumerName,
        final SubscriptionType subscriptionType,
        final InitialPosition initialPosition,
        final int receiverQueueSize,
        final boolean ackReceiptEnabled) throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("subscribe");
        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final long consumerId = resourceIdGenerator.getAndIncrement();
        final String operation = "subscribe to topic '" + topic + "' as subscription '" + subscription + "'";
        final Consumer consumer = new Consumer(
            this, consumerId, topic, subscription, consumerName, subscriptionType, receiverQueueSize,
            ackReceiptEnabled);

        conductor.addConsumer(consumer, deadlineNs);
        final PendingRequest request;
        try
        {
            request = newRequest(EgressAdapter.SUBSCRIBED, deadlineNs);
            try
            {
                ingressProxy.subscribe(
                    request.correlationId,
                    consumerId,
                    subscriptionType,
                    initialPosition,
                    topic,
                    subscription,
                    consumerName,
                    deadlineNs);
            }
            catch (final MagnetarClientException ex)
            {
                conductor.removeRequest(request);
                throw ex;
            }

            try
            {
                awaitAnswer(request, deadlineNs, operation);
            }
            catch (final MagnetarClientException.TimeoutException ex)
            {
                closeOrphanOnBroker(consumerId, false, ex);
                throw ex;
            }
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeConsumer(consumer, deadlineNs);
            throw ex;
        }

        try
        {
            if (request.answerId != consumerId)
            {
                throw new MagnetarClientException(operation + " failed: the broker answered for consumer id " +
                    request.answerId + " instead of " + consumerId);
            }

            consumer.start(deadlineNs);
            synchronized (registryLock)
            {
                if (!isClosed.get())
                {
                    consumerById.put(consumerId, consumer);
                    return consumer;
                }
            }
            throw new MagnetarClientException("the client is closed");
        }
        catch (final MagnetarClientException ex)
        {
            try
            {
                consumer.close(deadlineNs, true);
            }
            catch (final MagnetarClientException closeEx)
            {
                ex.addSuppressed(closeEx);
            }
            throw ex;
        }
    }

    /**
     * Move a subscription to the first message published at or after a time, like Pulsar's
     * {@code pulsar-admin topics reset-cursor}: every message from there on is delivered again. Returns once the
     * broker has stored the new position.
     *
     * @param topic        name, e.g. {@code persistent://public/default/demo}.
     * @param subscription name of a durable subscription of the topic.
     * @param publishTime  epoch milliseconds.
     * @throws MagnetarClientException if there is no such subscription, the broker refused, or did not answer.
     */
    public void resetCursor(final String topic, final String subscription, final long publishTime)
        throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("resetCursor");
        checkConnected();
        if (null == topic || topic.isBlank() || null == subscription || subscription.isBlank())
        {
            throw new MagnetarClientException("topic and subscription must be set");
        }
        checkBrokerSupports(2, "reset-cursor");

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final String fullName = Protocol.fullTopicName(topic);
        final PendingRequest request = newRequest(EgressAdapter.SUCCESS, deadlineNs);
        send(request, () -> ingressProxy.resetCursor(
            request.correlationId, fullName, subscription, publishTime, deadlineNs));
        awaitAnswer(request, deadlineNs, "reset-cursor of subscription '" + subscription + "' on '" + fullName + "'");
    }

    /**
     * A topic's internal storage state, like Pulsar's {@code pulsar-admin topics stats-internal}: entries, bytes,
     * first and last position and shard of the topic; mark-delete position, read position and acknowledged ranges
     * of each cursor; recording, bytes and segments of the shard log.
     *
     * @param topic name, e.g. {@code persistent://public/default/demo}.
     * @return the state as a JSON document.
     * @throws MagnetarClientException if the topic does not exist, the broker refused, or did not answer in time.
     */
    public String statsInternal(final String topic) throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("statsInternal");
        checkConnected();
        if (null == topic || topic.isBlank())
        {
            throw new MagnetarClientException("topic is not set");
        }
        checkBrokerSupports(2, "stats-internal");

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final String fullName = Protocol.fullTopicName(topic);
        final PendingRequest request = newRequest(EgressAdapter.STATS_INTERNAL, deadlineNs);
        send(request, () -> ingressProxy.statsInternal(request.correlationId, fullName, deadlineNs));
        awaitAnswer(request, deadlineNs, "stats-internal of topic '" + fullName + "'");

        return request.answerText;
    }

    /**
     * Set or remove some policies of a namespace, like Pulsar's {@code pulsar-admin namespaces set-retention} and
     * its siblings; the policies the update does not name keep their values. Returns once every topic shard of the
     * broker has stored the policies. Setting is idempotent: if the call fails after some shards stored the
     * policies (e.g. it timed out), the namespace may be partly updated until the call is repeated.
     *
     * @param namespace {@code tenant/namespace}, e.g. {@code public/default}.
     * @param update    the policies to set or remove; not empty.
     * @return the namespace's policies after the update, as a JSON document: {@code policies} holds the values in
     * effect, {@code explicit} names those set on the namespace rather than taken from the broker's defaults.
     * @throws MagnetarClientException if the namespace is not {@code tenant/namespace}, the update is empty, the
     *                                 broker refused, or not every shard answered in time.
     */
    public String setNamespacePolicies(final String namespace, final NamespacePolicyUpdate update)
        throws MagnetarClientException
    {
        if (null == update || update.isEmpty())
        {
            throw new MagnetarClientException("the policy update is empty: set or remove at least one policy");
        }

        return updateNamespace(namespace, update, "set policies of namespace '" + namespace + "'");
    }

    /**
     * Create a namespace, as Pulsar's {@code namespaces create}: its policies are the broker's defaults until set.
     * Topics can only be used in a namespace that exists; {@code public/default} always does.
     *
     * @param namespace as {@code tenant/namespace}.
     * @return the new namespace's policies as JSON.
     * @throws MagnetarClientException if the namespace exists already, the name is invalid or the broker fails.
     */
    public String createNamespace(final String namespace) throws MagnetarClientException
    {
        return updateNamespace(namespace, new NamespacePolicyUpdate(), "create namespace '" + namespace + "'");
    }

    private String updateNamespace(final String namespace, final NamespacePolicyUpdate update, final String operation)
        throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("setNamespacePolicies");
        checkConnected();
        checkNamespacePoliciesRequest(namespace);

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final PendingRequest request = new PendingRequest(nextCorrelationId(), EgressAdapter.NAMESPACE_POLICIES, true);
        conductor.addRequest(request, deadlineNs);
        send(request, () -> ingressProxy.setNamespacePolicies(
            request.correlationId, namespace, update, deadlineNs));

        try
        {
            awaitAnswer(request, deadlineNs, operation);
        }
        catch (final MagnetarClientException.TimeoutException ex)
        {
            final int answeredShardCount = request.answeredShardCount;
            if (answeredShardCount > 0)
            {
                throw new MagnetarClientException.TimeoutException(operation + " timed out: " + answeredShardCount +
                    " of " + request.expectedShardCount + " topic shards answered within " +
                    TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms; the namespace may be partly updated " +
                    "until the update is repeated", ex);
            }
            throw ex;
        }

        return request.answerText;
    }

    /**
     * A namespace's policies, like Pulsar's {@code pulsar-admin namespaces policies}.
     *
     * @param namespace {@code tenant/namespace}, e.g. {@code public/default}.
     * @return the policies as a JSON document: {@code policies} holds the values in effect, {@code explicit} names
     * those set on the namespace rather than taken from the broker's defaults.
     * @throws MagnetarClientException if the namespace is not {@code tenant/namespace}, the broker refused, or did
     *                                 not answer in time.
     */
    public String namespacePolicies(final String namespace) throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("namespacePolicies");
        checkConnected();
        checkNamespacePoliciesRequest(namespace);

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final PendingRequest request = newRequest(EgressAdapter.NAMESPACE_POLICIES, deadlineNs);
        send(request, () -> ingressProxy.getNamespacePolicies(request.correlationId, namespace, deadlineNs));
        awaitAnswer(request, deadlineNs, "get policies of namespace '" + namespace + "'");

        return request.answerText;
    }

    /**
     * Acknowledge a message and wait until the broker has stored the acknowledgement.
     *
     * @param consumerId of the consumer.
     * @param messageId  of the message.
     * @param deadlineNs bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void acknowledgeWithReceipt(final long consumerId, final MessageId messageId, final long deadlineNs)
        throws MagnetarClientException
    {
        if (brokerProtocolVersion() < 2)
        {
            throw new MagnetarClientException("the broker (protocol version " + brokerProtocolVersion() +
                ") does not support acknowledgement receipts");
        }

        final PendingRequest request = newRequest(EgressAdapter.SUCCESS, deadlineNs);
        try
        {
            ingressProxy.ackWithReceipt(
                request.correlationId, consumerId, messageId.shard(), messageId.position(), deadlineNs);
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeRequest(request);
            throw ex;
        }
        awaitAnswer(request, deadlineNs, "acknowledge " + messageId);
    }

    /**
     * Ask the broker to close a producer and wait for the answer; nothing to do if the session is lost, since the
     * broker dropped the producer with it.
     *
     * @param producerId of the producer.
     * @param topic      for messages.
     * @param deadlineNs bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void closeProducerOnBroker(final long producerId, final String topic, final long deadlineNs)
        throws MagnetarClientException
    {
        if (!conductor.isConnected())
        {
            return;
        }

        final PendingRequest request = newRequest(EgressAdapter.SUCCESS, deadlineNs);
        try
        {
            try
            {
                ingressProxy.closeProducer(request.correlationId, producerId, deadlineNs);
            }
            catch (final MagnetarClientException ex)
            {
                conductor.removeRequest(request);
                throw ex;
            }
            awaitAnswer(request, deadlineNs, "close producer on topic '" + topic + "'");
        }
        catch (final MagnetarClientException.ConnectionLostException ignore)
        {
            // the broker dropped the producer with the session
        }
    }

    /**
     * Ask the broker to close a consumer and wait for the answer; nothing to do if the session is lost, since the
     * broker dropped the consumer with it.
     *
     * @param consumerId   of the consumer.
     * @param topic        for messages.
     * @param subscription for messages.
     * @param deadlineNs   bound on the wait.
     * @throws MagnetarClientException if the broker refused or did not answer in time.
     */
    void closeConsumerOnBroker(
        final long consumerId, final String topic, final String subscription, final long deadlineNs)
        throws MagnetarClientException
    {
        if (!conductor.isConnected())
        {
            return;
        }

        final PendingRequest request = newRequest(EgressAdapter.SUCCESS, deadlineNs);
        try
        {
            try
            {
                ingressProxy.closeConsumer(request.correlationId, consumerId, deadlineNs);
            }
            catch (final MagnetarClientException ex)
            {
                conductor.removeRequest(request);
                throw ex;
            }
            awaitAnswer(
                request, deadlineNs, "close consumer of topic '" + topic + "' subscription '" + subscription + "'");
        }
        catch (final MagnetarClientException.ConnectionLostException ignore)
        {
            // the broker dropped the consumer with the session
        }
    }

    void onProducerClosed(final Producer producer, final long deadlineNs)
    {
        conductor.removeProducer(producer, "the producer closed before the broker sent a receipt", deadlineNs);
        synchronized (registryLock)
        {
            producerById.remove(producer.producerId());
        }
    }

    void onConsumerClosed(final Consumer consumer, final long deadlineNs)
    {
        conductor.removeConsumer(consumer, deadlineNs);
        synchronized (registryLock)
        {
            consumerById.remove(consumer.consumerId());
        }
    }

    long nextCorrelationId()
    {
        return correlationIdGenerator.getAndIncrement();
    }

    long operationTimeoutNs()
    {
        return operationTimeoutNs;
    }

    /**
     * @return why the session with the broker is lost, or null while it is not.
     */
    String connectionLoss()
    {
        return conductor.connectionLoss();
    }

    /**
     * Throw if the session with the broker is lost.
     *
     * @throws MagnetarClientException.ConnectionLostException if it is.
     */
    void checkConnected() throws MagnetarClientException.ConnectionLostException
    {
        conductor.checkConnected();
    }

    IngressProxy ingressProxy()
    {
        return ingressProxy;
    }

    ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    boolean isConductorThread()
    {
        return conductor.isConductorThread();
    }

    void checkNotConductorThread(final String operation) throws MagnetarClientException
    {
        if (conductor.isConductorThread())
        {
            throw new MagnetarClientException("cannot " + operation + " on the client's conductor thread: " +
                "it would wait for itself (do not block in callbacks of futures the client completes)");
        }
    }

    private void checkOpen() throws MagnetarClientException
    {
        if (isClosed.get())
        {
            throw new MagnetarClientException("the client is closed");
        }
        conductor.checkConnected();
    }

    /**
     * Best effort after a create or subscribe timed out: the request may still reach the broker, or have reached it
     * with its answer lost, so ask the broker to close what it may have created, lest an orphan consumer hold an
     * exclusive subscription. The answer is dropped; a failure to offer is added to the timeout as suppressed.
     *
     * @param id         of the producer or consumer.
     * @param isProducer true for a producer, false for a consumer.
     * @param timeout    the caller is about to throw.
     */
    private void closeOrphanOnBroker(
        final long id, final boolean isProducer, final MagnetarClientException.TimeoutException timeout)
    {
        if (!conductor.isConnected())
        {
            return;
        }

        final long correlationId = nextCorrelationId();
        final long nowNs = System.nanoTime();
        conductor.ignoreAnswer(correlationId, nowNs + operationTimeoutNs);
        try
        {
            final long offerDeadlineNs = nowNs + Math.min(operationTimeoutNs, ORPHAN_CLOSE_OFFER_TIMEOUT_NS);
            if (isProducer)
            {
                ingressProxy.closeProducer(correlationId, id, offerDeadlineNs);
            }
            else
            {
                ingressProxy.closeConsumer(correlationId, id, offerDeadlineNs);
            }
        }
        catch (final MagnetarClientException ex)
        {
            timeout.addSuppressed(ex);
        }
    }

    /**
     * The namespaces of a tenant, like Pulsar's {@code pulsar-admin namespaces list}.
     *
     * @param tenant whose namespaces to list.
     * @return the namespaces as {@code tenant/namespace}, sorted; empty if the tenant has none.
     * @throws MagnetarClientException if the tenant name is invalid, the broker refused, or did not answer in time.
     */
    public java.util.List<String> listNamespaces(final String tenant) throws MagnetarClientException
    {
        checkOpen();
        checkNotConductorThread("listNamespaces");
        checkConnected();
        if (null == tenant || tenant.isEmpty() || tenant.indexOf('/') >= 0)
        {
            throw new MagnetarClientException("tenant must be a name without '/': " +
                (null == tenant ? "null" : "'" + tenant + "'"));
        }
        checkBrokerSupports(Protocol.NAMESPACE_POLICIES_VERSION, "namespace administration");

        final long deadlineNs = System.nanoTime() + operationTimeoutNs;
        final PendingRequest request = newRequest(EgressAdapter.NAMESPACE_LIST, deadlineNs);
        send(request, () -> ingressProxy.listNamespaces(request.correlationId, tenant, deadlineNs));
        awaitAnswer(request, deadlineNs, "list namespaces of tenant '" + tenant + "'");

        final String text = request.answerText;
        return text.isEmpty() ? java.util.List.of() : java.util.List.of(text.split("\n"));
    }

    /**
     * Hand a request to the ingress; if that fails, the request is forgotten so no answer waits for it.
     */
    private void send(final PendingRequest request, final RequestSender sender) throws MagnetarClientException
    {
        try
        {
            sender.send();
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeRequest(request);
            throw ex;
        }
    }

    @FunctionalInterface
    private interface RequestSender
    {
        void send() throws MagnetarClientException;
    }

    private void checkBrokerSupports(final int protocolVersion, final String feature) throws MagnetarClientException
    {
        if (brokerProtocolVersion() < protocolVersion)
        {
            throw new MagnetarClientException("the broker (protocol version " + brokerProtocolVersion() +
                ") does not support " + feature);
        }
    }

    private void checkNamespacePoliciesRequest(final String namespace) throws MagnetarClientException
    {
        if (!Protocol.isNamespaceName(namespace))
        {
            throw new MagnetarClientException(
                "namespace must be tenant/namespace, e.g. public/default: " +
                (null == namespace ? "null" : "'" + namespace + "'"));
        }
        checkBrokerSupports(Protocol.NAMESPACE_POLICIES_VERSION, "namespace policies");
    }

    private PendingRequest newRequest(final int answerTemplateId, final long deadlineNs)
        throws MagnetarClientException
    {
        final PendingRequest request = new PendingRequest(nextCorrelationId(), answerTemplateId);
        conductor.addRequest(request, deadlineNs);
        return request;
    }

    private void awaitAnswer(final PendingRequest request, final long deadlineNs, final String operation)
        throws MagnetarClientException
    {
        final boolean answered;
        try
        {
            answered = request.awaitAnswer(deadlineNs - System.nanoTime());
        }
        catch (final MagnetarClientException ex)
        {
            conductor.removeRequest(request);
            throw ex;
        }

        if (!answered)
        {
            conductor.removeRequest(request);
            throw new MagnetarClientException.TimeoutException(operation + " timed out: no answer from the broker " +
                "within " + TimeUnit.NANOSECONDS.toMillis(operationTimeoutNs) + " ms");
        }

        request.checkError(operation);
    }
}
