package io.magnetar.broker.shard;

/**
 * An entry copied by compaction whose copy is not yet stored: until it is, the entry is read from its old place.
 */
final class PendingRelocation
{
    final Topic topic;
    final long messageId;
    final long location;
    final long endPosition;

    PendingRelocation(final Topic topic, final long messageId, final long location, final long endPosition)
    {
        this.topic = topic;
        this.messageId = messageId;
        this.location = location;
        this.endPosition = endPosition;
    }
}
