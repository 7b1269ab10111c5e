package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.broker.session.SessionAgent;
import io.magnetar.broker.shard.ShardContext;
import io.magnetar.broker.shard.StorageGate;
import io.magnetar.broker.shard.TopicShardAgent;
import io.magnetar.mediadriver.IdleConfiguration;
import io.magnetar.storage.LogSyncAgent;
import io.magnetar.storage.RecordedLog;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SystemEpochClock;
import org.jctools.queues.SpscArrayQueue;

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The broker's topic shards as they start: each shard's three logs, its command queue and pools, its counters and
 * its recovered {@link TopicShardAgent}; and what the session agent and the log sync agent need from them.
 */
final class BrokerShards
{
    final SpscArrayQueue<ShardCommand>[] commandQueues;
    final SpscArrayQueue<ShardCommand>[] freeCommands;
    final SpscArrayQueue<ShardCommand>[] freeLargeCommands;
    final List<TopicShardAgent> agents = new ArrayList<>();
    final List<RecordedLog> logs = new ArrayList<>();
    final List<LogSyncAgent.SyncedLog> syncedLogs = new ArrayList<>();
    final Set<String> namespaces = new HashSet<>();

    /**
     * Open every shard's logs and recover its agent.
     *
     * @param storageGate whether sends may be stored: the disk space agent's state.
     * @param resources   takes everything opened, to be closed with the broker.
     */
    @SuppressWarnings({ "unchecked", "rawtypes" }) // arrays of generic queues
    BrokerShards(
        final BrokerContext ctx,
        final Aeron aeron,
        final AeronArchive archive,
        final File archiveDir,
        final int segmentFileLength,
        final StorageGate storageGate,
        final ErrorHandler errorHandler,
        final List<AutoCloseable> resources)
    {
        final int shardCount = ctx.shardCount();
        commandQueues = new SpscArrayQueue[shardCount];
        freeCommands = new SpscArrayQueue[shardCount];
        freeLargeCommands = new SpscArrayQueue[shardCount];
        namespaces.add(SessionAgent.DEFAULT_NAMESPACE);
        for (int shard = 0; shard < shardCount; shard++)
        {
            final RecordedLog entryLog = open(ctx, resources, RecordedLog.open(
                "shard-" + shard, aeron, archive, archiveDir, segmentFileLength,
                BrokerConfiguration.SHARD_LOG_STREAM_ID_BASE + shard, ctx.shardTermLength()));
            final RecordedLog cursorLog = open(ctx, resources, RecordedLog.open(
                "cursors-" + shard, aeron, archive, archiveDir, segmentFileLength,
                BrokerConfiguration.CURSOR_LOG_STREAM_ID_BASE + shard, BrokerConfiguration.CURSOR_LOG_TERM_LENGTH));
            final RecordedLog indexLog = open(ctx, resources, RecordedLog.open(
                "indexes-" + shard, aeron, archive, archiveDir, segmentFileLength,
                BrokerConfiguration.INDEX_LOG_STREAM_ID_BASE + shard, BrokerConfiguration.INDEX_LOG_TERM_LENGTH));
            logs.add(entryLog);
            logs.add(cursorLog);
            logs.add(indexLog);
            createCommandPools(ctx, shard);

            final BrokerCounters.Shard shardCounters = new BrokerCounters.Shard(aeron, shard);
            resources.add(shardCounters);
            final TopicShardAgent shardAgent = new TopicShardAgent(new ShardContext()
                .shard(shard)
                .shardCount(shardCount)
                .brokerName(ctx.brokerName())
                .maxMessageSize(ctx.maxMessageSize())
                .entryLog(entryLog)
                .cursorLog(cursorLog)
                .indexLog(indexLog)
                .snapshotIntervalBytes(ctx.indexSnapshotIntervalBytes())
                .commandQueue(commandQueues[shard])
                .freeCommands(freeCommands[shard])
                .freeLargeCommands(freeLargeCommands[shard])
                .counters(shardCounters)
                .errorHandler(errorHandler)
                .epochClock(SystemEpochClock.INSTANCE)
                .retention(ctx.retention())
                .backlogQuota(ctx.backlogQuota())
                .deduplication(ctx.deduplication())
                .deduplicationMaxProducers(BrokerConfiguration.deduplicationMaxProducers())
                .deduplicationInactivityTimeoutMs(BrokerConfiguration.deduplicationInactivityTimeoutMs())
                .durability(ctx.driverContext().durability())
                .holdTimeoutNs(TimeUnit.MILLISECONDS.toNanos(ctx.backlogQuotaHoldTimeoutMs()))
                .keySharedDrainTimeoutNs(TimeUnit.MILLISECONDS.toNanos(BrokerConfiguration.keySharedDrainTimeoutMs()))
                .keySharedLookAhead(BrokerConfiguration.keySharedLookAhead())
                .storageGate(storageGate)
                .conclude());
            ctx.logger().accept("magnetar: " + shardAgent.recover());
            agents.add(shardAgent);
            syncedLogs.add(new LogSyncAgent.SyncedLog(
                entryLog, aeron.countersReader(), shardCounters.entryLogSyncRequest,
                shardCounters.entryLogSyncedPosition));
            syncedLogs.add(new LogSyncAgent.SyncedLog(
                cursorLog, aeron.countersReader(), shardCounters.cursorLogSyncRequest,
                shardCounters.cursorLogSyncedPosition));
            namespaces.addAll(shardAgent.namespaces());
        }
    }

