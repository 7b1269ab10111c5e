package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grouped acknowledgements through a real broker: a full group goes at once, the rest once the group time passes,
 * and what is held goes out when the consumer closes; the broker stores each ack of a group.
 */
@Timeout(60)
class AckGroupingTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/ack-groups";

    @Test
    void shouldSendFullGroupsAtOnceAndTheRestAfterTheGroupTime() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create();
            Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST)
                .acknowledgmentGroupTime(200, TimeUnit.MILLISECONDS).maxAcknowledgmentGroupSize(10).subscribe())
        {
            for (int i = 0; i < 25; i++)
            {
                producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            for (int i = 0; i < 20; i++)
            {
                consumer.acknowledge(consumer.receive());
            }
            BatchingTest.awaitBacklog(harness, TOPIC, "s", 5); // two full groups went at once

            final long startNs = System.nanoTime();
            for (int i = 0; i < 5; i++)
            {
                final Message message = consumer.receive();
                consumer.acknowledge(message);
            }
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // the last group after its 200 ms
            assertTrue(System.nanoTime() - startNs >= TimeUnit.MILLISECONDS.toNanos(150), "waited for the group time");
        }
    }

    @Test
    void shouldSendHeldAcksWhenTheConsumerCloses() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            Producer producer = client.newProducer().topic(TOPIC).create())
        {
            for (int i = 0; i < 5; i++)
            {
                producer.send(("m" + i).getBytes(StandardCharsets.UTF_8));
            }
            try (Consumer consumer = client.newConsumer().topic(TOPIC).subscriptionName("s")
                .subscriptionInitialPosition(InitialPosition.EARLIEST)
                .acknowledgmentGroupTime(1, TimeUnit.HOURS).subscribe())
            {
                for (int i = 0; i < 5; i++)
                {
                    consumer.acknowledge(consumer.receive());
                }
                BatchingTest.awaitBacklog(harness, TOPIC, "s", 5); // held: the group time is an hour
            }
            BatchingTest.awaitNoBacklog(harness, TOPIC, "s"); // sent by close
            try (Consumer again = client.newConsumer().topic(TOPIC).subscriptionName("s").subscribe())
            {
                assertNull(again.receive(200, TimeUnit.MILLISECONDS), "nothing delivered again");
            }
        }
        assertEquals(0, harness.errors.size(), harness.errors.toString());
    }
}
