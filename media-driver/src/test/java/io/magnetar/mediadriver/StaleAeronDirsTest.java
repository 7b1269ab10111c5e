package io.magnetar.mediadriver;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Which random-named Aeron directories are removed as left by processes that are gone.
 */
class StaleAeronDirsTest
{
    @TempDir
    File parent;

    @Test
    void shouldRemoveOnlyOldDirectoriesWithoutADriverAndKeepALiveDriversOne()
    {
        final File base = new File(parent, "aeron-test");
        final File old = randomDir(base);
        assertTrue(old.mkdirs());
        assertTrue(old.setLastModified(System.currentTimeMillis() - 120_000));
        final File young = randomDir(base);
        assertTrue(young.mkdirs());
        final File otherName = new File(parent, "aeron-test-not-a-uuid");
        assertTrue(otherName.mkdirs());
        assertTrue(otherName.setLastModified(System.currentTimeMillis() - 120_000));

        final File live = randomDir(base);
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(live.getPath())
            .threadingMode(ThreadingMode.SHARED)
            .dirDeleteOnShutdown(true)))
        {
            assertTrue(live.setLastModified(System.currentTimeMillis() - 120_000));

            final List<File> removed = StaleAeronDirs.removeDead(base, 60_000);

            assertEquals(List.of(old), removed);
            assertFalse(old.exists());
            assertTrue(young.exists());
            assertTrue(otherName.exists());
            assertTrue(live.exists(), "a running driver's directory is kept");
        }
    }

    private static File randomDir(final File base)
    {
        return new File(base.getPath() + "-" + UUID.randomUUID());
    }
}
