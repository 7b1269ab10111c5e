package io.magnetar.admin;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import io.magnetar.client.TopicInternalStats;
import io.magnetar.client.admin.BacklogQuota;
import io.magnetar.client.admin.ClusterData;
import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.client.admin.MagnetarAdminException;
import io.magnetar.client.admin.Policies;
import io.magnetar.client.admin.RetentionPolicies;
import io.magnetar.client.admin.TenantInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin REST API over real HTTP, through {@link MagnetarAdmin} and raw requests, against a real broker: every
 * call, its refusals with Pulsar's statuses, and bad requests that get a 4xx and leave the broker serving.
 */
class AdminApiTest
{
    @TempDir
    static File dataDir;

    private static final Policies NO_POLICIES = new Policies(null, null, Map.of(), null, null, null, null, null);

    private static AdminTestBroker broker;
    private static MagnetarAdmin admin;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception
    {
        broker = new AdminTestBroker(dataDir);
        admin = broker.admin;
    }

    @AfterAll
    static void stop()
    {
        if (null != broker)
        {
            broker.close();
            assertEquals(List.of(), broker.errors, "the broker recorded no error");
        }
    }

    @Test
    void shouldCreateUpdateAndDeleteClusters() throws Exception
    {
        assertTrue(admin.clusters().getClusters().contains("standalone"));
        final ClusterData own = admin.clusters().getCluster("standalone");
        assertEquals(broker.broker.serviceUrl(), own.brokerServiceUrl());

        final ClusterData west = new ClusterData("http://west:8080", "magnetar://west:6650", "west:7000");
        admin.clusters().createCluster("west", west);
        assertEquals(west, admin.clusters().getCluster("west"));
        assertStatus(409, () -> admin.clusters().createCluster("west", west));
        assertStatus(412, () -> admin.clusters().createCluster("bad name", west));

        final ClusterData moved = new ClusterData("http://west2:8080", "magnetar://west2:6650", null);
        admin.clusters().updateCluster("west", moved);
        assertEquals(moved, admin.clusters().getCluster("west"));
        assertStatus(404, () -> admin.clusters().updateCluster("east", moved));

        admin.tenants().createTenant("westerners", new TenantInfo(Set.of(), Set.of("west")));
        final MagnetarAdminException inUse =
            assertThrows(MagnetarAdminException.class, () -> admin.clusters().deleteCluster("west"));
        assertEquals(409, inUse.statusCode());
        assertTrue(inUse.getMessage().contains("allowed by tenant westerners"), inUse.getMessage());
        admin.tenants().deleteTenant("westerners");
        admin.clusters().deleteCluster("west");
        assertStatus(404, () -> admin.clusters().getCluster("west"));
        assertStatus(404, () -> admin.clusters().deleteCluster("west"));
        assertStatus(409, () -> admin.clusters().deleteCluster("standalone"));
    }

    @Test
    void shouldCreateUpdateAndDeleteTenants() throws Exception
    {
        assertTrue(admin.tenants().getTenants().containsAll(List.of("public", "pulsar")));
        admin.tenants().createTenant("acme", new TenantInfo(Set.of("ops"), Set.of("standalone")));
        assertEquals(new TenantInfo(Set.of("ops"), Set.of("standalone")), admin.tenants().getTenantInfo("acme"));
        assertStatus(409, () -> admin.tenants().createTenant("acme", new TenantInfo(null, null)));
        assertStatus(412, () -> admin.tenants().createTenant("no-cluster", new TenantInfo(null, Set.of("nowhere"))));
        assertStatus(412, () -> admin.tenants().createTenant("bad name", new TenantInfo(null, null)));
        assertStatus(404, () -> admin.tenants().getTenantInfo("ghost"));
        assertStatus(404, () -> admin.tenants().updateTenant("ghost", new TenantInfo(null, null)));

        admin.tenants().updateTenant("acme", new TenantInfo(Set.of("ops", "dev"), Set.of("standalone")));
        assertEquals(Set.of("dev", "ops"), admin.tenants().getTenantInfo("acme").adminRoles());

        // a create without a body, as pulsar-admin tenants create without options: every cluster, no admin role
        assertEquals(204, raw("PUT", "/admin/v2/tenants/bare", "").statusCode());
        assertEquals(new TenantInfo(Set.of(), Set.of("standalone")), admin.tenants().getTenantInfo("bare"));
        admin.tenants().deleteTenant("bare");
        assertStatus(404, () -> admin.tenants().deleteTenant("bare"));

        admin.namespaces().createNamespace("acme/billing");
        final MagnetarAdminException notEmpty =
            assertThrows(MagnetarAdminException.class, () -> admin.tenants().deleteTenant("acme"));
        assertEquals(409, notEmpty.statusCode());
        assertTrue(notEmpty.getMessage().contains("acme/billing"), notEmpty.getMessage());
        assertTrue(admin.tenants().getTenants().contains("acme"), "the refused delete changed nothing");
    }

