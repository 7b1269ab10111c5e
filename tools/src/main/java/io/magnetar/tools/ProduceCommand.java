package io.magnetar.tools;

import io.magnetar.client.CompressionType;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code magnetar produce TOPIC -m MSG|-f FILE [-n N]}: send messages and report how many the broker acknowledged.
 */
@Command(
    name = "produce",
    mixinStandardHelpOptions = true,
    description = "Send messages to a topic. Prints how many were acknowledged (stored) by the broker, also on " +
        "failure. A message holds at most 1,040,384 bytes (the broker's magnetar.max.message.size), or 64 MiB " +
        "with --chunking.")
final class ProduceCommand implements Callable<Integer>
{
    @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
    String topic;

    @Option(names = { "-m", "--messages" }, split = ",",
        description = "Message payload(s); several are separated by commas and sent in turn.")
    String[] messages;

    @Option(names = { "-f", "--files" }, split = ",",
        description = "Files whose contents are the payloads, one message per file; several are separated by " +
            "commas and sent in turn. Cannot be used with -m.")
    File[] files;

    @Option(names = { "-n", "--num-produce" }, description = "How many times to send the messages. Default: 1")
    int count = 1;

    @Option(names = { "-k", "--key" }, description = "Message key.")
    String key;

    @Option(names = { "-p", "--properties" }, split = ",", paramLabel = "KEY=VALUE",
        description = "Properties of each message, e.g. -p region=eu,tier=gold (or -p given more than once).")
    Map<String, String> properties;

    @Option(names = { "-r", "--rate" }, description = "Messages per second; 0 sends as fast as the broker takes " +
        "them. Default: ${DEFAULT-VALUE}")
    double rate = 0;

    @Option(names = { "-z", "--compression" }, paramLabel = "CODEC",
        description = "Compress each message, or each batch: none, lz4, zlib, zstd or snappy. Default: none")
    String compression = "none";

    @Option(names = { "-b", "--batching" },
        description = "Group messages into batches (at most 1 ms, 1000 messages or 128 KiB each), stored and " +
            "delivered as one entry. Off by default.")
    boolean batching;

    @Option(names = { "-db", "--disable-batching" }, description = "Send each message as an entry of its own " +
        "(the default).")
    boolean disableBatching;

    @Option(names = { "-c", "--chunking" },
        description = "Split a message larger than the broker's maximum message size into chunks (up to 64 MiB a " +
            "message); consumers put them together. Not with --batching.")
    boolean chunking;

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
        if (!(rate >= 0) || Double.isInfinite(rate))
        {
            System.err.println("produce: -r must be a number of messages per second, 0 for no limit");
            return 2;
        }
        if (batching && (disableBatching || chunking))
        {
            System.err.println("produce: --batching cannot be used with " +
                (disableBatching ? "--disable-batching" : "--chunking"));
            return 2;
        }
        final CompressionType compressionType;
        try
        {
            compressionType = CompressionType.valueOf(compression.trim().toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("produce: -z: unknown compression '" + compression +
                "': expected none, lz4, zlib, zstd or snappy");
            return 2;
        }
        final byte[][] payloads;
        try
        {
            payloads = payloads();
        }
        catch (final IllegalArgumentException ex)
        {
            System.err.println("produce: " + ex.getMessage());
            return 2;
        }

        final AtomicReference<Throwable> failure = new AtomicReference<>();
        try (StopSignals signals = StopSignals.install())
        {
            try (MagnetarClient client = clientOptions.connect("magnetar-produce");
                Producer producer = client.newProducer().topic(topic).enableBatching(batching)
                    .compressionType(compressionType).enableChunking(chunking).create())
            {
                final long startNs = System.nanoTime();
                final double intervalNs = rate > 0 ? 1e9 / rate : 0;
                long sentSoFar = 0;
                for (int i = 0; i < count && null == failure.get() && !signals.isStopRequested(); i++)
                {
                    for (final byte[] payload : payloads)
                    {
                        if (intervalNs > 0)
                        {
                            awaitTurn(startNs + (long)(sentSoFar * intervalNs), signals);
                        }
                        sentSoFar++;
                        final CompletableFuture<MessageId> receipt = null == properties ?
                            producer.sendAsync(key, payload) :
                            producer.newMessage().key(key).properties(properties).value(payload).sendAsync();
                        sent.incrementAndGet();
                        receipt.whenComplete((id, error) ->
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

            report();
            final Throwable error = failure.get();
            if (null != error)
            {
                System.err.println("produce failed: " + error.getMessage());
                return 1;
            }

            return signals.isStopRequested() ? signals.signalExitCode() : 0;
        }
    }

    private static void awaitTurn(final long dueNs, final StopSignals signals)
    {
        long waitNs;
        while ((waitNs = dueNs - System.nanoTime()) > 0 && !signals.isStopRequested())
        {
            LockSupport.parkNanos(Math.min(waitNs, 10_000_000));
        }
    }

    private byte[][] payloads()
    {
        if ((null == messages) == (null == files))
        {
            throw new IllegalArgumentException("give the payloads with -m or with -f (one of them)");
        }
        if (null != messages)
        {
            final byte[][] payloads = new byte[messages.length][];
            for (int i = 0; i < messages.length; i++)
            {
                payloads[i] = messages[i].getBytes(StandardCharsets.UTF_8);
            }
            return payloads;
        }

        final byte[][] payloads = new byte[files.length][];
        for (int i = 0; i < files.length; i++)
        {
            try
            {
                payloads[i] = Files.readAllBytes(files[i].toPath());
            }
            catch (final NoSuchFileException ex)
            {
                throw new IllegalArgumentException("-f: no such file: " + files[i]);
            }
            catch (final IOException | RuntimeException ex)
            {
                throw new IllegalArgumentException("-f: cannot read " + files[i] + ": " + ex);
            }
        }
        return payloads;
    }

    private void report()
    {
        System.out.println(sent.get() + " messages sent to " + topic + ", " + acknowledged.get() + " acknowledged");
        System.out.flush();
    }
}
