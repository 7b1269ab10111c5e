package io.magnetar.broker.metadata;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything the metadata store holds at one moment, immutable: clusters, tenants, namespaces and partitioned
 * topics, each sorted by name. A change makes a new snapshot with one of the {@code with*} methods; the store makes it
 * durable and then current. Also the store's document, with Pulsar's names where they exist.
 */
public final class MetadataSnapshot
{
    /** A store with nothing in it. */
    public static final MetadataSnapshot EMPTY = new MetadataSnapshot(null, null, null, null, null);

    private final NavigableMap<String, ClusterData> clusters;
    private final NavigableMap<String, TenantInfo> tenants;
    private final NavigableSet<String> namespaces;
    private final NavigableMap<String, Integer> partitionedTopics;
    private final NavigableMap<String, Map<String, Set<String>>> permissions;
    private final boolean namespacesRecorded;

    /**
     * @param clusters          by name; null for none.
     * @param tenants           by name; null for none.
     * @param namespaces        as {@code tenant/namespace}; null for none.
     * @param partitionedTopics partition count by full topic name; null for none.
     * @param permissions       granted actions by role, by namespace ({@code tenant/namespace}) or full topic name;
     *                          null for none.
     */
    @JsonCreator
    public MetadataSnapshot(
        @JsonProperty("clusters") final Map<String, ClusterData> clusters,
        @JsonProperty("tenants") final Map<String, TenantInfo> tenants,
        @JsonProperty("namespaces") final Collection<String> namespaces,
        @JsonProperty("partitionedTopics") final Map<String, Integer> partitionedTopics,
        @JsonProperty("permissions") final Map<String, Map<String, Set<String>>> permissions)
    {
        final TreeMap<String, Map<String, Set<String>>> grants = new TreeMap<>();
        if (null != permissions)
        {
            for (final Map.Entry<String, Map<String, Set<String>>> resource : permissions.entrySet())
            {
                final TreeMap<String, Set<String>> byRole = new TreeMap<>();
                for (final Map.Entry<String, Set<String>> role : resource.getValue().entrySet())
                {
                    byRole.put(role.getKey(), Collections.unmodifiableSet(new TreeSet<>(role.getValue())));
                }
                if (!byRole.isEmpty())
                {
                    grants.put(resource.getKey(), Collections.unmodifiableMap(byRole));
                }
            }
        }
        this.permissions = Collections.unmodifiableNavigableMap(grants);
        this.clusters = Collections.unmodifiableNavigableMap(
            null == clusters ? new TreeMap<>() : new TreeMap<>(clusters));
        this.tenants = Collections.unmodifiableNavigableMap(null == tenants ? new TreeMap<>() : new TreeMap<>(tenants));
        this.namespaces = Collections.unmodifiableNavigableSet(
            null == namespaces ? new TreeSet<>() : new TreeSet<>(namespaces));
        this.namespacesRecorded = null != namespaces;
        this.partitionedTopics = Collections.unmodifiableNavigableMap(
            null == partitionedTopics ? new TreeMap<>() : new TreeMap<>(partitionedTopics));
    }

    /**
     * @return clusters by name, sorted; read only.
     */
    @JsonProperty("clusters")
    public NavigableMap<String, ClusterData> clusters()
    {
        return clusters;
    }

    /**
     * @return tenants by name, sorted; read only.
     */
    @JsonProperty("tenants")
    public NavigableMap<String, TenantInfo> tenants()
    {
        return tenants;
    }

    /**
     * @return namespaces as {@code tenant/namespace}, sorted; read only.
     */
    @JsonProperty("namespaces")
    public NavigableSet<String> namespaces()
    {
        return namespaces;
    }

    /**
     * @return true once the store records namespaces (from this version on): it is then the namespaces' truth;
     * false for an empty store or a document of an older broker, whose namespaces the shards know.
     */
    @JsonIgnore
    public boolean namespacesRecorded()
    {
        return namespacesRecorded;
    }

    /**
     * @return partition count by full topic name, sorted; read only.
     */
    @JsonProperty("partitionedTopics")
    public NavigableMap<String, Integer> partitionedTopics()
    {
        return partitionedTopics;
    }

