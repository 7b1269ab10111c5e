package io.magnetar.broker.metadata;

import io.magnetar.broker.policy.TopicName;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static io.magnetar.broker.metadata.MetadataException.Reason.ALREADY_EXISTS;
import static io.magnetar.broker.metadata.MetadataException.Reason.INVALID;
import static io.magnetar.broker.metadata.MetadataException.Reason.NOT_EMPTY;
import static io.magnetar.broker.metadata.MetadataException.Reason.NOT_FOUND;

/**
 * The rules of the metadata, over a {@link MetadataStore}: clusters and tenants are created, updated and deleted as
 * Pulsar's {@code clusters} and {@code tenants} admin calls do, a tenant allows only clusters that exist, a tenant
 * with namespaces and a cluster a tenant allows cannot be deleted, and a namespace needs its tenant. Each operation
 * is one store change, so a check and its write are atomic. Thread safe (the store serialises the changes).
 */
public final class MetadataAdmin
{
    /** The tenant that always exists, as in Pulsar's standalone. */
    public static final String PUBLIC_TENANT = "public";

    /** The namespace that always exists. */
    public static final String DEFAULT_NAMESPACE = "public/default";

    /** The tenant and namespace of the admin API's health check, as Pulsar's. */
    public static final String SYSTEM_TENANT = "pulsar";
    public static final String SYSTEM_NAMESPACE = SYSTEM_TENANT + "/system";

    /** Action a role may be granted: produce to a topic. */
    public static final String PRODUCE = "produce";

    /** Action a role may be granted: consume from a topic. */
    public static final String CONSUME = "consume";

    private static final Set<String> ACTIONS = Set.of(PRODUCE, CONSUME);

    private final MetadataStore store;
    private final String clusterName;

    /**
     * @param store       of the metadata.
     * @param clusterName of the cluster this broker serves.
     */
    public MetadataAdmin(final MetadataStore store, final String clusterName)
    {
        this.store = store;
        this.clusterName = clusterName;
    }

    /**
     * @return what the store holds now; immutable.
     */
    public MetadataSnapshot snapshot()
    {
        return store.snapshot();
    }

    /**
     * @return name of the cluster this broker serves.
     */
    public String clusterName()
    {
        return clusterName;
    }

    /**
     * At start: record this broker's cluster (its URLs refreshed) and the {@code public} tenant; a store that does
     * not record namespaces yet (a new data directory, or one from before they were stored) takes every namespace the
     * shards know, with their tenants (allowed this cluster, administered by superusers only). From then on the store
     * is the namespaces' truth: one deleted stays deleted, whatever policies the shards still hold.
     *
     * @param ownCluster this broker's cluster data.
     * @param namespaces the shards know at start.
     * @throws IOException if the store could not be written.
     */
    public void bootstrap(final ClusterData ownCluster, final Collection<String> namespaces) throws IOException
    {
        updateUnrefused((current) ->
        {
            MetadataSnapshot next = ownCluster.equals(current.clusters().get(clusterName)) ?
                current : current.withCluster(clusterName, ownCluster);
            next = withNamespaceAndTenant(next, DEFAULT_NAMESPACE);
            if (!current.namespacesRecorded())
            {
                for (final String namespace : namespaces)
                {
                    next = withNamespaceAndTenant(next, namespace);
                }
            }
            return next;
        });
    }

    /**
     * Record a namespace the shards have taken, and its tenant if a concurrent delete removed it meanwhile (the
     * namespace is stored already: its tenant comes back rather than leaving it orphaned).
     *
     * @param namespace as {@code tenant/namespace}.
     * @throws IOException if the store could not be written.
     */
    public void recordNamespace(final String namespace) throws IOException
    {
        updateUnrefused((current) -> withNamespaceAndTenant(current, namespace));
    }

    private MetadataSnapshot withNamespaceAndTenant(final MetadataSnapshot current, final String namespace)
    {
        MetadataSnapshot next = current;
        final String tenant = namespace.substring(0, namespace.indexOf('/'));
        if (!next.tenants().containsKey(tenant))
        {
            next = next.withTenant(tenant, new TenantInfo(List.of(), List.of(clusterName)));
        }
        return next.namespaces().contains(namespace) ? next : next.withNamespace(namespace, true);
    }

