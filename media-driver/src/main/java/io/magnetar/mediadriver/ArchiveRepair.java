package io.magnetar.mediadriver;

import io.aeron.archive.ArchiveTool;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Repairs the archive after its process died: a recording's last frame may then straddle a page boundary with an
 * empty page after it, and the archive refuses to start until {@code ArchiveTool verify} has looked at it. Frames
 * carry a CRC-32C (the archive records with {@link #RECORD_CHECKSUM}), so a complete frame is recognised and kept;
 * only a frame that fails its checksum, or a padding frame, is cut. A recording that verification finds invalid
 * stops the start with an error rather than being skipped, so no log is silently replaced by an empty one.
 */
final class ArchiveRepair
{
    /** Checksum the archive writes into every recorded frame. */
    static final String RECORD_CHECKSUM = "CRC-32C";

    private ArchiveRepair()
    {
    }

    /**
     * Verify every recording's last segment and cut a torn last frame.
     *
     * @param archiveDir of the archive, not running.
     * @return a line about what was cut, or null if nothing was.
     * @throws IllegalStateException if a recording is invalid.
     */
    static String repairAfterCrash(final File archiveDir)
    {
        if (!new File(archiveDir, "archive.catalog").exists())
        {
            return null;
        }

        final ByteArrayOutputStream output = new ByteArrayOutputStream();
        final List<File> cut = new ArrayList<>();
        final boolean valid;
        try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8))
        {
            valid = ArchiveTool.verify(
                out,
                archiveDir,
                EnumSet.noneOf(ArchiveTool.VerifyOption.class),
                RECORD_CHECKSUM,
                (file) ->
                {
                    cut.add(file);
                    return true;
                });
        }

        if (!valid)
        {
            throw new IllegalStateException("the archive in " + archiveDir + " has invalid recordings after its " +
                "process died; inspect it with ArchiveTool describe/verify before starting again:\n" +
                output.toString(StandardCharsets.UTF_8));
        }

        return cut.isEmpty() ? null : "cut a torn last frame straddling a page boundary in " + cut;
    }
}