    /**
     * @return granted actions by role, by namespace or full topic name, sorted; read only.
     */
    @JsonProperty("permissions")
    public NavigableMap<String, Map<String, Set<String>>> permissions()
    {
        return permissions;
    }

    /**
     * @param resource namespace ({@code tenant/namespace}) or full topic name.
     * @param role     granted.
     * @return the actions granted to the role on the resource itself; empty if none.
     */
    public Set<String> granted(final String resource, final String role)
    {
        final Map<String, Set<String>> byRole = permissions.get(resource);
        final Set<String> actions = null == byRole ? null : byRole.get(role);
        return null == actions ? Set.of() : actions;
    }

    /**
     * @param resource namespace or full topic name.
     * @param role     to grant to.
     * @param actions  granted, replacing what the role had on the resource; empty to revoke.
     * @return a snapshot with that change.
     */
    public MetadataSnapshot withPermission(final String resource, final String role, final Set<String> actions)
    {
        final TreeMap<String, Map<String, Set<String>>> next = new TreeMap<>(permissions);
        final TreeMap<String, Set<String>> byRole = new TreeMap<>(permissions.getOrDefault(resource, Map.of()));
        if (actions.isEmpty())
        {
            byRole.remove(role);
        }
        else
        {
            byRole.put(role, actions);
        }
        next.put(resource, byRole);
        return new MetadataSnapshot(clusters, tenants, namespaces, partitionedTopics, next);
    }

    /**
     * @param topic full name of a topic.
     * @return its partition count, or 0 if it is not a partitioned topic.
     */
    public int partitions(final String topic)
    {
        final Integer partitions = partitionedTopics.get(topic);
        return null == partitions ? 0 : partitions;
    }

    /**
     * @param tenant whose namespaces to list.
     * @return the tenant's namespaces as {@code tenant/namespace}, sorted; read only.
     */
    public NavigableSet<String> namespacesOf(final String tenant)
    {
        // '/' + 1 is '0': the range holds exactly the names that start with "tenant/"
        return namespaces.subSet(tenant + "/", true, tenant + "0", false);
    }

    /**
     * @param name of the cluster.
     * @param data of the cluster, or null to remove it.
     * @return a snapshot with that change.
     */
    public MetadataSnapshot withCluster(final String name, final ClusterData data)
    {
        final TreeMap<String, ClusterData> next = new TreeMap<>(clusters);
        put(next, name, data);
        return new MetadataSnapshot(next, tenants, namespaces, partitionedTopics, permissions);
    }

    /**
     * @param name of the tenant.
     * @param info of the tenant, or null to remove it.
     * @return a snapshot with that change.
     */
    public MetadataSnapshot withTenant(final String name, final TenantInfo info)
    {
        final TreeMap<String, TenantInfo> next = new TreeMap<>(tenants);
        put(next, name, info);
        return new MetadataSnapshot(clusters, next, namespaces, partitionedTopics, permissions);
    }

    /**
     * @param namespace as {@code tenant/namespace}.
     * @param present   true to add it, false to remove it.
     * @return a snapshot with that change.
     */
    public MetadataSnapshot withNamespace(final String namespace, final boolean present)
    {
        final TreeSet<String> next = new TreeSet<>(namespaces);
        if (present)
        {
            next.add(namespace);
        }
        else
        {
            next.remove(namespace);
        }
        return new MetadataSnapshot(clusters, tenants, next, partitionedTopics, permissions);
    }

    /**
     * @param topic      full name of the partitioned topic.
     * @param partitions its partition count, or 0 to remove it.
     * @return a snapshot with that change.
     */
    public MetadataSnapshot withPartitions(final String topic, final int partitions)
    {
        final TreeMap<String, Integer> next = new TreeMap<>(partitionedTopics);
        put(next, topic, 0 == partitions ? null : partitions);
        return new MetadataSnapshot(clusters, tenants, namespaces, next, permissions);
    }

    private static <V> void put(final TreeMap<String, V> map, final String key, final V value)
    {
        if (null == value)
        {
            map.remove(key);
        }
        else
        {
            map.put(key, value);
        }
    }
}
