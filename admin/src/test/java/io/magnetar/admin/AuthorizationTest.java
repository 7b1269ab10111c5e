package io.magnetar.admin;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.magnetar.broker.MagnetarBroker;
import io.magnetar.broker.auth.TokenAuthenticator;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicStats;
import io.magnetar.client.admin.MagnetarAdmin;
import io.magnetar.client.admin.MagnetarAdminException;
import io.magnetar.client.admin.TenantInfo;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Authorization over both doors: the native protocol and the admin REST API. Superuser {@code admin} manages tenants
 * and clusters; {@code alice} administers tenant {@code acme}; {@code bob} may produce to {@code acme/orders},
 * {@code carol} consume from it; {@code eve} may do nothing. Every refusal is {@code AUTHORIZATION_ERROR} or 403 with
 * a reason, and a check afterwards shows it wrote or delivered nothing.
 */
@Timeout(90)
class AuthorizationTest
{
    private static final String TOPIC = "persistent://acme/orders/t";

    @TempDir
    File dataDir;

    private final byte[] secret = new byte[32];
    private AdminTestBroker test;
    private MagnetarBroker broker;
    private AdminServer server;

    @BeforeEach
    void start() throws Exception
    {
        new SecureRandom().nextBytes(secret);
        test = new AdminTestBroker(dataDir, new AdminServer.Context(), TokenAuthenticator.hs256(secret),
            Set.of("admin"));
        broker = test.broker;
        server = test.server;

        admin("admin").tenants().createTenant("acme", new TenantInfo(Set.of("alice"), Set.of("standalone")));
        admin("alice").namespaces().createNamespace("acme/orders");
        admin("alice").namespaces().grantPermissionOnNamespace("acme/orders", "bob", Set.of("produce"));
        admin("alice").topics().grantPermission(TOPIC, "carol", Set.of("consume"));
    }

    @AfterEach
    void stop()
    {
        CloseHelper.quietClose(test);
        assertEquals(List.of(), test.errors);
    }

