package io.magnetar.tools;

import io.aeron.CommonContext;
import org.agrona.IoUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The start-up error table: each bad option or environment of {@code standalone} gives one line naming the option or
 * path, its own exit code, no stack trace, and writes nothing to the data directory.
 */
class StartupErrorsTest
{
    private static final long TIMEOUT_MS = 60_000;

    @TempDir
    File workDir;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final String aeronDir = CommonContext.getAeronDirectoryName() + "-startup-test-" +
        ProcessHandle.current().pid();
    private PrintStream originalErr;
    private File dataDir;

    @BeforeEach
    void captureErr()
    {
        originalErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        dataDir = new File(workDir, "data");
    }

    @AfterEach
    void restore()
    {
        System.setErr(originalErr);
        IoUtil.delete(new File(aeronDir), true);
        IoUtil.delete(new File(aeronDir + "-2"), true);
    }

    @Test
    void shouldRefuseBadOptionsWithOneLineEachAndWriteNothing() throws IOException
    {
        final File aFile = new File(workDir, "a-file");
        Files.writeString(aFile.toPath(), "not a directory");

        assertRefused(2, "--profile", "--profile", "fast");
        assertRefused(2, "--durability", "--durability", "never");
        assertRefused(2, "--shards", "--shards", "0");
        assertRefused(2, "--shards", "--shards", "2000");
        assertRefused(2, "--shards", "--shards", "abc");
        assertRefused(2, "--port", "--port", "-1");
        assertRefused(2, "--port", "--port", "70000");
        assertRefused(2, "--port", "--port", "abc");
        assertRefused(2, "--retention-size: bad size 'abc'", "--retention-size", "abc");
        assertRefused(2, "--retention-time: bad duration", "--retention-time", "soon");
        assertRefused(2, "--message-ttl: bad duration", "--message-ttl", "5q");
        assertRefused(2, "--backlog-quota-policy", "--backlog-quota-policy", "drop");
        assertRefused(2, "--bind", "--bind", "999.1.1.1");
        assertRefused(2, "Unknown option: '--nosuch'", "--nosuch");
        assertRefused(2, "--auth-secret-key: the secret key has 15 bytes", "--auth-secret-key", aFile.getPath());
        assertRefused(2, "--auth-public-key: not an RSA public key", "--auth-public-key", aFile.getPath());
        assertRefused(2, "--auth-secret-key: cannot read", "--auth-secret-key", new File(aFile, "x").getPath());
        assertRefused(3, aFile.getPath() + " is not a directory", "--data-dir", aFile.getPath());
        assertRefused(3, "cannot be created", "--data-dir", new File(aFile, "below").getPath());
        assertRefused(7, "--aeron-dir", "--aeron-dir", new File(aFile, "aeron").getPath());
    }

    @Test
    void shouldRefuseAReadOnlyDataDirectory() throws Exception
    {
        final File mount = new File(workDir, "read-only");
        assertTrue(mount.mkdirs());
        assumeTrue(run("mount", "-t", "tmpfs", "-o", "size=1m,ro", "tmpfs", mount.getPath()),
            "skipped: this machine cannot mount a read-only tmpfs (needs root)");
        try
        {
            assertRefused(3, "is not writable", "--data-dir", new File(mount, "data").getPath());
            assertRefused(3, "is not writable", "--data-dir", mount.getPath());
        }
        finally
        {
            run("umount", mount.getPath());
        }
    }

    @Test
    void shouldNameTheBrokerThatHoldsTheDataDirectoryThePortOrTheDriver() throws Exception
    {
        try (ForkedTool broker = ForkedTool.start(workDir, "standalone", "standalone", "--data-dir",
            dataDir.getPath(), "--port", "0", "--http-port", "0", "--aeron-dir", aeronDir))
        {
            broker.awaitOutput("magnetar standalone ready", TIMEOUT_MS);
            final List<String> files = Arrays.asList(dataDir.list());
            final long markFileModified = new File(dataDir, "magnetar-mark.dat").lastModified();

            assertRefused(4, dataDir.getAbsolutePath() + " is in use by the broker with pid " + broker.pid(),
                "--data-dir", dataDir.getPath(), "--aeron-dir", aeronDir + "-2", "--port", "0");
            assertRefused(6, "a media driver (pid " + broker.pid() + ") is already running in " + aeronDir,
                "--data-dir", new File(workDir, "other").getPath(), "--aeron-dir", aeronDir);
            assertEquals(files, Arrays.asList(dataDir.list()), "the data directory is as it was");
            assertEquals(markFileModified, new File(dataDir, "magnetar-mark.dat").lastModified());
            assertFalse(new File(aeronDir + "-2").exists());
            assertFalse(new File(workDir, "other").exists());

            final Matcher port = Pattern.compile("serviceUrl=magnetar://[^:]+:(\\d+)").matcher(broker.output());
            assertTrue(port.find(), broker.output());
            assertRefused(5, "UDP port " + port.group(1) + " on 0.0.0.0 is in use",
                "--data-dir", new File(workDir, "other").getPath(), "--aeron-dir", aeronDir + "-2",
                "--port", port.group(1));
        }
    }

    @Test
    void shouldRefuseAPortTakenByAnotherProcess() throws Exception
    {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
        {
            assertRefused(5, "UDP port " + socket.getLocalPort() + " on 127.0.0.1 is in use",
                "--bind", "127.0.0.1", "--port", Integer.toString(socket.getLocalPort()));
        }
    }

    @Test
    void shouldRefuseAnHttpPortTakenByAnotherProcess() throws Exception
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            assertRefused(5, "HTTP port " + socket.getLocalPort() + " on 127.0.0.1 is in use",
                "--bind", "127.0.0.1", "--http-port", Integer.toString(socket.getLocalPort()));
        }
        assertFalse(dataDir.exists() && 0 != dataDir.list().length, "nothing written to the data directory");
    }

    private void assertRefused(final int exitCode, final String expected, final String... options)
    {
        err.reset();
        final List<String> args = new ArrayList<>(List.of("standalone"));
        args.addAll(Arrays.asList(options));
        final String[][] defaults = { { "--data-dir", dataDir.getPath() }, { "--aeron-dir", aeronDir },
            { "--port", "0" }, { "--http-port", "0" } };
        for (final String[] option : defaults)
        {
            if (!args.contains(option[0]))
            {
                args.addAll(Arrays.asList(option));
            }
        }
        final String described = String.join(" ", options);

        final int code = MagnetarTool.commandLine().execute(args.toArray(new String[0]));

        final String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(exitCode, code, described + ": " + text);
        assertEquals(1, text.lines().count(), described + ": one line: " + text);
        assertTrue(text.startsWith("magnetar standalone: "), described + ": " + text);
        assertTrue(text.contains(expected), described + ": expected '" + expected + "' in " + text);
        assertFalse(text.contains("Exception"), described + ": " + text);
        if (!Arrays.asList(options).contains("--data-dir"))
        {
            assertFalse(dataDir.exists(), described + ": nothing is written to the data directory");
        }
        assertFalse(new File(aeronDir).exists() && !Arrays.asList(options).contains("--aeron-dir"),
            described + ": no Aeron directory is left");
    }

    private static boolean run(final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            return false;
        }

        return 0 == process.exitValue();
    }
}
