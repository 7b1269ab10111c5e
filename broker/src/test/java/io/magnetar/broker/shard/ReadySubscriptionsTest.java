package io.magnetar.broker.shard;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReadySubscriptionsTest
{
    private final ShardFixtures fixtures = new ShardFixtures();
    private final ReadySubscriptions ready = new ReadySubscriptions(() -> Long.MAX_VALUE);
    private final List<String> visits = new ArrayList<>();
    private boolean backPressured;
    private final Dispatcher dispatcher = (subscription, durablePosition, budget) ->
    {
        visits.add(subscription.name);
        if (backPressured)
        {
            return 0;
        }
        int delivered = 0;
        while (delivered < budget && subscription.consumer.permits > 0 &&
            subscription.readOrdinal < subscription.topic.durableEntries)
        {
            subscription.readOrdinal++;
            subscription.consumer.permits--;
            delivered++;
        }
        return delivered;
    };

    private TopicSubscription subscriptionWithConsumer(final Topic topic, final String name, final long permits)
    {
        final TopicSubscription subscription = topic.addSubscription(topic.subscriptions.size() + 1, name, 0);
        subscription.consumer = new ShardConsumer(1, subscription, fixtures.session());
        subscription.consumer.permits = permits;
        subscription.dispatcher = dispatcher;
        return subscription;
    }

    @Test
    void onlyMarkedSubscriptionsAreVisitedAndTheyLeaveWhenCaughtUp()
    {
        final List<TopicSubscription> idle = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
            ShardFixtures.addEntries(topic, 1);
            idle.add(subscriptionWithConsumer(topic, "idle-" + i, 0));
        }
        final Topic live = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        ShardFixtures.addEntries(live, 3);
        final TopicSubscription subscription = subscriptionWithConsumer(live, "live", 10);

        assertEquals(0, ready.dispatch());
        assertEquals(List.of(), visits, "nothing changed: nothing is visited, however many subscriptions exist");

        ready.markReady(subscription);
        assertEquals(3, ready.dispatch());
        assertEquals(List.of("live"), visits);
        assertEquals(0, ready.dispatch(), "caught up: it leaves the set without being dispatched again");
        assertEquals(0, ready.size());
        assertEquals(1, visits.size());

        ShardFixtures.addEntries(live, 1);
        ready.onEntryVisible(live);
        assertEquals(1, ready.dispatch());
        assertEquals(List.of("live", "live"), visits);
    }

    @Test
    void aSubscriptionWithoutPermitsOrConsumerLeavesAndPermitsBringItBack()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        ShardFixtures.addEntries(topic, 5);
        final TopicSubscription subscription = subscriptionWithConsumer(topic, "s", 2);
        ready.markReady(subscription);

        assertEquals(2, ready.dispatch());
        assertEquals(0, ready.dispatch());
        assertEquals(0, ready.size(), "no permits: out of the set");

        ready.onEntryVisible(topic);
        assertEquals(0, ready.dispatch(), "new entries without permits deliver nothing");
        assertEquals(1, visits.size());

        subscription.consumer.permits = 10;
        ready.markReady(subscription);
        assertEquals(3, ready.dispatch());

        ShardFixtures.addEntries(topic, 1);
        ready.onEntryVisible(topic);
        subscription.consumer = null;
        assertEquals(0, ready.dispatch(), "a detached consumer is dropped from the set");
        assertEquals(0, ready.size());
    }

    @Test
    void backPressureKeepsASubscriptionInTheSetAndMarkingTwiceAddsItOnce()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        ShardFixtures.addEntries(topic, 5);
        final TopicSubscription subscription = subscriptionWithConsumer(topic, "s", 10);
        ready.markReady(subscription);
        ready.markReady(subscription);
        ready.onEntryVisible(topic);
        assertEquals(1, ready.size());

        backPressured = true;
        assertEquals(0, ready.dispatch());
        assertEquals(0, ready.dispatch());
        assertEquals(1, ready.size(), "still has work: visited again");
        assertEquals(2, visits.size());

        backPressured = false;
        assertEquals(5, ready.dispatch());
    }
}
