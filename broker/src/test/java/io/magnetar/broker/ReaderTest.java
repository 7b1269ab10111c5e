package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.Reader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Readers and seek through a real broker: a reader starts at the earliest or latest message or at a message id
 * (after it, or at it), says whether more is stored, seeks by id and by publish time, and its non-durable
 * subscription goes when it closes; a durable subscription is reset to a message id, and a consumer seeks it.
 */
@Timeout(60)
class ReaderTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/reader";

    @Test
    void readsFromTheEarliestOrAMessageAndSaysWhenMoreIsStored() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final MessageId[] ids = new MessageId[10];
            for (int i = 0; i < 10; i++)
            {
                ids[i] = producer.send(payload(i));
            }

            try (Reader reader = client.newReader().topic(TOPIC).startMessageId(MessageId.EARLIEST).create())
            {
                for (int i = 0; i < 10; i++)
                {
                    assertTrue(reader.hasMessageAvailable(), "before " + i);
                    assertEquals("m" + i, text(reader.readNext(5, TimeUnit.SECONDS)));
                }
                assertFalse(reader.hasMessageAvailable(), "all read");
                assertTrue(hasReader(client), "its subscription");

                reader.seek(ids[7]);
                assertEquals("m7", text(reader.readNext(5, TimeUnit.SECONDS)), "a seek reads the message again");
            }
            assertFalse(hasReader(client), "a closed reader's subscription is gone");

            try (Reader after = client.newReader().topic(TOPIC).startMessageId(ids[4]).create();
                Reader at = client.newReader().topic(TOPIC).startMessageId(ids[4]).startMessageIdInclusive().create())
            {
                assertEquals("m5", text(after.readNext(5, TimeUnit.SECONDS)));
                assertEquals("m4", text(at.readNext(5, TimeUnit.SECONDS)));
            }
        }
    }

    @Test
    void readsOnlyWhatComesAfterItFromTheLatest() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            producer.send(payload(0));
            try (Reader reader = client.newReader().topic(TOPIC).startMessageId(MessageId.LATEST).create())
            {
                assertFalse(reader.hasMessageAvailable());
                assertNull(reader.readNext(200, TimeUnit.MILLISECONDS));
                producer.send(payload(1));
                assertTrue(reader.hasMessageAvailable());
                assertEquals("m1", text(reader.readNext(5, TimeUnit.SECONDS)));
            }
        }
    }

    @Test
    void seeksByPublishTime() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Reader reader = client.newReader().topic(TOPIC).startMessageId(MessageId.EARLIEST).create())
        {
            producer.send(payload(0));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            final Message first = reader.readNext(5, TimeUnit.SECONDS);
            while (System.currentTimeMillis() <= first.getPublishTime())
            {
                assertTrue(System.nanoTime() - deadlineNs < 0);
                Thread.yield(); // the next publish time must be later
            }
            producer.send(payload(1));
            final Message second = reader.readNext(5, TimeUnit.SECONDS);
            assertTrue(second.getPublishTime() > first.getPublishTime());

            reader.seek(second.getPublishTime());
            assertEquals("m1", text(reader.readNext(5, TimeUnit.SECONDS)));
            reader.seek(0);
            assertEquals("m0", text(reader.readNext(5, TimeUnit.SECONDS)));
        }
    }

    @Test
    void goesOnAfterTheLastMessageWhenTheBrokerRestarts() throws Exception
    {
        harness = new BrokerHarness(new java.io.File(dataDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Reader reader = client.newReader().topic(TOPIC).startMessageId(MessageId.EARLIEST)
                .receiverQueueSize(4).create())
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(payload(i));
            }
            for (int i = 0; i < 3; i++)
            {
                assertEquals("m" + i, text(reader.readNext(5, TimeUnit.SECONDS)));
            }

            harness.stop();
            harness.start();
            producer.send(payload(10));
            for (int i = 3; i <= 10; i++)
            {
                assertEquals("m" + i, text(reader.readNext(10, TimeUnit.SECONDS)), "each once, in order");
            }
            assertNull(reader.readNext(300, TimeUnit.MILLISECONDS));
        }
    }

    @Test
    void resetsADurableSubscriptionToAMessageId() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final MessageId[] ids = new MessageId[5];
            for (int i = 0; i < 5; i++)
            {
                ids[i] = producer.send(payload(i));
            }
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
            {
                for (int i = 0; i < 5; i++)
                {
                    consumer.acknowledge(consumer.receive(5, TimeUnit.SECONDS));
                }
            }
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
            client.admin().topics().resetCursor(TOPIC, "s", ids[2]);
            BatchingTest.awaitBacklog(harness, TOPIC, "s", 3);
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
            {
                assertEquals("m2", text(consumer.receive(5, TimeUnit.SECONDS)), "from the message on");
            }
        }
    }

    @Test
    void aConsumerSeeksItsSubscriptionByIdAndByTime() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).receiverQueueSize(2).subscribe())
        {
            final MessageId[] ids = new MessageId[6];
            for (int i = 0; i < 6; i++)
            {
                ids[i] = producer.send(payload(i));
            }
            for (int i = 0; i < 4; i++)
            {
                consumer.acknowledge(consumer.receive(5, TimeUnit.SECONDS));
            }

            consumer.seek(ids[1]);
            for (int i = 1; i < 6; i++)
            {
                final Message message = consumer.receive(5, TimeUnit.SECONDS);
                assertEquals("m" + i, text(message), "from the message on, each once");
                consumer.acknowledge(message);
            }
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));

            consumer.seek(0);
            assertEquals("m0", text(consumer.receive(5, TimeUnit.SECONDS)), "from the first by time");
            consumer.seek(MessageId.LATEST);
            assertNull(consumer.receive(300, TimeUnit.MILLISECONDS), "nothing after the latest");
            producer.send(payload(6));
            assertEquals("m6", text(consumer.receive(5, TimeUnit.SECONDS)));
        }
    }

    private static boolean hasReader(final MagnetarClient client) throws Exception
    {
        return client.admin().topics().statsInternal(TOPIC).getCursors().entrySet().stream()
            .anyMatch((cursor) -> cursor.getKey().startsWith("reader-") && !cursor.getValue().isDurable());
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
