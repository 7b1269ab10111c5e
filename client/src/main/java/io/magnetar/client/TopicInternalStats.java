package io.magnetar.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's internal storage state, as {@link Topics#statsInternal(String)} returns it; the counterpart of
 * Pulsar's {@code PersistentTopicInternalStats}: the topic's entries, bytes and positions, each subscription's cursor
 * ({@link #getCursors()}), and the counters of the shard's logs. Positions are byte positions in the topic's shard
 * log (the position of a {@link MessageId}); -1 where there is none. Immutable.
 * <p>
 * {@link #toJson()} gives the whole document as the broker sent it, including fields this class has no getter for.
 */
public final class TopicInternalStats
{
    /**
     * The state of one subscription's cursor, the counterpart of Pulsar's {@code CursorStats}.
     */
    public static final class CursorStats
    {
        private final long subscriptionId;
        private final boolean connected;
        private final long readPosition;
        private final boolean durable;
        private final long markDeletePosition;
        private final long backlog;
        private final long individuallyAckedEntries;
        private final List<String> individuallyDeletedMessages;

        CursorStats(final JsonNode cursor)
        {
            subscriptionId = number(cursor, "subscriptionId");
            connected = cursor.path("connected").asBoolean(false);
            readPosition = number(cursor, "readPosition");
            durable = cursor.has("markDeletePosition") && (!cursor.has("durable") || cursor.get("durable").asBoolean());
            markDeletePosition = durable ? number(cursor, "markDeletePosition") : -1;
            backlog = durable ? number(cursor, "backlog") : -1;
            individuallyAckedEntries = cursor.has("individuallyAckedEntries") ?
                number(cursor, "individuallyAckedEntries") : 0;
            final List<String> ranges = new ArrayList<>();
            for (final JsonNode range : cursor.path("individuallyDeletedMessages"))
            {
                ranges.add(range.asText());
            }
            individuallyDeletedMessages = Collections.unmodifiableList(ranges);
        }

        /**
         * @return the broker's id of the subscription.
         */
        public long getSubscriptionId()
        {
            return subscriptionId;
        }

        /**
         * @return true if a consumer is connected to the subscription.
         */
        public boolean isConnected()
        {
            return connected;
        }

        /**
         * @return position of the next entry the broker delivers to the subscription.
         */
        public long getReadPosition()
        {
            return readPosition;
        }

        /**
         * @return true if the subscription keeps a stored cursor; false for one that does not, whose mark-delete
         * position and backlog are -1.
         */
        public boolean isDurable()
        {
            return durable;
        }

        /**
         * @return position up to which every entry is acknowledged, or -1 if none is or the cursor is not durable.
         */
        public long getMarkDeletePosition()
        {
            return markDeletePosition;
        }

        /**
         * @return entries not yet acknowledged, or -1 if the cursor is not durable.
         */
        public long getBacklog()
        {
            return backlog;
        }

        /**
         * @return entries acknowledged beyond the mark-delete position.
         */
        public long getIndividuallyAckedEntries()
        {
            return individuallyAckedEntries;
        }

        /**
         * @return the ranges acknowledged beyond the mark-delete position, as Pulsar writes them:
         * {@code [shard:first..shard:last]}; the broker gives at most the first 1000. Unmodifiable.
         */
        public List<String> getIndividuallyDeletedMessages()
        {
            return individuallyDeletedMessages;
        }

        /**
         * @return the cursor for logs.
         */
        public String toString()
        {
            return "CursorStats{subscriptionId=" + subscriptionId + ", connected=" + connected +
                ", readPosition=" + readPosition + ", markDeletePosition=" + markDeletePosition +
                ", backlog=" + backlog + ", individuallyDeletedMessages=" + individuallyDeletedMessages + '}';
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode document;
    private final String topic;
    private final long topicId;
    private final int shard;
    private final boolean persistent;
    private final Durability durability;
    private final long entries;
    private final long entriesAdded;
    private final long durableEntries;
    private final long bytes;
    private final long firstPosition;
    private final long lastPosition;
    private final long producers;
    private final long relocatedEntries;
    private final Map<String, CursorStats> cursors;
    private final Map<String, Long> shardLog;
    private final Map<String, Long> cursorLog;
    private final Map<String, Long> indexLog;
    private final Map<String, Long> sweeps;

    private TopicInternalStats(final JsonNode document)
    {
        this.document = document;
        topic = document.path("topic").asText();
        topicId = number(document, "topicId");
        shard = (int)number(document, "shard");
        persistent = document.path("persistent").asBoolean(true);
        durability = document.has("durability") ? Durability.parse(document.get("durability").asText()) : null;
        entries = number(document, "entries");
        entriesAdded = number(document, "entriesAdded");
        durableEntries = number(document, "durableEntries");
        bytes = number(document, "bytes");
        firstPosition = number(document, "firstPosition");
        lastPosition = number(document, "lastPosition");
        producers = number(document, "producers");
        relocatedEntries = number(document, "relocatedEntries");

        final Map<String, CursorStats> cursorByName = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> cursorFields = document.path("cursors").fields();
        while (cursorFields.hasNext())
        {
            final Map.Entry<String, JsonNode> entry = cursorFields.next();
            cursorByName.put(entry.getKey(), new CursorStats(entry.getValue()));
        }
        cursors = Collections.unmodifiableMap(cursorByName);
        shardLog = counters(document.path("shardLog"));
        cursorLog = counters(document.path("cursorLog"));
        indexLog = counters(document.path("indexLog"));
        sweeps = counters(document.path("sweeps"));
    }

    /**
     * Read the JSON document the broker answers with (and {@code magnetar topics stats-internal} prints).
     *
     * @param json the document.
     * @return the stats.
     * @throws IllegalArgumentException if the document is not JSON, or a field has the wrong type.
     */
    public static TopicInternalStats fromJson(final String json)
    {
        final JsonNode root;
        try
        {
            root = JSON.readTree(null == json ? "" : json);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalArgumentException("topic stats are not JSON: " + ex.getOriginalMessage(), ex);
        }
        if (null == root || !root.isObject() || !root.path("topic").isTextual())
        {
            throw new IllegalArgumentException("topic stats are not a JSON object with a topic: " + json);
        }

        return new TopicInternalStats(root);
    }

    /**
     * @return the full name of the topic.
     */
    public String getTopic()
    {
        return topic;
    }

    /**
     * @return the broker's id of the topic.
     */
    public long getTopicId()
    {
        return topicId;
    }

    /**
     * @return the topic shard of the broker that owns the topic.
     */
    public int getShard()
    {
        return shard;
    }

    /**
     * @return true if the topic's messages are stored; false for a non-persistent topic or one of a
     * {@link Durability#MEMORY} namespace.
     */
    public boolean isPersistent()
    {
        return persistent;
    }

    /**
     * @return the durability the topic's messages get, or null if the broker did not say.
     */
    public Durability getDurability()
    {
        return durability;
    }

    /**
     * @return entries the topic holds (Pulsar's {@code numberOfEntries}).
     */
    public long getEntries()
    {
        return entries;
    }

    /**
     * @return entries ever added to the topic (Pulsar's {@code entriesAddedCounter}).
     */
    public long getEntriesAdded()
    {
        return entriesAdded;
    }

    /**
     * @return entries stored as durably as the topic's durability asks.
     */
    public long getDurableEntries()
    {
        return durableEntries;
    }

    /**
     * @return bytes of the entries the topic holds (Pulsar's {@code totalSize}).
     */
    public long getBytes()
    {
        return bytes;
    }

    /**
     * @return position of the first entry the topic holds, or -1 if it holds none.
     */
    public long getFirstPosition()
    {
        return firstPosition;
    }

    /**
     * @return position of the last entry added (Pulsar's {@code lastConfirmedEntry}), or -1 if none was.
     */
    public long getLastPosition()
    {
        return lastPosition;
    }

    /**
     * @return producers connected to the topic.
     */
    public long getProducers()
    {
        return producers;
    }

    /**
     * @return entries of the topic that compaction moved to a newer part of the shard log.
     */
    public long getRelocatedEntries()
    {
        return relocatedEntries;
    }

    /**
     * @return the cursor of each subscription, by subscription name, in the broker's order; unmodifiable.
     */
    public Map<String, CursorStats> getCursors()
    {
        return cursors;
    }

    /**
     * @return the counters of the shard's log that holds the topic's entries, e.g. {@code recordingId},
     * {@code bytes}, {@code segments}, {@code durablePosition}; unmodifiable.
     */
    public Map<String, Long> getShardLog()
    {
        return shardLog;
    }

    /**
     * @return the counters of the shard's cursor log, e.g. {@code bytes}, {@code checkpoints}; unmodifiable.
     */
    public Map<String, Long> getCursorLog()
    {
        return cursorLog;
    }

    /**
     * @return the counters of the shard's index log, e.g. {@code snapshots}; unmodifiable.
     */
    public Map<String, Long> getIndexLog()
    {
        return indexLog;
    }

    /**
     * @return the counters of the shard's background work: {@code topicsWithDeadline} (topics with a TTL or quota
     * check ahead) and {@code deadlineVisits} (topics visited because one passed); unmodifiable.
     */
    public Map<String, Long> getSweeps()
    {
        return sweeps;
    }

    /**
     * @return the whole document as the broker sent it, indented.
     */
    public String toJson()
    {
        try
        {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("a JSON tree that was read could not be written", ex);
        }
    }

    /**
     * @return the document on one line, for logs.
     */
    public String toString()
    {
        return document.toString();
    }

    private static long number(final JsonNode node, final String field)
    {
        final JsonNode value = node.get(field);
        if (null == value)
        {
            return -1;
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong())
        {
            throw new IllegalArgumentException("topic stats: " + field + " is not a whole number: " + value);
        }

        return value.asLong();
    }

    private static Map<String, Long> counters(final JsonNode node)
    {
        final Map<String, Long> counters = new LinkedHashMap<>();
        final Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext())
        {
            final Map.Entry<String, JsonNode> entry = fields.next();
            if (entry.getValue().isIntegralNumber())
            {
                counters.put(entry.getKey(), entry.getValue().asLong());
            }
        }

        return Collections.unmodifiableMap(counters);
    }
}
