package io.magnetar.broker;

import io.aeron.Publication;

/**
 * Where the broker answers one client session: an immutable handle shared by the session agent and the shard
 * agents, whose only mutable part is the thread-safe Aeron {@link Publication}.
 */
public final class SessionEgress
{
    /**
     * First protocol version whose clients take gathered frames ({@code SendReceipts}, {@code Messages}) and whose
     * single acks the session agent groups for their shard.
     */
    public static final int GATHERED_FRAMES_VERSION = 7;

    /**
     * First protocol version whose clients are told when their failover consumer becomes active or inactive
     * ({@code ActiveConsumerChange}).
     */
    public static final int ACTIVE_CONSUMER_CHANGE_VERSION = 8;

    public final long sessionKey;
    public final Publication publication;
    public final String clientName;
    /** The protocol version the client speaks: which answers it understands. */
    public final int protocolVersion;

    public SessionEgress(
        final long sessionKey, final Publication publication, final String clientName, final int protocolVersion)
    {
        this.sessionKey = sessionKey;
        this.publication = publication;
        this.clientName = clientName;
        this.protocolVersion = protocolVersion;
    }

    /**
     * @return true if the client takes gathered frames and may have its single acks grouped.
     */
    public boolean takesGatheredFrames()
    {
        return protocolVersion >= GATHERED_FRAMES_VERSION;
    }

    /**
     * @return true if the client understands {@code ActiveConsumerChange}.
     */
    public boolean takesActiveConsumerChange()
    {
        return protocolVersion >= ACTIVE_CONSUMER_CHANGE_VERSION;
    }

    public String toString()
    {
        return "session " + Long.toHexString(sessionKey) + " (" + clientName + ")";
    }
}
