package io.magnetar.broker.session;

import io.magnetar.broker.SessionEgress;
import io.aeron.Aeron;
import io.aeron.Image;
import io.aeron.Publication;
import io.aeron.Subscription;
import org.agrona.collections.Long2LongHashMap;

/**
 * A client session as the session agent sees it: one Aeron ingress image plus the publication that answers it,
 * and which shard each of its producers and consumers lives on. It owns its lifecycle: it waits for its answer
 * publication, serves while active, then tells every shard it has gone before its publication is released.
 */
final class ClientSession
{
    /**
     * Where a session is in its life.
     */
    enum State
    {
        /** Connect received; the answer publication is being added and connected. */
        AWAITING_EGRESS,
        /** Serving the client's commands. */
        ACTIVE,
        /** Ended; the shards are being told so, one by one. */
        CLOSING,
        /** Ended and released. */
        CLOSED
    }

    static final int TRANSPORT_UDP = 1;
    static final int TRANSPORT_IPC = 2;
    static final long NO_SHARD = -1;

    final long key;
    final int transport;
    final int imageSessionId;
    final long registrationId;
    final long connectCorrelationId;
    final int protocolVersion;
    final String clientName;
    final String role;
    final String authFailure;
    final String responseChannelKey;
    final long connectDeadlineNs;
    private final Long2LongHashMap shardByProducerId = new Long2LongHashMap(NO_SHARD);
    private final Long2LongHashMap shardByConsumerId = new Long2LongHashMap(NO_SHARD);
    private State state = State.AWAITING_EGRESS;
    private Publication publication;
    private SessionEgress egress;
    private int badFrames;
    private int shardsNotifiedOfClose;

    ClientSession(
        final long key,
        final int transport,
        final int imageSessionId,
        final long registrationId,
        final long connectCorrelationId,
        final int protocolVersion,
        final String clientName,
        final String role,
        final String authFailure,
        final String responseChannelKey,
        final long connectDeadlineNs)
    {
        this.key = key;
        this.transport = transport;
        this.imageSessionId = imageSessionId;
        this.registrationId = registrationId;
        this.role = role;
        this.authFailure = authFailure;
        this.connectCorrelationId = connectCorrelationId;
        this.protocolVersion = protocolVersion;
        this.clientName = clientName;
        this.responseChannelKey = responseChannelKey;
        this.connectDeadlineNs = connectDeadlineNs;
    }

    /**
     * @param transport      {@link #TRANSPORT_UDP} or {@link #TRANSPORT_IPC}.
     * @param imageSessionId session id of the client's ingress image.
     * @return the key that names a session among all transports.
     */
    static long key(final int transport, final int imageSessionId)
    {
        return ((long)transport << 32) | (imageSessionId & 0xFFFF_FFFFL);
    }

    State state()
    {
        return state;
    }

    boolean isActive()
    {
        return State.ACTIVE == state;
    }

    /**
     * @return the answer publication, or null while it is being added.
     */
    Publication publication()
    {
        return publication;
    }

    /**
     * @return the handle the shards answer through, or null while the answer publication is being added.
     */
    SessionEgress egress()
    {
        return egress;
    }

    /**
     * While awaiting egress: look for the answer publication once added.
     *
     * @param aeron client that adds it.
     * @return true once the publication is connected, so the session may become active.
     * @throws io.aeron.exceptions.RegistrationException if the driver refused the publication.
     */
    boolean pollEgress(final Aeron aeron)
    {
        if (null == publication)
        {
            publication = aeron.getPublication(registrationId);
            if (null != publication)
            {
                egress = new SessionEgress(key, publication, clientName, protocolVersion);
            }
        }

        return null != publication && publication.isConnected();
    }

    /**
     * The driver refused the answer publication: the session ends with nothing to release.
     */
    void onEgressFailed()
    {
        state = State.CLOSED;
    }

    /**
     * The answer channel is connected: serve (or, for an unsupported protocol version, answer before closing).
     */
    void activate()
    {
        state = State.ACTIVE;
    }

    /**
     * End the session. One that never had an answer publication is released at once; otherwise the shards must be
     * told first (see {@link #notifyShardsOfClose(ShardRouter, Aeron)}).
     *
     * @param aeron client that added the answer publication.
     * @return true if the shards must be told the session has gone.
     */
    boolean close(final Aeron aeron)
    {
        if (null == egress)
        {
            state = State.CLOSED;
            if (null == publication)
            {
                aeron.asyncRemovePublication(registrationId);
            }
            else
            {
                publication.close();
            }
            return false;
        }

        state = State.CLOSING;
        return true;
    }

    /**
     * While closing: tell each shard in turn that the session has gone, as far as their command pools allow, then
     * release the answer publication.
     *
     * @param router to the shards.
     * @param aeron  client that added the answer publication.
     * @return the number of shards told in this call.
     */
    int notifyShardsOfClose(final ShardRouter router, final Aeron aeron)
    {
        int workCount = 0;
        while (shardsNotifiedOfClose < router.shardCount() && router.sessionClosed(shardsNotifiedOfClose, egress))
        {
            shardsNotifiedOfClose++;
            workCount++;
        }

        if (shardsNotifiedOfClose == router.shardCount())
        {
            state = State.CLOSED;
            aeron.asyncRemovePublication(registrationId);
        }

        return workCount;
    }

    /**
     * @param ingress the session's ingress subscription.
     * @return true if the client's image or the answer publication has gone: the session is dead.
     */
    boolean isGone(final Subscription ingress)
    {
        final Image image = ingress.imageBySessionId(imageSessionId);

        return null == image || image.isClosed() || image.isEndOfStream() ||
            (null != publication && publication.isClosed());
    }

    /**
     * @return the number of malformed frames this session has sent, this one included.
     */
    int onBadFrame()
    {
        return ++badFrames;
    }

    /**
     * @param producerId as named by the client.
     * @return the shard of the producer, or {@link #NO_SHARD} if it is not open on this session.
     */
    long producerShard(final long producerId)
    {
        return shardByProducerId.get(producerId);
    }

    void bindProducer(final long producerId, final int shard)
    {
        shardByProducerId.put(producerId, shard);
    }

    void unbindProducer(final long producerId)
    {
        shardByProducerId.remove(producerId);
    }

    /**
     * @param consumerId as named by the client.
     * @return the shard of the consumer, or {@link #NO_SHARD} if it is not open on this session.
     */
    long consumerShard(final long consumerId)
    {
        return shardByConsumerId.get(consumerId);
    }

    void bindConsumer(final long consumerId, final int shard)
    {
        shardByConsumerId.put(consumerId, shard);
    }

    void unbindConsumer(final long consumerId)
    {
        shardByConsumerId.remove(consumerId);
    }
}
