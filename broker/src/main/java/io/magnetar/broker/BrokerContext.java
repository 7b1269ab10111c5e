package io.magnetar.broker;

import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.broker.session.SessionAgent;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.RetentionPolicy;
import io.aeron.exceptions.ConfigurationException;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.mediadriver.Profile;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

import java.io.File;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * Settings of a {@link MagnetarBroker}; each defaults to its system property in {@link BrokerConfiguration}.
 */
public final class BrokerContext
{
    private static final System.Logger LOGGER = System.getLogger(MagnetarBroker.class.getName());

    private String brokerName = System.getProperty(
        BrokerConfiguration.BROKER_NAME_PROP_NAME, BrokerConfiguration.BROKER_NAME_DEFAULT);
    private String clusterName = System.getProperty(
        BrokerConfiguration.CLUSTER_NAME_PROP_NAME, BrokerConfiguration.CLUSTER_NAME_DEFAULT);
    private String webServiceUrl = System.getProperty(BrokerConfiguration.WEB_SERVICE_URL_PROP_NAME);
    private Set<String> superuserRoles = parseRoles(System.getProperty(BrokerConfiguration.SUPERUSER_ROLES_PROP_NAME));
    private String bindAddress = System.getProperty(
        BrokerConfiguration.BIND_ADDRESS_PROP_NAME, BrokerConfiguration.BIND_ADDRESS_DEFAULT);
    private int port = Integer.getInteger(BrokerConfiguration.PORT_PROP_NAME, BrokerConfiguration.PORT_DEFAULT);
    private boolean ipcEnabled = Boolean.parseBoolean(System.getProperty(
        BrokerConfiguration.IPC_ENABLED_PROP_NAME, Boolean.toString(BrokerConfiguration.IPC_ENABLED_DEFAULT)));
    private File dataDir = new File(System.getProperty(
        BrokerConfiguration.DATA_DIR_PROP_NAME, BrokerConfiguration.DATA_DIR_DEFAULT));
    private int shardCount = Integer.getInteger(
        BrokerConfiguration.SHARD_COUNT_PROP_NAME, BrokerConfiguration.SHARD_COUNT_DEFAULT);
    private int shardTermLength = SystemUtil.getSizeAsInt(
        BrokerConfiguration.SHARD_TERM_LENGTH_PROP_NAME, BrokerConfiguration.SHARD_TERM_LENGTH_DEFAULT);
    private int egressTermLength = SystemUtil.getSizeAsInt(
        BrokerConfiguration.EGRESS_TERM_LENGTH_PROP_NAME, BrokerConfiguration.EGRESS_TERM_LENGTH_DEFAULT);
    private int maxMessageSize = SystemUtil.getSizeAsInt(
        BrokerConfiguration.MAX_MESSAGE_SIZE_PROP_NAME, BrokerConfiguration.MAX_MESSAGE_SIZE_DEFAULT);
    private int shardQueueCapacity = Integer.getInteger(
        BrokerConfiguration.SHARD_QUEUE_CAPACITY_PROP_NAME, BrokerConfiguration.SHARD_QUEUE_CAPACITY_DEFAULT);
    private int largeFramePoolSize = Integer.getInteger(
        BrokerConfiguration.LARGE_FRAME_POOL_SIZE_PROP_NAME, BrokerConfiguration.LARGE_FRAME_POOL_SIZE_DEFAULT);
    private long sessionConnectTimeoutMs = Long.getLong(
        BrokerConfiguration.SESSION_CONNECT_TIMEOUT_PROP_NAME, BrokerConfiguration.SESSION_CONNECT_TIMEOUT_DEFAULT);
    private int maxBadFrames = Integer.getInteger(
        BrokerConfiguration.MAX_BAD_FRAMES_PROP_NAME, BrokerConfiguration.MAX_BAD_FRAMES_DEFAULT);
    private RetentionPolicy retention = new RetentionPolicy(
        BrokerConfiguration.retentionSizeBytes(),
        BrokerConfiguration.retentionTimeMs(),
        BrokerConfiguration.messageTtlMs(),
        BrokerConfiguration.RETENTION_CHECK_INTERVAL_MS_DEFAULT);
    private BacklogQuota backlogQuota = new BacklogQuota(
        BrokerConfiguration.backlogQuotaSizeBytes(),
        BacklogQuota.parsePolicy(System.getProperty(
            BrokerConfiguration.BACKLOG_QUOTA_POLICY_PROP_NAME, BrokerConfiguration.BACKLOG_QUOTA_POLICY_DEFAULT)));
    private int errorBufferLength = SystemUtil.getSizeAsInt(
        BrokerConfiguration.ERROR_BUFFER_LENGTH_PROP_NAME, BrokerConfiguration.ERROR_BUFFER_LENGTH_DEFAULT);
    private long indexSnapshotIntervalBytes = SystemUtil.getSizeAsLong(
        BrokerConfiguration.INDEX_SNAPSHOT_INTERVAL_PROP_NAME, BrokerConfiguration.INDEX_SNAPSHOT_INTERVAL_DEFAULT);
    private long backlogQuotaHoldTimeoutMs = BrokerConfiguration.backlogQuotaHoldTimeoutMs();
    private boolean deduplication = Boolean.getBoolean(BrokerConfiguration.DEDUPLICATION_ENABLED_PROP_NAME);
    private long diskMinFreeBytes = SystemUtil.getSizeAsLong(
        BrokerConfiguration.DISK_MIN_FREE_PROP_NAME, BrokerConfiguration.DISK_MIN_FREE_DEFAULT);
    private MagnetarMediaDriver.Context driverContext = new MagnetarMediaDriver.Context();
    private boolean embeddedMediaDriver = true;
    private ErrorHandler errorHandler;
    private Consumer<String> logger = (line) -> LOGGER.log(System.Logger.Level.INFO, line);
    private IdleStrategy idleStrategy;
    private TokenAuthenticator authenticator;

