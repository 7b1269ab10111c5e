package io.magnetar.broker.session;

import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of namespaces the broker has, as {@code tenant/namespace}: rebuilt from the shards at start, grown as
 * namespaces are created. Tenants are implicit: a tenant is any prefix some namespace has.
 */
final class NamespaceDirectory
{
    private final HashSet<String> namespaces;

    /**
     * @param namespaces the broker has at start.
     */
    NamespaceDirectory(final Set<String> namespaces)
    {
        this.namespaces = new HashSet<>(namespaces);
    }

    /**
     * @param namespace as {@code tenant/namespace}.
     * @return true if it exists.
     */
    boolean contains(final String namespace)
    {
        return namespaces.contains(namespace);
    }

    /**
     * @param namespace created, as {@code tenant/namespace}.
     */
    void add(final String namespace)
    {
        namespaces.add(namespace);
    }

    /**
     * @param tenant whose namespaces to list.
     * @return the tenant's namespaces as {@code tenant/namespace}, sorted.
     */
    Collection<String> namespacesOf(final String tenant)
    {
        final String prefix = tenant + "/";
        final TreeSet<String> names = new TreeSet<>();
        for (final String namespace : namespaces)
        {
            if (namespace.startsWith(prefix))
            {
                names.add(namespace);
            }
        }

        return names;
    }
}
