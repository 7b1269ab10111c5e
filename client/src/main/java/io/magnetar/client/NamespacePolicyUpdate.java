package io.magnetar.client;

import io.magnetar.codecs.PolicyField;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Several policies of a namespace to set or remove in one request with
 * {@link Namespaces#updatePolicies(String, NamespacePolicyUpdate)}; policies the update does not name keep their
 * values. Each method sets or removes one policy and returns this update, and a later call for the same policy
 * replaces an earlier one:
 * <pre>{@code
 * client.admin().namespaces().updatePolicies("public/orders", new NamespacePolicyUpdate()
 *     .durability(Durability.FSYNC)
 *     .retentionTime(TimeUnit.HOURS.toMillis(3))
 *     .removeMessageTtl());
 * }</pre>
 * A removed policy reverts to the broker's default. Not thread-safe.
 */
public final class NamespacePolicyUpdate
{
    /**
     * Value of an unlimited retention time or size.
     */
    public static final long UNLIMITED = -1;

    /**
     * Value of a message TTL or backlog quota limit that is off.
     */
    public static final long OFF = -1;

    /**
     * Value that removes a policy from the namespace: it reverts to the broker's default.
     */
    static final long REMOVE = WireEnums.REMOVE;

    private final EnumMap<PolicyField, Long> valueByField = new EnumMap<>(PolicyField.class);

    /**
     * An empty update: name at least one policy before using it.
     */
    public NamespacePolicyUpdate()
    {
    }

    /**
     * Set the durability of the namespace's persistent topics.
     *
     * @param level of durability.
     * @return this update.
     * @throws IllegalArgumentException if the level is null.
     */
    public NamespacePolicyUpdate durability(final Durability level)
    {
        if (null == level)
        {
            throw new IllegalArgumentException("durability is null");
        }
        valueByField.put(PolicyField.DURABILITY, WireEnums.policyValue(level));
        return this;
    }

    /**
     * Set how long acknowledged messages are kept.
     *
     * @param timeMs milliseconds, or {@link #UNLIMITED} (-1) to keep them regardless of age.
     * @return this update.
     * @throws IllegalArgumentException if the time is less than -1.
     */
    public NamespacePolicyUpdate retentionTime(final long timeMs)
    {
        valueByField.put(PolicyField.RETENTION_TIME_MS, checkValue("retention time", timeMs, "unlimited"));
        return this;
    }

    /**
     * Set how many bytes of acknowledged messages are kept.
     *
     * @param sizeBytes bytes, or {@link #UNLIMITED} (-1) to keep them regardless of size.
     * @return this update.
     * @throws IllegalArgumentException if the size is less than -1.
     */
    public NamespacePolicyUpdate retentionSize(final long sizeBytes)
    {
        valueByField.put(PolicyField.RETENTION_SIZE_BYTES, checkValue("retention size", sizeBytes, "unlimited"));
        return this;
    }

    /**
     * Set the message TTL: a message not acknowledged this long after its publish time is acknowledged by the
     * broker for every subscription.
     *
     * @param ttlMs milliseconds, or {@link #OFF} (-1) to turn the TTL off.
     * @return this update.
     * @throws IllegalArgumentException if the TTL is less than -1.
     */
    public NamespacePolicyUpdate messageTtl(final long ttlMs)
    {
        valueByField.put(PolicyField.MESSAGE_TTL_MS, checkValue("message TTL", ttlMs, "off"));
        return this;
    }

    /**
     * Set the backlog quota: the most bytes a subscription may hold back, and what happens beyond it.
     *
     * @param limitBytes bytes, or {@link #OFF} (-1) to turn the quota off.
     * @param policy     what happens beyond the limit.
     * @return this update.
     * @throws IllegalArgumentException if the limit is less than -1 or the policy is null.
     */
    public NamespacePolicyUpdate backlogQuota(final long limitBytes, final BacklogQuotaPolicy policy)
    {
        final long limit = checkValue("backlog quota limit", limitBytes, "off");
        if (null == policy)
        {
            throw new IllegalArgumentException("backlog quota policy is null");
        }
        final long policyValue = WireEnums.policyValue(policy);
        valueByField.put(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, limit);
        valueByField.put(PolicyField.BACKLOG_QUOTA_POLICY, policyValue);
        return this;
    }

    /**
     * Limit the producers a topic of the namespace takes at once, as Pulsar's {@code set-max-producers-per-topic}.
     *
     * @param max producers; 0 or -1 for no limit.
     * @return this update.
     * @throws IllegalArgumentException if less than -1.
     */
    public NamespacePolicyUpdate maxProducersPerTopic(final long max)
    {
        valueByField.put(PolicyField.MAX_PRODUCERS_PER_TOPIC, checkValue("max producers per topic", max, "unlimited"));
        return this;
    }

    /**
     * Limit the consumers over all of a topic's subscriptions, as Pulsar's {@code set-max-consumers-per-topic}.
     *
     * @param max consumers; 0 or -1 for no limit.
     * @return this update.
     * @throws IllegalArgumentException if less than -1.
     */
    public NamespacePolicyUpdate maxConsumersPerTopic(final long max)
    {
        valueByField.put(PolicyField.MAX_CONSUMERS_PER_TOPIC, checkValue("max consumers per topic", max, "unlimited"));
        return this;
    }

    /**
     * Limit the consumers of one subscription, as Pulsar's {@code set-max-consumers-per-subscription}.
     *
     * @param max consumers; 0 or -1 for no limit.
     * @return this update.
     * @throws IllegalArgumentException if less than -1.
     */
    public NamespacePolicyUpdate maxConsumersPerSubscription(final long max)
    {
        valueByField.put(PolicyField.MAX_CONSUMERS_PER_SUBSCRIPTION,
            checkValue("max consumers per subscription", max, "unlimited"));
        return this;
    }

    /**
     * Remove the namespace's producer and consumer limits: the broker's defaults (none) apply.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeLimits()
    {
        return removeMaxProducersPerTopic().removeMaxConsumersPerTopic().removeMaxConsumersPerSubscription();
    }

    /**
     * @return this update, removing the namespace's max producers per topic.
     */
    public NamespacePolicyUpdate removeMaxProducersPerTopic()
    {
        valueByField.put(PolicyField.MAX_PRODUCERS_PER_TOPIC, WireEnums.REMOVE);
        return this;
    }

    /**
     * @return this update, removing the namespace's max consumers per topic.
     */
    public NamespacePolicyUpdate removeMaxConsumersPerTopic()
    {
        valueByField.put(PolicyField.MAX_CONSUMERS_PER_TOPIC, WireEnums.REMOVE);
        return this;
    }

    /**
     * @return this update, removing the namespace's max consumers per subscription.
     */
    public NamespacePolicyUpdate removeMaxConsumersPerSubscription()
    {
        valueByField.put(PolicyField.MAX_CONSUMERS_PER_SUBSCRIPTION, WireEnums.REMOVE);
        return this;
    }

    /**
     * Turn deduplication on or off: with it on, a send whose producer name and sequence id are already stored is
     * not stored again (Pulsar's {@code set-deduplication}).
     *
     * @param enabled true to deduplicate sends.
     * @return this update.
     */
    public NamespacePolicyUpdate deduplication(final boolean enabled)
    {
        valueByField.put(PolicyField.DEDUPLICATION, enabled ? 1L : 0L);
        return this;
    }

    /**
     * Remove the namespace's deduplication setting: the broker's default applies.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeDeduplication()
    {
        valueByField.put(PolicyField.DEDUPLICATION, REMOVE);
        return this;
    }

    /**
     * Remove the namespace's durability: the broker's default applies.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeDurability()
    {
        valueByField.put(PolicyField.DURABILITY, REMOVE);
        return this;
    }

    /**
     * Remove the namespace's retention time and size: the broker's defaults apply.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeRetention()
    {
        valueByField.put(PolicyField.RETENTION_TIME_MS, REMOVE);
        valueByField.put(PolicyField.RETENTION_SIZE_BYTES, REMOVE);
        return this;
    }

    /**
     * Remove the namespace's message TTL: the broker's default applies.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeMessageTtl()
    {
        valueByField.put(PolicyField.MESSAGE_TTL_MS, REMOVE);
        return this;
    }

    /**
     * Remove the namespace's backlog quota limit and policy: the broker's defaults apply.
     *
     * @return this update.
     */
    public NamespacePolicyUpdate removeBacklogQuota()
    {
        valueByField.put(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, REMOVE);
        valueByField.put(PolicyField.BACKLOG_QUOTA_POLICY, REMOVE);
        return this;
    }

    /**
     * @return true if the update neither sets nor removes any policy.
     */
    public boolean isEmpty()
    {
        return valueByField.isEmpty();
    }

    /**
     * @return the policies as they go on the wire, in field order: -2 removes one.
     */
    Map<PolicyField, Long> values()
    {
        return Collections.unmodifiableMap(valueByField);
    }

    /**
     * @return the wire values by policy, for logs.
     */
    public String toString()
    {
        return "NamespacePolicyUpdate" + valueByField;
    }

    private static long checkValue(final String name, final long value, final String minusOneMeaning)
    {
        if (value < -1)
        {
            throw new IllegalArgumentException(
                name + " must be -1 (" + minusOneMeaning + ") or more, but is " + value);
        }

        return value;
    }
}
