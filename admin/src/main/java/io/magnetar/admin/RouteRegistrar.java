package io.magnetar.admin;

/**
 * Takes routes: the {@link Routes} themselves, or a guard in front of them ({@link Routes#guarded}).
 */
interface RouteRegistrar
{
    /**
     * @param method   HTTP method.
     * @param template URI template, e.g. {@code /admin/v2/tenants/{tenant}}.
     * @param handler  of the route.
     * @return this for a fluent API.
     */
    RouteRegistrar add(String method, String template, Routes.RouteHandler handler);
}
