package io.magnetar.broker.shard;

import io.magnetar.codecs.ErrorCode;
import org.agrona.ExpandableDirectByteBuffer;

/**
 * The answer to one send, queued in send order: a receipt that waits for the archive's durable position to pass
 * its entry, a send error that waits only for the answers queued before it, or (when {@code replyLength > 0}) an
 * encoded control reply that could not be sent yet because the session's answer channel was back-pressured.
 * Pooled by the shard agent.
 */
final class PendingReceipt
{
    ShardSession session;
    Topic topic;
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
        session = null;
        topic = null;
        errorCode = null;
        errorMessage = null;
        replyLength = 0;
    }
}
