package io.magnetar.admin;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aeron.exceptions.ConfigurationException;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import java.io.File;

/**
 * The broker's HTTP port: the {@code /admin/v2} REST API with Pulsar's paths and JSON (clusters, tenants,
 * namespaces and their policies, topics and subscriptions, broker health), served by Jetty beside a running
 * {@link MagnetarBroker}. Metadata calls go to the broker's metadata store; calls that need the shards go through a
 * client session of this server's own to the broker (over IPC when the broker allows it; with a token of the
 * broker's internal key when it requires one). With authentication on, every call needs a bearer token the broker
 * accepts. Launch with
 * {@link #launch(Context)}; nothing here runs on the broker's agent thread.
 */
public final class AdminServer implements AutoCloseable
{
    /**
     * Settings of the admin API; each defaults to its system property.
     */
    public static final class Context
    {
        /** Port of the HTTP admin API, as Pulsar's {@code webServicePort}. */
        public static final String HTTP_PORT_PROP_NAME = "magnetar.http.port";
        /** Default HTTP port, Pulsar's. */
        public static final int HTTP_PORT_DEFAULT = 8080;
        /** Port of the admin API over TLS, as Pulsar's {@code webServicePortTls}; served when a key store is given. */
        public static final String HTTPS_PORT_PROP_NAME = "magnetar.https.port";
        /** Default TLS port, Pulsar's. */
        public static final int HTTPS_PORT_DEFAULT = 8443;
        /** Key store (PKCS12 or JKS) of the admin API's TLS certificate and key; none: no TLS port. */
        public static final String TLS_KEY_STORE_PROP_NAME = "magnetar.tls.keystore";
        /** Password of the key store. */
        public static final String TLS_KEY_STORE_PASSWORD_PROP_NAME = "magnetar.tls.keystore.password";
        /** Largest request body accepted. */
        public static final String MAX_BODY_LENGTH_PROP_NAME = "magnetar.http.max.body.length";
        /** Default largest request body: 1 MiB. */
        public static final int MAX_BODY_LENGTH_DEFAULT = 1024 * 1024;
        /** How long a health check waits for its message. */
        public static final String HEALTH_TIMEOUT_MS_PROP_NAME = "magnetar.health.timeout.ms";
        /** Default health-check timeout: 10 s. */
        public static final long HEALTH_TIMEOUT_MS_DEFAULT = 10_000;
        /** How often every topic's counters are sampled for rates and metrics (Pulsar's statsUpdateFrequencyInSecs). */
        public static final String STATS_INTERVAL_SECONDS_PROP_NAME = "magnetar.stats.interval.seconds";
        /** Default stats interval: 60 s, Pulsar's. */
        public static final long STATS_INTERVAL_SECONDS_DEFAULT = 60;
        /** Whether /metrics has a series per topic (Pulsar's exposeTopicLevelMetricsInPrometheus) or per namespace. */
        public static final String EXPOSE_TOPIC_LEVEL_METRICS_PROP_NAME = "magnetar.expose.topic.level.metrics";
        /** Default: a series per topic. */
        public static final boolean EXPOSE_TOPIC_LEVEL_METRICS_DEFAULT = true;

        private int port = Integer.getInteger(HTTP_PORT_PROP_NAME, HTTP_PORT_DEFAULT);
        private boolean httpEnabled = true;
        private int tlsPort = Integer.getInteger(HTTPS_PORT_PROP_NAME, HTTPS_PORT_DEFAULT);
        private String keyStorePath = System.getProperty(TLS_KEY_STORE_PROP_NAME);
        private String keyStorePassword = System.getProperty(TLS_KEY_STORE_PASSWORD_PROP_NAME);
        private String bindAddress;
        private int maxBodyLength = Integer.getInteger(MAX_BODY_LENGTH_PROP_NAME, MAX_BODY_LENGTH_DEFAULT);
        private long healthTimeoutMs = Long.getLong(HEALTH_TIMEOUT_MS_PROP_NAME, HEALTH_TIMEOUT_MS_DEFAULT);
        private long statsIntervalMs =
            1000L * Long.getLong(STATS_INTERVAL_SECONDS_PROP_NAME, STATS_INTERVAL_SECONDS_DEFAULT);
        private boolean exposeTopicLevelMetrics = Boolean.parseBoolean(System.getProperty(
            EXPOSE_TOPIC_LEVEL_METRICS_PROP_NAME, Boolean.toString(EXPOSE_TOPIC_LEVEL_METRICS_DEFAULT)));
        private MagnetarBroker broker;
        private ErrorHandler errorHandler;