    /**
     * Validate and fill in defaults.
     *
     * @return this for a fluent API.
     */
    public BrokerContext conclude()
    {
        if (shardCount < 1 || shardCount > BrokerConfiguration.MAX_SHARD_COUNT)
        {
            throw new ConfigurationException(
                "shardCount must be 1.." + BrokerConfiguration.MAX_SHARD_COUNT + ": " + shardCount);
        }
        if (port < 0 || port > 65535)
        {
            throw new ConfigurationException("port must be 0..65535: " + port);
        }
        if (maxMessageSize < 1)
        {
            throw new ConfigurationException("maxMessageSize must be positive: " + maxMessageSize);
        }
        SessionAgent.checkMessageFits(maxMessageSize, "egressTermLength", egressTermLength);
        SessionAgent.checkMessageFits(maxMessageSize, "shardTermLength", shardTermLength);
        if (largeFramePoolSize < 1)
        {
            throw new ConfigurationException("largeFramePoolSize must be at least 1: " + largeFramePoolSize);
        }
        if (shardQueueCapacity < 16)
        {
            throw new ConfigurationException("shardQueueCapacity must be at least 16: " + shardQueueCapacity);
        }
        if (indexSnapshotIntervalBytes <= 0)
        {
            throw new ConfigurationException(
                "indexSnapshotIntervalBytes must be positive: " + indexSnapshotIntervalBytes);
        }
        final String clusterFailure = io.magnetar.broker.policy.TopicName.checkName("cluster name", clusterName);
        if (null != clusterFailure)
        {
            throw new ConfigurationException(clusterFailure);
        }
        if (null == errorHandler)
        {
            errorHandler = BrokerErrorLog.defaultApplicationHandler();
        }
        // room for what is in flight to the archive when sends stop: a term of each shard's three logs
        diskMinFreeBytes = Math.max(diskMinFreeBytes, shardCount * ((long)shardTermLength +
            BrokerConfiguration.CURSOR_LOG_TERM_LENGTH + BrokerConfiguration.INDEX_LOG_TERM_LENGTH));
        if (null == idleStrategy)
        {
            idleStrategy = driverContext.profile() == Profile.LOW_LATENCY &&
                null == System.getProperty(BrokerConfiguration.AGENT_IDLE_STRATEGY_PROP_NAME) ?
                new BusySpinIdleStrategy() : BrokerConfiguration.agentIdleStrategy();
        }
        if (embeddedMediaDriver)
        {
            driverContext.archiveDir(new File(dataDir, "archive"));
        }

        return this;
    }

