package io.magnetar.broker.auth;

import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.metadata.MetadataSnapshot;
import io.magnetar.broker.metadata.TenantInfo;
import io.magnetar.broker.policy.TopicName;

import java.util.Set;

/**
 * Who may do what, as Pulsar's authorization provider decides it: superuser roles may do everything; a tenant's admin
 * roles administer its namespaces and topics; a role produces to or consumes from a topic when it was granted that on
 * the topic, its partitioned topic, or its namespace. Reads the metadata store's current snapshot, so grants take
 * effect for the next producer, consumer or call. Off (everything allowed) when authentication is off. Thread safe.
 */
public final class Authorizer
{
    /** Role of the broker's own sessions (the admin API's), whose tokens only the broker signs: a superuser. */
    public static final String INTERNAL_ROLE = "magnetar-admin";

    private final MetadataAdmin metadata;
    private final Set<String> superuserRoles;
    private final boolean enabled;

    /**
     * @param metadata       store of the tenants and grants.
     * @param superuserRoles roles that may do everything.
     * @param enabled        false to allow everything.
     */
    public Authorizer(final MetadataAdmin metadata, final Set<String> superuserRoles, final boolean enabled)
    {
        this.metadata = metadata;
        this.superuserRoles = Set.copyOf(superuserRoles);
        this.enabled = enabled;
    }

    /**
     * @return true when roles are checked.
     */
    public boolean isEnabled()
    {
        return enabled;
    }

    /**
     * @param role of the caller, or null.
     * @return true if the role may do everything (or authorization is off).
     */
    public boolean isSuperuser(final String role)
    {
        return !enabled || (null != role && superuserRoles.contains(role));
    }

    /**
     * @param role   of the caller, or null.
     * @param tenant name.
     * @return true if the role is a superuser or one of the tenant's admin roles.
     */
    public boolean isTenantAdmin(final String role, final String tenant)
    {
        if (isSuperuser(role))
        {
            return true;
        }
        final TenantInfo info = metadata.snapshot().tenants().get(tenant);
        return null != role && null != info && info.getAdminRoles().contains(role);
    }

    /**
     * @param role  of the caller, or null.
     * @param topic to produce to.
     * @return true if the role may produce to it.
     */
    public boolean canProduce(final String role, final TopicName topic)
    {
        return isSuperuser(role) || isGranted(role, topic, MetadataAdmin.PRODUCE);
    }

    /**
     * @param role  of the caller, or null.
     * @param topic to consume from.
     * @return true if the role may consume from it.
     */
    public boolean canConsume(final String role, final TopicName topic)
    {
        return isSuperuser(role) || isGranted(role, topic, MetadataAdmin.CONSUME);
    }

    /**
     * @param role      of the caller, or null.
     * @param namespace {@code tenant/namespace}.
     * @return true if the role was granted any action on the namespace, or administers its tenant: it may look it up
     * (its topics, a topic's partition count).
     */
    public boolean canLookUp(final String role, final String namespace)
    {
        if (isTenantAdmin(role, namespace.substring(0, Math.max(0, namespace.indexOf('/')))))
        {
            return true;
        }
        return null != role && !metadata.snapshot().granted(namespace, role).isEmpty();
    }

    /**
     * @param role  of the caller, or null.
     * @param topic to look up.
     * @return true if the role may produce to or consume from the topic, or administers its tenant.
     */
    public boolean canLookUp(final String role, final TopicName topic)
    {
        return isTenantAdmin(role, topic.tenant()) || isGranted(role, topic, MetadataAdmin.PRODUCE) ||
            isGranted(role, topic, MetadataAdmin.CONSUME);
    }

    private boolean isGranted(final String role, final TopicName topic, final String action)
    {
        if (null == role)
        {
            return false;
        }
        final MetadataSnapshot snapshot = metadata.snapshot();
        final String name = topic.toString();
        if (snapshot.granted(name, role).contains(action) ||
            snapshot.granted(topic.namespaceName(), role).contains(action))
        {
            return true;
        }
        final String partitioned = topic.partitionedTopicName();
        return null != partitioned && snapshot.granted(partitioned, role).contains(action);
    }
}
