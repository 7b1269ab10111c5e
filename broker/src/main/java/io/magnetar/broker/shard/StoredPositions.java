package io.magnetar.broker.shard;

import io.magnetar.broker.BrokerCounters;
import io.magnetar.storage.RecordedLog;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Whether a log is stored up to a position at the strictest durability any namespace asks for. Before segments of a
 * log are purged, what replaces them must be stored that far: with an fsync namespace, that is the log sync agent's
 * synced position, which this asks for.
 */
final class StoredPositions
{
    private final boolean syncedByAgent;
    private final ShardPolicies policies;
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final BrokerCounters.Shard counters;

    StoredPositions(
        final boolean syncedByAgent,
        final ShardPolicies policies,
        final RecordedLog entryLog,
        final RecordedLog cursorLog,
        final BrokerCounters.Shard counters)
    {
        this.syncedByAgent = syncedByAgent;
        this.policies = policies;
        this.entryLog = entryLog;
        this.cursorLog = cursorLog;
        this.counters = counters;
    }

    boolean isEntryLogStored(final long position)
    {
        return isStored(entryLog, position, counters.entryLogSyncRequest, counters.entryLogSyncedPosition);
    }

    boolean isCursorLogStored(final long position)
    {
        return isStored(cursorLog, position, counters.cursorLogSyncRequest, counters.cursorLogSyncedPosition);
    }

    private boolean isStored(
        final RecordedLog log, final long position, final AtomicCounter syncRequest, final AtomicCounter synced)
    {
        if (!syncedByAgent || !policies.anyFsync())
        {
            return log.durablePosition() >= position;
        }
        if (syncRequest.get() < position)
        {
            syncRequest.setRelease(position);
        }

        return synced.get() >= position;
    }
}
