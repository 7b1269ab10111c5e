package io.magnetar.client;

import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.NamespaceListEncoder;
import io.magnetar.codecs.NamespacePoliciesEncoder;
import io.magnetar.codecs.PolicyField;
import io.magnetar.codecs.StatsInternalResponseEncoder;
import io.magnetar.codecs.SuccessEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The admin client's requests and their bookkeeping, without a media driver: a fake ingress records each request and
 * answers it at once through the egress adapter, on the test thread, which stands in for the conductor thread.
 */
class AdminClientTest
{
    private static final long TIMEOUT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final String POLICIES = "{\"namespace\":\"acme/orders\",\"policies\":{\"durability\":\"fsync\"," +
        "\"retentionTimeMs\":60000,\"retentionSizeBytes\":4096,\"messageTtlMs\":-1,\"backlogQuotaLimitBytes\":-1," +
        "\"backlogQuotaPolicy\":\"producer_exception\"},\"explicit\":[\"durability\",\"retentionTimeMs\"," +
        "\"retentionSizeBytes\"]}";

    private final List<Throwable> errors = new ArrayList<>();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final FakeIngress ingress = new FakeIngress();
    private SessionLiveness liveness;
    private ClientConductor conductor;
    private EgressAdapter adapter;
    private RequestTracker requests;
    private int brokerProtocolVersion = Protocol.PROTOCOL_VERSION;

    @BeforeEach
    void setUp()
    {
        createClient(TIMEOUT_NS);
    }

    @Test
    void shouldGetTypedPolicies() throws MagnetarClientException
    {
        ingress.answer = correlationId -> onNamespacePolicies(correlationId, 2, 4, POLICIES);

        final NamespacePolicies policies = admin().namespaces().getPolicies("acme/orders");

        assertEquals(List.of("get acme/orders"), ingress.requests);
        assertEquals(NamespacePolicies.fromJson(POLICIES), policies);
        assertEquals(Durability.FSYNC, policies.getDurability());
        assertNoErrors();
    }

    @Test
    void shouldSetWithTheTypedSettersAndWaitForEveryShard() throws MagnetarClientException
    {
        ingress.answer = correlationId ->
        {
            onNamespacePolicies(correlationId, 1, 3, POLICIES.replace("fsync", "memory"));
            onNamespacePolicies(correlationId, 0, 3, POLICIES);
            onNamespacePolicies(correlationId, 2, 3, POLICIES.replace("fsync", "memory"));
        };
        final Namespaces namespaces = admin().namespaces();

        assertEquals(Durability.FSYNC, namespaces.setRetention("acme/orders", 60_000, 4096).getDurability(),
            "the answer of the lowest shard");
        namespaces.setMessageTtl("acme/orders", 600_000);
        namespaces.setBacklogQuota("acme/orders", 1024, BacklogQuotaPolicy.CONSUMER_BACKLOG_EVICTION);
        namespaces.setDurability("acme/orders", Durability.MEMORY);
        namespaces.removeRetention("acme/orders");
        namespaces.removeMessageTtl("acme/orders");
        namespaces.removeBacklogQuota("acme/orders");
        namespaces.removeDurability("acme/orders");
        namespaces.createNamespace("acme/audit");

        final long remove = WireEnums.REMOVE;
        assertEquals(List.of(
            Map.of(PolicyField.RETENTION_TIME_MS, 60_000L, PolicyField.RETENTION_SIZE_BYTES, 4096L),
            Map.of(PolicyField.MESSAGE_TTL_MS, 600_000L),
            Map.of(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, 1024L, PolicyField.BACKLOG_QUOTA_POLICY, 2L),
            Map.of(PolicyField.DURABILITY, 0L),
            Map.of(PolicyField.RETENTION_TIME_MS, remove, PolicyField.RETENTION_SIZE_BYTES, remove),
            Map.of(PolicyField.MESSAGE_TTL_MS, remove),
            Map.of(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, remove, PolicyField.BACKLOG_QUOTA_POLICY, remove),
            Map.of(PolicyField.DURABILITY, remove),
            Map.of()),
            ingress.updates);
        assertEquals("set acme/audit", ingress.requests.get(ingress.requests.size() - 1));
        assertNoErrors();
    }

    @Test
    void shouldRefuseBadInputBeforeSendingAnything()
    {
        final Namespaces namespaces = admin().namespaces();

        assertRefused(() -> namespaces.getPolicies("public"), "namespace must be tenant/namespace");
        assertRefused(() -> namespaces.createNamespace("a/b/c"), "namespace must be tenant/namespace");
        assertRefused(() -> namespaces.setRetention("a/b", -2, 0), "retention time must be -1");
        assertRefused(() -> namespaces.setMessageTtl("a/b", -3), "message TTL must be -1");
        assertRefused(() -> namespaces.setBacklogQuota("a/b", 10, null), "backlog quota policy is null");
        assertRefused(() -> namespaces.setDurability("a/b", null), "durability is null");
        assertRefused(
            () -> namespaces.updatePolicies("a/b", new NamespacePolicyUpdate()), "the policy update is empty");
        assertRefused(() -> namespaces.listNamespaces("a/b"), "tenant must be a name without '/'");
        assertRefused(() -> admin().topics().statsInternal(" "), "topic is not set");
        assertRefused(() -> admin().topics().resetCursor("t", null, 0), "topic and subscription must be set");

        brokerProtocolVersion = 2;
        assertRefused(() -> namespaces.getPolicies("a/b"), "(protocol version 2) does not support namespace policies");
        brokerProtocolVersion = 1;
        assertRefused(() -> admin().topics().statsInternal("t"), "does not support stats-internal");

        assertEquals(List.of(), ingress.requests);
        assertNoErrors();
    }

