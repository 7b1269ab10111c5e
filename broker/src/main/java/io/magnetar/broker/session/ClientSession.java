package io.magnetar.broker.session;

import io.magnetar.broker.SessionEgress;
import io.aeron.Publication;
import org.agrona.collections.Long2LongHashMap;

/**
 * A client session as the session agent sees it: one Aeron ingress image plus the publication that answers it.
 */
final class ClientSession
{
    enum State
    {
        AWAITING_EGRESS, ACTIVE, CLOSING
    }

    static final long NO_SHARD = -1;

    final long key;
    final int transport;
    final int imageSessionId;
    final long registrationId;
    final long connectCorrelationId;
    final int protocolVersion;
    final String clientName;
    final String responseChannelKey;
    final long connectDeadlineNs;
    final Long2LongHashMap shardByProducerId = new Long2LongHashMap(NO_SHARD);
    final Long2LongHashMap shardByConsumerId = new Long2LongHashMap(NO_SHARD);
    State state = State.AWAITING_EGRESS;
    Publication publication;
    SessionEgress egress;
    int badFrames;
    int shardsNotifiedOfClose;
    /** Answers the egress could not take yet, in order; null until one could not. */
    org.agrona.ExpandableRingBuffer deferredReplies;


    ClientSession(
        final long key,
        final int transport,
        final int imageSessionId,
        final long registrationId,
        final long connectCorrelationId,
        final int protocolVersion,
        final String clientName,
        final String responseChannelKey,
        final long connectDeadlineNs)
    {
        this.key = key;
        this.transport = transport;
        this.imageSessionId = imageSessionId;
        this.registrationId = registrationId;
        this.connectCorrelationId = connectCorrelationId;
        this.protocolVersion = protocolVersion;
        this.clientName = clientName;
        this.responseChannelKey = responseChannelKey;
        this.connectDeadlineNs = connectDeadlineNs;
    }
}
