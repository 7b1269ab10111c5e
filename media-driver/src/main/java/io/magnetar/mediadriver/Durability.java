package io.magnetar.mediadriver;

/**
 * How far an entry must have travelled before a producer gets its receipt and a consumer may see it.
 */
public enum Durability
{
    /**
     * Written by the archive into its segment files (page cache): survives a process crash, not power loss.
     */
    ARCHIVED(0),

    /**
     * Written and fsync'd by the archive: survives power loss.
     */
    FSYNC(1);

    private final int fileSyncLevel;

    Durability(final int fileSyncLevel)
    {
        this.fileSyncLevel = fileSyncLevel;
    }

    /**
     * @return the archive's {@code fileSyncLevel} for this durability.
     */
    public int fileSyncLevel()
    {
        return fileSyncLevel;
    }

    /**
     * Parse a durability level as written on a command line: {@code archived} or {@code fsync}.
     *
     * @param name of the level.
     * @return the level.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static Durability parse(final String name)
    {
        final String normalised = name.trim().toLowerCase();
        switch (normalised)
        {
            case "archived":
                return ARCHIVED;
            case "fsync":
                return FSYNC;
            default:
                throw new IllegalArgumentException("unknown durability '" + name + "': expected archived or fsync");
        }
    }
}
