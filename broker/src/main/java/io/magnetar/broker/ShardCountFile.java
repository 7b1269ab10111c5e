package io.magnetar.broker;

import io.aeron.exceptions.ConfigurationException;

import java.io.File;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Properties;

/**
 * The shard count a data directory was created with, in its {@value #FILE_NAME}. Topics are routed to shards by
 * the shard count, so a broker must start on a data directory with the count it was created with. The file is
 * written when a broker first starts on the directory, atomically (a temporary file, forced to disk, renamed over,
 * then the directory forced), and never changed after.
 */
final class ShardCountFile
{
    /** Name of the file in the data directory. */
    static final String FILE_NAME = "shards.properties";
    /** Key of the shard count. */
    static final String SHARD_COUNT_KEY = "shard.count";
    /** Key of the routing rule, recorded so that a later rule can tell an older directory. */
    static final String ROUTING_KEY = "topic.routing";
    /** The routing rule of this broker; see the session package's ShardRouter. */
    static final String ROUTING = "murmur3-32-x86(utf-8(canonical topic name), seed 0) unsigned mod shard.count";

    private static final String TEMP_SUFFIX = ".tmp";

    private ShardCountFile()
    {
    }

    /**
     * Check a broker's shard count against its data directory's, or record it if the directory has none yet: a new
     * directory, or one from before shard counts were recorded (its archive is there), which adopts the count.
     *
     * @param dataDir    the broker's data directory; created if missing.
     * @param shardCount the broker is configured with.
     * @param archiveDir where the archive keeps the shard logs.
     * @return what was done, for the start-up log.
     * @throws ShardCountMismatchException if the directory was created with another shard count.
     */
    static String checkOrStore(final File dataDir, final int shardCount, final File archiveDir)
    {
        final Path file = dataDir.toPath().resolve(FILE_NAME);
        if (Files.exists(file))
        {
            final int storedCount = read(file);
            if (storedCount != shardCount)
            {
                throw new ShardCountMismatchException("data directory " + dataDir.getAbsolutePath() +
                    " was created with " + storedCount + " shards (" + FILE_NAME + "), but this broker is configured" +
                    " with " + shardCount + " (--shards " + shardCount + "): its topics are routed by the shard" +
                    " count; start it with --shards " + storedCount);
            }
            return "data directory " + dataDir.getAbsolutePath() + " has " + storedCount + " shards";
        }

        final String[] archiveFiles = null != archiveDir ? archiveDir.list() : null;
        final boolean adopted = null != archiveFiles && archiveFiles.length > 0;
        store(dataDir, file, shardCount);

        if (!adopted)
        {
            return "data directory " + dataDir.getAbsolutePath() + " is new: created with " + shardCount + " shards";
        }

        return "data directory " + dataDir.getAbsolutePath() + " had no " + FILE_NAME + ": it adopts " +
            shardCount + " shards" + (shardCount > 1 ? "; topics stored before shard counts were recorded were " +
            "routed by String.hashCode and may now be looked for on another shard" : "");
    }

    /**
     * @param file to read.
     * @return the shard count it holds.
     */
    static int read(final Path file)
    {
        final Properties properties = new Properties();
        final String value;
        try
        {
            properties.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
            value = properties.getProperty(SHARD_COUNT_KEY);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }

        try
        {
            final int count = Integer.parseInt(null == value ? "" : value.trim());
            if (count >= 1)
            {
                return count;
            }
        }
        catch (final NumberFormatException ignore)
        {
            // reported below with the file's name
        }

        throw new ConfigurationException(file + " has no valid " + SHARD_COUNT_KEY + ": " + value);
    }

    private static void store(final File dataDir, final Path file, final int shardCount)
    {
        final Path temp = file.resolveSibling(FILE_NAME + TEMP_SUFFIX);
        final String text =
            "# the shard count this data directory was created with: a broker on it must use the same\n" +
            SHARD_COUNT_KEY + "=" + shardCount + "\n" +
            ROUTING_KEY + "=" + ROUTING + "\n";
        try
        {
            Files.createDirectories(dataDir.toPath());
            try (FileChannel channel = FileChannel.open(temp,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                final ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.ISO_8859_1));
                while (bytes.hasRemaining())
                {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(dataDir.toPath(), StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot record the shard count in " + file, ex);
        }
    }
}
