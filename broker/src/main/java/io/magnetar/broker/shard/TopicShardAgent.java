package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.storage.RecordedLog;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Owns the topics of one shard: appends their messages to the shard log, releases receipts and deliveries once the
 * archive's durable position passes them, dispatches to consumers within their permits, and records subscriptions
 * and acknowledgements in the shard's cursor log. Nothing else touches these topics.
 * <p>
 * The agent is a duty cycle over rooms with one job each: {@link ShardCommandAdapter} decodes commands into calls on
 * {@link ProducerHandler}, {@link SubscriptionHandler}, {@link NamespacePolicyHandler} and
 * {@link StatsInternalReport}; {@link ShardLogWriter} appends records; {@link ReceiptTracker} keeps answers until
 * what they answer is stored; {@link ClientProxy} and {@link MessagePublisher} send to clients;
 * {@link ReadySubscriptions} is what dispatch visits. {@link ShardSweeps} does the background work in bounded slices:
 * topics whose {@link TopicDeadlines deadline} passed for {@link MessageExpiry} and {@link BacklogQuotaEnforcer},
 * {@link LogReclaimer} (with {@link SegmentCompactor}), and passes over every topic for {@link CursorCheckpointer};
 * {@link IndexSnapshotSession} writes index snapshots and {@link ShardRecovery} runs once before the agent starts.
 */
public final class TopicShardAgent implements Agent
{
    private final String roleName;
    private final int shard;
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final BrokerCounters.Shard counters;
    private final ShardPolicies policies;
    private final ClientProxy proxy;
    private final MessagePublisher publisher;
    private final ReceiptTracker receipts;
    private final BacklogQuotaEnforcer quota;
    private final SubscriptionHandler subscriptions;
    private final ReadySubscriptions ready;
    private final ShardCommandAdapter commandAdapter;
    private final LogReclaimer reclaimer;
    private final ShardSweeps sweeps;
    private final IndexSnapshotSession snapshots;
    private final ShardRecovery recovery;
    private final ProducerHandler producers;

    /**
     * @param ctx what the shard is given; concluded.
     */
    public TopicShardAgent(final ShardContext ctx)
    {
        shard = ctx.shard();
        roleName = "magnetar-topic-shard-" + shard;
        entryLog = ctx.entryLog();
        cursorLog = ctx.cursorLog();
        counters = ctx.counters();
        final EpochClock epochClock = ctx.epochClock();
        final ShardLogWriter writer = new ShardLogWriter(entryLog, cursorLog, epochClock);
        policies = new ShardPolicies(ctx.policyDefaults());
        final TopicRegistry topics = new TopicRegistry(shard, policies, writer);
        proxy = new ClientProxy(shard, ctx.shardCount(), counters, ctx.errorHandler());
        final ShardSessions sessions = new ShardSessions();
        publisher = new MessagePublisher(
            shard, entryLog.reader(), counters, ctx.errorHandler(), proxy, epochClock, SystemNanoClock.INSTANCE);
        final PublishTimeReader publishTimes = new PublishTimeReader(entryLog.reader());
        ready = new ReadySubscriptions(entryLog::durablePosition);
        final long checkIntervalMs = TimeUnit.NANOSECONDS.toMillis(ctx.retention().checkIntervalNs());
        final TopicDeadlines deadlines = new TopicDeadlines(checkIntervalMs);
        final KeySharedDispatcher keySharedDispatcher = new KeySharedDispatcher(publisher,
            new EntryKeyHashes(entryLog.reader(), ctx.errorHandler()), SystemNanoClock.INSTANCE,
            ctx.keySharedDrainTimeoutNs(), ctx.keySharedLookAhead());
        subscriptions = new SubscriptionHandler(
            shard, entryLog, topics, writer, proxy, publisher, keySharedDispatcher, ready, deadlines,
            publishTimes, ctx.errorHandler());
        final ReceiptTracker.VisibilityListener onEntryVisible = (topic) ->
        {
            ready.onEntryVisible(topic);
            deadlines.onEntryVisible(topic);
        };
        receipts = new ReceiptTracker(
            ctx.syncedByAgent(), counters.entryLogSyncRequest, counters.cursorLogSyncRequest, proxy, onEntryVisible);
        subscriptions.receipts(receipts);
        quota = new BacklogQuotaEnforcer(shard, ctx.holdTimeoutNs(), sessions, receipts, counters.heldSends);
        final Deduplication deduplication = new Deduplication(ctx, writer, receipts);
        producers = new ProducerHandler(ctx, topics, writer, receipts, quota, publisher, proxy, deduplication,
            new ProducerAccess(shard, writer, proxy), subscriptions);
        final StoredPositions stored =
            new StoredPositions(ctx.syncedByAgent(), policies, entryLog, cursorLog, counters);
        final SegmentCompactor compactor = new SegmentCompactor(
            shard, entryLog, topics, writer, epochClock, ctx.errorHandler());
        final CursorCheckpointer checkpointer =
            new CursorCheckpointer(cursorLog, policies, writer, stored, ctx.errorHandler());
        reclaimer = new LogReclaimer(
            entryLog, cursorLog, topics, writer, stored, compactor, deduplication, epochClock, ctx.errorHandler());
        snapshots = new IndexSnapshotSession(ctx, topics, compactor, deduplication);
        sweeps = new ShardSweeps(ctx, topics, policies, checkpointer, new MessageExpiry(publishTimes, checkIntervalMs),
            quota, subscriptions, reclaimer, deadlines);
        final StatsInternalReport stats = new StatsInternalReport(
            ctx, topics, reclaimer, compactor, checkpointer, snapshots, sweeps, proxy);
        final NamespacePolicyHandler namespaces =
            new NamespacePolicyHandler(shard, policies, writer, receipts, proxy, topics);
        commandAdapter = new ShardCommandAdapter(ctx, sessions, producers, subscriptions, namespaces, stats,
            new TopicStatsReport(shard, topics, receipts, proxy), proxy);
        recovery = new ShardRecovery(ctx, topics, subscriptions, policies, snapshots, deduplication);
    }

