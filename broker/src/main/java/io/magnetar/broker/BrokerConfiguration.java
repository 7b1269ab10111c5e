package io.magnetar.broker;

import io.magnetar.broker.policy.Durations;
import io.magnetar.broker.policy.Sizes;
import io.magnetar.mediadriver.IdleConfiguration;
import org.agrona.SystemUtil;
import org.agrona.concurrent.IdleStrategy;

/**
 * Configuration keys of the broker, each a system property, with their defaults. The broker reads them through
 * {@link BrokerContext}; a command line overrides them.
 */
public final class BrokerConfiguration
{
    /** Name of this broker, sent to clients. */
    public static final String BROKER_NAME_PROP_NAME = "magnetar.broker.name";
    /** Default broker name. */
    public static final String BROKER_NAME_DEFAULT = "standalone";
    /** Name of the cluster this broker serves, as Pulsar's {@code clusterName}. */
    public static final String CLUSTER_NAME_PROP_NAME = "magnetar.cluster.name";
    /** Default cluster name, as Pulsar's standalone has it. */
    public static final String CLUSTER_NAME_DEFAULT = "standalone";
    /** Roles that may do everything when authentication is on, comma separated, as Pulsar's superUserRoles. */
    public static final String SUPERUSER_ROLES_PROP_NAME = "magnetar.superuser.roles";
    /** URL of this broker's admin API recorded with its cluster, e.g. {@code http://localhost:8080}; none if unset. */
    public static final String WEB_SERVICE_URL_PROP_NAME = "magnetar.web.service.url";

    /** Address the UDP ingress binds to. */
    public static final String BIND_ADDRESS_PROP_NAME = "magnetar.bind.address";
    /** Default: every interface. */
    public static final String BIND_ADDRESS_DEFAULT = "0.0.0.0";

    /** UDP port of the client ingress. */
    public static final String PORT_PROP_NAME = "magnetar.port";
    /** Default client port, as Pulsar's. */
    public static final int PORT_DEFAULT = 6650;

    /**
     * Idle strategy of the broker's agent threads (session and shards) in the default profile: {@code backoff}
     * (spins and yields as {@code magnetar.idle.max.spins} and {@code magnetar.idle.max.yields} say, then parks up to
     * {@link #AGENT_IDLE_MAX_PARK_PROP_NAME}) or one of Aeron's names ({@code yield}, {@code spin}, ...). The
     * low-latency profile spins.
     */
    public static final String AGENT_IDLE_STRATEGY_PROP_NAME = "magnetar.broker.idle.strategy";
    /** Longest park of the agent threads' {@code backoff}, e.g. {@code 100us}. */
    public static final String AGENT_IDLE_MAX_PARK_PROP_NAME = "magnetar.broker.idle.max.park";
    /**
     * Default longest park of the agent threads: 1 ms. With 3,000 yields first, a busy broker never reaches it; an
     * idle one wakes a thousand times a second, not ten thousand (idle broker 18% → 8% of a core, latency at 10k and
     * 1k msg/s no worse: docs/benchmarks.md).
     */
    public static final long AGENT_IDLE_MAX_PARK_DEFAULT_NS = 1_000_000;

    /**
     * Longest park of the log-sync thread, which group-commits (fsyncs) for namespaces at {@code fsync}: with no such
     * namespace it has nothing to do, and parks of 100 µs cost an idle broker a tenth of a core.
     */
    public static final String LOG_SYNC_IDLE_MAX_PARK_PROP_NAME = "magnetar.log.sync.idle.max.park";
    /** Default longest park of the log-sync thread: 1 ms, short beside the fsync it waits to start. */
    public static final long LOG_SYNC_IDLE_MAX_PARK_DEFAULT_NS = 1_000_000;

    /**
     * Receiver window of each client's image on the UDP ingress ({@code rcv-wnd}): how many bytes one client may
     * have in flight towards the broker before Aeron's flow control holds it, and so how much of a flooding
     * client's traffic can sit ahead of another client's message in the ingress socket. 0 for Aeron's default.
     */
    public static final String INGRESS_RECEIVER_WINDOW_PROP_NAME = "magnetar.ingress.receiver.window";

    /**
     * Default ingress receiver window: 0, Aeron's default.
     */
    public static final int INGRESS_RECEIVER_WINDOW_DEFAULT = 0;