    /** @param clusterName of the cluster this broker serves. @return this for a fluent API. */
    public BrokerContext clusterName(final String clusterName)
    {
        this.clusterName = clusterName;
        return this;
    }

    /** @return name of the cluster this broker serves. */
    public String clusterName()
    {
        return clusterName;
    }

    /** @param webServiceUrl of this broker's admin API, recorded with its cluster; null if none. @return this. */
    public BrokerContext webServiceUrl(final String webServiceUrl)
    {
        this.webServiceUrl = webServiceUrl;
        return this;
    }

    /** @return URL of this broker's admin API, or null. */
    public String webServiceUrl()
    {
        return webServiceUrl;
    }

    /** @param superuserRoles roles that may do everything when authentication is on. @return this. */
    public BrokerContext superuserRoles(final Set<String> superuserRoles)
    {
        this.superuserRoles = Set.copyOf(superuserRoles);
        return this;
    }

    /** @return roles that may do everything when authentication is on. */
    public Set<String> superuserRoles()
    {
        return superuserRoles;
    }

    /**
     * @param roles comma-separated role names, or null.
     * @return the roles, blanks dropped.
     */
    public static Set<String> parseRoles(final String roles)
    {
        final Set<String> parsed = new TreeSet<>();
        if (null != roles)
        {
            for (final String role : roles.split(","))
            {
                if (!role.isBlank())
                {
                    parsed.add(role.trim());
                }
            }
        }
        return Collections.unmodifiableSet(parsed);
    }

    /** @param brokerName sent to clients. @return this for a fluent API. */
    public BrokerContext brokerName(final String brokerName)
    {
        this.brokerName = brokerName;
        return this;
    }

    /** @return the broker's name. */
    public String brokerName()
    {
        return brokerName;
    }

    /** @param bindAddress address the UDP ingress binds to. @return this for a fluent API. */
    public BrokerContext bindAddress(final String bindAddress)
    {
        this.bindAddress = bindAddress;
        return this;
    }

    /** @return address the UDP ingress binds to. */
    public String bindAddress()
    {
        return bindAddress;
    }

    /** @param port UDP port of the client ingress; 0 picks a free one. @return this for a fluent API. */
    public BrokerContext port(final int port)
    {
        this.port = port;
        return this;
    }

    /** @return UDP port of the client ingress. */
    public int port()
    {
        return port;
    }

    /** @param ipcEnabled accept clients over IPC. @return this for a fluent API. */
    public BrokerContext ipcEnabled(final boolean ipcEnabled)
    {
        this.ipcEnabled = ipcEnabled;
        return this;
    }

    /** @return whether clients may connect over IPC. */
    public boolean ipcEnabled()
    {
        return ipcEnabled;
    }

    /** @param dataDir data directory; the archive lives in its {@code archive} subdirectory. @return this. */
    public BrokerContext dataDir(final File dataDir)
    {
        this.dataDir = dataDir;
        return this;
    }

    /** @return the data directory. */
    public File dataDir()
    {
        return dataDir;
    }

    /** @param shardCount number of shard logs. @return this for a fluent API. */
    public BrokerContext shardCount(final int shardCount)
    {
        this.shardCount = shardCount;
        return this;
    }

    /** @return number of shard logs. */
    public int shardCount()
    {
        return shardCount;
    }

