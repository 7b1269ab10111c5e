package io.magnetar.broker;

import io.magnetar.codecs.ErrorCode;

/**
 * The answer to one send, queued in send order: a receipt that waits for the archive's durable position to pass
 * its entry, or a send error that waits only for the answers queued before it. Pooled by the shard agent.
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

    void reset()
    {
        session = null;
        topic = null;
        errorCode = null;
        errorMessage = null;
    }
}
