package io.magnetar.broker.shard;

/**
 * Message TTL: for every subscription of a topic, the unacknowledged entries published longer ago than the
 * namespace's TTL are acknowledged on the broker's account and recorded in the cursor log as a consumer's acks
 * would be. The publish time of a subscription's oldest unacknowledged entry is read from the log once and kept
 * with the subscription, so a sweep over idle subscriptions reads nothing.
 */
final class MessageExpiry
{
    private final PublishTimeReader publishTimes;
    private boolean complete;

    MessageExpiry(final PublishTimeReader publishTimes)
    {
        this.publishTimes = publishTimes;
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
                if (ordinal >= topic.durableEntries || publishTime(topic, subscription, ordinal, durablePosition) >=
                    expiredBefore)
                {
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