        /**
         * Validate and fill in defaults.
         *
         * @return this for a fluent API.
         */
        public Context conclude()
        {
            if (null == broker)
            {
                throw new ConfigurationException("the admin API needs a running broker");
            }
            if (port < 0 || port > 65535 || tlsPort < 0 || tlsPort > 65535)
            {
                throw new ConfigurationException("HTTP ports must be 0..65535: " + port + ", " + tlsPort);
            }
            if (null != keyStorePath && !new File(keyStorePath).canRead())
            {
                throw new ConfigurationException("TLS key store " + keyStorePath + " cannot be read");
            }
            if (null != keyStorePath && null == keyStorePassword)
            {
                throw new ConfigurationException("TLS key store " + keyStorePath + " needs its password");
            }
            if (!httpEnabled && null == keyStorePath)
            {
                throw new ConfigurationException("the admin API needs its HTTP port or a TLS key store");
            }
            if (statsIntervalMs < 100)
            {
                throw new ConfigurationException("statsIntervalMs must be at least 100: " + statsIntervalMs);
            }
            if (maxBodyLength < 1)
            {
                throw new ConfigurationException("maxBodyLength must be positive: " + maxBodyLength);
            }
            if (null == bindAddress)
            {
                bindAddress = broker.context().bindAddress();
            }
            if (null == errorHandler)
            {
                errorHandler = broker.errorHandler();
            }
            return this;
        }

        /** @param port HTTP port; 0 for any free one. @return this for a fluent API. */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /** @return HTTP port asked for. */
        public int port()
        {
            return port;
        }

        /** @param httpEnabled false to serve TLS only. @return this for a fluent API. */
        public Context httpEnabled(final boolean httpEnabled)
        {
            this.httpEnabled = httpEnabled;
            return this;
        }

        /** @param tlsPort TLS port; 0 for any free one. @return this for a fluent API. */
        public Context tlsPort(final int tlsPort)
        {
            this.tlsPort = tlsPort;
            return this;
        }

        /**
         * @param keyStorePath     key store (PKCS12 or JKS) holding the certificate and key; null for no TLS port.
         * @param keyStorePassword its password.
         * @return this for a fluent API.
         */
        public Context tlsKeyStore(final String keyStorePath, final String keyStorePassword)
        {
            this.keyStorePath = keyStorePath;
            this.keyStorePassword = keyStorePassword;
            return this;
        }

        /** @param bindAddress to bind the HTTP port to; the broker's by default. @return this. */
        public Context bindAddress(final String bindAddress)
        {
            this.bindAddress = bindAddress;
            return this;
        }

        /** @return address the HTTP port binds to. */
        public String bindAddress()
        {
            return bindAddress;
        }

        /** @param maxBodyLength largest request body accepted. @return this for a fluent API. */
        public Context maxBodyLength(final int maxBodyLength)
        {
            this.maxBodyLength = maxBodyLength;
            return this;
        }

        /** @param healthTimeoutMs how long a health check waits for its message. @return this. */
        public Context healthTimeoutMs(final long healthTimeoutMs)
        {
            this.healthTimeoutMs = healthTimeoutMs;
            return this;
        }

        /** @param statsIntervalMs how often every topic's counters are sampled. @return this for a fluent API. */
        public Context statsIntervalMs(final long statsIntervalMs)
        {
            this.statsIntervalMs = statsIntervalMs;
            return this;
        }

        /** @param exposeTopicLevelMetrics true for a series per topic, false per namespace. @return this. */
        public Context exposeTopicLevelMetrics(final boolean exposeTopicLevelMetrics)
        {
            this.exposeTopicLevelMetrics = exposeTopicLevelMetrics;
            return this;
        }

        /** @param broker the running broker to administer. @return this for a fluent API. */
        public Context broker(final MagnetarBroker broker)
        {
            this.broker = broker;
            return this;
        }

