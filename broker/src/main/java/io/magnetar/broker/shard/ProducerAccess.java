package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ProducerAccessMode;

import java.util.ArrayDeque;

/**
 * Producer access modes, as Pulsar's: {@code SHARED} producers share a topic; an {@code EXCLUSIVE} one is refused
 * while any other is connected, a {@code WAIT_FOR_EXCLUSIVE} one waits until none is, and an
 * {@code EXCLUSIVE_WITH_FENCING} one fences off those connected. Each exclusive producer that takes a topic raises the
 * topic's epoch, recorded in the topic's definition in the shard log (so it survives restarts) before the producer is
 * told; a producer coming back with a lower epoch than the topic's (after its session was restored) is fenced.
 */
final class ProducerAccess
{
    /** The producer may be created. */
    static final int GRANTED = 0;
    /** Refused: the error is answered. */
    static final int REFUSED = 1;
    /** Queued until the topic has no producer. */
    static final int WAITING = 2;
    /** A record could not be appended yet: try the command again. */
    static final int RETRY = 3;

    /**
     * Takes a producer off its topic and session because an exclusive producer fenced it.
     */
    interface Fencer
    {
        /**
         * @param producer to fence off.
         */
        void fence(ShardProducer producer);
    }

    /** The highest epoch a producer may claim: raising it stays far from overflow. */
    static final long MAX_EPOCH = Long.MAX_VALUE / 2;

    private final int shard;
    private final ShardLogWriter writer;
    private final ClientProxy proxy;
    private final ArrayDeque<Topic> grantable = new ArrayDeque<>();
    private Fencer fencer;
    private long answerAfterPosition = Long.MIN_VALUE;
    private long grantedEpoch = -1;

    ProducerAccess(final int shard, final ShardLogWriter writer, final ClientProxy proxy)
    {
        this.shard = shard;
        this.writer = writer;
        this.proxy = proxy;
    }

    void fencer(final Fencer fencer)
    {
        this.fencer = fencer;
    }

    /**
     * @return true for the modes that hold a topic alone.
     */
    static boolean isExclusive(final ProducerAccessMode mode)
    {
        return ProducerAccessMode.EXCLUSIVE == mode || ProducerAccessMode.WAIT_FOR_EXCLUSIVE == mode ||
            ProducerAccessMode.EXCLUSIVE_WITH_FENCING == mode;
    }