    @Test
    void shouldCreateNamespacesAndSetEachPolicy() throws Exception
    {
        admin.tenants().createTenant("shop", new TenantInfo(null, Set.of("standalone")));
        assertEquals(List.of(), admin.namespaces().getNamespaces("shop"));
        admin.namespaces().createNamespace("shop/orders");
        assertEquals(List.of("shop/orders"), admin.namespaces().getNamespaces("shop"));
        assertStatus(409, () -> admin.namespaces().createNamespace("shop/orders"));
        assertStatus(404, () -> admin.namespaces().createNamespace("nobody/orders"));
        assertStatus(404, () -> admin.namespaces().getNamespaces("nobody"));
        assertStatus(404, () -> admin.namespaces().getPolicies("shop/missing"));
        assertStatus(412, () -> admin.namespaces().createNamespace("shop/bad name"));

        final String ns = "shop/orders";
        assertEquals(NO_POLICIES, admin.namespaces().getPolicies(ns));
        assertNull(admin.namespaces().getRetention(ns), "no retention of its own: 204");

        admin.namespaces().setRetention(ns, new RetentionPolicies(180, 10));
        assertEquals(new RetentionPolicies(180, 10), admin.namespaces().getRetention(ns));
        admin.namespaces().setNamespaceMessageTTL(ns, 600);
        assertEquals(600L, admin.namespaces().getNamespaceMessageTTL(ns));
        admin.namespaces().setBacklogQuota(ns, BacklogQuota.ofSize(1024 * 1024, "producer_exception"));
        assertEquals(Map.of("destination_storage", new BacklogQuota(1024 * 1024, -1, "producer_exception")),
            admin.namespaces().getBacklogQuotaMap(ns));
        admin.namespaces().setDeduplicationStatus(ns, true);
        assertEquals(Boolean.TRUE, admin.namespaces().getDeduplicationStatus(ns));
        admin.namespaces().setDurability(ns, "fsync");
        assertEquals("fsync", admin.namespaces().getDurability(ns));

        final Policies all = admin.namespaces().getPolicies(ns);
        assertEquals(new RetentionPolicies(180, 10), all.retentionPolicies());
        assertEquals(600L, all.messageTtlInSeconds());
        assertEquals(Boolean.TRUE, all.deduplicationEnabled());
        assertEquals("fsync", all.durability());
        final String pulsarShape = raw("GET", "/admin/v2/namespaces/shop/orders", null).body();
        assertTrue(pulsarShape.contains("\"retention_policies\":{\"retentionTimeInMinutes\":180," +
            "\"retentionSizeInMB\":10}"), pulsarShape);
        assertTrue(pulsarShape.contains("\"message_ttl_in_seconds\":600"), pulsarShape);

        assertStatus(400, () -> admin.namespaces().setRetention(ns, new RetentionPolicies(-5, 10)));
        assertStatus(400, () -> admin.namespaces().setNamespaceMessageTTL(ns, -2));
        assertStatus(400, () -> admin.namespaces().setBacklogQuota(ns, BacklogQuota.ofSize(10, "drop_everything")));
        assertStatus(400, () -> admin.namespaces().setBacklogQuota(ns, new BacklogQuota(10, 60, "producer_exception")));
        assertStatus(400, () -> admin.namespaces().setDurability(ns, "carved-in-stone"));
        assertEquals(new RetentionPolicies(180, 10), admin.namespaces().getRetention(ns), "refusals change nothing");

        admin.namespaces().removeRetention(ns);
        admin.namespaces().removeNamespaceMessageTTL(ns);
        admin.namespaces().removeBacklogQuota(ns);
        admin.namespaces().removeDeduplicationStatus(ns);
        admin.namespaces().removeDurability(ns);
        assertEquals(NO_POLICIES, admin.namespaces().getPolicies(ns));
    }