    /**
     * @return {@link #MAX_PARTITIONS_PROP_NAME} or its default.
     */
    public static int maxPartitions()
    {
        return Integer.getInteger(MAX_PARTITIONS_PROP_NAME, MAX_PARTITIONS_DEFAULT);
    }

    /**
     * @return {@link #INGRESS_RECEIVER_WINDOW_PROP_NAME} in bytes, 0 for Aeron's default.
     */
    public static int ingressReceiverWindow()
    {
        return SystemUtil.getSizeAsInt(INGRESS_RECEIVER_WINDOW_PROP_NAME, INGRESS_RECEIVER_WINDOW_DEFAULT);
    }

    /** Whether clients on this host may connect over IPC through the broker's media driver. */
    public static final String IPC_ENABLED_PROP_NAME = "magnetar.ipc.enabled";
    /** Default: IPC enabled. */
    public static final boolean IPC_ENABLED_DEFAULT = true;

    /** Data directory: the archive lives in its {@code archive} subdirectory. */
    public static final String DATA_DIR_PROP_NAME = "magnetar.data.dir";
    /** Default data directory, relative to the working directory. */
    public static final String DATA_DIR_DEFAULT = "magnetar-data";

    /** Number of shard logs; topics map to shards by the hash of their name. */
    public static final String SHARD_COUNT_PROP_NAME = "magnetar.shard.count";
    /** Default shard count. */
    public static final int SHARD_COUNT_DEFAULT = 1;
    /** Most shard logs a broker may have. */
    public static final int MAX_SHARD_COUNT = 1024;

    /**
     * Free bytes on the archive's volume below which it counts as full: sends to persistent topics are refused
     * (PERSISTENCE_ERROR) while consumers keep reading and acknowledging, and accepted again once a quarter more is
     * free. A size, e.g. {@code 64m}.
     */
    public static final String DISK_MIN_FREE_PROP_NAME = "magnetar.disk.min.free";
    /**
     * Default of {@link #DISK_MIN_FREE_PROP_NAME}: 64 MiB. It is raised to at least what can be in flight to the
     * archive when sends stop: one term of each shard's three logs.
     */
    public static final long DISK_MIN_FREE_DEFAULT = 64L * 1024 * 1024;

    /** How often the free space of the archive's volume and the archive's liveness are checked, a duration. */
    public static final String DISK_CHECK_INTERVAL_PROP_NAME = "magnetar.disk.check.interval";
    /**
     * Default of {@link #DISK_CHECK_INTERVAL_PROP_NAME}: 10 ms, a statfs call of a few microseconds; at 1 GB/s the
     * log grows 10 MB between checks, well inside the minimum free space.
     */
    public static final long DISK_CHECK_INTERVAL_DEFAULT_NS = 10_000_000;

    /** The archive counts as stopped when its mark file's activity timestamp is older than this (Aeron's). */
    public static final long ARCHIVE_LIVENESS_TIMEOUT_MS = 10_000;

    /** Term length of a new shard log's recorded stream. */
    public static final String SHARD_TERM_LENGTH_PROP_NAME = "magnetar.shard.term.length";
    /** Default shard term length: 16 MiB. */
    public static final int SHARD_TERM_LENGTH_DEFAULT = 16 * 1024 * 1024;

    /** Term length of the publications that answer clients. */
    public static final String EGRESS_TERM_LENGTH_PROP_NAME = "magnetar.egress.term.length";
    /** Default egress term length: 8 MiB, enough for 1 MiB messages. */
    public static final int EGRESS_TERM_LENGTH_DEFAULT = 8 * 1024 * 1024;

    /** Largest payload a producer may send, in bytes. */
    public static final String MAX_MESSAGE_SIZE_PROP_NAME = "magnetar.max.message.size";
    /** Default maximum message size: 1 MiB minus room for a key and headers (1/8 of the default egress term). */
    public static final int MAX_MESSAGE_SIZE_DEFAULT = 1024 * 1024 - 8192;

    /** Most partitions a partitioned topic may have (Pulsar's {@code maxNumPartitionsPerPartitionedTopic}). */
    public static final String MAX_PARTITIONS_PROP_NAME = "magnetar.max.partitions";
    /** Default most partitions a topic: 10,000. */
    public static final int MAX_PARTITIONS_DEFAULT = 10_000;

