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
    ErrorCode errorCode;
    String errorMessage;
    ExpandableDirectByteBuffer reply;
    int replyLength;

    void reset()
    {
        kind = null;
        session = null;
        topic = null;
        publisher = null;
        errorCode = null;
        errorMessage = null;
        replyLength = 0;
    }
}
