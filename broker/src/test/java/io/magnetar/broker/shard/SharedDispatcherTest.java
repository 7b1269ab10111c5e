package io.magnetar.broker.shard;

import io.magnetar.codecs.SubscriptionType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared and failover subscriptions on the shard's rooms, without a media driver: round-robin within permits,
 * redelivery of what a leaving consumer held, back pressure, the type rules and failover's choice.
 */
class SharedDispatcherTest
{
    private static final int OLD_CLIENT = 7; // told nothing of active changes: no proxy needed

    private final ShardFixtures fixtures = new ShardFixtures();
    private final List<String> delivered = new ArrayList<>();
    private ShardConsumer refusing;
    private final SharedDispatcher dispatcher = new SharedDispatcher(this::deliver);
    private final ReadySubscriptions ready = new ReadySubscriptions(() -> Long.MAX_VALUE);
    private final ConsumerAttachments attachments =
        new ConsumerAttachments(null, ready, new ExclusiveDispatcher(this::deliver), dispatcher, null, () -> 0L);
    private final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
    private final TopicSubscription subscription = topic.addSubscription(1, "s", 0);

    private int deliver(
        final ShardConsumer to,
        final Topic from,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        if (to == refusing)
        {
            return ClientProxy.OFFER_RETRY;
        }
        delivered.add(to.consumerId + ":" + messageId + (redeliveryCount > 0 ? "r" + redeliveryCount : ""));
        return ClientProxy.OFFER_OK;
    }

    private ShardConsumer attach(final long id, final SubscriptionType type, final String name, final int level)
    {
        final ShardConsumer consumer =
            new ShardConsumer(id, id, subscription, fixtures.session(OLD_CLIENT), name, level);
        assertNull(ConsumerAttachments.refusal(subscription, type));
        attachments.attach(consumer, type);
        return consumer;
    }

    @Test
    void goesRoundTheConsumersWithPermits()
    {
        ShardFixtures.addEntries(topic, 7);
        final ShardConsumer a = attach(1, SubscriptionType.SHARED, "a", 0);
        final ShardConsumer b = attach(2, SubscriptionType.SHARED, "b", 0);
        a.permits = 2;
        b.permits = 10;

        assertEquals(7, ready.dispatch());
        assertEquals(List.of("1:1000", "2:2000", "1:3000", "2:4000", "2:5000", "2:6000", "2:7000"), delivered);
        assertEquals(0, a.permits);
        assertEquals(5, b.permits);
        assertEquals(7, subscription.shared.unackedCount());
        assertEquals(2, subscription.shared.unackedCount(a));
    }

    @Test
    void redeliversWhatALeavingConsumerHeldToTheOthersFirstWithItsCount()
    {
        ShardFixtures.addEntries(topic, 4);
        final ShardConsumer a = attach(1, SubscriptionType.SHARED, "a", 0);
        final ShardConsumer b = attach(2, SubscriptionType.SHARED, "b", 0);
        a.permits = 10;
        b.permits = 10;
        assertEquals(4, ready.dispatch());
        assertEquals(List.of("1:1000", "2:2000", "1:3000", "2:4000"), delivered);

        // b acknowledged 2000; a acknowledged 1000 and leaves holding 3000
        ack(1);
        ack(0);
        attachments.detach(a);
        ShardFixtures.addEntries(topic, 1);
        ready.onEntryVisible(topic);
        delivered.clear();

        assertEquals(2, ready.dispatch());
        assertEquals(List.of("2:3000r1", "2:5000"), delivered, "the held entry first, counted");
        assertFalse(subscription.hasRedelivery());
    }

    @Test
    void keepsWhatTheLastConsumerHeldForTheNext()
    {
        ShardFixtures.addEntries(topic, 3);
        final ShardConsumer a = attach(1, SubscriptionType.SHARED, "a", 0);
        a.permits = 2;
        assertEquals(2, ready.dispatch());
        attachments.detach(a);
        assertNull(subscription.type, "no consumers: the next may choose another type");
        assertNull(subscription.dispatcher);
        delivered.clear();

        final ShardConsumer b = attach(2, SubscriptionType.SHARED, "b", 0);
        b.permits = 10;
        assertEquals(3, ready.dispatch());
        assertEquals(List.of("2:1000r1", "2:2000r1", "2:3000"), delivered);
    }

