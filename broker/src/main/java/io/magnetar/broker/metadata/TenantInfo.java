package io.magnetar.broker.metadata;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.Collection;
import java.util.Collections;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A tenant as Pulsar's {@code TenantInfo} names it: the roles that administer it and the clusters its namespaces may
 * use. Immutable; both sets sorted.
 */
public final class TenantInfo
{
    private final Set<String> adminRoles;
    private final Set<String> allowedClusters;

    /**
     * @param adminRoles      roles that administer the tenant; null for none.
     * @param allowedClusters clusters the tenant's namespaces may use; null for none.
     */
    @JsonCreator
    public TenantInfo(
        @JsonProperty("adminRoles") final Collection<String> adminRoles,
        @JsonProperty("allowedClusters") final Collection<String> allowedClusters)
    {
        this.adminRoles = sorted(adminRoles);
        this.allowedClusters = sorted(allowedClusters);
    }

    private static Set<String> sorted(final Collection<String> names)
    {
        final TreeSet<String> set = new TreeSet<>();
        if (null != names)
        {
            for (final String name : names)
            {
                if (null == name)
                {
                    throw new IllegalArgumentException("a tenant's role or cluster name is null");
                }
                set.add(name);
            }
        }
        return Collections.unmodifiableSet(set);
    }

    /**
     * @return roles that administer the tenant, sorted.
     */
    public Set<String> getAdminRoles()
    {
        return adminRoles;
    }

    /**
     * @return clusters the tenant's namespaces may use, sorted.
     */
    public Set<String> getAllowedClusters()
    {
        return allowedClusters;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        return o instanceof TenantInfo && adminRoles.equals(((TenantInfo)o).adminRoles) &&
            allowedClusters.equals(((TenantInfo)o).allowedClusters);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return Objects.hash(adminRoles, allowedClusters);
    }

    /**
     * {@inheritDoc}
     */
    public String toString()
    {
        return "TenantInfo{adminRoles=" + adminRoles + ", allowedClusters=" + allowedClusters + "}";
    }
}
