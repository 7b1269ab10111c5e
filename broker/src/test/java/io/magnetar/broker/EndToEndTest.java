package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real broker (driver, archive, agents) and the real client over UDP, each with its own media driver.
 */
@Timeout(120)
class EndToEndTest
{
    private static final String TOPIC = "persistent://public/default/e2e";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    private MagnetarClient client() throws Exception
    {
        return MagnetarClient.builder()
            .serviceUrl(harness.serviceUrl())
            .operationTimeout(Duration.ofSeconds(30))
            .termLength(1024 * 1024)
            .build();
    }

    @Test
    void shouldDeliverTenThousandMessagesOverUdpInOrderExactlyOnce() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final int count = 10_000;

        try (MagnetarClient client = client();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s1")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).receiverQueueSize(1000).subscribe();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final List<CompletableFuture<MessageId>> receipts = new ArrayList<>(count);
            for (int i = 0; i < count; i++)
            {
                receipts.add(producer.sendAsync(("msg-" + i).getBytes(StandardCharsets.UTF_8)));
            }

            MessageId previous = null;
            for (int i = 0; i < count; i++)
            {
                final Message message = consumer.receive(30, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i + " not received");
                assertEquals("msg-" + i, message.getValue());
                assertEquals(i, message.getSequenceId());
                if (null != previous)
                {
                    assertTrue(message.getMessageId().compareTo(previous) > 0, "ids increase");
                }
                previous = message.getMessageId();
                consumer.acknowledge(message);
            }

            for (int i = 0; i < count; i++)
            {
                final MessageId id = receipts.get(i).get(30, TimeUnit.SECONDS);
                assertEquals(0, id.shard());
            }
            assertNull(consumer.receive(500, TimeUnit.MILLISECONDS), "no message is delivered twice");
        }

        assertEquals(List.of(), harness.errors);
    }

    @Test
    void shouldRedeliverUnackedMessagesWhenConsumerReconnects() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();

        try (MagnetarClient client = client();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s1")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                for (int i = 0; i < 10; i++)
                {
                    producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < 10; i++)
                {
                    final Message message = consumer.receive(10, TimeUnit.SECONDS);
                    assertEquals("m" + i, message.getValue());
                    if (i % 2 == 0)
                    {
                        consumer.acknowledge(message);
                    }
                }
            }

            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s1").subscribe())
            {
                for (int i = 1; i < 10; i += 2)
                {
                    final Message message = consumer.receive(10, TimeUnit.SECONDS);
                    assertNotNull(message, "redelivery of m" + i);
                    assertEquals("m" + i, message.getValue());
                    consumer.acknowledge(message);
                }
                assertNull(consumer.receive(300, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void shouldKeepUnackedMessagesAndPositionsAcrossRestart() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final List<MessageId> ids = new ArrayList<>();

        try (MagnetarClient client = client();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("durable")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 100; i++)
            {
                ids.add(producer.send(("r" + i).getBytes(StandardCharsets.UTF_8)));
            }
            for (int i = 0; i < 40; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("r" + i, message.getValue());
                if (i < 30 || i == 35)
                {
                    consumer.acknowledge(message);
                }
            }
            // acks are fire-and-forget: a ping round trip orders them before the restart
            client.ping();
        }

        harness.stop();
        harness.start();
        assertTrue(harness.logLines.stream().anyMatch(
            line -> line.contains("shard 0 recovered 1 topics in 1 namespaces, 100 entries")),
            harness.logLines.toString());

        try (MagnetarClient client = client();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("durable").subscribe();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            for (int i = 30; i < 100; i++)
            {
                if (i == 35)
                {
                    continue;
                }
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "r" + i + " after restart");
                assertEquals("r" + i, message.getValue());
                assertEquals(ids.get(i), message.getMessageId());
                consumer.acknowledge(message);
            }

            final MessageId next = producer.send("after".getBytes(StandardCharsets.UTF_8));
            assertTrue(next.compareTo(ids.get(99)) > 0, "positions continue after restart");
            assertEquals("after", consumer.receive(10, TimeUnit.SECONDS).getValue());
        }
    }

    @Test
    void shouldDeliverNonPersistentMessagesToConnectedConsumersOnly() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "non-persistent://public/default/np";

        try (MagnetarClient client = client();
            Producer producer = client.newProducer().topic(topic).create())
        {
            final MessageId lost = producer.send("nobody-listens".getBytes(StandardCharsets.UTF_8));
            assertEquals(-1, lost.shard());

            try (Consumer consumer = client.newConsumer().topic(topic).subscriptionName("np").subscribe())
            {
                for (int i = 0; i < 100; i++)
                {
                    producer.send(("np" + i).getBytes(StandardCharsets.UTF_8));
                }
                for (int i = 0; i < 100; i++)
                {
                    final Message message = consumer.receive(10, TimeUnit.SECONDS);
                    assertEquals("np" + i, message.getValue());
                    consumer.acknowledge(message);
                }
                assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
            }
        }
    }

    @Test
    void shouldWorkOverIpc() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();

        try (MagnetarClient client = MagnetarClient.builder()
            .serviceUrl("magnetar+ipc://")
            .aeronDirectoryName(harness.aeronDir)
            .termLength(1024 * 1024)
            .build();
            Producer producer = client.newProducer().topic("ipc-topic").create();
            Consumer consumer = client.newConsumer().topic("ipc-topic").subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            for (int i = 0; i < 1000; i++)
            {
                producer.sendAsync(("ipc" + i).getBytes(StandardCharsets.UTF_8));
            }
            producer.flush();
            for (int i = 0; i < 1000; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("ipc" + i, message.getValue());
                assertEquals("persistent://public/default/ipc-topic", message.getTopicName());
                consumer.acknowledge(message);
            }
        }
    }
}
