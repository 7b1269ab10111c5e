package io.magnetar.tools;

import io.magnetar.broker.BrokerMarkFile;
import io.magnetar.mediadriver.MagnetarMediaDriver;

import java.io.File;
import java.io.IOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.function.Supplier;

/**
 * What {@code standalone} and {@code driver} check before they write anything: the data directory, the Aeron
 * directory and the port. Each failure is one line naming the option or path and what would fix it, with an exit
 * code of its own ({@link Failure}).
 */
final class StartupChecks
{
    /**
     * Why a command could not start, with its exit code.
     */
    enum Failure
    {
        /** Something failed after the checks passed; the message says what. */
        START_FAILED(1),
        /** An option has a bad value. */
        INVALID_OPTION(2),
        /** The data directory is a file, cannot be created or is not writable. */
        DATA_DIR_UNUSABLE(3),
        /** Another broker runs on the data directory. */
        DATA_DIR_IN_USE(4),
        /** The port is taken, or the bind address is not one of this host's. */
        PORT_UNUSABLE(5),
        /** A media driver runs in the Aeron directory. */
        AERON_DIR_IN_USE(6),
        /** The Aeron directory cannot be created or is not writable. */
        AERON_DIR_UNUSABLE(7);

        private final int exitCode;

        Failure(final int exitCode)
        {
            this.exitCode = exitCode;
        }

        /**
         * @return the process's exit code for this failure.
         */
        int exitCode()
        {
            return exitCode;
        }
    }

    /**
     * A check that failed: its message is the one line to print.
     */
    static final class StartupException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        private final Failure failure;

        StartupException(final Failure failure, final String message)
        {
            super(message);
            this.failure = failure;
        }

        StartupException(final Failure failure, final String message, final Throwable cause)
        {
            super(message, cause);
            this.failure = failure;
        }

