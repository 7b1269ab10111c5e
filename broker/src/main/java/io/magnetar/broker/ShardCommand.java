package io.magnetar.broker;

import io.magnetar.codecs.ErrorCode;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * A command handed from the session agent to a topic shard agent through a JCTools queue. Commands are pooled with
 * fixed-size buffers: small ones for ordinary frames and a few large ones for frames up to the maximum message
 * size. The shard agent returns each command to its pool once handled, so the hand-off allocates nothing and the
 * memory a client can make the broker hold is bounded.
 */
public final class ShardCommand
{
    /** A validated client frame; the shard decodes it. */
    public static final int FRAME = 1;
    /** The session has ended: free its producers and consumers. */
    public static final int SESSION_CLOSED = 2;
    /** A send the session agent refused (too large): the shard answers it in order with a send error. */
    public static final int SEND_REJECTED = 3;

    public final UnsafeBuffer frame;
    public final boolean large;
    public int type;
    public int frameLength;
    public SessionEgress egress;
    public long producerId;
    public long sequenceId;
    public ErrorCode errorCode;
    public String errorMessage;

    public ShardCommand(final int capacity, final boolean large)
    {
        this.frame = new UnsafeBuffer(new byte[capacity]);
        this.large = large;
    }

    /**
     * Set the session the command comes from. The field is written only when it changes, and {@link #reset()} keeps
     * it: a pooled command then carries steady traffic without writing a reference into a long-lived object (each
     * such write costs the G1 collector a card to refine).
     *
     * @param egress of the session.
     */
    public void egress(final SessionEgress egress)
    {
        if (this.egress != egress)
        {
            this.egress = egress;
        }
    }

    /**
     * Clear the command for its pool; its session is overwritten by the next use, or let go once closed.
     */
    public void reset()
    {
        if (SESSION_CLOSED == type)
        {
            egress = null; // the session is gone: not kept alive by the pool
        }
        type = 0;
        frameLength = 0;
        errorCode = null;
        errorMessage = null;
    }
}
