package io.magnetar.broker.shard;

/**
 * One producer name of a topic with deduplication: the highest sequence ids appended and stored under it. Owned by
 * the topic's {@link TopicPublishers}; changed by {@link Deduplication} and, when a receipt is released, by
 * {@link ReceiptTracker}.
 */
final class Publisher
{
    final long id;
    final String name;
    /** Highest sequence id appended to the shard log (or recovered from it): a send at or below it is a duplicate. */
    long pushedSequenceId;
    /** Highest sequence id stored at the topic's durability (its receipt released): what a snapshot may hold. */
    long storedSequenceId;
    /** Shard log position after the entry of {@link #pushedSequenceId}: a duplicate's answer waits for it. */
    long pushedEndPosition = Long.MIN_VALUE;
    /** Where the record that binds the name to the id is in the shard log; -1 if not yet recorded. */
    long bindingPosition = -1;
    /** The snapshot position {@link #sequenceIdAtMark} was kept for. */
    long snapshotMark = Long.MIN_VALUE;
    /** The name's highest sequence id below {@link #snapshotMark}. */
    long sequenceIdAtMark = -1;
    /** Producers connected under the name: at most one, as Pulsar's. */
    int connectedProducers;
    /** When the last producer under the name went away, epoch ms. */
    long idleSinceMs;
    /** Dropped from its topic (deduplication turned off, or evicted): a producer holding it binds its name again. */
    boolean forgotten;

    Publisher(final long id, final String name, final long sequenceId)
    {
        this.id = id;
        this.name = name;
        this.pushedSequenceId = sequenceId;
        this.storedSequenceId = sequenceId;
    }

    /**
     * An entry of this name was appended. The first append past the snapshot position in progress keeps the name's
     * sequence id below that position, which is what the snapshot may say of it.
     *
     * @param sequenceId       of the entry.
     * @param endPosition      of the entry in the shard log.
     * @param snapshotPosition the position the snapshot in progress (or the last) describes the log below.
     */
    void onAppended(final long sequenceId, final long endPosition, final long snapshotPosition)
    {
        if (pushedEndPosition <= snapshotPosition && snapshotMark != snapshotPosition)
        {
            snapshotMark = snapshotPosition;
            sequenceIdAtMark = pushedSequenceId;
        }
        pushedSequenceId = sequenceId;
        pushedEndPosition = endPosition;
    }

    /**
     * @param snapshotPosition a snapshot's shard log position, the last one {@link #onAppended} was given.
     * @return the name's highest sequence id among its entries below that position.
     */
    long sequenceIdBelow(final long snapshotPosition)
    {
        if (pushedEndPosition <= snapshotPosition)
        {
            return pushedSequenceId;
        }
        if (snapshotMark == snapshotPosition)
        {
            return sequenceIdAtMark;
        }

        // not reached while the snapshot position is the appended position when it begins (every append past it
        // keeps a mark); the stored id is then a lower bound, which could let a resend be stored twice, never lost
        return storedSequenceId;
    }

    /**
     * The receipt of an entry of this name was released: it is stored at the promised level.
     *
     * @param sequenceId of the entry.
     */
    void onStored(final long sequenceId)
    {
        if (sequenceId > storedSequenceId)
        {
            storedSequenceId = sequenceId;
        }
    }

    /**
     * An entry of this name was found in the shard log by recovery: stored.
     *
     * @param sequenceId of the entry.
     */
    void onRecovered(final long sequenceId)
    {
        if (sequenceId > pushedSequenceId)
        {
            pushedSequenceId = sequenceId;
        }
        onStored(sequenceId);
    }

    public String toString()
    {
        return "Publisher{id=" + id + ", name=" + name + ", pushed=" + pushedSequenceId + ", stored=" +
            storedSequenceId + ", connected=" + connectedProducers + '}';
    }
}
