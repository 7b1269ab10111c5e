package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

import java.io.File;

/**
 * The broker's counters, in the driver's counters file, so {@code AeronStat} and any process on the host can read
 * them. Each counter has one writer: the agent named in its label. Each kind of counter has its own type id, so
 * {@code AeronStat type=<id>} shows one kind (e.g. {@link #MESSAGES_IN_TYPE_ID} of every shard).
 */
public final class BrokerCounters implements AutoCloseable
{
    /** Type id of the count of client sessions opened. */
    public static final int SESSIONS_OPENED_TYPE_ID = 1_101_001;
    /** Type id of the count of client sessions closed. */
    public static final int SESSIONS_CLOSED_TYPE_ID = 1_101_002;
    /** Type id of the count of malformed, unknown or session-less frames. */
    public static final int BAD_FRAMES_TYPE_ID = 1_101_003;
    /** Type id of the count of errors seen by the broker's error handler. */
    public static final int ERRORS_TYPE_ID = 1_101_004;
    /** Type id of the count of times ingress was held back by a full shard queue or pool. */
    public static final int INGRESS_BACK_PRESSURE_TYPE_ID = 1_101_005;
    /** Type id of the count of segment file syncs done by the log sync agent. */
    public static final int LOG_SYNCS_TYPE_ID = 1_101_006;
    /** Type id of the count of messages appended to a shard log, one counter per shard. */
    public static final int MESSAGES_IN_TYPE_ID = 1_101_010;
    /** Type id of the count of messages pushed to consumers, one counter per shard. */
    public static final int MESSAGES_OUT_TYPE_ID = 1_101_011;
    /** Type id of the count of receipts sent to producers, one counter per shard. */
    public static final int RECEIPTS_TYPE_ID = 1_101_012;
    /** Type id of the count of times a shard log was back-pressured by the archive, one counter per shard. */
    public static final int LOG_BACK_PRESSURE_TYPE_ID = 1_101_013;
    /** Type id of the count of messages held by a producer_request_hold backlog quota, one counter per shard. */
    public static final int HELD_SENDS_TYPE_ID = 1_101_014;
    /** Type id of a log's position up to which its segment files are synced: shard and cursor log of each shard. */
    public static final int LOG_SYNCED_POSITION_TYPE_ID = 1_101_015;
    /** Type id of a log's position that an fsync namespace waits for: shard and cursor log of each shard. */
    public static final int LOG_SYNC_REQUEST_TYPE_ID = 1_101_016;
    /** Type id of the count of sends answered as duplicates by deduplication, one counter per shard. */
    public static final int DUPLICATE_SENDS_TYPE_ID = 1_101_017;

    /** Type id of the free bytes of the archive's volume; its label names the archive directory. */
    public static final int ARCHIVE_USABLE_BYTES_TYPE_ID = 1_101_020;
    /** Type id of the broker's state: {@link DiskSpaceAgent.State}'s ordinal (0 ready, 1 disk full, 2 archive
     * stopped). */
    public static final int BROKER_STATE_TYPE_ID = 1_101_021;

    /** Client sessions opened. */
    public final Counter sessionsOpened;
    /** Client sessions closed. */
    public final Counter sessionsClosed;
    /** Frames dropped or answered with an error because they were malformed, unknown or from no session. */
    public final Counter badFrames;
    /** Errors seen by the broker's error handler. */
    public final Counter errors;
    /** Times a shard command queue or pool was full and ingress was held back. */
    public final Counter ingressBackPressure;
    /** Segment file syncs done for fsync namespaces by the log sync agent. */
    public final Counter logSyncs;

    /**
     * @param aeron client to allocate the counters with.
     */
    public BrokerCounters(final Aeron aeron)
    {
        sessionsOpened = aeron.addCounter(SESSIONS_OPENED_TYPE_ID, "magnetar-session: sessions opened");
        sessionsClosed = aeron.addCounter(SESSIONS_CLOSED_TYPE_ID, "magnetar-session: sessions closed");
        badFrames = aeron.addCounter(BAD_FRAMES_TYPE_ID, "magnetar-session: bad frames");
        errors = aeron.addCounter(ERRORS_TYPE_ID, "magnetar-broker: errors");
        ingressBackPressure = aeron.addCounter(
            INGRESS_BACK_PRESSURE_TYPE_ID, "magnetar-session: ingress back pressure");
        logSyncs = aeron.addCounter(LOG_SYNCS_TYPE_ID, "magnetar-log-sync: segment file syncs");
    }