    /**
     * Remove a namespace the shards have deleted.
     *
     * @param namespace as {@code tenant/namespace}.
     * @throws IOException if the store could not be written.
     */
    public void removeNamespace(final String namespace) throws IOException
    {
        updateUnrefused((current) ->
        {
            MetadataSnapshot next = current.namespaces().contains(namespace) ?
                current.withNamespace(namespace, false) : current;
            for (final String resource : current.permissions().keySet())
            {
                if (resource.equals(namespace) || resource.contains("://" + namespace + "/"))
                {
                    for (final String role : current.permissions().get(resource).keySet())
                    {
                        next = next.withPermission(resource, role, Set.of());
                    }
                }
            }
            return next;
        });
    }

    /**
     * Create a cluster, as {@code clusters create}.
     *
     * @param name of the cluster.
     * @param data of the cluster.
     * @throws MetadataException if the name is invalid or the cluster exists.
     * @throws IOException       if the store could not be written.
     */
    public void createCluster(final String name, final ClusterData data) throws MetadataException, IOException
    {
        checkName("cluster", name);
        store.update((current) ->
        {
            if (current.clusters().containsKey(name))
            {
                throw new MetadataException(ALREADY_EXISTS, "cluster " + name + " already exists");
            }
            return current.withCluster(name, data);
        });
    }

    /**
     * Replace a cluster's data, as {@code clusters update}.
     *
     * @param name of the cluster.
     * @param data of the cluster.
     * @throws MetadataException if the cluster does not exist.
     * @throws IOException       if the store could not be written.
     */
    public void updateCluster(final String name, final ClusterData data) throws MetadataException, IOException
    {
        store.update((current) -> current.withCluster(existingCluster(current, name), data));
    }

    /**
     * Delete a cluster, as {@code clusters delete}: refused for this broker's own cluster and while a tenant allows it.
     *
     * @param name of the cluster.
     * @throws MetadataException if it does not exist or is in use.
     * @throws IOException       if the store could not be written.
     */
    public void deleteCluster(final String name) throws MetadataException, IOException
    {
        store.update((current) ->
        {
            existingCluster(current, name);
            if (clusterName.equals(name))
            {
                throw new MetadataException(NOT_EMPTY, "cluster " + name + " is the one this broker serves");
            }
            for (final var tenant : current.tenants().entrySet())
            {
                if (tenant.getValue().getAllowedClusters().contains(name))
                {
                    throw new MetadataException(NOT_EMPTY, "cluster " + name + " is allowed by tenant " +
                        tenant.getKey() + ": remove it from the tenant's allowed clusters first");
                }
            }
            return current.withCluster(name, null);
        });
    }

    /**
     * Create a tenant, as {@code tenants create}.
     *
     * @param name of the tenant.
     * @param info its admin roles and allowed clusters; each cluster must exist.
     * @throws MetadataException if the name is invalid, the tenant exists, or a cluster does not.
     * @throws IOException       if the store could not be written.
     */
    public void createTenant(final String name, final TenantInfo info) throws MetadataException, IOException
    {
        checkName("tenant", name);
        store.update((current) ->
        {
            if (current.tenants().containsKey(name))
            {
                throw new MetadataException(ALREADY_EXISTS, "tenant " + name + " already exists");
            }
            checkClusters(current, info.getAllowedClusters());
            return current.withTenant(name, info);
        });
    }

    /**
     * Replace a tenant's admin roles and allowed clusters, as {@code tenants update}.
     *
     * @param name of the tenant.
     * @param info its admin roles and allowed clusters; each cluster must exist.
     * @throws MetadataException if the tenant or a cluster does not exist.
     * @throws IOException       if the store could not be written.
     */
    public void updateTenant(final String name, final TenantInfo info) throws MetadataException, IOException
    {
        store.update((current) ->
        {
            existingTenant(current, name);
            checkClusters(current, info.getAllowedClusters());
            return current.withTenant(name, info);
        });
    }

    /**
     * Delete a tenant, as {@code tenants delete}: refused while it has namespaces.
     *
     * @param name of the tenant.
     * @throws MetadataException if it does not exist or has namespaces.
     * @throws IOException       if the store could not be written.
     */
    public void deleteTenant(final String name) throws MetadataException, IOException
    {
        store.update((current) ->
        {
            existingTenant(current, name);
            final Set<String> namespaces = current.namespacesOf(name);
            if (!namespaces.isEmpty())
            {
                throw new MetadataException(NOT_EMPTY, "tenant " + name + " still has " + namespaces.size() +
                    " namespace(s), e.g. " + namespaces.iterator().next() + ": delete them first");
            }
            return current.withTenant(name, null);
        });
    }

