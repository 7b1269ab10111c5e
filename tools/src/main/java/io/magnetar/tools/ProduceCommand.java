package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code magnetar produce TOPIC -m MSG [-n N]}: send messages and report how many the broker acknowledged.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send messages to a topic. Prints how many were acknowledged (stored) by the broker, also on " +
        "failure.")
final class ProduceCommand implements Callable<Integer>
{
    @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
    String topic;

    @Option(names = { "-m", "--messages" }, required = true, split = ",",
        description = "Message payload(s); several are separated by commas and sent in turn.")
    String[] messages;

    @Option(names = { "-n", "--num-produce" }, description = "How many times to send the messages. Default: 1")
    int count = 1;

    @Option(names = { "-k", "--key" }, description = "Message key.")
    String key;

    @Mixin
    ClientOptions clientOptions;

    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();

    public Integer call()
    {
        if (count < 0)
        {
            System.err.println("produce: -n must not be negative");
            return 2;
        }

        final Thread reporter = new Thread(this::report, "magnetar-produce-report");
        Runtime.getRuntime().addShutdownHook(reporter);
        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (MagnetarClient client = clientOptions.connect("magnetar-produce");
            Producer producer = client.newProducer().topic(topic).create())
        {
            CompletableFuture<MessageId> last = null;
            for (int i = 0; i < count && null == failure.get(); i++)
            {
                for (final String message : messages)
                {
                    last = producer.sendAsync(key, message.getBytes(StandardCharsets.UTF_8));
                    sent.incrementAndGet();
                    last.whenComplete((id, error) ->
                    {
                        if (null == error)
                        {
                            acknowledged.incrementAndGet();
                        }
                        else
                        {
                            failure.compareAndSet(null, error);
                        }
                    });
                }
            }
            producer.flush();
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            failure.compareAndSet(null, ex);
        }

        Runtime.getRuntime().removeShutdownHook(reporter);
        report();
        final Throwable error = failure.get();
        if (null != error)
        {
            System.err.println("produce failed: " + error.getMessage());
            return 1;
        }

        return 0;
    }

    private void report()
    {
        System.out.println(sent.get() + " messages sent to " + topic + ", " + acknowledged.get() + " acknowledged");
        System.out.flush();
    }
}