    /** Commands in flight from the session agent to one shard agent. */
    public static final String SHARD_QUEUE_CAPACITY_PROP_NAME = "magnetar.shard.queue.capacity";
    /**
     * Default shard queue capacity: 512 pooled commands of 2 KiB, about the size of a core's L2 cache here, so the
     * session agent copies frames into commands that are still cached (4,096 cycled through 8 MiB, a cache miss per
     * frame, and gave ~20% less throughput).
     */
    public static final int SHARD_QUEUE_CAPACITY_DEFAULT = 512;

    /** Commands per shard that carry frames longer than 2 KiB, each as large as the largest message. */
    public static final String LARGE_FRAME_POOL_SIZE_PROP_NAME = "magnetar.shard.large.frame.pool.size";
    /** Default large frame pool size. */
    public static final int LARGE_FRAME_POOL_SIZE_DEFAULT = 8;

    /** How long a new session may take until its answer channel connects, in milliseconds. */
    public static final String SESSION_CONNECT_TIMEOUT_PROP_NAME = "magnetar.session.connect.timeout.ms";
    /** Default session connect timeout. */
    public static final long SESSION_CONNECT_TIMEOUT_DEFAULT = 10_000;

    /** Malformed frames a session may send before the broker closes it. */
    public static final String MAX_BAD_FRAMES_PROP_NAME = "magnetar.session.max.bad.frames";
    /** Default bad frame budget per session. */
    public static final int MAX_BAD_FRAMES_DEFAULT = 100;

    /**
     * Default retention size of namespaces: the newest bytes of each topic kept regardless of acks, e.g.
     * {@code 10g}; -1 (default) for no size limit.
     */
    public static final String RETENTION_SIZE_PROP_NAME = "magnetar.retention.size";
    /**
     * Default retention time of namespaces, e.g. {@code 24h} or {@code 3600} (a bare number is seconds); -1 (default)
     * for no time limit.
     */
    public static final String RETENTION_TIME_PROP_NAME = "magnetar.retention.time";
    /**
     * Message TTL, e.g. {@code 1h} or {@code 600} (a bare number is seconds): unacknowledged messages older than this
     * are acknowledged; -1 (default) off.
     */
    public static final String MESSAGE_TTL_PROP_NAME = "magnetar.message.ttl";
    /** Backlog quota per subscription in bytes, e.g. {@code 10g}; -1 (default) for none. */
    public static final String BACKLOG_QUOTA_SIZE_PROP_NAME = "magnetar.backlog.quota.size";
    /**
     * What happens beyond the backlog quota: producer_request_hold, producer_exception or consumer_backlog_eviction.
     */
    public static final String BACKLOG_QUOTA_POLICY_PROP_NAME = "magnetar.backlog.quota.policy";
    /** Default backlog quota policy. */
    public static final String BACKLOG_QUOTA_POLICY_DEFAULT = "producer_exception";

