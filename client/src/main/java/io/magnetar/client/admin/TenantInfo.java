package io.magnetar.client.admin;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

import java.util.Set;
import java.util.TreeSet;

/**
 * A tenant, as Pulsar's {@code TenantInfo}: the roles that administer it and the clusters its namespaces may use.
 *
 * @param adminRoles      roles that administer the tenant.
 * @param allowedClusters clusters its namespaces may use.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TenantInfo(Set<String> adminRoles, Set<String> allowedClusters)
{
    /**
     * Sorted copies; null is an empty set.
     */
    public TenantInfo
    {
        adminRoles = null == adminRoles ? Set.of() : Set.copyOf(new TreeSet<>(adminRoles));
        allowedClusters = null == allowedClusters ? Set.of() : Set.copyOf(new TreeSet<>(allowedClusters));
    }
}