    /** @param shardTermLength term length of new shard logs. @return this for a fluent API. */
    public BrokerContext shardTermLength(final int shardTermLength)
    {
        this.shardTermLength = shardTermLength;
        return this;
    }

    /** @return term length of new shard logs. */
    public int shardTermLength()
    {
        return shardTermLength;
    }

    /** @param egressTermLength term length of answer publications. @return this for a fluent API. */
    public BrokerContext egressTermLength(final int egressTermLength)
    {
        this.egressTermLength = egressTermLength;
        return this;
    }

    /** @return term length of answer publications. */
    public int egressTermLength()
    {
        return egressTermLength;
    }

    /** @param maxMessageSize largest payload accepted. @return this for a fluent API. */
    public BrokerContext maxMessageSize(final int maxMessageSize)
    {
        this.maxMessageSize = maxMessageSize;
        return this;
    }

    /** @return largest payload accepted. */
    public int maxMessageSize()
    {
        return maxMessageSize;
    }

    /** @param shardQueueCapacity commands in flight to one shard. @return this for a fluent API. */
    public BrokerContext shardQueueCapacity(final int shardQueueCapacity)
    {
        this.shardQueueCapacity = shardQueueCapacity;
        return this;
    }

    /** @return commands in flight to one shard. */
    public int shardQueueCapacity()
    {
        return shardQueueCapacity;
    }

    /** @param largeFramePoolSize commands per shard for frames longer than 2 KiB. @return this. */
    public BrokerContext largeFramePoolSize(final int largeFramePoolSize)
    {
        this.largeFramePoolSize = largeFramePoolSize;
        return this;
    }

    /** @return commands per shard for frames longer than 2 KiB. */
    public int largeFramePoolSize()
    {
        return largeFramePoolSize;
    }

    /** @param sessionConnectTimeoutMs how long a session's answer channel may take. @return this. */
    public BrokerContext sessionConnectTimeoutMs(final long sessionConnectTimeoutMs)
    {
        this.sessionConnectTimeoutMs = sessionConnectTimeoutMs;
        return this;
    }

    /** @return how long a session's answer channel may take to connect, in ms. */
    public long sessionConnectTimeoutMs()
    {
        return sessionConnectTimeoutMs;
    }

    /** @param maxBadFrames malformed frames a session may send before it is closed. @return this. */
    public BrokerContext maxBadFrames(final int maxBadFrames)
    {
        this.maxBadFrames = maxBadFrames;
        return this;
    }

    /** @return malformed frames a session may send before it is closed. */
    public int maxBadFrames()
    {
        return maxBadFrames;
    }

    /** @param retention how long acknowledged entries are kept. @return this for a fluent API. */
    public BrokerContext retention(final RetentionPolicy retention)
    {
        this.retention = retention;
        return this;
    }

    /** @return how long acknowledged entries are kept. */
    public RetentionPolicy retention()
    {
        return retention;
    }

    /**
     * @param indexSnapshotIntervalBytes shard log bytes between index snapshots.
     * @return this for a fluent API.
     */
    public BrokerContext indexSnapshotIntervalBytes(final long indexSnapshotIntervalBytes)
    {
        this.indexSnapshotIntervalBytes = indexSnapshotIntervalBytes;
        return this;
    }

    /** @return shard log bytes between index snapshots. */
    public long indexSnapshotIntervalBytes()
    {
        return indexSnapshotIntervalBytes;
    }

    /**
     * @param backlogQuotaHoldTimeoutMs how long producer_request_hold holds a message before refusing it.
     * @return this for a fluent API.
     */
    public BrokerContext backlogQuotaHoldTimeoutMs(final long backlogQuotaHoldTimeoutMs)
    {
        this.backlogQuotaHoldTimeoutMs = backlogQuotaHoldTimeoutMs;
        return this;
    }

    /** @return how long producer_request_hold holds a message before refusing it, in ms. */
    public long backlogQuotaHoldTimeoutMs()
    {
        return backlogQuotaHoldTimeoutMs;
    }