    @Test
    void shouldAdministerTopicsAndSubscriptions() throws Exception
    {
        final String topic = "persistent://public/default/admin-orders";
        admin.topics().createPartitionedTopic("admin-parted", 2);
        assertStatus(409, () -> admin.topics().createPartitionedTopic("admin-parted", 2));
        assertStatus(400, () -> admin.topics().createPartitionedTopic("admin-zero", 0));
        assertEquals(2, admin.topics().getPartitionedTopicMetadata("admin-parted"));
        admin.topics().updatePartitionedTopic("admin-parted", 3);
        assertEquals(3, admin.topics().getPartitionedTopicMetadata("admin-parted"));
        assertStatus(400, () -> admin.topics().updatePartitionedTopic("admin-parted", 2));
        assertStatus(404, () -> admin.topics().updatePartitionedTopic("admin-none", 4));
        assertTrue(admin.topics().getPartitionedTopicList("public/default")
            .contains("persistent://public/default/admin-parted"));
        assertEquals(0, admin.topics().getPartitionedTopicMetadata(topic));

        try (MagnetarClient client = broker.newClient();
            Producer producer = client.newProducer().topic(topic).create();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("billing")
                .subscriptionType(SubscriptionType.EXCLUSIVE).subscriptionInitialPosition(InitialPosition.EARLIEST)
                .subscribe())
        {
            final MessageId first = producer.send("a".getBytes(StandardCharsets.UTF_8));
            producer.send("b".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++)
            {
                consumer.acknowledge(consumer.receive(10, TimeUnit.SECONDS).getMessageId());
            }

            assertTrue(admin.topics().getList("public/default").contains(topic));
            assertEquals(List.of("billing"), admin.topics().getSubscriptions(topic));
            final TopicInternalStats stats = admin.topics().getInternalStats(topic);
            assertEquals(2, stats.getEntries());
            assertEquals(3, admin.topics().getPartitionedInternalStats("admin-parted").getPartitions());
            assertStatus(404, () -> admin.topics().getPartitionedInternalStats(topic));

            final Map<String, Object> topicStats = admin.topics().getStats(topic);
            assertEquals(2, ((Number)topicStats.get("msgInCounter")).intValue(), topicStats.toString());
            assertEquals(2, ((Number)topicStats.get("bytesInCounter")).intValue(), topicStats.toString());
            assertTrue(topicStats.containsKey("msgRateIn") && topicStats.containsKey("msgThroughputOut"));
            final Map<?, ?> publisher = (Map<?, ?>)((List<?>)topicStats.get("publishers")).get(0);
            assertTrue(publisher.get("address").toString().contains(":"), "host:port " + publisher);
            final Map<?, ?> billing = (Map<?, ?>)((Map<?, ?>)topicStats.get("subscriptions")).get("billing");
            assertEquals("Exclusive", billing.get("type"));
            assertEquals(0, ((Number)billing.get("msgBacklog")).intValue(), billing.toString());
            final Map<?, ?> consumerStats = (Map<?, ?>)((List<?>)billing.get("consumers")).get(0);
            assertTrue(((Number)consumerStats.get("availablePermits")).intValue() > 0, consumerStats.toString());
            assertStatus(404, () -> admin.topics().getStats("persistent://public/default/admin-none"));
            final Map<String, Object> parted = admin.topics().getPartitionedStats("admin-parted", true);
            assertEquals(Map.of("partitions", 3), parted.get("metadata"));
            assertStatus(404, () -> admin.topics().getPartitionedStats(topic, false));

            // create a subscription at the earliest message, then clear its backlog
            admin.topics().createSubscription(topic, "audit", true);
            assertStatus(409, () -> admin.topics().createSubscription(topic, "audit", false));
            assertEquals(2, admin.topics().getInternalStats(topic).getCursors().get("audit").getBacklog());
            admin.topics().skipAllMessages(topic, "audit");
            assertEquals(0, admin.topics().getInternalStats(topic).getCursors().get("audit").getBacklog());
            assertStatus(404, () -> admin.topics().skipAllMessages(topic, "nobody"));
            admin.topics().createSubscription("persistent://public/default/admin-fresh", "first", false);
            assertEquals(List.of("first"), admin.topics().getSubscriptions("persistent://public/default/admin-fresh"));
            admin.topics().deleteSubscription(topic, "audit", false);

            // a partitioned topic's name stands for its partitions
            admin.topics().createSubscription("admin-parted", "all", true);
            admin.topics().skipAllMessages("admin-parted", "all");
            for (int i = 0; i < 3; i++)
            {
                assertEquals(List.of("all"),
                    admin.topics().getSubscriptions("persistent://public/default/admin-parted-partition-" + i));
            }

            admin.topics().resetCursor(topic, "billing", first);
            assertEquals("a", new String(consumer.receive(10, TimeUnit.SECONDS).getData(), StandardCharsets.UTF_8));
            admin.topics().resetCursor(topic, "billing", 0L);
            assertStatus(404, () -> admin.topics().resetCursor(topic, "nobody", 0L));

            final MagnetarAdminException busy = assertThrows(MagnetarAdminException.class,
                () -> admin.topics().deleteSubscription(topic, "billing", false));
            assertEquals(412, busy.statusCode(), busy.getMessage());
            admin.topics().deleteSubscription(topic, "billing", true);
            assertEquals(List.of(), admin.topics().getSubscriptions(topic));
            assertStatus(404, () -> admin.topics().deleteSubscription(topic, "billing", false));
        }
        assertStatus(412, () -> admin.topics().getInternalStats("persistent://public/default/bad name"));
    }

