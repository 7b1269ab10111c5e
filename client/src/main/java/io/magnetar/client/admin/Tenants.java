package io.magnetar.client.admin;

import com.fasterxml.jackson.core.type.TypeReference;

import java.util.List;

/**
 * Tenant administration, as Pulsar's {@code admin.tenants()}.
 */
public final class Tenants
{
    private static final String TENANTS = "/admin/v2/tenants";

    private final AdminHttp http;

    Tenants(final AdminHttp http)
    {
        this.http = http;
    }

    /**
     * @return the names of the tenants, sorted.
     * @throws MagnetarAdminException if the call failed.
     */
    public List<String> getTenants() throws MagnetarAdminException
    {
        return http.get(TENANTS, new TypeReference<List<String>>() {});
    }

    /**
     * @param tenant name.
     * @return its admin roles and allowed clusters.
     * @throws MagnetarAdminException 404 if it does not exist.
     */
    public TenantInfo getTenantInfo(final String tenant) throws MagnetarAdminException
    {
        return http.get(path(tenant), TenantInfo.class);
    }

    /**
     * @param tenant name.
     * @param info   its admin roles and allowed clusters (each must exist).
     * @throws MagnetarAdminException 409 if it exists, 412 if the name is invalid or a cluster does not exist.
     */
    public void createTenant(final String tenant, final TenantInfo info) throws MagnetarAdminException
    {
        http.put(path(tenant), info);
    }

    /**
     * @param tenant name.
     * @param info   its admin roles and allowed clusters, replacing what it had.
     * @throws MagnetarAdminException 404 if it does not exist, 412 if a cluster does not.
     */
    public void updateTenant(final String tenant, final TenantInfo info) throws MagnetarAdminException
    {
        http.post(path(tenant), info);
    }

    /**
     * @param tenant name.
     * @throws MagnetarAdminException 404 if it does not exist, 409 while it has namespaces.
     */
    public void deleteTenant(final String tenant) throws MagnetarAdminException
    {
        http.delete(path(tenant));
    }

    private static String path(final String tenant)
    {
        return TENANTS + "/" + AdminHttp.segment(tenant);
    }
}
