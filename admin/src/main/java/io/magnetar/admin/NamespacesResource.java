package io.magnetar.admin;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.client.BacklogQuotaPolicy;
import io.magnetar.client.Durability;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.NamespacePolicies;
import io.magnetar.client.NamespacePolicyUpdate;
import io.magnetar.client.Namespaces;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * {@code /admin/v2/namespaces}: list, create and read namespaces and set each policy, with Pulsar's paths and JSON
 * ({@code retention}, {@code messageTTL}, {@code backlogQuota}, {@code deduplication}), plus {@code durability}.
 * Namespaces live in the shards: each call goes to the broker through the admin API's client session. A policy not
 * set on the namespace reads as 204 No Content, as in Pulsar.
 */
final class NamespacesResource
{
    private static final String NAMESPACES = "/admin/v2/namespaces/{tenant}";
    private static final String NAMESPACE = NAMESPACES + "/{namespace}";
    private static final long MINUTE_MS = 60_000L;
    private static final long MEGABYTE = 1024L * 1024L;
    private static final String DESTINATION_STORAGE = "destination_storage";

    /**
     * Pulsar's {@code RetentionPolicies}: minutes and megabytes, -1 for unlimited.
     *
     * @param retentionTimeInMinutes time kept.
     * @param retentionSizeInMB      size kept.
     */
    record RetentionPolicies(Long retentionTimeInMinutes, Long retentionSizeInMB)
    {
    }