    @Test
    void shouldLetEachRoleProduceConsumeAndAdministerOnlyWhatItWasGranted() throws Exception
    {
        try (MagnetarClient bob = client("bob"); MagnetarClient carol = client("carol");
            MagnetarClient eve = client("eve"); MagnetarClient alice = client("alice");
            MagnetarClient root = client("admin"))
        {
            // the client looks the topic up first: a role with no grant on it is refused there
            assertRefused(() -> eve.newProducer().topic(TOPIC).create(), "role eve is not allowed to look up");
            assertRefused(() -> carol.newProducer().topic(TOPIC).create(), "role carol is not allowed to produce to");
            assertRefused(() -> bob.newConsumer().topic(TOPIC).subscriptionName("s").subscribe(),
                "role bob is not allowed to consume from");
            assertRefused(() -> eve.newConsumer().topic(TOPIC).subscriptionName("s").subscribe(), "look up");

            try (Consumer consumer = carol.newConsumer().topic(TOPIC).subscriptionName("carol")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
                Producer producer = bob.newProducer().topic(TOPIC).create())
            {
                producer.send("granted".getBytes(StandardCharsets.UTF_8));
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message);
                assertEquals("granted", new String(message.getData(), StandardCharsets.UTF_8));
                consumer.acknowledge(message.getMessageId());
            }

            // a consumer's role moves its subscription (seek) and reads stats; a producer's reads stats only
            try (Consumer consumer = carol.newConsumer().topic(TOPIC).subscriptionName("carol")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                consumer.seek(io.magnetar.client.MessageId.EARLIEST);
                final Message again = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(again, "delivered again after the seek");
                consumer.acknowledge(again.getMessageId());
            }
            assertEquals(1, carol.admin().topics().getStats(TOPIC).getMsgInCounter());
            assertEquals(1, bob.admin().topics().getStats(TOPIC).getMsgInCounter());
            assertRefused(() -> bob.admin().topics().resetCursor(TOPIC, "carol", 0L), "move or delete a subscription");

            // a grant on a topic does not cover another whose name only looks like a partition of it
            admin("alice").topics().grantPermission("persistent://acme/orders/x", "eve", Set.of("produce"));
            assertRefused(() -> eve.newProducer().topic("persistent://acme/orders/x-partition-y").create(),
                "is not allowed to");

            // admin commands over the protocol: the tenant's admin may, others may not
            assertRefused(() -> eve.admin().namespaces().setMessageTtl("acme/orders", 60_000), "policies");
            assertRefused(() -> bob.admin().namespaces().createNamespace("acme/sneaky"), "create namespace");
            assertRefused(() -> eve.admin().namespaces().listNamespaces("acme"), "list the namespaces");
            assertRefused(() -> eve.admin().topics().deleteSubscription(TOPIC, "carol", true), "move or delete");
            assertRefused(() -> eve.admin().topics().getStats(TOPIC), "read the stats of");
            assertRefused(() -> eve.admin().topics().createPartitionedTopic("persistent://acme/orders/p", 2),
                "administer");
            assertRefused(() -> alice.admin().topics().getShardStatsPage(0, 0, 10, false), "superuser");
            assertEquals(List.of("acme/orders"), alice.admin().namespaces().listNamespaces("acme"));
            root.admin().topics().getShardStatsPage(0, 0, 10, false);

            // nothing the refusals asked for happened: one message in, the subscription kept, no new namespace
            final TopicStats stats = alice.admin().topics().getStats(TOPIC);
            assertEquals(1, stats.getMsgInCounter());
            assertEquals(Set.of("carol"), stats.getSubscriptions().keySet());
            assertEquals(0, stats.getSubscriptions().get("carol").msgBacklog());
            assertFalse(broker.metadata().snapshot().namespaces().contains("acme/sneaky"));
            assertEquals(-1, alice.admin().namespaces().getPolicies("acme/orders").getMessageTtlMs());
        }
    }

    @Test
    void shouldCheckEachAdminCallOverHttp() throws Exception
    {
        final MagnetarAdmin eve = admin("eve");
        final MagnetarAdmin alice = admin("alice");
        final MagnetarAdmin bob = admin("bob");
        assertForbidden(() -> eve.tenants().createTenant("evil", new TenantInfo(Set.of(), Set.of("standalone"))));
        assertForbidden(() -> alice.tenants().createTenant("more", new TenantInfo(Set.of(), Set.of("standalone"))));
        assertForbidden(() -> alice.tenants().deleteTenant("acme"));
        assertForbidden(() -> eve.tenants().getTenants());
        assertForbidden(() -> eve.clusters().createCluster("x", new io.magnetar.client.admin.ClusterData(
            null, null, null)));
        assertForbidden(() -> eve.namespaces().createNamespace("acme/evil"));
        assertForbidden(() -> eve.namespaces().setNamespaceMessageTTL("acme/orders", 1));
        assertForbidden(() -> bob.namespaces().grantPermissionOnNamespace("acme/orders", "bob", Set.of("consume")));
        assertForbidden(() -> eve.topics().getStats(TOPIC));
        assertForbidden(() -> eve.topics().getList("acme/orders"));
        assertForbidden(() -> eve.brokers().healthcheck());
        assertForbidden(() -> alice.namespaces().createNamespace("public/alices"));
        assertForbidden(() -> bob.topics().resetCursor(TOPIC, "carol", 0L));
        // a consumer's role may read the topic's stats: past the role check to the answer that it holds nothing yet
        assertEquals(404, assertThrows(MagnetarAdminException.class,
            () -> admin("carol").topics().getStats(TOPIC)).statusCode());
        assertEquals(Map.of("bob", Set.of("produce"), "carol", Set.of("consume")),
            alice.topics().getPermissions(TOPIC), "effective: the namespace's grants and the topic's");

        // the broker's own role cannot be claimed with a token of the operator's key
        try (MagnetarAdmin impostor = admin("magnetar-admin"))
        {
            final MagnetarAdminException ex = assertThrows(MagnetarAdminException.class,
                () -> impostor.tenants().getTenants());
            assertEquals(401, ex.statusCode(), ex.getMessage());
            assertTrue(ex.getMessage().contains("reserved"), ex.getMessage());
        }

        assertEquals(Set.of("acme", "public", "pulsar"), Set.copyOf(admin("admin").tenants().getTenants()));
        assertEquals(Map.of("bob", Set.of("produce")), alice.namespaces().getPermissions("acme/orders"));

        assertFalse(broker.metadata().snapshot().namespaces().contains("acme/evil"), "nothing written");
        assertEquals(List.of("acme/orders"), alice.namespaces().getNamespaces("acme"));
        eve.clusters().getClusters(); // any authenticated role reads the clusters, as Pulsar's

        // readiness and metrics answer without a token, as Pulsar's
        final HttpClient http = HttpClient.newHttpClient();
        for (final String path : List.of("/admin/v2/brokers/ready", "/metrics"))
        {
            assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode(), path);
        }

        // a revoked grant is gone for the next producer
        alice.namespaces().revokePermissionsOnNamespace("acme/orders", "bob");
        try (MagnetarClient client = client("bob"))
        {
            assertRefused(() -> client.newProducer().topic(TOPIC).create(), "is not allowed to");
        }
        assertThrows(MagnetarAdminException.class,
            () -> alice.namespaces().grantPermissionOnNamespace("acme/orders", "bob", Set.of("fly")));
    }

    private MagnetarClient client(final String role) throws Exception
    {
        return MagnetarClient.builder().serviceUrl(broker.serviceUrl()).termLength(1024 * 1024)
            .authToken(token(role)).build();
    }

    private MagnetarAdmin admin(final String role) throws Exception
    {
        return MagnetarAdmin.builder().serviceHttpUrl(server.url()).authToken(token(role)).build();
    }

    private String token(final String role) throws Exception
    {
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
            .subject(role).expirationTime(new Date(System.currentTimeMillis() + 3_600_000)).build());
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    private static void assertRefused(final Executable call, final String reason)
    {
        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, call);
        assertEquals(MagnetarClientException.ErrorCode.AUTHORIZATION_ERROR, ex.errorCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains(reason), ex.getMessage());
    }

    private static void assertForbidden(final Executable call)
    {
        final MagnetarAdminException ex = assertThrows(MagnetarAdminException.class, call);
        assertEquals(403, ex.statusCode(), ex.getMessage());
        assertTrue(ex.getMessage().contains("is not allowed to"), ex.getMessage());
    }
}