    /**
     * The archive volume's free bytes and the broker's state, written by the {@link DiskSpaceAgent} and read by the
     * shards (to refuse sends) and by {@code bin/magnetar health}.
     */
    public static final class Disk implements AutoCloseable
    {
        /** Label prefix of {@link #usableBytes}; the archive directory and the minimum follow. */
        public static final String USABLE_BYTES_LABEL = "magnetar-disk: usable bytes of ";

        /** Free bytes of the archive's volume, as last checked. */
        public final Counter usableBytes;
        /** The broker's state: 0 ready, 1 disk full, 2 archive stopped. */
        public final Counter state;

        /**
         * @param aeron        client to allocate the counters with.
         * @param archiveDir   directory whose volume is watched.
         * @param minFreeBytes free bytes below which sends are refused.
         */
        public Disk(final Aeron aeron, final File archiveDir, final long minFreeBytes)
        {
            usableBytes = aeron.addCounter(ARCHIVE_USABLE_BYTES_TYPE_ID,
                USABLE_BYTES_LABEL + archiveDir.getAbsolutePath() + " (sends refused below " + minFreeBytes + ")");
            state = aeron.addCounter(BROKER_STATE_TYPE_ID,
                "magnetar-broker: state (0 ready, 1 disk full, 2 archive stopped)");
        }

        /**
         * Free the counters.
         */
        public void close()
        {
            CloseHelper.quietCloseAll(usableBytes, state);
        }
    }

    /**
     * Counters of one topic shard.
     */
    public static final class Shard implements AutoCloseable
    {
        /** Messages appended to the shard log. */
        public final Counter messagesIn;
        /** Messages pushed to consumers. */
        public final Counter messagesOut;
        /** Receipts sent to producers. */
        public final Counter receipts;
        /** Times the shard log was back-pressured by the archive. */
        public final Counter logBackPressure;
        /** Messages held because a backlog quota under producer_request_hold was exceeded. */
        public final Counter heldSends;
        /** Sends answered as duplicates by deduplication, not stored again. */
        public final Counter duplicateSends;
        /** Position of the shard log up to which the log sync agent has forced the archive's segment files. */
        public final Counter entryLogSyncedPosition;
        /** Position of the cursor log up to which the log sync agent has forced the archive's segment files. */
        public final Counter cursorLogSyncedPosition;
        /** Highest position of the shard log that an fsync namespace waits for; set by the shard. */
        public final Counter entryLogSyncRequest;
        /** Highest position of the cursor log that an fsync namespace waits for; set by the shard. */
        public final Counter cursorLogSyncRequest;

        /**
         * @param aeron client to allocate the counters with.
         * @param shard number of the shard.
         */
        public Shard(final Aeron aeron, final int shard)
        {
            final String prefix = "magnetar-topic-shard-" + shard + ": ";
            messagesIn = aeron.addCounter(MESSAGES_IN_TYPE_ID, prefix + "messages in");
            messagesOut = aeron.addCounter(MESSAGES_OUT_TYPE_ID, prefix + "messages out");
            receipts = aeron.addCounter(RECEIPTS_TYPE_ID, prefix + "receipts");
            logBackPressure = aeron.addCounter(LOG_BACK_PRESSURE_TYPE_ID, prefix + "log back pressure");
            heldSends = aeron.addCounter(HELD_SENDS_TYPE_ID, prefix + "messages held by backlog quota");
            duplicateSends = aeron.addCounter(DUPLICATE_SENDS_TYPE_ID, prefix + "duplicate sends");
            entryLogSyncedPosition = aeron.addCounter(
                LOG_SYNCED_POSITION_TYPE_ID, prefix + "shard log synced position");
            cursorLogSyncedPosition = aeron.addCounter(
                LOG_SYNCED_POSITION_TYPE_ID, prefix + "cursor log synced position");
            entryLogSyncRequest = aeron.addCounter(LOG_SYNC_REQUEST_TYPE_ID, prefix + "shard log sync request");
            cursorLogSyncRequest = aeron.addCounter(LOG_SYNC_REQUEST_TYPE_ID, prefix + "cursor log sync request");
        }

        /**
         * {@inheritDoc}
         */
        public void close()
        {
            CloseHelper.closeAll(
                messagesIn, messagesOut, receipts, logBackPressure, heldSends, duplicateSends, entryLogSyncedPosition,
                cursorLogSyncedPosition, entryLogSyncRequest, cursorLogSyncRequest);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void close()
    {
        CloseHelper.closeAll(sessionsOpened, sessionsClosed, badFrames, errors, ingressBackPressure, logSyncs);
    }
}