    /**
     * Decide whether a producer may be created on its topic now. An exclusive one raises (or, coming back with the
     * topic's epoch, keeps) the epoch; the answer must then wait for {@link #answerAfterPosition()}.
     *
     * @param requestedEpoch the epoch a restored exclusive producer held, or a negative value.
     * @return {@link #GRANTED}, {@link #REFUSED}, {@link #WAITING} or {@link #RETRY}.
     */
    int onCreate(
        final ShardSession session,
        final long correlationId,
        final long producerId,
        final String producerName,
        final Topic topic,
        final ProducerAccessMode mode,
        final long requestedEpoch)
    {
        answerAfterPosition = Long.MIN_VALUE;
        grantedEpoch = -1;
        final TopicAccess access = topic.access;
        if (!isExclusive(mode))
        {
            if (null != access && null != access.exclusiveProducer)
            {
                proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "topic " + topic.name +
                    " has an exclusive producer, '" + access.exclusiveProducer.name + "'");
                return REFUSED;
            }
            if (null != access && access.hasWaiting())
            {
                // as Pulsar: shared producers would keep a waiting exclusive one out for ever
                proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "topic " + topic.name +
                    " has " + access.waiting.size() + " producer(s) waiting for exclusive access");
                return REFUSED;
            }
            return GRANTED;
        }

        final long epoch = null == access ? 0 : access.epoch;
        if (requestedEpoch > MAX_EPOCH)
        {
            proxy.error(session, correlationId, ErrorCode.INVALID_ARGUMENT, "topic epoch " + requestedEpoch +
                " is beyond the most a topic can reach, " + MAX_EPOCH);
            return REFUSED;
        }
        if (requestedEpoch >= 0 && requestedEpoch < epoch)
        {
            proxy.error(session, correlationId, ErrorCode.PRODUCER_FENCED, "producer '" + producerName +
                "' held topic " + topic.name + " at epoch " + requestedEpoch + "; another exclusive producer took it " +
                "since (epoch " + epoch + ")");
            return REFUSED;
        }
        if (ProducerAccessMode.EXCLUSIVE_WITH_FENCING != mode && topic.producerCount() > 0)
        {
            if (ProducerAccessMode.WAIT_FOR_EXCLUSIVE == mode)
            {
                final TopicAccess waitingAccess = access(topic);
                if (null == waitingAccess.waiting)
                {
                    waitingAccess.waiting = new ArrayDeque<>();
                }
                waitingAccess.waiting.addLast(
                    new TopicAccess.WaitingCreate(session, correlationId, producerId, producerName));
                if (null == session.waitingCreates)
                {
                    session.waitingCreates = new org.agrona.collections.Long2ObjectHashMap<>();
                }
                session.waitingCreates.put(producerId, topic);
                return WAITING;
            }
            proxy.error(session, correlationId, ErrorCode.PRODUCER_BUSY, "topic " + topic.name + " has " +
                topic.producerCount() + " producer(s) connected: an exclusive producer is refused while it has any");
            return REFUSED;
        }

        final long newEpoch = requestedEpoch >= epoch ? requestedEpoch : epoch + 1;
        if (newEpoch != epoch && topic.persistent)
        {
            final long position = writer.appendTopicDefinition(topic.id, topic.name.toString(), newEpoch);
            if (position < 0)
            {
                if (Publication.BACK_PRESSURED == position || Publication.ADMIN_ACTION == position)
                {
                    return RETRY;
                }
                proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, "shard " + shard +
                    " log is not writable: " + Publication.errorString(position));
                return REFUSED;
            }
            topic.definitionPosition = position;
            answerAfterPosition = writer.entryAppendedPosition();
        }
        access(topic).epoch = newEpoch;
        grantedEpoch = newEpoch;

        if (ProducerAccessMode.EXCLUSIVE_WITH_FENCING == mode && null != topic.producersByName)
        {
            for (final ShardProducer other : topic.producersByName.values().toArray(new ShardProducer[0]))
            {
                fencer.fence(other);
            }
        }

        return GRANTED;
    }

    /**
     * The producer {@link #onCreate} granted is registered: an exclusive one now holds its topic.
     */
    static void onCreated(final ShardProducer producer, final ProducerAccessMode mode)
    {
        if (isExclusive(mode))
        {
            producer.topic.access.exclusiveProducer = producer;
        }
    }

    /**
     * @return the epoch the last granted exclusive producer holds, or -1 for a shared one.
     */
    long grantedEpoch()
    {
        return grantedEpoch;
    }

    /**
     * @return the shard log position the answer to the last granted create must wait for (its epoch record), or
     * {@link Long#MIN_VALUE}.
     */
    long answerAfterPosition()
    {
        return answerAfterPosition;
    }

    /**
     * A producer left its topic (closed, its session closed, or fenced).
     */
    void onProducerRemoved(final ShardProducer producer)
    {
        final TopicAccess access = producer.topic.access;
        if (null == access)
        {
            return;
        }
        if (access.exclusiveProducer == producer)
        {
            access.exclusiveProducer = null;
        }
        if (0 == producer.topic.producerCount() && access.hasWaiting())
        {
            grantable.addLast(producer.topic);
        }
    }

    /**
     * The client gave up a create waiting for exclusive access (it closes the producer it never got).
     *
     * @return true if the producer id was such a create of the session, now forgotten.
     */
    boolean cancelWaiting(final ShardSession session, final long producerId)
    {
        final Topic topic = null == session.waitingCreates ? null : session.waitingCreates.remove(producerId);
        if (null == topic || null == topic.access || null == topic.access.waiting)
        {
            return false;
        }
        topic.access.waiting.removeIf((waiting) -> waiting.session == session && waiting.producerId == producerId);
        return true;
    }

    /**
     * A session closed: its creates waiting for exclusive access go.
     */
    void onSessionClosed(final ShardSession session)
    {
        if (null != session.waitingCreates)
        {
            for (final Topic topic : session.waitingCreates.values())
            {
                if (null != topic.access && null != topic.access.waiting)
                {
                    topic.access.waiting.removeIf((waiting) -> waiting.session == session);
                }
            }
            session.waitingCreates = null;
        }
    }

    /**
     * @return a topic that has no producer and creates waiting for exclusive access, or null.
     */
    Topic peekGrantable()
    {
        return grantable.peekFirst();
    }

    void pollGrantable()
    {
        grantable.pollFirst();
    }

    /**
     * Recovery found the topic's epoch in a definition record or a snapshot.
     */
    static void onRecoveredEpoch(final Topic topic, final long epoch)
    {
        if (epoch > 0)
        {
            final TopicAccess access = access(topic);
            access.epoch = Math.max(access.epoch, epoch);
        }
    }

    /**
     * @return the topic's epoch: 0 until an exclusive producer first took it.
     */
    static long epoch(final Topic topic)
    {
        return null == topic.access ? 0 : topic.access.epoch;
    }

    private static TopicAccess access(final Topic topic)
    {
        TopicAccess access = topic.access;
        if (null == access)
        {
            access = new TopicAccess();
            topic.access = access;
        }
        return access;
    }
}
