package io.magnetar.broker;

import io.aeron.CommonContext;
import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Delayed delivery through a real broker (media driver and archive): a shared or Key_Shared consumer gets a delayed
 * message no earlier than its time while the others go on, an exclusive one at once (Pulsar's rule), delayed messages
 * are never batched, and the delay survives a SIGKILL of the broker (it is stored with the message).
 */
@Timeout(120)
class DelayedDeliveryTest
{
    private static final String TOPIC = "persistent://public/default/delayed";
    private static final long DELAY_MS = 3000;

    @TempDir
    File dataDir;

    @TempDir
    File workDir;

    private Process process;
    private BrokerHarness harness;
    private final String forkedAeronDir = CommonContext.generateRandomDirName();

    @AfterEach
    void after()
    {
        if (null != process)
        {
            process.destroyForcibly();
        }
        if (null != harness)
        {
            harness.close();
        }
        IoUtil.delete(new File(forkedAeronDir), true);
    }

    @Test
    void sharedAndKeySharedConsumersGetADelayedMessageNoEarlierThanItsTimeAndExclusiveOnesAtOnce() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Consumer shared = subscribe(client, "shared", SubscriptionType.SHARED);
            Consumer keyShared = subscribe(client, "key-shared", SubscriptionType.KEY_SHARED);
            Consumer exclusive = subscribe(client, "exclusive", SubscriptionType.EXCLUSIVE);
            Producer producer = client.newProducer().topic(TOPIC).enableBatching(true).create())
        {
            final long sentAtMs = System.currentTimeMillis();
            producer.newMessage().key("k").value(bytes("later")).deliverAfter(DELAY_MS, TimeUnit.MILLISECONDS)
                .sendAsync();
            producer.newMessage().key("k").value(bytes("now")).sendAsync();
            producer.flush();

            assertEquals("later", exclusive.receive(5, TimeUnit.SECONDS).getValue(), "exclusive: at once, in order");
            assertEquals("now", exclusive.receive(5, TimeUnit.SECONDS).getValue());
            for (final Consumer consumer : new Consumer[]{ shared, keyShared })
            {
                final Message now = consumer.receive(5, TimeUnit.SECONDS);
                assertEquals("now", now.getValue(), "the undelayed one goes first");
                consumer.acknowledge(now);
            }
            assertTrue(System.currentTimeMillis() - sentAtMs < DELAY_MS, "checked before the delay ran out");
            assertNull(shared.receive(100, TimeUnit.MILLISECONDS));

            for (final Consumer consumer : new Consumer[]{ shared, keyShared })
            {
                final Message later = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("later", later.getValue());
                assertTrue(System.currentTimeMillis() >= sentAtMs + DELAY_MS,
                    "not before its time: " + (System.currentTimeMillis() - sentAtMs) + " ms");
                consumer.acknowledge(later);
            }
        }
    }

    @Test
    void delayedMessagesSurviveASigkillOfTheBroker() throws Exception
    {
        final int port = ForkedBroker.start(dataDir, forkedAeronDir, workDir, "delayed", "archived", p -> process = p);
        final int count = 200;
        final long deliverAtMs = System.currentTimeMillis() + 6000;
        final MagnetarClient client = MagnetarClient.builder().serviceUrl("magnetar://localhost:" + port)
            .operationTimeout(Duration.ofSeconds(5)).termLength(1024 * 1024).errorHandler((throwable) -> {}).build();
        try
        {
            try (Consumer consumer = subscribe(client, "shared", SubscriptionType.SHARED);
                Producer producer = client.newProducer().topic(TOPIC).create())
            {
                for (int i = 0; i < count; i++)
                {
                    producer.newMessage().value(bytes("d" + i)).deliverAt(deliverAtMs).send(); // each receipted
                }
                assertNull(consumer.receive(300, TimeUnit.MILLISECONDS), "none before its time");
            }
            process.destroyForcibly();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS));
            process = null;
        }
        finally
        {
            try
            {
                client.close();
            }
            catch (final Exception ignore)
            {
                // the broker is gone
            }
        }

        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client2 = harness.newClient();
            Consumer consumer = subscribe(client2, "shared", SubscriptionType.SHARED))
        {
            final Set<String> received = new HashSet<>();
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.size() < count && System.nanoTime() < deadlineNs)
            {
                final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                if (null != message)
                {
                    assertTrue(System.currentTimeMillis() >= deliverAtMs, "not before its time after the restart");
                    received.add(message.getValue());
                    consumer.acknowledge(message);
                }
            }
            assertEquals(count, received.size(), "every delayed message after the crash");
        }
    }

    private static Consumer subscribe(final MagnetarClient client, final String name, final SubscriptionType type)
        throws Exception
    {
        return client.newConsumer().topic(TOPIC).subscriptionName(name).subscriptionType(type).subscribe();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