    /**
     * Sync both logs of every shard up to what is recorded, then start the log sync agent on a thread of its own:
     * group commits for namespaces at fsync on an archive that does not sync.
     *
     * @return the agent's runner, to be closed with the broker.
     */
    AgentRunner startLogSync(
        final ErrorHandler errorHandler, final ErrorHandler countedErrorHandler, final BrokerCounters counters)
    {
        final LogSyncAgent logSyncAgent = new LogSyncAgent(syncedLogs, countedErrorHandler, counters.logSyncs);
        logSyncAgent.syncAll();
        final AgentRunner syncRunner = new AgentRunner(
            IdleConfiguration.backoffIdleStrategy(1, 1, SystemUtil.getDurationInNanos(
                BrokerConfiguration.LOG_SYNC_IDLE_MAX_PARK_PROP_NAME,
                BrokerConfiguration.LOG_SYNC_IDLE_MAX_PARK_DEFAULT_NS)),
            errorHandler,
            counters.errors,
            logSyncAgent);
        AgentRunner.startOnThread(syncRunner);

        return syncRunner;
    }

    private void createCommandPools(final BrokerContext ctx, final int shard)
    {
        // every pooled command fits in the shard queue at once, so handing one over never fails
        commandQueues[shard] = new SpscArrayQueue<>(ctx.shardQueueCapacity() + ctx.largeFramePoolSize());
        freeCommands[shard] = new SpscArrayQueue<>(ctx.shardQueueCapacity());
        freeLargeCommands[shard] = new SpscArrayQueue<>(ctx.largeFramePoolSize());
        final int largeFrameLength = SessionAgent.maxFrameLength(ctx.maxMessageSize());
        for (int i = 0; i < ctx.shardQueueCapacity(); i++)
        {
            freeCommands[shard].offer(new ShardCommand(SessionAgent.SMALL_FRAME_LENGTH, false));
        }
        for (int i = 0; i < ctx.largeFramePoolSize(); i++)
        {
            freeLargeCommands[shard].offer(new ShardCommand(largeFrameLength, true));
        }
    }

    private static RecordedLog open(
        final BrokerContext ctx, final List<AutoCloseable> resources, final RecordedLog log)
    {
        resources.add(log);
        if (log.tornTailPosition() >= 0)
        {
            ctx.logger().accept("magnetar: " + log.name() + " (recording " + log.recordingId() + "): cut a torn " +
                "record of " + log.tornTailLength() + " bytes at position " + log.tornTailPosition() +
                " left by a crash; it was never acknowledged");
        }

        return log;
    }
}
