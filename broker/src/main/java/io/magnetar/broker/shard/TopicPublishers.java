package io.magnetar.broker.shard;

import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.Object2ObjectHashMap;

import java.util.ArrayList;
import java.util.Collection;

/**
 * The producer names one topic keeps for deduplication, by name and by publisher id. A topic has none (and no
 * instance) until a producer connects to it with deduplication on.
 */
final class TopicPublishers
{
    private final Object2ObjectHashMap<String, Publisher> byName = new Object2ObjectHashMap<>();
    private final Long2ObjectHashMap<Publisher> byId = new Long2ObjectHashMap<>();

    Publisher byName(final String name)
    {
        return byName.get(name);
    }

    Publisher byId(final long publisherId)
    {
        return byId.get(publisherId);
    }

    int size()
    {
        return byName.size();
    }

    Collection<Publisher> publishers()
    {
        return byName.values();
    }

    /**
     * Add a publisher; one bound to the same name before is replaced and forgotten.
     */
    void put(final Publisher publisher)
    {
        final Publisher previous = byName.put(publisher.name, publisher);
        if (null != previous && previous != publisher)
        {
            byId.remove(previous.id);
            previous.forgotten = true;
        }
        final Publisher previousWithId = byId.put(publisher.id, publisher);
        if (null != previousWithId && previousWithId != publisher && previousWithId != previous)
        {
            // an id bound to another name before: that binding is over
            byName.remove(previousWithId.name);
            previousWithId.forgotten = true;
        }
    }

    void remove(final Publisher publisher)
    {
        if (byName.get(publisher.name) == publisher)
        {
            byName.remove(publisher.name);
            byId.remove(publisher.id);
        }
        publisher.forgotten = true;
    }

    /**
     * Forget every publisher.
     */
    void clear()
    {
        for (final Publisher publisher : byName.values())
        {
            publisher.forgotten = true;
        }
        byName.clear();
        byId.clear();
    }

    /**
     * @return the publisher with no producer connected that has been idle longest, or null if every one has a
     * producer.
     */
    Publisher longestIdle()
    {
        Publisher oldest = null;
        for (final Publisher publisher : byName.values())
        {
            if (0 == publisher.connectedProducers && (null == oldest || publisher.idleSinceMs < oldest.idleSinceMs))
            {
                oldest = publisher;
            }
        }

        return oldest;
    }

    /**
     * Forget the publishers that have had no producer since before {@code idleBeforeMs}.
     *
     * @return publishers forgotten.
     */
    int expireIdle(final long idleBeforeMs)
    {
        ArrayList<Publisher> expired = null;
        for (final Publisher publisher : byName.values())
        {
            if (0 == publisher.connectedProducers && publisher.idleSinceMs < idleBeforeMs)
            {
                if (null == expired)
                {
                    expired = new ArrayList<>();
                }
                expired.add(publisher);
            }
        }
        if (null == expired)
        {
            return 0;
        }
        for (final Publisher publisher : expired)
        {
            remove(publisher);
        }

        return expired.size();
    }
}
