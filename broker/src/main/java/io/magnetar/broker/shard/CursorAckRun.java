package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.storage.StorageException;
import org.agrona.ErrorHandler;

/**
 * Acks of a run of consecutive entries of one subscription, recorded in the cursor log as one record rather than one
 * each. An ack of the entry after the run's last extends it; any other ack, and any command that reads or changes
 * subscriptions, records the run first. As every ack, the run is recorded first and applied to the cursor once
 * recorded; the shard records it at the latest at the end of each poll of its commands, so outside a poll a run
 * waits only while the cursor log is back-pressured.
 */
final class CursorAckRun
{
    private final int shard;
    private final ShardLogWriter writer;
    private final ErrorHandler errorHandler;
    private TopicSubscription subscription;
    private long firstOrdinal;
    private long lastOrdinal;
    private long firstPosition;
    private long lastPosition;

    CursorAckRun(final int shard, final ShardLogWriter writer, final ErrorHandler errorHandler)
    {
        this.shard = shard;
        this.writer = writer;
        this.errorHandler = errorHandler;
    }

    /**
     * @return true if the entry's ack waits in the run.
     */
    boolean holds(final TopicSubscription subscription, final long ordinal)
    {
        return this.subscription == subscription && ordinal >= firstOrdinal && ordinal <= lastOrdinal;
    }

    /**
     * @return the ordinal that would extend the subscription's run, or -1 if it has none.
     */
    long nextOrdinal(final TopicSubscription subscription)
    {
        return this.subscription == subscription ? lastOrdinal + 1 : -1;
    }

    /**
     * Add an ack of an entry not acknowledged yet.
     *
     * @return false if the run must be recorded first: the entry does not follow its last.
     */
    boolean add(final TopicSubscription subscription, final long ordinal, final long position)
    {
        if (null == this.subscription)
        {
            this.subscription = subscription;
            firstOrdinal = ordinal;
            firstPosition = position;
        }
        else if (this.subscription != subscription || ordinal != lastOrdinal + 1)
        {
            return false;
        }

        lastOrdinal = ordinal;
        lastPosition = position;
        return true;
    }

    /**
     * Record the run in the cursor log and apply it to its cursor.
     *
     * @return false if the cursor log is back-pressured; the run waits and is recorded later.
     */
    boolean record()
    {
        final TopicSubscription subscription = this.subscription;
        if (null == subscription)
        {
            return true;
        }

        final long result = firstOrdinal == lastOrdinal ?
            writer.appendCursorAck(subscription, firstPosition) :
            writer.appendCursorAckRange(subscription, firstPosition, lastPosition);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }

        this.subscription = null;
        if (result < 0)
        {
            // not recorded, so not applied: the messages stay unacknowledged and will be delivered again
            errorHandler.onError(new StorageException("shard " + shard + ": acks of positions " + firstPosition +
                " to " + lastPosition + " on subscription " + subscription.name + " could not be recorded: " +
                Publication.errorString(result)));
            return true;
        }

        if (firstOrdinal == lastOrdinal)
        {
            subscription.cursor.ackOrdinal(firstOrdinal);
        }
        else
        {
            subscription.cursor.ackRange(firstPosition, lastPosition);
        }
        if (subscription.tracksAcks())
        {
            for (long ordinal = firstOrdinal; ordinal <= lastOrdinal; ordinal++)
            {
                subscription.onAcked(ordinal);
            }
        }

        return true;
    }
}
