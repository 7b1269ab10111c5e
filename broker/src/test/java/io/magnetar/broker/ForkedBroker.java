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

    /**
     * @return a UDP port free at the time of the call, for a broker that must come back on the same port.
     * @throws java.io.IOException if no socket can be opened.
     */
    static int freePort() throws java.io.IOException
    {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0))
        {
            return socket.getLocalPort();
        }
    }

    /**
     * Kill a forked broker with SIGKILL, if there is one, and wait for it to go.
     *
     * @param process of the broker, or null.
     * @throws InterruptedException if interrupted while waiting.
     */
    static void kill(final Process process) throws InterruptedException
    {
        if (null != process)
        {
            process.destroyForcibly();
            process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    /**
     * Start a broker in a JVM of its own and wait for its port.
     *
     * @param dataDir    of the broker.
     * @param aeronDir   of its media driver.
     * @param workDir    for the port file and the log.
     * @param name       of this start, for the file names.
     * @param durability of the archive: archived or fsync.
     * @param started    receives the process as soon as it runs, so a caller can kill it whatever happens next.
     * @return the broker's UDP port.
     * @throws Exception if it does not start within 60 s.
     */
    static int start(
        final File dataDir,
        final String aeronDir,
        final File workDir,
        final String name,
        final String durability,
        final java.util.function.Consumer<Process> started) throws Exception
    {
        return start(dataDir, aeronDir, workDir, name, durability, 0, started);
    }

    /**
     * Start a broker in a JVM of its own on a given port and wait for it.
     *
     * @param dataDir    of the broker.
     * @param aeronDir   of its media driver.
     * @param workDir    for the port file and the log.
     * @param name       of this start, for the file names.
     * @param durability of the archive: archived or fsync.
     * @param port       UDP port, or 0 for any.
     * @param started    receives the process as soon as it runs.
     * @return the broker's UDP port.
     * @throws Exception if it does not start within 60 s.
     */
    static int start(
        final File dataDir,
        final String aeronDir,
        final File workDir,
        final String name,
        final String durability,
        final int port,
        final java.util.function.Consumer<Process> started) throws Exception
    {
        final File portFile = new File(workDir, name + ".port");
        final File log = new File(workDir, name + ".log");
        final String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        final ProcessBuilder builder = new ProcessBuilder(
            javaBin,
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
            "-Daeron.client.liveness.timeout=60000000000",
            "-Daeron.driver.timeout=60000",
            "-Daeron.publication.unblock.timeout=65000000000",
            "-Xmx256m",
            "-cp", System.getProperty("java.class.path"),
            ForkedBroker.class.getName(),
            dataDir.getAbsolutePath(),
            aeronDir,
            portFile.getAbsolutePath(),
            durability,
            Integer.toString(port));
        builder.redirectErrorStream(true).redirectOutput(log);
        final Process process = builder.start();
        started.accept(process);

        final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!portFile.exists())
        {
            if (!process.isAlive() || System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("forked broker did not start: " + Files.readString(log.toPath()));
            }
            Thread.sleep(20);
        }

        return Integer.parseInt(Files.readString(portFile.toPath()).trim());
    }

    private static void run(final String[] args) throws Exception
    {
        final BrokerHarness harness = new BrokerHarness(new File(args[0]), args[1]);
        if (args.length > 3)
        {
            harness.durability = io.magnetar.mediadriver.Durability.parse(args[3]);
        }
        if (args.length > 4)
        {
            harness.port = Integer.parseInt(args[4]);
        }
        // frequent index snapshots, so crashes also land during snapshots and recovery starts from them
        harness.indexSnapshotIntervalBytes = 4 * 1024 * 1024;
        harness.start();
        final File portFile = new File(args[2]);
        final File tmp = new File(args[2] + ".tmp");
        Files.write(tmp.toPath(), Integer.toString(harness.broker.port()).getBytes(StandardCharsets.US_ASCII));
        Files.move(tmp.toPath(), portFile.toPath());
        Thread.sleep(Long.MAX_VALUE);
    }
}
