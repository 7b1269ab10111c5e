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
 * the metadata store at start, changed as namespaces are created and deleted. A namespace needs its tenant in the
 * metadata store; a created or deleted one is recorded there before the shards hear of it.
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
     * Record a namespace about to be created in the metadata store, durably.
     *
     * @param namespace as {@code tenant/namespace}.
     * @return null when recorded, else why not.
     */
    String record(final String namespace)
    {
        try
        {
            metadata.recordNamespace(namespace);
            return null;
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
            return "namespace " + namespace + " could not be recorded in the metadata store: " + ex.getMessage();
        }
    }

    /**
     * @param namespace created, as {@code tenant/namespace}, recorded and handed to every shard.
     */
    void add(final String namespace)
    {
        namespaces.add(namespace);
    }

    /**
     * Delete a namespace: the metadata store drops it (durably) and its grants, then it is forgotten here.
     *
     * @param namespace as {@code tenant/namespace}.
     * @return null when deleted, else why not (it then still exists).
     */
    String remove(final String namespace)
    {
        try
        {
            metadata.removeNamespace(namespace);
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
            return "namespace " + namespace + " could not be removed from the metadata store: " + ex.getMessage();
        }
        namespaces.remove(namespace);
        return null;
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
