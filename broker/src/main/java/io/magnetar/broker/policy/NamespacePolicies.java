package io.magnetar.broker.policy;

import io.magnetar.codecs.PolicyField;
import io.magnetar.mediadriver.Durability;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The policies of one namespace as a topic shard holds them: each field is either set on the namespace or
 * inherited from the broker's defaults. Owned by one shard agent; every topic of the namespace on that shard refers
 * to the same instance, so a change applies to all of them at once.
 */
public final class NamespacePolicies
{
    /** A field's value that reverts it to the broker's default. */
    public static final long INHERIT = -2;

    public static final long DURABILITY_MEMORY = 0;
    public static final long DURABILITY_ARCHIVED = 1;
    public static final long DURABILITY_FSYNC = 2;

    public static final long POLICY_PRODUCER_REQUEST_HOLD = 0;
    public static final long POLICY_PRODUCER_EXCEPTION = 1;
    public static final long POLICY_CONSUMER_BACKLOG_EVICTION = 2;

    public static final long DEDUPLICATION_OFF = 0;
    public static final long DEDUPLICATION_ON = 1;

    public static final int FIELD_COUNT = 10;

    private static final String[] FIELD_NAMES =
    {
        "durability", "retentionTimeMs", "retentionSizeBytes", "messageTtlMs", "backlogQuotaLimitBytes",
        "backlogQuotaPolicy", "deduplicationEnabled", "maxProducersPerTopic", "maxConsumersPerTopic",
        "maxConsumersPerSubscription"
    };

    public final String namespace;
    private final long[] explicit = new long[FIELD_COUNT];
    private final long[] defaults;
    private final long[] effective = new long[FIELD_COUNT];

    public NamespacePolicies(final String namespace, final long[] defaults)
    {
        this.namespace = namespace;
        this.defaults = defaults;
        java.util.Arrays.fill(explicit, INHERIT);
        resolve();
    }

    /**
     * The broker's defaults as field values, indexed by {@link PolicyField#value()}.
     *
     * @param durability   of the broker's archive.
     * @param retention    broker-wide retention and TTL.
     * @param backlogQuota broker-wide backlog quota.
     * @param deduplication broker-wide deduplication.
     * @return the defaults.
     */
    public static long[] defaults(
        final Durability durability,
        final RetentionPolicy retention,
        final BacklogQuota backlogQuota,
        final boolean deduplication)
    {
        final long[] defaults = new long[FIELD_COUNT];
        defaults[PolicyField.DURABILITY.value()] =
            Durability.FSYNC == durability ? DURABILITY_FSYNC : DURABILITY_ARCHIVED;
        defaults[PolicyField.RETENTION_TIME_MS.value()] = retention.timeMs();
        defaults[PolicyField.RETENTION_SIZE_BYTES.value()] = retention.sizeBytes();
        defaults[PolicyField.MESSAGE_TTL_MS.value()] = retention.messageTtlMs();
        defaults[PolicyField.BACKLOG_QUOTA_LIMIT_BYTES.value()] = backlogQuota.limitBytes();
        defaults[PolicyField.BACKLOG_QUOTA_POLICY.value()] = policyValue(backlogQuota.policy());
        defaults[PolicyField.DEDUPLICATION.value()] = deduplication ? DEDUPLICATION_ON : DEDUPLICATION_OFF;
        defaults[PolicyField.MAX_PRODUCERS_PER_TOPIC.value()] = -1;
        defaults[PolicyField.MAX_CONSUMERS_PER_TOPIC.value()] = -1;
        defaults[PolicyField.MAX_CONSUMERS_PER_SUBSCRIPTION.value()] = -1;

        return defaults;
    }

    public static long policyValue(final BacklogQuota.Policy policy)
    {
        switch (policy)
        {
            case PRODUCER_REQUEST_HOLD:
                return POLICY_PRODUCER_REQUEST_HOLD;
            case CONSUMER_BACKLOG_EVICTION:
                return POLICY_CONSUMER_BACKLOG_EVICTION;
            default:
                return POLICY_PRODUCER_EXCEPTION;
        }
    }

    /**
     * Check a field's value as a client sent it.
     *
     * @param field as its protocol value.
     * @param value to set.
     * @return null if valid, else why not.
     */
    public static String validate(final int field, final long value)
    {
        if (field < 0 || field >= FIELD_COUNT)
        {
            return "unknown policy field " + field;
        }
        if (INHERIT == value)
        {
            return null;
        }
        if (PolicyField.DURABILITY.value() == field)
        {
            return value >= DURABILITY_MEMORY && value <= DURABILITY_FSYNC ?
                null : "durability must be 0 (memory), 1 (archived) or 2 (fsync), not " + value;
        }
        if (PolicyField.DEDUPLICATION.value() == field)
        {
            return DEDUPLICATION_OFF == value || DEDUPLICATION_ON == value ?
                null : "deduplication must be 0 (off) or 1 (on), not " + value;
        }
        if (PolicyField.BACKLOG_QUOTA_POLICY.value() == field)
        {
            return value >= POLICY_PRODUCER_REQUEST_HOLD && value <= POLICY_CONSUMER_BACKLOG_EVICTION ? null :
                "backlog quota policy must be 0 (producer_request_hold), 1 (producer_exception) or " +
                "2 (consumer_backlog_eviction), not " + value;
        }

        return value >= -1 ? null : FIELD_NAMES[field] + " must be -1 or more (or -2 to inherit), not " + value;
    }

