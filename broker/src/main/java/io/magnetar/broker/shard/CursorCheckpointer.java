package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import org.agrona.ErrorHandler;

/**
 * Cursor checkpoints: once the cursor log has grown by half a segment since the last checkpoint, every namespace's
 * policies and every subscription's whole state (mark-delete position and acknowledged ranges) are written; once
 * that is stored, the cursor log's segments before it are purged. Recovery then reads the checkpoint and what
 * followed, and the cursor log stays bounded.
 */
final class CursorCheckpointer
{
    private static final int RANGES_PER_RECORD = 8192;

    private final RecordedLog cursorLog;
    private final TopicRegistry topics;
    private final ShardPolicies policies;
    private final ShardLogWriter writer;
    private final StoredPositions stored;
    private final ErrorHandler errorHandler;
    private long lastCheckpointStart;
    private long pendingCheckpointStart = -1;
    private long pendingCheckpointEnd;
    private int checkpoints;

    CursorCheckpointer(
        final RecordedLog cursorLog,
        final TopicRegistry topics,
        final ShardPolicies policies,
        final ShardLogWriter writer,
        final StoredPositions stored,
        final ErrorHandler errorHandler)
    {
        this.cursorLog = cursorLog;
        this.topics = topics;
        this.policies = policies;
        this.writer = writer;
        this.stored = stored;
        this.errorHandler = errorHandler;
    }

    /**
     * @return 1 if a checkpoint was written or completed, else 0.
     */
    int checkpoint()
    {
        if (pendingCheckpointStart >= 0)
        {
            if (!stored.isCursorLogStored(pendingCheckpointEnd))
            {
                return 0;
            }
            final long checkpointStart = pendingCheckpointStart;
            pendingCheckpointStart = -1;
            purgeBefore(cursorLog, checkpointStart, errorHandler);
            return 1;
        }

        if (cursorLog.appendedPosition() - Math.max(lastCheckpointStart, cursorLog.startPosition()) <
            cursorLog.segmentFileLength() / 2)
        {
            return 0;
        }

        final long checkpointStart = cursorLog.appendedPosition();
        for (final NamespacePolicies namespacePolicies : policies.all())
        {
            final long[] explicit = policies.explicitOf(namespacePolicies);
            if (writer.appendNamespacePolicyState(namespacePolicies.namespace, explicit) < 0)
            {
                return 0;
            }
        }
        for (final Topic topic : topics.topics())
        {
            if (!topic.persistent)
            {
                continue;
            }
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                if (!appendSubscriptionState(subscription))
                {
                    // back pressure: try the whole checkpoint again later; what was written is harmless
                    return 0;
                }
            }
        }

        lastCheckpointStart = checkpointStart;
        pendingCheckpointStart = checkpointStart;
        pendingCheckpointEnd = cursorLog.appendedPosition();
        checkpoints++;

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
