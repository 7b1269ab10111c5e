package io.magnetar.broker.shard;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A producer attached to a topic.
 */
final class ShardProducer
{
    final ShardSession session;
    final long producerId;
    final String name;
    final Topic topic;
    /** The name's UTF-8 bytes, stored with each of the producer's entries without encoding it again. */
    final UnsafeBuffer nameBytes;
    /** The producer's name as deduplication tracks it, or null when deduplication is off for the topic. */
    Publisher publisher;
    /** Messages and payload bytes it published. */
    long msgInCounter;
    long bytesInCounter;

    ShardProducer(final ShardSession session, final long producerId, final String name, final Topic topic)
    {
        this.session = session;
        this.producerId = producerId;
        this.name = name;
        this.topic = topic;
        this.nameBytes = new UnsafeBuffer(name.getBytes(StandardCharsets.UTF_8));
    }
}
