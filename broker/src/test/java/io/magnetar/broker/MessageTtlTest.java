package io.magnetar.broker;

import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.TopicInternalStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages left unacknowledged past the message TTL are acknowledged by the broker, and stay so after a restart.
 */
@Timeout(60)
class MessageTtlTest
{
    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldExpireMessagesOlderThanTtl() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.retention = new RetentionPolicy(-1, -1, 1000, 50);
        harness.start();
        final String topic = "persistent://public/default/ttl";

        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(topic).create())
        {
            client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe().close();
            for (int i = 0; i < 5; i++)
            {
                producer.send(("old" + i).getBytes());
            }

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            TopicInternalStats stats;
            while ((stats = client.admin().topics().statsInternal(topic)).getCursors().get("s").getBacklog() != 0)
            {
                assertTrue(System.nanoTime() < deadlineNs, stats.toString());
                Thread.sleep(50);
            }
            assertTrue(stats.getSweeps().get("deadlineVisits") > 0, "expired by a deadline: " + stats);

            final MessageId fresh = producer.send("fresh".getBytes());
            try (Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe())
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("fresh", message.getValue());
                assertEquals(fresh, message.getMessageId());
                assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
                consumer.acknowledge(message);
            }
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(topic).create();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s").subscribe())
        {
            // the expired messages stay acknowledged: nothing comes before the new one
            producer.send("newest".getBytes());
            final Message message = consumer.receive(10, TimeUnit.SECONDS);
            assertEquals("newest", message.getValue());
        }
    }
}