    @Test
    void passesOverAConsumerThatCannotTakeMore()
    {
        ShardFixtures.addEntries(topic, 4);
        final ShardConsumer a = attach(1, SubscriptionType.SHARED, "a", 0);
        final ShardConsumer b = attach(2, SubscriptionType.SHARED, "b", 0);
        a.permits = 10;
        b.permits = 10;
        refusing = a;

        assertEquals(4, ready.dispatch());
        assertEquals(List.of("2:1000", "2:2000", "2:3000", "2:4000"), delivered);
        assertEquals(10, a.permits, "a refused entry takes no permit");

        refusing = b;
        ShardFixtures.addEntries(topic, 1);
        ready.onEntryVisible(topic);
        b.permits = 10;
        a.permits = 0;
        assertEquals(0, ready.dispatch(), "nobody can take it: it waits");
        assertEquals(4, subscription.readOrdinal);
    }

    @Test
    void refusesAnotherTypeOrASecondExclusiveConsumerWhileConsumersAreAttached()
    {
        final ShardConsumer a = attach(1, SubscriptionType.SHARED, "a", 0);
        assertTrue(ConsumerAttachments.refusal(subscription, SubscriptionType.FAILOVER).contains("SHARED"));
        assertTrue(ConsumerAttachments.refusal(subscription, SubscriptionType.EXCLUSIVE).contains("SHARED"));
        assertNull(ConsumerAttachments.refusal(subscription, SubscriptionType.SHARED));
        attachments.detach(a);

        attach(2, SubscriptionType.EXCLUSIVE, "b", 0);
        assertTrue(ConsumerAttachments.refusal(subscription, SubscriptionType.EXCLUSIVE).contains("already has"));
        assertTrue(ConsumerAttachments.refusal(subscription, SubscriptionType.SHARED).contains("EXCLUSIVE"));
    }

    @Test
    void failoverChoosesTheLowestLevelThenTheFirstNameAndTakesOverFromTheFirstUnacknowledged()
    {
        ShardFixtures.addEntries(topic, 4);
        final ShardConsumer c = attach(3, SubscriptionType.FAILOVER, "c", 0);
        final ShardConsumer b = attach(2, SubscriptionType.FAILOVER, "b", 0);
        final ShardConsumer a = attach(1, SubscriptionType.FAILOVER, "a", 1);
        assertSame(b, subscription.consumer, "level 0 before 1, then by name");
        a.permits = 10;
        b.permits = 10;
        c.permits = 10;

        assertEquals(4, ready.dispatch());
        assertEquals(List.of("2:1000", "2:2000", "2:3000", "2:4000"), delivered);
        ack(0);
        delivered.clear();

        attachments.detach(b);
        assertSame(c, subscription.consumer);
        assertEquals(3, ready.dispatch(), "the new active consumer gets what was not acknowledged");
        assertEquals(List.of("3:2000", "3:3000", "3:4000"), delivered);
        assertFalse(a.permits < 10, "an inactive consumer receives nothing");
    }

    @Test
    void failoverSpreadsPartitionsOverTheConsumersOfTheLowestLevel()
    {
        final Topic partition = new Topic(99, io.magnetar.broker.policy.TopicName.parse(
            "persistent://public/default/orders-partition-5"), true, ShardFixtures.policies("public/default"));
        final TopicSubscription onPartition = partition.addSubscription(1, "s", 0);
        final ShardConsumer[] consumers = new ShardConsumer[3];
        for (int i = 0; i < 3; i++)
        {
            consumers[i] = new ShardConsumer(i, i, onPartition, fixtures.session(OLD_CLIENT), "c" + (2 - i), 0);
            attachments.attach(consumers[i], SubscriptionType.FAILOVER);
        }

        // by name: c0 (consumers[2]), c1, c2; partition 5 of 3 consumers is the one at rank 2
        assertSame(consumers[0], onPartition.consumer);
        attachments.detach(consumers[1]);
        assertSame(consumers[0], onPartition.consumer, "5 mod 2 is rank 1: c2 still");
        assertEquals(5, partition.name.partitionIndex());
        assertEquals(-1, topic.name.partitionIndex());
    }

    private void ack(final long ordinal)
    {
        subscription.cursor.ack(topic.index.position(ordinal));
        subscription.onAcked(ordinal);
    }
}
