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
     * @param args data directory, Aeron directory, file to write the bound port to.
     * @throws Exception if the broker cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        final BrokerHarness harness = new BrokerHarness(new File(args[0]), args[1]).start();
        final File portFile = new File(args[2]);
        final File tmp = new File(args[2] + ".tmp");
        Files.write(tmp.toPath(), Integer.toString(harness.broker.port()).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp.toPath(), portFile.toPath());
        Thread.sleep(Long.MAX_VALUE);
    }
}
