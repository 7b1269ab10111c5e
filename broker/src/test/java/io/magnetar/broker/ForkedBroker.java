package io.magnetar.broker;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * A broker in a JVM of its own, so a test can kill it with SIGKILL. Arguments: data dir, Aeron dir, port file.
 */
public final class ForkedBroker
{
    private ForkedBroker()
    {
    }

    /**
     * @param args data directory, Aeron directory, file to write the bound port to, and optionally the durability.
     * @throws Exception if the broker cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        try
        {
            run(args);
        }
        catch (final Throwable ex)
        {
            ex.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(final String[] args) throws Exception
    {
        final BrokerHarness harness = new BrokerHarness(new File(args[0]), args[1]);
        if (args.length > 3)
        {
            harness.durability = io.magnetar.mediadriver.Durability.parse(args[3]);
        }
        harness.start();
        final File portFile = new File(args[2]);
        final File tmp = new File(args[2] + ".tmp");
        Files.write(tmp.toPath(), Integer.toString(harness.broker.port()).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp.toPath(), portFile.toPath());
        Thread.sleep(Long.MAX_VALUE);
    }
}
