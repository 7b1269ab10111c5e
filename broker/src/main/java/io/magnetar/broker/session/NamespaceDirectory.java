package io.magnetar.broker.session;

import io.magnetar.broker.metadata.MetadataAdmin;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * The set of namespaces the broker has, as {@code tenant/namespace}, as the session agent checks them: rebuilt from
 * the shards and the metadata store at start, grown as namespaces are created. A namespace needs its tenant in the
 * metadata store; a created one is recorded there once the shards have taken it.
 */
final class NamespaceDirectory
{
    private final HashSet<String> namespaces;
    private final MetadataAdmin metadata;
    private final ErrorHandler errorHandler;

    /**
     * @param namespaces   the broker has at start.
     * @param metadata     store of the tenants, where created namespaces are recorded.
     * @param errorHandler told when a created namespace could not be recorded (it is again at the next start).
     */
    NamespaceDirectory(final Set<String> namespaces, final MetadataAdmin metadata, final ErrorHandler errorHandler)
    {
        this.namespaces = new HashSet<>(namespaces);
        this.metadata = metadata;
        this.errorHandler = errorHandler;
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
     * @param tenant name.
     * @return true if the tenant exists in the metadata store.
     */
    boolean hasTenant(final String tenant)
    {
        return metadata.snapshot().tenants().containsKey(tenant);
    }

    /**
     * @param namespace created, as {@code tenant/namespace}, taken by every shard.
     */
    void add(final String namespace)
    {
        if (namespaces.add(namespace))
        {
            try
            {
                metadata.recordNamespace(namespace);
            }
            catch (final IOException ex)
            {
                // the shards have it: the next start records it from them
                errorHandler.onError(new IOException("namespace " + namespace + " could not be recorded in the " +
                    "metadata store: " + ex.getMessage(), ex));
            }
        }
    }

    /**
     * @param namespace deleted, as {@code tenant/namespace}: forgotten here and in the metadata store, with its grants.
     */
    void remove(final String namespace)
    {
        if (namespaces.remove(namespace))
        {
            try
            {
                metadata.removeNamespace(namespace);
            }
            catch (final IOException ex)
            {
                errorHandler.onError(new IOException("namespace " + namespace + " could not be removed from the " +
                    "metadata store: " + ex.getMessage(), ex));
            }
        }
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
