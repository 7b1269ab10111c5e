package io.magnetar.broker.shard;

/**
 * Message TTL: for every subscription of a topic, the unacknowledged entries published longer ago than the
 * namespace's TTL are acknowledged on the broker's account and recorded in the cursor log as a consumer's acks
 * would be. The publish time of a subscription's oldest unacknowledged entry is read from the log once and kept
 * with the subscription, so a visit to an idle subscription reads nothing, and the expiry of the next entry is the
 * topic's next deadline ({@link #nextExpiryMs()}).
 */
final class MessageExpiry
{
    private final PublishTimeReader publishTimes;
    private final long retryDelayMs;
    private boolean complete;
    private long nextExpiryMs;

    /**
     * @param publishTimes reads an entry's publish time from the log.
     * @param retryDelayMs when to look again at an entry whose publish time could not be read.
     */
    MessageExpiry(final PublishTimeReader publishTimes, final long retryDelayMs)
    {
        this.publishTimes = publishTimes;
        this.retryDelayMs = retryDelayMs;
    }

    /**
     * @param topic           to check.
     * @param acks            records and applies the acks.
     * @param now             epoch time in ms.
     * @param durablePosition of the entry log: entries below it can be read.
     * @param budget          most entries to acknowledge in this call.
     * @return entries acknowledged; {@link #isComplete()} says whether the topic is done or must be visited again
     * (the budget ran out, or the cursor log could not take an ack).
     */
    int expire(
        final Topic topic,
        final SubscriptionAcks acks,
        final long now,
        final long durablePosition,
        final int budget)
    {
        complete = true;
        nextExpiryMs = TopicDeadlines.NONE;
        final long messageTtlMs = topic.policies.messageTtlMs();
        if (!topic.persistent || messageTtlMs < 0)
        {
            return 0;
        }

        int expired = 0;
        final long expiredBefore = now - messageTtlMs;
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            while (true)
            {
                final long ordinal = subscription.cursor.firstUnackedOrdinal();
                if (ordinal >= topic.durableEntries)
                {
                    break;
                }
                final long publishTime = publishTime(topic, subscription, ordinal, durablePosition);
                if (publishTime >= expiredBefore)
                {
                    // expired once older than the TTL: the first millisecond after publish time + TTL
                    final long expiryMs = Long.MAX_VALUE == publishTime ?
                        now + retryDelayMs : publishTime + messageTtlMs + 1;
                    nextExpiryMs = Math.min(nextExpiryMs, expiryMs);
                    break;
                }
                if (expired >= budget || !acks.ackAndRecord(subscription, topic.index.position(ordinal)))
                {
                    complete = false;
                    subscription.skipAcknowledged();
                    return expired;
                }
                expired++;
            }
            subscription.skipAcknowledged();
        }

        return expired;
    }

    /**
     * @return when the last {@link #expire}d topic next has an entry to expire (epoch ms), or
     * {@link TopicDeadlines#NONE} if every subscription is caught up or its namespace has no TTL.
     */
    long nextExpiryMs()
    {
        return nextExpiryMs;
    }

    /**
     * @return false if the last {@link #expire} stopped before the end of its topic.
     */
    boolean isComplete()
    {
        return complete;
    }

    private long publishTime(
        final Topic topic, final TopicSubscription subscription, final long ordinal, final long durablePosition)
    {
        if (subscription.timeCheckedOrdinal != ordinal)
        {
            final long publishTime = publishTimes.publishTimeOf(topic, topic.index.position(ordinal), durablePosition);
            if (Long.MAX_VALUE == publishTime)
            {
                return publishTime; // not readable yet: not remembered
            }
            subscription.timeCheckedOrdinal = ordinal;
            subscription.timeCheckedPublishTime = publishTime;
        }

        return subscription.timeCheckedPublishTime;
    }
}
