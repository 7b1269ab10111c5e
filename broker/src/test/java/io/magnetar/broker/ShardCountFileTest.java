package io.magnetar.broker;

import io.aeron.exceptions.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory's shard count file, without a broker.
 */
class ShardCountFileTest
{
    @TempDir
    File parent;

    @Test
    void shouldRecordCountInNewDirectoryAndAcceptTheSameAgain()
    {
        final File dataDir = new File(parent, "data");
        final File archiveDir = new File(dataDir, "archive");

        assertEquals("data directory " + dataDir.getAbsolutePath() + " is new: created with 4 shards",
            ShardCountFile.checkOrStore(dataDir, 4, archiveDir));
        final Path file = dataDir.toPath().resolve(ShardCountFile.FILE_NAME);
        assertEquals(4, ShardCountFile.read(file));
        assertFalse(Files.exists(file.resolveSibling(ShardCountFile.FILE_NAME + ".tmp")), "no temporary file left");

        assertEquals("data directory " + dataDir.getAbsolutePath() + " has 4 shards",
            ShardCountFile.checkOrStore(dataDir, 4, archiveDir));
    }

    @Test
    void shouldRefuseAnotherCountNamingBothAndTheDirectory()
    {
        final File archiveDir = new File(parent, "archive");
        ShardCountFile.checkOrStore(parent, 2, archiveDir);

        final ShardCountMismatchException ex = assertThrows(
            ShardCountMismatchException.class, () -> ShardCountFile.checkOrStore(parent, 5, archiveDir));

        assertTrue(ex.getMessage().startsWith("data directory " + parent.getAbsolutePath() +
            " was created with 2 shards (" + ShardCountFile.FILE_NAME + "), but this broker is configured with 5"),
            ex.getMessage());
        assertTrue(ex.getMessage().endsWith("start it with --shards 2"), ex.getMessage());
        assertEquals(2, ShardCountFile.read(parent.toPath().resolve(ShardCountFile.FILE_NAME)), "file unchanged");
    }

    @Test
    void shouldAdoptConfiguredCountInDirectoryFromBeforeCountsWereRecorded() throws Exception
    {
        final File archiveDir = new File(parent, "archive");
        assertTrue(archiveDir.mkdirs());
        Files.writeString(archiveDir.toPath().resolve("archive.catalog"), "catalog");

        assertTrue(ShardCountFile.checkOrStore(parent, 1, archiveDir).endsWith("had no " +
            ShardCountFile.FILE_NAME + ": it adopts 1 shards"));
        assertEquals(1, ShardCountFile.read(parent.toPath().resolve(ShardCountFile.FILE_NAME)));
        assertThrows(ShardCountMismatchException.class, () -> ShardCountFile.checkOrStore(parent, 2, archiveDir));
    }

    @Test
    void shouldRefuseFileWithoutValidCount() throws Exception
    {
        final Path file = parent.toPath().resolve(ShardCountFile.FILE_NAME);
        Files.writeString(file, ShardCountFile.SHARD_COUNT_KEY + "=zero\n", StandardCharsets.ISO_8859_1);

        final ConfigurationException ex = assertThrows(
            ConfigurationException.class, () -> ShardCountFile.checkOrStore(parent, 1, new File(parent, "archive")));

        assertTrue(ex.getMessage().contains(file + " has no valid " + ShardCountFile.SHARD_COUNT_KEY + ": zero"),
            ex.getMessage());
    }
}
