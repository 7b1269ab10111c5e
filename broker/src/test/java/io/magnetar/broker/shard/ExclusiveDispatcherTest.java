package io.magnetar.broker.shard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExclusiveDispatcherTest
{
    private final ShardFixtures fixtures = new ShardFixtures();
    private final List<Long> delivered = new ArrayList<>();
    private int nextResult = ClientProxy.OFFER_OK;
    private final ExclusiveDispatcher dispatcher = new ExclusiveDispatcher(this::deliver);
    private final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
    private final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
    private final ShardConsumer consumer = new ShardConsumer(5, subscription, fixtures.session());

    private int deliver(
        final ShardConsumer to,
        final Topic from,
        final long messageId,
        final long durablePosition,
        final int redeliveryCount)
    {
        assertEquals(0, redeliveryCount);
        assertEquals(consumer, to);
        assertEquals(topic, from);
        if (ClientProxy.OFFER_OK == nextResult)
        {
            delivered.add(messageId);
        }
        return nextResult;
    }

    ExclusiveDispatcherTest()
    {
        subscription.consumer = consumer;
    }

    @Test
    void deliversStoredEntriesInOrderWithinPermitsAndBudget()
    {
        ShardFixtures.addEntries(topic, 10);
        consumer.permits = 4;

        assertEquals(4, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(List.of(1000L, 2000L, 3000L, 4000L), delivered);
        assertEquals(0, consumer.permits);

        consumer.permits = 100;
        assertEquals(3, dispatcher.dispatch(subscription, Long.MAX_VALUE, 3), "the budget bounds one call");
        assertEquals(3, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(10, delivered.size());
        assertEquals(0, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256), "nothing beyond the durable entries");
    }

    @Test
    void skipsAcknowledgedEntriesAndWaitsForDurability()
    {
        ShardFixtures.addEntries(topic, 5);
        subscription.cursor.ack(ShardFixtures.messageId(1));
        subscription.cursor.ack(ShardFixtures.messageId(2));
        topic.durableEntries = 4;
        consumer.permits = 10;

        assertEquals(2, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(List.of(1000L, 4000L), delivered);
        assertEquals(8, consumer.permits);
        assertEquals(4, subscription.readOrdinal);
    }

    @Test
    void backPressureKeepsTheEntryForTheNextCallAndAGoneConsumerStops()
    {
        ShardFixtures.addEntries(topic, 3);
        consumer.permits = 10;
        nextResult = ClientProxy.OFFER_RETRY;

        assertEquals(0, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(0, subscription.readOrdinal);
        assertEquals(10, consumer.permits);

        nextResult = ClientProxy.OFFER_GONE;
        assertEquals(1, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(1, subscription.readOrdinal);

        nextResult = ClientProxy.OFFER_OK;
        assertEquals(2, dispatcher.dispatch(subscription, Long.MAX_VALUE, 256));
        assertEquals(List.of(2000L, 3000L), delivered);
    }
}
