package io.magnetar.broker.shard;

import io.magnetar.storage.Cursor;

/**
 * A subscription on a topic: its cursor (persistent topics) and the consumer attached to it.
 */
final class TopicSubscription
{
    final long id;
    final String name;
    final Topic topic;
    final Cursor cursor;
    long readOrdinal;
    ShardConsumer consumer;
    /** How entries go to the consumers, by subscription type; set when a consumer attaches. */
    Dispatcher dispatcher;
    /** In the shard's ready set: something changed that may let it deliver (permits, new entries, a reset). */
    boolean ready;
    /** The ordinal whose publish time message expiry last read, and that time: the log is read once per entry. */
    long timeCheckedOrdinal = -1;
    long timeCheckedPublishTime;

    TopicSubscription(final long id, final String name, final Topic topic, final long startOrdinal)
    {
        this.id = id;
        this.name = name;
        this.topic = topic;
        this.cursor = topic.persistent ? new Cursor(topic.index, startOrdinal) : null;
        this.readOrdinal = null == cursor ? startOrdinal : cursor.firstUnackedOrdinal();
    }

    /**
     * Move the read position past entries the broker acknowledged on its own account (TTL, eviction).
     */
    void skipAcknowledged()
    {
        readOrdinal = Math.max(readOrdinal, cursor.firstUnackedOrdinal());
    }
}
