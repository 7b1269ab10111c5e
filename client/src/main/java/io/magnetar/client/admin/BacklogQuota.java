package io.magnetar.client.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * A namespace's backlog quota, as Pulsar's {@code BacklogQuota} of type {@code destination_storage}.
 *
 * @param limitSize bytes a subscription may hold back; -1 for no limit.
 * @param limitTime seconds; only -1 (no time limit) is supported.
 * @param policy    {@code producer_request_hold}, {@code producer_exception} or {@code consumer_backlog_eviction}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BacklogQuota(long limitSize, long limitTime, String policy)
{
    /**
     * @param limitSize bytes a subscription may hold back; -1 for no limit.
     * @param policy    what happens beyond it.
     * @return a size quota.
     */
    public static BacklogQuota ofSize(final long limitSize, final String policy)
    {
        return new BacklogQuota(limitSize, -1, policy);
    }
}
