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

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Unsubscribe and deleting a subscription through a real broker (media driver and archive): the cursor goes, also
 * across a restart, and a subscription made again under its name starts afresh; refused while other consumers are
 * attached, or, for the admin call, while any is attached unless forced, which closes them.
 */
@Timeout(60)
class UnsubscribeTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/unsubscribe";

    @Test
    void unsubscribeDeletesTheCursorForGoodAndASubscriptionMadeAgainStartsAfresh() throws Exception
    {
        harness = new BrokerHarness(new File(dataDir, "data"));
        harness.port = ForkedBroker.freePort();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl()).build();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            final Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe();
            try (Consumer other = client.newConsumer().topic(TOPIC).subscriptionName("kept").subscribe())
            {
                producer.send(bytes("before"));
                assertEquals("before", consumer.receive(5, TimeUnit.SECONDS).getValue());
                assertTrue(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("s"));

                consumer.unsubscribe();
                assertThrows(MagnetarClientException.class, () -> consumer.receive(0, TimeUnit.SECONDS),
                    "closed by the unsubscribe");
                assertFalse(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("s"));
                assertTrue(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("kept"));
            }

            harness.stop();
            harness.start();
            awaitReconnected(client);
            assertFalse(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("s"),
                "the deletion is stored");
            assertTrue(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("kept"));

            // the name again: a new subscription at its initial position, not the old cursor
            try (Consumer again = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.LATEST).subscribe())
            {
                assertNull(again.receive(300, TimeUnit.MILLISECONDS), "the old message is not owed to it");
                producer.send(bytes("after"));
                assertEquals("after", again.receive(5, TimeUnit.SECONDS).getValue());
            }
        }
    }

    @Test
    void unsubscribeIsRefusedWhileOtherConsumersAreAttached() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer a = shared(client, "a");
            Consumer b = shared(client, "b"))
        {
            final MagnetarClientException refused = assertThrows(MagnetarClientException.class, a::unsubscribe);
            assertEquals(MagnetarClientException.ErrorCode.CONSUMER_BUSY, refused.errorCode(), refused.getMessage());

            producer.send(bytes("still"));
            Message message = a.receive(2, TimeUnit.SECONDS);
            if (null == message)
            {
                message = b.receive(5, TimeUnit.SECONDS);
            }
            assertEquals("still", message.getValue(), "both still consume");
            b.close();
            a.unsubscribe();
            assertFalse(client.admin().topics().statsInternal(TOPIC).getCursors().containsKey("s"));
        }
    }

    @Test
    void deleteSubscriptionIsRefusedWithConsumersUnlessForcedWhichClosesThem() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            MagnetarClient admin = harness.newClient();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
        {
            final MagnetarClientException missing = assertThrows(MagnetarClientException.class,
                () -> admin.admin().topics().deleteSubscription(TOPIC, "nope", false));
            assertEquals(MagnetarClientException.ErrorCode.SUBSCRIPTION_NOT_FOUND, missing.errorCode());

            final MagnetarClientException busy = assertThrows(MagnetarClientException.class,
                () -> admin.admin().topics().deleteSubscription(TOPIC, "s", false));
            assertEquals(MagnetarClientException.ErrorCode.CONSUMER_BUSY, busy.errorCode(), busy.getMessage());

            admin.admin().topics().deleteSubscription(TOPIC, "s", true);
            assertFalse(admin.admin().topics().statsInternal(TOPIC).getCursors().containsKey("s"));
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true)
            {
                try
                {
                    consumer.receive(10, TimeUnit.MILLISECONDS);
                }
                catch (final MagnetarClientException ex)
                {
                    assertEquals(MagnetarClientException.ErrorCode.CONSUMER_NOT_FOUND, ex.errorCode(), ex.getMessage());
                    break;
                }
                if (System.nanoTime() > deadlineNs)
                {
                    fail("the consumer was not told it was closed");
                }
            }
            consumer.close(); // answered: the broker kept it until its client closed it
        }
    }

    private static void awaitReconnected(final MagnetarClient client) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadlineNs)
        {
            try
            {
                client.admin().topics().statsInternal(TOPIC);
                return;
            }
            catch (final MagnetarClientException ex)
            {
                Thread.sleep(50); // bounded poll while the session is restored
            }
        }
        fail("the client did not reconnect");
    }

    private static Consumer shared(final MagnetarClient client, final String name) throws MagnetarClientException
    {
        return client.newConsumer().topic(TOPIC).subscriptionName("s").consumerName(name)
            .subscriptionType(SubscriptionType.SHARED).subscribe();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
