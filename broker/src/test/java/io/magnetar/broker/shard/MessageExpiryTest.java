package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageExpiryTest
{
    private static final int MESSAGE_TTL_MS = 3;

    private final ShardFixtures fixtures = new ShardFixtures();
    private final List<Long> reads = new ArrayList<>();
    private final MessageExpiry expiry = new MessageExpiry(new PublishTimeReader(null)
    {
        long publishTimeOf(final Topic topic, final long messageId, final long durablePosition)
        {
            reads.add(messageId);
            return messageId / 1000; // ShardFixtures publishes entry n (message id n * 1000) at n ms
        }
    }, 1000);

    @Test
    void acknowledgesEntriesOlderThanTheTtlForEverySubscription()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(MESSAGE_TTL_MS, 100);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription a = topic.addSubscription(1, "a", 0);
        final TopicSubscription b = topic.addSubscription(2, "b", 0);
        b.cursor.ack(ShardFixtures.messageId(0));

        // at 105 ms entries published before 5 ms (1..4) have expired
        final int expired = expiry.expire(topic, this::ack, 105, Long.MAX_VALUE, 1000);

        assertEquals(4 + 3, expired);
        assertTrue(expiry.isComplete());
        assertEquals(4, a.cursor.firstUnackedOrdinal());
        assertEquals(4, b.cursor.firstUnackedOrdinal());
        assertEquals(4, a.readOrdinal);
        assertEquals(5 + 100 + 1, expiry.nextExpiryMs(), "the next entry, published at 5 ms, expires after 105 ms");

        reads.clear();
        assertEquals(0, expiry.expire(topic, this::ack, 105, Long.MAX_VALUE, 1000));
        assertEquals(List.of(), reads, "the oldest unacknowledged entry's time is kept: an idle pass reads nothing");
    }

    @Test
    void aBudgetStopsThePassAndTheNextCallGoesOn()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(MESSAGE_TTL_MS, 0);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription a = topic.addSubscription(1, "a", 0);

        assertEquals(4, expiry.expire(topic, this::ack, 1000, Long.MAX_VALUE, 4));
        assertFalse(expiry.isComplete());
        assertEquals(4, a.cursor.firstUnackedOrdinal());
        assertEquals(6, expiry.expire(topic, this::ack, 1000, Long.MAX_VALUE, 100));
        assertTrue(expiry.isComplete());
    }

    @Test
    void aTopicWithoutTtlIsNotRead()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        ShardFixtures.addEntries(topic, 10);
        topic.addSubscription(1, "a", 0);

        assertEquals(0, expiry.expire(topic, this::ack, Long.MAX_VALUE, Long.MAX_VALUE, 1000));
        assertEquals(List.of(), reads);
        assertEquals(TopicDeadlines.NONE, expiry.nextExpiryMs());
    }

    @Test
    void stopsWhenTheCursorLogIsBackPressured()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(MESSAGE_TTL_MS, 0);
        final Topic topic = fixtures.persistentTopic(policies);
        ShardFixtures.addEntries(topic, 10);
        final TopicSubscription a = topic.addSubscription(1, "a", 0);

        assertEquals(0, expiry.expire(topic, (s, p) -> false, 1000, Long.MAX_VALUE, 1000));
        assertFalse(expiry.isComplete(), "the topic is visited again");
        assertEquals(0, a.cursor.firstUnackedOrdinal(), "nothing recorded, nothing applied");
    }

    private boolean ack(final TopicSubscription subscription, final long position)
    {
        return subscription.cursor.ack(position);
    }
}
