package io.magnetar.broker.shard;

/**
 * Message TTL: for every subscription, the unacknowledged entries published longer ago than their namespace's TTL
 * are acknowledged on the broker's account and recorded in the cursor log as a consumer's acks would be. Bounded
 * per check.
 */
final class MessageExpiry
{
    static final int EXPIRY_LIMIT = 10_000;

    private final PublishTimeReader publishTimes;

    MessageExpiry(final PublishTimeReader publishTimes)
    {
        this.publishTimes = publishTimes;
    }

    /**
     * @param topics          to check.
     * @param acks            records and applies the acks.
     * @param now             epoch time in ms.
     * @param durablePosition of the entry log: entries below it can be read.
     * @return entries acknowledged.
     */
    int expire(
        final Iterable<Topic> topics,
        final SubscriptionAcks acks,
        final long now,
        final long durablePosition)
    {
        int expired = 0;
        for (final Topic topic : topics)
        {
            final long messageTtlMs = topic.policies.messageTtlMs();
            if (!topic.persistent || messageTtlMs < 0)
            {
                continue;
            }
            final long expiredBefore = now - messageTtlMs;
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                while (expired < EXPIRY_LIMIT)
                {
                    final long ordinal = subscription.cursor.firstUnackedOrdinal();
                    if (ordinal >= topic.durableEntries)
                    {
                        break;
                    }
                    final long position = topic.index.position(ordinal);
                    if (publishTimes.publishTimeOf(topic, position, durablePosition) >= expiredBefore)
                    {
                        break;
                    }
                    if (!acks.ackAndRecord(subscription, position))
                    {
                        return expired;
                    }
                    expired++;
                }
                subscription.skipAcknowledged();
            }
        }

        return expired;
    }
}
