package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.Message;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Reads a whole topic in tests: a new subscription from the earliest message.
 */
final class TopicReader
{
    private TopicReader()
    {
    }

    /**
     * @return the topic's messages in order: exactly {@code count}, none more within 300 ms of the last.
     */
    static List<Message> readAll(final BrokerHarness harness, final String topic, final int count) throws Exception
    {
        final List<Message> messages = new ArrayList<>();
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("read-" + System.nanoTime())
                .subscriptionInitialPosition(InitialPosition.EARLIEST).subscribe())
        {
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (messages.size() < count && System.nanoTime() - deadlineNs < 0)
            {
                final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
                if (null != message)
                {
                    messages.add(message);
                }
            }
            assertNull(consumer.receive(300, TimeUnit.MILLISECONDS), "no more than " + count + " messages");
        }
        assertEquals(count, messages.size(), messages.toString());

        return messages;
    }
}
