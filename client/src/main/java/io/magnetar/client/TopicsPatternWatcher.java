package io.magnetar.client;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pattern consumer's discovery, as Pulsar's {@code topicsPattern}: every {@code patternAutoDiscoveryPeriod} it lists
 * the topics of the pattern's namespace and subscribes to those that match and are new, from their earliest message
 * (so nothing published to a topic before it was found is missed). Runs on the client's watcher thread
 * ({@link PartitionsWatcher}), never on the conductor. Topics that go away are not dropped: their consumers stay.
 */
final class TopicsPatternWatcher implements PartitionsWatcher.Watched
{
    /** Subscribes a consumer of one topic found later. */
    @FunctionalInterface
    interface TopicSubscriber
    {
        /**
         * @param topic full name.
         * @return its consumer, subscribed from the earliest message.
         * @throws MagnetarClientException if it could not subscribe.
         */
        Consumer subscribe(String topic) throws MagnetarClientException;
    }

    private final Pattern pattern;
    private final String namespace;
    private final Namespaces namespaces;
    private final TopicSubscriber subscriber;
    private MultiTopicsConsumer consumer;

    TopicsPatternWatcher(
        final Pattern pattern, final String namespace, final Namespaces namespaces, final TopicSubscriber subscriber)
    {
        this.pattern = pattern;
        this.namespace = namespace;
        this.namespaces = namespaces;
        this.subscriber = subscriber;
    }

    /**
     * @param regex a pattern consumer's, naming its namespace: {@code persistent://tenant/namespace/REGEX}.
     * @return {@code tenant/namespace}.
     * @throws MagnetarClientException if the pattern does not begin with a domain and a literal namespace.
     */
    static String namespaceOf(final String regex) throws MagnetarClientException
    {
        final int schemeEnd = regex.indexOf("://");
        final String scheme = schemeEnd < 0 ? "" : regex.substring(0, schemeEnd);
        final String[] parts = schemeEnd < 0 ? new String[0] : regex.substring(schemeEnd + 3).split("/", 3);
        if (!("persistent".equals(scheme) || "non-persistent".equals(scheme)) || parts.length < 3 ||
            !isLiteral(parts[0]) || !isLiteral(parts[1]))
        {
            throw new MagnetarClientException("topicsPattern must name its namespace, as " +
                "persistent://tenant/namespace/REGEX (the domain, tenant and namespace without regex characters), " +
                "not " + regex);
        }
        return parts[0] + "/" + parts[1];
    }

    /**
     * @param topics of the namespace.
     * @return those the pattern matches (the whole name).
     */
    List<String> matching(final List<String> topics)
    {
        final List<String> matching = new ArrayList<>();
        for (final String topic : topics)
        {
            if (pattern.matcher(topic).matches())
            {
                matching.add(topic);
            }
        }
        return matching;
    }

    /**
     * @return the pattern's namespace.
     */
    String namespace()
    {
        return namespace;
    }

    /**
     * @param consumer to add the topics found to.
     */
    void consumer(final MultiTopicsConsumer consumer)
    {
        this.consumer = consumer;
    }

    /**
     * {@inheritDoc} Here: look for new topics that match.
     */
    public void updatePartitions() throws MagnetarClientException
    {
        final MultiTopicsConsumer consumer = this.consumer;
        if (null == consumer || consumer.isClosed())
        {
            return;
        }
        for (final String topic : matching(namespaces.getTopics(namespace)))
        {
            if (!consumer.hasTopic(topic) && !consumer.hasTopic(PartitionFactory.partitionedTopicOf(topic)))
            {
                consumer.addTopic(topic, subscriber.subscribe(topic));
            }
        }
    }

    private static boolean isLiteral(final String part)
    {
        for (int i = 0; i < part.length(); i++)
        {
            if ("\\[]{}()<>*+?^$|".indexOf(part.charAt(i)) >= 0)
            {
                return false;
            }
        }
        return !part.isEmpty();
    }
}
