package io.magnetar.client;

import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reading the broker's policies document into the client's typed {@link NamespacePolicies}.
 */
class NamespacePoliciesJsonTest
{
    private static final String SET = "{\"namespace\":\"acme/orders\",\"policies\":{\"durability\":\"fsync\"," +
        "\"retentionTimeMs\":7200000,\"retentionSizeBytes\":-1,\"messageTtlMs\":600000," +
        "\"backlogQuotaLimitBytes\":10995116277760,\"backlogQuotaPolicy\":\"producer_request_hold\"," +
        "\"deduplicationEnabled\":true,\"maxProducersPerTopic\":4,\"maxConsumersPerTopic\":0," +
        "\"maxConsumersPerSubscription\":2},\"explicit\":[\"durability\",\"retentionTimeMs\",\"messageTtlMs\"," +
        "\"backlogQuotaLimitBytes\",\"backlogQuotaPolicy\",\"deduplicationEnabled\",\"maxProducersPerTopic\"," +
        "\"maxConsumersPerTopic\",\"maxConsumersPerSubscription\"],\"shard\":1}";

    @Test
    void shouldReadEveryPolicyAndWhichAreExplicit()
    {
        final NamespacePolicies policies = NamespacePolicies.fromJson(SET);

        assertEquals("acme/orders", policies.getNamespace());
        assertEquals(Durability.FSYNC, policies.getDurability());
        assertEquals(7_200_000, policies.getRetentionTimeMs());
        assertEquals(-1, policies.getRetentionSizeBytes());
        assertEquals(600_000, policies.getMessageTtlMs());
        assertEquals(10L * 1024 * 1024 * 1024 * 1024, policies.getBacklogQuotaLimitBytes());
        assertEquals(BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD, policies.getBacklogQuotaPolicy());
        assertTrue(policies.isDeduplicationEnabled());
        assertEquals(4, policies.getMaxProducersPerTopic());
        assertEquals(0, policies.getMaxConsumersPerTopic());
        assertEquals(2, policies.getMaxConsumersPerSubscription());
        assertEquals(EnumSet.complementOf(EnumSet.of(NamespacePolicies.Policy.RETENTION_SIZE_BYTES)),
            policies.getExplicitPolicies());
        assertTrue(policies.isExplicit(NamespacePolicies.Policy.DURABILITY));
        assertFalse(policies.isExplicit(NamespacePolicies.Policy.RETENTION_SIZE_BYTES));
        assertThrows(UnsupportedOperationException.class, () -> policies.getExplicitPolicies().clear());
        assertEquals(1, policies.getShard());
    }

    @Test
    void shouldReadTheBrokersDefaultsWithNothingExplicit()
    {
        final NamespacePolicies policies = NamespacePolicies.fromJson("{\"namespace\":\"public/default\"," +
            "\"policies\":{\"durability\":\"archived\",\"retentionTimeMs\":-1,\"retentionSizeBytes\":-1," +
            "\"messageTtlMs\":-1,\"backlogQuotaLimitBytes\":-1,\"backlogQuotaPolicy\":\"producer_exception\"}," +
            "\"explicit\":[]}");

        assertEquals(new NamespacePolicies("public/default", Durability.ARCHIVED, -1, -1, -1, -1,
            BacklogQuotaPolicy.PRODUCER_EXCEPTION, false, Set.of()), policies);
        assertEquals(Set.of(), policies.getExplicitPolicies());
        assertEquals(-1, policies.getShard(), "no shard in the document");
    }

    @Test
    void shouldSkipExplicitNamesItDoesNotKnow()
    {
        final NamespacePolicies policies = NamespacePolicies.fromJson(
            SET.replace("\"explicit\":[\"durability\"", "\"explicit\":[\"replicationClusters\",\"durability\""));

        assertEquals(NamespacePolicies.fromJson(SET), policies);
    }

    @Test
    void shouldCompareByValue()
    {
        final NamespacePolicies policies = NamespacePolicies.fromJson(SET);

        assertEquals(policies, NamespacePolicies.fromJson(SET));
        assertEquals(policies.hashCode(), NamespacePolicies.fromJson(SET).hashCode());
        assertNotEquals(policies, NamespacePolicies.fromJson(SET.replace("\"fsync\"", "\"memory\"")));
        assertNotEquals(policies, NamespacePolicies.fromJson(SET.replace("acme/orders", "acme/audit")));
        assertEquals(policies, NamespacePolicies.fromJson(SET.replace("\"shard\":1", "\"shard\":2")),
            "the same policies, whichever shard answered");
        assertTrue(policies.toString().contains("durability=fsync"), policies.toString());
    }

    @Test
    void shouldRefuseDocumentsItCannotRead()
    {
        assertRefused(null, "not a JSON object");
        assertRefused("", "not a JSON object");
        assertRefused("{", "not JSON");
        assertRefused("[]", "not a JSON object");
        assertRefused("{\"namespace\":\"a/b\"}", "lack the namespace or the policies");
        assertRefused(SET.replace("\"namespace\":\"acme/orders\",", ""), "lack the namespace or the policies");
        assertRefused(SET.replace("\"fsync\"", "\"disk\""), "durability must be one of");
        assertRefused(SET.replace("\"producer_request_hold\"", "7"), "backlogQuotaPolicy is not a name");
        assertRefused(SET.replace("7200000", "\"2h\""), "retentionTimeMs is not a whole number");
        assertRefused(SET.replace("600000", "1.5"), "messageTtlMs is not a whole number");
        assertRefused(SET.replace(",\"retentionSizeBytes\":-1", ""), "retentionSizeBytes is not a whole number");
        assertRefused(SET.replace("\"explicit\":[", "\"explicit\":{\"x\":[").replace("],", "]},"),
            "explicit is not an array");
        assertRefused(SET.replace("\"shard\":1", "\"shard\":\"one\""), "shard is not a shard number");
        assertRefused(SET.replace("\"shard\":1", "\"shard\":1.5"), "shard is not a shard number");
    }

    private static void assertRefused(final String json, final String expected)
    {
        final IllegalArgumentException ex =
            assertThrows(IllegalArgumentException.class, () -> NamespacePolicies.fromJson(json), json);
        assertTrue(ex.getMessage().contains(expected), ex.getMessage());
    }
}
