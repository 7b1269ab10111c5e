package io.magnetar.broker.shard;

import io.magnetar.broker.SessionEgress;
import org.agrona.ExpandableRingBuffer;
import org.agrona.collections.Long2ObjectHashMap;

/**
 * One client session as one shard agent sees it: the producers and consumers it has on this shard, and the encoded
 * answers that could not be sent yet because its answer channel was back-pressured (kept by {@link ClientProxy}).
 */
final class ShardSession
{
    /**
     * Where a session is in its life on this shard.
     */
    enum State
    {
        /** Answers go to the client. */
        ACTIVE,
        /** The client has gone: nothing more is sent, held messages of it are dropped. */
        CLOSED
    }

    final SessionEgress egress;
    final Long2ObjectHashMap<ShardProducer> producers = new Long2ObjectHashMap<>();
    final Long2ObjectHashMap<ShardConsumer> consumers = new Long2ObjectHashMap<>();
    /** Producers of this session an exclusive producer fenced off, with their topics: their sends are answered as
     * fenced, in order behind the topic's answers. Null until the first. */
    Long2ObjectHashMap<Topic> fencedProducers;
    /** Creates of this session waiting for exclusive access, by producer id; null until the first. */
    Long2ObjectHashMap<Topic> waitingCreates;
    /** Encoded answers waiting for the answer channel, in order; null while there are none. */
    ExpandableRingBuffer deferred;
    private State state = State.ACTIVE;

    ShardSession(final SessionEgress egress)
    {
        this.egress = egress;
    }

    boolean isClosed()
    {
        return State.CLOSED == state;
    }

    void close()
    {
        state = State.CLOSED;
        deferred = null;
    }

    /**
     * @return true if an exclusive producer fenced off this session's producer.
     */
    boolean isFenced(final long producerId)
    {
        return null != fencedProducers && fencedProducers.containsKey(producerId);
    }

    void onFenced(final long producerId, final Topic topic)
    {
        if (null == fencedProducers)
        {
            fencedProducers = new Long2ObjectHashMap<>();
        }
        fencedProducers.put(producerId, topic);
    }

    boolean hasDeferred()
    {
        return null != deferred && !deferred.isEmpty();
    }
}
