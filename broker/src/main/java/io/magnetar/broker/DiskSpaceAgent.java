package io.magnetar.broker;

import io.aeron.archive.ArchiveMarkFile;
import io.magnetar.broker.shard.StorageGate;
import io.magnetar.storage.RecordedLog;
import org.agrona.ErrorHandler;
import org.agrona.SystemUtil;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Watches what the broker stores on: the free space of the archive's volume, and whether the archive still runs.
 * Before the volume fills, it marks the broker {@link State#DISK_FULL}, and the shards refuse sends to persistent
 * topics while consumers keep reading and acknowledging and retention keeps reclaiming; once a quarter more than
 * the minimum is free again, sends are accepted without a restart. An archive whose mark file stops showing
 * activity (its thread died, e.g. on a fault writing a mapped file) marks the broker {@link State#ARCHIVE_STOPPED}
 * for good: nothing can be stored until a restart. The state and the free bytes are counters
 * ({@link BrokerCounters.Disk}): one writer, this agent, and any number of readers.
 */
final class DiskSpaceAgent implements Agent
{
    /**
     * What the broker can store; the ordinal is the value of {@link BrokerCounters.Disk#state}.
     */
    enum State
    {
        /** Sends are stored. */
        READY,
        /** Free space is below the minimum: sends to persistent topics are refused. */
        DISK_FULL,
        /** The archive has stopped: nothing can be stored until the broker restarts. */
        ARCHIVE_STOPPED
    }

    private final File archiveDir;
    private final LongSupplier usableSpace;
    private final long minFreeBytes;
    private final long resumeFreeBytes;
    private final long checkIntervalNs;
    private final LongSupplier archiveActivityMs;
    private final Supplier<String> stoppedLog;
    private final AtomicCounter usableBytes;
    private final AtomicCounter stateCounter;
    private final NanoClock nanoClock;
    private final EpochClock epochClock;
    private final Consumer<String> logger;
    private final ErrorHandler errorHandler;
    private State state = State.READY;
    private long nextCheckNs;
    private boolean spaceUnknown;

    /**
     * @param archiveDir      whose volume is watched, for the messages.
     * @param usableSpace     free bytes of the volume; may throw.
     * @param minFreeBytes    free bytes below which the disk counts as full.
     * @param checkIntervalNs between checks.
     * @param archiveActivityMs the activity timestamp of an archive in this process (its mark file's), or null if
     *                          there is none to watch.
     * @param stoppedLog      the name of a log the archive no longer records, or null if all are recorded; may itself
     *                        be null when there are no logs to watch.
     * @param usableBytes     counter to publish the free bytes in.
     * @param stateCounter    counter to publish the state in.
     * @param nanoClock       for the checks' schedule.
     * @param epochClock      to compare with the archive's activity timestamp.
     * @param logger          told of each change of state.
     * @param errorHandler    told of a stopped archive or a volume that cannot be read.
     */
    DiskSpaceAgent(
        final File archiveDir,
        final LongSupplier usableSpace,
        final long minFreeBytes,
        final long checkIntervalNs,
        final LongSupplier archiveActivityMs,
        final Supplier<String> stoppedLog,
        final AtomicCounter usableBytes,
        final AtomicCounter stateCounter,
        final NanoClock nanoClock,
        final EpochClock epochClock,
        final Consumer<String> logger,
        final ErrorHandler errorHandler)
    {
        this.archiveDir = archiveDir;
        this.usableSpace = usableSpace;
        this.minFreeBytes = minFreeBytes;
        this.resumeFreeBytes = resumeFreeBytes(minFreeBytes);
        this.checkIntervalNs = checkIntervalNs;
        this.archiveActivityMs = archiveActivityMs;
        this.stoppedLog = stoppedLog;
        this.usableBytes = usableBytes;
        this.stateCounter = stateCounter;
        this.nanoClock = nanoClock;
        this.epochClock = epochClock;
        this.logger = logger;
        this.errorHandler = errorHandler;
    }

    /**
     * The agent that watches a broker's archive volume, with the broker's settings and the system's clocks.
     *
     * @param ctx             of the broker: the minimum free bytes and the logger.
     * @param archiveDir      whose volume is watched.
     * @param archiveMarkFile of an archive in this process, or null.
     * @param logs            the broker's logs, each of which the archive must go on recording.
     * @param counters        to publish the state and free bytes in.
     * @param errorHandler    for a stopped archive or a volume that cannot be read.
     * @return the agent, to be run with the broker's agents.
     */
    static DiskSpaceAgent watch(
        final BrokerContext ctx,
        final File archiveDir,
        final ArchiveMarkFile archiveMarkFile,
        final List<RecordedLog> logs,
        final BrokerCounters.Disk counters,
        final ErrorHandler errorHandler)
    {
        final DiskSpaceAgent agent = new DiskSpaceAgent(
            archiveDir,
            usableSpaceOf(archiveDir),
            ctx.diskMinFreeBytes(),
            SystemUtil.getDurationInNanos(
                BrokerConfiguration.DISK_CHECK_INTERVAL_PROP_NAME, BrokerConfiguration.DISK_CHECK_INTERVAL_DEFAULT_NS),
            null != archiveMarkFile ? archiveMarkFile::activityTimestampVolatile : null,
            () -> firstStopped(logs),
            counters.usableBytes,
            counters.state,
            SystemNanoClock.INSTANCE,
            SystemEpochClock.INSTANCE,
            ctx.logger(),
            errorHandler);
        // the state is known before the first client is served: a broker started on a full disk starts full
        agent.check();

        return agent;
    }

    /**
     * @param counters     the agent's counters.
     * @param archiveDir   whose volume the agent watches.
     * @param minFreeBytes free bytes below which the disk counts as full.
     * @return the gate through which the shards see the agent's state.
     */
    static StorageGate storageGate(final BrokerCounters.Disk counters, final File archiveDir, final long minFreeBytes)
    {
        return new StorageGate(counters.state, counters.usableBytes, archiveDir, resumeFreeBytes(minFreeBytes));
    }

    /**
     * @return the gate through which the shards see this agent's state.
     */
    StorageGate storageGate()
    {
        return new StorageGate(stateCounter, usableBytes, archiveDir, resumeFreeBytes);
    }

    private static String firstStopped(final List<RecordedLog> logs)
    {
        for (int i = 0, size = logs.size(); i < size; i++)
        {
            final RecordedLog log = logs.get(i);
            if (!log.isRecording())
            {
                return log.name() + " (recording " + log.recordingId() + ")";
            }
        }

        return null;
    }

    /**
     * @param dir a directory.
     * @return the free bytes of its volume, read each time it is asked.
     * @throws UncheckedIOException if the volume cannot be found.
     */
    static LongSupplier usableSpaceOf(final File dir)
    {
        try
        {
            final FileStore store = Files.getFileStore(dir.toPath());
            return () ->
            {
                try
                {
                    return store.getUsableSpace();
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            };
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot find the volume of " + dir.getAbsolutePath(), ex);
        }
    }

    /**
     * @param minFreeBytes free bytes below which the disk counts as full.
     * @return free bytes from which sends are accepted again: a quarter more.
     */
    static long resumeFreeBytes(final long minFreeBytes)
    {
        return minFreeBytes + minFreeBytes / 4;
    }

    /**
     * Check once as the agent starts.
     */
    public void onStart()
    {
        check();
        nextCheckNs = nanoClock.nanoTime() + checkIntervalNs;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        final long nowNs = nanoClock.nanoTime();
        if (nowNs - nextCheckNs < 0)
        {
            return 0;
        }
        nextCheckNs = nowNs + checkIntervalNs;

        return check() ? 1 : 0;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "magnetar-disk";
    }

    /**
     * @return the broker's state as last checked.
     */
    State state()
    {
        return state;
    }

    private boolean check()
    {
        final State before = state;
        long usable = usableBytes.get();
        try
        {
            usable = usableSpace.getAsLong();
            usableBytes.setOrdered(usable);
            spaceUnknown = false;
        }
        catch (final RuntimeException ex)
        {
            if (!spaceUnknown)
            {
                spaceUnknown = true;
                errorHandler.onError(new IllegalStateException(
                    "cannot read the free space of " + archiveDir.getAbsolutePath() + ": " + ex, ex));
            }
        }

        if (State.ARCHIVE_STOPPED != state && null != archiveActivityMs)
        {
            final long idleMs = epochClock.time() - archiveActivityMs.getAsLong();
            if (idleMs > BrokerConfiguration.ARCHIVE_LIVENESS_TIMEOUT_MS)
            {
                state = State.ARCHIVE_STOPPED;
                final String message = "the archive has stopped (no activity in its mark file for " + idleMs +
                    " ms; its errors: archive-mark.dat in " + archiveDir.getAbsolutePath() + "): nothing can be " +
                    "stored until the broker restarts";
                logger.accept("magnetar: " + message);
                errorHandler.onError(new IllegalStateException(message));
            }
        }
        if (State.ARCHIVE_STOPPED != state && null != stoppedLog)
        {
            final String log = stoppedLog.get();
            if (null != log)
            {
                state = State.ARCHIVE_STOPPED;
                final String message = "the archive stopped recording the log " + log + " (a full disk? its " +
                    "errors: archive-mark.dat in " + archiveDir.getAbsolutePath() + "): nothing can be stored " +
                    "until the broker restarts";
                logger.accept("magnetar: " + message);
                errorHandler.onError(new IllegalStateException(message));
            }
        }
        if (State.READY == state && !spaceUnknown && usable < minFreeBytes)
        {
            state = State.DISK_FULL;
            logger.accept("magnetar: disk full on " + archiveDir.getAbsolutePath() + ", " + usable +
                " bytes free (minimum " + minFreeBytes + "): sends to persistent topics are refused until " +
                resumeFreeBytes + " bytes are free; consumers, acknowledgements and retention go on");
        }
        else if (State.DISK_FULL == state && !spaceUnknown && usable >= resumeFreeBytes)
        {
            state = State.READY;
            logger.accept("magnetar: " + usable + " bytes free again on " + archiveDir.getAbsolutePath() +
                ": sends are accepted");
        }
        stateCounter.setOrdered(state.ordinal());

        return before != state;
    }
}