    /**
     * Rebuild topics, indexes and cursors from the index snapshot, the shard log and the cursor log. Call once
     * before the agent runs.
     *
     * @return a one-line summary of what was recovered and how long it took.
     */
    public String recover()
    {
        return recovery.recover();
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = System.nanoTime(); // the cycle's time: the receipts' latency and the sweeps read it
        receipts.onDutyCycle(nowNs);
        int workCount = commandAdapter.poll();
        workCount += releaseReceipts();
        if (proxy.hasDeferred())
        {
            workCount += proxy.sendDeferred();
        }
        try
        {
            workCount += ready.dispatch();
        }
        finally
        {
            publisher.sendGathered(); // the messages of this dispatch, one frame per session
        }
        workCount += producers.doWork();
        workCount += snapshots.doWork();
        if (quota.isHoldingAny())
        {
            workCount += quota.releaseHeldSends(nowNs);
        }
        workCount += sweeps.doWork(nowNs);

        return workCount;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * Handle the commands already queued (acks, sends) so a clean shutdown loses none of them.
     */
    public void onClose()
    {
        int remaining = commandAdapter.queued() + 1;
        while (remaining-- > 0 && commandAdapter.poll() > 0)
        {
            releaseReceipts();
        }
        subscriptions.recordAcks();
        publisher.sendGathered();
    }

    /**
     * @return number of this shard.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @return bytes of the shard log reclaimed since the broker started.
     */
    public long reclaimedBytes()
    {
        return reclaimer.reclaimedBytes();
    }

    /**
     * @return the namespaces this shard knows: those created or given policies, and those of its topics.
     */
    public Set<String> namespaces()
    {
        return policies.namespaces();
    }

    private int releaseReceipts()
    {
        // a synced position never passes the recorded one: read it first
        final long entrySynced = receipts.waitsForEntrySync() ? counters.entryLogSyncedPosition.get() : Long.MIN_VALUE;
        final long cursorSynced = receipts.waitsForCursorSync() ?
            counters.cursorLogSyncedPosition.get() : Long.MIN_VALUE;

        final int released =
            receipts.release(entryLog.durablePosition(), entrySynced, cursorLog.durablePosition(), cursorSynced);
        proxy.sendReceipts(); // those released together go in one frame per session

        return released;
    }
}
