package io.magnetar.broker;

/**
 * A producer attached to a topic.
 */
final class Producer
{
    final long producerId;
    final String name;
    final Topic topic;

    Producer(final long producerId, final String name, final Topic topic)
    {
        this.producerId = producerId;
        this.name = name;
        this.topic = topic;
    }
}
