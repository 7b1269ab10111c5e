package io.magnetar.broker.shard;

import io.magnetar.codecs.ErrorCode;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The answer to one request, queued in order until what it answers is stored: a send receipt that waits for the
 * log's durable position to pass its entry, a send error that waits only for the answers queued before it, or
 * (when {@code replyLength > 0}) an encoded reply, such as an ack receipt, that waits for the cursor log. Pooled by
 * {@link ReceiptTracker}.
 */
final class PendingReceipt
{
    /** What the answer is. */
    enum Kind
    {
        /** {@code SendReceipt} for a stored (or, non-persistent, delivered) message. */
        SEND_RECEIPT,
        /** {@code SendReceipt} with message id -1:-1 for a duplicate, once the original is stored. */
        DUPLICATE_RECEIPT,
        /** {@code SendError}, in order behind the producer's earlier answers. */
        SEND_ERROR,
        /** {@code Success(correlationId)}, once a cursor log record is stored. */
        SUCCESS,
        /** An encoded answer kept in {@link #reply}. */
        REPLY
    }

    Kind kind;
    ShardSession session;
    Topic topic;
    /** The producer name a send receipt stores a sequence id for (deduplication on), or null. */
    Publisher publisher;
    long producerId;
    long sequenceId;
    long position;
    long endPosition;
    /** A send receipt: the duty cycle its entry was appended in ({@link System#nanoTime()}), for the latency. */
    long appendedNs;
    ErrorCode errorCode;
    String errorMessage;
    ExpandableDirectByteBuffer reply;
    int replyLength;

    /**
     * Set what the answer is, for whom, and of which topic. A field that already holds the value is not written: a
     * pooled receipt keeps its last session and topic, so steady traffic writes no references into these long-lived
     * objects (each such write costs the G1 collector a card to refine).
     */
    void set(final Kind kind, final ShardSession session, final Topic topic, final Publisher publisher)
    {
        if (this.kind != kind)
        {
            this.kind = kind;
        }
        if (this.session != session)
        {
            this.session = session;
        }
        if (this.topic != topic)
        {
            this.topic = topic;
        }
        if (this.publisher != publisher)
        {
            this.publisher = publisher;
        }
    }

    /**
     * Forget what this answer held beyond its session, topic and kind, which the next {@link #set} overwrites; those
     * of a closed session are let go, so the pool does not keep closed sessions alive.
     */
    void reset()
    {
        if (null != session && session.isClosed())
        {
            session = null;
            topic = null;
            publisher = null;
        }
        errorCode = null;
        errorMessage = null;
        replyLength = 0;
    }
}