    /** How long producer_request_hold holds a message before refusing it, e.g. {@code 30s} (a bare number is s). */
    public static final String BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME = "magnetar.backlog.quota.hold.timeout";
    /** Default hold timeout: Pulsar's default send timeout, in ms. */
    public static final long BACKLOG_QUOTA_HOLD_TIMEOUT_DEFAULT_MS = 30_000;
    /**
     * Key_Shared: how long a joining consumer waits for keys that moved to it while the consumer they moved from
     * still holds unacknowledged messages of them, e.g. {@code 10s} (a bare number is s). Past it the keys go to the
     * joining consumer anyway, and their order across the two consumers is no longer promised.
     */
    public static final String KEY_SHARED_DRAIN_TIMEOUT_PROP_NAME = "magnetar.key.shared.drain.timeout";
    /** Default Key_Shared drain timeout, in ms. */
    public static final long KEY_SHARED_DRAIN_TIMEOUT_DEFAULT_MS = 10_000;
    /**
     * Key_Shared: most entries of a subscription that may wait for their consumer (no permits, draining keys); with
     * that many waiting, no further entry is read (Pulsar's
     * {@code keySharedLookAheadMsgInReplayThresholdPerSubscription}).
     */
    public static final String KEY_SHARED_LOOK_AHEAD_PROP_NAME = "magnetar.key.shared.look.ahead";
    /** Default Key_Shared look-ahead, as Pulsar's. */
    public static final int KEY_SHARED_LOOK_AHEAD_DEFAULT = 20_000;
    /**
     * Deduplicate sends by producer name and sequence id in namespaces that do not set it (Pulsar's
     * {@code brokerDeduplicationEnabled}); default false.
     */
    public static final String DEDUPLICATION_ENABLED_PROP_NAME = "magnetar.deduplication.enabled";
    /**
     * Producer names a topic keeps for deduplication; beyond them the name idle longest is forgotten (Pulsar's
     * {@code brokerDeduplicationMaxNumberOfProducers}).
     */
    public static final String DEDUPLICATION_MAX_PRODUCERS_PROP_NAME = "magnetar.deduplication.max.producers";
    /** Default producer names per topic kept for deduplication. */
    public static final int DEDUPLICATION_MAX_PRODUCERS_DEFAULT = 10_000;
    /**
     * How long a producer name with no producer connected is kept for deduplication, e.g. {@code 6h} (a bare number
     * is seconds; Pulsar's {@code brokerDeduplicationProducerInactivityTimeoutMinutes}).
     */
    public static final String DEDUPLICATION_INACTIVITY_TIMEOUT_PROP_NAME =
        "magnetar.deduplication.producer.inactivity.timeout";
    /** Default inactivity timeout of a producer name, in ms: six hours, as Pulsar's. */
    public static final long DEDUPLICATION_INACTIVITY_TIMEOUT_DEFAULT_MS = 6 * 60 * 60 * 1000L;
    /** How often a shard looks for segments to reclaim, in ms. */
    public static final long RETENTION_CHECK_INTERVAL_MS_DEFAULT = 1000;

    /** Bytes of the distinct error log in the broker's mark file ({@link BrokerMarkFile}), e.g. {@code 1m}. */
    public static final String ERROR_BUFFER_LENGTH_PROP_NAME = "magnetar.error.buffer.length";
    /** Default error log length: 1 MiB. */
    public static final int ERROR_BUFFER_LENGTH_DEFAULT = 1024 * 1024;

    /** Stream id of the client ingress, on UDP and IPC. */
    public static final int INGRESS_STREAM_ID = 1001;
    /** Client protocol version this broker speaks. */
    public static final int PROTOCOL_VERSION = 10;
    /** Shard log N records on IPC stream {@code SHARD_LOG_STREAM_ID_BASE + N}. */
    public static final int SHARD_LOG_STREAM_ID_BASE = 1_100_000;
    /** Index log (index snapshots) of shard N records on IPC stream {@code INDEX_LOG_STREAM_ID_BASE + N}. */
    public static final int INDEX_LOG_STREAM_ID_BASE = 1_300_000;
    /** Term length of an index log: a record (one part of a topic's index, at most 128 KiB) fits an eighth. */
    public static final int INDEX_LOG_TERM_LENGTH = 2 * 1024 * 1024;
    /** Shard log bytes between index snapshots, e.g. {@code 64m}: recovery scans at most about this much log. */
    public static final String INDEX_SNAPSHOT_INTERVAL_PROP_NAME = "magnetar.index.snapshot.interval";
    /** Default shard log bytes between index snapshots. */
    public static final long INDEX_SNAPSHOT_INTERVAL_DEFAULT = 64L * 1024 * 1024;
    /** Cursor log of shard N records on IPC stream {@code CURSOR_LOG_STREAM_ID_BASE + N}. */
    public static final int CURSOR_LOG_STREAM_ID_BASE = 1_200_000;
    /** Term length of cursor logs. */
    public static final int CURSOR_LOG_TERM_LENGTH = 4 * 1024 * 1024;

    private BrokerConfiguration()
    {
    }

    /**
     * @return {@link #RETENTION_SIZE_PROP_NAME} in bytes, or -1 for no size limit (the default).
     * @throws IllegalArgumentException if the property is neither a size nor -1.
     */
    public static long retentionSizeBytes()
    {
        return Sizes.toBytesOrUnlimited(
            RETENTION_SIZE_PROP_NAME, System.getProperty(RETENTION_SIZE_PROP_NAME, "-1"));
    }

