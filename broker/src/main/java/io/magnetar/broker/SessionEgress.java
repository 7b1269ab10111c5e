package io.magnetar.broker;

import io.aeron.Publication;

/**
 * Where the broker answers one client session: an immutable handle shared by the session agent and the shard
 * agents, whose only mutable part is the thread-safe Aeron {@link Publication}.
 */
public final class SessionEgress
{
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

    public String toString()
    {
        return "session " + Long.toHexString(sessionKey) + " (" + clientName + ")";
    }
}
