package io.magnetar.broker.metadata;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The embedded metadata store: one JSON document ({@value #FILE_NAME}) in the data directory, replaced as a whole on
 * each change: written to a temporary file, forced to disk, renamed over the old one and the directory forced, so a
 * crash leaves either the old document or the new one. Changes are serialised by this object's lock; reads come
 * from an immutable snapshot in memory.
 */
public final class FileMetadataStore implements MetadataStore
{
    /** Name of the document in the data directory. */
    public static final String FILE_NAME = "metadata.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
        .enable(SerializationFeature.INDENT_OUTPUT)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final File file;
    private final File directory;
    private volatile MetadataSnapshot snapshot;

    /**
     * Open the store in a data directory, reading the document if there is one.
     *
     * @param dataDir the broker's data directory.
     * @throws IOException if the document exists but cannot be read or is malformed.
     */
    public FileMetadataStore(final File dataDir) throws IOException
    {
        this.directory = dataDir;
        this.file = new File(dataDir, FILE_NAME);
        this.snapshot = file.exists() ? read(file) : MetadataSnapshot.EMPTY;
    }

    private static MetadataSnapshot read(final File file) throws IOException
    {
        try
        {
            final MetadataSnapshot document = MAPPER.readValue(file, MetadataSnapshot.class);
            if (null == document)
            {
                throw new IOException("the document is null");
            }
            for (final Map.Entry<String, Integer> entry : document.partitionedTopics().entrySet())
            {
                if (null == entry.getValue() || entry.getValue() < 1)
                {
                    throw new IOException("partitioned topic " + entry.getKey() + " has " + entry.getValue() +
                        " partitions");
                }
            }
            return document;
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IOException("metadata store " + file + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public MetadataSnapshot snapshot()
    {
        return snapshot;
    }

    /**
     * {@inheritDoc}
     */
    public synchronized MetadataSnapshot update(final Change change) throws MetadataException, IOException
    {
        final MetadataSnapshot current = snapshot;
        final MetadataSnapshot next = change.apply(current);
        if (next != current)
        {
            write(next);
        }
        return next;
    }

    private void write(final MetadataSnapshot next) throws IOException
    {
        final File temporary = new File(directory, FILE_NAME + ".tmp");
        final byte[] bytes = MAPPER.writeValueAsBytes(next);
        try (FileChannel channel = FileChannel.open(temporary.toPath(), StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
        {
            final ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
            channel.force(true);
        }
        Files.move(temporary.toPath(), file.toPath(), StandardCopyOption.ATOMIC_MOVE,
            StandardCopyOption.REPLACE_EXISTING);
        snapshot = next; // what a restart reads from now on, even if forcing the directory then fails
        try (FileChannel dir = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            dir.force(true);
        }
    }
}
