package io.magnetar.admin;

import io.magnetar.broker.auth.Authorizer;

/**
 * The admin API's role checks, as Pulsar's: superusers manage clusters and tenants and read the broker's health; a
 * tenant's admin roles (and superusers) manage its namespaces, topics, subscriptions and grants. A refusal is a 403
 * with the reason, before anything is read or written. Everything is allowed when authentication is off.
 */
final class RestAccess
{
    private final Authorizer authorizer;

    RestAccess(final Authorizer authorizer)
    {
        this.authorizer = authorizer;
    }

    /**
     * @param handler of a route under {@code {tenant}}.
     * @return the handler behind a check that the caller administers the route's tenant.
     */
    Routes.RouteHandler tenantAdmin(final Routes.RouteHandler handler)
    {
        return (call) ->
        {
            final String tenant = call.path("tenant");
            requireTenantAdmin(call, tenant, "administer the namespaces and topics of tenant " + tenant);
            return handler.handle(call);
        };
    }

    /**
     * @param handler of a route.
     * @return the handler behind a check that the caller is a superuser.
     */
    Routes.RouteHandler superuser(final Routes.RouteHandler handler)
    {
        return (call) ->
        {
            requireSuperuser(call, "use this broker-wide call");
            return handler.handle(call);
        };
    }

    void requireSuperuser(final RestCall call, final String what)
    {
        if (!authorizer.isSuperuser(call.role()))
        {
            throw new RestException(403, "role " + call.role() + " is not allowed to " + what +
                " (a superuser's)");
        }
    }

    void requireTenantAdmin(final RestCall call, final String tenant, final String what)
    {
        if (!authorizer.isTenantAdmin(call.role(), tenant))
        {
            throw new RestException(403, "role " + call.role() + " is not allowed to " + what +
                " (an admin of tenant " + tenant + "'s)");
        }
    }
}
