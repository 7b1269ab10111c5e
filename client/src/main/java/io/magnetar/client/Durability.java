package io.magnetar.client;

import java.util.Locale;

/**
 * How far a message of a namespace's persistent topics must have got before its producer gets the receipt: a
 * namespace policy.
 */
public enum Durability
{
    /**
     * Kept in memory only: nothing of the namespace is stored.
     */
    MEMORY("memory"),

    /**
     * Written to the archive's files.
     */
    ARCHIVED("archived"),

    /**
     * Written and fsync'd.
     */
    FSYNC("fsync");

    private final String text;

    Durability(final String text)
    {
        this.text = text;
    }

    /**
     * @return the name the broker and the command line use: {@code memory}, {@code archived} or {@code fsync}.
     */
    public String text()
    {
        return text;
    }

    /**
     * The level with a name as the broker and the command line write it.
     *
     * @param text {@code memory}, {@code archived} or {@code fsync}, in any case.
     * @return the level.
     * @throws IllegalArgumentException if the text is none of those.
     */
    public static Durability parse(final String text)
    {
        if (null != text)
        {
            final String lowerCase = text.trim().toLowerCase(Locale.ROOT);
            for (final Durability durability : values())
            {
                if (durability.text.equals(lowerCase))
                {
                    return durability;
                }
            }
        }

        throw new IllegalArgumentException("durability must be one of memory, archived, fsync, but is " +
            (null == text ? "null" : "'" + text + "'"));
    }
}