    @Test
    void shouldForgetARequestWhoseOfferFailed()
    {
        final MagnetarClientException offerFailure = new MagnetarClientException.TimeoutException("back pressured");
        ingress.offerFailure = offerFailure;

        final MagnetarClientException ex = assertThrows(
            MagnetarClientException.class, () -> admin().namespaces().listNamespaces("acme"));
        assertSame(offerFailure, ex);

        // a late answer finds no request: it is reported, not routed
        onError(ingress.lastCorrelationId, io.magnetar.codecs.ErrorCode.INVALID_ARGUMENT, "late");
        assertEquals(1, errors.size(), errors.toString());
        assertTrue(errors.get(0).getMessage().contains("for request " + ingress.lastCorrelationId),
            errors.get(0).getMessage());
    }

    @Test
    void shouldSayHowManyShardsAnsweredWhenASetTimesOut()
    {
        createClient(TimeUnit.MILLISECONDS.toNanos(50));
        ingress.answer = correlationId -> onNamespacePolicies(correlationId, 0, 3, POLICIES);

        final MagnetarClientException ex = assertThrows(MagnetarClientException.TimeoutException.class,
            () -> admin().namespaces().setMessageTtl("acme/orders", 1000));

        assertTrue(ex.getMessage().contains("1 of 3 topic shards answered"), ex.getMessage());
        assertTrue(ex.getMessage().contains("partly updated"), ex.getMessage());
    }

    @Test
    void shouldTimeOutWithoutAnAnswer()
    {
        createClient(TimeUnit.MILLISECONDS.toNanos(50));

        final MagnetarClientException ex = assertThrows(MagnetarClientException.TimeoutException.class,
            () -> admin().namespaces().getPolicies("acme/orders"));

        assertTrue(ex.getMessage().contains("no answer from the broker within 50 ms"), ex.getMessage());
    }

    @Test
    void shouldGiveTheBrokersRefusalWithTheClientsErrorCode()
    {
        ingress.answer = correlationId ->
            onError(correlationId, io.magnetar.codecs.ErrorCode.NAMESPACE_NOT_FOUND, "namespace acme/x not found");

        final MagnetarClientException ex = assertThrows(
            MagnetarClientException.class, () -> admin().namespaces().getPolicies("acme/x"));

        assertEquals(MagnetarClientException.ErrorCode.NAMESPACE_NOT_FOUND, ex.errorCode());
        assertTrue(ex.getMessage().contains("NAMESPACE_NOT_FOUND: namespace acme/x not found"), ex.getMessage());
        assertNoErrors();
    }

    @Test
    void shouldFailOnAnAnswerItCannotRead()
    {
        ingress.answer = correlationId -> onNamespacePolicies(correlationId, 0, 1, "{\"namespace\":\"acme/orders\"}");

        final MagnetarClientException ex = assertThrows(
            MagnetarClientException.class, () -> admin().namespaces().getPolicies("acme/orders"));

        assertTrue(ex.getMessage().contains("the broker's answer could not be read"), ex.getMessage());
        assertInstanceOf(IllegalArgumentException.class, ex.getCause());
    }

    @Test
    void shouldListNamespaces() throws MagnetarClientException
    {
        ingress.answer = correlationId -> onNamespaceList(correlationId, "acme/audit\nacme/orders");
        assertEquals(List.of("acme/audit", "acme/orders"), admin().namespaces().listNamespaces("acme"));

        ingress.answer = correlationId -> onNamespaceList(correlationId, "");
        assertEquals(List.of(), admin().namespaces().listNamespaces("empty"));

        assertEquals(List.of("list acme", "list empty"), ingress.requests);
        assertNoErrors();
    }

    @Test
    void shouldGetStatsAndResetCursorsByFullTopicName() throws MagnetarClientException
    {
        ingress.answer = correlationId ->
            onStatsInternal(correlationId, "{\"topic\":\"persistent://public/default/demo\",\"entries\":3}");
        final TopicInternalStats stats = admin().topics().statsInternal("demo");
        assertEquals(3, stats.getEntries());

        ingress.answer = this::onSuccess;
        admin().topics().resetCursor("demo", "s1", 1234);

        assertEquals(List.of("stats persistent://public/default/demo",
            "reset persistent://public/default/demo s1 1234"), ingress.requests);
        assertNoErrors();
    }

