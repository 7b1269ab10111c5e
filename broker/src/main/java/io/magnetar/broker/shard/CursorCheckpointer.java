package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.ErrorHandler;

/**
 * Cursor checkpoints: once the cursor log has grown by half a segment since the last checkpoint, every namespace's
 * policies and then, as a {@link ShardSweeps sweep} reaches each topic, every subscription's whole state
 * (mark-delete position and acknowledged ranges) are written; once that is stored, the cursor log's segments
 * before the checkpoint's start are purged. A {@code CursorCheckpointEnd} record closes each checkpoint: recovery
 * begins at the start of the last closed one and reads what followed, and the cursor log stays bounded.
 */
final class CursorCheckpointer
{
    private static final int RANGES_PER_RECORD = 8192;

    private final RecordedLog cursorLog;
    private final ShardPolicies policies;
    private final ShardLogWriter writer;
    private final StoredPositions stored;
    private final ErrorHandler errorHandler;
    private long lastCheckpointStart;
    private long lastCheckpointEnd;
    private long checkpointStart;
    /** The last checkpoint is written but not yet stored, so the log before it is not purged yet. */
    private boolean purgePending;
    private int checkpoints;

    CursorCheckpointer(
        final RecordedLog cursorLog,
        final ShardPolicies policies,
        final ShardLogWriter writer,
        final StoredPositions stored,
        final ErrorHandler errorHandler)
    {
        this.cursorLog = cursorLog;
        this.policies = policies;
        this.writer = writer;
        this.stored = stored;
        this.errorHandler = errorHandler;
    }

    /**
     * A checkpoint is due once the cursor log has grown, since the last checkpoint ended, by half a segment and by
     * at least that checkpoint's own size: a checkpoint never makes the next one due by itself (with a million
     * subscriptions one is larger than half a segment), checkpoints cost at most half the cursor log's writes, and
     * recovery reads at most about twice the last checkpoint plus half a segment.
     *
     * @return true if a checkpoint should begin.
     */
    boolean isDue()
    {
        final long growth = cursorLog.appendedPosition() - Math.max(lastCheckpointEnd, cursorLog.startPosition());
        return !purgePending &&
            growth >= Math.max(cursorLog.segmentFileLength() / 2, lastCheckpointEnd - lastCheckpointStart);
    }

    /**
     * Begin a checkpoint: record where it starts and every namespace's policies. The subscriptions follow, topic
     * by topic ({@link #visit(Topic)}), as a sweep reaches them.
     *
     * @return false if the cursor log is back-pressured: try again later; what was written is harmless.
     */
    boolean begin()
    {
        final long checkpointStart = cursorLog.appendedPosition();
        for (final NamespacePolicies namespacePolicies : policies.all())
        {
            final long[] explicit = policies.explicitOf(namespacePolicies);
            if (writer.appendNamespacePolicyState(namespacePolicies.namespace, explicit) < 0)
            {
                return false;
            }
        }
        this.checkpointStart = checkpointStart;

        return true;
    }

    /**
     * Write the whole state of every subscription of a topic. A subscription acknowledged between the checkpoint's
     * start and its record has those acks in its state; one created after the start has its own creation record
     * after the start; so recovery from the start gives every cursor back.
     *
     * @return false if the cursor log is back-pressured: visit the topic again later.
     */
    boolean visit(final Topic topic)
    {
        if (topic.persistent)
        {
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                if (subscription.durable && !appendSubscriptionState(subscription))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /**
     * Every topic has been visited: mark the checkpoint's end, so recovery may start at its beginning; once it is
     * stored, the cursor log before it is purged.
     *
     * @return false if the cursor log is back-pressured: call again later.
     */
    boolean end()
    {
        if (writer.appendCheckpointEnd(checkpointStart) < 0)
        {
            return false;
        }
        lastCheckpointStart = checkpointStart;
        lastCheckpointEnd = cursorLog.appendedPosition();
        purgePending = true;
        checkpoints++;

        return true;
    }

    /**
     * @return 1 if a finished checkpoint is now stored and the log before it purged, else 0.
     */
    int completePending()
    {
        if (!purgePending || !stored.isCursorLogStored(lastCheckpointEnd))
        {
            return 0;
        }
        purgePending = false;
        purgeBefore(cursorLog, lastCheckpointStart, errorHandler);

        return 1;
    }

    /**
     * @return checkpoints written since the broker started.
     */
    int checkpoints()
    {
        return checkpoints;
    }

    /**
     * Purge a log's segments before a position: what supersedes them is stored. A failed purge is reported and
     * tried again with the next checkpoint or snapshot.
     */
    static void purgeBefore(final RecordedLog log, final long position, final ErrorHandler errorHandler)
    {
        try
        {
            log.purgeBefore(position);
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private boolean appendSubscriptionState(final TopicSubscription subscription)
    {
        final int rangeCount = subscription.cursor.individuallyAckedRangeCount();
        final long markDeletePosition = subscription.cursor.markDeletePosition();
        int part = 0;
        int next = 0;
        do
        {
            final int count = Math.min(RANGES_PER_RECORD, rangeCount - next);
            if (writer.appendSubscriptionState(subscription, markDeletePosition, part, next, count) < 0)
            {
                return false;
            }
            next += count;
            part++;
        }
        while (next < rangeCount);

        return true;
    }
}