    @Test
    void shouldDeleteOnlyEmptyNamespacesAsPulsar() throws Exception
    {
        admin.tenants().createTenant("gone", new TenantInfo(null, Set.of("standalone")));
        admin.namespaces().createNamespace("gone/empty");
        admin.namespaces().setNamespaceMessageTTL("gone/empty", 60);
        admin.namespaces().grantPermissionOnNamespace("gone/empty", "app", Set.of("produce"));
        admin.namespaces().deleteNamespace("gone/empty");
        assertEquals(List.of(), admin.namespaces().getNamespaces("gone"));
        assertStatus(404, () -> admin.namespaces().deleteNamespace("gone/empty"));
        assertStatus(404, () -> admin.namespaces().getPolicies("gone/empty"));
        assertFalse(broker.broker.metadata().snapshot().permissions().containsKey("gone/empty"), "grants go too");

        admin.namespaces().createNamespace("gone/full");
        try (MagnetarClient client = broker.newClient();
            Producer producer = client.newProducer().topic("persistent://gone/full/t").create())
        {
            producer.send(new byte[1]);
        }
        final MagnetarAdminException full =
            assertThrows(MagnetarAdminException.class, () -> admin.namespaces().deleteNamespace("gone/full"));
        assertEquals(409, full.statusCode());
        assertTrue(full.getMessage().contains("persistent://gone/full/t"), full.getMessage());
        assertStatus(400, () -> admin.namespaces().deleteNamespace("public/default"));
        assertEquals(405, raw("DELETE", "/admin/v2/namespaces/gone/full?force=true", null).statusCode());
        assertStatus(412, () -> admin.namespaces().deleteNamespace("gone/bad name"));
        final MagnetarAdminException notEmpty =
            assertThrows(MagnetarAdminException.class, () -> admin.tenants().deleteTenant("gone"));
        assertEquals(409, notEmpty.statusCode());

        admin.namespaces().createNamespace("gone/empty");
        assertEquals(NO_POLICIES, admin.namespaces().getPolicies("gone/empty"), "created again afresh");
    }

