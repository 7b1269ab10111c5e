package io.magnetar.broker;

import io.magnetar.client.Consumer;
import io.magnetar.client.DeadLetterPolicy;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.SubscriptionType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Consumers of several topics through a real broker (media driver and archive): a list of topics (one of them
 * partitioned) read by one consumer with acks going to each message's topic, and the retry letter topic of
 * {@code reconsumeLater}, which brings a message back after its delay and sends it to the dead letter topic after the
 * most retries.
 */
@Timeout(90)
class MultiTopicConsumerTest extends HarnessTest
{
    private static final String PLAIN = "persistent://public/default/multi-a";
    private static final String PARTITIONED = "persistent://public/default/multi-b";

    @Test
    void oneConsumerReadsAListOfTopicsAndAcknowledgesEachMessageOnItsTopic() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            client.admin().topics().createPartitionedTopic(PARTITIONED, 2);
            try (Producer a = client.newProducer().topic(PLAIN).create();
                Producer b = client.newProducer().topic(PARTITIONED).create())
            {
                try (Consumer consumer = multi(client))
                {
                    for (int i = 0; i < 50; i++)
                    {
                        a.send(bytes("a" + i));
                        b.newMessage().key("k" + i).value(bytes("b" + i)).send();
                    }
                    final Set<String> received = new HashSet<>();
                    Message message;
                    while (received.size() < 100 && null != (message = consumer.receive(5, TimeUnit.SECONDS)))
                    {
                        assertTrue(received.add(message.getValue()), "once: " + message.getValue());
                        assertTrue(message.getMessageId().topic().startsWith(
                            message.getValue().startsWith("a") ? PLAIN : PARTITIONED), message.toString());
                        consumer.acknowledge(message);
                    }
                    assertEquals(100, received.size());
                    assertThrows(MagnetarClientException.class,
                        () -> consumer.acknowledge(new io.magnetar.client.MessageId(0, 0)),
                        "an id without its topic cannot be routed");
                }

                // acknowledged on each topic: a consumer made again gets nothing of them
                try (Consumer again = multi(client))
                {
                    assertNull(again.receive(500, TimeUnit.MILLISECONDS));
                }
            }
        }
    }

    @Test
    void reconsumeLaterBringsAMessageBackAfterItsDelayAndThenToTheDeadLetterTopic() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String topic = "persistent://public/default/retried";
        try (MagnetarClient client = harness.newClient();
            Consumer consumer = client.newConsumer().topic(topic).subscriptionName("s")
                .subscriptionType(SubscriptionType.SHARED).enableRetry(true)
                .deadLetterPolicy(new DeadLetterPolicy(2, null)).subscribe();
            Consumer deadLetters = client.newConsumer().topic(topic + "-s-DLQ").subscriptionName("dlq").subscribe();
            Producer producer = client.newProducer().topic(topic).create())
        {
            producer.newMessage().key("k").property("p", "v").value(bytes("once")).send();
            Message message = consumer.receive(5, TimeUnit.SECONDS);
            assertEquals("once", message.getValue());

            for (int retry = 1; retry <= 2; retry++)
            {
                final long reconsumedAtMs = System.currentTimeMillis();
                consumer.reconsumeLater(message, 500, TimeUnit.MILLISECONDS);
                message = consumer.receive(10, TimeUnit.SECONDS);
                assertTrue(System.currentTimeMillis() - reconsumedAtMs >= 500, "not before the delay");
                assertEquals("once", message.getValue());
                assertEquals(topic + "-s-RETRY", message.getTopicName());
                assertEquals(Integer.toString(retry), message.getProperty(DeadLetterPolicy.RECONSUMETIMES));
                assertEquals(topic, message.getProperty(DeadLetterPolicy.REAL_TOPIC));
                assertEquals("v", message.getProperty("p"));
                assertEquals("k", message.getKey());
            }

            consumer.reconsumeLater(message, 500, TimeUnit.MILLISECONDS); // the third: past the most retries
            final Message dead = deadLetters.receive(10, TimeUnit.SECONDS);
            assertEquals("once", dead.getValue());
            assertEquals("3", dead.getProperty(DeadLetterPolicy.RECONSUMETIMES));
            assertNull(consumer.receive(1, TimeUnit.SECONDS), "not retried again");
        }
    }

    @Test
    void aPatternConsumerReadsTheMatchingTopicsOfItsNamespaceAndThoseCreatedLater() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        final String prefix = "persistent://public/default/rx-";
        try (MagnetarClient client = harness.newClient();
            Producer one = client.newProducer().topic(prefix + "1").create();
            Producer two = client.newProducer().topic(prefix + "2").create();
            Producer other = client.newProducer().topic("persistent://public/default/other").create())
        {
            one.send(bytes("one"));
            two.send(bytes("two"));
            other.send(bytes("other"));
            final List<String> topics = client.admin().namespaces().getTopics("public/default");
            assertTrue(topics.containsAll(List.of(prefix + "1", prefix + "2", "persistent://public/default/other")),
                topics.toString());

            final MagnetarClientException noNamespace = assertThrows(MagnetarClientException.class,
                () -> client.newConsumer().topicsPattern("persistent://public/.*/rx").subscriptionName("p")
                    .subscribe());
            assertTrue(noNamespace.getMessage().contains("must name its namespace"), noNamespace.getMessage());

            try (Consumer consumer = client.newConsumer().topicsPattern(prefix + "[0-9]+").subscriptionName("p")
                .subscriptionInitialPosition(io.magnetar.client.InitialPosition.EARLIEST)
                .patternAutoDiscoveryPeriod(200, TimeUnit.MILLISECONDS).subscribe())
            {
                final Set<String> received = new HashSet<>();
                Message message;
                while (received.size() < 2 && null != (message = consumer.receive(5, TimeUnit.SECONDS)))
                {
                    received.add(message.getValue());
                    consumer.acknowledge(message);
                }
                assertEquals(Set.of("one", "two"), received, "the matching topics only");

                // a topic created after the consumer: found by the discovery, read from its earliest message
                try (Producer three = client.newProducer().topic(prefix + "3").create())
                {
                    three.send(bytes("three"));
                    final Message later = consumer.receive(10, TimeUnit.SECONDS);
                    assertEquals("three", null == later ? null : later.getValue());
                    consumer.acknowledge(later);
                }
                assertNull(consumer.receive(300, TimeUnit.MILLISECONDS), "nothing of the topic that does not match");
            }
        }
    }

    private static Consumer multi(final MagnetarClient client) throws MagnetarClientException
    {
        return client.newConsumer().topics(List.of(PLAIN, PARTITIONED)).subscriptionName("s")
            .subscriptionType(SubscriptionType.SHARED).subscribe();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
