package io.magnetar.client;

import io.aeron.exceptions.ConfigurationException;
import io.magnetar.mediadriver.IdleConfiguration;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.IdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * Entry point of the Magnetar client: a session with one broker over Aeron, from which producers and consumers are
 * created and the broker is administered ({@link #admin()}). Thread-safe. Build one with {@link #builder()}:
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
 * closed the session (as a broker that stops cleanly does). By default it then reconnects by itself, as Pulsar's
 * clients do ({@link ClientBuilder#reconnect(boolean)}): {@link #isConnected()} is false until the session is
 * restored, its producers and consumers are created again, sends without a receipt are resent with their sequence
 * ids, and the broker redelivers what was not acknowledged; the application sees a delay, and an exception only
 * where an operation's timeout passes. Built with {@code reconnect(false)}, every waiting and later operation of the
 * client, its producers and its consumers fails instead with {@link MagnetarClientException.ConnectionLostException};
 * only {@link #close()} still works, without waiting for the broker.
 * <p>
 * The client is a facade over its parts: the connector (the session with the broker and its conductor thread), the
 * registries of its producers and consumers, and the {@link AdminClient}.
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
         * MTU of the client's UDP ingress and of the broker's answers to it (Aeron's {@code mtu}): a size, a
         * multiple of 32 up to 65504. 0 (the default) chooses: {@link #LOOPBACK_MTU_LENGTH} when the broker is on
         * this host (the loopback's MTU is 64 KiB, so no IP fragmentation), else Aeron's default (1408) so that a
         * datagram fits an Ethernet frame.
         */
        public static final String MTU_LENGTH_PROP_NAME = "magnetar.client.mtu.length";

        /** MTU towards a broker on this host: fewer, larger datagrams, so fewer system calls per message. */
        public static final int LOOPBACK_MTU_LENGTH = 16 * 1024;

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
         * JWT the client connects with, when the builder names none.
         */
        public static final String AUTH_TOKEN_PROP_NAME = "magnetar.client.auth.token";

        /**
         * Bound on each attempt to reach the broker and shake hands (Pulsar's {@code connectionTimeout}); a duration.
         */
        public static final String CONNECTION_TIMEOUT_PROP_NAME = "magnetar.client.connection.timeout";

        /**
         * Default connection timeout: 10 s, as Pulsar's.
         */
        public static final long CONNECTION_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

        /**
         * Whether a client whose session with the broker is lost reconnects by itself (re-creating its producers and
         * consumers and resending unreceipted sends) instead of failing: {@code true} or {@code false}.
         */
        public static final String RECONNECT_PROP_NAME = "magnetar.client.reconnect";

        /**
         * Default of {@link #RECONNECT_PROP_NAME}: reconnect, as Pulsar's clients do.
         */
        public static final boolean RECONNECT_DEFAULT = true;

        /**
         * Wait after the first failed reconnect attempt; it doubles after each (Pulsar's
         * {@code initialBackoffInterval}); a duration.
         */
        public static final String RECONNECT_INITIAL_BACKOFF_PROP_NAME = "magnetar.client.reconnect.initial.backoff";

        /**
         * Default initial reconnect backoff: 100 ms.
         */
        public static final long RECONNECT_INITIAL_BACKOFF_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(100);

        /**
         * Longest wait between reconnect attempts (Pulsar's {@code maxBackoffInterval}); a duration.
         */
        public static final String RECONNECT_MAX_BACKOFF_PROP_NAME = "magnetar.client.reconnect.max.backoff";

        /**
         * Default longest reconnect backoff: 10 s.
         */
        public static final long RECONNECT_MAX_BACKOFF_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

        /**
         * Most bytes (keys and payloads) of sends waiting for their receipt across every producer of a client
         * (Pulsar's {@code memoryLimit}); a size; 0 for no limit.
         */
        public static final String MEMORY_LIMIT_PROP_NAME = "magnetar.client.memory.limit";

        /**
         * Default memory limit: 64 MiB, as Pulsar's.
         */
        public static final long MEMORY_LIMIT_DEFAULT = 64L * 1024 * 1024;

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
         * Whether {@link Consumer#poll(MessageHandler, int)}, {@link Consumer#receive(long, TimeUnit)},
         * {@link Producer#offer(org.agrona.DirectBuffer, int, int)}, {@link Producer#send(byte[])} and
         * {@link Producer#sendAsync(byte[])} run the client's duty cycle on the calling thread when the conductor
         * thread is not running it: {@code true} (the default) or {@code false}.
         */
        public static final String HELP_DUTY_CYCLE_PROP_NAME = "magnetar.client.help.duty.cycle";

        /**
         * Default of {@link #HELP_DUTY_CYCLE_PROP_NAME}.
         */
        public static final boolean HELP_DUTY_CYCLE_DEFAULT = true;

        /**
         * Least time between the duty cycles that sends run ({@code offer}, {@code sendAsync}), a duration such as
         * {@code 20us}: at low rates each send runs one, so the embedded driver sends it at once; at high rates the
         * sends in between are sent with the next cycle, several to a datagram, which costs fewer system calls per
         * message. 0 runs a cycle after every send.
         */
        public static final String SEND_HELP_INTERVAL_PROP_NAME = "magnetar.client.send.help.interval";

        /** Default of {@link #SEND_HELP_INTERVAL_PROP_NAME}: 20 µs, a fifth of the gap at 10k msg/s. */
        public static final long SEND_HELP_INTERVAL_NS_DEFAULT = TimeUnit.MICROSECONDS.toNanos(20);

        /**
         * Bytes of a consumer's receive ring buffer per message of its receiver queue, when
         * {@link ConsumerBuilder#receiveBufferLength(int)} is not given.
         */
        public static final String RECEIVE_BUFFER_BYTES_PER_MESSAGE_PROP_NAME =
            "magnetar.client.receive.buffer.bytes.per.message";

        /**
         * Default bytes of receive ring per queued message: 512, so frames of payloads up to about 400 B are
         * received without allocation.
         */
        public static final int RECEIVE_BUFFER_BYTES_PER_MESSAGE_DEFAULT = 512;

        /**
         * Smallest receive ring buffer sized from the receiver queue: 64 KiB.
         */
        public static final int RECEIVE_BUFFER_MIN_LENGTH = 64 * 1024;

        /**
         * Largest receive ring buffer sized from the receiver queue, unless the queue needs more for its markers:
         * 64 MiB.
         */
        public static final int RECEIVE_BUFFER_MAX_LENGTH = 64 * 1024 * 1024;

        /**
         * Error handler used when none is given: logs the error at level ERROR through the {@code System.Logger}
         * named {@code io.magnetar.client}.
         */
        public static final ErrorHandler DEFAULT_ERROR_HANDLER = (throwable) -> System.getLogger("io.magnetar.client")
            .log(System.Logger.Level.ERROR, "magnetar client error", throwable);

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
         * @return MTU from {@link #MTU_LENGTH_PROP_NAME}, or 0 to choose by the broker's address.
         */
        public static int mtuLength()
        {
            return SystemUtil.getSizeAsInt(MTU_LENGTH_PROP_NAME, 0);
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
         * @return {@link #AUTH_TOKEN_PROP_NAME}, or empty for none.
         */
        public static String authToken()
        {
            return System.getProperty(AUTH_TOKEN_PROP_NAME, "").trim();
        }

        /**
         * @return {@link #CONNECTION_TIMEOUT_PROP_NAME} in nanoseconds, or its default.
         */
        public static long connectionTimeoutNs()
        {
            return SystemUtil.getDurationInNanos(CONNECTION_TIMEOUT_PROP_NAME, CONNECTION_TIMEOUT_DEFAULT_NS);
        }

        /**
         * @return {@link #MEMORY_LIMIT_PROP_NAME} in bytes, or its default.
         */
        public static long memoryLimitBytes()
        {
            return SystemUtil.getSizeAsLong(MEMORY_LIMIT_PROP_NAME, MEMORY_LIMIT_DEFAULT);
        }

        /**
         * @return {@link #RECONNECT_PROP_NAME} or its default.
         */
        public static boolean reconnect()
        {
            return Boolean.parseBoolean(System.getProperty(RECONNECT_PROP_NAME, Boolean.toString(RECONNECT_DEFAULT)));
        }

        /**
         * @return {@link #RECONNECT_INITIAL_BACKOFF_PROP_NAME} in nanoseconds, or its default.
         */
        public static long reconnectInitialBackoffNs()
        {
            return SystemUtil.getDurationInNanos(
                RECONNECT_INITIAL_BACKOFF_PROP_NAME, RECONNECT_INITIAL_BACKOFF_DEFAULT_NS);
        }

        /**
         * @return {@link #RECONNECT_MAX_BACKOFF_PROP_NAME} in nanoseconds, or its default.
         */
        public static long reconnectMaxBackoffNs()
        {
            return SystemUtil.getDurationInNanos(RECONNECT_MAX_BACKOFF_PROP_NAME, RECONNECT_MAX_BACKOFF_DEFAULT_NS);
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
         * Length of a consumer's receive ring buffer: {@link #RECEIVE_BUFFER_BYTES_PER_MESSAGE_PROP_NAME} times the
         * receiver queue size, rounded up to a power of two between {@link #RECEIVE_BUFFER_MIN_LENGTH} and
         * {@link #RECEIVE_BUFFER_MAX_LENGTH}.
         *
         * @param receiverQueueSize of the consumer.
         * @return the length in bytes.
         */
        public static int receiveBufferLength(final int receiverQueueSize)
        {
            final long bytesPerMessage = Math.max(1, Integer.getInteger(
                RECEIVE_BUFFER_BYTES_PER_MESSAGE_PROP_NAME, RECEIVE_BUFFER_BYTES_PER_MESSAGE_DEFAULT));
            final long wanted = Math.max(ReceiveRing.minReceiveBufferLength(receiverQueueSize), Math.min(
                RECEIVE_BUFFER_MAX_LENGTH, Math.max(RECEIVE_BUFFER_MIN_LENGTH, bytesPerMessage * receiverQueueSize)));
            return org.agrona.BitUtil.findNextPositivePowerOfTwo((int)wanted);
        }

        /**
         * @return {@link #SEND_HELP_INTERVAL_PROP_NAME} in nanoseconds, or its default.
         */
        public static long sendHelpIntervalNs()
        {
            return SystemUtil.getDurationInNanos(SEND_HELP_INTERVAL_PROP_NAME, SEND_HELP_INTERVAL_NS_DEFAULT);
        }

        /**
         * @return {@link #HELP_DUTY_CYCLE_PROP_NAME} or its default.
         */
        public static boolean helpDutyCycle()
        {
            final String value = System.getProperty(HELP_DUTY_CYCLE_PROP_NAME);
            return null == value ? HELP_DUTY_CYCLE_DEFAULT : Boolean.parseBoolean(value.trim());
        }

        /**
         * @return receiver queue size from {@link #RECEIVER_QUEUE_SIZE_PROP_NAME} or the default.
         */
        public static int receiverQueueSize()
        {
            return Integer.getInteger(RECEIVER_QUEUE_SIZE_PROP_NAME, RECEIVER_QUEUE_SIZE_DEFAULT);
        }

        /**
         * Idle strategy of the client's conductor thread, which sends, receives and answers for the application:
         * {@code backoff} (spins and yields as {@code magnetar.idle.max.spins} and {@code magnetar.idle.max.yields}
         * say, as the broker's threads do, then parks up to {@link #IDLE_MAX_PARK_PROP_NAME}) or one of Aeron's names
         * ({@code yield}, {@code spin}, {@code noop}, {@code sleep-ns} or a class name).
         */
        public static final String CONDUCTOR_IDLE_STRATEGY_PROP_NAME = "magnetar.client.idle.strategy";

        /**
         * Idle strategy of the media driver a client embeds when it has no Aeron directory to attach to: as
         * {@link #CONDUCTOR_IDLE_STRATEGY_PROP_NAME}, its {@code backoff} parking up to 1 ms.
         */
        public static final String DRIVER_IDLE_STRATEGY_PROP_NAME = "magnetar.client.driver.idle.strategy";

        /**
         * Where the media driver a client embeds runs: {@code conductor} (on the client's conductor thread, with
         * Aeron's client conductor: one thread and one hand-off fewer) or {@code shared} (a thread of its own with
         * {@link #DRIVER_IDLE_STRATEGY_PROP_NAME}).
         */
        public static final String DRIVER_THREADING_PROP_NAME = "magnetar.client.driver.threading";

        /**
         * Default place of the embedded driver: {@code conductor}.
         */
        public static final String DRIVER_THREADING_DEFAULT = "conductor";

        /**
         * @return true if the embedded driver runs on the conductor thread, as {@link #DRIVER_THREADING_PROP_NAME}
         * says.
         * @throws IllegalArgumentException for a value other than {@code conductor} or {@code shared}.
         */
        public static boolean driverOnConductor()
        {
            final String value = System.getProperty(DRIVER_THREADING_PROP_NAME, DRIVER_THREADING_DEFAULT).trim();
            switch (value)
            {
                case "conductor":
                    return true;
                case "shared":
                    return false;
                default:
                    throw new IllegalArgumentException(
                        DRIVER_THREADING_PROP_NAME + "=" + value + ": use conductor or shared");
            }
        }

        /**
         * Longest park of the conductor's and waiting user threads' {@code backoff}, e.g. {@code 1ms}.
         */
        public static final String IDLE_MAX_PARK_PROP_NAME = "magnetar.client.idle.max.park";

        /**
         * Default longest park: 1 ms. Parks grow from 1 µs, so only a client quiet for about a millisecond parks
         * that long; an idle one wakes a thousand times a second, not ten thousand.
         */
        public static final long IDLE_MAX_PARK_DEFAULT_NS = 1_000_000;

        /**
         * @return a new idle strategy for the conductor thread, as {@link #CONDUCTOR_IDLE_STRATEGY_PROP_NAME} names it.
         * @throws IllegalArgumentException if the property names no idle strategy.
         */
        public static IdleStrategy conductorIdleStrategy()
        {
            return namedIdleStrategy(CONDUCTOR_IDLE_STRATEGY_PROP_NAME, idleMaxParkNs());
        }

        /**
         * @return a new idle strategy for an embedded driver, as {@link #DRIVER_IDLE_STRATEGY_PROP_NAME} names it.
         * @throws IllegalArgumentException if the property names no idle strategy.
         */
        public static IdleStrategy driverIdleStrategy()
        {
            return namedIdleStrategy(DRIVER_IDLE_STRATEGY_PROP_NAME, 1_000_000);
        }

        /**
         * @return {@link #IDLE_MAX_PARK_PROP_NAME} in ns, or its default.
         */
        public static long idleMaxParkNs()
        {
            return SystemUtil.getDurationInNanos(IDLE_MAX_PARK_PROP_NAME, IDLE_MAX_PARK_DEFAULT_NS);
        }

        /**
         * @return a new backoff idle strategy for a thread that waits for the client, parking up to
         * {@link #IDLE_MAX_PARK_PROP_NAME}: the broker's backoff ({@link IdleConfiguration}).
         */
        public static IdleStrategy backoffIdleStrategy()
        {
            return IdleConfiguration.backoffIdleStrategy(idleMaxParkNs());
        }

        private static IdleStrategy namedIdleStrategy(final String propName, final long backoffMaxParkNs)
        {
            try
            {
                return IdleConfiguration.idleStrategy(propName, backoffMaxParkNs);
            }
            catch (final ConfigurationException ex)
            {
                throw new IllegalArgumentException(ex.getMessage(), ex); // a client's settings are its arguments
            }
        }
    }

    private final Connector connector;
    private final ProducerRegistry producers;
    private final ConsumerRegistry consumers;
    private final AdminClient admin;

    MagnetarClient(final Connector connector, final boolean reconnect, final long memoryLimitBytes)
    {
        this.connector = connector;
        this.admin = new AdminClient(
            connector.requests(), new AdminRequestProxy(connector.ingressProxy()), connector::brokerProtocolVersion);
        this.producers = new ProducerRegistry(connector, new MemoryLimit(memoryLimitBytes), admin);
        this.consumers = new ConsumerRegistry(connector, producers);
        if (reconnect)
        {
            final SessionReconnector reconnector = new SessionReconnector(connector, producers, consumers,
                Configuration.reconnectInitialBackoffNs(), Configuration.reconnectMaxBackoffNs());
            connector.liveness().reconnector(reconnector::start);
        }
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
        return new ProducerBuilder(producers);
    }

    /**
     * Start building a reader.
     *
     * @return a new reader builder.
     */
    public ReaderBuilder newReader()
    {
        return new ReaderBuilder(consumers);
    }

    /**
     * Start building a consumer.
     *
     * @return a new consumer builder.
     */
    public ConsumerBuilder newConsumer()
    {
        return new ConsumerBuilder(consumers);
    }

    /**
     * Administration of the broker through this client's session, like Pulsar's {@code PulsarAdmin}:
     * {@code admin().namespaces()} and {@code admin().topics()}.
     *
     * @return the admin client; it lives as long as this client.
     */
    public AdminClient admin()
    {
        return admin;
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
        return connector.ping();
    }

    /**
     * @return the name the broker gave in its {@code Connected} answer.
     */
    public String brokerName()
    {
        return connector.brokerName();
    }

    /**
     * @return the largest payload the broker accepts, in bytes.
     */
    public int maxMessageSize()
    {
        return connector.maxMessageSize();
    }

    /**
     * @return protocol version the broker answered with.
     */
    public int brokerProtocolVersion()
    {
        return connector.brokerProtocolVersion();
    }

    /**
     * @return session id of the client's ingress publication, which the broker uses as the session key.
     */
    public int sessionId()
    {
        return connector.sessionId();
    }

    /**
     * @return frames from the broker that were skipped: other schemas, unknown templates, decoding failures.
     */
    public long unknownFrameCount()
    {
        return connector.unknownFrameCount();
    }

    /**
     * @return true once {@link #close()} was called.
     */
    public boolean isClosed()
    {
        return connector.isClosed();
    }

    /**
     * Whether the session with the broker is up. It is from {@link ClientBuilder#build()} until the client notices
     * that the session is gone (see the class description), again once a reconnect has restored it, and no longer
     * after {@link #close()}.
     *
     * @return true while the client is open and its session with the broker is not lost.
     */
    public boolean isConnected()
    {
        return connector.isConnected();
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
        connector.requests().checkNotConductorThread("close the client");
        if (!connector.beginClose())
        {
            return;
        }

        final long deadlineNs = System.nanoTime() + connector.operationTimeoutNs();
        final boolean brokerReachable = connector.isBrokerReachable();
        MagnetarClientException failure = producers.closeAll(deadlineNs, brokerReachable, null);
        failure = consumers.closeAll(deadlineNs, brokerReachable, failure);
        failure = connector.disconnectAndRelease(deadlineNs, brokerReachable, failure);

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
        return "MagnetarClient{" + connector + '}';
    }
}