    @Test
    void shouldEnforceTheNamespacesProducerAndConsumerLimits() throws Exception
    {
        admin.tenants().createTenant("limited", new TenantInfo(null, Set.of("standalone")));
        final String ns = "limited/ns";
        admin.namespaces().createNamespace(ns);
        admin.namespaces().setMaxProducersPerTopic(ns, 1);
        admin.namespaces().setMaxConsumersPerTopic(ns, 2);
        admin.namespaces().setMaxConsumersPerSubscription(ns, 1);
        assertEquals(1L, admin.namespaces().getMaxProducersPerTopic(ns));
        final Policies policies = admin.namespaces().getPolicies(ns);
        assertEquals(2L, policies.maxConsumersPerTopic());
        assertEquals(1L, policies.maxConsumersPerSubscription());
        assertStatus(412, () -> admin.namespaces().setMaxProducersPerTopic(ns, -5));

        final String topic = "persistent://limited/ns/t";
        try (MagnetarClient client = broker.newClient();
            Producer first = client.newProducer().topic(topic).create();
            Consumer a = client.newConsumer().topic(topic).subscriptionName("a")
                .subscriptionType(SubscriptionType.SHARED).subscribe();
            Consumer b = client.newConsumer().topic(topic).subscriptionName("b").subscribe())
        {
            final MagnetarClientException producers = assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic(topic).create());
            assertEquals(MagnetarClientException.ErrorCode.PRODUCER_BUSY, producers.errorCode());
            assertTrue(producers.getMessage().contains("max producers limit of 1"), producers.getMessage());
            final MagnetarClientException perSubscription = assertThrows(MagnetarClientException.class,
                () -> client.newConsumer().topic(topic).subscriptionName("a")
                    .subscriptionType(SubscriptionType.SHARED).subscribe());
            assertTrue(perSubscription.getMessage().contains("max consumers limit of 1"), perSubscription.getMessage());
            final MagnetarClientException perTopic = assertThrows(MagnetarClientException.class,
                () -> client.newConsumer().topic(topic).subscriptionName("c").subscribe());
            assertTrue(perTopic.getMessage().contains("reached its max consumers limit of 2"), perTopic.getMessage());

            // an exclusive producer with fencing replaces the producers rather than counting beside them
            try (Producer fencing = client.newProducer().topic(topic)
                .accessMode(io.magnetar.client.ProducerAccessMode.EXCLUSIVE_WITH_FENCING).create())
            {
                assertTrue(fencing.getTopicEpoch() >= 0);
            }

            admin.namespaces().removeMaxProducersPerTopic(ns);
            assertNull(admin.namespaces().getMaxProducersPerTopic(ns), "no setting of its own");
            client.newProducer().topic(topic).create().close();
        }
    }

    @Test
    void shouldAnswerHealthAndReadiness() throws Exception
    {
        admin.brokers().healthcheck();
        admin.brokers().ready();
        assertEquals("ok", raw("GET", "/admin/v2/brokers/health", null).body());
    }

    @Test
    void shouldAnswerBadRequestsWith4xxAndKeepServing() throws Exception
    {
        assertBad(400, "PUT", "/admin/v2/tenants/badjson", "{\"adminRoles\": [", "bad JSON body");
        assertBad(400, "POST", "/admin/v2/namespaces/public/default/messageTTL", "\"ten\"", "bad JSON body");
        assertBad(400, "POST", "/admin/v2/namespaces/public/default/retention", "",
            "needs a JSON body");
        assertBad(400, "POST", "/admin/v2/namespaces/public/default/retention",
            "{\"retentionTimeInMinutes\": 1}", "retentionSizeInMB is required");
        assertBad(400, "POST", "/admin/v2/namespaces/public/default/messageTTL", "99999999999999999999",
            "bad JSON body");
        assertBad(400, "PUT", "/admin/v2/persistent/public/default/t/partitions", "-4", "at least 1");
        assertBad(400, "POST", "/admin/v2/persistent/public/default/t/subscription/s/resetcursor/yesterday", "",
            "must be a number");
        assertBad(400, "DELETE", "/admin/v2/persistent/public/default/t/subscription/s?force=maybe", null,
            "true or false");
        assertEquals("HTTP/1.1 400", rawStatusLine("DELETE /admin/v2/persistent/public/default/t/subscription/s" +
            "?force=%zz"), "a malformed query string (java.net.URI refuses to send one: a raw socket does)");
        assertBad(400, "POST", "/admin/v2/persistent/public/default/t/subscription/s/resetcursor/-5", "",
            "0 or more");
        assertBad(404, "GET", "/admin/v2/nothing/here", null, "no admin resource");
        assertBad(404, "GET", "/admin/v2/tenants/ghost", null, "does not exist");
        assertBad(405, "PATCH", "/admin/v2/tenants/acme", "{}", "not allowed");
        assertBad(412, "PUT", "/admin/v2/tenants/bad%20name", "{}", "invalid tenant");
        assertBad(413, "PUT", "/admin/v2/tenants/huge", "[" + "1,".repeat(1024 * 1024) + "1]", "larger than");

        admin.brokers().healthcheck(); // and the broker serves on
    }

    private static void assertBad(
        final int status, final String method, final String path, final String body, final String reason)
        throws Exception
    {
        final HttpResponse<String> response = raw(method, path, body);
        assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
        assertTrue(response.body().contains("\"reason\"") && response.body().contains(reason),
            method + " " + path + ": " + response.body());
    }

    private static HttpResponse<String> raw(final String method, final String path, final String body)
        throws Exception
    {
        final HttpRequest request = HttpRequest.newBuilder(URI.create(broker.server.url() + path))
            .method(method, null == body ?
                HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static String rawStatusLine(final String requestLine) throws Exception
    {
        final URI url = URI.create(broker.server.url());
        try (java.net.Socket socket = new java.net.Socket(url.getHost(), url.getPort()))
        {
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: " + url.getHost() +
                "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            return response.substring(0, Math.min(12, response.length()));
        }
    }

    private static void assertStatus(final int status, final AdminCall call)
    {
        final MagnetarAdminException ex = assertThrows(MagnetarAdminException.class, call::run);
        assertEquals(status, ex.statusCode(), ex.getMessage());
        assertNotNull(ex.getMessage());
    }

    @FunctionalInterface
    private interface AdminCall
    {
        void run() throws Exception;
    }
}
