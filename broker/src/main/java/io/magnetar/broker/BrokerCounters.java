package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.Counter;
import org.agrona.CloseHelper;

/**
 * The broker's counters, in the driver's counters file, so {@code AeronStat} and any process on the host can read
 * them. Each counter has one writer: the agent named in its label.
 */
public final class BrokerCounters implements AutoCloseable
{
    /**
     * Counter type id of Magnetar broker counters.
     */
    public static final int BROKER_COUNTER_TYPE_ID = 1_101_001;

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
        sessionsOpened = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-session: sessions opened");
        sessionsClosed = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-session: sessions closed");
        badFrames = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-session: bad frames");
        errors = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-broker: errors");
        ingressBackPressure = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-session: ingress back pressure");
        logSyncs = aeron.addCounter(BROKER_COUNTER_TYPE_ID, "magnetar-log-sync: segment file syncs");
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
            messagesIn = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "messages in");
            messagesOut = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "messages out");
            receipts = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "receipts");
            logBackPressure = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "log back pressure");
            heldSends = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "messages held by backlog quota");
            entryLogSyncedPosition = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "shard log synced position");
            cursorLogSyncedPosition = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "cursor log synced position");
            entryLogSyncRequest = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "shard log sync request");
            cursorLogSyncRequest = aeron.addCounter(BROKER_COUNTER_TYPE_ID, prefix + "cursor log sync request");
        }

        /**
         * {@inheritDoc}
         */
        public void close()
        {
            CloseHelper.closeAll(
                messagesIn, messagesOut, receipts, logBackPressure, heldSends, entryLogSyncedPosition,
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