    /**
     * Grant a role actions on a namespace or a topic, as {@code namespaces grant-permission} and
     * {@code topics grant-permission}: the actions replace what the role had there.
     *
     * @param resource namespace ({@code tenant/namespace}) or full topic name; the namespace must exist.
     * @param role     to grant to.
     * @param actions  {@code produce} and/or {@code consume}.
     * @throws MetadataException if the namespace does not exist, or a name or action is not valid.
     * @throws IOException       if the store could not be written.
     */
    public void grantPermission(final String resource, final String role, final Set<String> actions)
        throws MetadataException, IOException
    {
        if (null == role || role.isBlank())
        {
            throw new MetadataException(INVALID, "a permission needs a role");
        }
        if (null == actions || actions.isEmpty())
        {
            throw new MetadataException(INVALID, "a permission needs actions: produce, consume or both");
        }
        for (final String action : actions)
        {
            if (!ACTIONS.contains(action))
            {
                throw new MetadataException(INVALID, "unknown action '" + action + "': produce or consume");
            }
        }
        final String namespace = namespaceOf(resource);
        store.update((current) ->
        {
            existingNamespace(current, namespace);
            return current.withPermission(resource, role, new TreeSet<>(actions));
        });
    }

    /**
     * Revoke what a role was granted on a namespace or a topic.
     *
     * @param resource namespace ({@code tenant/namespace}) or full topic name; the namespace must exist.
     * @param role     whose grant goes.
     * @throws MetadataException if the namespace does not exist or the name is not valid.
     * @throws IOException       if the store could not be written.
     */
    public void revokePermission(final String resource, final String role) throws MetadataException, IOException
    {
        final String namespace = namespaceOf(resource);
        store.update((current) ->
        {
            existingNamespace(current, namespace);
            return current.granted(resource, role).isEmpty() ?
                current : current.withPermission(resource, role, Set.of());
        });
    }

    /**
     * @param resource namespace ({@code tenant/namespace}) or full topic name.
     * @return its namespace.
     * @throws MetadataException if the name is not valid.
     */
    static String namespaceOf(final String resource) throws MetadataException
    {
        if (null != resource && resource.contains("://"))
        {
            try
            {
                return TopicName.parse(resource).namespaceName();
            }
            catch (final IllegalArgumentException ex)
            {
                throw new MetadataException(INVALID, ex.getMessage());
            }
        }
        final String failure = TopicName.checkNamespace(resource);
        if (null != failure)
        {
            throw new MetadataException(INVALID, failure);
        }
        return resource;
    }

    private static void existingNamespace(final MetadataSnapshot current, final String namespace)
        throws MetadataException
    {
        if (!current.namespaces().contains(namespace))
        {
            throw new MetadataException(NOT_FOUND, "namespace " + namespace + " does not exist");
        }
    }

    /**
     * Store a partitioned topic's partition count.
     *
     * @param topic      full name of the partitioned topic.
     * @param partitions its partition count, at least 1.
     * @throws IOException if it could not be stored; the store is then as it was.
     */
    public void putPartitions(final String topic, final int partitions) throws IOException
    {
        updateUnrefused((current) -> current.withPartitions(topic, partitions));
    }

    /**
     * Apply a change that never refuses (bootstrap, recording what the shards took, partition counts).
     */
    private void updateUnrefused(final MetadataStore.Change change) throws IOException
    {
        try
        {
            store.update(change);
        }
        catch (final MetadataException ex)
        {
            throw new IllegalStateException("a change that cannot be refused was: " + ex.getMessage(), ex);
        }
    }

    private static void checkName(final String what, final String name) throws MetadataException
    {
        final String failure = TopicName.checkName(what, name);
        if (null != failure)
        {
            throw new MetadataException(INVALID, failure);
        }
    }

    private static String existingCluster(final MetadataSnapshot current, final String name) throws MetadataException
    {
        if (!current.clusters().containsKey(name))
        {
            throw new MetadataException(NOT_FOUND, "cluster " + name + " does not exist");
        }
        return name;
    }

    private static void existingTenant(final MetadataSnapshot current, final String name) throws MetadataException
    {
        if (!current.tenants().containsKey(name))
        {
            throw new MetadataException(NOT_FOUND, "tenant " + name + " does not exist");
        }
    }

    private static void checkClusters(final MetadataSnapshot current, final Set<String> clusters)
        throws MetadataException
    {
        for (final String cluster : clusters)
        {
            if (!current.clusters().containsKey(cluster))
            {
                throw new MetadataException(INVALID, "cluster " + cluster + " does not exist (clusters create " +
                    "makes one)");
            }
        }
    }
}