        /** @param errorHandler told of failures of the broker, not of a request. @return this. */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }
    }

    private final Context ctx;
    private MagnetarClient client;
    private StatsSampler sampler;
    private Server server;
    private ServerConnector connector;
    private ServerConnector tlsConnector;

    private AdminServer(final Context ctx)
    {
        this.ctx = ctx;
    }

    /**
     * Start the admin API: connect its session to the broker, create the health check's system namespace if missing,
     * then bind the HTTP port.
     *
     * @param ctx settings; concluded here.
     * @return the running server.
     * @throws MagnetarClientException if the session to the broker could not be made.
     */
    public static AdminServer launch(final Context ctx) throws MagnetarClientException
    {
        ctx.conclude();
        final AdminServer server = new AdminServer(ctx);
        try
        {
            server.start();
        }
        catch (final Exception ex)
        {
            server.close();
            if (ex instanceof MagnetarClientException)
            {
                throw (MagnetarClientException)ex;
            }
            if (ex instanceof RuntimeException)
            {
                throw (RuntimeException)ex;
            }
            throw new IllegalStateException("the admin API failed to start on port " + ctx.port + ": " +
                ex.getMessage(), ex);
        }
        return server;
    }

    private void start() throws Exception
    {
        final MagnetarBroker broker = ctx.broker;
        final boolean ipc = broker.context().ipcEnabled();
        final TokenAuthenticator authenticator = broker.context().authenticator();
        client = MagnetarClient.builder()
            .serviceUrl(ipc ? "magnetar+ipc://" : broker.serviceUrl())
            .aeronDirectoryName(ipc ? broker.aeronDirectoryName() : null)
            .clientName("magnetar-admin")
            .authToken(null != authenticator ? authenticator.internalToken(Authorizer.INTERNAL_ROLE) : null)
            .errorHandler(ctx.errorHandler)
            .build();

        final ObjectMapper mapper = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        final Routes routes = new Routes(mapper, ctx.errorHandler, ctx.maxBodyLength, authenticator);
        final RestAccess access = new RestAccess(broker.authorizer());
        new ClustersResource(broker.metadata(), access).register(routes);
        new TenantsResource(broker.metadata(), access).register(routes);
        new NamespacesResource(broker.metadata(), () -> client, access).register(routes);
        sampler = new StatsSampler(() -> client, broker.context().shardCount(), ctx.statsIntervalMs, ctx.errorHandler);
        new TopicsResource(broker.metadata(), () -> client, new TopicStatsView(sampler), access).register(routes);
        new MetricsResource(sampler, broker.countersReader(), broker.context().clusterName(),
            ctx.exposeTopicLevelMetrics).register(routes);
        final BrokersResource brokers = new BrokersResource(
            broker.metadata(), () -> client, broker.countersReader(), broker.context().brokerName(),
            ctx.healthTimeoutMs);
        brokers.register(routes, access);
        brokers.createSystemNamespace();

        final QueuedThreadPool threads = new QueuedThreadPool(16, 2, 60_000);
        threads.setName("magnetar-admin");
        server = new Server(threads);
        if (ctx.httpEnabled)
        {
            connector = new ServerConnector(server, 1, 1);
            connector.setHost(ctx.bindAddress);
            connector.setPort(ctx.port);
            server.addConnector(connector);
        }
        if (null != ctx.keyStorePath)
        {
            final SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setKeyStorePath(ctx.keyStorePath);
            tls.setKeyStorePassword(ctx.keyStorePassword);
            tlsConnector = new ServerConnector(server, 1, 1,
                new SslConnectionFactory(tls, HttpVersion.HTTP_1_1.asString()), new HttpConnectionFactory());
            tlsConnector.setHost(ctx.bindAddress);
            tlsConnector.setPort(ctx.tlsPort);
            server.addConnector(tlsConnector);
        }
        server.setHandler(routes);
        server.start();
        sampler.start();
    }

    /**
     * @return the port the HTTP API is bound to, or -1 if it serves TLS only.
     */
    public int port()
    {
        return null == connector ? -1 : connector.getLocalPort();
    }

    /**
     * @return the admin URL, e.g. {@code http://localhost:8080}; the TLS one if there is no plain HTTP port.
     */
    public String url()
    {
        return null == connector ? tlsUrl() : "http://" + host() + ":" + port();
    }

    /**
     * @return the admin URL over TLS, e.g. {@code https://localhost:8443}, or null when no key store was given.
     */
    public String tlsUrl()
    {
        return null == tlsConnector ? null : "https://" + host() + ":" + tlsConnector.getLocalPort();
    }

    private String host()
    {
        return "0.0.0.0".equals(ctx.bindAddress) ? "localhost" : ctx.bindAddress;
    }

    /**
     * Stop serving HTTP, then close the session to the broker.
     */
    public void close()
    {
        if (null != server)
        {
            try
            {
                server.stop();
            }
            catch (final Exception ex)
            {
                ctx.errorHandler.onError(ex);
            }
        }
        CloseHelper.quietCloseAll(sampler, client);
    }
}