    public void set(final int field, final long value)
    {
        explicit[field] = value;
        resolve();
    }

    public long explicit(final int field)
    {
        return explicit[field];
    }

    private void resolve()
    {
        for (int i = 0; i < FIELD_COUNT; i++)
        {
            effective[i] = INHERIT == explicit[i] ? defaults[i] : explicit[i];
        }
    }

    public long durability()
    {
        return effective[PolicyField.DURABILITY.value()];
    }

    public boolean isFsync()
    {
        return DURABILITY_FSYNC == effective[PolicyField.DURABILITY.value()];
    }

    public boolean isMemory()
    {
        return DURABILITY_MEMORY == effective[PolicyField.DURABILITY.value()];
    }

    public long retentionTimeMs()
    {
        return effective[PolicyField.RETENTION_TIME_MS.value()];
    }

    public long retentionSizeBytes()
    {
        return effective[PolicyField.RETENTION_SIZE_BYTES.value()];
    }

    public boolean isRetentionFinite()
    {
        return retentionTimeMs() >= 0 || retentionSizeBytes() >= 0;
    }

    public long messageTtlMs()
    {
        return effective[PolicyField.MESSAGE_TTL_MS.value()];
    }

    public long backlogQuotaLimitBytes()
    {
        return effective[PolicyField.BACKLOG_QUOTA_LIMIT_BYTES.value()];
    }

    public long backlogQuotaPolicy()
    {
        return effective[PolicyField.BACKLOG_QUOTA_POLICY.value()];
    }

    public boolean evictsBacklog()
    {
        return backlogQuotaLimitBytes() >= 0 && POLICY_CONSUMER_BACKLOG_EVICTION == backlogQuotaPolicy();
    }

    /**
     * @return true if sends to the namespace's persistent topics are deduplicated by producer name and sequence id.
     */
    public boolean isDeduplicationEnabled()
    {
        return DEDUPLICATION_ON == effective[PolicyField.DEDUPLICATION.value()];
    }

    /**
     * @return most producers a topic takes at once, or 0 for no limit (-1 and 0 both mean none, as Pulsar's 0).
     */
    public long maxProducersPerTopic()
    {
        return Math.max(0, effective[PolicyField.MAX_PRODUCERS_PER_TOPIC.value()]);
    }

    /**
     * @return most consumers over all of a topic's subscriptions, or 0 for no limit.
     */
    public long maxConsumersPerTopic()
    {
        return Math.max(0, effective[PolicyField.MAX_CONSUMERS_PER_TOPIC.value()]);
    }

    /**
     * @return most consumers of one subscription, or 0 for no limit.
     */
    public long maxConsumersPerSubscription()
    {
        return Math.max(0, effective[PolicyField.MAX_CONSUMERS_PER_SUBSCRIPTION.value()]);
    }

    public boolean holdsProducers()
    {
        return backlogQuotaLimitBytes() >= 0 && POLICY_PRODUCER_REQUEST_HOLD == backlogQuotaPolicy();
    }

    /**
     * @return the effective policies and which fields are set on the namespace, for JSON.
     */
    public Map<String, Object> describe()
    {
        final Map<String, Object> policies = new LinkedHashMap<>();
        final List<String> explicitNames = new ArrayList<>();
        for (int i = 0; i < FIELD_COUNT; i++)
        {
            final Object value;
            if (PolicyField.DURABILITY.value() == i)
            {
                value = durabilityName(effective[i]);
            }
            else if (PolicyField.BACKLOG_QUOTA_POLICY.value() == i)
            {
                value = backlogPolicyName(effective[i]);
            }
            else if (PolicyField.DEDUPLICATION.value() == i)
            {
                value = DEDUPLICATION_ON == effective[i];
            }
            else
            {
                value = effective[i];
            }
            policies.put(FIELD_NAMES[i], value);
            if (INHERIT != explicit[i])
            {
                explicitNames.add(FIELD_NAMES[i]);
            }
        }

        final Map<String, Object> document = new LinkedHashMap<>();
        document.put("namespace", namespace);
        document.put("policies", policies);
        document.put("explicit", explicitNames);

        return document;
    }

    public static String durabilityName(final long value)
    {
        return DURABILITY_MEMORY == value ? "memory" : DURABILITY_FSYNC == value ? "fsync" : "archived";
    }

    public static String backlogPolicyName(final long value)
    {
        return POLICY_PRODUCER_REQUEST_HOLD == value ? "producer_request_hold" :
            POLICY_CONSUMER_BACKLOG_EVICTION == value ? "consumer_backlog_eviction" : "producer_exception";
    }
}
