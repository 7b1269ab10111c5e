package io.magnetar.broker.metadata;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MetadataAdminTest
{
    private static final ClusterData OWN = new ClusterData("http://localhost:8080", "magnetar://localhost:6650", null);

    @TempDir
    File dataDir;

    private MetadataAdmin admin;

    @BeforeEach
    void open() throws Exception
    {
        admin = new MetadataAdmin(new FileMetadataStore(dataDir), "standalone");
        admin.bootstrap(OWN, Set.of());
    }

    @Test
    void shouldBootstrapOwnClusterPublicTenantAndDefaultNamespace()
    {
        final MetadataSnapshot snapshot = admin.snapshot();
        assertEquals(OWN, snapshot.clusters().get("standalone"));
        assertEquals(new TenantInfo(List.of(), List.of("standalone")), snapshot.tenants().get("public"));
        assertEquals(Set.of("public/default"), snapshot.namespaces());
    }

    @Test
    void shouldCreateUpdateAndDeleteTenantsWithPulsarsRefusals() throws Exception
    {
        admin.createTenant("acme", new TenantInfo(List.of("ops"), List.of("standalone")));
        assertEquals(reason(MetadataException.Reason.ALREADY_EXISTS),
            refusal(() -> admin.createTenant("acme", new TenantInfo(null, null))));
        assertEquals(reason(MetadataException.Reason.INVALID),
            refusal(() -> admin.createTenant("bad/name", new TenantInfo(null, null))));
        assertEquals(reason(MetadataException.Reason.INVALID),
            refusal(() -> admin.createTenant("other", new TenantInfo(null, List.of("nowhere")))));
        assertEquals(reason(MetadataException.Reason.NOT_FOUND),
            refusal(() -> admin.updateTenant("ghost", new TenantInfo(null, null))));

        admin.updateTenant("acme", new TenantInfo(List.of("ops", "dev"), List.of()));
        assertEquals(Set.of("dev", "ops"), admin.snapshot().tenants().get("acme").getAdminRoles());

        admin.recordNamespace("acme/orders");
        final MetadataException notEmpty = assertThrows(MetadataException.class, () -> admin.deleteTenant("acme"));
        assertEquals(MetadataException.Reason.NOT_EMPTY, notEmpty.reason());
        assertTrue(notEmpty.getMessage().contains("acme/orders"), notEmpty.getMessage());

        admin.removeNamespace("acme/orders");
        admin.deleteTenant("acme");
        assertNull(admin.snapshot().tenants().get("acme"));
        assertEquals(reason(MetadataException.Reason.NOT_FOUND), refusal(() -> admin.deleteTenant("acme")));
    }

    @Test
    void shouldRefuseToDeleteAClusterInUseOrThisBrokersOwn() throws Exception
    {
        final ClusterData west = new ClusterData("http://west:8080", "magnetar://west:6650", "west:7000");
        admin.createCluster("west", west);
        assertEquals(reason(MetadataException.Reason.ALREADY_EXISTS), refusal(() -> admin.createCluster("west", west)));
        admin.createTenant("acme", new TenantInfo(null, List.of("west")));

        assertEquals(reason(MetadataException.Reason.NOT_EMPTY), refusal(() -> admin.deleteCluster("west")));
        assertEquals(reason(MetadataException.Reason.NOT_EMPTY), refusal(() -> admin.deleteCluster("standalone")));
        assertEquals(reason(MetadataException.Reason.NOT_FOUND),
            refusal(() -> admin.updateCluster("east", west)));

        admin.updateTenant("acme", new TenantInfo(null, List.of("standalone")));
        admin.deleteCluster("west");
        assertEquals(Set.of("standalone"), admin.snapshot().clusters().keySet());
    }

    @Test
    void shouldKeepEverythingAcrossAReopenAndTrustItsOwnNamespacesOverTheShards() throws Exception
    {
        admin.createTenant("acme", new TenantInfo(List.of("ops"), List.of("standalone")));
        admin.putPartitions("persistent://acme/x/orders", 4);
        admin.recordNamespace("acme/x");
        admin.removeNamespace("acme/x");

        // the shards still know acme/x (and a namespace the store never had): the store records namespaces, so wins
        final MetadataAdmin reopened = new MetadataAdmin(new FileMetadataStore(dataDir), "standalone");
        reopened.bootstrap(OWN, Set.of("acme/x", "stray/ns"));
        final MetadataSnapshot snapshot = reopened.snapshot();
        assertEquals(Set.of("ops"), snapshot.tenants().get("acme").getAdminRoles());
        assertEquals(4, snapshot.partitions("persistent://acme/x/orders"));
        assertEquals(Set.of("public/default"), snapshot.namespaces());
        assertNull(snapshot.tenants().get("stray"));
    }

    @Test
    void shouldTakeTheShardsNamespacesAndTenantsIntoAStoreThatNeverRecordedThem() throws Exception
    {
        final File old = new File(dataDir, "legacy");
        assertTrue(old.mkdir());
        final MetadataAdmin legacy = new MetadataAdmin(new FileMetadataStore(old), "standalone");
        legacy.bootstrap(OWN, Set.of("legacy/ns"));
        assertEquals(new TenantInfo(null, List.of("standalone")), legacy.snapshot().tenants().get("legacy"));
        assertEquals(Set.of("legacy/ns", "public/default"), legacy.snapshot().namespaces());
    }

    @Test
    void shouldReadTheDocumentOfAnOlderBroker() throws Exception
    {
        final File old = new File(dataDir, "old");
        assertTrue(old.mkdir());
        Files.writeString(new File(old, FileMetadataStore.FILE_NAME).toPath(),
            "{\"partitionedTopics\":{\"persistent://public/default/t\":3}}", StandardCharsets.UTF_8);

        final MetadataAdmin reopened = new MetadataAdmin(new FileMetadataStore(old), "standalone");
        reopened.bootstrap(OWN, Set.of());
        assertEquals(3, reopened.snapshot().partitions("persistent://public/default/t"));
        assertEquals(Set.of("public"), reopened.snapshot().tenants().keySet());
    }

    private static String reason(final MetadataException.Reason reason)
    {
        return reason.name();
    }

    private static String refusal(final Refused operation)
    {
        return assertThrows(MetadataException.class, operation::run).reason().name();
    }

    @FunctionalInterface
    private interface Refused
    {
        void run() throws Exception;
    }
}
