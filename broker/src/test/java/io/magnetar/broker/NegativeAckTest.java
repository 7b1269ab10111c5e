package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.DeadLetterPolicy;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Negative acknowledgements and the ack timeout through a real broker: a message given back comes again after its
 * delay with its redelivery count raised (to another consumer of a shared subscription, out of order on an exclusive
 * one), the backoff lengthens the delay, a message not acknowledged within the ack timeout comes again, and one
 * delivered again too often goes to the dead letter topic.
 */
@Timeout(60)
class NegativeAckTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/nacks";

    @Test
    void aMessageGivenBackOnASharedSubscriptionComesAgainAfterItsDelayWithItsCount() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionType(SubscriptionType.SHARED).subscriptionInitialPosition(InitialPosition.EARLIEST)
                .negativeAckRedeliveryDelay(200, TimeUnit.MILLISECONDS).subscribe())
        {
            producer.send(payload("a"));
            final Message first = consumer.receive(5, TimeUnit.SECONDS);
            assertEquals(0, first.getRedeliveryCount());
            final long nackedNs = System.nanoTime();
            consumer.negativeAcknowledge(first);

            final Message again = consumer.receive(5, TimeUnit.SECONDS);
            assertNotNull(again, "given back, it comes again");
            assertTrue(System.nanoTime() - nackedNs >= TimeUnit.MILLISECONDS.toNanos(190), "not before its delay");
            assertEquals("a", text(again));
            assertEquals(first.getMessageId(), again.getMessageId());
            assertEquals(1, again.getRedeliveryCount());

            consumer.negativeAcknowledge(again);
            final Message third = consumer.receive(5, TimeUnit.SECONDS);
            assertEquals(2, third.getRedeliveryCount(), "counted each time");
            consumer.acknowledge(third);
            assertNull(consumer.receive(500, TimeUnit.MILLISECONDS), "acknowledged: it does not come again");
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void aMessageGivenBackOnAnExclusiveSubscriptionComesAgainOutOfOrder() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST)
                .negativeAckRedeliveryDelay(100, TimeUnit.MILLISECONDS).subscribe())
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(payload("m" + i));
            }
            for (int i = 0; i < 5; i++)
            {
                final Message message = consumer.receive(5, TimeUnit.SECONDS);
                assertEquals("m" + i, text(message));
                if (2 == i)
                {
                    consumer.negativeAcknowledge(message.getMessageId());
                }
                else
                {
                    consumer.acknowledge(message);
                }
            }
            producer.send(payload("m5"));
            final Message next = consumer.receive(5, TimeUnit.SECONDS);
            final Message then = consumer.receive(5, TimeUnit.SECONDS);
            final String seen = text(next) + "," + text(then);
            assertTrue("m5,m2".equals(seen) || "m2,m5".equals(seen), seen);
            final Message m2 = "m2".equals(text(next)) ? next : then;
            assertEquals(1, m2.getRedeliveryCount());
            consumer.acknowledge(next);
            consumer.acknowledge(then);
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void theBackoffDoublesTheDelayWithEachRedelivery() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionType(SubscriptionType.SHARED).subscriptionInitialPosition(InitialPosition.EARLIEST)
                .negativeAckRedeliveryDelay(100, TimeUnit.MILLISECONDS)
                .negativeAckRedeliveryBackoff(10, TimeUnit.SECONDS).subscribe())
        {
            producer.send(payload("a"));
            Message message = consumer.receive(5, TimeUnit.SECONDS);
            for (int count = 0; count < 3; count++)
            {
                assertEquals(count, message.getRedeliveryCount());
                final long nackedNs = System.nanoTime();
                consumer.negativeAcknowledge(message);
                message = consumer.receive(5, TimeUnit.SECONDS);
                assertNotNull(message);
                final long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - nackedNs);
                assertTrue(waitedMs >= (100L << count) - 10, "redelivery " + count + " after " + waitedMs + " ms");
            }
            consumer.acknowledge(message);
        }
    }

    @Test
    void aMessageNotAcknowledgedWithinTheAckTimeoutComesAgain() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionType(SubscriptionType.SHARED).subscriptionInitialPosition(InitialPosition.EARLIEST)
                .ackTimeout(1, TimeUnit.SECONDS).subscribe())
        {
            producer.send(payload("slow"));
            producer.send(payload("fast"));
            final Message slow = consumer.receive(5, TimeUnit.SECONDS);
            final Message fast = consumer.receive(5, TimeUnit.SECONDS);
            assertEquals("slow", text(slow));
            consumer.acknowledge(fast);
            final long receivedNs = System.nanoTime();

            final Message again = consumer.receive(10, TimeUnit.SECONDS);
            assertNotNull(again, "not acknowledged within the timeout: it comes again");
            assertTrue(System.nanoTime() - receivedNs >= TimeUnit.MILLISECONDS.toNanos(900));
            assertEquals("slow", text(again));
            assertEquals(1, again.getRedeliveryCount());
            consumer.acknowledge(again);
            assertNull(consumer.receive(1500, TimeUnit.MILLISECONDS), "acknowledged in time: it does not come again");
        }
    }

    @Test
    void aMessageDeliveredAgainTooOftenGoesToTheDeadLetterTopic() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer dlq = client.newConsumer().topic(TOPIC + "-s-DLQ").subscriptionName("dead")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionType(SubscriptionType.SHARED).subscriptionInitialPosition(InitialPosition.EARLIEST)
                .negativeAckRedeliveryDelay(50, TimeUnit.MILLISECONDS)
                .deadLetterPolicy(new DeadLetterPolicy(2, null)).subscribe())
        {
            final MessageId poisonId = producer.newMessage().key("k").property("p", "v").value(payload("poison"))
                .send();
            producer.send(payload("fine"));

            int poisonDeliveries = 0;
            boolean fineSeen = false;
            Message message;
            while (null != (message = consumer.receive(2, TimeUnit.SECONDS)))
            {
                if ("poison".equals(text(message)))
                {
                    assertEquals(poisonDeliveries++, message.getRedeliveryCount());
                    consumer.negativeAcknowledge(message);
                }
                else
                {
                    fineSeen = true;
                    consumer.acknowledge(message);
                }
            }
            assertTrue(fineSeen);
            assertEquals(3, poisonDeliveries, "handed out with counts 0, 1 and 2; the next delivery is a dead letter");

            final Message dead = dlq.receive(5, TimeUnit.SECONDS);
            assertNotNull(dead, "on the dead letter topic");
            assertEquals("poison", text(dead));
            assertEquals("k", dead.getKey());
            assertEquals("v", dead.getProperties().get("p"));
            assertEquals(TOPIC, dead.getProperties().get(DeadLetterPolicy.REAL_TOPIC));
            assertEquals(poisonId.toString(), dead.getProperties().get(DeadLetterPolicy.ORIGIN_MESSAGE_ID));
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s");
        }
    }

    @Test
    void refusesAnAckTimeoutUnderASecond() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            assertThrows(MagnetarClientException.class, () -> client.newConsumer().topic(TOPIC).subscriptionName("s")
                .ackTimeout(100, TimeUnit.MILLISECONDS).subscribe());
        }
    }

    private static byte[] payload(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(final Message message)
    {
        return new String(message.getData(), StandardCharsets.UTF_8);
    }
}