    /**
     * Pulsar's {@code BacklogQuota}: a size limit (bytes) and what happens beyond it.
     *
     * @param limitSize bytes, -1 for none.
     * @param limitTime seconds; only -1 (no time limit) is supported.
     * @param policy    {@code producer_request_hold}, {@code producer_exception} or {@code consumer_backlog_eviction}.
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record BacklogQuota(Long limitSize, Long limitTime, String policy)
    {
    }

    /**
     * Pulsar's {@code Policies}, the fields Magnetar has; null where the namespace does not set the policy.
     *
     * @param retentionPolicies     retention.
     * @param messageTtlInSeconds   message TTL.
     * @param backlogQuotaMap       backlog quotas by type.
     * @param deduplicationEnabled  deduplication.
     * @param durability            Magnetar's durability level.
     * @param maxProducersPerTopic  most producers a topic takes; 0 none.
     * @param maxConsumersPerTopic  most consumers over a topic's subscriptions; 0 none.
     * @param maxConsumersPerSubscription most consumers of a subscription; 0 none.
     */
    record Policies(
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

    private final MetadataAdmin metadata;
    private final Supplier<MagnetarClient> client;
    private final RestAccess access;

    NamespacesResource(final MetadataAdmin metadata, final Supplier<MagnetarClient> client, final RestAccess access)
    {
        this.metadata = metadata;
        this.client = client;
        this.access = access;
    }

    void register(final Routes all)
    {
        final RouteRegistrar routes = all.guarded(access::tenantAdmin);
        routes
            .add("GET", NAMESPACES, (call) ->
            {
                final String failure = TopicName.checkName("tenant", call.path("tenant"));
                if (null != failure)
                {
                    throw new RestException(412, failure);
                }
                return namespaces().listNamespaces(call.path("tenant"));
            })
            .add("PUT", NAMESPACE, (call) ->
            {
                final String namespace = name(call);
                if (metadata.snapshot().namespaces().contains(namespace))
                {
                    throw new RestException(409, "namespace " + namespace + " already exists");
                }
                namespaces().createNamespace(namespace);
                return null;
            })
            .add("GET", NAMESPACE, (call) -> policies(namespaces().getPolicies(name(call))))
            .add("DELETE", NAMESPACE, (call) ->
            {
                delete(name(call), call.queryBoolean("force", false));
                return null;
            })
            .add("GET", NAMESPACE + "/retention", (call) -> retention(namespaces().getPolicies(name(call))))
            .add("POST", NAMESPACE + "/retention", (call) ->
            {
                final RetentionPolicies retention = call.body(RetentionPolicies.class);
                namespaces().setRetention(name(call),
                    scaled("retentionTimeInMinutes", retention.retentionTimeInMinutes(), MINUTE_MS),
                    scaled("retentionSizeInMB", retention.retentionSizeInMB(), MEGABYTE));
                return null;
            })
            .add("DELETE", NAMESPACE + "/retention", (call) -> done(namespaces().removeRetention(name(call))))
            .add("GET", NAMESPACE + "/messageTTL", (call) -> ttlSeconds(namespaces().getPolicies(name(call))))
            .add("POST", NAMESPACE + "/messageTTL", (call) -> done(namespaces().setMessageTtl(name(call),
                scaled("message TTL", call.body(Long.class), 1000L))))
            .add("DELETE", NAMESPACE + "/messageTTL", (call) -> done(namespaces().removeMessageTtl(name(call))))
            .add("GET", NAMESPACE + "/backlogQuotaMap", (call) -> quotas(namespaces().getPolicies(name(call))))
            .add("POST", NAMESPACE + "/backlogQuota", (call) ->
            {
                checkQuotaType(call);
                final BacklogQuota quota = call.body(BacklogQuota.class);
                if (null != quota.limitTime() && -1 != quota.limitTime())
                {
                    throw RestException.badRequest("only size quotas are supported: limitTime must be -1 or absent");
                }
                if (null == quota.limitSize())
                {
                    throw RestException.badRequest("limitSize is required (bytes, -1 for no limit)");
                }
                return done(namespaces().setBacklogQuota(name(call), quota.limitSize(), quotaPolicy(quota.policy())));
            })
            .add("DELETE", NAMESPACE + "/backlogQuota", (call) ->
            {
                checkQuotaType(call);
                return done(namespaces().removeBacklogQuota(name(call)));
            })
            .add("GET", NAMESPACE + "/deduplication", (call) -> deduplication(namespaces().getPolicies(name(call))))
            .add("POST", NAMESPACE + "/deduplication", (call) ->
                done(namespaces().setDeduplicationStatus(name(call), call.body(Boolean.class))))
            .add("DELETE", NAMESPACE + "/deduplication", (call) ->
                done(namespaces().removeDeduplicationStatus(name(call))))
            .add("GET", NAMESPACE + "/durability", (call) -> durability(namespaces().getPolicies(name(call))))
            .add("POST", NAMESPACE + "/durability", (call) ->
                done(namespaces().setDurability(name(call), durabilityOf(call.body(String.class)))))
            .add("DELETE", NAMESPACE + "/durability", (call) -> done(namespaces().removeDurability(name(call))))
            .add("GET", NAMESPACE + "/maxProducersPerTopic", (call) ->
                limit(namespaces().getPolicies(name(call)), NamespacePolicies.Policy.MAX_PRODUCERS_PER_TOPIC))
            .add("POST", NAMESPACE + "/maxProducersPerTopic", (call) -> done(namespaces().updatePolicies(name(call),
                new NamespacePolicyUpdate().maxProducersPerTopic(limitOf(call)))))
            .add("DELETE", NAMESPACE + "/maxProducersPerTopic", (call) -> done(namespaces().updatePolicies(
                name(call), remove(NamespacePolicies.Policy.MAX_PRODUCERS_PER_TOPIC))))
            .add("GET", NAMESPACE + "/maxConsumersPerTopic", (call) ->
                limit(namespaces().getPolicies(name(call)), NamespacePolicies.Policy.MAX_CONSUMERS_PER_TOPIC))
            .add("POST", NAMESPACE + "/maxConsumersPerTopic", (call) -> done(namespaces().updatePolicies(name(call),
                new NamespacePolicyUpdate().maxConsumersPerTopic(limitOf(call)))))
            .add("DELETE", NAMESPACE + "/maxConsumersPerTopic", (call) -> done(namespaces().updatePolicies(
                name(call), remove(NamespacePolicies.Policy.MAX_CONSUMERS_PER_TOPIC))))
            .add("GET", NAMESPACE + "/maxConsumersPerSubscription", (call) -> limit(
                namespaces().getPolicies(name(call)), NamespacePolicies.Policy.MAX_CONSUMERS_PER_SUBSCRIPTION))
            .add("POST", NAMESPACE + "/maxConsumersPerSubscription", (call) -> done(namespaces().updatePolicies(
                name(call), new NamespacePolicyUpdate().maxConsumersPerSubscription(limitOf(call)))))
            .add("DELETE", NAMESPACE + "/maxConsumersPerSubscription", (call) -> done(namespaces().updatePolicies(
                name(call), remove(NamespacePolicies.Policy.MAX_CONSUMERS_PER_SUBSCRIPTION))))
            .add("GET", NAMESPACE + "/permissions", (call) -> permissionsOf(name(call)))
            .add("POST", NAMESPACE + "/permissions/{role}", (call) ->
            {
                metadata.grantPermission(name(call), call.path("role"), actions(call));
                return null;
            })
            .add("DELETE", NAMESPACE + "/permissions/{role}", (call) ->
            {
                metadata.revokePermission(name(call), call.path("role"));
                return null;
            });
    }

    /**
     * Delete a namespace that holds no topic, as Pulsar's non-forced delete ({@code 409} otherwise).
     */
    private void delete(final String namespace, final boolean force) throws Exception
    {
        if (force)
        {
            throw new RestException(405, "a forced delete (of the namespace's topics too) is not supported: topics " +
                "cannot be deleted yet");
        }
        if (!metadata.snapshot().namespaces().contains(namespace))
        {
            throw RestException.notFound("namespace " + namespace + " does not exist");
        }
        if (MetadataAdmin.DEFAULT_NAMESPACE.equals(namespace) || MetadataAdmin.SYSTEM_NAMESPACE.equals(namespace))
        {
            throw RestException.badRequest("namespace " + namespace + " is the broker's own and cannot be deleted");
        }
        final List<String> topics = new ArrayList<>(namespaces().getTopics(namespace));
        for (final String partitioned : metadata.snapshot().partitionedTopics().keySet())
        {
            if (TopicName.parse(partitioned).namespaceName().equals(namespace))
            {
                topics.add(partitioned);
            }
        }
        if (!topics.isEmpty())
        {
            throw new RestException(409, "Cannot delete non empty namespace " + namespace + ": it has " +
                topics.size() + " topic(s), e.g. " + topics.get(0));
        }
        namespaces().deleteNamespace(namespace);
    }

    private static long limitOf(final RestCall call)
    {
        final Long value = call.body(Long.class);
        if (value < 0 || value > Integer.MAX_VALUE)
        {
            throw new RestException(412, "a limit is 0 (none) or more, not " + value); // Pulsar's answer
        }
        return value;
    }

    private static Long limit(final NamespacePolicies policies, final NamespacePolicies.Policy policy)
    {
        if (!policies.isExplicit(policy))
        {
            return null;
        }
        switch (policy)
        {
            case MAX_PRODUCERS_PER_TOPIC:
                return Math.max(0, policies.getMaxProducersPerTopic());
            case MAX_CONSUMERS_PER_TOPIC:
                return Math.max(0, policies.getMaxConsumersPerTopic());
            default:
                return Math.max(0, policies.getMaxConsumersPerSubscription());
        }
    }

    private static NamespacePolicyUpdate remove(final NamespacePolicies.Policy policy)
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate();
        switch (policy)
        {
            case MAX_PRODUCERS_PER_TOPIC:
                return update.removeMaxProducersPerTopic();
            case MAX_CONSUMERS_PER_TOPIC:
                return update.removeMaxConsumersPerTopic();
            default:
                return update.removeMaxConsumersPerSubscription();
        }
    }

