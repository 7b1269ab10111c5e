package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A UDP client's embedded media driver on the client's conductor thread (the default) or on a thread of its own: a
 * real broker and the real client send, receive and acknowledge in both, and the threads are the ones promised.
 */
@Timeout(60)
class ClientDriverThreadingTest
{
    private static final String COMPOSED_THREAD = "[magnetar-client-driver,magnetar-client-conductor]";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        System.clearProperty(MagnetarClient.Configuration.DRIVER_THREADING_PROP_NAME);
        if (null != harness)
        {
            harness.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "conductor", "shared" })
    void sendsAndReceivesWithTheDriverWhereItIsTold(final String threading) throws Exception
    {
        System.setProperty(MagnetarClient.Configuration.DRIVER_THREADING_PROP_NAME, threading);
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/threading-" + threading;

        try (MagnetarClient client = MagnetarClient.builder()
            .serviceUrl(harness.serviceUrl())
            .operationTimeout(Duration.ofSeconds(30))
            .termLength(1024 * 1024)
            .build();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe();
            Producer producer = client.newProducer().topic(topic).create())
        {
            assertEquals("conductor".equals(threading), threadNamed(COMPOSED_THREAD),
                "driver and conductor composed on one thread: " + threading);
            for (int i = 0; i < 100; i++)
            {
                producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 100; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertNotNull(message, "message " + i);
                assertEquals("m" + i, new String(message.getData(), StandardCharsets.UTF_8));
                consumer.acknowledge(message);
            }
        }
    }

    private static boolean threadNamed(final String name)
    {
        return Thread.getAllStackTraces().keySet().stream().anyMatch((thread) -> name.equals(thread.getName()));
    }
}
