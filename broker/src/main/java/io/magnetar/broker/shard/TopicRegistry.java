package io.magnetar.broker.shard;

import io.aeron.Publication;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.storage.StorageException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;

/**
 * The topics of one shard by name and by id. A topic id is the shard number in the top 24 bits and a local id,
 * counted from 1, below; a persistent topic is created by recording its definition in the shard log. Local ids are
 * dense, so topics are found by id in an array indexed by local id, and passes in local-id order walk memory in
 * order.
 */
final class TopicRegistry
{
    private static final int LOCAL_ID_BITS = 40;
    private static final long LOCAL_ID_MASK = (1L << LOCAL_ID_BITS) - 1;

    private final int shard;
    private final ShardPolicies policies;
    private final ShardLogWriter writer;
    /** A chained map: open addressing clusters badly on names that differ only in a trailing number. */
    private final HashMap<String, Topic> topicByName = new HashMap<>();
    /** Every topic, in the order created or recovered. */
    private final ArrayList<Topic> topics = new ArrayList<>();
    private final List<Topic> topicsView = Collections.unmodifiableList(topics);
    private Topic[] topicByLocalId = new Topic[1024];
    private long nextLocalId = 1;

    TopicRegistry(final int shard, final ShardPolicies policies, final ShardLogWriter writer)
    {
        this.shard = shard;
        this.policies = policies;
        this.writer = writer;
    }

    /**
     * Find or create a topic.
     *
     * @return the topic, or null if its definition could not be appended yet (back pressure).
     */
    Topic topic(final TopicName name)
    {
        final String key = name.toString();
        Topic topic = topicByName.get(key);
        if (null != topic)
        {
            return topic;
        }

        final long topicId = topicId(nextLocalId);
        final NamespacePolicies namespacePolicies = policies.of(name);
        // a namespace at memory durability serves its persistent topics as non-persistent ones
        final boolean persistent = name.isPersistent() && !namespacePolicies.isMemory();
        long definitionPosition = -1;
        if (persistent)
        {
            definitionPosition = writer.appendTopicDefinition(topicId, key, 0);
            if (definitionPosition < 0)
            {
                if (Publication.BACK_PRESSURED == definitionPosition || Publication.ADMIN_ACTION == definitionPosition)
                {
                    return null;
                }
                throw new StorageException("shard " + shard + ": cannot record topic " + key + ": " +
                    Publication.errorString(definitionPosition));
            }
        }

        nextLocalId++;
        topic = new Topic(topicId, name, persistent, namespacePolicies);
        topic.definitionPosition = definitionPosition;
        add(topic);

        return topic;
    }

    /**
     * A persistent topic found in the logs or a snapshot: created if not yet known.
     */
    Topic recovered(final long topicId, final String topicName)
    {
        Topic topic = byId(topicId);
        if (null == topic)
        {
            final TopicName name = TopicName.parse(topicName);
            topic = new Topic(topicId, name, true, policies.of(name));
            add(topic);
            nextLocalId = Math.max(nextLocalId, (topicId & LOCAL_ID_MASK) + 1);
        }

        return topic;
    }

    Topic byName(final String name)
    {
        return topicByName.get(name);
    }

    Topic byId(final long topicId)
    {
        return (topicId >>> LOCAL_ID_BITS) == shard ? byLocalId(topicId & LOCAL_ID_MASK) : null;
    }

    /**
     * @return the topic with a local id, or null.
     */
    Topic byLocalId(final long localId)
    {
        return localId >= 0 && localId < topicByLocalId.length ? topicByLocalId[(int)localId] : null;
    }

    /**
     * @return one more than the highest local id given so far.
     */
    long nextLocalId()
    {
        return nextLocalId;
    }

    Collection<Topic> topics()
    {
        return topicsView;
    }

    int size()
    {
        return topics.size();
    }

    /**
     * Forget every topic: recovery starts again from the logs.
     */
    void clear()
    {
        topics.clear();
        Arrays.fill(topicByLocalId, null);
        topicByName.clear();
        nextLocalId = 1;
    }

    private long topicId(final long localId)
    {
        return ((long)shard << LOCAL_ID_BITS) | localId;
    }

    private void add(final Topic topic)
    {
        final long localId = topic.id & LOCAL_ID_MASK;
        if (localId >= Integer.MAX_VALUE - 8)
        {
            throw new StorageException("shard " + shard + ": topic local id " + localId + " is out of range");
        }
        if (localId >= topicByLocalId.length)
        {
            topicByLocalId = Arrays.copyOf(topicByLocalId, (int)Math.min(Integer.MAX_VALUE - 8, 2 * (localId + 1)));
        }
        topicByLocalId[(int)localId] = topic;
        topics.add(topic);
        topicByName.put(topic.name.toString(), topic);
    }
}