    private Map<String, Set<String>> permissionsOf(final String resource)
    {
        if (!metadata.snapshot().namespaces().contains(resource))
        {
            throw RestException.notFound("namespace " + resource + " does not exist");
        }
        return metadata.snapshot().permissions().getOrDefault(resource, Map.of());
    }

    @SuppressWarnings("unchecked")
    static Set<String> actions(final RestCall call)
    {
        final List<Object> actions = call.body(List.class);
        final Set<String> names = new TreeSet<>();
        for (final Object action : actions)
        {
            if (!(action instanceof String))
            {
                throw RestException.badRequest("actions are names: [\"produce\", \"consume\"]");
            }
            names.add((String)action);
        }
        return names;
    }

    private Namespaces namespaces()
    {
        return client.get().admin().namespaces();
    }

    private static String name(final RestCall call)
    {
        final String namespace = call.path("tenant") + "/" + call.path("namespace");
        final String failure = TopicName.checkNamespace(namespace);
        if (null != failure)
        {
            throw new RestException(412, failure); // as Pulsar answers an invalid name
        }
        return namespace;
    }

    private static Object done(final NamespacePolicies ignored)
    {
        return null;
    }

    private static long scaled(final String what, final Long value, final long unit)
    {
        if (null == value)
        {
            throw RestException.badRequest(what + " is required (-1 for unlimited or off)");
        }
        if (value < -1)
        {
            throw RestException.badRequest(what + " must be -1 or more, not " + value);
        }
        if (-1 == value)
        {
            return -1;
        }
        if (value > Long.MAX_VALUE / unit)
        {
            throw RestException.badRequest(what + " of " + value + " is out of range");
        }
        return value * unit;
    }

