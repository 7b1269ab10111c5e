package io.magnetar.client;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.IdleStrategy;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Settings of a {@link MagnetarClient}; get one from {@link MagnetarClient#builder()}. Defaults come from the
 * system properties in {@link MagnetarClient.Configuration}.
 */
public final class ClientBuilder
{
    private static final int MIN_TERM_LENGTH = 64 * 1024;
    private static final int MAX_TERM_LENGTH = 1024 * 1024 * 1024;
    private static final int MAX_AUTH_TOKEN_LENGTH = 4096;

    private String serviceUrl = MagnetarClient.Configuration.serviceUrl();
    private String aeronDirectoryName = MagnetarClient.Configuration.aeronDirectoryName();
    private long operationTimeoutNs = MagnetarClient.Configuration.operationTimeoutNs();
    private long connectionLossGraceNs = MagnetarClient.Configuration.connectionLossGraceNs();
    private long connectionTimeoutNs = MagnetarClient.Configuration.connectionTimeoutNs();
    private String clientName = MagnetarClient.Configuration.clientName();
    private String authToken = MagnetarClient.Configuration.authToken();
    private int termLength = MagnetarClient.Configuration.termLength();
    private boolean reconnect = MagnetarClient.Configuration.reconnect();
    private long memoryLimitBytes = MagnetarClient.Configuration.memoryLimitBytes();
    private IdleStrategy idleStrategy;
    private ErrorHandler errorHandler;

    ClientBuilder()
    {
    }

    /**
     * @param serviceUrl {@code magnetar://host[:port]} for UDP (port 6650 if omitted), or {@code magnetar+ipc://}
     *                   for IPC through a media driver on this host.
     * @return this for a fluent API.
     */
    public ClientBuilder serviceUrl(final String serviceUrl)
    {
        this.serviceUrl = serviceUrl;
        return this;
    }

    /**
     * @param aeronDirectoryName directory of a running media driver to use. Optional: for IPC it defaults to Aeron's
     *                           default directory; for UDP without it the client launches its own embedded driver.
     * @return this for a fluent API.
     */
    public ClientBuilder aeronDirectoryName(final String aeronDirectoryName)
    {
        this.aeronDirectoryName = aeronDirectoryName;
        return this;
    }

    /**
     * @param operationTimeout bound on every blocking call and on waiting for a send receipt.
     * @return this for a fluent API.
     */
    public ClientBuilder operationTimeout(final Duration operationTimeout)
    {
        this.operationTimeoutNs = null == operationTimeout ? 0 : operationTimeout.toNanos();
        return this;
    }

    /**
     * @param operationTimeout bound on every blocking call and on waiting for a send receipt.
     * @param unit             of the timeout.
     * @return this for a fluent API.
     */
    public ClientBuilder operationTimeout(final long operationTimeout, final TimeUnit unit)
    {
        this.operationTimeoutNs = unit.toNanos(operationTimeout);
        return this;
    }

    /**
     * @param connectionTimeout bound on each attempt to reach the broker and shake hands, the first and each
     *                          reconnect (Pulsar's {@code connectionTimeout}); the operation timeout bounds it too.
     *                          Default {@link MagnetarClient.Configuration#CONNECTION_TIMEOUT_DEFAULT_NS}.
     * @return this for a fluent API.
     */
    public ClientBuilder connectionTimeout(final Duration connectionTimeout)
    {
        this.connectionTimeoutNs = null == connectionTimeout ? 0 : connectionTimeout.toNanos();
        return this;
    }

    /**
     * @param connectionLossGrace how long the broker may stay disconnected from the client's ingress (as the
     *                            media driver sees it) before the client treats its session as lost. Default
     *                            {@link MagnetarClient.Configuration#CONNECTION_LOSS_GRACE_DEFAULT_NS}.
     * @return this for a fluent API.
     */
    public ClientBuilder connectionLossGrace(final Duration connectionLossGrace)
    {
        this.connectionLossGraceNs = null == connectionLossGrace ? 0 : connectionLossGrace.toNanos();
        return this;
    }

    /**
     * @param reconnect true (the default, {@link MagnetarClient.Configuration#RECONNECT_PROP_NAME}) to bring a lost
     *                  session back by itself: producers and consumers are created again, unreceipted sends resent,
     *                  and the application sees a delay; false to fail everything at once with
     *                  {@link MagnetarClientException.ConnectionLostException}.
     * @return this for a fluent API.
     */
    public ClientBuilder reconnect(final boolean reconnect)
    {
        this.reconnect = reconnect;
        return this;
    }

    /**
     * @param bytes most bytes (keys and payloads) of sends waiting for their receipt across every producer of this
     *              client (Pulsar's {@code memoryLimit}); beyond it sends wait or fail as their producer's
     *              {@code blockIfQueueFull} says, and offers answer {@code BACK_PRESSURED}. 0 for no limit. Default
     *              {@link MagnetarClient.Configuration#MEMORY_LIMIT_DEFAULT}.
     * @return this for a fluent API.
     */
    public ClientBuilder memoryLimit(final long bytes)
    {
        this.memoryLimitBytes = bytes;
        return this;
    }

    /**
     * @param authToken JWT of the client's role (as {@code bin/magnetar tokens create} makes it), sent when the
     *                  client connects and reconnects; needed by a broker started with authentication. Default
     *                  {@link MagnetarClient.Configuration#AUTH_TOKEN_PROP_NAME}, or none.
     * @return this for a fluent API.
     */
    public ClientBuilder authToken(final String authToken)
    {
        this.authToken = null == authToken ? "" : authToken.trim();
        return this;
    }

    /**
     * @param clientName name the broker shows for this client; optional.
     * @return this for a fluent API.
     */
    public ClientBuilder clientName(final String clientName)
    {
        this.clientName = null == clientName ? "" : clientName;
        return this;
    }

    /**
     * @param termLength term length of the client's ingress publication: a power of two from 64 KiB to 1 GiB. The
     *                   largest message is an eighth of it.
     * @return this for a fluent API.
     */
    public ClientBuilder termLength(final int termLength)
    {
        this.termLength = termLength;
        return this;
    }

    /**
     * @param idleStrategy of the client's conductor thread; default backs off to parks of 1 to 100 µs.
     * @return this for a fluent API.
     */
    public ClientBuilder idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /**
     * @param errorHandler for failures no caller waits for (broker errors without a request, failed permits,
     *                     Aeron errors); default prints them to standard error.
     * @return this for a fluent API.
     */
    public ClientBuilder errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * Connect to the broker.
     *
     * @return a connected client.
     * @throws MagnetarClientException if the settings are invalid or the broker could not be reached or refused.
     */
    public MagnetarClient build() throws MagnetarClientException
    {
        final ServiceUrl parsedUrl;
        try
        {
            parsedUrl = ServiceUrl.parse(serviceUrl);
        }
        catch (final IllegalArgumentException ex)
        {
            throw new MagnetarClientException(ex.getMessage(), ex);
        }

        if (operationTimeoutNs <= 0)
        {
            throw new MagnetarClientException("operationTimeout must be positive");
        }
        if (authToken.length() > MAX_AUTH_TOKEN_LENGTH)
        {
            throw new MagnetarClientException("authToken is longer than " + MAX_AUTH_TOKEN_LENGTH + " characters");
        }
        if (memoryLimitBytes < 0)
        {
            throw new MagnetarClientException("memoryLimit must be zero (no limit) or positive");
        }
        if (connectionTimeoutNs <= 0)
        {
            throw new MagnetarClientException("connectionTimeout must be positive");
        }
        if (connectionLossGraceNs <= 0)
        {
            throw new MagnetarClientException("connectionLossGrace must be positive");
        }
        if (termLength < MIN_TERM_LENGTH || termLength > MAX_TERM_LENGTH || Integer.bitCount(termLength) != 1)
        {
            throw new MagnetarClientException(
                "termLength must be a power of two from 64 KiB to 1 GiB, not " + termLength);
        }
        if (null != aeronDirectoryName && aeronDirectoryName.isBlank())
        {
            throw new MagnetarClientException("aeronDirectoryName is blank");
        }

        return new MagnetarClient(Connector.connect(
            parsedUrl,
            aeronDirectoryName,
            operationTimeoutNs,
            Math.min(connectionTimeoutNs, operationTimeoutNs),
            connectionLossGraceNs,
            clientName,
            authToken,
            termLength,
            null == idleStrategy ? MagnetarClient.Configuration.conductorIdleStrategy() : idleStrategy,
            null == errorHandler ? MagnetarClient.Configuration.DEFAULT_ERROR_HANDLER : errorHandler),
            reconnect,
            memoryLimitBytes);
    }
}
