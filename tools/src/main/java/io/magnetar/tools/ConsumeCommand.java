package io.magnetar.tools;

import io.magnetar.client.Consumer;
import io.magnetar.client.ConsumerEventListener;
import io.magnetar.client.InitialPosition;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.SubscriptionType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code magnetar consume TOPIC -s SUB [-n N]}: print one payload per line and acknowledge it.
 */
@Command(
    name = "consume",
    mixinStandardHelpOptions = true,
    description = "Receive messages from a topic, print one payload per line, and acknowledge each.")
final class ConsumeCommand implements Callable<Integer>
{
    /** Failover: says on stderr when this consumer starts or stops receiving. */
    private static final ConsumerEventListener ACTIVE_STATE_PRINTER = new ConsumerEventListener()
    {
        public void becameActive(final Consumer consumer, final int partitionId)
        {
            System.err.println("consume: active" + (partitionId < 0 ? "" : " on partition " + partitionId));
        }

        public void becameInactive(final Consumer consumer, final int partitionId)
        {
            System.err.println("consume: inactive" + (partitionId < 0 ? "" : " on partition " + partitionId));
        }
    };

    @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo; with --regex a pattern " +
        "over the topics of one namespace, e.g. 'persistent://public/default/orders-.*'")
    String topic;

    @Option(names = "--regex", description = "TOPIC is a regular expression: consume every topic of its namespace " +
        "that matches, and those created later (looked for every --discovery-period seconds).")
    boolean regex;

    @Option(names = "--discovery-period", description = "With --regex: seconds between looks for new topics. " +
        "Default: ${DEFAULT-VALUE}")
    long discoveryPeriodSeconds = 60;

    @Option(names = { "-s", "--subscription-name" }, required = true, description = "Subscription name.")
    String subscription;

    @Option(names = { "-n", "--num-messages" }, description = "Messages to receive; 0 means until Ctrl-C. Default: 1")
    int count = 1;

    @Option(names = { "-p", "--subscription-position" },
        description = "Where a new subscription starts: earliest or latest. Default: ${DEFAULT-VALUE}")
    String position = "earliest";

    @Option(names = { "-t", "--subscription-type" }, description = "How the subscription's consumers share its " +
        "messages: exclusive, shared, failover or key_shared (any case). Default: ${DEFAULT-VALUE}")
    String type = "exclusive";

    @Option(names = "--wait", description = "Give up after this many seconds without a message; 0 waits forever. " +
        "Default: ${DEFAULT-VALUE}")
    long waitSeconds = 0;

    @Option(names = { "--print-metadata", "-pm" }, description = "Print each message's publish time, event time, " +
        "message id, sequence id, producer name, redelivery count, key and properties before its payload, on the " +
        "same line.")
    boolean printMetadata;

    @Mixin
    ClientOptions clientOptions;

    private int received;

    public Integer call()
    {
        final InitialPosition initialPosition;
        switch (position.toLowerCase())
        {
            case "earliest":
                initialPosition = InitialPosition.EARLIEST;
                break;
            case "latest":
                initialPosition = InitialPosition.LATEST;
                break;
            default:
                System.err.println("consume: -p must be earliest or latest, not " + position);
                return 2;
        }
        final SubscriptionType subscriptionType;
        switch (type.toLowerCase())
        {
            case "exclusive":
                subscriptionType = SubscriptionType.EXCLUSIVE;
                break;
            case "shared":
                subscriptionType = SubscriptionType.SHARED;
                break;
            case "failover":
                subscriptionType = SubscriptionType.FAILOVER;
                break;
            case "key_shared":
                subscriptionType = SubscriptionType.KEY_SHARED;
                break;
            default:
                System.err.println("consume: -t must be exclusive, shared, failover or key_shared, not " + type);
                return 2;
        }
        if (count < 0)
        {
            System.err.println("consume: -n must not be negative");
            return 2;
        }

        try (StopSignals signals = StopSignals.install())
        {
            final boolean timedOut;
            try (MagnetarClient client = clientOptions.connect("magnetar-consume");
                Consumer consumer = (regex ?
                    client.newConsumer().topicsPattern(topic)
                        .patternAutoDiscoveryPeriod(discoveryPeriodSeconds, TimeUnit.SECONDS) :
                    client.newConsumer().topic(topic))
                    .subscriptionName(subscription)
                    .subscriptionType(subscriptionType).subscriptionInitialPosition(initialPosition)
                    .consumerEventListener(ACTIVE_STATE_PRINTER).subscribe())
            {
                timedOut = !consume(consumer, signals);
            }
            catch (final MagnetarClientException | RuntimeException ex)
            {
                System.err.println("consume failed after " + received + " messages: " + ex.getMessage());
                return 1;
            }

            if (timedOut)
            {
                return 1;
            }
            // Ctrl-C is how a run without -n ends; with -n, a signal cut the run short
            return signals.isStopRequested() && 0 != count ? signals.signalExitCode() : 0;
        }
    }

    /**
     * @return false if no message came within --wait.
     */
    private boolean consume(final Consumer consumer, final StopSignals signals) throws MagnetarClientException
    {
        long idleSinceNs = System.nanoTime();
        while ((0 == count || received < count) && !signals.isStopRequested())
        {
            final Message message = consumer.receive(100, TimeUnit.MILLISECONDS);
            if (null == message)
            {
                if (waitSeconds > 0 && System.nanoTime() - idleSinceNs > TimeUnit.SECONDS.toNanos(waitSeconds))
                {
                    System.err.println("consume: no message for " + waitSeconds + " s; received " + received);
                    return false;
                }
                continue;
            }
            final String content = new String(message.getData(), StandardCharsets.UTF_8);
            System.out.println(printMetadata ? withMetadata(message, content) : content);
            System.out.flush();
            consumer.acknowledge(message);
            received++;
            idleSinceNs = System.nanoTime();
        }

        return true;
    }

    private static String withMetadata(final Message message, final String content)
    {
        return "publishTime:[" + Instant.ofEpochMilli(message.getPublishTime()) + "], " +
            "eventTime:[" + (0 == message.getEventTime() ? "0" : Instant.ofEpochMilli(message.getEventTime())) + "], " +
            "messageId:[" + message.getMessageId() + "], " +
            "sequenceId:[" + message.getSequenceId() + "], " +
            "producerName:[" + message.getProducerName() + "], " +
            "redeliveryCount:[" + message.getRedeliveryCount() + "], " +
            "key:[" + (message.hasKey() ? message.getKey() : "null") + "], " +
            "properties:[" + properties(message.getProperties()) + "], " +
            "content:" + content;
    }

    private static String properties(final java.util.Map<String, String> properties)
    {
        final StringBuilder text = new StringBuilder();
        for (final java.util.Map.Entry<String, String> property : properties.entrySet())
        {
            if (text.length() > 0)
            {
                text.append(", ");
            }
            text.append(property.getKey()).append('=').append(property.getValue());
        }
        return text.toString();
    }
}
