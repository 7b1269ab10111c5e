package io.magnetar.broker;

import io.magnetar.client.BatcherBuilder;
import io.magnetar.client.Consumer;
import io.magnetar.client.KeySharedPolicy;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.Range;
import io.magnetar.client.SubscriptionType;
import org.apache.commons.codec.digest.MurmurHash3;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Key_Shared subscriptions through a real broker (media driver and archive): keys split over the consumers and stay in
 * order per key while consumers join and leave and the broker restarts, with nothing lost and duplicates only where a
 * consumer left or the broker restarted; sticky ranges and their refusals; key-based batches.
 */
@Timeout(120)
class KeySharedTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/key-shared";
    private static final int KEYS = 16;
    private static final int MESSAGES = 2000;

    /** What the consumers saw: first receipts per key in order, duplicates counted. */
    private static final class Seen
    {
        final Map<String, Integer> lastSequenceByKey = new HashMap<>();
        final Set<String> received = new HashSet<>();
        final Map<String, Integer> byConsumer = new HashMap<>();
        int duplicates;
        boolean restarted;

        void onMessage(final String consumer, final Message message)
        {
            final String text = message.getValue();
            final String key = message.getKey();
            final int sequence = Integer.parseInt(text.substring(text.indexOf(':') + 1));
            if (!received.add(text))
            {
                assertTrue(restarted || message.getRedeliveryCount() > 0,
                    "a duplicate without a redelivery or restart: " + text);
                duplicates++;
                return;
            }
            byConsumer.merge(consumer, 1, Integer::sum);
            final Integer last = lastSequenceByKey.put(key, sequence);
            if (null != last && last > sequence)
            {
                fail("key " + key + ": " + text + " after sequence " + last + " (consumer " + consumer + ")");
            }
        }
    }

    @Test
    void keysStayInOrderAndNothingIsLostWhileConsumersJoinAndLeaveAndTheBrokerRestarts() throws Exception
    {
        harness = new BrokerHarness(new File(dataDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();
        final Seen seen = new Seen();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final Map<String, Consumer> consumers = new HashMap<>();
            consumers.put("a", keyShared(client, "a", null));
            for (int i = 0; i < MESSAGES; i++)
            {
                producer.newMessage().key("k" + (i % KEYS)).value(payload(i)).sendAsync();
            }
            producer.flush();

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            boolean joinedB = false;
            boolean joinedC = false;
            boolean leftA = false;
            while (seen.received.size() < MESSAGES)
            {
                assertTrue(System.nanoTime() < deadlineNs, "stopped at " + seen.received.size() + " of " + MESSAGES);
                for (final Map.Entry<String, Consumer> entry : new ArrayList<>(consumers.entrySet()))
                {
                    final Message message = entry.getValue().receive(5, TimeUnit.MILLISECONDS);
                    if (null != message)
                    {
                        seen.onMessage(entry.getKey(), message);
                        entry.getValue().acknowledge(message);
                    }
                }

                final int count = seen.received.size();
                if (!joinedB && count >= 300)
                {
                    joinedB = true;
                    consumers.put("b", keyShared(client, "b", null));
                }
                else if (!joinedC && count >= 700)
                {
                    joinedC = true;
                    consumers.put("c", keyShared(client, "c", null));
                }
                else if (!leftA && count >= 1000)
                {
                    leftA = true;
                    consumers.remove("a").close();
                }
                else if (!seen.restarted && count >= 1300)
                {
                    seen.restarted = true;
                    harness.stop();
                    harness.start(); // the client reconnects its producer and consumers by itself
                }
            }

            for (int i = 0; i < MESSAGES; i++)
            {
                assertTrue(seen.received.contains("k" + (i % KEYS) + ":" + i), "lost message " + i);
            }
            assertTrue(seen.byConsumer.getOrDefault("b", 0) > 0 && seen.byConsumer.getOrDefault("c", 0) > 0,
                "the joining consumers took keys: " + seen.byConsumer);
            for (final Consumer consumer : consumers.values())
            {
                consumer.close();
            }
        }
    }

    @Test
    void stickyConsumersGetTheirRangesAndOverlapsAndOtherModesAreRefused() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer low = keyShared(client, "low", KeySharedPolicy.stickyHashRange().ranges(Range.of(0, 32767)));
            Consumer high = keyShared(client, "high",
                KeySharedPolicy.stickyHashRange().ranges(Range.of(32768, 65535))))
        {
            final MagnetarClientException overlap = assertThrows(MagnetarClientException.class, () -> keyShared(
                client, "c", KeySharedPolicy.stickyHashRange().ranges(Range.of(100, 200))));
            assertEquals(MagnetarClientException.ErrorCode.CONSUMER_ASSIGN_ERROR, overlap.errorCode());
            assertTrue(overlap.getMessage().contains("overlaps [0, 32767] of consumer 'low'"), overlap.getMessage());
            final MagnetarClientException mode =
                assertThrows(MagnetarClientException.class, () -> keyShared(client, "d", null));
            assertEquals(MagnetarClientException.ErrorCode.CONSUMER_ASSIGN_ERROR, mode.errorCode());
            assertThrows(MagnetarClientException.class, () -> keyShared(client, "e",
                KeySharedPolicy.stickyHashRange().ranges(Range.of(1, 5), Range.of(5, 9))), "overlapping own ranges");

            for (int i = 0; i < 200; i++)
            {
                producer.newMessage().key("k" + (i % 40)).value(payload(i)).send();
            }
            int received = 0;
            for (final Consumer consumer : List.of(low, high))
            {
                Message message;
                while (null != (message = consumer.receive(500, TimeUnit.MILLISECONDS)))
                {
                    final boolean isLow = hash(message.getKey()) < 32768;
                    assertEquals(isLow, consumer == low, message.getKey() + " to the consumer of its range");
                    consumer.acknowledge(message);
                    received++;
                }
            }
            assertEquals(200, received);
            assertThrows(MagnetarClientException.class, () -> low.acknowledgeCumulative(
                producer.newMessage().key("k").value(payload(0)).send()), "no cumulative acks on Key_Shared");
        }
    }

    @Test
    void keyBasedBatchesGoToTheConsumerOfTheirKey() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Consumer a = keyShared(client, "a", null);
            Consumer b = keyShared(client, "b", null);
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true)
                .batcherBuilder(BatcherBuilder.KEY_BASED).create())
        {
            for (int i = 0; i < 400; i++)
            {
                producer.newMessage().key("k" + (i / 10 % 8)).value(payload(i)).sendAsync();
            }
            producer.flush();

            final Map<String, String> consumerOfKey = new HashMap<>();
            int received = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received < 400 && System.nanoTime() < deadlineNs)
            {
                for (final Consumer consumer : List.of(a, b))
                {
                    final Message message = consumer.receive(5, TimeUnit.MILLISECONDS);
                    if (null != message)
                    {
                        final String previous = consumerOfKey.put(message.getKey(), consumer.getConsumerName());
                        assertTrue(null == previous || previous.equals(consumer.getConsumerName()),
                            message.getKey() + " went to two consumers");
                        consumer.acknowledge(message);
                        received++;
                    }
                }
            }
            assertEquals(400, received);
            assertTrue(consumerOfKey.containsValue("a") && consumerOfKey.containsValue("b"), consumerOfKey.toString());
        }
    }

    private static Consumer keyShared(final MagnetarClient client, final String name, final KeySharedPolicy policy)
        throws MagnetarClientException
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").consumerName(name)
            .subscriptionType(SubscriptionType.KEY_SHARED).keySharedPolicy(policy).receiverQueueSize(20)
            .subscribe();
    }

    private static byte[] payload(final int i)
    {
        return ("k" + (i % KEYS) + ":" + i).getBytes(StandardCharsets.UTF_8);
    }

    private static int hash(final String key)
    {
        final byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
        return (MurmurHash3.hash32x86(bytes, 0, bytes.length, 0) & Integer.MAX_VALUE) % 65536;
    }
}
