package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LogReclaimerTest
{
    private static final int RETENTION_TIME_MS = 1;
    private static final int RETENTION_SIZE_BYTES = 2;

    private final ShardFixtures fixtures = new ShardFixtures();

    @Test
    void theFloorIsTheFirstEntryASubscriptionHasNotAcknowledged()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(RETENTION_TIME_MS, 0);
        policies.set(RETENTION_SIZE_BYTES, 0);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription slow = topic.addSubscription(1, "slow", 0);
        final TopicSubscription fast = topic.addSubscription(2, "fast", 0);
        for (int i = 0; i < 10; i++)
        {
            fast.cursor.ack(ShardFixtures.messageId(i));
        }
        for (int i = 0; i < 3; i++)
        {
            slow.cursor.ack(ShardFixtures.messageId(i));
        }

        assertEquals(ShardFixtures.messageId(3), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 100));
        assertEquals(
            500, LogReclaimer.reclaimablePosition(List.of(topic), 500, 100), "never past the durable position");
    }

    @Test
    void retentionKeepsAcknowledgedEntriesByTimeAndBySize()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 200);
        final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
        for (int i = 0; i < 200; i++)
        {
            subscription.cursor.ack(ShardFixtures.messageId(i));
        }

        assertEquals(ShardFixtures.messageId(0), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 200),
            "both limits -1: everything is kept");

        policies.set(RETENTION_SIZE_BYTES, 4 * ShardFixtures.ENTRY_BYTES);
        assertEquals(ShardFixtures.messageId(196), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 200),
            "the newest 4 entries' bytes are kept");

        policies.set(RETENTION_SIZE_BYTES, NamespacePolicies.INHERIT);
        policies.set(RETENTION_TIME_MS, 100);
        // entries are published at 1..200 ms; at 200 ms a 100 ms retention keeps from the time index's block of
        // 64 entries that reaches 100 ms: the second block
        assertEquals(ShardFixtures.messageId(64), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 200));
    }

    @Test
    void movedEntriesCountWhereTheyAreNow()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(RETENTION_TIME_MS, 0);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
        for (int i = 0; i < 10; i++)
        {
            if (1 != i)
            {
                subscription.cursor.ack(ShardFixtures.messageId(i));
            }
        }
        assertEquals(ShardFixtures.messageId(1), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 100));

        topic.relocate(ShardFixtures.messageId(1), 50_000);
        assertEquals(ShardFixtures.messageId(2), LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 100),
            "the moved entry no longer pins its old place: the next entry does");
        topic.relocate(ShardFixtures.messageId(1), 1_500);
        assertEquals(1_500, LogReclaimer.reclaimablePosition(List.of(topic), 1_000_000, 100),
            "where the moved entry is now is needed");
    }

    @Test
    void reclaimedEntriesLeaveTheIndexButNeededOnesStay()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(RETENTION_TIME_MS, 0);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
        for (int i = 0; i < 6; i++)
        {
            subscription.cursor.ack(ShardFixtures.messageId(i));
        }

        assertEquals(6, topic.removeReclaimedEntries(ShardFixtures.messageId(8), 100),
            "entries 6.. are unacknowledged: only 0..5 go although the log starts at entry 8");
        assertEquals(6, topic.index.firstOrdinal());
        assertEquals(4, subscription.cursor.backlog());
        assertEquals(6, subscription.readOrdinal);
    }
}
