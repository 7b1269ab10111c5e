package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.codecs.ErrorCode;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Deduplication by producer name and sequence id (Pulsar's message deduplication), for persistent topics whose
 * namespace turns it on. Each producer name of a topic is bound to a publisher id by a {@code PublisherRegistered}
 * record in the shard log, and its entries carry that id, so recovery finds each name's highest sequence id in the
 * log after the index snapshot, and the snapshot holds it for what came before. A send at or below its name's
 * highest sequence id is a duplicate: it is not stored again, and is answered, in order, with a receipt of message id
 * {@code -1:-1} once the original is stored.
 * <p>
 * A topic keeps at most {@link ShardContext#deduplicationMaxProducers()} names (beyond them the name idle longest is
 * forgotten) and forgets names with no producer for {@link ShardContext#deduplicationInactivityTimeoutMs()} when a
 * snapshot is written. Turning deduplication off forgets the topic's names, recorded by a {@code PublishersCleared}
 * record, so a name's old sequence ids never hold back a producer that restarted its sequence while it was off.
 */
final class Deduplication
{
    /** The first storage schema version whose entries carry a publisher id (before it: the session's producer id). */
    static final int STORAGE_VERSION = 4;

    /** The send is new: append it (under the producer's publisher, if tracked). */
    static final int ACCEPT = 0;
    /** The send is a duplicate: already answered. */
    static final int DUPLICATE = 1;
    /** A record could not be appended (back pressure): try the command again. */
    static final int RETRY = 2;
    /** A record could not be appended for good: already answered with an error. */
    static final int FAILED = 3;

    /** {@link #onProducerCreated} result: a record could not be appended yet; try again. */
    static final long CREATE_RETRY = -2;
    /** {@link #onProducerCreated} result: a record could not be appended for good. */
    static final long CREATE_FAILED = -4;

    private final int shard;
    private final int maxProducers;
    private final long inactivityTimeoutMs;
    private final ShardLogWriter writer;
    private final ReceiptTracker receipts;
    private final AtomicCounter duplicateSends;
    private final EpochClock epochClock;
    private long nextPublisherId = 1;
    private long lastAppendResult;
    private long answerAfterPosition = Long.MIN_VALUE;
    private long snapshotPosition = Long.MIN_VALUE;

    Deduplication(final ShardContext ctx, final ShardLogWriter writer, final ReceiptTracker receipts)
    {
        this.shard = ctx.shard();
        this.maxProducers = ctx.deduplicationMaxProducers();
        this.inactivityTimeoutMs = ctx.deduplicationInactivityTimeoutMs();
        this.duplicateSends = ctx.counters().duplicateSends;
        this.epochClock = ctx.epochClock();
        this.writer = writer;
        this.receipts = receipts;
    }

    /**
     * @return true if sends to the topic are deduplicated.
     */
    static boolean isEnabled(final Topic topic)
    {
        return topic.persistent && topic.policies.isDeduplicationEnabled();
    }

    /**
     * @return true if the topic keeps the name for deduplication, connected or not.
     */
    static boolean knows(final Topic topic, final String name)
    {
        return null != topic.publishers && null != topic.publishers.byName(name);
    }

    /**
     * A producer is being created: with deduplication on, bind it to its name (recorded if the name is new).
     *
     * The answer must wait until the shard log is stored up to {@link #answerAfterPosition()}: what it says (a last
     * sequence id, or none) holds only once the records it rests on are, and the name's last entry, are stored.
     *
     * @param producer being created, not yet answered; its name is not connected to the topic.
     * @param nowMs    epoch time.
     * @return the highest sequence id appended under its name, stored once the answer goes (-1 if none, or
     * deduplication is off), or one of the {@code CREATE_*} results.
     */
    long onProducerCreated(final ShardProducer producer, final long nowMs)
    {
        answerAfterPosition = Long.MIN_VALUE;
        final Topic topic = producer.topic;
        if (!isEnabled(topic))
        {
            if (null != topic.publishers)
            {
                if (!clear(topic))
                {
                    return createFailure();
                }
                answerAfterPosition = writer.entryAppendedPosition();
            }
            return -1;
        }

        Publisher publisher = null == topic.publishers ? null : topic.publishers.byName(producer.name);
        if (null == publisher)
        {
            publisher = bind(topic, producer.name, -1, nowMs);
            if (null == publisher)
            {
                return createFailure();
            }
            answerAfterPosition = writer.entryAppendedPosition();
        }
        else
        {
            answerAfterPosition = publisher.pushedEndPosition;
        }
        attach(producer, publisher);

        return publisher.pushedSequenceId;
    }

    /**
     * @return the shard log position the answer to the last {@link #onProducerCreated} must wait for, or
     * {@link Long#MIN_VALUE} if it may go at once.
     */
    long answerAfterPosition()
    {
        return answerAfterPosition;
    }

    /**
     * A producer closed, or its session did.
     */
    void onProducerClosed(final ShardProducer producer, final long nowMs)
    {
        final Publisher publisher = producer.publisher;
        producer.publisher = null;
        if (null != publisher && !publisher.forgotten && publisher.connectedProducers > 0)
        {
            publisher.connectedProducers--;
            publisher.idleSinceMs = nowMs;
        }
    }

    /**
     * Check a persistent send before it is appended.
     *
     * @return {@link #ACCEPT} (append it under {@link #publisher(ShardProducer)}'s id), {@link #DUPLICATE},
     * {@link #RETRY} or {@link #FAILED}.
     */
    int onSend(final ShardSession session, final ShardProducer producer, final long sequenceId)
    {
        final Topic topic = producer.topic;
        if (!topic.policies.isDeduplicationEnabled())
        {
            if (null != topic.publishers && !clear(topic))
            {
                return sendFailure(session, producer, sequenceId);
            }
            return ACCEPT;
        }

        Publisher publisher = producer.publisher;
        if (null == publisher || publisher.forgotten)
        {
            // turned on while the producer was connected, or its name was forgotten: bind it now (the name is the
            // producer's alone on the topic, so no other producer holds the publisher)
            producer.publisher = null;
            final Publisher existing = null == topic.publishers ? null : topic.publishers.byName(producer.name);
            publisher = null != existing ? existing : bind(topic, producer.name, -1, epochClock.time());
            if (null == publisher)
            {
                return sendFailure(session, producer, sequenceId);
            }
            attach(producer, publisher);
        }

        if (sequenceId <= publisher.pushedSequenceId)
        {
            // the answer waits for the original when it is not yet stored, and keeps the producer's order
            receipts.onDuplicate(session, topic, producer.producerId, sequenceId,
                sequenceId <= publisher.storedSequenceId ? Long.MIN_VALUE : publisher.pushedEndPosition);
            duplicateSends.incrementRelease();
            return DUPLICATE;
        }

        return ACCEPT;
    }

    /**
     * @return the publisher a producer's accepted send counts for once stored, or null.
     */
    static Publisher publisher(final ShardProducer producer)
    {
        final Publisher publisher = producer.publisher;
        return null == publisher || publisher.forgotten ? null : publisher;
    }

    /**
     * An accepted send was appended. The first append of a name past the snapshot position in progress keeps the
     * name's sequence id below that position, which is what the snapshot may say of it.
     */
    void onAppended(final Publisher publisher, final long sequenceId, final long endPosition)
    {
        if (null != publisher)
        {
            publisher.onAppended(sequenceId, endPosition, snapshotPosition);
        }
    }

    /**
     * A snapshot begins: it describes the shard log below this position.
     */
    void onSnapshotBegin(final long entryLogPosition)
    {
        snapshotPosition = entryLogPosition;
    }

    /**
     * @return the name's highest sequence id among its entries below the snapshot position: all stored when the
     * snapshot is written, and the log after it is scanned at recovery for the rest.
     */
    long snapshotSequenceId(final Publisher publisher)
    {
        return publisher.sequenceIdBelow(snapshotPosition);
    }

    /**
     * @return the publisher id the next new name gets; kept by snapshots so an id is never given twice.
     */
    long nextPublisherId()
    {
        return nextPublisherId;
    }

    /**
     * Recovery found a snapshot that had handed out ids up to this one.
     */
    void onRecoveredNextPublisherId(final long publisherId)
    {
        nextPublisherId = Math.max(nextPublisherId, publisherId);
    }

    /**
     * Retention will purge the shard log below {@code newStart}: record again the names bound below it, with their
     * highest sequence id, so recovery still finds them.
     *
     * @return false if a record could not be appended; call again.
     */
    boolean recordBindingsAgain(final Topic topic, final long newStart)
    {
        if (null == topic.publishers)
        {
            return true;
        }
        for (final Publisher publisher : topic.publishers.publishers())
        {
            if (publisher.bindingPosition < newStart)
            {
                final long position = writer.appendPublisherRegistered(
                    topic.id, publisher.id, publisher.pushedSequenceId, publisher.name);
                if (position < 0)
                {
                    return false;
                }
                publisher.bindingPosition = position;
            }
        }

        return true;
    }

    /**
     * A snapshot is about to describe the topic: forget names idle beyond the inactivity timeout.
     *
     * @return names forgotten.
     */
    int expireIdle(final Topic topic, final long nowMs)
    {
        if (null == topic.publishers)
        {
            return 0;
        }
        final int expired = topic.publishers.expireIdle(nowMs - inactivityTimeoutMs);
        if (0 == topic.publishers.size())
        {
            topic.publishers = null;
        }

        return expired;
    }

    /**
     * Recovery met a {@code PublisherRegistered} record, or a snapshot's {@code PublisherState}.
     *
     * @param position of the record in the shard log, or -1 if it came from a snapshot.
     */
    void onRecoveredPublisher(
        final Topic topic,
        final long publisherId,
        final long sequenceId,
        final String name,
        final long position,
        final long nowMs)
    {
        final Publisher publisher = new Publisher(publisherId, name, sequenceId);
        publisher.bindingPosition = position;
        publisher.idleSinceMs = nowMs;
        publishers(topic).put(publisher);
        nextPublisherId = Math.max(nextPublisherId, publisherId + 1);
    }

    /**
     * Recovery met a {@code PublishersCleared} record.
     */
    static void onRecoveredClear(final Topic topic)
    {
        if (null != topic.publishers)
        {
            topic.publishers.clear();
            topic.publishers = null;
        }
    }

    /**
     * Recovery met an entry.
     */
    static void onRecoveredEntry(final Topic topic, final long publisherId, final long sequenceId)
    {
        if (0 != publisherId && null != topic.publishers)
        {
            final Publisher publisher = topic.publishers.byId(publisherId);
            if (null != publisher)
            {
                publisher.onRecovered(sequenceId);
            }
        }
    }

    private void attach(final ShardProducer producer, final Publisher publisher)
    {
        publisher.connectedProducers++;
        producer.publisher = publisher;
    }

    private Publisher bind(final Topic topic, final String name, final long sequenceId, final long nowMs)
    {
        final long publisherId = nextPublisherId;
        lastAppendResult = writer.appendPublisherRegistered(topic.id, publisherId, sequenceId, name);
        if (lastAppendResult < 0)
        {
            return null;
        }
        nextPublisherId++;
        final TopicPublishers publishers = publishers(topic);
        if (publishers.size() >= maxProducers)
        {
            final Publisher idle = publishers.longestIdle();
            if (null != idle)
            {
                publishers.remove(idle);
            }
        }
        final Publisher publisher = new Publisher(publisherId, name, sequenceId);
        publisher.bindingPosition = lastAppendResult;
        publisher.idleSinceMs = nowMs;
        publishers.put(publisher);

        return publisher;
    }

    private boolean clear(final Topic topic)
    {
        lastAppendResult = writer.appendPublishersCleared(topic.id);
        if (lastAppendResult < 0)
        {
            return false;
        }
        onRecoveredClear(topic);

        return true;
    }

    private static TopicPublishers publishers(final Topic topic)
    {
        TopicPublishers publishers = topic.publishers;
        if (null == publishers)
        {
            publishers = new TopicPublishers();
            topic.publishers = publishers;
        }

        return publishers;
    }

    private boolean isRetryable()
    {
        return Publication.BACK_PRESSURED == lastAppendResult || Publication.ADMIN_ACTION == lastAppendResult;
    }

    private long createFailure()
    {
        return isRetryable() ? CREATE_RETRY : CREATE_FAILED;
    }

    private int sendFailure(final ShardSession session, final ShardProducer producer, final long sequenceId)
    {
        if (isRetryable())
        {
            return RETRY;
        }
        receipts.onSendError(session, producer.producerId, sequenceId, ErrorCode.PERSISTENCE_ERROR,
            "shard " + shard + " log is not writable: " + Publication.errorString(lastAppendResult));

        return FAILED;
    }

    /**
     * @return why a record could not be appended, for an error.
     */
    String lastFailure()
    {
        return "shard " + shard + " log is not writable: " + Publication.errorString(lastAppendResult);
    }
}
