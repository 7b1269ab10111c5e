package io.magnetar.broker.shard;

import io.magnetar.storage.RecordedLog;
import org.agrona.concurrent.EpochClock;

/**
 * The shard's background work, each duty cycle a bounded slice of it, costing what is due rather than what is held:
 * <ul>
 *     <li>topics whose {@link TopicDeadlines deadline} has passed are visited for message expiry and backlog
 *     eviction, and given their next deadline;</li>
 *     <li>once a check interval, {@link LogReclaimer} looks for what pins the oldest segment (one topic while the
 *     same one does);</li>
 *     <li>a pass over every topic, in slices, runs only when a cursor checkpoint is due (every subscription's state is
 *     written), and after policies change or the shard starts (every topic is visited once under its policies, which
 *     sets the deadlines).</li>
 * </ul>
 * A pass begins at a check interval after the last one ended, so a long pass never makes the next start at once.
 */
final class ShardSweeps
{
    /**
     * Where the pass over every topic is.
     */
    enum State
    {
        /** No pass: only deadlines and the reclaim check. */
        IDLE,
        /** Visiting every topic, a slice per duty cycle. */
        SWEEPING
    }

    /** Most topics visited in one duty cycle, by deadline and by the pass each. */
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
    private final TopicDeadlines deadlines;
    private State state = State.IDLE;
    private long nextCheckNs;
    private long nextLocalId;
    private long endLocalId;
    private boolean checkpointing;
    private boolean expiring;
    private long seenPolicyChanges = -1;
    private long nowMs;
    private long durablePosition;
    private int acksLeft;
    private long deadlineVisits;

    ShardSweeps(
        final ShardContext ctx,
        final TopicRegistry topics,
        final ShardPolicies policies,
        final CursorCheckpointer checkpointer,
        final MessageExpiry expiry,
        final BacklogQuotaEnforcer quota,
        final SubscriptionAcks acks,
        final LogReclaimer reclaimer,
        final TopicDeadlines deadlines)
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
        this.deadlines = deadlines;
    }

    /**
     * @param nowNs the time now, {@link System#nanoTime()}.
     * @return work done.
     */
    int doWork(final long nowNs)
    {
        int workCount = checkpointer.completePending();
        nowMs = epochClock.time();
        deadlines.now(nowMs);
        acksLeft = ACKS_PER_SLICE;
        durablePosition = entryLog.durablePosition();

        workCount += visitDue();
        if (nowNs >= nextCheckNs)
        {
            nextCheckNs = nowNs + intervalNs;
            if (State.IDLE == state)
            {
                beginPass();
            }
            if (policies.anyFiniteRetention())
            {
                reclaimer.beginScan();
            }
        }
        if (State.SWEEPING == state)
        {
            workCount += sweepSlice();
        }
        if (reclaimer.isScanning())
        {
            workCount += reclaimer.scanSlice(nowMs, TOPICS_PER_SLICE);
        }

        return workCount;
    }

    /**
     * @return topics visited because their deadline passed, since the broker started.
     */
    long deadlineVisits()
    {
        return deadlineVisits;
    }

    /**
     * @return topics with a deadline ahead.
     */
    int topicsWithDeadline()
    {
        return deadlines.size();
    }

    private int visitDue()
    {
        int visited = 0;
        Topic topic;
        while (visited < TOPICS_PER_SLICE && acksLeft > 0 && null != (topic = deadlines.pollDue(nowMs)))
        {
            visited++;
            deadlineVisits++;
            if (!visit(topic))
            {
                deadlines.schedule(topic, nowMs); // the slice's acks are spent or the log pushed back: next cycle
                break;
            }
        }

        return visited;
    }

    private void beginPass()
    {
        final long policyChanges = policies.changes();
        expiring = policyChanges != seenPolicyChanges && (policies.anyMessageTtl() || policies.anyBacklogEviction());
        seenPolicyChanges = policyChanges;
        // a checkpoint whose start could not be written now waits for the next check
        checkpointing = checkpointer.isDue() && checkpointer.begin();
        if (expiring || checkpointing)
        {
            state = State.SWEEPING;
            nextLocalId = 1;
            endLocalId = topics.nextLocalId();
        }
    }

    private int sweepSlice()
    {
        int visited = 0;
        while (nextLocalId < endLocalId && visited < TOPICS_PER_SLICE)
        {
            final Topic topic = topics.byLocalId(nextLocalId);
            if (null != topic && topic.persistent)
            {
                if (checkpointing && !checkpointer.visit(topic))
                {
                    break; // back pressure: this topic again next duty cycle
                }
                if (expiring && (acksLeft <= 0 || !visit(topic)))
                {
                    break;
                }
            }
            nextLocalId++;
            visited++;
        }
        if (nextLocalId >= endLocalId)
        {
            if (checkpointing)
            {
                if (!checkpointer.end())
                {
                    return visited; // its end record again next duty cycle
                }
                checkpointing = false;
            }
            state = State.IDLE;
            expiring = false;
            visited++;
        }

        return visited;
    }

    /**
     * Expire and evict what is due on a topic, and set its next deadline.
     *
     * @return false if the topic must be visited again.
     */
    private boolean visit(final Topic topic)
    {
        if (!topic.persistent)
        {
            return true;
        }
        long nextDeadlineMs = TopicDeadlines.NONE;
        if (policies.anyMessageTtl())
        {
            acksLeft -= expiry.expire(topic, acks, nowMs, durablePosition, acksLeft);
            if (!expiry.isComplete())
            {
                return false;
            }
            nextDeadlineMs = expiry.nextExpiryMs();
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
        deadlines.schedule(topic, nextDeadlineMs);

        return true;
    }
}
