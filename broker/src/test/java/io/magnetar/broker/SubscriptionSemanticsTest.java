package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The semantics suite of each subscription type through a real broker (media driver and archive): two producers
 * send keyed messages while consumers come and go and the broker restarts in the middle. Every message with a
 * receipt is received; a message comes twice only with a redelivery count or after the restart (counts live in
 * memory), and duplicates are counted; messages come in each producer's order on exclusive and failover
 * subscriptions, and in each key's order on Key_Shared ones (first receipts; a redelivered message may come again).
 */
@Timeout(180)
class SubscriptionSemanticsTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/semantics";
    private static final int PRODUCERS = 2;
    private static final int PER_PRODUCER = 1500;
    private static final int KEYS = 12;

    private final Map<String, Integer> lastByProducer = new HashMap<>();
    private final Map<String, Integer> lastByKey = new HashMap<>();
    private final Set<String> received = new HashSet<>();
    private final Map<String, Integer> byConsumer = new HashMap<>();
    private int duplicates;
    private boolean restarted;
    private int nextConsumer;

    @ParameterizedTest
    @EnumSource(SubscriptionType.class)
    void losesNothingDuplicatesOnlyAsAllowedAndKeepsTheOrderItPromises(final SubscriptionType type) throws Exception
    {
        harness = new BrokerHarness(new File(dataDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build())
        {
            final List<Producer> producers = new ArrayList<>();
            for (int p = 0; p < PRODUCERS; p++)
            {
                producers.add(client.newProducer().topic(TOPIC).producerName("p" + p).create());
            }
            final Map<String, Consumer> consumers = new LinkedHashMap<>();
            open(client, type, consumers);
            if (SubscriptionType.EXCLUSIVE != type)
            {
                open(client, type, consumers);
            }

            final List<CompletableFuture<?>> sends = new ArrayList<>();
            final int total = PRODUCERS * PER_PRODUCER;
            int sent = 0;
            int churns = 0;
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(150);
            while (received.size() < total)
            {
                assertTrue(System.nanoTime() < deadlineNs, type + ": stopped at " + received.size() + " of " + total +
                    " (" + sent + " sent)");
                for (int i = 0; i < 20 && sent < total; i++, sent++)
                {
                    final int producer = sent % PRODUCERS;
                    final int sequence = sent / PRODUCERS;
                    final String key = "k" + (sequence % KEYS);
                    sends.add(producers.get(producer).newMessage().key(key)
                        .value(("p" + producer + ":" + key + ":" + sequence).getBytes(StandardCharsets.UTF_8))
                        .sendAsync());
                }

                for (final Map.Entry<String, Consumer> entry : new ArrayList<>(consumers.entrySet()))
                {
                    for (int i = 0; i < 10; i++)
                    {
                        final Message message = entry.getValue().receive(1, TimeUnit.MILLISECONDS);
                        if (null == message)
                        {
                            break;
                        }
                        onMessage(type, entry.getKey(), message);
                        entry.getValue().acknowledge(message);
                    }
                }

                // churn at a quarter, half (the restart) and three quarters of the stream
                final int stage = received.size() * 4 / total;
                if (stage > churns && churns < 3)
                {
                    churns++;
                    if (2 == churns)
                    {
                        restarted = true;
                        harness.stop();
                        harness.start(); // producers and consumers reconnect by themselves
                    }
                    else
                    {
                        final String leaving = consumers.keySet().iterator().next();
                        consumers.remove(leaving).close();
                        open(client, type, consumers);
                    }
                }
            }

            for (final CompletableFuture<?> send : sends)
            {
                send.get(30, TimeUnit.SECONDS); // every send has its receipt
            }
            for (int sequence = 0; sequence < PER_PRODUCER; sequence++)
            {
                for (int producer = 0; producer < PRODUCERS; producer++)
                {
                    final String text = "p" + producer + ":k" + (sequence % KEYS) + ":" + sequence;
                    assertTrue(received.contains(text), type + ": lost " + text);
                }
            }
            assertEquals(3, churns, type + ": consumers changed twice and the broker restarted once");
            if (SubscriptionType.SHARED == type || SubscriptionType.KEY_SHARED == type)
            {
                assertTrue(byConsumer.size() >= 3, type + ": several consumers took messages: " + byConsumer);
            }
            System.out.println("semantics " + type + ": " + total + " messages, " + duplicates +
                " duplicates, by consumer " + byConsumer);
            for (final Consumer consumer : consumers.values())
            {
                consumer.close();
            }
            for (final Producer producer : producers)
            {
                producer.close();
            }
        }
    }

    private void open(final MagnetarClient client, final SubscriptionType type, final Map<String, Consumer> consumers)
        throws MagnetarClientException
    {
        final String name = "c" + nextConsumer++;
        consumers.put(name, client.newConsumer().topic(TOPIC).subscriptionName("s").consumerName(name)
            .subscriptionType(type).receiverQueueSize(50).subscribe());
    }

    private void onMessage(final SubscriptionType type, final String consumer, final Message message)
    {
        final String text = message.getValue();
        if (!received.add(text))
        {
            if (!restarted && 0 == message.getRedeliveryCount())
            {
                fail(type + ": " + text + " came again without a redelivery count or a restart");
            }
            duplicates++;
            return;
        }
        byConsumer.merge(consumer, 1, Integer::sum);

        final String[] parts = text.split(":");
        final int sequence = Integer.parseInt(parts[2]);
        if (SubscriptionType.EXCLUSIVE == type || SubscriptionType.FAILOVER == type)
        {
            checkOrder(type, lastByProducer, parts[0], sequence, text);
        }
        else if (SubscriptionType.KEY_SHARED == type)
        {
            checkOrder(type, lastByKey, parts[0] + ":" + parts[1], sequence, text);
        }
    }

    private static void checkOrder(
        final SubscriptionType type,
        final Map<String, Integer> last,
        final String stream,
        final int sequence,
        final String text)
    {
        final Integer previous = last.put(stream, sequence);
        if (null != previous && previous > sequence)
        {
            fail(type + ": " + text + " after " + stream + ":" + previous);
        }
    }
}
