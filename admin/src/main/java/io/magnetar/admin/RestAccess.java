package io.magnetar.admin;

import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.policy.TopicName;

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

    /**
     * @param domain  of the routes' topics.
     * @param handler of a route under {@code {tenant}/{namespace}/{topic}}.
     * @return the handler behind a check that the caller may read the topic: any grant on it, or its tenant's admin.
     */
    Routes.RouteHandler lookUp(final String domain, final Routes.RouteHandler handler)
    {
        return (call) ->
        {
            final TopicName topic = TopicsResource.topicName(domain, call);
            if (!authorizer.canLookUp(call.role(), topic))
            {
                throw new RestException(403, "role " + call.role() + " is not allowed to read " + topic);
            }
            return handler.handle(call);
        };
    }

    /**
     * @param domain  of the routes' topics.
     * @param handler of a subscription route.
     * @return the handler behind a check that the caller consumes from the topic or administers its tenant, as
     * Pulsar's reset-cursor and unsubscribe.
     */
    Routes.RouteHandler consumeOrAdmin(final String domain, final Routes.RouteHandler handler)
    {
        return (call) ->
        {
            final TopicName topic = TopicsResource.topicName(domain, call);
            if (!authorizer.canConsume(call.role(), topic) && !authorizer.isTenantAdmin(call.role(), topic.tenant()))
            {
                throw new RestException(403, "role " + call.role() + " is not allowed to move or delete a " +
                    "subscription of " + topic);
            }
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