        Failure failure()
        {
            return failure;
        }
    }

    private StartupChecks()
    {
    }

    /**
     * Parse an option's value, naming the option in the error.
     *
     * @param option name, e.g. {@code --profile}.
     * @param parser of the value; throws IllegalArgumentException on a bad one.
     * @param <T>    type of the value.
     * @return the value.
     * @throws IllegalArgumentException starting with the option's name.
     */
    static <T> T option(final String option, final Supplier<T> parser)
    {
        try
        {
            return parser.get();
        }
        catch (final IllegalArgumentException ex)
        {
            throw new IllegalArgumentException(option + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * A data directory must be a directory this process can write, or one it can create, and no live broker may
     * hold it.
     *
     * @param dataDir the broker's data directory.
     * @throws StartupException if it is unusable or in use.
     */
    static void checkDataDir(final File dataDir)
    {
        checkWritableDirectory(dataDir, "--data-dir", Failure.DATA_DIR_UNUSABLE);

        final long pid = BrokerMarkFile.ownerPid(dataDir);
        if (pid > 0 && pid != ProcessHandle.current().pid() && !MagnetarMediaDriver.isProcessGone(pid))
        {
            throw new StartupException(Failure.DATA_DIR_IN_USE, "data directory " + dataDir.getAbsolutePath() +
                " is in use by the broker with pid " + pid + "; stop it, or give this one another --data-dir");
        }
    }

    /**
     * An Aeron directory must not hold a running driver, and must be writable or creatable.
     *
     * @param aeronDir the media driver's directory.
     * @throws StartupException if a driver runs there or it is unusable.
     */
    static void checkAeronDir(final File aeronDir)
    {
        final long pid = MagnetarMediaDriver.runningDriverPid(aeronDir);
        if (pid > 0)
        {
            throw new StartupException(Failure.AERON_DIR_IN_USE, "a media driver (pid " + pid + ") is already " +
                "running in " + aeronDir + "; stop it, or give this one another --aeron-dir");
        }
        checkWritableDirectory(aeronDir, "--aeron-dir", Failure.AERON_DIR_UNUSABLE);
    }

    /**
     * The bind address must be one of this host's and the UDP port free (0 picks a free one).
     *
     * @param bindAddress address the broker binds its client port to.
     * @param port        UDP port, 0..65535.
     * @throws StartupException if the address is not local or the port is taken.
     */
    static void checkPort(final String bindAddress, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new StartupException(Failure.INVALID_OPTION, "--port: " + port + " is not a port; give 0..65535 " +
                "(0 picks a free one)");
        }
        final InetAddress address;
        try
        {
            address = InetAddress.getByName(bindAddress);
        }
        catch (final UnknownHostException ex)
        {
            throw new StartupException(Failure.INVALID_OPTION, "--bind: '" + bindAddress + "' is not an address " +
                "of this host; give one of its addresses, or 0.0.0.0 for all");
        }
        try (DatagramSocket socket = new DatagramSocket(null))
        {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(address, port));
        }
        catch (final BindException ex)
        {
            if (!address.isAnyLocalAddress() && !isLocal(address))
            {
                throw new StartupException(Failure.INVALID_OPTION, "--bind: " + bindAddress + " is not an " +
                    "address of this host (" + ex.getMessage() + "); give one of its addresses, or 0.0.0.0 for all");
            }
            throw new StartupException(Failure.PORT_UNUSABLE, "UDP port " + port + " on " + bindAddress +
                " is in use (" + ex.getMessage() + "), perhaps by another broker; stop it, or give another --port");
        }
        catch (final SocketException ex)
        {
            throw new StartupException(Failure.PORT_UNUSABLE, "UDP port " + port + " on " + bindAddress +
                " cannot be bound: " + ex.getMessage());
        }
    }

    /**
     * @param bindAddress the HTTP port would bind to.
     * @param port        the admin API's TCP port; 0 picks a free one.
     * @throws StartupException if it is not a port or is in use.
     */
    static void checkHttpPort(final String bindAddress, final int port)
    {
        if (port < 0 || port > 65535)
        {
            throw new StartupException(Failure.INVALID_OPTION, "--http-port: " + port + " is not a port; give " +
                "0..65535 (0 picks a free one)");
        }
        try (ServerSocket socket = new ServerSocket())
        {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(bindAddress), port));
        }
        catch (final IOException ex)
        {
            throw new StartupException(Failure.PORT_UNUSABLE, "HTTP port " + port + " on " + bindAddress +
                " is in use or cannot be bound (" + ex.getMessage() + "); stop what holds it, give another " +
                "--http-port, or --no-http");
        }
    }

    private static boolean isLocal(final InetAddress address)
    {
        try
        {
            return address.isLoopbackAddress() || null != NetworkInterface.getByInetAddress(address);
        }
        catch (final SocketException ex)
        {
            return false;
        }
    }

    /**
     * @param dir     a directory to be used, or created.
     * @param option  that names it.
     * @param failure to report if it cannot be.
     * @throws StartupException if it is a file, or it (or where it would be created) is not writable.
     */
    static void checkWritableDirectory(final File dir, final String option, final Failure failure)
    {
        if (dir.exists() && !dir.isDirectory())
        {
            throw new StartupException(failure, option + ": " + dir.getAbsolutePath() + " is not a directory; " +
                "give a directory, or a path where one can be created");
        }

        // the directory, or the nearest existing one above it, where it would be created
        File existing = dir.getAbsoluteFile();
        while (null != existing && !existing.exists())
        {
            existing = existing.getParentFile();
        }
        if (null == existing || !existing.isDirectory())
        {
            throw new StartupException(failure, option + ": " + dir.getAbsolutePath() + " cannot be created: " +
                existing + " is not a directory");
        }

        try
        {
            // a probe file, deleted at once: the only reliable test (a read-only mount, or root's permissions)
            final File probe = File.createTempFile(".magnetar-probe-", ".tmp", existing);
            if (!probe.delete())
            {
                throw new IOException("cannot delete " + probe);
            }
        }
        catch (final IOException | SecurityException ex)
        {
            throw new StartupException(failure, option + ": " + dir.getAbsolutePath() + " is not writable (" +
                (existing.equals(dir.getAbsoluteFile()) ? "" : "in " + existing + ": ") + ex.getMessage() +
                "); give a writable directory");
        }
    }
}
