package io.magnetar.broker;

import org.agrona.ExpandableDirectByteBuffer;

/**
 * A command handed from the session agent to a topic shard agent through a JCTools queue. Commands are pooled:
 * the shard agent returns each one to its pool once handled, so the hand-off allocates nothing.
 */
final class ShardCommand
{
    /** A validated client frame; the shard decodes it. */
    static final int FRAME = 1;
    /** The session has ended: free its producers and consumers. */
    static final int SESSION_CLOSED = 2;

    final ExpandableDirectByteBuffer frame = new ExpandableDirectByteBuffer(1024);
    int type;
    int frameLength;
    SessionEgress egress;

    void reset()
    {
        type = 0;
        frameLength = 0;
        egress = null;
    }
}
