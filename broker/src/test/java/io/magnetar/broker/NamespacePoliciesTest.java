package io.magnetar.broker;

import io.magnetar.broker.metadata.TenantInfo;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.BacklogQuotaPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.Durability;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MagnetarClientException.ErrorCode;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.NamespacePolicies;
import io.magnetar.client.NamespacePolicyUpdate;
import io.magnetar.client.Namespaces;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicInternalStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Namespaces and their policies: created and set through the client, stored by every shard, kept across restarts,
 * and applied per namespace: retention, message TTL, backlog quotas (including producer_request_hold) and the
 * durability level (memory, archived, fsync).
 */
@Timeout(120)
class NamespacePoliciesTest
{
    private static final int SEGMENT = 1024 * 1024;

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
        assertTrue(harness.errors.isEmpty(), harness.errors.toString());
    }

    private void createTenant(final String tenant) throws Exception
    {
        harness.broker.metadata().createTenant(tenant, new TenantInfo(null, List.of("standalone")));
    }

    private MagnetarClient client() throws MagnetarClientException
    {
        return harness.newClient();
    }

    @Test
    void shouldCreateNamespacesAndKeepTheirPoliciesAcrossRestarts() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.shardCount = 3;
        harness.start();

        try (MagnetarClient client = client())
        {
            final Namespaces namespaces = client.admin().namespaces();
            final MagnetarClientException unknown = assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic("persistent://acme/orders/t").create());
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND, unknown.errorCode(), unknown.getMessage());
            assertThrows(MagnetarClientException.class, () -> namespaces.setMessageTtl("acme/orders", 1000));

            final MagnetarClientException noTenant =
                assertThrows(MagnetarClientException.class, () -> namespaces.listNamespaces("acme"));
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND, noTenant.errorCode(), noTenant.getMessage());
            assertTrue(noTenant.getMessage().contains("tenant 'acme' does not exist"), noTenant.getMessage());
            final MagnetarClientException tenantMissing =
                assertThrows(MagnetarClientException.class, () -> namespaces.createNamespace("acme/orders"));
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND, tenantMissing.errorCode(), tenantMissing.getMessage());
            assertTrue(tenantMissing.getMessage().contains("tenant acme does not exist"), tenantMissing.getMessage());
            createTenant("acme");
            assertEquals(List.of(), namespaces.listNamespaces("acme"));
            final NamespacePolicies created = namespaces.createNamespace("acme/orders");
            namespaces.createNamespace("acme/audit");
            assertEquals(List.of("acme/audit", "acme/orders"), namespaces.listNamespaces("acme"));
            assertEquals(List.of("public/default"), namespaces.listNamespaces("public"));
            assertThrows(MagnetarClientException.class, () -> namespaces.listNamespaces("bad tenant"));
            assertEquals("acme/orders", created.getNamespace());
            assertEquals(Set.of(), created.getExplicitPolicies(), created.toString());
            final MagnetarClientException exists =
                assertThrows(MagnetarClientException.class, () -> namespaces.createNamespace("acme/orders"));
            assertTrue(exists.getMessage().contains("already exists"), exists.getMessage());
            assertThrows(MagnetarClientException.class, () -> namespaces.createNamespace("acme/bad name"));

            final NamespacePolicies set = namespaces.updatePolicies("acme/orders", new NamespacePolicyUpdate()
                .retentionTime(TimeUnit.HOURS.toMillis(2))
                .messageTtl(TimeUnit.MINUTES.toMillis(10))
                .backlogQuota(10 * 1024 * 1024, BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD)
                .durability(Durability.FSYNC));
            assertEquals(Durability.FSYNC, set.getDurability(), set.toString());
            assertEquals(7_200_000, set.getRetentionTimeMs());
            assertEquals(-1, set.getRetentionSizeBytes(), "inherited from the broker");
            assertTrue(set.isExplicit(NamespacePolicies.Policy.RETENTION_TIME_MS));
            assertFalse(set.isExplicit(NamespacePolicies.Policy.RETENTION_SIZE_BYTES));

            // a later change keeps the other fields
            final NamespacePolicies removed = namespaces.removeMessageTtl("acme/orders");
            assertFalse(removed.isExplicit(NamespacePolicies.Policy.MESSAGE_TTL_MS), removed.toString());
            assertEquals(Durability.FSYNC, removed.getDurability());

            // the typed setters, one policy each; every one returns the policies after it
            assertEquals(Durability.MEMORY, namespaces.setDurability("acme/audit", Durability.MEMORY).getDurability());
            assertEquals(Durability.ARCHIVED, namespaces.removeDurability("acme/audit").getDurability());
            final NamespacePolicies retained = namespaces.setRetention("acme/audit", 60_000, 4096);
            assertEquals(60_000, retained.getRetentionTimeMs());
            assertEquals(4096, retained.getRetentionSizeBytes());
            assertEquals(-1, namespaces.removeRetention("acme/audit").getRetentionTimeMs());
            assertEquals(30_000, namespaces.setMessageTtl("acme/audit", 30_000).getMessageTtlMs());
            final NamespacePolicies quota =
                namespaces.setBacklogQuota("acme/audit", 1024, BacklogQuotaPolicy.CONSUMER_BACKLOG_EVICTION);
            assertEquals(1024, quota.getBacklogQuotaLimitBytes());
            assertEquals(BacklogQuotaPolicy.CONSUMER_BACKLOG_EVICTION, quota.getBacklogQuotaPolicy());
            final NamespacePolicies audit = namespaces.removeBacklogQuota("acme/audit");
            assertEquals(
                Set.of(NamespacePolicies.Policy.MESSAGE_TTL_MS), audit.getExplicitPolicies(), audit.toString());
            assertEquals(audit, namespaces.getPolicies("acme/audit"));
            assertThrows(MagnetarClientException.class, () -> namespaces.setMessageTtl("acme/audit", -2));

            try (Producer producer = client.newProducer().topic("persistent://acme/orders/t").create())
            {
                producer.send("stored".getBytes());
            }
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = client())
        {
            final Namespaces namespaces = client.admin().namespaces();
            assertEquals(List.of("acme/audit", "acme/orders"), namespaces.listNamespaces("acme"));
            final NamespacePolicies policies = namespaces.getPolicies("acme/orders");
            assertEquals(Durability.FSYNC, policies.getDurability(), policies.toString());
            assertEquals(7_200_000, policies.getRetentionTimeMs());
            assertEquals(-1, policies.getMessageTtlMs());
            assertEquals(10 * 1024 * 1024, policies.getBacklogQuotaLimitBytes());
            assertEquals(BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD, policies.getBacklogQuotaPolicy());

            // the namespace still exists, with its data
            try (Consumer consumer = client.newConsumer().topic("persistent://acme/orders/t").subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                assertEquals("stored", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
            final MagnetarClientException missing =
                assertThrows(MagnetarClientException.class, () -> namespaces.getPolicies("acme/nothing"));
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND, missing.errorCode());
        }
    }

    @Test
    void shouldDeleteANamespaceForGoodAndCreateItAgainAfresh() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.shardCount = 2;
        harness.start();
        createTenant("acme");
        try (MagnetarClient client = client())
        {
            final Namespaces namespaces = client.admin().namespaces();
            namespaces.createNamespace("acme/temp");
            namespaces.setMessageTtl("acme/temp", 60_000);
            namespaces.deleteNamespace("acme/temp");
            assertEquals(List.of(), namespaces.listNamespaces("acme"));
            final MagnetarClientException gone = assertThrows(MagnetarClientException.class,
                () -> client.newProducer().topic("persistent://acme/temp/t").create());
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND, gone.errorCode(), gone.getMessage());
            assertEquals(ErrorCode.NAMESPACE_NOT_FOUND,
                assertThrows(MagnetarClientException.class, () -> namespaces.deleteNamespace("acme/temp")).errorCode());
            assertEquals(ErrorCode.INVALID_ARGUMENT, assertThrows(MagnetarClientException.class,
                () -> namespaces.deleteNamespace("public/default")).errorCode());
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = client())
        {
            final Namespaces namespaces = client.admin().namespaces();
            assertEquals(List.of(), namespaces.listNamespaces("acme"), "deleted for good, whatever the shards hold");
            namespaces.createNamespace("acme/temp");
            assertEquals(-1, namespaces.getPolicies("acme/temp").getMessageTtlMs(), "created again afresh");
            assertEquals(Set.of(), namespaces.getPolicies("acme/temp").getExplicitPolicies());
        }
    }

    @Test
    void shouldApplyMessageTtlOnlyInItsNamespace() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.start();

        final String expiring = "persistent://acme/ttl/t";
        final String kept = "persistent://public/default/kept";
        try (MagnetarClient client = client())
        {
            createTenant("acme");
            client.admin().namespaces().createNamespace("acme/ttl");
            client.admin().namespaces().setMessageTtl("acme/ttl", 300);
            // durable subscriptions with nobody connected: the messages wait in their backlogs
            client.newConsumer().topic(expiring).subscriptionName("s").subscribe().close();
            client.newConsumer().topic(kept).subscriptionName("s").subscribe().close();
            try (Producer expiringProducer = client.newProducer().topic(expiring).create();
                Producer keptProducer = client.newProducer().topic(kept).create())
            {
                for (int i = 0; i < 10; i++)
                {
                    expiringProducer.send(("e" + i).getBytes());
                    keptProducer.send(("k" + i).getBytes());
                }
            }

            awaitBacklog(client, expiring, 0);
            // a message of the TTL namespace sent after the kept ones expires only in a TTL check that came once
            // the kept ones were older than the TTL: then they would have expired too
            final String later = "persistent://acme/ttl/later";
            client.newConsumer().topic(later).subscriptionName("s").subscribe().close();
            try (Producer laterProducer = client.newProducer().topic(later).create())
            {
                laterProducer.send("l".getBytes());
            }
            awaitBacklog(client, later, 0);
            assertEquals(10, backlog(client, kept), "the default namespace has no TTL");
            try (Consumer expiringConsumer = client.newConsumer().topic(expiring).subscriptionName("s").subscribe();
                Consumer keptConsumer = client.newConsumer().topic(kept).subscriptionName("s").subscribe())
            {
                assertEquals("k0", keptConsumer.receive(10, TimeUnit.SECONDS).getValue());
                assertNull(expiringConsumer.receive(500, TimeUnit.MILLISECONDS), "expired messages are not delivered");
            }
        }
    }

    @Test
    void shouldReclaimByTheRetentionOfTheNamespace() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.segmentFileLength = SEGMENT;
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.start();

        final String scratch = "persistent://acme/scratch/t";
        final String kept = "persistent://public/default/kept";
        final byte[] payload = new byte[1000];
        try (MagnetarClient client = client())
        {
            createTenant("acme");
            client.admin().namespaces().createNamespace("acme/scratch");
            client.admin().namespaces().setRetention("acme/scratch", 0, 0);
            final long bytesBefore;
            try (Producer producer = client.newProducer().topic(scratch).create())
            {
                for (int i = 0; i < 6000; i++)
                {
                    producer.sendAsync(payload);
                }
                producer.flush();
            }
            try (Producer producer = client.newProducer().topic(kept).create())
            {
                producer.send("kept".getBytes());
            }
            bytesBefore = 6000L * payload.length;

            // scratch has no subscription and keeps nothing; the default namespace keeps everything, which here
            // starts after scratch's segments: the shard log (recording 0) shrinks to the segment holding it
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            long bytesAfter;
            while ((bytesAfter = shardLogBytes()) > 2 * SEGMENT)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    fail("shard log bytes did not go down: " + bytesAfter + " " +
                        java.util.Arrays.toString(new File(dataDir, "archive").list()));
                }
                Thread.sleep(50);
            }
            System.out.println("namespace retention: " + bytesBefore + " bytes written, shard log files on disk " +
                bytesAfter + " bytes");

            try (Consumer consumer = client.newConsumer().topic(kept).subscriptionName("late")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                assertEquals("kept", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
            final TopicInternalStats stats = client.admin().topics().statsInternal(kept);
            assertEquals(1, stats.getEntries(), stats.toString());
        }
    }

    @Test
    void shouldHoldProducersUntilTheBacklogFallsOrTheHoldTimesOut() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.retention = new RetentionPolicy(-1, -1, -1, 50);
        harness.holdTimeoutMs = 1500;
        harness.start();

        final String topic = "persistent://acme/held/t";
        final byte[] payload = new byte[1000];
        try (MagnetarClient client = client())
        {
            createTenant("acme");
            client.admin().namespaces().createNamespace("acme/held");
            client.admin().namespaces()
                .setBacklogQuota("acme/held", 25 * 1024, BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD);
            try (Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .ackReceiptEnabled(true).subscribe();
                Producer producer = client.newProducer().topic(topic).create())
            {
                for (int i = 0; i < 20; i++)
                {
                    producer.send(payload);
                }

                // the quota is reached within the next ten: those after it are held, not refused
                final List<CompletableFuture<MessageId>> sends = new ArrayList<>();
                for (int i = 0; i < 10; i++)
                {
                    sends.add(producer.sendAsync(payload));
                }
                // each send is stored or held once the broker has it; the last is held
                harness.awaitCounters(30, BrokerCounters.MESSAGES_IN_TYPE_ID, BrokerCounters.HELD_SENDS_TYPE_ID);
                assertFalse(sends.get(sends.size() - 1).isDone(), "held while the backlog is over the quota");

                // the consumer catches up: the held messages are stored, in order
                int received = 0;
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (received < 30)
                {
                    assertTrue(System.nanoTime() < deadlineNs, "received " + received);
                    final Message message = consumer.receive(1, TimeUnit.SECONDS);
                    if (null != message)
                    {
                        consumer.acknowledge(message);
                        received++;
                    }
                }
                MessageId previous = null;
                for (final CompletableFuture<MessageId> future : sends)
                {
                    final MessageId id = future.get(10, TimeUnit.SECONDS);
                    assertTrue(null == previous || previous.compareTo(id) < 0, previous + " then " + id);
                    previous = id;
                }

                // over the quota again with nobody acking: held, then refused once the hold times out
                for (int i = 0; i < 30; i++)
                {
                    producer.sendAsync(payload);
                }
                final CompletableFuture<MessageId> refused = producer.sendAsync(payload);
                final ExecutionException ex =
                    assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
                assertTrue(ex.getCause() instanceof MagnetarClientException, ex.toString());
                assertEquals(ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
                    ((MagnetarClientException)ex.getCause()).errorCode(), ex.getCause().getMessage());
                assertTrue(ex.getCause().getMessage().contains("hold timeout"), ex.getCause().getMessage());
            }
        }
    }

    @Test
    void shouldSyncOnlyForFsyncNamespaces() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.start();

        final String fast = "persistent://public/default/fast";
        final String safe = "persistent://acme/safe/t";
        try (MagnetarClient client = client())
        {
            createTenant("acme");
            client.admin().namespaces().createNamespace("acme/safe");
            client.admin().namespaces().setDurability("acme/safe", Durability.FSYNC);
            final long syncsAtStart = harness.broker.counters().logSyncs.get();
            try (Producer producer = client.newProducer().topic(fast).create())
            {
                for (int i = 0; i < 100; i++)
                {
                    producer.send("fast".getBytes());
                }
            }
            assertEquals(syncsAtStart, harness.broker.counters().logSyncs.get(),
                "archived namespaces never wait for a sync");

            try (Producer producer = client.newProducer().topic(safe).create();
                Consumer consumer = client.newConsumer().topic(safe).subscriptionName("s")
                    .ackReceiptEnabled(true).subscribe())
            {
                for (int i = 0; i < 100; i++)
                {
                    producer.send(("safe-" + i).getBytes());
                }
                final long syncs = harness.broker.counters().logSyncs.get() - syncsAtStart;
                assertTrue(syncs > 0, "receipts of an fsync namespace wait for a sync");
                for (int i = 0; i < 100; i++)
                {
                    final Message message = consumer.receive(10, TimeUnit.SECONDS);
                    assertEquals("safe-" + i, message.getValue());
                    consumer.acknowledge(message);
                }
            }

            final TopicInternalStats stats = client.admin().topics().statsInternal(safe);
            assertEquals(Durability.FSYNC, stats.getDurability(), stats.toString());
        }
    }

    @Test
    void shouldServeTopicsOfAMemoryNamespaceWithoutStoringThem() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.start();

        final String topic = "persistent://acme/volatile/t";
        try (MagnetarClient client = client())
        {
            createTenant("acme");
            client.admin().namespaces().createNamespace("acme/volatile");
            client.admin().namespaces().setDurability("acme/volatile", Durability.MEMORY);
            try (Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe();
                Producer producer = client.newProducer().topic(topic).create())
            {
                producer.send("live".getBytes());
                assertEquals("live", consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
            final TopicInternalStats stats = client.admin().topics().statsInternal(topic);
            assertFalse(stats.isPersistent(), stats.toString());
            assertEquals(Durability.MEMORY, stats.getDurability());
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = client();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            assertNull(consumer.receive(500, TimeUnit.MILLISECONDS), "nothing of a memory namespace is stored");
        }
    }

    private static long backlog(final MagnetarClient client, final String topic) throws Exception
    {
        return client.admin().topics().statsInternal(topic).getCursors().get("s").getBacklog();
    }

    private static void awaitBacklog(final MagnetarClient client, final String topic, final long expected)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long backlog;
        while ((backlog = backlog(client, topic)) != expected)
        {
            if (System.nanoTime() > deadlineNs)
            {
                fail("backlog of " + topic + " is " + backlog + ", not " + expected);
            }
            Thread.sleep(50);
        }
    }

    private long shardLogBytes()
    {
        long bytes = 0;
        final File[] files = new File(dataDir, "archive").listFiles((dir, name) -> name.startsWith("0-"));
        assertNotNull(files);
        for (final File file : files)
        {
            bytes += file.length();
        }

        return bytes;
    }
}
