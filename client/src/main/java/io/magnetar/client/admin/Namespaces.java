package io.magnetar.client.admin;

import com.fasterxml.jackson.core.type.TypeReference;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Namespace administration, as Pulsar's {@code admin.namespaces()}: list, create, read policies, and set or remove
 * each policy. Namespaces are {@code tenant/namespace}.
 */
public final class Namespaces
{
    private final AdminHttp http;

    Namespaces(final AdminHttp http)
    {
        this.http = http;
    }

    /**
     * @param tenant whose namespaces to list.
     * @return its namespaces as {@code tenant/namespace}, sorted.
     * @throws MagnetarAdminException 404 if the tenant does not exist.
     */
    public List<String> getNamespaces(final String tenant) throws MagnetarAdminException
    {
        return http.get("/admin/v2/namespaces/" + AdminHttp.segment(tenant), new TypeReference<List<String>>() {});
    }

    /**
     * @param namespace {@code tenant/namespace}; its tenant must exist.
     * @throws MagnetarAdminException 409 if it exists, 404 if its tenant does not, 400/412 if the name is invalid.
     */
    public void createNamespace(final String namespace) throws MagnetarAdminException
    {
        http.put(path(namespace), null);
    }

    /**
     * Delete a namespace that holds no topic, as Pulsar's {@code deleteNamespace}.
     *
     * @param namespace {@code tenant/namespace}; not {@code public/default} nor {@code pulsar/system}.
     * @throws MagnetarAdminException 404 if it does not exist, 409 while it holds topics, 400 for the broker's own.
     */
    public void deleteNamespace(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace));
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return the policies set on it; null fields are the broker's defaults.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public Policies getPolicies(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace), Policies.class);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its retention, or null if it has none of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public RetentionPolicies getRetention(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/retention", RetentionPolicies.class);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param retention time and size kept; -1 for unlimited.
     * @throws MagnetarAdminException 400 for values below -1, 404 if it does not exist.
     */
    public void setRetention(final String namespace, final RetentionPolicies retention) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/retention", retention);
    }

    /**
     * @param namespace {@code tenant/namespace}: its retention reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeRetention(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/retention");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its message TTL in seconds (-1 off), or null if it has none of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public Long getNamespaceMessageTTL(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/messageTTL", Long.class);
    }

    /**
     * @param namespace  {@code tenant/namespace}.
     * @param ttlSeconds seconds; -1 for off.
     * @throws MagnetarAdminException 400 for values below -1, 404 if it does not exist.
     */
    public void setNamespaceMessageTTL(final String namespace, final long ttlSeconds) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/messageTTL", ttlSeconds);
    }

    /**
     * @param namespace {@code tenant/namespace}: its message TTL reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeNamespaceMessageTTL(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/messageTTL");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its backlog quotas by type; empty if it has none of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public Map<String, BacklogQuota> getBacklogQuotaMap(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/backlogQuotaMap", new TypeReference<Map<String, BacklogQuota>>() {});
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param quota     size limit and policy.
     * @throws MagnetarAdminException 400 for a bad limit or policy, 404 if it does not exist.
     */
    public void setBacklogQuota(final String namespace, final BacklogQuota quota) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/backlogQuota", quota);
    }

    /**
     * @param namespace {@code tenant/namespace}: its backlog quota reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeBacklogQuota(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/backlogQuota");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return whether it deduplicates, or null if it has no setting of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public Boolean getDeduplicationStatus(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/deduplication", Boolean.class);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param enabled   true to deduplicate sends by producer name and sequence id.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void setDeduplicationStatus(final String namespace, final boolean enabled) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/deduplication", enabled);
    }

    /**
     * @param namespace {@code tenant/namespace}: deduplication reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeDeduplicationStatus(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/deduplication");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its durability ({@code memory}, {@code archived}, {@code fsync}), or null if none of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public String getDurability(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/durability", String.class);
    }

    /**
     * @param namespace  {@code tenant/namespace}.
     * @param durability {@code memory}, {@code archived} or {@code fsync}.
     * @throws MagnetarAdminException 400 for another level, 404 if it does not exist.
     */
    public void setDurability(final String namespace, final String durability) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/durability", durability);
    }

    /**
     * @param namespace {@code tenant/namespace}: its durability reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeDurability(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/durability");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return its max producers per topic (0 none), or null if it has no setting of its own.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public Long getMaxProducersPerTopic(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/maxProducersPerTopic", Long.class);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param max       producers a topic takes at once; 0 for no limit.
     * @throws MagnetarAdminException 400 for a negative value, 404 if it does not exist.
     */
    public void setMaxProducersPerTopic(final String namespace, final int max) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/maxProducersPerTopic", max);
    }

    /**
     * @param namespace {@code tenant/namespace}: its max producers per topic reverts to the broker's default.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public void removeMaxProducersPerTopic(final String namespace) throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/maxProducersPerTopic");
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param max       consumers over all of a topic's subscriptions; 0 for no limit.
     * @throws MagnetarAdminException 400 for a negative value, 404 if it does not exist.
     */
    public void setMaxConsumersPerTopic(final String namespace, final int max) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/maxConsumersPerTopic", max);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param max       consumers of one subscription; 0 for no limit.
     * @throws MagnetarAdminException 400 for a negative value, 404 if it does not exist.
     */
    public void setMaxConsumersPerSubscription(final String namespace, final int max) throws MagnetarAdminException
    {
        http.post(path(namespace) + "/maxConsumersPerSubscription", max);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @return the actions granted on it, by role, as Pulsar's {@code getPermissions}.
     * @throws MagnetarAdminException 404 if it does not exist, 403 if the caller does not administer its tenant.
     */
    public Map<String, Set<String>> getPermissions(final String namespace) throws MagnetarAdminException
    {
        return http.get(path(namespace) + "/permissions", new TypeReference<Map<String, Set<String>>>() {});
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param role      to grant to.
     * @param actions   {@code produce} and/or {@code consume}; replace what the role had on the namespace.
     * @throws MagnetarAdminException 404 if it does not exist, 412 for an unknown action, 403 if not allowed.
     */
    public void grantPermissionOnNamespace(final String namespace, final String role, final Set<String> actions)
        throws MagnetarAdminException
    {
        http.post(path(namespace) + "/permissions/" + AdminHttp.segment(role), actions);
    }

    /**
     * @param namespace {@code tenant/namespace}.
     * @param role      whose grant on the namespace goes.
     * @throws MagnetarAdminException 404 if it does not exist, 403 if not allowed.
     */
    public void revokePermissionsOnNamespace(final String namespace, final String role)
        throws MagnetarAdminException
    {
        http.delete(path(namespace) + "/permissions/" + AdminHttp.segment(role));
    }

    static String path(final String namespace)
    {
        final int slash = null == namespace ? -1 : namespace.indexOf('/');
        if (slash <= 0 || slash == namespace.length() - 1 || namespace.indexOf('/', slash + 1) >= 0)
        {
            throw new IllegalArgumentException("namespace must be tenant/namespace: '" + namespace + "'");
        }
        return "/admin/v2/namespaces/" + AdminHttp.segment(namespace.substring(0, slash)) + "/" +
            AdminHttp.segment(namespace.substring(slash + 1));
    }
}
