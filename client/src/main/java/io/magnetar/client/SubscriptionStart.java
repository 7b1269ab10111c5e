package io.magnetar.client;

/**
 * Where a new subscription starts beside its initial position, and whether it is durable: a reader's subscription is
 * not (in the broker's memory only, gone with its consumer). Immutable.
 */
final class SubscriptionStart
{
    /** A durable subscription at its initial position. */
    static final SubscriptionStart DURABLE = new SubscriptionStart(true, -1, -1, false, -1);

    final boolean durable;
    final int shard;
    final long position;
    final boolean inclusive;
    final long publishTime;

    SubscriptionStart(
        final boolean durable, final int shard, final long position, final boolean inclusive, final long publishTime)
    {
        this.durable = durable;
        this.shard = shard;
        this.position = position;
        this.inclusive = inclusive;
        this.publishTime = publishTime;
    }

    /**
     * @param lastReadShard      of the last message a reader handed out, or -1 if none.
     * @param lastPushedPosition of the last entry pushed to it (still in its ring, to be read), at or after that.
     * @return where it subscribes again after a restore: after the last entry pushed; a durable subscription, or a
     * reader that read nothing, as it started.
     */
    SubscriptionStart restartAfter(final int lastReadShard, final long lastPushedPosition)
    {
        return durable || lastReadShard < 0 ? this :
            new SubscriptionStart(false, lastReadShard, lastPushedPosition, false, -1);
    }

    /**
     * @param messageId where a reader starts, or null for its initial position.
     * @param inclusive true to start at the message, false after it.
     * @return a non-durable start there.
     */
    static SubscriptionStart reader(final MessageId messageId, final boolean inclusive)
    {
        return null == messageId ? new SubscriptionStart(false, -1, -1, false, -1) :
            new SubscriptionStart(false, messageId.shard(), messageId.position(), inclusive, -1);
    }
}