    /**
     * @return {@link #BACKLOG_QUOTA_SIZE_PROP_NAME} in bytes, or -1 for no quota (the default).
     * @throws IllegalArgumentException if the property is neither a size nor -1.
     */
    public static long backlogQuotaSizeBytes()
    {
        return Sizes.toBytesOrUnlimited(
            BACKLOG_QUOTA_SIZE_PROP_NAME, System.getProperty(BACKLOG_QUOTA_SIZE_PROP_NAME, "-1"));
    }

    /**
     * @return {@link #RETENTION_TIME_PROP_NAME} in ms, or -1 for no time limit (the default).
     * @throws IllegalArgumentException if the property is neither a duration nor -1.
     */
    public static long retentionTimeMs()
    {
        return Durations.toMillisOrOff(RETENTION_TIME_PROP_NAME, System.getProperty(RETENTION_TIME_PROP_NAME, "-1"));
    }

    /**
     * @return {@link #MESSAGE_TTL_PROP_NAME} in ms, or -1 for no TTL (the default).
     * @throws IllegalArgumentException if the property is neither a duration nor -1.
     */
    public static long messageTtlMs()
    {
        return Durations.toMillisOrOff(MESSAGE_TTL_PROP_NAME, System.getProperty(MESSAGE_TTL_PROP_NAME, "-1"));
    }

    /**
     * @return a new idle strategy for the broker's agent threads in the default profile, as
     * {@link #AGENT_IDLE_STRATEGY_PROP_NAME} names it.
     */
    public static IdleStrategy agentIdleStrategy()
    {
        return IdleConfiguration.idleStrategy(
            AGENT_IDLE_STRATEGY_PROP_NAME,
            SystemUtil.getDurationInNanos(AGENT_IDLE_MAX_PARK_PROP_NAME, AGENT_IDLE_MAX_PARK_DEFAULT_NS));
    }

    /**
     * @return {@link #BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME} in ms, or its default.
     * @throws IllegalArgumentException if the property is not a duration.
     */
    public static long backlogQuotaHoldTimeoutMs()
    {
        final String value = System.getProperty(BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME);

        return null == value ?
            BACKLOG_QUOTA_HOLD_TIMEOUT_DEFAULT_MS : Durations.toMillis(BACKLOG_QUOTA_HOLD_TIMEOUT_PROP_NAME, value);
    }

    /**
     * @return {@link #KEY_SHARED_DRAIN_TIMEOUT_PROP_NAME} in ms, or its default.
     * @throws IllegalArgumentException if the property is not a duration.
     */
    public static long keySharedDrainTimeoutMs()
    {
        final String value = System.getProperty(KEY_SHARED_DRAIN_TIMEOUT_PROP_NAME);

        return null == value ?
            KEY_SHARED_DRAIN_TIMEOUT_DEFAULT_MS : Durations.toMillis(KEY_SHARED_DRAIN_TIMEOUT_PROP_NAME, value);
    }

    /**
     * @return {@link #KEY_SHARED_LOOK_AHEAD_PROP_NAME}, or its default.
     * @throws IllegalArgumentException if it is not positive.
     */
    public static int keySharedLookAhead()
    {
        final int value = Integer.getInteger(KEY_SHARED_LOOK_AHEAD_PROP_NAME, KEY_SHARED_LOOK_AHEAD_DEFAULT);
        if (value < 1)
        {
            throw new IllegalArgumentException(KEY_SHARED_LOOK_AHEAD_PROP_NAME + " must be positive: " + value);
        }
        return value;
    }

    /**
     * @return {@link #DEDUPLICATION_MAX_PRODUCERS_PROP_NAME}, or its default.
     */
    public static int deduplicationMaxProducers()
    {
        return Integer.getInteger(DEDUPLICATION_MAX_PRODUCERS_PROP_NAME, DEDUPLICATION_MAX_PRODUCERS_DEFAULT);
    }

    /**
     * @return {@link #DEDUPLICATION_INACTIVITY_TIMEOUT_PROP_NAME} in ms, or its default.
     * @throws IllegalArgumentException if the property is not a duration.
     */
    public static long deduplicationInactivityTimeoutMs()
    {
        final String value = System.getProperty(DEDUPLICATION_INACTIVITY_TIMEOUT_PROP_NAME);

        return null == value ? DEDUPLICATION_INACTIVITY_TIMEOUT_DEFAULT_MS :
            Durations.toMillis(DEDUPLICATION_INACTIVITY_TIMEOUT_PROP_NAME, value);
    }
}
