package io.magnetar.mediadriver;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import org.agrona.IoUtil;

import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Embedded media drivers (each UDP client's, perf's) live in directories with random names beside the default
 * Aeron directory, e.g. {@code /dev/shm/aeron-root-<uuid>}. A process that exits cleanly deletes its own; one that
 * is killed leaves it behind (tens of MB each). Before a new embedded driver starts, the directories whose owner
 * is gone (its pid, and a heartbeat older than {@link #STALE_HEARTBEAT_MS}) are removed, so killed clients do not
 * fill {@code /dev/shm}.
 */
public final class StaleAeronDirs
{
    /**
     * A random-named directory without a readable {@code cnc.dat} is removed only once it is older than this: a
     * driver may be starting in it.
     */
    public static final String GRACE_MS_PROP_NAME = "magnetar.stale.aeron.dir.grace.ms";

    /**
     * Default for {@link #GRACE_MS_PROP_NAME}: one minute.
     */
    public static final long GRACE_MS_DEFAULT = TimeUnit.MINUTES.toMillis(1);

    /**
     * A driver whose pid is gone counts as dead once its heartbeat is this old (a running driver beats every
     * second): a live driver in another pid namespace that shares {@code /dev/shm} is never taken for dead.
     */
    public static final long STALE_HEARTBEAT_MS = 3_000;

    private static final Pattern RANDOM_SUFFIX =
        Pattern.compile("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private StaleAeronDirs()
    {
    }

    /**
     * Remove the random-named Aeron directories beside the default one whose driver process is gone.
     *
     * @return the directories removed.
     */
    public static List<File> removeDead()
    {
        return removeDead(
            new File(CommonContext.getAeronDirectoryName()), Long.getLong(GRACE_MS_PROP_NAME, GRACE_MS_DEFAULT));
    }

    /**
     * Remove the directories named {@code <baseDir>-<uuid>} whose {@code cnc.dat} names a process that is gone,
     * or that have no readable {@code cnc.dat} and are older than the grace period.
     *
     * @param baseDir the default Aeron directory, e.g. {@code /dev/shm/aeron-root}.
     * @param graceMs age below which a directory without a driver is left alone.
     * @return the directories removed.
     */
    public static List<File> removeDead(final File baseDir, final long graceMs)
    {
        final List<File> removed = new ArrayList<>();
        final File parent = baseDir.getAbsoluteFile().getParentFile();
        final File[] candidates = null == parent ? null : parent.listFiles();
        if (null == candidates)
        {
            return removed;
        }

        final String prefix = baseDir.getName();
        final long nowMs = System.currentTimeMillis();
        for (final File dir : candidates)
        {
            final String name = dir.getName();
            if (!name.startsWith(prefix) || !RANDOM_SUFFIX.matcher(name.substring(prefix.length())).matches() ||
                !dir.isDirectory())
            {
                continue;
            }

            final boolean hasCnc = new File(dir, CncFileDescriptor.CNC_FILE).length() >
                CncFileDescriptor.META_DATA_LENGTH;
            final boolean stale = hasCnc ?
                StaleMarkFiles.isDriverOwnerDead(dir, STALE_HEARTBEAT_MS) : nowMs - dir.lastModified() > graceMs;
            if (stale)
            {
                IoUtil.delete(dir, true);
                if (!dir.exists())
                {
                    removed.add(dir);
                }
            }
        }

        return removed;
    }
}
