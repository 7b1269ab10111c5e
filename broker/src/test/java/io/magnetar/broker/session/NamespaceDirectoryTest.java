package io.magnetar.broker.session;

import io.magnetar.broker.metadata.ClusterData;
import io.magnetar.broker.metadata.FileMetadataStore;
import io.magnetar.broker.metadata.MetadataAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespaceDirectoryTest
{
    @TempDir
    File dataDir;

    @Test
    void shouldListTenantsNamespacesSortedAndOnlyTheirsAndRecordThemInTheStore() throws Exception
    {
        final MetadataAdmin metadata = new MetadataAdmin(new FileMetadataStore(dataDir), "standalone");
        metadata.bootstrap(new ClusterData(null, "magnetar://localhost:6650", null), Set.of("publicity/a"));
        final NamespaceDirectory directory = new NamespaceDirectory(
            Set.of("public/default", "publicity/a"), metadata, Throwable::printStackTrace);
        for (final String namespace : List.of("public/zeta", "public/alpha"))
        {
            assertNull(directory.record(namespace));
            directory.add(namespace);
        }

        assertEquals(List.of("public/alpha", "public/default", "public/zeta"),
            List.copyOf(directory.namespacesOf("public")));
        assertEquals(List.of("publicity/a"), List.copyOf(directory.namespacesOf("publicity")));
        assertTrue(directory.contains("public/zeta"));
        assertFalse(directory.contains("public/beta"));
        assertTrue(directory.hasTenant("publicity"));
        assertFalse(directory.hasTenant("acme"));

        MetadataAdmin reopened = new MetadataAdmin(new FileMetadataStore(dataDir), "standalone");
        assertEquals(Set.of("public/alpha", "public/default", "public/zeta", "publicity/a"),
            reopened.snapshot().namespaces());

        assertNull(directory.remove("public/zeta"));
        assertFalse(directory.contains("public/zeta"));
        reopened = new MetadataAdmin(new FileMetadataStore(dataDir), "standalone");
        assertFalse(reopened.snapshot().namespaces().contains("public/zeta"), "removed durably");
    }
}
