package io.magnetar.client;

/**
 * Where a message is stored: the shard log and the byte position of the entry in it. Immutable; ordered by shard,
 * then position. Messages of non-persistent topics have shard {@link Protocol#NON_PERSISTENT_SHARD}.
 */
public final class MessageId implements Comparable<MessageId>
{
    private final int shard;
    private final long position;

    /**
     * A message id.
     *
     * @param shard    of the log the message is stored in, or -1 for a non-persistent topic.
     * @param position of the entry in the shard log.
     */
    public MessageId(final int shard, final long position)
    {
        this.shard = shard;
        this.position = position;
    }

    /**
     * Parse the text that {@link #toString()} gives, {@code shard:position}.
     *
     * @param text such as {@code 0:4096} or {@code -1:128}.
     * @return the message id.
     * @throws IllegalArgumentException if the text is not a message id.
     */
    public static MessageId parse(final String text)
    {
        if (null == text)
        {
            throw new IllegalArgumentException("message id text is null");
        }

        final int colon = text.indexOf(':', 1);
        if (colon < 0)
        {
            throw new IllegalArgumentException("invalid message id '" + text + "': expected shard:position");
        }

        try
        {
            return new MessageId(
                Integer.parseInt(text.substring(0, colon).trim()), Long.parseLong(text.substring(colon + 1).trim()));
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid message id '" + text + "': expected shard:position", ex);
        }
    }

    /**
     * @return shard of the log the message is stored in, or -1 for a non-persistent topic.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @return position of the entry in the shard log.
     */
    public long position()
    {
        return position;
    }

    /**
     * Order by shard, then position.
     *
     * @param other message id.
     * @return negative, zero or positive as this id is before, equal to or after the other.
     */
    public int compareTo(final MessageId other)
    {
        final int byShard = Integer.compare(shard, other.shard);
        return 0 != byShard ? byShard : Long.compare(position, other.position);
    }

    /**
     * @param o other object.
     * @return true if it is a message id with the same shard and position.
     */
    public boolean equals(final Object o)
    {
        if (this == o)
        {
            return true;
        }
        if (!(o instanceof MessageId))
        {
            return false;
        }

        final MessageId that = (MessageId)o;
        return shard == that.shard && position == that.position;
    }

    /**
     * @return hash of shard and position.
     */
    public int hashCode()
    {
        return 31 * shard + Long.hashCode(position);
    }

    /**
     * @return {@code shard:position}, which {@link #parse(String)} reads back.
     */
    public String toString()
    {
        return shard + ":" + position;
    }
}
