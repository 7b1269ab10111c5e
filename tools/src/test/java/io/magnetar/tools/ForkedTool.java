package io.magnetar.tools;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bin/magnetar} command in a JVM of its own, so a test can send it signals: stdout and stderr go to a log
 * file the test reads.
 */
final class ForkedTool implements AutoCloseable
{
    private final Process process;
    private final File log;

    private ForkedTool(final Process process, final File log)
    {
        this.process = process;
        this.log = log;
    }

    /**
     * @param workDir for the log file.
     * @param name    of the log file.
     * @param args    the command line after {@code bin/magnetar}.
     * @return the running command.
     * @throws IOException if the JVM cannot be started.
     */
    static ForkedTool start(final File workDir, final String name, final String... args) throws IOException
    {
        final File log = new File(workDir, name + ".log");
        final String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        final List<String> command = new ArrayList<>(Arrays.asList(
            javaBin,
            "--add-opens", "java.base/jdk.internal.misc=ALL-UNNAMED",
            "--add-opens", "java.base/java.util.zip=ALL-UNNAMED",
            "-Daeron.client.liveness.timeout=60000000000",
            "-Daeron.driver.timeout=60000",
            "-Daeron.publication.unblock.timeout=65000000000",
            "-XX:TieredStopAtLevel=1",
            "-Xmx128m",
            "-cp", System.getProperty("java.class.path"),
            MagnetarTool.class.getName()));
        command.addAll(Arrays.asList(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log).start();

        return new ForkedTool(process, log);
    }

    long pid()
    {
        return process.pid();
    }

    String output()
    {
        try
        {
            return log.exists() ? Files.readString(log.toPath()) : "";
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Wait until the output holds a text.
     *
     * @param text      to wait for.
     * @param timeoutMs bound of the wait.
     * @throws InterruptedException if interrupted.
     * @throws AssertionError       if the text does not appear in time or the process exits without it.
     */
    void awaitOutput(final String text, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!output().contains(text))
        {
            if (!process.isAlive() && !output().contains(text))
            {
                throw new AssertionError("exited (" + process.exitValue() + ") without '" + text + "': " + output());
            }
            if (System.nanoTime() - deadlineNs > 0)
            {
                throw new AssertionError("no '" + text + "' within " + timeoutMs + " ms: " + output());
            }
            Thread.sleep(20);
        }
    }

    /**
     * @param timeoutMs bound of the wait.
     * @return the exit code.
     * @throws InterruptedException if interrupted.
     * @throws AssertionError       if the process is still running after the timeout.
     */
    int awaitExit(final long timeoutMs) throws InterruptedException
    {
        if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS))
        {
            throw new AssertionError("still running after " + timeoutMs + " ms: " + output());
        }

        return process.exitValue();
    }

    /**
     * @param signal name for {@code kill}, e.g. INT, TERM or KILL.
     * @throws Exception if {@code kill} fails.
     */
    void signal(final String signal) throws Exception
    {
        final Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || 0 != kill.exitValue())
        {
            throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
        }
    }

    /**
     * Kill the process if it still runs.
     */
    public void close()
    {
        process.destroyForcibly();
        try
        {
            process.waitFor(10, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
