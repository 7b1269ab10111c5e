package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Reader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code magnetar read}: read a topic with a reader (no subscription is kept), as {@code pulsar-client read}.
 */
@Command(
    name = "read",
    mixinStandardHelpOptions = true,
    description = "Read messages from a topic with a reader (a non-durable subscription: nothing is kept), print one " +
        "payload per line.")
final class ReadCommand implements Callable<Integer>
{
    @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
    String topic;

    @Option(names = { "-m", "--start-message-id" }, description = "Where to start: earliest, latest, or a message " +
        "id SHARD:POSITION (read from the message after it). Default: ${DEFAULT-VALUE}")
    String start = "latest";

    @Option(names = { "-n", "--num-messages" }, description = "Messages to read; 0 means until Ctrl-C. Default: 1")
    int count = 1;

    @Option(names = "--wait", description = "Give up after this many seconds without a message; 0 waits forever. " +
        "Default: ${DEFAULT-VALUE}")
    long waitSeconds = 0;

    @Mixin
    ClientOptions clientOptions;

    private int read;

    public Integer call()
    {
        final MessageId startMessageId;
        if ("earliest".equalsIgnoreCase(start))
        {
            startMessageId = MessageId.EARLIEST;
        }
        else if ("latest".equalsIgnoreCase(start))
        {
            startMessageId = MessageId.LATEST;
        }
        else
        {
            try
            {
                startMessageId = MessageId.parse(start);
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("read: -m must be earliest, latest or SHARD:POSITION, not " + start);
                return 2;
            }
        }
        if (count < 0)
        {
            System.err.println("read: -n must not be negative");
            return 2;
        }

        try (StopSignals signals = StopSignals.install();
            MagnetarClient client = clientOptions.connect("magnetar-read");
            Reader reader = client.newReader().topic(topic).startMessageId(startMessageId).create())
        {
            long idleSinceNs = System.nanoTime();
            while ((0 == count || read < count) && !signals.isStopRequested())
            {
                final Message message = reader.readNext(100, TimeUnit.MILLISECONDS);
                if (null == message)
                {
                    if (waitSeconds > 0 && System.nanoTime() - idleSinceNs > TimeUnit.SECONDS.toNanos(waitSeconds))
                    {
                        System.err.println("read: no message for " + waitSeconds + " s; read " + read);
                        return 1;
                    }
                    continue;
                }
                System.out.println(new String(message.getData(), StandardCharsets.UTF_8));
                System.out.flush();
                read++;
                idleSinceNs = System.nanoTime();
            }
            return signals.isStopRequested() && 0 != count ? signals.signalExitCode() : 0;
        }
        catch (final MagnetarClientException | RuntimeException ex)
        {
            System.err.println("read failed after " + read + " messages: " + ex.getMessage());
            return 1;
        }
    }
}
