package io.magnetar.admin;

import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.metadata.TenantInfo;

import java.util.List;

/**
 * {@code /admin/v2/tenants}: list, get, create (PUT), update (POST) and delete tenants, as Pulsar's tenants admin
 * calls. A create without a body, as {@code pulsar-admin tenants create} without options, allows every cluster and
 * names no admin role.
 */
final class TenantsResource
{
    private static final String TENANTS = "/admin/v2/tenants";
    private static final String TENANT = TENANTS + "/{tenant}";

    private final MetadataAdmin metadata;
    private final RestAccess access;

    TenantsResource(final MetadataAdmin metadata, final RestAccess access)
    {
        this.metadata = metadata;
        this.access = access;
    }

    void register(final Routes routes)
    {
        routes
            .add("GET", TENANTS, (call) ->
            {
                access.requireSuperuser(call, "list the tenants");
                return metadata.snapshot().tenants().keySet();
            })
            .add("GET", TENANT, (call) ->
            {
                access.requireTenantAdmin(call, call.path("tenant"), "read tenant " + call.path("tenant"));
                return tenant(call.path("tenant"));
            })
            .add("PUT", TENANT, (call) ->
            {
                access.requireSuperuser(call, "create a tenant");
                metadata.createTenant(call.path("tenant"), info(call));
                return null;
            })
            .add("POST", TENANT, (call) ->
            {
                access.requireSuperuser(call, "update a tenant");
                metadata.updateTenant(call.path("tenant"), call.body(TenantInfo.class));
                return null;
            })
            .add("DELETE", TENANT, (call) ->
            {
                access.requireSuperuser(call, "delete a tenant");
                if (call.queryBoolean("force", false))
                {
                    throw new RestException(405, "a forced delete of a tenant and its namespaces is not " +
                        "supported: delete its namespaces first");
                }
                metadata.deleteTenant(call.path("tenant"));
                return null;
            });
    }

    private TenantInfo info(final RestCall call)
    {
        return call.bodyText().isBlank() ?
            new TenantInfo(List.of(), metadata.snapshot().clusters().keySet()) : call.body(TenantInfo.class);
    }

    private TenantInfo tenant(final String name)
    {
        final TenantInfo info = metadata.snapshot().tenants().get(name);
        if (null == info)
        {
            throw RestException.notFound("tenant " + name + " does not exist");
        }
        return info;
    }
}
