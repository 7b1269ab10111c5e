package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.ConsumerEventListener;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shared and failover subscriptions through a real broker (media driver and archive): consumers of a shared
 * subscription split a stream, what a leaving one held goes to the others with its redelivery count, and it survives a
 * broker restart; only failover's active consumer receives, and another takes over when it leaves; types do not mix.
 */
@Timeout(90)
class SubscriptionTypesTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/types";

    @Test
    void sharedConsumersSplitAStreamAndALeavingConsumersMessagesGoToTheOthers() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer a = shared(client, "a");
            Consumer b = shared(client, "b"))
        {
            for (int i = 0; i < 2000; i++)
            {
                producer.sendAsync(payload(i));
            }
            producer.flush();

            final Map<String, Integer> byConsumer = new HashMap<>();
            final Set<String> received = new HashSet<>();
            receiveAll(List.of(a, b), 2000, received, byConsumer, true);
            assertEquals(2000, received.size());
            assertTrue(byConsumer.get("a") > 0 && byConsumer.get("b") > 0, "both received: " + byConsumer);
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");

            // a takes messages and leaves without acknowledging them: b gets them, counted as redelivered
            for (int i = 2000; i < 2100; i++)
            {
                producer.send(payload(i));
            }
            final List<String> heldByA = new ArrayList<>();
            Message message;
            while (heldByA.size() < 5 && null != (message = a.receive(5, TimeUnit.SECONDS)))
            {
                heldByA.add(text(message));
            }
            assertEquals(5, heldByA.size());
            a.close();

            // a held what its application took and what waited in its receiver queue (10 permits ahead)
            final Set<String> afterLeave = new HashSet<>();
            final Set<String> redelivered = new HashSet<>();
            while (afterLeave.size() < 100)
            {
                message = b.receive(10, TimeUnit.SECONDS);
                assertTrue(null != message, "b stopped after " + afterLeave.size() + " of 100");
                assertTrue(afterLeave.add(text(message)), "twice: " + text(message));
                if (message.getRedeliveryCount() > 0)
                {
                    assertEquals(1, message.getRedeliveryCount(), text(message));
                    redelivered.add(text(message));
                }
                b.acknowledge(message);
            }
            assertTrue(redelivered.containsAll(heldByA), "what a took went to b, counted: " + redelivered);
            assertTrue(redelivered.size() <= heldByA.size() + 10, "no more than a held: " + redelivered);
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void sharedConsumersLoseNothingAcrossABrokerRestart() throws Exception
    {
        harness = new BrokerHarness(new File(dataDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer a = shared(client, "a");
            Consumer b = shared(client, "b"))
        {
            for (int i = 0; i < 300; i++)
            {
                producer.send(payload(i)); // each receipted: stored
            }
            final Set<String> received = new HashSet<>();
            final Map<String, Integer> byConsumer = new HashMap<>();
            receiveAll(List.of(a, b), 150, received, byConsumer, false);

            harness.stop();
            harness.start();
            for (int i = 300; i < 400; i++)
            {
                producer.send(payload(i));
            }

            receiveAll(List.of(a, b), 400, received, byConsumer, false);
            for (int i = 0; i < 400; i++)
            {
                assertTrue(received.contains("m" + i), "lost m" + i);
            }
        }
    }

    @Test
    void onlyTheActiveFailoverConsumerReceivesAndAnotherTakesOverWhenItLeaves() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final List<String> events = new CopyOnWriteArrayList<>();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer second = failover(client, "b", events);
            Consumer first = failover(client, "a", events))
        {
            awaitEvents(events, "b:active", "b:inactive", "a:active");
            for (int i = 0; i < 50; i++)
            {
                producer.send(payload(i));
            }
            for (int i = 0; i < 50; i++)
            {
                final Message message = first.receive(5, TimeUnit.SECONDS);
                assertEquals("m" + i, text(message), "in order, to the active one");
                if (i < 20)
                {
                    first.acknowledge(message);
                }
            }
            assertNull(second.receive(300, TimeUnit.MILLISECONDS), "the inactive consumer receives nothing");

            first.close();
            awaitEvents(events, "b:active", "b:inactive", "a:active", "b:active");
            for (int i = 20; i < 50; i++)
            {
                final Message message = second.receive(5, TimeUnit.SECONDS);
                assertEquals("m" + i, text(message), "what was not acknowledged, in order");
                second.acknowledge(message);
            }
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void refusesAConsumerOfAnotherTypeWhileConsumersAreAttached() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Consumer a = shared(client, "a"))
        {
            final MagnetarClientException refused = assertThrows(MagnetarClientException.class,
                () -> client.newConsumer().topic(TOPIC).subscriptionName("s")
                    .subscriptionType(SubscriptionType.FAILOVER).subscribe());
            assertEquals(MagnetarClientException.ErrorCode.CONSUMER_BUSY, refused.errorCode(), refused.getMessage());
            assertTrue(refused.getMessage().contains("SHARED"), refused.getMessage());
            assertThrows(MagnetarClientException.class, () -> client.newConsumer().topic(TOPIC)
                .subscriptionName("s").subscriptionType(SubscriptionType.KEY_SHARED).subscribe());

            a.close();
            // with no consumers left the subscription takes another type
            try (Producer producer = client.newProducer().topic(TOPIC).create();
                Consumer exclusive = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
            {
                producer.send(payload(1));
                assertEquals("m1", text(exclusive.receive(5, TimeUnit.SECONDS)));
            }
        }
    }

    @Test
    void sharedConsumersOfANonPersistentTopicTakeTurns() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "non-persistent://public/default/types";
        try (MagnetarClient client = harness.newClient();
            Consumer a = client.newConsumer().topic(topic).subscriptionName("s").consumerName("a")
                .subscriptionType(SubscriptionType.SHARED).subscribe();
            Consumer b = client.newConsumer().topic(topic).subscriptionName("s").consumerName("b")
                .subscriptionType(SubscriptionType.SHARED).subscribe();
            Producer producer = client.newProducer().topic(topic).create())
        {
            for (int i = 0; i < 100; i++)
            {
                producer.send(payload(i));
            }
            final Set<String> received = new HashSet<>();
            final Map<String, Integer> byConsumer = new HashMap<>();
            receiveAll(List.of(a, b), 100, received, byConsumer, true);
            assertEquals(50, byConsumer.get("a"), "in turn: " + byConsumer);
            assertEquals(50, byConsumer.get("b"), "in turn: " + byConsumer);
        }
    }

    private static Consumer shared(final MagnetarClient client, final String name) throws MagnetarClientException
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").consumerName(name)
            .subscriptionType(SubscriptionType.SHARED).subscriptionInitialPosition(InitialPosition.EARLIEST)
            .receiverQueueSize(10).subscribe();
    }

    private static Consumer failover(final MagnetarClient client, final String name, final List<String> events)
        throws MagnetarClientException
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").consumerName(name)
            .subscriptionType(SubscriptionType.FAILOVER).subscriptionInitialPosition(InitialPosition.EARLIEST)
            .consumerEventListener(new ConsumerEventListener()
            {
                public void becameActive(final Consumer consumer, final int partitionId)
                {
                    events.add(name + ":active");
                }

                public void becameInactive(final Consumer consumer, final int partitionId)
                {
                    events.add(name + ":inactive");
                }
            })
            .subscribe();
    }

    /**
     * Receive from the consumers in turn, acknowledging each message, until {@code total} distinct ones arrived.
     */
    private static void receiveAll(
        final List<Consumer> consumers,
        final int total,
        final Set<String> received,
        final Map<String, Integer> byConsumer,
        final boolean once) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (received.size() < total)
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "received " + received.size() + " of " + total);
            for (final Consumer consumer : consumers)
            {
                final Message message = consumer.receive(10, TimeUnit.MILLISECONDS);
                if (null != message)
                {
                    final boolean isNew = received.add(text(message));
                    assertTrue(isNew || !once, "twice: " + text(message));
                    byConsumer.merge(consumer.getConsumerName(), 1, Integer::sum);
                    consumer.acknowledge(message);
                }
            }
        }
    }

    private static void awaitEvents(final List<String> events, final String... expected) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!events.equals(List.of(expected)))
        {
            assertTrue(System.nanoTime() - deadlineNs < 0, "events " + events + ", expected " + List.of(expected));
            Thread.sleep(5);
        }
    }

    private static byte[] payload(final int i)
    {
        return ("m" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final Message message)
    {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }
}
