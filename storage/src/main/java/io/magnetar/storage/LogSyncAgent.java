package io.magnetar.storage;

import io.aeron.archive.client.AeronArchive;
import io.aeron.archive.status.RecordingPos;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Group commit for the {@code fsync} durability level when the archive itself does not sync: once a shard asks for a
 * log to be synced up to a position (its request counter), this agent forces the archive's segment files up to the
 * archive's recorded position and publishes that position in the log's synced counter. Receipts and deliveries of
 * fsync namespaces wait for the synced counter; other namespaces never wait for a disk sync.
 * <p>
 * It does blocking file I/O, so it runs on its own thread. It shares nothing with the shards but Aeron counters.
 */
public final class LogSyncAgent implements Agent
{
    /**
     * One log to keep synced: where its segment files are and the counters it shares with its shard.
     */
    public static final class SyncedLog
    {
        final String name;
        final File archiveDir;
        final long recordingId;
        final long startPosition;
        final int termLength;
        final int segmentFileLength;
        final CountersReader counters;
        final int recPosCounterId;
        final AtomicCounter request;
        final AtomicCounter synced;
        private FileChannel channel;
        private long channelSegmentBase = Long.MIN_VALUE;
        private long syncedPosition;
        private long retryAtNs;
        private long directorySyncedBase = Long.MIN_VALUE;

        /**
         * @param log      whose segment files are synced.
         * @param counters of the media driver, to read the archive's recorded position.
         * @param request  set by the shard: the highest position an fsync namespace waits for.
         * @param synced   set by this agent: the position up to which the segment files are synced.
         */
        public SyncedLog(
            final RecordedLog log,
            final CountersReader counters,
            final AtomicCounter request,
            final AtomicCounter synced)
        {
            this.name = log.name();
            this.archiveDir = log.archiveDir();
            this.recordingId = log.recordingId();
            this.startPosition = log.startPosition();
            this.termLength = log.termLength();
            this.segmentFileLength = log.segmentFileLength();
            this.counters = counters;
            this.recPosCounterId = log.recordingPositionCounterId();
            this.request = request;
            this.synced = synced;
        }

        private long segmentBase(final long position)
        {
            return AeronArchive.segmentFileBasePosition(startPosition, position, termLength, segmentFileLength);
        }

        private void close()
        {
            CloseHelper.quietClose(channel);
            channel = null;
            channelSegmentBase = Long.MIN_VALUE;
        }
    }

    private static final long RETRY_INTERVAL_NS = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(100);

    private final SyncedLog[] logs;
    private final ErrorHandler errorHandler;
    private final AtomicCounter syncs;

    /**
     * @param logs         to keep synced.
     * @param errorHandler for failed syncs; the synced position then stays where it was.
     * @param syncs        counts the file syncs done.
     */
    public LogSyncAgent(final List<SyncedLog> logs, final ErrorHandler errorHandler, final AtomicCounter syncs)
    {
        this.logs = logs.toArray(new SyncedLog[0]);
        this.errorHandler = errorHandler;
        this.syncs = syncs;
    }

    /**
     * Sync every log up to the archive's recorded position now, whether asked or not: call once at start, before
     * the shards serve what they recovered, so nothing a crash left in the page cache is delivered to an fsync
     * namespace unsynced.
     */
    public void syncAll()
    {
        for (final SyncedLog log : logs)
        {
            sync(log);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = 0;
        for (final SyncedLog log : logs)
        {
            if (log.request.getAcquire() > log.syncedPosition && System.nanoTime() >= log.retryAtNs)
            {
                workCount += sync(log);
            }
        }

        return workCount;
    }

    private int sync(final SyncedLog log)
    {
        if (!RecordingPos.isActive(log.counters, log.recPosCounterId, log.recordingId))
        {
            return 0;
        }
        final long recordedPosition = log.counters.getCounterValue(log.recPosCounterId);
        if (recordedPosition <= log.syncedPosition)
        {
            return 0;
        }

        final long firstBase = log.segmentBase(Math.max(log.syncedPosition, log.startPosition));
        final long lastBase = log.segmentBase(recordedPosition - 1);
        try
        {
            for (long base = firstBase; base <= lastBase; base += log.segmentFileLength)
            {
                force(log, base, base == lastBase);
            }
        }
        catch (final IOException ex)
        {
            log.close();
            log.retryAtNs = System.nanoTime() + RETRY_INTERVAL_NS;
            errorHandler.onError(new StorageException(
                log.name + ": cannot sync recording " + log.recordingId + " up to position " + recordedPosition, ex));
            return 0;
        }

        log.syncedPosition = recordedPosition;
        log.synced.setRelease(recordedPosition);

        return 1;
    }

    private void force(final SyncedLog log, final long segmentBase, final boolean mustExist) throws IOException
    {
        if (segmentBase != log.channelSegmentBase)
        {
            log.close();
            final File file = new File(log.archiveDir, log.recordingId + "-" + segmentBase + ".rec");
            try
            {
                log.channel = FileChannel.open(file.toPath(), StandardOpenOption.READ);
            }
            catch (final NoSuchFileException ex)
            {
                if (mustExist)
                {
                    throw ex; // the segment being recorded is never purged: something is wrong, release nothing
                }
                return; // purged by retention: nothing left to sync
            }
            log.channelSegmentBase = segmentBase;
            if (segmentBase > log.directorySyncedBase)
            {
                // a new segment file: its directory entry must reach the disk too, or a power loss could lose it
                syncDirectory(log.archiveDir);
                log.directorySyncedBase = segmentBase;
            }
        }

        // segment files are pre-sized by the archive, so their data is all that needs to reach the disk
        log.channel.force(false);
        syncs.incrementRelease();
    }

    private static void syncDirectory(final File directory) throws IOException
    {
        // Linux lets a directory be opened for reading and forced; where that is refused there is nothing to do
        try (FileChannel channel = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final java.nio.file.AccessDeniedException | UnsupportedOperationException ex)
        {
            // the platform does not sync directories this way
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onClose()
    {
        for (final SyncedLog log : logs)
        {
            log.close();
        }
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "magnetar-log-sync";
    }
}