    /** @param backlogQuota how much a subscription may hold back. @return this for a fluent API. */
    public BrokerContext backlogQuota(final BacklogQuota backlogQuota)
    {
        this.backlogQuota = backlogQuota;
        return this;
    }

    /** @return how much a subscription may hold back. */
    public BacklogQuota backlogQuota()
    {
        return backlogQuota;
    }

    /** @param deduplication true to deduplicate sends where a namespace does not say. @return this. */
    public BrokerContext deduplication(final boolean deduplication)
    {
        this.deduplication = deduplication;
        return this;
    }

    /** @return true if namespaces that do not set it deduplicate sends. */
    public boolean deduplication()
    {
        return deduplication;
    }

    /** @param diskMinFreeBytes free bytes of the archive's volume below which sends are refused; raised in
     * {@link #conclude()} to a term of each shard's logs. @return this for a fluent API. */
    public BrokerContext diskMinFreeBytes(final long diskMinFreeBytes)
    {
        this.diskMinFreeBytes = diskMinFreeBytes;
        return this;
    }

    /** @return free bytes of the archive's volume below which sends are refused. */
    public long diskMinFreeBytes()
    {
        return diskMinFreeBytes;
    }

    /** @param authenticator checks each client's token, or null (the default) to take clients without one.
     * @return this for a fluent API. */
    public BrokerContext authenticator(final TokenAuthenticator authenticator)
    {
        this.authenticator = authenticator;
        return this;
    }

    /** @return what checks each client's token, or null if clients need none. */
    public TokenAuthenticator authenticator()
    {
        return authenticator;
    }

    /** @param driverContext settings of the media driver and archive. @return this for a fluent API. */
    public BrokerContext driverContext(final MagnetarMediaDriver.Context driverContext)
    {
        this.driverContext = driverContext;
        return this;
    }

    /** @return settings of the media driver and archive. */
    public MagnetarMediaDriver.Context driverContext()
    {
        return driverContext;
    }

    /**
     * @param embeddedMediaDriver true to launch the driver and archive in this process; false to use the ones
     *                            running in {@link MagnetarMediaDriver.Context#aeronDirectoryName()}.
     * @return this for a fluent API.
     */
    public BrokerContext embeddedMediaDriver(final boolean embeddedMediaDriver)
    {
        this.embeddedMediaDriver = embeddedMediaDriver;
        return this;
    }

    /** @return whether the driver and archive run in this process. */
    public boolean embeddedMediaDriver()
    {
        return embeddedMediaDriver;
    }

    /**
     * @param errorBufferLength bytes of the distinct error log in the broker's mark file.
     * @return this for a fluent API.
     */
    public BrokerContext errorBufferLength(final int errorBufferLength)
    {
        this.errorBufferLength = errorBufferLength;
        return this;
    }

    /** @return bytes of the distinct error log in the broker's mark file. */
    public int errorBufferLength()
    {
        return errorBufferLength;
    }

    /**
     * @param errorHandler for errors of the broker's agents, after they are recorded in the mark file's error
     *                     log; by default a log line.
     * @return this for a fluent API.
     */
    public BrokerContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /** @return handler for errors of the broker's agents. */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /** @param logger for start-up and recovery lines. @return this for a fluent API. */
    public BrokerContext logger(final Consumer<String> logger)
    {
        this.logger = logger;
        return this;
    }

    /** @return logger for start-up and recovery lines. */
    public Consumer<String> logger()
    {
        return logger;
    }

    /** @param idleStrategy of the broker's agent thread. @return this for a fluent API. */
    public BrokerContext idleStrategy(final IdleStrategy idleStrategy)
    {
        this.idleStrategy = idleStrategy;
        return this;
    }

    /** @return idle strategy of the broker's agent thread. */
    public IdleStrategy idleStrategy()
    {
        return idleStrategy;
    }
}
