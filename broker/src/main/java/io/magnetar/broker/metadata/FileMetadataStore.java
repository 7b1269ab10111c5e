package io.magnetar.broker.metadata;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The embedded metadata store: one JSON document ({@value #FILE_NAME}) in the data directory, replaced as a whole on
 * each change: written to a temporary file, forced to disk, renamed over the old one and the directory forced, so a
 * crash leaves either the old document or the new one. Changes are rare (admin operations); reads come from memory.
 */
public final class FileMetadataStore implements MetadataStore
{
    /** Name of the document in the data directory. */
    public static final String FILE_NAME = "metadata.json";

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * The document: what it holds, with Pulsar's field names where they exist.
     */
    static final class Document
    {
        public Map<String, Integer> partitionedTopics = new TreeMap<>();
    }

    private final File file;
    private final File directory;
    private Document document;

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
        this.document = file.exists() ? read(file) : new Document();
    }

    private static Document read(final File file) throws IOException
    {
        try
        {
            final Document document = MAPPER.readValue(file, Document.class);
            if (null == document)
            {
                throw new IOException("the document is null");
            }
            if (null == document.partitionedTopics)
            {
                document.partitionedTopics = new TreeMap<>();
            }
            for (final Map.Entry<String, Integer> entry : document.partitionedTopics.entrySet())
            {
                if (null == entry.getValue() || entry.getValue() < 1)
                {
                    throw new IOException("partitioned topic " + entry.getKey() + " has " + entry.getValue() +
                        " partitions");
                }
            }
            document.partitionedTopics = new TreeMap<>(document.partitionedTopics);
            return document;
        }
        catch (final IOException ex)
        {
            throw new IOException("metadata store " + file + " cannot be read: " + ex.getMessage(), ex);
        }
    }

    /**
     * {@inheritDoc}
     */
    public int partitions(final String topic)
    {
        final Integer partitions = document.partitionedTopics.get(topic);
        return null == partitions ? 0 : partitions;
    }

    /**
     * {@inheritDoc}
     */
    public void putPartitions(final String topic, final int partitions) throws IOException
    {
        final Document next = new Document();
        next.partitionedTopics = new TreeMap<>(document.partitionedTopics);
        next.partitionedTopics.put(topic, partitions);
        write(next); // the document is replaced once the rename is done, even if forcing the directory then fails
    }

    /**
     * {@inheritDoc}
     */
    public Map<String, Integer> partitionedTopics()
    {
        return Collections.unmodifiableMap(document.partitionedTopics);
    }

    private void write(final Document next) throws IOException
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
        document = next; // what a restart reads from now on
        try (FileChannel dir = FileChannel.open(directory.toPath(), StandardOpenOption.READ))
        {
            dir.force(true);
        }
    }
}