    private static void checkQuotaType(final RestCall call)
    {
        final String type = call.query("backlogQuotaType");
        if (null != type && !DESTINATION_STORAGE.equals(type))
        {
            throw RestException.badRequest("backlogQuotaType " + type + " is not supported: only " +
                DESTINATION_STORAGE);
        }
    }

    private static BacklogQuotaPolicy quotaPolicy(final String text)
    {
        if (null == text)
        {
            return BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD; // Pulsar's default
        }
        try
        {
            return BacklogQuotaPolicy.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw RestException.badRequest(ex.getMessage());
        }
    }

    private static Durability durabilityOf(final String text)
    {
        try
        {
            return Durability.parse(text);
        }
        catch (final IllegalArgumentException ex)
        {
            throw RestException.badRequest(ex.getMessage());
        }
    }

    static Policies policies(final NamespacePolicies policies)
    {
        final Map<String, BacklogQuota> quotas = quotas(policies);
        return new Policies(retention(policies), ttlSeconds(policies), quotas, deduplication(policies),
            durability(policies), limit(policies, NamespacePolicies.Policy.MAX_PRODUCERS_PER_TOPIC),
            limit(policies, NamespacePolicies.Policy.MAX_CONSUMERS_PER_TOPIC),
            limit(policies, NamespacePolicies.Policy.MAX_CONSUMERS_PER_SUBSCRIPTION));
    }

    private static RetentionPolicies retention(final NamespacePolicies policies)
    {
        if (!policies.isExplicit(NamespacePolicies.Policy.RETENTION_TIME_MS) &&
            !policies.isExplicit(NamespacePolicies.Policy.RETENTION_SIZE_BYTES))
        {
            return null;
        }
        final long timeMs = policies.getRetentionTimeMs();
        final long sizeBytes = policies.getRetentionSizeBytes();
        return new RetentionPolicies(timeMs < 0 ? -1 : timeMs / MINUTE_MS, sizeBytes < 0 ? -1 : sizeBytes / MEGABYTE);
    }

    private static Long ttlSeconds(final NamespacePolicies policies)
    {
        if (!policies.isExplicit(NamespacePolicies.Policy.MESSAGE_TTL_MS))
        {
            return null;
        }
        final long ttlMs = policies.getMessageTtlMs();
        return ttlMs < 0 ? -1 : ttlMs / 1000;
    }

    private static Map<String, BacklogQuota> quotas(final NamespacePolicies policies)
    {
        final Map<String, BacklogQuota> quotas = new LinkedHashMap<>();
        if (policies.isExplicit(NamespacePolicies.Policy.BACKLOG_QUOTA_LIMIT_BYTES))
        {
            quotas.put(DESTINATION_STORAGE, new BacklogQuota(
                policies.getBacklogQuotaLimitBytes(), -1L, policies.getBacklogQuotaPolicy().text()));
        }
        return quotas;
    }

    private static Boolean deduplication(final NamespacePolicies policies)
    {
        return policies.isExplicit(NamespacePolicies.Policy.DEDUPLICATION) ? policies.isDeduplicationEnabled() : null;
    }

    private static String durability(final NamespacePolicies policies)
    {
        return policies.isExplicit(NamespacePolicies.Policy.DURABILITY) ? policies.getDurability().text() : null;
    }
}
