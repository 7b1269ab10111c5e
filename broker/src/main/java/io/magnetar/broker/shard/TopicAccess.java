package io.magnetar.broker.shard;

import java.util.ArrayDeque;

/**
 * A topic's producer access state (Pulsar's producer access modes): its epoch, raised each time an exclusive
 * producer takes the topic, the exclusive producer holding it, and the creates waiting for exclusive access. A topic
 * has none until an exclusive producer first connects (or recovery finds an epoch).
 */
final class TopicAccess
{
    /** Raised each time an exclusive producer takes the topic; kept in the topic's definition record. */
    long epoch;
    /** The exclusive producer holding the topic, or null. */
    ShardProducer exclusiveProducer;
    /** Creates waiting for exclusive access, in arrival order; null until the first. */
    ArrayDeque<WaitingCreate> waiting;

    /**
     * A {@code WAIT_FOR_EXCLUSIVE} create that waits for the topic to have no producer.
     */
    static final class WaitingCreate
    {
        final ShardSession session;
        final long correlationId;
        final long producerId;
        final String producerName;

        WaitingCreate(
            final ShardSession session, final long correlationId, final long producerId, final String producerName)
        {
            this.session = session;
            this.correlationId = correlationId;
            this.producerId = producerId;
            this.producerName = producerName;
        }
    }

    boolean hasWaiting()
    {
        return null != waiting && !waiting.isEmpty();
    }
}
