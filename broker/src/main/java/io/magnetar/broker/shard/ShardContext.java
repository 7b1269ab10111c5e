package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.mediadriver.Durability;
import io.magnetar.storage.RecordedLog;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemEpochClock;
import org.jctools.queues.SpscArrayQueue;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * What one {@link TopicShardAgent} is given: its logs, its command queues, its counters and the broker's settings.
 * Set the fields, then {@link #conclude()} before handing it to the agent.
 */
public final class ShardContext
{
    private int shard;
    private int shardCount = 1;
    private String brokerName = "standalone";
    private int maxMessageSize;
    private RecordedLog entryLog;
    private RecordedLog cursorLog;
    private RecordedLog indexLog;
    private long snapshotIntervalBytes = 64L * 1024 * 1024;
    private SpscArrayQueue<ShardCommand> commandQueue;
    private SpscArrayQueue<ShardCommand> freeCommands;
    private SpscArrayQueue<ShardCommand> freeLargeCommands;
    private BrokerCounters.Shard counters;
    private ErrorHandler errorHandler;
    private EpochClock epochClock;
    private RetentionPolicy retention = RetentionPolicy.INFINITE;
    private BacklogQuota backlogQuota = BacklogQuota.NONE;
    private Durability durability = Durability.ARCHIVED;
    private long holdTimeoutNs;
    private long keySharedDrainTimeoutNs =
        TimeUnit.MILLISECONDS.toNanos(BrokerConfiguration.KEY_SHARED_DRAIN_TIMEOUT_DEFAULT_MS);
    private int keySharedLookAhead = BrokerConfiguration.KEY_SHARED_LOOK_AHEAD_DEFAULT;
    private StorageGate storageGate;
    private long[] policyDefaults;
    private boolean deduplication;
    private int deduplicationMaxProducers = 10_000;
    private long deduplicationInactivityTimeoutMs = 6 * 60 * 60 * 1000L;

    /**
     * Check that everything needed is set and derive the rest.
     *
     * @return this for a fluent API.
     */
    public ShardContext conclude()
    {
        Objects.requireNonNull(entryLog, "entryLog");
        Objects.requireNonNull(cursorLog, "cursorLog");
        Objects.requireNonNull(indexLog, "indexLog");
        Objects.requireNonNull(commandQueue, "commandQueue");
        Objects.requireNonNull(freeCommands, "freeCommands");
        Objects.requireNonNull(freeLargeCommands, "freeLargeCommands");
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(errorHandler, "errorHandler");
        if (shard < 0 || shard >= shardCount)
        {
            throw new IllegalArgumentException("shard " + shard + " is not below the shard count " + shardCount);
        }
        if (maxMessageSize <= 0)
        {
            throw new IllegalArgumentException("maxMessageSize must be positive: " + maxMessageSize);
        }
        if (null == epochClock)
        {
            epochClock = SystemEpochClock.INSTANCE;
        }
        if (null == storageGate)
        {
            storageGate = StorageGate.alwaysOpen();
        }
        if (deduplicationMaxProducers < 1)
        {
            throw new IllegalArgumentException(
                "deduplicationMaxProducers must be at least 1: " + deduplicationMaxProducers);
        }
        policyDefaults = NamespacePolicies.defaults(durability, retention, backlogQuota, deduplication);

        return this;
    }

    /**
     * @param deduplication true if namespaces that do not set it deduplicate sends.
     * @return this for a fluent API.
     */
    public ShardContext deduplication(final boolean deduplication)
    {
        this.deduplication = deduplication;
        return this;
    }

    /**
     * @param maxProducers producer names a topic keeps for deduplication; beyond them the one idle longest goes.
     * @return this for a fluent API.
     */
    public ShardContext deduplicationMaxProducers(final int maxProducers)
    {
        this.deduplicationMaxProducers = maxProducers;
        return this;
    }

    /**
     * @return producer names a topic keeps for deduplication.
     */
    public int deduplicationMaxProducers()
    {
        return deduplicationMaxProducers;
    }

    /**
     * @param timeoutMs how long a producer name with no producer connected is kept for deduplication.
     * @return this for a fluent API.
     */
    public ShardContext deduplicationInactivityTimeoutMs(final long timeoutMs)
    {
        this.deduplicationInactivityTimeoutMs = timeoutMs;
        return this;
    }

    /**
     * @return how long a producer name with no producer connected is kept for deduplication, in ms.
     */
    public long deduplicationInactivityTimeoutMs()
    {
        return deduplicationInactivityTimeoutMs;
    }

    /**
     * @param shard number of this shard.
     * @return this for a fluent API.
     */
    public ShardContext shard(final int shard)
    {
        this.shard = shard;
        return this;
    }

    /**
     * @return number of this shard.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @param shardCount number of topic shards of the broker.
     * @return this for a fluent API.
     */
    public ShardContext shardCount(final int shardCount)
    {
        this.shardCount = shardCount;
        return this;
    }

    /**
     * @return number of topic shards of the broker.
     */
    public int shardCount()
    {
        return shardCount;
    }

    /**
     * @param brokerName used for generated producer names.
     * @return this for a fluent API.
     */
    public ShardContext brokerName(final String brokerName)
    {
        this.brokerName = brokerName;
        return this;
    }

    /**
     * @return the broker's name, used for generated producer names.
     */
    public String brokerName()
    {
        return brokerName;
    }

    /**
     * @param maxMessageSize largest payload accepted.
     * @return this for a fluent API.
     */
    public ShardContext maxMessageSize(final int maxMessageSize)
    {
        this.maxMessageSize = maxMessageSize;
        return this;
    }

    /**
     * @return largest payload accepted.
     */
    public int maxMessageSize()
    {
        return maxMessageSize;
    }

    /**
     * @param entryLog the shard log of entries.
     * @return this for a fluent API.
     */
    public ShardContext entryLog(final RecordedLog entryLog)
    {
        this.entryLog = entryLog;
        return this;
    }

    /**
     * @return the shard log of entries.
     */
    public RecordedLog entryLog()
    {
        return entryLog;
    }

    /**
     * @param cursorLog the shard's cursor log.
     * @return this for a fluent API.
     */
    public ShardContext cursorLog(final RecordedLog cursorLog)
    {
        this.cursorLog = cursorLog;
        return this;
    }

    /**
     * @return the shard's cursor log.
     */
    public RecordedLog cursorLog()
    {
        return cursorLog;
    }

    /**
     * @param indexLog the shard's index log, which holds index snapshots.
     * @return this for a fluent API.
     */
    public ShardContext indexLog(final RecordedLog indexLog)
    {
        this.indexLog = indexLog;
        return this;
    }

    /**
     * @return the shard's index log, which holds index snapshots.
     */
    public RecordedLog indexLog()
    {
        return indexLog;
    }

    /**
     * @param snapshotIntervalBytes shard log bytes between index snapshots.
     * @return this for a fluent API.
     */
    public ShardContext snapshotIntervalBytes(final long snapshotIntervalBytes)
    {
        this.snapshotIntervalBytes = snapshotIntervalBytes;
        return this;
    }

    /**
     * @return shard log bytes between index snapshots.
     */
    public long snapshotIntervalBytes()
    {
        return snapshotIntervalBytes;
    }

    /**
     * @param commandQueue commands from the session agent.
     * @return this for a fluent API.
     */
    public ShardContext commandQueue(final SpscArrayQueue<ShardCommand> commandQueue)
    {
        this.commandQueue = commandQueue;
        return this;
    }

    /**
     * @return commands from the session agent.
     */
    public SpscArrayQueue<ShardCommand> commandQueue()
    {
        return commandQueue;
    }

    /**
     * @param freeCommands pool to return handled small commands to.
     * @return this for a fluent API.
     */
    public ShardContext freeCommands(final SpscArrayQueue<ShardCommand> freeCommands)
    {
        this.freeCommands = freeCommands;
        return this;
    }

    /**
     * @return pool to return handled small commands to.
     */
    public SpscArrayQueue<ShardCommand> freeCommands()
    {
        return freeCommands;
    }

    /**
     * @param freeLargeCommands pool to return handled large commands to.
     * @return this for a fluent API.
     */
    public ShardContext freeLargeCommands(final SpscArrayQueue<ShardCommand> freeLargeCommands)
    {
        this.freeLargeCommands = freeLargeCommands;
        return this;
    }

    /**
     * @return pool to return handled large commands to.
     */
    public SpscArrayQueue<ShardCommand> freeLargeCommands()
    {
        return freeLargeCommands;
    }

    /**
     * @param counters of this shard.
     * @return this for a fluent API.
     */
    public ShardContext counters(final BrokerCounters.Shard counters)
    {
        this.counters = counters;
        return this;
    }

    /**
     * @return counters of this shard.
     */
    public BrokerCounters.Shard counters()
    {
        return counters;
    }

    /**
     * @param errorHandler for errors.
     * @return this for a fluent API.
     */
    public ShardContext errorHandler(final ErrorHandler errorHandler)
    {
        this.errorHandler = errorHandler;
        return this;
    }

    /**
     * @return handler for errors.
     */
    public ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * @param epochClock for publish times.
     * @return this for a fluent API.
     */
    public ShardContext epochClock(final EpochClock epochClock)
    {
        this.epochClock = epochClock;
        return this;
    }

    /**
     * @return clock for publish times.
     */
    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * @param retention the broker's default retention, and how often reclaim and the other sweeps run.
     * @return this for a fluent API.
     */
    public ShardContext retention(final RetentionPolicy retention)
    {
        this.retention = retention;
        return this;
    }

    /**
     * @return the broker's default retention, and how often reclaim and the other sweeps run.
     */
    public RetentionPolicy retention()
    {
        return retention;
    }

    /**
     * @param backlogQuota the broker's default backlog quota.
     * @return this for a fluent API.
     */
    public ShardContext backlogQuota(final BacklogQuota backlogQuota)
    {
        this.backlogQuota = backlogQuota;
        return this;
    }

    /**
     * @param durability of the broker's archive: the default durability of namespaces.
     * @return this for a fluent API.
     */
    public ShardContext durability(final Durability durability)
    {
        this.durability = durability;
        return this;
    }

    /**
     * @return true if fsync namespaces wait for the log sync agent: the archive itself does not sync.
     */
    public boolean syncedByAgent()
    {
        return Durability.ARCHIVED == durability;
    }

    /**
     * @param keySharedDrainTimeoutNs how long a joining Key_Shared consumer waits for keys another holds.
     * @return this for a fluent API.
     */
    public ShardContext keySharedDrainTimeoutNs(final long keySharedDrainTimeoutNs)
    {
        this.keySharedDrainTimeoutNs = keySharedDrainTimeoutNs;
        return this;
    }

    /**
     * @return how long a joining Key_Shared consumer waits for keys another holds, in ns.
     */
    public long keySharedDrainTimeoutNs()
    {
        return keySharedDrainTimeoutNs;
    }

    /**
     * @param keySharedLookAhead most entries of a Key_Shared subscription that may wait for their consumer.
     * @return this for a fluent API.
     */
    public ShardContext keySharedLookAhead(final int keySharedLookAhead)
    {
        this.keySharedLookAhead = keySharedLookAhead;
        return this;
    }

    /**
     * @return most entries of a Key_Shared subscription that may wait for their consumer.
     */
    public int keySharedLookAhead()
    {
        return keySharedLookAhead;
    }

    /**
     * @param holdTimeoutNs how long producer_request_hold holds a message before refusing it.
     * @return this for a fluent API.
     */
    public ShardContext holdTimeoutNs(final long holdTimeoutNs)
    {
        this.holdTimeoutNs = holdTimeoutNs;
        return this;
    }

    /**
     * @return how long producer_request_hold holds a message before refusing it.
     */
    public long holdTimeoutNs()
    {
        return holdTimeoutNs;
    }

    /**
     * @param storageGate whether sends to persistent topics may be stored (the disk is not full, the archive runs).
     * @return this for a fluent API.
     */
    public ShardContext storageGate(final StorageGate storageGate)
    {
        this.storageGate = storageGate;
        return this;
    }

    /**
     * @return whether sends to persistent topics may be stored; one that never closes by default.
     */
    public StorageGate storageGate()
    {
        return storageGate;
    }

    /**
     * @return the broker's default value of every namespace policy field, set by {@link #conclude()}.
     */
    long[] policyDefaults()
    {
        return policyDefaults;
    }
}