    @Test
    void shouldRefuseOnceClosedOrDisconnected()
    {
        requests.markClosed();
        assertRefused(() -> admin().namespaces().getPolicies("acme/orders"), "the client is closed");

        createClient(TIMEOUT_NS);
        liveness.onEstablished(null);
        liveness.onConnectionLost("test");
        assertThrows(MagnetarClientException.ConnectionLostException.class,
            () -> admin().namespaces().getPolicies("acme/orders"));
        assertEquals(List.of(), ingress.requests);
    }

    private AdminClient admin()
    {
        return new AdminClient(requests, ingress, () -> brokerProtocolVersion);
    }

    private void createClient(final long operationTimeoutNs)
    {
        errors.clear();
        liveness = new SessionLiveness(errors::add, "magnetar://localhost:6650", TimeUnit.SECONDS.toNanos(2));
        conductor = new ClientConductor(errors::add, liveness);
        adapter = new EgressAdapter(null, conductor);
        requests = new RequestTracker(conductor, operationTimeoutNs);
    }

    private void assertNoErrors()
    {
        assertEquals(0, adapter.unknownFrameCount());
        assertEquals(List.of(), errors);
    }

    private static void assertRefused(final AdminCall call, final String expected)
    {
        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, call::run);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }

    private void onNamespacePolicies(
        final long correlationId, final int shard, final int shardCount, final String json)
    {
        final NamespacePoliciesEncoder encoder = new NamespacePoliciesEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .shardCount(shardCount)
            .json(json);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void onNamespaceList(final long correlationId, final String namespaces)
    {
        final NamespaceListEncoder encoder = new NamespaceListEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .namespaces(namespaces);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void onStatsInternal(final long correlationId, final String json)
    {
        final StatsInternalResponseEncoder encoder = new StatsInternalResponseEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .json(json);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void onSuccess(final long correlationId)
    {
        final SuccessEncoder encoder = new SuccessEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void onError(final long correlationId, final io.magnetar.codecs.ErrorCode code, final String message)
    {
        final ErrorEncoder encoder = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    @FunctionalInterface
    private interface AdminCall
    {
        void run() throws MagnetarClientException;
    }

    /**
     * Records each request, then fails the offer or answers it at once.
     */
    private static final class FakeIngress implements AdminIngress
    {
        final List<String> requests = new ArrayList<>();
        final List<Map<PolicyField, Long>> updates = new ArrayList<>();
        LongConsumer answer = correlationId -> {};
        MagnetarClientException offerFailure;
        long lastCorrelationId;

        public void resetCursor(
            final long correlationId,
            final String topic,
            final String subscription,
            final long publishTime,
            final MessageId messageId,
            final long deadlineNs) throws MagnetarClientException
        {
            offer(correlationId, "reset " + topic + " " + subscription + " " + publishTime);
        }

        public void deleteSubscription(
            final long correlationId,
            final String topic,
            final String subscription,
            final boolean force,
            final long deadlineNs) throws MagnetarClientException
        {
            offer(correlationId, "delete " + topic + " " + subscription + " " + force);
        }

        public void statsInternal(final long correlationId, final String topic, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "stats " + topic);
        }

        public void deleteNamespace(final long correlationId, final String namespace, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "delete namespace " + namespace);
        }

        public void topicStats(final long correlationId, final String topic, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "topic stats " + topic);
        }

        public void shardStats(
            final long correlationId, final int shard, final long fromLocalId, final int maxTopics,
            final boolean resetLatency, final long deadlineNs) throws MagnetarClientException
        {
            offer(correlationId, "shard stats " + shard + " " + fromLocalId + " " + maxTopics);
        }

        public void setNamespacePolicies(
            final long correlationId, final String namespace, final NamespacePolicyUpdate update, final long deadlineNs)
            throws MagnetarClientException
        {
            updates.add(Map.copyOf(update.values()));
            offer(correlationId, "set " + namespace);
        }

        public void getNamespacePolicies(final long correlationId, final String namespace, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "get " + namespace);
        }

        public void getTopicsOfNamespace(final long correlationId, final String namespace, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "topics " + namespace);
        }

        public void listNamespaces(final long correlationId, final String tenant, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "list " + tenant);
        }

        public void partitionedTopic(
            final long correlationId, final boolean create, final String topic, final int partitions,
            final long deadlineNs) throws MagnetarClientException
        {
            offer(correlationId, (create ? "create " : "update ") + topic + " " + partitions);
        }

        public void partitionedTopicMetadata(final long correlationId, final String topic, final long deadlineNs)
            throws MagnetarClientException
        {
            offer(correlationId, "partitions " + topic);
        }

        private void offer(final long correlationId, final String request) throws MagnetarClientException
        {
            lastCorrelationId = correlationId;
            if (null != offerFailure)
            {
                throw offerFailure;
            }
            requests.add(request);
            answer.accept(correlationId);
        }
    }
}
