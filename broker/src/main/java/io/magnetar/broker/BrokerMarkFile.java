package io.magnetar.broker;

import org.agrona.IoUtil;
import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The broker's mark file, {@value #FILE_NAME} in its data directory: a small header and the broker's distinct error
 * log, memory-mapped so the errors survive the process and can be read by another one ({@code bin/magnetar errors}).
 * <p>
 * Layout: {@code int version} (written last), {@code int headerLength}, {@code long pid}, {@code long startTimeMs},
 * {@code int errorLogLength}, then at {@link #HEADER_LENGTH} the error log of an Agrona
 * {@link org.agrona.concurrent.errors.DistinctErrorLog}. When a broker starts on a data directory whose mark file
 * holds errors of an earlier run, they are first saved as text to {@code magnetar-errors-<start time>.log}.
 */
public final class BrokerMarkFile implements AutoCloseable
{
    /**
     * Name of the mark file in the broker's data directory.
     */
    public static final String FILE_NAME = "magnetar-mark.dat";

    /**
     * Version of the layout.
     */
    public static final int VERSION = 1;

    /**
     * Length of the header; the error log starts here.
     */
    public static final int HEADER_LENGTH = 128;

    static final int VERSION_OFFSET = 0;
    static final int HEADER_LENGTH_OFFSET = 4;
    static final int PID_OFFSET = 8;
    static final int START_TIME_OFFSET = 16;
    static final int ERROR_LOG_LENGTH_OFFSET = 24;

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS")
        .withZone(ZoneOffset.UTC);

    private final File file;
    private final MappedByteBuffer mappedBuffer;
    private final UnsafeBuffer errorBuffer;
    private final File savedErrors;

    /**
     * Create a new mark file in a data directory, saving the errors of an earlier one first.
     *
     * @param dataDir        data directory of the broker; created if missing.
     * @param errorLogLength bytes of the error log.
     * @param startTimeMs    start time of this broker, epoch ms.
     */
    public BrokerMarkFile(final File dataDir, final int errorLogLength, final long startTimeMs)
    {
        if (errorLogLength < 1024)
        {
            throw new IllegalArgumentException("error log length must be at least 1024: " + errorLogLength);
        }
        IoUtil.ensureDirectoryExists(dataDir, "data directory");
        file = new File(dataDir, FILE_NAME);
        savedErrors = file.exists() ? saveErrors(file, dataDir) : null;
        IoUtil.deleteIfExists(file);

        mappedBuffer = IoUtil.mapNewFile(file, HEADER_LENGTH + (long)errorLogLength);
        final UnsafeBuffer header = new UnsafeBuffer(mappedBuffer, 0, HEADER_LENGTH);
        header.putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH);
        header.putLong(PID_OFFSET, ProcessHandle.current().pid());
        header.putLong(START_TIME_OFFSET, startTimeMs);
        header.putInt(ERROR_LOG_LENGTH_OFFSET, errorLogLength);
        header.putIntVolatile(VERSION_OFFSET, VERSION);
        errorBuffer = new UnsafeBuffer(mappedBuffer, HEADER_LENGTH, errorLogLength);
    }

    /**
     * @return the mark file.
     */
    public File file()
    {
        return file;
    }

    /**
     * @return the buffer of the distinct error log.
     */
    public AtomicBuffer errorBuffer()
    {
        return errorBuffer;
    }

    /**
     * @return the file the errors of an earlier run were saved to when this one started, or null if there were none.
     */
    public File savedErrors()
    {
        return savedErrors;
    }

    /**
     * Unmap the file; it stays on disk with its errors.
     */
    public void close()
    {
        IoUtil.unmap(mappedBuffer);
    }

    /**
     * @param dataDir a broker's data directory.
     * @return the pid recorded in its mark file by the broker that last started on it, or -1 if there is no
     * readable mark file.
     */
    public static long ownerPid(final File dataDir)
    {
        final File markFile = new File(dataDir, FILE_NAME);
        if (!markFile.isFile() || markFile.length() < HEADER_LENGTH)
        {
            return -1;
        }
        MappedByteBuffer mapped = null;
        try
        {
            mapped = IoUtil.mapExistingFile(markFile, FileChannel.MapMode.READ_ONLY, FILE_NAME, 0, HEADER_LENGTH);
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);

            return VERSION == header.getIntVolatile(VERSION_OFFSET) ? header.getLong(PID_OFFSET) : -1;
        }
        catch (final RuntimeException ex)
        {
            return -1;
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Print the header and the distinct errors of a mark file; it may belong to a broker that is running or gone.
     *
     * @param markFile the mark file, e.g. {@code magnetar-data/magnetar-mark.dat}.
     * @param out      to print to.
     * @return the number of distinct errors.
     * @throws IllegalStateException if the file is not a mark file of this version.
     */
    public static int printErrors(final File markFile, final PrintStream out)
    {
        if (!markFile.isFile())
        {
            throw new IllegalStateException("no mark file: " + markFile);
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(markFile, FileChannel.MapMode.READ_ONLY, FILE_NAME);
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, Math.min(HEADER_LENGTH, mapped.capacity()));
            if (mapped.capacity() < HEADER_LENGTH || VERSION != header.getIntVolatile(VERSION_OFFSET))
            {
                throw new IllegalStateException("not a Magnetar mark file of version " + VERSION + ": " + markFile);
            }
            final int errorLogLength = header.getInt(ERROR_LOG_LENGTH_OFFSET);
            if (errorLogLength < 0 || HEADER_LENGTH + (long)errorLogLength > mapped.capacity())
            {
                throw new IllegalStateException("error log length " + errorLogLength + " does not fit " + markFile);
            }

            out.println("broker pid " + header.getLong(PID_OFFSET) + ", started " +
                Instant.ofEpochMilli(header.getLong(START_TIME_OFFSET)) + ", error log of " + errorLogLength +
                " bytes in " + markFile);
            return printErrorLog(new UnsafeBuffer(mapped, HEADER_LENGTH, errorLogLength), out);
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Print each distinct error of an error log with how often and when it was seen, then their count.
     *
     * @param errorLog buffer of a distinct error log.
     * @param out      to print to.
     * @return the number of distinct errors.
     */
    static int printErrorLog(final AtomicBuffer errorLog, final PrintStream out)
    {
        final int distinctErrors = ErrorLogReader.read(
            errorLog,
            (observationCount, firstObservationTimestamp, lastObservationTimestamp, encodedException) ->
            {
                out.println();
                out.println("seen " + observationCount + " time(s), first " +
                    Instant.ofEpochMilli(firstObservationTimestamp) + ", last " +
                    Instant.ofEpochMilli(lastObservationTimestamp) + ":");
                out.println(encodedException);
            });
        out.println();
        out.println(distinctErrors + " distinct error(s)");

        return distinctErrors;
    }

    private static File saveErrors(final File markFile, final File dataDir)
    {
        if (markFile.length() < HEADER_LENGTH)
        {
            return null;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(markFile, FileChannel.MapMode.READ_ONLY, FILE_NAME);
        try
        {
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            final int errorLogLength = header.getInt(ERROR_LOG_LENGTH_OFFSET);
            if (VERSION != header.getIntVolatile(VERSION_OFFSET) ||
                errorLogLength < 0 || HEADER_LENGTH + (long)errorLogLength > mapped.capacity())
            {
                return null;
            }
            final UnsafeBuffer errorLog = new UnsafeBuffer(mapped, HEADER_LENGTH, errorLogLength);
            if (!ErrorLogReader.hasErrors(errorLog))
            {
                return null;
            }

            final String startTime = FILE_TIME.format(Instant.ofEpochMilli(header.getLong(START_TIME_OFFSET)));
            final File saved = new File(dataDir, "magnetar-errors-" + startTime + ".log");
            try (PrintStream out = new PrintStream(saved, StandardCharsets.UTF_8))
            {
                out.println("errors of broker pid " + header.getLong(PID_OFFSET) + ", started " +
                    Instant.ofEpochMilli(header.getLong(START_TIME_OFFSET)));
                printErrorLog(errorLog, out);
            }

            return saved;
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("could not save the errors of " + markFile, ex);
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
