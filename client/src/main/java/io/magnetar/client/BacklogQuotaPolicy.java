package io.magnetar.client;

import java.util.Locale;

/**
 * What the broker does when a subscription's backlog grows beyond the namespace's backlog quota limit, as Pulsar's
 * {@code BacklogQuota.RetentionPolicy}.
 */
public enum BacklogQuotaPolicy
{
    /**
     * Hold the producers' sends until the backlog falls, or refuse them once the hold times out.
     */
    PRODUCER_REQUEST_HOLD("producer_request_hold"),

    /**
     * Refuse the producers' sends at once.
     */
    PRODUCER_EXCEPTION("producer_exception"),

    /**
     * Drop the oldest messages of the backlog.
     */
    CONSUMER_BACKLOG_EVICTION("consumer_backlog_eviction");

    private final String text;

    BacklogQuotaPolicy(final String text)
    {
        this.text = text;
    }

    /**
     * @return the name the broker and the command line use, e.g. {@code producer_request_hold}.
     */
    public String text()
    {
        return text;
    }

    /**
     * The policy with a name as the broker and the command line write it.
     *
     * @param text {@code producer_request_hold}, {@code producer_exception} or {@code consumer_backlog_eviction},
     *             in any case.
     * @return the policy.
     * @throws IllegalArgumentException if the text is none of those.
     */
    public static BacklogQuotaPolicy parse(final String text)
    {
        if (null != text)
        {
            final String lowerCase = text.trim().toLowerCase(Locale.ROOT);
            for (final BacklogQuotaPolicy policy : values())
            {
                if (policy.text.equals(lowerCase))
                {
                    return policy;
                }
            }
        }

        throw new IllegalArgumentException("backlog quota policy must be one of producer_request_hold, " +
            "producer_exception, consumer_backlog_eviction, but is " + (null == text ? "null" : "'" + text + "'"));
    }
}
