package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class TopicDeadlinesTest
{
    private static final int MESSAGE_TTL_MS = 3;
    private static final long CHECK_INTERVAL_MS = 1000;

    private final ShardFixtures fixtures = new ShardFixtures();
    private final TopicDeadlines deadlines = new TopicDeadlines(CHECK_INTERVAL_MS);

    @Test
    void givesDueTopicsInDeadlineOrderAndOnlyOnce()
    {
        final Topic late = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        final Topic early = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        deadlines.schedule(late, 300);
        deadlines.schedule(early, 100);

        assertNull(deadlines.pollDue(99), "nothing is due before the earliest deadline");
        assertSame(early, deadlines.pollDue(300));
        assertEquals(TopicDeadlines.NONE, early.sweepDeadlineMs);
        assertSame(late, deadlines.pollDue(300));
        assertNull(deadlines.pollDue(Long.MAX_VALUE - 1));
        assertEquals(0, deadlines.size());
    }

    @Test
    void anEarlierDeadlineReplacesALaterOneAndALaterOneIsIgnored()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        deadlines.schedule(topic, 500);
        deadlines.schedule(topic, 200);
        deadlines.schedule(topic, 900);

        assertEquals(1, deadlines.size());
        assertEquals(200, topic.sweepDeadlineMs);
        assertSame(topic, deadlines.pollDue(200));
        assertNull(deadlines.pollDue(1000), "the replaced deadline is gone");
    }

    @Test
    void aStoredEntryBringsTheTtlAndQuotaChecksForwardOnlyWithSubscriptions()
    {
        final NamespacePolicies policies = ShardFixtures.policies("public/default");
        policies.set(MESSAGE_TTL_MS, 60_000);
        final Topic topic = fixtures.persistentTopic(policies);
        deadlines.now(1_000);

        deadlines.onEntryVisible(topic);
        assertEquals(0, deadlines.size(), "no subscription: nothing can expire");

        topic.addSubscription(1, "a", 0);
        deadlines.onEntryVisible(topic);
        assertEquals(61_000, topic.sweepDeadlineMs);

        deadlines.now(2_000);
        deadlines.onEntryVisible(topic);
        assertEquals(61_000, topic.sweepDeadlineMs, "later entries expire later: the first entry's deadline stays");
        assertEquals(1, deadlines.size());
    }

    @Test
    void aTopicWithoutTtlOrEvictionGetsNoDeadline()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        topic.addSubscription(1, "a", 0);
        deadlines.now(1_000);

        deadlines.onEntryVisible(topic);

        assertEquals(0, deadlines.size());
        assertEquals(TopicDeadlines.NONE, topic.sweepDeadlineMs);
    }
}
