package io.magnetar.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * The policies of a namespace, as {@link Namespaces#getPolicies(String)} and the setters of {@link Namespaces}
 * return them: the value in effect of each policy, and which of them are set on the namespace rather than taken from
 * the broker's defaults. Immutable.
 * <p>
 * For the retention time and size, -1 means unlimited; for the message TTL and the backlog quota limit, -1 means
 * off. {@link #getShard()} tells which of the broker's topic shards gave the answer; it is not part of the policies
 * and is not compared by {@link #equals(Object)}.
 */
public final class NamespacePolicies
{
    /**
     * A policy of a namespace, with the name the broker's JSON document gives it.
     */
    public enum Policy
    {
        /**
         * {@link NamespacePolicies#getDurability()}.
         */
        DURABILITY("durability"),

        /**
         * {@link NamespacePolicies#getRetentionTimeMs()}.
         */
        RETENTION_TIME_MS("retentionTimeMs"),

        /**
         * {@link NamespacePolicies#getRetentionSizeBytes()}.
         */
        RETENTION_SIZE_BYTES("retentionSizeBytes"),

        /**
         * {@link NamespacePolicies#getMessageTtlMs()}.
         */
        MESSAGE_TTL_MS("messageTtlMs"),

        /**
         * {@link NamespacePolicies#getBacklogQuotaLimitBytes()}.
         */
        BACKLOG_QUOTA_LIMIT_BYTES("backlogQuotaLimitBytes"),

        /**
         * {@link NamespacePolicies#getBacklogQuotaPolicy()}.
         */
        BACKLOG_QUOTA_POLICY("backlogQuotaPolicy"),

        /**
         * {@link NamespacePolicies#isDeduplicationEnabled()}.
         */
        DEDUPLICATION("deduplicationEnabled"),

        /**
         * {@link NamespacePolicies#getMaxProducersPerTopic()}.
         */
        MAX_PRODUCERS_PER_TOPIC("maxProducersPerTopic"),

        /**
         * {@link NamespacePolicies#getMaxConsumersPerTopic()}.
         */
        MAX_CONSUMERS_PER_TOPIC("maxConsumersPerTopic"),

        /**
         * {@link NamespacePolicies#getMaxConsumersPerSubscription()}.
         */
        MAX_CONSUMERS_PER_SUBSCRIPTION("maxConsumersPerSubscription");

        private final String jsonName;

        Policy(final String jsonName)
        {
            this.jsonName = jsonName;
        }

        /**
         * @return the name of the policy in the broker's JSON document, e.g. {@code retentionTimeMs}.
         */
        public String jsonName()
        {
            return jsonName;
        }

        static Policy ofJsonName(final String jsonName)
        {
            for (final Policy policy : values())
            {
                if (policy.jsonName.equals(jsonName))
                {
                    return policy;
                }
            }

            return null;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String namespace;
    private final Durability durability;
    private final long retentionTimeMs;
    private final long retentionSizeBytes;
    private final long messageTtlMs;
    private final long backlogQuotaLimitBytes;
    private final BacklogQuotaPolicy backlogQuotaPolicy;
    private final boolean deduplicationEnabled;
    private final Set<Policy> explicitPolicies;
    private final int shard;
    private long maxProducersPerTopic = -1;
    private long maxConsumersPerTopic = -1;
    private long maxConsumersPerSubscription = -1;

    /**
     * The policies of a namespace.
     *
     * @param namespace              {@code tenant/namespace}.
     * @param durability             in effect.
     * @param retentionTimeMs        in effect, -1 for unlimited.
     * @param retentionSizeBytes     in effect, -1 for unlimited.
     * @param messageTtlMs           in effect, -1 for off.
     * @param backlogQuotaLimitBytes in effect, -1 for off.
     * @param backlogQuotaPolicy     in effect.
     * @param deduplicationEnabled   in effect.
     * @param explicitPolicies       the policies set on the namespace rather than taken from the broker's defaults.
     * @throws NullPointerException if the namespace, an enum value or the set is null.
     */
    public NamespacePolicies(
        final String namespace,
        final Durability durability,
        final long retentionTimeMs,
        final long retentionSizeBytes,
        final long messageTtlMs,
        final long backlogQuotaLimitBytes,
        final BacklogQuotaPolicy backlogQuotaPolicy,
        final boolean deduplicationEnabled,
        final Set<Policy> explicitPolicies)
    {
        this(namespace, durability, retentionTimeMs, retentionSizeBytes, messageTtlMs, backlogQuotaLimitBytes,
            backlogQuotaPolicy, deduplicationEnabled, explicitPolicies, -1);
    }

    private NamespacePolicies(
        final String namespace,
        final Durability durability,
        final long retentionTimeMs,
        final long retentionSizeBytes,
        final long messageTtlMs,
        final long backlogQuotaLimitBytes,
        final BacklogQuotaPolicy backlogQuotaPolicy,
        final boolean deduplicationEnabled,
        final Set<Policy> explicitPolicies,
        final int shard)
    {
        this.deduplicationEnabled = deduplicationEnabled;
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.durability = Objects.requireNonNull(durability, "durability");
        this.retentionTimeMs = retentionTimeMs;
        this.retentionSizeBytes = retentionSizeBytes;
        this.messageTtlMs = messageTtlMs;
        this.backlogQuotaLimitBytes = backlogQuotaLimitBytes;
        this.backlogQuotaPolicy = Objects.requireNonNull(backlogQuotaPolicy, "backlogQuotaPolicy");
        final EnumSet<Policy> explicit = EnumSet.noneOf(Policy.class);
        explicit.addAll(Objects.requireNonNull(explicitPolicies, "explicitPolicies"));
        this.explicitPolicies = Collections.unmodifiableSet(explicit);
        this.shard = shard;
    }

    /**
     * Read the JSON document the broker answers with (and {@code magnetar namespaces policies} prints):
     * {@code namespace}, {@code policies} with the value in effect of each policy, {@code explicit} naming those
     * set on the namespace, and {@code shard}, the topic shard that answered (optional). Names in {@code explicit}
     * that this client does not know are skipped; {@code deduplicationEnabled} is false when absent (a broker before
     * protocol version 5).
     *
     * @param json the document.
     * @return the policies.
     * @throws IllegalArgumentException if the document is not JSON, or lacks a policy or has one of the wrong type.
     */
    public static NamespacePolicies fromJson(final String json)
    {
        final JsonNode root;
        try
        {
            root = JSON.readTree(null == json ? "" : json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("namespace policies are not JSON: " + ex.getOriginalMessage(), ex);
        }
        if (null == root || !root.isObject())
        {
            throw new IllegalArgumentException("namespace policies are not a JSON object: " + json);
        }

        final JsonNode namespace = root.get("namespace");
        final JsonNode policies = root.get("policies");
        if (null == namespace || !namespace.isTextual() || null == policies || !policies.isObject())
        {
            throw new IllegalArgumentException("namespace policies lack the namespace or the policies: " + json);
        }

        final EnumSet<Policy> explicit = EnumSet.noneOf(Policy.class);
        final JsonNode explicitNames = root.get("explicit");
        if (null != explicitNames)
        {
            if (!explicitNames.isArray())
            {
                throw new IllegalArgumentException("namespace policies: explicit is not an array: " + json);
            }
            for (final JsonNode name : explicitNames)
            {
                final Policy policy = Policy.ofJsonName(name.asText());
                if (null != policy)
                {
                    explicit.add(policy);
                }
            }
        }

        final JsonNode shard = root.get("shard");
        if (null != shard && (!shard.isIntegralNumber() || !shard.canConvertToInt()))
        {
            throw new IllegalArgumentException("namespace policies: shard is not a shard number: " + json);
        }

        final NamespacePolicies parsed = new NamespacePolicies(
            namespace.asText(),
            Durability.parse(text(policies, Policy.DURABILITY)),
            number(policies, Policy.RETENTION_TIME_MS),
            number(policies, Policy.RETENTION_SIZE_BYTES),
            number(policies, Policy.MESSAGE_TTL_MS),
            number(policies, Policy.BACKLOG_QUOTA_LIMIT_BYTES),
            BacklogQuotaPolicy.parse(text(policies, Policy.BACKLOG_QUOTA_POLICY)),
            flag(policies, Policy.DEDUPLICATION),
            explicit,
            null == shard ? -1 : shard.asInt());
        // absent from a broker before protocol version 10: no limit
        parsed.maxProducersPerTopic = optionalNumber(policies, Policy.MAX_PRODUCERS_PER_TOPIC);
        parsed.maxConsumersPerTopic = optionalNumber(policies, Policy.MAX_CONSUMERS_PER_TOPIC);
        parsed.maxConsumersPerSubscription = optionalNumber(policies, Policy.MAX_CONSUMERS_PER_SUBSCRIPTION);
        return parsed;
    }

    /**
     * @return most producers a topic of the namespace takes at once; -1 or 0 for no limit.
     */
    public long getMaxProducersPerTopic()
    {
        return maxProducersPerTopic;
    }

    /**
     * @return most consumers over all of a topic's subscriptions; -1 or 0 for no limit.
     */
    public long getMaxConsumersPerTopic()
    {
        return maxConsumersPerTopic;
    }

    /**
     * @return most consumers of one subscription; -1 or 0 for no limit.
     */
    public long getMaxConsumersPerSubscription()
    {
        return maxConsumersPerSubscription;
    }

    /**
     * @return the namespace, as {@code tenant/namespace}.
     */
    public String getNamespace()
    {
        return namespace;
    }

    /**
     * @return the durability of the namespace's persistent topics.
     */
    public Durability getDurability()
    {
        return durability;
    }

    /**
     * @return how long acknowledged messages are kept, in milliseconds; -1 for unlimited.
     */
    public long getRetentionTimeMs()
    {
        return retentionTimeMs;
    }

    /**
     * @return how many bytes of acknowledged messages are kept; -1 for unlimited.
     */
    public long getRetentionSizeBytes()
    {
        return retentionSizeBytes;
    }

    /**
     * @return the message TTL in milliseconds; -1 for off.
     */
    public long getMessageTtlMs()
    {
        return messageTtlMs;
    }

    /**
     * @return the most bytes a subscription may hold back; -1 for off.
     */
    public long getBacklogQuotaLimitBytes()
    {
        return backlogQuotaLimitBytes;
    }

    /**
     * @return what happens beyond the backlog quota limit.
     */
    public BacklogQuotaPolicy getBacklogQuotaPolicy()
    {
        return backlogQuotaPolicy;
    }

    /**
     * @return true if sends to the namespace's persistent topics are deduplicated by producer name and sequence id.
     */
    public boolean isDeduplicationEnabled()
    {
        return deduplicationEnabled;
    }

    /**
     * @return the policies set on the namespace rather than taken from the broker's defaults, in declaration order;
     * unmodifiable.
     */
    public Set<Policy> getExplicitPolicies()
    {
        return explicitPolicies;
    }

    /**
     * @param policy to look at.
     * @return true if it is set on the namespace, false if the broker's default applies.
     */
    public boolean isExplicit(final Policy policy)
    {
        return explicitPolicies.contains(policy);
    }

    /**
     * @return the broker's topic shard whose answer these policies are (the lowest for a change, which every shard
     * answers), or -1 if they are not from a broker's answer.
     */
    public int getShard()
    {
        return shard;
    }

    /**
     * @param o other object.
     * @return true if it is the same policies of the same namespace, whichever shard answered.
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof NamespacePolicies))
        {
            return false;
        }

        final NamespacePolicies that = (NamespacePolicies)o;
        return retentionTimeMs == that.retentionTimeMs &&
            retentionSizeBytes == that.retentionSizeBytes &&
            messageTtlMs == that.messageTtlMs &&
            backlogQuotaLimitBytes == that.backlogQuotaLimitBytes &&
            namespace.equals(that.namespace) &&
            durability == that.durability &&
            backlogQuotaPolicy == that.backlogQuotaPolicy &&
            deduplicationEnabled == that.deduplicationEnabled &&
            explicitPolicies.equals(that.explicitPolicies);
    }

    /**
     * @return hash of every value.
     */
    public int hashCode()
    {
        return Objects.hash(namespace, durability, retentionTimeMs, retentionSizeBytes, messageTtlMs,
            backlogQuotaLimitBytes, backlogQuotaPolicy, deduplicationEnabled, explicitPolicies);
    }

    /**
     * @return the policies for logs.
     */
    public String toString()
    {
        return "NamespacePolicies{namespace=" + namespace +
            ", durability=" + durability.text() +
            ", retentionTimeMs=" + retentionTimeMs +
            ", retentionSizeBytes=" + retentionSizeBytes +
            ", messageTtlMs=" + messageTtlMs +
            ", backlogQuotaLimitBytes=" + backlogQuotaLimitBytes +
            ", backlogQuotaPolicy=" + backlogQuotaPolicy.text() +
            ", deduplicationEnabled=" + deduplicationEnabled +
            ", explicit=" + explicitPolicies + '}';
    }

    private static String text(final JsonNode policies, final Policy policy)
    {
        final JsonNode value = policies.get(policy.jsonName);
        if (null == value || !value.isTextual())
        {
            throw new IllegalArgumentException("namespace policies: " + policy.jsonName + " is not a name: " + value);
        }

        return value.asText();
    }

    private static boolean flag(final JsonNode policies, final Policy policy)
    {
        final JsonNode value = policies.get(policy.jsonName);
        if (null == value)
        {
            return false;
        }
        if (!value.isBoolean())
        {
            throw new IllegalArgumentException("namespace policies: " + policy.jsonName + " is not true or false: " +
                value);
        }

        return value.asBoolean();
    }

    private static long optionalNumber(final JsonNode policies, final Policy policy)
    {
        return null == policies.get(policy.jsonName) ? -1 : number(policies, policy);
    }

    private static long number(final JsonNode policies, final Policy policy)
    {
        final JsonNode value = policies.get(policy.jsonName);
        if (null == value || !value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw new IllegalArgumentException(
                "namespace policies: " + policy.jsonName + " is not a whole number: " + value);
        }

        return value.asLong();
    }
}
