package io.magnetar.broker.shard;

/**
 * A producer attached to a topic.
 */
final class ShardProducer
{
    final long producerId;
    final String name;
    final Topic topic;
    /** The producer's name as deduplication tracks it, or null when deduplication is off for the topic. */
    Publisher publisher;

    ShardProducer(final long producerId, final String name, final Topic topic)
    {
        this.producerId = producerId;
        this.name = name;
        this.topic = topic;
    }
}
