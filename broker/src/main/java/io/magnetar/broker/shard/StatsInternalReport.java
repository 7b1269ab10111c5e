package io.magnetar.broker.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.storage.RecordedLog;

/**
 * A topic's internal storage state as JSON, like Pulsar's {@code topics stats-internal}: the topic's entries, bytes
 * and positions, each cursor's mark-delete and read positions and acknowledged ranges, and the shard's logs. Admin
 * path: allocates.
 */
final class StatsInternalReport
{
    private final int shard;
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final RecordedLog indexLog;
    private final ShardSweeps sweeps;
    private final TopicRegistry topics;
    private final LogReclaimer reclaimer;
    private final SegmentCompactor compactor;
    private final CursorCheckpointer checkpointer;
    private final IndexSnapshotSession snapshots;
    private final ClientProxy proxy;
    private final ObjectMapper objectMapper = new ObjectMapper();

    StatsInternalReport(
        final ShardContext ctx,
        final TopicRegistry topics,
        final LogReclaimer reclaimer,
        final SegmentCompactor compactor,
        final CursorCheckpointer checkpointer,
        final IndexSnapshotSession snapshots,
        final ShardSweeps sweeps,
        final ClientProxy proxy)
    {
        this.sweeps = sweeps;
        this.shard = ctx.shard();
        this.entryLog = ctx.entryLog();
        this.cursorLog = ctx.cursorLog();
        this.indexLog = ctx.indexLog();
        this.topics = topics;
        this.reclaimer = reclaimer;
        this.compactor = compactor;
        this.checkpointer = checkpointer;
        this.snapshots = snapshots;
        this.proxy = proxy;
    }

    void onStatsInternal(final ShardSession session, final long correlationId, final String topicText)
    {
        final TopicName name = TopicName.parse(topicText);
        final Topic topic = topics.byName(name.toString());
        if (null == topic)
        {
            proxy.error(session, correlationId, ErrorCode.TOPIC_NOT_FOUND, "topic " + name + " does not exist");
            return;
        }

        final byte[] json;
        try
        {
            json = objectMapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(describe(topic));
        }
        catch (final JsonProcessingException ex)
        {
            proxy.error(session, correlationId, ErrorCode.UNKNOWN_ERROR, "stats could not be encoded: " + ex);
            return;
        }
        proxy.statsInternal(session, correlationId, json);
    }

    private ObjectNode describe(final Topic topic)
    {
        final ObjectNode root = objectMapper.createObjectNode();
        root.put("topic", topic.name.toString());
        root.put("topicId", topic.id);
        root.put("shard", shard);
        root.put("persistent", topic.persistent);
        root.put("durability", topic.persistent ? NamespacePolicies.durabilityName(topic.policies.durability()) :
            NamespacePolicies.durabilityName(NamespacePolicies.DURABILITY_MEMORY));
        root.put("entries", topic.index.heldEntries());
        root.put("entriesAdded", topic.index.size());
        root.put("durableEntries", topic.durableEntries);
        root.put("bytes", topic.bytes);
        root.put("firstPosition",
            topic.index.heldEntries() > 0 ? topic.index.position(topic.index.firstOrdinal()) : -1);
        root.put("lastPosition", topic.index.lastPosition());
        root.put("producers", topic.producerCount());
        root.put("relocatedEntries", null == topic.relocations ? 0 : topic.relocations.size());

        final ObjectNode cursors = root.putObject("cursors");
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            final ObjectNode cursor = cursors.putObject(subscription.name);
            cursor.put("subscriptionId", subscription.id);
            cursor.put("connected", !subscription.consumers.isEmpty());
            cursor.put("durable", subscription.durable);
            cursor.put("consumers", subscription.consumers.size());
            if (null != subscription.type)
            {
                cursor.put("type", subscription.type.name());
            }
            final long readOrdinal = Math.max(subscription.readOrdinal, topic.index.firstOrdinal());
            cursor.put("readPosition", readOrdinal < topic.index.size() ?
                topic.index.position(readOrdinal) : entryLog.appendedPosition());
            if (null != subscription.cursor)
            {
                cursor.put("markDeletePosition", subscription.cursor.markDeletePosition());
                cursor.put("backlog", subscription.cursor.backlog());
                cursor.put("individuallyAckedEntries", subscription.cursor.individuallyAckedCount());
                final long[] ranges = subscription.cursor.ackedRanges(1000);
                final ArrayNode acked = cursor.putArray("individuallyDeletedMessages");
                for (int i = 0; i < ranges.length; i += 2)
                {
                    acked.add("[" + shard + ":" + ranges[i] + ".." + shard + ":" + ranges[i + 1] + "]");
                }
            }
        }

        final ObjectNode log = root.putObject("shardLog");
        log.put("recordingId", entryLog.recordingId());
        log.put("startPosition", entryLog.startPosition());
        log.put("durablePosition", entryLog.durablePosition());
        log.put("appendedPosition", entryLog.appendedPosition());
        log.put("bytes", entryLog.appendedPosition() - entryLog.startPosition());
        log.put("segmentFileLength", entryLog.segmentFileLength());
        log.put("segments", segmentCount(entryLog));
        log.put("reclaimedBytes", reclaimer.reclaimedBytes());
        log.put("compactions", compactor.compactions());
        log.put("relocatedEntries", compactor.relocatedEntries());
        final ObjectNode cursorLogNode = root.putObject("cursorLog");
        cursorLogNode.put("recordingId", cursorLog.recordingId());
        cursorLogNode.put("bytes", cursorLog.appendedPosition() - cursorLog.startPosition());
        cursorLogNode.put("segments", segmentCount(cursorLog));
        cursorLogNode.put("startPosition", cursorLog.startPosition());
        cursorLogNode.put("checkpoints", checkpointer.checkpoints());
        final ObjectNode indexLogNode = root.putObject("indexLog");
        indexLogNode.put("recordingId", indexLog.recordingId());
        indexLogNode.put("bytes", indexLog.appendedPosition() - indexLog.startPosition());
        indexLogNode.put("segments", segmentCount(indexLog));
        indexLogNode.put("snapshots", snapshots.snapshots());
        indexLogNode.put("lastSnapshotShardLogPosition", snapshots.lastEntryPosition());
        indexLogNode.put("lastSnapshotBytes", snapshots.lastBytes());
        final ObjectNode sweepsNode = root.putObject("sweeps");
        sweepsNode.put("topicsWithDeadline", sweeps.topicsWithDeadline());
        sweepsNode.put("deadlineVisits", sweeps.deadlineVisits());

        return root;
    }

    private static long segmentCount(final RecordedLog log)
    {
        final long segmentLength = log.segmentFileLength();
        final long firstBase = log.startPosition() - (log.startPosition() & (log.termLength() - 1));
        return (log.appendedPosition() - firstBase + segmentLength - 1) / segmentLength;
    }
}
