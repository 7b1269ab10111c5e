package io.magnetar.broker.metadata;

import java.io.IOException;

/**
 * Metadata the broker keeps beside the topics' data, as Pulsar keeps it in its metadata store: clusters, tenants,
 * namespaces and partitioned topics. An embedded, crash-safe store in the data directory is the default
 * ({@link FileMetadataStore}); a replicated one can come later behind the same interface. Changes are rare (admin
 * operations, never the message path) and serialised by the store; reads take an immutable {@link #snapshot()}.
 * Shared by the session agent and the admin API, so implementations are thread safe. The rules of what may change
 * are {@link MetadataAdmin}'s.
 */
public interface MetadataStore
{
    /**
     * A change of the metadata: from the current snapshot to the next, or a refusal.
     */
    @FunctionalInterface
    interface Change
    {
        /**
         * @param current snapshot.
         * @return the next snapshot, or {@code current} itself when there is nothing to change.
         * @throws MetadataException if the change is refused; nothing is then written.
         */
        MetadataSnapshot apply(MetadataSnapshot current) throws MetadataException;
    }

    /**
     * @return what the store holds now; immutable.
     */
    MetadataSnapshot snapshot();

    /**
     * Apply a change, one at a time, and store the result durably before returning it.
     *
     * @param change from the current snapshot to the next.
     * @return the snapshot now current.
     * @throws MetadataException if the change was refused; nothing was written.
     * @throws IOException       if it could not be stored; the store is then as it was.
     */
    MetadataSnapshot update(Change change) throws MetadataException, IOException;
}
