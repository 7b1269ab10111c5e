package io.magnetar.client;

/**
 * Where a message is stored: the shard log and the byte position of the entry in it and, for a message sent in a
 * batch, its index in the batch and the batch's size (as Pulsar's batch message ids). Immutable; ordered by shard,
 * position, then batch index. Messages of non-persistent topics have shard {@link Protocol#NON_PERSISTENT_SHARD}.
 */
public final class MessageId implements Comparable<MessageId>
{
    /** Where a reader starts to read everything the topic holds, as Pulsar's {@code MessageId.earliest}. */
    public static final MessageId EARLIEST = new MessageId(-1, -1);
    /** Where a reader starts to read only what comes after it is created, as Pulsar's {@code MessageId.latest}. */
    public static final MessageId LATEST = new MessageId(-1, Long.MAX_VALUE);

    private final int shard;
    private final long position;
    private final int batchIndex;
    private final int batchSize;
    private final int partitionIndex;
    /** The topic the message was received from, or null (a sent message's id, or one made by hand). */
    private final String topic;

    /**
     * A message id of an entry that holds one message.
     *
     * @param shard    of the log the message is stored in, or -1 for a non-persistent topic.
     * @param position of the entry in the shard log.
     */
    public MessageId(final int shard, final long position)
    {
        this(shard, position, -1, 0);
    }

    /**
     * A message id of a message in a batch.
     *
     * @param shard      of the log the message is stored in, or -1 for a non-persistent topic.
     * @param position   of the batch's entry in the shard log.
     * @param batchIndex of the message in the batch, from 0; -1 if the entry is not a batch.
     * @param batchSize  messages in the batch; 0 if the entry is not a batch.
     */
    public MessageId(final int shard, final long position, final int batchIndex, final int batchSize)
    {
        this(shard, position, batchIndex, batchSize, -1);
    }

    /**
     * A message id in a partition of a partitioned topic.
     *
     * @param shard          of the log the message is stored in, or -1 for a non-persistent topic.
     * @param position       of the entry in the shard log.
     * @param batchIndex     of the message in the batch, from 0; -1 if the entry is not a batch.
     * @param batchSize      messages in the batch; 0 if the entry is not a batch.
     * @param partitionIndex of the partition the message is in, or -1 if its topic is not a partition.
     */
    MessageId(final int shard, final long position, final int batchIndex, final int batchSize, final int partitionIndex)
    {
        this(shard, position, batchIndex, batchSize, partitionIndex, null);
    }

    /**
     * A message id of a received message, which knows its topic (a consumer of several topics routes acks by it).
     */
    MessageId(
        final int shard,
        final long position,
        final int batchIndex,
        final int batchSize,
        final int partitionIndex,
        final String topic)
    {
        if (batchIndex < -1 || batchSize < 0 || (batchIndex >= 0 && batchIndex >= batchSize) ||
            (batchIndex < 0 && batchSize != 0))
        {
            throw new IllegalArgumentException(
                "invalid batch index " + batchIndex + " for a batch of " + batchSize + " messages");
        }
        this.shard = shard;
        this.position = position;
        this.batchIndex = batchIndex;
        this.batchSize = batchSize;
        this.partitionIndex = partitionIndex;
        this.topic = topic;
    }

    /**
     * @return the topic the message was received from (the partition's name on a partitioned topic), or null if
     * this id was not received (a send's receipt, or made by hand). Not part of equality.
     */
    public String topic()
    {
        return topic;
    }

    /**
     * @return the partition of a partitioned topic the message is in, or -1 if its topic is not partitioned (or the
     * id was parsed from text, which does not give it).
     */
    public int partitionIndex()
    {
        return partitionIndex;
    }

    private MessageId(final int shard, final long position, final int batchIndex)
    {
        this.shard = shard;
        this.position = position;
        this.batchIndex = batchIndex;
        this.batchSize = -1;
        this.partitionIndex = -1;
        this.topic = null;
    }

    /**
     * Parse the text that {@link #toString()} gives, {@code shard:position} or {@code shard:position:batchIndex}.
     *
     * @param text such as {@code 0:4096}, {@code -1:128} or {@code 0:4096:3}.
     * @return the message id; a batch index gives an id whose batch size is unknown ({@link #batchSize()} -1), enough
     * to compare by but not to acknowledge one message of a batch.
     * @throws IllegalArgumentException if the text is not a message id.
     */
    public static MessageId parse(final String text)
    {
        if (null == text)
        {
            throw new IllegalArgumentException("message id text is null");
        }

        final String[] parts = text.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3)
        {
            throw new IllegalArgumentException("invalid message id '" + text + "': expected shard:position");
        }

        try
        {
            final int shard = Integer.parseInt(parts[0].trim());
            final long position = Long.parseLong(parts[1].trim());
            if (3 == parts.length)
            {
                final int batchIndex = Integer.parseInt(parts[2].trim());
                if (batchIndex < 0)
                {
                    throw new IllegalArgumentException("invalid message id '" + text + "': negative batch index");
                }
                return new MessageId(shard, position, batchIndex);
            }
            return new MessageId(shard, position);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException("invalid message id '" + text + "': expected shard:position", ex);
        }
    }

    /**
     * @return the shard log the message is stored in, or -1 for a non-persistent topic.
     */
    public int shard()
    {
        return shard;
    }

    /**
     * @return the position of the message's entry in its shard log.
     */
    public long position()
    {
        return position;
    }

    /**
     * @return the message's index in its batch, or -1 if its entry is not a batch.
     */
    public int batchIndex()
    {
        return batchIndex;
    }

    /**
     * @return messages in the batch, 0 if the entry is not a batch, or -1 if unknown (an id parsed from text).
     */
    public int batchSize()
    {
        return batchSize;
    }

    /**
     * {@inheritDoc}
     */
    public int compareTo(final MessageId other)
    {
        final int byShard = Integer.compare(shard, other.shard);
        if (0 != byShard)
        {
            return byShard;
        }
        final int byPosition = Long.compare(position, other.position);
        if (0 != byPosition)
        {
            return byPosition;
        }
        final int byBatchIndex = Integer.compare(batchIndex, other.batchIndex);
        return 0 != byBatchIndex ? byBatchIndex : Integer.compare(partitionIndex, other.partitionIndex);
    }

    /**
     * {@inheritDoc}
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
        return shard == that.shard && position == that.position && batchIndex == that.batchIndex &&
            partitionIndex == that.partitionIndex;
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return 31 * (31 * (31 * shard + Long.hashCode(position)) + batchIndex) + partitionIndex;
    }

    /**
     * @return {@code shard:position}, or {@code shard:position:batchIndex} for a message in a batch (the partition
     * is not part of the text: the position is unique within its shard).
     */
    public String toString()
    {
        return batchIndex < 0 ? shard + ":" + position : shard + ":" + position + ":" + batchIndex;
    }
}
