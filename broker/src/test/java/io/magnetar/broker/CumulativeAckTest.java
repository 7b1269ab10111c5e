package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cumulative acks through a real broker: everything up to a message is acknowledged at once (stored, so a consumer
 * coming next starts after it), within a batch up to the message, and never on a shared subscription.
 */
@Timeout(60)
class CumulativeAckTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/cumulative";

    @Test
    void acknowledgesEverythingUpToAMessage() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(payload(i));
            }
            try (Consumer consumer = subscribe(client, SubscriptionType.FAILOVER))
            {
                Message sixth = null;
                for (int i = 0; i < 10; i++)
                {
                    final Message message = consumer.receive(5, TimeUnit.SECONDS);
                    if (5 == i)
                    {
                        sixth = message;
                    }
                }
                consumer.acknowledgeCumulative(sixth);
                BatchingTest.awaitBacklog(harness, TOPIC, "s", 4);
            }
            try (Consumer next = subscribe(client, SubscriptionType.EXCLUSIVE))
            {
                Message last = null;
                for (int i = 6; i < 10; i++)
                {
                    last = next.receive(5, TimeUnit.SECONDS);
                    assertEquals("m" + i, text(last), "starts after the acknowledged");
                }
                assertNull(next.receive(200, TimeUnit.MILLISECONDS));
                next.acknowledgeCumulative(last);
            }
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void acknowledgesABatchUpToAMessageThenWhole() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true)
                .batchingMaxPublishDelay(1, TimeUnit.HOURS).batchingMaxMessages(10).create();
            Consumer consumer = subscribe(client, SubscriptionType.EXCLUSIVE))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.sendAsync(payload(i));
            }
            producer.flush();
            final Message[] messages = new Message[10];
            for (int i = 0; i < 10; i++)
            {
                messages[i] = consumer.receive(5, TimeUnit.SECONDS);
                assertEquals(10, messages[i].getMessageId().batchSize(), "one batch");
            }

            consumer.acknowledgeCumulative(messages[4]);
            BatchingTest.awaitBacklog(harness, TOPIC, "s", 1); // the batch is not done yet
            consumer.acknowledgeCumulative(messages[9]);
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void refusesCumulativeAcksOnASharedSubscription() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = subscribe(client, SubscriptionType.SHARED))
        {
            producer.send(payload(0));
            final Message message = consumer.receive(5, TimeUnit.SECONDS);
            final MagnetarClientException refused =
                assertThrows(MagnetarClientException.class, () -> consumer.acknowledgeCumulative(message));
            assertTrue(refused.getMessage().contains("SHARED"), refused.getMessage());
            consumer.acknowledge(message);
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));
        }
    }

    private static Consumer subscribe(final MagnetarClient client, final SubscriptionType type)
        throws MagnetarClientException
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").subscriptionType(type)
            .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
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
