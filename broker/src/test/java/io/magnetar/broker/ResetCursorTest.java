package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Reset-cursor by publish time: messages from that time on are delivered again, also after a restart.
 */
@Timeout(60)
class ResetCursorTest
{
    private static final String TOPIC = "persistent://public/default/rewind";

    @TempDir
    File dataDir;

    private BrokerHarness harness;

    @AfterEach
    void after()
    {
        harness.close();
    }

    @Test
    void shouldRedeliverFromPublishTimeAndKeepItAcrossRestart() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final long resetTime;
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe().close();
            for (int i = 0; i < 5; i++)
            {
                producer.send(("m" + i).getBytes());
            }
            // the reset time is a millisecond after the first five were published, and none of the next five is
            // published before it
            final long lastPublishMs = System.currentTimeMillis();
            long now;
            while ((now = System.currentTimeMillis()) <= lastPublishMs)
            {
                Thread.onSpinWait();
            }
            resetTime = now;
            for (int i = 5; i < 10; i++)
            {
                producer.send(("m" + i).getBytes());
            }

            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .ackReceiptEnabled(true).subscribe())
            {
                for (int i = 0; i < 10; i++)
                {
                    consumer.acknowledge(consumer.receive(10, TimeUnit.SECONDS));
                }
            }

            client.admin().topics().resetCursor(TOPIC, "s", resetTime);
            assertThrows(MagnetarClientException.class,
                () -> client.admin().topics().resetCursor(TOPIC, "nope", resetTime));
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = MagnetarClient.builder().serviceUrl(harness.serviceUrl())
            .termLength(1024 * 1024).build();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
        {
            for (int i = 5; i < 10; i++)
            {
                final Message message = consumer.receive(10, TimeUnit.SECONDS);
                assertEquals("m" + i, message.getValue());
                consumer.acknowledge(message);
            }
            assertNull(consumer.receive(200, TimeUnit.MILLISECONDS));

            client.admin().topics().resetCursor(TOPIC, "s", 0);
            // a connected consumer gets the messages again from the start
            for (int i = 0; i < 10; i++)
            {
                assertEquals("m" + i, consumer.receive(10, TimeUnit.SECONDS).getValue());
            }
        }
    }
}
