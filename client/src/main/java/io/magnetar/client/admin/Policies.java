package io.magnetar.client.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Map;

/**
 * A namespace's policies, as Pulsar's {@code Policies} names them; null where the namespace does not set one (the
 * broker's default then applies).
 *
 * @param retentionPolicies    retention.
 * @param messageTtlInSeconds  message TTL; -1 off.
 * @param backlogQuotaMap      backlog quotas by type ({@code destination_storage}).
 * @param deduplicationEnabled deduplication.
 * @param durability           Magnetar's durability level: {@code memory}, {@code archived} or {@code fsync}.
 * @param maxProducersPerTopic most producers a topic takes at once; 0 no limit.
 * @param maxConsumersPerTopic most consumers over all of a topic's subscriptions; 0 no limit.
 * @param maxConsumersPerSubscription most consumers of one subscription; 0 no limit.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Policies(
    @JsonProperty("retention_policies") RetentionPolicies retentionPolicies,
    @JsonProperty("message_ttl_in_seconds") Long messageTtlInSeconds,
    @JsonProperty("backlog_quota_map") Map<String, BacklogQuota> backlogQuotaMap,
    @JsonProperty("deduplicationEnabled") Boolean deduplicationEnabled,
    @JsonProperty("durability") String durability,
    @JsonProperty("max_producers_per_topic") Long maxProducersPerTopic,
    @JsonProperty("max_consumers_per_topic") Long maxConsumersPerTopic,
    @JsonProperty("max_consumers_per_subscription") Long maxConsumersPerSubscription)
{
}
