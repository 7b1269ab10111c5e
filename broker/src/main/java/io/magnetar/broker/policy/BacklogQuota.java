package io.magnetar.broker.policy;

/**
 * How much unacknowledged data a subscription may hold back on a topic, and what happens beyond it, as Pulsar's
 * backlog quota. The backlog of a subscription is its unacknowledged entries times the topic's average entry size.
 * For now one quota applies to every namespace.
 */
public final class BacklogQuota
{
    /**
     * What the broker does when a subscription's backlog exceeds the quota.
     */
    public enum Policy
    {
        /**
         * Hold the producer's messages until the backlog falls below the quota, or refuse them once the hold times
         * out.
         */
        PRODUCER_REQUEST_HOLD,

        /**
         * Sends to the topic fail with {@code PRODUCER_BLOCKED_QUOTA_EXCEEDED} until the backlog drops.
         */
        PRODUCER_EXCEPTION,

        /**
         * The oldest unacknowledged entries of the subscription are acknowledged until it is within the quota.
         */
        CONSUMER_BACKLOG_EVICTION
    }

    /**
     * No quota.
     */
    public static final BacklogQuota NONE = new BacklogQuota(-1, Policy.PRODUCER_EXCEPTION);

    private final long limitBytes;
    private final Policy policy;

    /**
     * @param limitBytes most bytes of backlog per subscription, or -1 for no quota.
     * @param policy     what happens beyond it.
     */
    public BacklogQuota(final long limitBytes, final Policy policy)
    {
        if (null == policy)
        {
            throw new IllegalArgumentException("backlog quota policy is null");
        }
        this.limitBytes = limitBytes;
        this.policy = policy;
    }

    /**
     * Parse a policy name as Pulsar writes it.
     *
     * @param name {@code producer_exception} or {@code consumer_backlog_eviction}.
     * @return the policy.
     * @throws IllegalArgumentException for other names, including {@code producer_request_hold}, not built yet.
     */
    public static Policy parsePolicy(final String name)
    {
        switch (name.trim().toLowerCase())
        {
            case "producer_exception":
                return Policy.PRODUCER_EXCEPTION;
            case "consumer_backlog_eviction":
                return Policy.CONSUMER_BACKLOG_EVICTION;
            case "producer_request_hold":
                return Policy.PRODUCER_REQUEST_HOLD;
            default:
                throw new IllegalArgumentException("unknown backlog quota policy '" + name +
                    "': expected producer_request_hold, producer_exception or consumer_backlog_eviction");
        }
    }

    /**
     * @return true if there is a quota.
     */
    public boolean isEnabled()
    {
        return limitBytes >= 0;
    }

    /**
     * @return most bytes of backlog per subscription, or -1 for no quota.
     */
    public long limitBytes()
    {
        return limitBytes;
    }

    /**
     * @return what happens beyond the quota.
     */
    public Policy policy()
    {
        return policy;
    }

    public String toString()
    {
        return "BacklogQuota{limitBytes=" + limitBytes + ", policy=" + policy + '}';
    }
}
