package io.magnetar.broker.shard;

import io.magnetar.storage.RecordedLog;
import org.agrona.concurrent.EpochClock;

/**
 * The periodic sweeps over a shard's topics, in bounded slices: one pass visits every topic once, a slice of topics
 * per duty cycle, and on each does what is due: its subscriptions' checkpoint records, message expiry, backlog
 * eviction, and its share of the reclaim floor. When the pass ends, the checkpoint is closed and reclaim runs with
 * the floor found. The next pass begins one check interval after the end of the last, so a long pass never makes
 * the next one start at once, and no duty cycle does more than a slice of sweep work.
 */
final class ShardSweeps
{
    /**
     * Where the sweep is.
     */
    enum State
    {
        /** Waiting for the next pass to be due. */
        IDLE,
        /** Visiting topics, a slice per duty cycle. */
        SWEEPING
    }

    /** Most topics visited in one duty cycle. */
    static final int TOPICS_PER_SLICE = 1024;
    /** Most entries expired or evicted in one duty cycle. */
    static final int ACKS_PER_SLICE = 4096;

    private final TopicRegistry topics;
    private final ShardPolicies policies;
    private final RecordedLog entryLog;
    private final EpochClock epochClock;
    private final long intervalNs;
    private final CursorCheckpointer checkpointer;
    private final MessageExpiry expiry;
    private final BacklogQuotaEnforcer quota;
    private final SubscriptionAcks acks;
    private final LogReclaimer reclaimer;
    private State state = State.IDLE;
    private long nextPassNs;
    private long nextLocalId;
    private long endLocalId;
    private boolean checkpointing;
    private long passNow;
    private long passDurablePosition;
    private long floor;
    private int acksLeft;

    ShardSweeps(
        final ShardContext ctx,
        final TopicRegistry topics,
        final ShardPolicies policies,
        final CursorCheckpointer checkpointer,
        final MessageExpiry expiry,
        final BacklogQuotaEnforcer quota,
        final SubscriptionAcks acks,
        final LogReclaimer reclaimer)
    {
        this.entryLog = ctx.entryLog();
        this.epochClock = ctx.epochClock();
        this.intervalNs = ctx.retention().checkIntervalNs();
        this.topics = topics;
        this.policies = policies;
        this.checkpointer = checkpointer;
        this.expiry = expiry;
        this.quota = quota;
        this.acks = acks;
        this.reclaimer = reclaimer;
    }

    /**
     * @param nowNs the time now, {@link System#nanoTime()}.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        int workCount = checkpointer.completePending();
        if (State.IDLE == state)
        {
            if (nowNs < nextPassNs)
            {
                return workCount;
            }
            beginPass();
        }

        workCount += sweepSlice();
        if (nextLocalId >= endLocalId)
        {
            workCount += endPass();
            nextPassNs = nowNs + intervalNs;
        }

        return workCount;
    }

    private void beginPass()
    {
        state = State.SWEEPING;
        nextLocalId = 1;
        endLocalId = topics.nextLocalId();
        passNow = epochClock.time();
        passDurablePosition = entryLog.durablePosition();
        floor = passDurablePosition;
        // a checkpoint whose start could not be written now waits for the next pass
        checkpointing = checkpointer.isDue() && checkpointer.begin();
    }

    private int sweepSlice()
    {
        int visited = 0;
        acksLeft = ACKS_PER_SLICE;
        while (nextLocalId < endLocalId && visited < TOPICS_PER_SLICE)
        {
            final Topic topic = topics.byLocalId(nextLocalId);
            if (null != topic && topic.persistent && !visit(topic))
            {
                break; // back pressure or the slice's acks are spent: this topic again next duty cycle
            }
            nextLocalId++;
            visited++;
        }

        return visited;
    }

    /**
     * @return false if the topic must be visited again.
     */
    private boolean visit(final Topic topic)
    {
        if (checkpointing && !checkpointer.visit(topic))
        {
            return false;
        }
        if (policies.anyMessageTtl())
        {
            acksLeft -= expiry.expire(topic, acks, passNow, passDurablePosition, acksLeft);
            if (!expiry.isComplete())
            {
                return false;
            }
        }
        if (policies.anyBacklogEviction())
        {
            final int evicted = quota.evict(topic, acks, acksLeft);
            if (evicted < 0)
            {
                acksLeft = 0;
                return false;
            }
            acksLeft -= evicted;
        }
        if (policies.anyFiniteRetention())
        {
            floor = Math.min(floor, LogReclaimer.topicFloor(topic, passNow));
        }

        return true;
    }

    private int endPass()
    {
        state = State.IDLE;
        int workCount = 1;
        if (checkpointing)
        {
            checkpointer.end();
            checkpointing = false;
        }
        if (policies.anyFiniteRetention())
        {
            workCount += reclaimer.reclaim(floor);
        }

        return workCount;
    }
}
