package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;

import java.util.TreeSet;

/**
 * When each topic next needs a sweep visit: the time its subscriptions' oldest unacknowledged entry passes the
 * namespace's message TTL, or the next check of its backlog against an evicting quota. Only topics with something
 * ahead are held, ordered by deadline, so the sweep's cost follows the topics that have work, not the topics the shard
 * holds: a million idle topics cost nothing here.
 * <p>
 * Events bring a deadline forward ({@link #onEntryVisible}: an entry stored on a topic with subscriptions; a
 * subscription that starts inside the backlog; a cursor reset), and a visit sets the next one. A later deadline never
 * replaces an earlier one: the visit finds out. Changing a deadline allocates one tree node; an event whose deadline
 * is not earlier than the one held (every entry of a busy topic after its first) costs one comparison.
 */
final class TopicDeadlines
{
    /** No deadline. */
    static final long NONE = Long.MAX_VALUE;

    private final TreeSet<Topic> byDeadline = new TreeSet<>(TopicDeadlines::compare);
    private final long checkIntervalMs;
    private long nowMs;

    /**
     * @param checkIntervalMs how long after an entry is stored an evicting backlog quota is checked.
     */
    TopicDeadlines(final long checkIntervalMs)
    {
        this.checkIntervalMs = checkIntervalMs;
    }

    /**
     * @param nowMs epoch time in ms, given once a duty cycle: events use it rather than reading the clock.
     */
    void now(final long nowMs)
    {
        this.nowMs = nowMs;
    }

    /**
     * Visit a topic no later than a time.
     *
     * @param deadlineMs epoch time in ms, or {@link #NONE}.
     */
    void schedule(final Topic topic, final long deadlineMs)
    {
        if (deadlineMs >= topic.sweepDeadlineMs)
        {
            return;
        }
        if (NONE != topic.sweepDeadlineMs)
        {
            byDeadline.remove(topic);
        }
        topic.sweepDeadlineMs = deadlineMs;
        byDeadline.add(topic);
    }

    /**
     * Visit a topic at the next duty cycle: something may be due that no deadline foresaw (a subscription starting
     * in the backlog, a cursor moved back).
     */
    void scheduleNow(final Topic topic)
    {
        schedule(topic, nowMs);
    }

    /**
     * An entry of a topic is stored: with subscriptions, its TTL expiry and the backlog quota are ahead.
     */
    void onEntryVisible(final Topic topic)
    {
        if (topic.subscriptions.isEmpty())
        {
            return;
        }
        final NamespacePolicies policies = topic.policies;
        final long messageTtlMs = policies.messageTtlMs();
        if (messageTtlMs >= 0)
        {
            schedule(topic, nowMs + messageTtlMs);
        }
        if (policies.evictsBacklog())
        {
            schedule(topic, nowMs + checkIntervalMs);
        }
    }

    /**
     * @param nowMs epoch time in ms.
     * @return the topic with the earliest deadline if it has passed, taken out (its deadline now {@link #NONE});
     * else null.
     */
    Topic pollDue(final long nowMs)
    {
        if (byDeadline.isEmpty())
        {
            return null;
        }
        final Topic topic = byDeadline.first();
        if (topic.sweepDeadlineMs > nowMs)
        {
            return null;
        }
        byDeadline.pollFirst();
        topic.sweepDeadlineMs = NONE;

        return topic;
    }

    /**
     * @return topics with a deadline.
     */
    int size()
    {
        return byDeadline.size();
    }

    private static int compare(final Topic a, final Topic b)
    {
        final int byTime = Long.compare(a.sweepDeadlineMs, b.sweepDeadlineMs);

        return 0 != byTime ? byTime : Long.compare(a.id, b.id);
    }
}
