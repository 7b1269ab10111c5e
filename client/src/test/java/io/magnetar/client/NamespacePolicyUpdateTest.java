package io.magnetar.client;

import io.magnetar.codecs.PolicyField;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NamespacePolicyUpdateTest
{
    @Test
    void shouldStartEmpty()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate();

        assertTrue(update.isEmpty());
        assertTrue(update.values().isEmpty());
        assertFalse(update.retentionTime(1).isEmpty());
    }

    @Test
    void shouldEncodeDurability()
    {
        assertEquals(Map.of(PolicyField.DURABILITY, 0L),
            new NamespacePolicyUpdate().durability(Durability.MEMORY).values());
        assertEquals(Map.of(PolicyField.DURABILITY, 1L),
            new NamespacePolicyUpdate().durability(Durability.ARCHIVED).values());
        assertEquals(Map.of(PolicyField.DURABILITY, 2L),
            new NamespacePolicyUpdate().durability(Durability.FSYNC).values());
    }

    @Test
    void shouldParseDurabilityInAnyCase()
    {
        assertEquals(Durability.MEMORY, Durability.parse("memory"));
        assertEquals(Durability.ARCHIVED, Durability.parse("Archived"));
        assertEquals(Durability.FSYNC, Durability.parse(" FSYNC "));
        for (final Durability durability : Durability.values())
        {
            assertEquals(durability, Durability.parse(durability.text()));
        }
    }

    @Test
    void shouldRejectUnknownDurability()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate();

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> Durability.parse("disk"));
        assertTrue(ex.getMessage().contains("durability must be one of memory, archived, fsync"), ex.getMessage());
        assertTrue(ex.getMessage().contains("'disk'"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durability.parse(null));
        assertThrows(IllegalArgumentException.class, () -> Durability.parse(""));
        assertThrows(IllegalArgumentException.class, () -> update.durability(null));
        assertTrue(update.isEmpty());
    }

    @Test
    void shouldAcceptMinusOneAndZeroAndRejectLess()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate()
            .retentionTime(NamespacePolicyUpdate.UNLIMITED)
            .retentionSize(0)
            .messageTtl(NamespacePolicyUpdate.OFF);

        assertEquals(
            Map.of(PolicyField.RETENTION_TIME_MS, -1L, PolicyField.RETENTION_SIZE_BYTES, 0L,
                PolicyField.MESSAGE_TTL_MS, -1L),
            update.values());

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> update.retentionTime(-2));
        assertTrue(ex.getMessage().contains("retention time"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> update.retentionSize(-2));
        assertThrows(IllegalArgumentException.class, () -> update.messageTtl(Long.MIN_VALUE));
        assertThrows(
            IllegalArgumentException.class, () -> update.backlogQuota(-2, BacklogQuotaPolicy.PRODUCER_EXCEPTION));
        assertEquals(3, update.values().size());
    }

    @Test
    void shouldSetBacklogQuotaLimitAndPolicy()
    {
        assertEquals(
            Map.of(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, 10_485_760L, PolicyField.BACKLOG_QUOTA_POLICY, 0L),
            new NamespacePolicyUpdate()
                .backlogQuota(10_485_760, BacklogQuotaPolicy.PRODUCER_REQUEST_HOLD).values());
        assertEquals(
            Map.of(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, -1L, PolicyField.BACKLOG_QUOTA_POLICY, 1L),
            new NamespacePolicyUpdate().backlogQuota(-1, BacklogQuotaPolicy.parse("Producer_Exception")).values());
        assertEquals(
            Map.of(PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, 0L, PolicyField.BACKLOG_QUOTA_POLICY, 2L),
            new NamespacePolicyUpdate().backlogQuota(0, BacklogQuotaPolicy.CONSUMER_BACKLOG_EVICTION).values());
    }

    @Test
    void shouldRejectUnknownBacklogQuotaPolicyWithoutChangingTheLimit()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate();

        final IllegalArgumentException ex = assertThrows(
            IllegalArgumentException.class, () -> BacklogQuotaPolicy.parse("reject"));
        assertTrue(ex.getMessage().contains("backlog quota policy must be one of producer_request_hold"),
            ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> update.backlogQuota(1024, null));
        assertThrows(
            IllegalArgumentException.class, () -> update.backlogQuota(-2, BacklogQuotaPolicy.PRODUCER_EXCEPTION));
        assertTrue(update.isEmpty());
    }

    @Test
    void shouldRemoveWithMinusTwo()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate()
            .removeDurability()
            .removeRetention()
            .removeMessageTtl()
            .removeBacklogQuota();

        assertEquals(List.of(PolicyField.DURABILITY, PolicyField.RETENTION_TIME_MS, PolicyField.RETENTION_SIZE_BYTES,
            PolicyField.MESSAGE_TTL_MS, PolicyField.BACKLOG_QUOTA_LIMIT_BYTES, PolicyField.BACKLOG_QUOTA_POLICY),
            List.copyOf(update.values().keySet()));
        for (final long value : update.values().values())
        {
            assertEquals(NamespacePolicyUpdate.REMOVE, value);
        }
    }

    @Test
    void shouldLetTheLastCallForAPolicyWin()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate()
            .retentionTime(3_600_000)
            .removeRetention()
            .retentionSize(1024);

        assertEquals(Map.of(PolicyField.RETENTION_TIME_MS, -2L, PolicyField.RETENTION_SIZE_BYTES, 1024L),
            update.values());
    }

    @Test
    void shouldNotLetCallersChangeTheValues()
    {
        final NamespacePolicyUpdate update = new NamespacePolicyUpdate().messageTtl(1000);

        assertThrows(UnsupportedOperationException.class, () -> update.values().clear());
    }

    @Test
    void shouldRecogniseNamespaceNames()
    {
        assertTrue(Protocol.isNamespaceName("public/default"));
        assertTrue(Protocol.isNamespaceName("t/n"));
        assertFalse(Protocol.isNamespaceName(null));
        assertFalse(Protocol.isNamespaceName(""));
        assertFalse(Protocol.isNamespaceName("public"));
        assertFalse(Protocol.isNamespaceName("/default"));
        assertFalse(Protocol.isNamespaceName("public/"));
        assertFalse(Protocol.isNamespaceName("/"));
        assertFalse(Protocol.isNamespaceName("public/default/topic"));
        assertFalse(Protocol.isNamespaceName("persistent://public/default"));
    }
}
