package io.magnetar.broker.shard;

import io.magnetar.broker.ShardCommand;
import io.magnetar.broker.SessionEgress;
import io.magnetar.broker.BrokerCounters;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.broker.policy.BacklogQuota;
import io.magnetar.broker.policy.RetentionPolicy;
import io.magnetar.broker.policy.NamespacePolicies;
import io.aeron.Counter;
import io.aeron.Publication;
import io.magnetar.codecs.AckDecoder;
import io.magnetar.codecs.AckWithReceiptDecoder;
import io.magnetar.codecs.CloseConsumerDecoder;
import io.magnetar.codecs.CloseProducerDecoder;
import io.magnetar.codecs.CreateProducerDecoder;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.FlowDecoder;
import io.magnetar.codecs.InitialPosition;
import io.magnetar.codecs.MessageEncoder;
import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.GetNamespacePoliciesDecoder;
import io.magnetar.codecs.NamespacePoliciesEncoder;
import io.magnetar.codecs.SetNamespacePoliciesDecoder;
import io.magnetar.codecs.storage.IndexSnapshotBeginDecoder;
import io.magnetar.codecs.storage.IndexSnapshotBeginEncoder;
import io.magnetar.codecs.storage.IndexSnapshotEndDecoder;
import io.magnetar.codecs.storage.IndexSnapshotEndEncoder;
import io.magnetar.codecs.storage.TopicIndexStateDecoder;
import io.magnetar.codecs.storage.TopicIndexStateEncoder;
import io.magnetar.codecs.storage.NamespacePolicyStateDecoder;
import io.magnetar.codecs.storage.RelocatedEntryDecoder;
import io.magnetar.codecs.storage.RelocatedEntryEncoder;
import io.magnetar.codecs.storage.NamespacePolicyStateEncoder;
import io.magnetar.codecs.ProducerReadyEncoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SendErrorEncoder;
import io.magnetar.codecs.SendReceiptEncoder;
import io.magnetar.codecs.ResetCursorDecoder;
import io.magnetar.codecs.StatsInternalRequestDecoder;
import io.magnetar.codecs.StatsInternalResponseEncoder;
import io.magnetar.codecs.SubscribeDecoder;
import io.magnetar.codecs.SubscribedEncoder;
import io.magnetar.codecs.SubscriptionType;
import io.magnetar.codecs.SuccessEncoder;
import io.magnetar.codecs.storage.CursorAckDecoder;
import io.magnetar.codecs.storage.CursorAckEncoder;
import io.magnetar.codecs.storage.EntryHeaderDecoder;
import io.magnetar.codecs.storage.EntryHeaderEncoder;
import io.magnetar.codecs.storage.SubscriptionCreatedDecoder;
import io.magnetar.codecs.storage.SubscriptionCreatedEncoder;
import io.magnetar.codecs.storage.SubscriptionStateDecoder;
import io.magnetar.codecs.storage.SubscriptionStateEncoder;
import io.magnetar.codecs.storage.TopicCreatedDecoder;
import io.magnetar.codecs.storage.TopicCreatedEncoder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.magnetar.storage.EntryHandler;
import io.magnetar.storage.LogReader;
import io.magnetar.storage.RecordedLog;
import io.magnetar.storage.StorageException;
import io.magnetar.storage.Cursor;
import io.magnetar.storage.TopicIndex;
import io.magnetar.mediadriver.Durability;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.ExpandableDirectByteBuffer;
import org.agrona.ExpandableRingBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.collections.Long2LongHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongArrayList;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.SpscArrayQueue;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * Owns the topics of one shard: appends their messages to the shard log, releases receipts and deliveries once
 * the archive's durable position passes them, dispatches to consumers within their permits, and records
 * subscriptions and acknowledgements in the shard's cursor log. Nothing else touches these topics.
 */
public final class TopicShardAgent implements Agent
{
    private static final int COMMAND_LIMIT = 64;
    private static final int DISPATCH_LIMIT = 256;
    private static final int EXPIRY_LIMIT = 10_000;
    private static final int CHECKPOINT_RANGES_PER_RECORD = 8192;
    private static final int HOLD_BUFFER_MAX_BYTES = 4 * 1024 * 1024;
    private static final int HOLD_RELEASE_LIMIT = 256;
    private static final int SNAPSHOT_TOPICS_PER_CYCLE = 256;
    private static final int SNAPSHOT_VALUES_PER_PART = 8192;
    private static final long SNAPSHOT_GROWTH_FACTOR = 4;
    private static final int SNAPSHOT_PARTS_PER_CYCLE = 4;
    private static final long COMPACTION_LIVE_FRACTION = 4;
    private static final int COMPACTION_COPIES_PER_CHECK = 4096;
    private static final int COMPACTION_PINNED_CHECKS = 5;
    private static final long SHARD_HOLD_BUDGET_BYTES = 64L * 1024 * 1024;
    private static final int HOLD_ERROR_HEADROOM = 64 * 1024;
    private static final int HELD_SESSION_OFFSET = 0;
    private static final int HELD_AT_OFFSET = 8;
    private static final int HELD_KIND_OFFSET = 16;
    private static final int HELD_FRAME_OFFSET = 20;
    private static final int HELD_ERROR_PRODUCER_OFFSET = 20;
    private static final int HELD_ERROR_SEQUENCE_OFFSET = 28;
    private static final int HELD_ERROR_CODE_OFFSET = 36;
    private static final int HELD_ERROR_MESSAGE_OFFSET = 40;
    private static final int HELD_FRAME = 0;
    private static final int HELD_ERROR = 1;
    private static final int OFFER_OK = 0;
    private static final int OFFER_RETRY = 1;
    private static final int OFFER_GONE = 2;

    private final int shard;
    private final int shardCount;
    private final String roleName;
    private final String brokerName;
    private final int maxMessageSize;
    private final RecordedLog entryLog;
    private final RecordedLog cursorLog;
    private final LogReader entryReader;
    private final SpscArrayQueue<ShardCommand> commandQueue;
    private final SpscArrayQueue<ShardCommand> freeCommands;
    private final SpscArrayQueue<ShardCommand> freeLargeCommands;
    private final BrokerCounters.Shard counters;
    private final ErrorHandler errorHandler;
    private final EpochClock epochClock;
    private final RetentionPolicy retention;
    private final long[] policyDefaults;
    private final HashMap<String, NamespacePolicies> policiesByNamespace = new HashMap<>();
    private boolean anyMessageTtl;
    private boolean anyBacklogEviction;
    private boolean anyFiniteRetention;
    private boolean anyFsync;
    private final long holdTimeoutNs;
    private final boolean syncedByAgent;
    private final ArrayList<Topic> holdingTopics = new ArrayList<>();
    private final ExpandableDirectByteBuffer holdBuffer = new ExpandableDirectByteBuffer(4096);
    private final SendDecoder heldSendDecoder = new SendDecoder();
    private final SetNamespacePoliciesDecoder setNamespacePoliciesDecoder = new SetNamespacePoliciesDecoder();
    private final GetNamespacePoliciesDecoder getNamespacePoliciesDecoder = new GetNamespacePoliciesDecoder();
    private final NamespacePoliciesEncoder namespacePoliciesEncoder = new NamespacePoliciesEncoder();
    private final NamespacePolicyStateEncoder namespacePolicyStateEncoder = new NamespacePolicyStateEncoder();
    private final NamespacePolicyStateDecoder namespacePolicyStateDecoder = new NamespacePolicyStateDecoder();
    private final long[] policyScratch = new long[NamespacePolicies.FIELD_COUNT];
    private final boolean[] policyChanged = new boolean[NamespacePolicies.FIELD_COUNT];
    private final RecordedLog indexLog;
    private final long snapshotIntervalBytes;
    private final ExpandableDirectByteBuffer snapshotBuffer = new ExpandableDirectByteBuffer(256 * 1024);
    private final IndexSnapshotBeginEncoder snapshotBeginEncoder = new IndexSnapshotBeginEncoder();
    private final IndexSnapshotBeginDecoder snapshotBeginDecoder = new IndexSnapshotBeginDecoder();
    private final IndexSnapshotEndEncoder snapshotEndEncoder = new IndexSnapshotEndEncoder();
    private final IndexSnapshotEndDecoder snapshotEndDecoder = new IndexSnapshotEndDecoder();
    private final TopicIndexStateEncoder topicIndexStateEncoder = new TopicIndexStateEncoder();
    private final TopicIndexStateDecoder topicIndexStateDecoder = new TopicIndexStateDecoder();
    private final EntryHandler snapshotFindHandler = this::onSnapshotFindRecord;
    private final EntryHandler snapshotLoadHandler = this::onSnapshotLoadRecord;
    private long snapshotId;
    private long snapshotEntryPosition = -1;
    private long snapshotNextLocalId;
    private long snapshotEndLocalId;
    private long snapshotTopicCount;
    private Topic snapshotTopic;
    private long snapshotTopicFirstOrdinal;
    private int snapshotPart;
    private int snapshotNextPosition;
    private int snapshotNextBlock;
    private int snapshotNextRelocation;
    private int snapshotPositionCount;
    private int snapshotBlockCount;
    private long lastSnapshotEntryPosition;
    private long lastSnapshotIndexPosition;
    private long pendingSnapshotEnd = -1;
    private int indexSnapshots;
    private long lastSnapshotBytes;
    private long snapshotBeginId;
    private long snapshotBeginEntryPosition;
    private long snapshotBeginIndexPosition = -1;
    private long completeSnapshotId = -1;
    private long completeSnapshotIndexPosition = -1;
    private long completeSnapshotEndPosition;
    private long completeSnapshotEntryPosition;
    private final LongArrayList restoredPositions = new LongArrayList();
    private final LongArrayList restoredBlockTimes = new LongArrayList();
    private final LongArrayList snapshotRelocations = new LongArrayList();
    private String snapshotRecoveryNote = "";
    private NamespacePolicies lastPolicies;
    private String lastPoliciesTenant;
    private String lastPoliciesNamespace;
    private final ExpandableRingBuffer.MessageConsumer heldSendHandler = this::onHeldSend;
    private Topic releasingTopic;
    private long heldBytes;
    private long releaseNowNs;
    private long nextRetentionCheckNs;
    private long reclaimTarget = -1;
    private long reclaimDefinitionsEnd;
    private long reclaimCursorsEnd;
    private long lastCheckpointStart;
    private long pendingCheckpointStart = -1;
    private long pendingCheckpointEnd;
    private int checkpoints;
    private final SubscriptionStateEncoder subscriptionStateEncoder = new SubscriptionStateEncoder();
    private final SubscriptionStateDecoder subscriptionStateDecoder = new SubscriptionStateDecoder();
    private long reclaimedBytes;
    private long readPublishTime;
    private final EntryHandler publishTimeHandler = this::onPublishTimeEntry;

    private final HashMap<String, Topic> topicByName = new HashMap<>();
    private final Long2ObjectHashMap<Topic> topicById = new Long2ObjectHashMap<>();
    private final Long2ObjectHashMap<ShardSession> sessionByKey = new Long2ObjectHashMap<>();
    private final ArrayList<TopicSubscription> activeSubscriptions = new ArrayList<>();
    private final ArrayList<ShardSession> sessionsWithDeferredReceipts = new ArrayList<>();
    private final ArrayDeque<PendingReceipt> pendingReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> pendingAckReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> pendingSyncReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> pendingSyncAckReceipts = new ArrayDeque<>();
    private final ArrayDeque<PendingReceipt> freeReceipts = new ArrayDeque<>();
    private long nextTopicLocalId = 1;
    private long nextSubscriptionId = 1;
    private long nextProducerNameId = 1;
    private ShardCommand stalledCommand;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final CreateProducerDecoder createProducerDecoder = new CreateProducerDecoder();
    private final SendDecoder sendDecoder = new SendDecoder();
    private final CloseProducerDecoder closeProducerDecoder = new CloseProducerDecoder();
    private final SubscribeDecoder subscribeDecoder = new SubscribeDecoder();
    private final FlowDecoder flowDecoder = new FlowDecoder();
    private final AckDecoder ackDecoder = new AckDecoder();
    private final AckWithReceiptDecoder ackWithReceiptDecoder = new AckWithReceiptDecoder();
    private final CloseConsumerDecoder closeConsumerDecoder = new CloseConsumerDecoder();
    private final StatsInternalRequestDecoder statsInternalRequestDecoder = new StatsInternalRequestDecoder();
    private final ResetCursorDecoder resetCursorDecoder = new ResetCursorDecoder();
    private final StatsInternalResponseEncoder statsInternalResponseEncoder = new StatsInternalResponseEncoder();
    private final ObjectMapper objectMapper = new ObjectMapper();
    private final ProducerReadyEncoder producerReadyEncoder = new ProducerReadyEncoder();
    private final SendReceiptEncoder sendReceiptEncoder = new SendReceiptEncoder();
    private final SendErrorEncoder sendErrorEncoder = new SendErrorEncoder();
    private final SubscribedEncoder subscribedEncoder = new SubscribedEncoder();
    private final SuccessEncoder successEncoder = new SuccessEncoder();
    private final ErrorEncoder errorEncoder = new ErrorEncoder();
    private final MessageEncoder messageEncoder = new MessageEncoder();

    private final io.magnetar.codecs.storage.MessageHeaderDecoder storageHeaderDecoder =
        new io.magnetar.codecs.storage.MessageHeaderDecoder();
    private final io.magnetar.codecs.storage.MessageHeaderEncoder storageHeaderEncoder =
        new io.magnetar.codecs.storage.MessageHeaderEncoder();
    private final EntryHeaderEncoder entryEncoder = new EntryHeaderEncoder();
    private final EntryHeaderDecoder entryDecoder = new EntryHeaderDecoder();
    private final TopicCreatedEncoder topicCreatedEncoder = new TopicCreatedEncoder();
    private final TopicCreatedDecoder topicCreatedDecoder = new TopicCreatedDecoder();
    private final SubscriptionCreatedEncoder subscriptionCreatedEncoder = new SubscriptionCreatedEncoder();
    private final SubscriptionCreatedDecoder subscriptionCreatedDecoder = new SubscriptionCreatedDecoder();
    private final CursorAckEncoder cursorAckEncoder = new CursorAckEncoder();
    private final CursorAckDecoder cursorAckDecoder = new CursorAckDecoder();

    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[8192]);
    private final ExpandableDirectByteBuffer appendBuffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final ExpandableDirectByteBuffer messageBuffer = new ExpandableDirectByteBuffer(64 * 1024);
    private final ExpandableDirectByteBuffer cursorBuffer = new ExpandableDirectByteBuffer(1024);
    private final UnsafeBuffer keyView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer payloadView = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer emptyView = new UnsafeBuffer(new byte[0]);

    private final EntryHandler dispatchHandler = this::onDispatchEntry;
    private ShardConsumer dispatchConsumer;
    private long dispatchMessageId;
    private final RelocatedEntryDecoder relocatedEntryDecoder = new RelocatedEntryDecoder();
    private final LongArrayList recoveredRelocations = new LongArrayList();
    private final ArrayDeque<PendingRelocation> pendingRelocations = new ArrayDeque<>();
    private final EntryHandler relocationHandler = this::onRelocatedEntryRead;
    private long relocationMessageId;
    private long relocationResult;
    private int compactions;
    private long pinnedFloor = Long.MIN_VALUE;
    private int pinnedChecks;
    private long relocatedEntries;
    private int dispatchResult;

    private final EntryHandler entryRecoveryHandler = this::onRecoveredEntry;
    private final EntryHandler cursorRecoveryHandler = this::onRecoveredCursorRecord;
    private int recoveredEntries;
    private boolean recoveringDefinitions;
    private int orphanedCursorRecords;
    private int recoveredCheckpointRecords;
    private int recoveredAcks;

    /**
     * @param shard          number of this shard.
     * @param shardCount     number of topic shards of the broker.
     * @param brokerName     used for generated producer names.
     * @param maxMessageSize largest payload accepted.
     * @param entryLog       the shard log of entries.
     * @param cursorLog      the shard's cursor log.
     * @param indexLog       the shard's index log, which holds index snapshots.
     * @param snapshotIntervalBytes shard log bytes between index snapshots.
     * @param commandQueue   commands from the session agent.
     * @param freeCommands   pool to return handled small commands to.
     * @param freeLargeCommands pool to return handled large commands to.
     * @param counters       of this shard.
     * @param errorHandler   for errors.
     * @param epochClock     for publish times.
     * @param retention      how long acknowledged entries are kept.
     * @param backlogQuota   how much a subscription may hold back.
     * @param durability     of the broker's archive: the default durability of namespaces.
     * @param holdTimeoutNs  how long producer_request_hold holds a message before refusing it.
     */
    public TopicShardAgent(
        final int shard,
        final int shardCount,
        final String brokerName,
        final int maxMessageSize,
        final RecordedLog entryLog,
        final RecordedLog cursorLog,
        final RecordedLog indexLog,
        final long snapshotIntervalBytes,
        final SpscArrayQueue<ShardCommand> commandQueue,
        final SpscArrayQueue<ShardCommand> freeCommands,
        final SpscArrayQueue<ShardCommand> freeLargeCommands,
        final BrokerCounters.Shard counters,
        final ErrorHandler errorHandler,
        final EpochClock epochClock,
        final RetentionPolicy retention,
        final BacklogQuota backlogQuota,
        final Durability durability,
        final long holdTimeoutNs)
    {
        this.holdTimeoutNs = holdTimeoutNs;
        this.syncedByAgent = Durability.ARCHIVED == durability;
        this.retention = retention;
        this.policyDefaults = NamespacePolicies.defaults(durability, retention, backlogQuota);
        this.shard = shard;
        this.shardCount = shardCount;
        this.roleName = "magnetar-topic-shard-" + shard;
        this.brokerName = brokerName;
        this.maxMessageSize = maxMessageSize;
        this.entryLog = entryLog;
        this.cursorLog = cursorLog;
        this.indexLog = indexLog;
        this.snapshotIntervalBytes = snapshotIntervalBytes;
        this.entryReader = entryLog.reader();
        this.commandQueue = commandQueue;
        this.freeCommands = freeCommands;
        this.freeLargeCommands = freeLargeCommands;
        this.counters = counters;
        this.errorHandler = errorHandler;
        this.epochClock = epochClock;
        refreshPolicySummary();
    }

    /**
     * Rebuild topics, indexes and cursors by scanning the shard log and the cursor log. Call once before the agent
     * runs.
     *
     * @return a one-line summary of what was recovered and how long it took.
     */
    public String recover()
    {
        final long startNs = System.nanoTime();
        final long scanFrom = loadIndexSnapshot();
        // topics first: retention re-records a topic's definition after entries that precede it in the log
        recoveringDefinitions = true;
        entryReader.scan(scanFrom, entryLog.recoveredPosition(), entryRecoveryHandler);
        recoveringDefinitions = false;
        applyRecoveredRelocations(scanFrom);
        entryReader.scan(scanFrom, entryLog.recoveredPosition(), entryRecoveryHandler);
        for (final Topic topic : topicById.values())
        {
            dropUnreadablePrefix(topic);
            topic.durableEntries = topic.index.size();
        }
        cursorLog.reader().scan(cursorLog.startPosition(), cursorLog.recoveredPosition(), cursorRecoveryHandler);
        refreshPolicySummary();
        // moved copies of entries acknowledged and dropped before the restart are dropped again, as reclaim did
        final long now = epochClock.time();
        for (final Topic topic : topicById.values())
        {
            if (null != topic.relocations)
            {
                recoveredEntries -= removeReclaimedEntries(topic, entryLog.startPosition(), now);
            }
        }
        final long elapsedMs = (System.nanoTime() - startNs) / 1_000_000;

        int subscriptions = 0;
        for (final Topic topic : topicById.values())
        {
            subscriptions += topic.subscriptions.size();
        }

        return "shard " + shard + " recovered " + topicById.size() + " topics in " + policiesByNamespace.size() +
            " namespaces, " + recoveredEntries + " entries, " +
            subscriptions + " subscriptions, " + recoveredCheckpointRecords + " checkpoint records and " +
            recoveredAcks + " acks" +
            (orphanedCursorRecords > 0 ? " (skipped " + orphanedCursorRecords +
                " cursor records superseded by a checkpoint or of topics a crash did not store)" : "") + " from " +
            (snapshotRecoveryNote.isEmpty() ? "" : snapshotRecoveryNote + " and ") +
            (entryLog.recoveredPosition() - scanFrom) + " log bytes in " + elapsedMs + " ms";
    }

    /**
     * Load the newest complete index snapshot of the index log, if there is one: its topics and their indexes below
     * the snapshot's shard log position. A snapshot that cannot be read is reported and ignored: the shard log holds
     * everything, and recovery then scans all of it.
     *
     * @return the shard log position to scan from.
     */
    private long loadIndexSnapshot()
    {
        snapshotBeginIndexPosition = -1;
        indexLog.reader().scan(indexLog.startPosition(), indexLog.recoveredPosition(), snapshotFindHandler);
        if (completeSnapshotIndexPosition < 0)
        {
            return entryLog.startPosition();
        }
        if (completeSnapshotEntryPosition > entryLog.recoveredPosition())
        {
            errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + completeSnapshotId +
                " describes the log up to " + completeSnapshotEntryPosition + " but it ends at " +
                entryLog.recoveredPosition() + "; scanning the whole shard log instead"));
            return entryLog.startPosition();
        }

        try
        {
            indexLog.reader().scan(
                completeSnapshotIndexPosition, completeSnapshotEndPosition, snapshotLoadHandler);
            final long start = entryLog.startPosition();
            for (final Topic topic : topicById.values())
            {
                recoveredEntries += topic.index.heldEntries();
            }
            lastSnapshotEntryPosition = completeSnapshotEntryPosition;
            lastSnapshotBytes = completeSnapshotEndPosition - completeSnapshotIndexPosition;
            snapshotRecoveryNote = "an index snapshot of " + topicById.size() + " topics and " + recoveredEntries +
                " entries below position " + completeSnapshotEntryPosition;

            return Math.max(start, completeSnapshotEntryPosition);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + completeSnapshotId +
                " could not be loaded (" + ex + "), scanning the whole shard log instead", ex));
            topicById.clear();
            topicByName.clear();
            nextTopicLocalId = 1;
            recoveredEntries = 0;
            snapshotRecoveryNote = "";

            return entryLog.startPosition();
        }
    }

    private void onSnapshotFindRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        checkIndexRecordVersion(position);
        final int bodyOffset = offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = storageHeaderDecoder.blockLength();
        final int version = storageHeaderDecoder.version();
        final int templateId = storageHeaderDecoder.templateId();
        if (IndexSnapshotBeginDecoder.TEMPLATE_ID == templateId)
        {
            snapshotBeginDecoder.wrap(buffer, bodyOffset, blockLength, version);
            snapshotBeginId = snapshotBeginDecoder.snapshotId();
            snapshotBeginEntryPosition = snapshotBeginDecoder.entryLogPosition();
            snapshotBeginIndexPosition = position;
            snapshotId = Math.max(snapshotId, snapshotBeginId);
        }
        else if (IndexSnapshotEndDecoder.TEMPLATE_ID == templateId)
        {
            snapshotEndDecoder.wrap(buffer, bodyOffset, blockLength, version);
            if (snapshotBeginIndexPosition >= 0 && snapshotEndDecoder.snapshotId() == snapshotBeginId)
            {
                completeSnapshotId = snapshotBeginId;
                completeSnapshotIndexPosition = snapshotBeginIndexPosition;
                completeSnapshotEndPosition = nextPosition;
                completeSnapshotEntryPosition = snapshotBeginEntryPosition;
            }
        }
        else if (TopicIndexStateDecoder.TEMPLATE_ID != templateId)
        {
            throw new StorageException("shard " + shard + " index log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    private void onSnapshotLoadRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        if (TopicIndexStateDecoder.TEMPLATE_ID != storageHeaderDecoder.templateId())
        {
            return;
        }
        final TopicIndexStateDecoder decoder = topicIndexStateDecoder.wrap(
            buffer,
            offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH,
            storageHeaderDecoder.blockLength(),
            storageHeaderDecoder.version());
        if (decoder.snapshotId() != completeSnapshotId)
        {
            return;
        }
        final long topicId = decoder.topicId();
        final int part = decoder.part();
        final long firstOrdinal = decoder.firstOrdinal();
        final long firstBlock = decoder.firstBlock();
        final long lastRemovedPosition = decoder.lastRemovedPosition();
        final long bytes = decoder.bytes();
        final long definitionPosition = decoder.definitionPosition();
        restoredPositions.clear();
        for (final TopicIndexStateDecoder.PositionsDecoder entry : decoder.positions())
        {
            restoredPositions.addLong(entry.position());
        }
        restoredBlockTimes.clear();
        for (final TopicIndexStateDecoder.BlockPublishTimesDecoder block : decoder.blockPublishTimes())
        {
            restoredBlockTimes.addLong(block.publishTime());
        }
        snapshotRelocations.clear();
        for (final TopicIndexStateDecoder.RelocationsDecoder relocation : decoder.relocations())
        {
            snapshotRelocations.addLong(relocation.originalPosition());
            snapshotRelocations.addLong(relocation.location());
        }
        final String topicName = decoder.topicName();

        Topic topic = topicById.get(topicId);
        if (0 == part)
        {
            if (null == topic)
            {
                final TopicName name = TopicName.parse(topicName);
                topic = new Topic(topicId, name, true, policiesOf(name));
                topicByName.put(name.toString(), topic);
                topicById.put(topicId, topic);
                nextTopicLocalId = Math.max(nextTopicLocalId, (topicId & ((1L << 40) - 1)) + 1);
            }
            topic.index.restore(firstOrdinal, firstBlock, lastRemovedPosition);
            topic.relocations = null;
            topic.bytes = bytes;
            topic.definitionPosition = definitionPosition;
        }
        else if (null == topic)
        {
            throw new StorageException("shard " + shard + " index log: part " + part + " of topic " + topicId +
                " without its first part at position " + position);
        }

        for (int i = 0, size = restoredPositions.size(); i < size; i++)
        {
            topic.index.restorePosition(restoredPositions.getLong(i));
        }
        for (int i = 0, size = restoredBlockTimes.size(); i < size; i++)
        {
            topic.index.restoreBlockPublishTime(restoredBlockTimes.getLong(i));
        }
        for (int i = 0, size = snapshotRelocations.size(); i < size; i += 2)
        {
            if (null == topic.relocations)
            {
                topic.relocations = new Long2LongHashMap(Long.MIN_VALUE);
            }
            topic.relocations.put(snapshotRelocations.getLong(i), snapshotRelocations.getLong(i + 1));
        }
    }

    private void checkIndexRecordVersion(final long position)
    {
        final int schemaId = storageHeaderDecoder.schemaId();
        final int version = storageHeaderDecoder.version();
        if (TopicIndexStateDecoder.SCHEMA_ID != schemaId || version > TopicIndexStateDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " index log: unknown record version at position " +
                position + " (schema " + schemaId + " version " + version + ")");
        }
    }

    /**
     * Index snapshots, written a bounded number of topics per duty cycle once the shard log has grown by the
     * snapshot interval: a begin record naming a shard log position B (once B is stored), each persistent topic's
     * index below B, and an end record. Once the end record is stored, the index log before the snapshot is purged.
     * Recovery loads the newest complete snapshot and scans the shard log from B only.
     */
    private int snapshotIndexes()
    {
        if (pendingSnapshotEnd >= 0)
        {
            if (indexLog.durablePosition() < pendingSnapshotEnd)
            {
                return 0;
            }
            pendingSnapshotEnd = -1;
            purgeBefore(indexLog, lastSnapshotIndexPosition);
            return 1;
        }

        if (snapshotEntryPosition < 0)
        {
            if (!isSnapshotDue())
            {
                return 0;
            }
            final long entryPosition = entryLog.appendedPosition();
            snapshotBeginEncoder.wrapAndApplyHeader(snapshotBuffer, 0, storageHeaderEncoder)
                .snapshotId(snapshotId + 1)
                .entryLogPosition(entryPosition)
                .timestamp(epochClock.time());
            final long beginPosition = indexLog.append(snapshotBuffer, 0,
                io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + snapshotBeginEncoder.encodedLength());
            if (beginPosition < 0)
            {
                return 0;
            }
            snapshotId++;
            snapshotEntryPosition = entryPosition;
            lastSnapshotEntryPosition = entryPosition;
            lastSnapshotIndexPosition = beginPosition;
            snapshotNextLocalId = 1;
            snapshotEndLocalId = nextTopicLocalId;
            snapshotTopic = null;
            snapshotTopicCount = 0;
            return 1;
        }

        // the snapshot holds entries below its position: they must be stored before it describes them
        if (entryLog.durablePosition() < snapshotEntryPosition)
        {
            return 0;
        }

        int workCount = 0;
        while (snapshotNextLocalId < snapshotEndLocalId && workCount < SNAPSHOT_TOPICS_PER_CYCLE)
        {
            final Topic topic = topicById.get(((long)shard << 40) | snapshotNextLocalId);
            if (null != topic && topic.persistent)
            {
                if (!appendTopicIndexState(topic))
                {
                    return workCount;
                }
                snapshotTopicCount++;
            }
            snapshotNextLocalId++;
            workCount++;
        }
        if (snapshotNextLocalId < snapshotEndLocalId)
        {
            return workCount;
        }

        snapshotEndEncoder.wrapAndApplyHeader(snapshotBuffer, 0, storageHeaderEncoder)
            .snapshotId(snapshotId)
            .topicCount(snapshotTopicCount);
        if (indexLog.append(snapshotBuffer, 0,
            io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + snapshotEndEncoder.encodedLength()) < 0)
        {
            return workCount;
        }
        pendingSnapshotEnd = indexLog.appendedPosition();
        lastSnapshotBytes = pendingSnapshotEnd - lastSnapshotIndexPosition;
        snapshotEntryPosition = -1;
        indexSnapshots++;

        return workCount + 1;
    }

    /**
     * Purge a log's segments before a position: what supersedes them is stored. A failed purge is reported and
     * tried again with the next checkpoint or snapshot.
     */
    private void purgeBefore(final RecordedLog log, final long position)
    {
        try
        {
            log.purgeBefore(position);
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * A snapshot is due once the shard log has grown by the interval, and by at least four times the last
     * snapshot's size: snapshots never cost more than a quarter of the log's writes, and recovery scans at most the
     * larger of the two.
     */
    private boolean isSnapshotDue()
    {
        return entryLog.appendedPosition() - lastSnapshotEntryPosition >=
            Math.max(snapshotIntervalBytes, SNAPSHOT_GROWTH_FACTOR * lastSnapshotBytes);
    }

    /**
     * Append one topic's index below the snapshot position, in parts that fit a record, a few parts per duty cycle:
     * a large index never stalls the shard for long, and back pressure resumes at the part that did not fit (or at
     * part 0 if retention changed the index in between).
     *
     * @return true once the topic is written; false to be called again for the same topic.
     */
    private boolean appendTopicIndexState(final Topic topic)
    {
        final TopicIndex index = topic.index;
        if (snapshotTopic != topic || snapshotTopicFirstOrdinal != index.firstOrdinal())
        {
            startTopicIndexState(topic);
        }

        final long firstOrdinal = snapshotTopicFirstOrdinal;
        final String name = topic.name.toString();
        for (int parts = 0; parts < SNAPSHOT_PARTS_PER_CYCLE; parts++)
        {
            final int positions = Math.min(SNAPSHOT_VALUES_PER_PART, snapshotPositionCount - snapshotNextPosition);
            final int blocks = Math.min(SNAPSHOT_VALUES_PER_PART, snapshotBlockCount - snapshotNextBlock);
            final int relocations = Math.min(
                SNAPSHOT_VALUES_PER_PART / 2, snapshotRelocations.size() / 2 - snapshotNextRelocation);
            topicIndexStateEncoder.wrapAndApplyHeader(snapshotBuffer, 0, storageHeaderEncoder)
                .snapshotId(snapshotId)
                .topicId(topic.id)
                .part(snapshotPart)
                .firstOrdinal(firstOrdinal)
                .firstBlock(index.firstBlock())
                .lastRemovedPosition(index.lastRemovedPosition())
                .bytes(topic.bytes / Math.max(1, index.size()) * (firstOrdinal + snapshotPositionCount))
                .definitionPosition(topic.definitionPosition);
            final TopicIndexStateEncoder.PositionsEncoder positionsEncoder =
                topicIndexStateEncoder.positionsCount(positions);
            for (int i = 0; i < positions; i++)
            {
                positionsEncoder.next().position(index.position(firstOrdinal + snapshotNextPosition + i));
            }
            final TopicIndexStateEncoder.BlockPublishTimesEncoder blocksEncoder =
                topicIndexStateEncoder.blockPublishTimesCount(blocks);
            for (int i = 0; i < blocks; i++)
            {
                blocksEncoder.next().publishTime(index.blockPublishTime(snapshotNextBlock + i));
            }
            final TopicIndexStateEncoder.RelocationsEncoder relocationsEncoder =
                topicIndexStateEncoder.relocationsCount(relocations);
            for (int i = 0; i < relocations; i++)
            {
                relocationsEncoder.next()
                    .originalPosition(snapshotRelocations.getLong(2 * (snapshotNextRelocation + i)))
                    .location(snapshotRelocations.getLong(2 * (snapshotNextRelocation + i) + 1));
            }
            topicIndexStateEncoder.topicName(0 == snapshotPart ? name : "");
            final long result = indexLog.append(snapshotBuffer, 0,
                io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + topicIndexStateEncoder.encodedLength());
            if (result < 0)
            {
                if (Publication.BACK_PRESSURED != result && Publication.ADMIN_ACTION != result)
                {
                    errorHandler.onError(new StorageException("shard " + shard + ": index snapshot " + snapshotId +
                        " could not be written: " + Publication.errorString(result)));
                }
                return false;
            }
            snapshotNextPosition += positions;
            snapshotNextBlock += blocks;
            snapshotNextRelocation += relocations;
            snapshotPart++;
            if (snapshotNextPosition >= snapshotPositionCount && snapshotNextBlock >= snapshotBlockCount &&
                snapshotNextRelocation >= snapshotRelocations.size() / 2)
            {
                snapshotTopic = null;
                return true;
            }
        }

        return false;
    }

    private void startTopicIndexState(final Topic topic)
    {
        final TopicIndex index = topic.index;
        final long firstOrdinal = index.firstOrdinal();
        snapshotTopic = topic;
        snapshotTopicFirstOrdinal = firstOrdinal;
        snapshotPart = 0;
        snapshotNextPosition = 0;
        snapshotNextBlock = 0;
        snapshotNextRelocation = 0;
        snapshotPositionCount = (int)(index.firstOrdinalAtOrAfter(snapshotEntryPosition) - firstOrdinal);
        snapshotBlockCount = 0 == snapshotPositionCount ? Math.min(index.blockCount(), 1) : (int)Math.min(
            index.blockCount(), ((firstOrdinal + snapshotPositionCount - 1) >> 6) - index.firstBlock() + 1);

        // moved entries: those whose copies are stored, and those still waiting but copied before the snapshot began
        snapshotRelocations.clear();
        if (null != topic.relocations)
        {
            final Long2LongHashMap.EntryIterator iterator = topic.relocations.entrySet().iterator();
            while (iterator.hasNext())
            {
                iterator.next();
                snapshotRelocations.addLong(iterator.getLongKey());
                snapshotRelocations.addLong(iterator.getLongValue());
            }
        }
        if (topic.pendingRelocations > 0)
        {
            for (final PendingRelocation pending : pendingRelocations)
            {
                if (pending.topic == topic && pending.location < snapshotEntryPosition)
                {
                    snapshotRelocations.addLong(pending.messageId);
                    snapshotRelocations.addLong(pending.location);
                }
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = processCommands();
        workCount += releaseReceipts();
        workCount += releaseAckReceipts();
        if (!sessionsWithDeferredReceipts.isEmpty())
        {
            workCount += sendDeferredReceipts();
        }
        workCount += dispatch();
        if (snapshotEntryPosition >= 0 || pendingSnapshotEnd >= 0 || isSnapshotDue())
        {
            workCount += snapshotIndexes();
        }
        if (!holdingTopics.isEmpty())
        {
            workCount += releaseHeldSends();
        }

        final long nowNs = System.nanoTime();
        if (nowNs >= nextRetentionCheckNs)
        {
            nextRetentionCheckNs = nowNs + retention.checkIntervalNs();
            workCount += checkpointCursors();
            if (anyMessageTtl)
            {
                workCount += expireMessages();
            }
            if (anyBacklogEviction)
            {
                workCount += evictBacklog();
            }
            if (anyFiniteRetention)
            {
                workCount += reclaim();
            }
        }

        return workCount;
    }

    /**
     * Checkpoint the cursors: once the cursor log has grown by half a segment since the last checkpoint, write
     * every subscription's whole state (mark-delete position and acknowledged ranges); once that is stored, the
     * segments of the cursor log before it are purged. Recovery then reads the checkpoint and what followed, and
     * the cursor log stays bounded.
     */
    private int checkpointCursors()
    {
        if (pendingCheckpointStart >= 0)
        {
            if (!isStored(cursorLog, pendingCheckpointEnd, counters.cursorLogSyncRequest,
                counters.cursorLogSyncedPosition))
            {
                return 0;
            }
            final long checkpointStart = pendingCheckpointStart;
            pendingCheckpointStart = -1;
            purgeBefore(cursorLog, checkpointStart);
            return 1;
        }

        if (cursorLog.appendedPosition() - Math.max(lastCheckpointStart, cursorLog.startPosition()) <
            cursorLog.segmentFileLength() / 2)
        {
            return 0;
        }

        final long checkpointStart = cursorLog.appendedPosition();
        for (final NamespacePolicies policies : policiesByNamespace.values())
        {
            for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
            {
                policyScratch[i] = policies.explicit(i);
            }
            if (appendNamespacePolicyState(policies.namespace, policyScratch) < 0)
            {
                return 0;
            }
        }
        for (final Topic topic : topicById.values())
        {
            if (!topic.persistent)
            {
                continue;
            }
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                if (!appendSubscriptionState(topic, subscription))
                {
                    // back pressure: try the whole checkpoint again later; what was written is harmless
                    return 0;
                }
            }
        }

        lastCheckpointStart = checkpointStart;
        pendingCheckpointStart = checkpointStart;
        pendingCheckpointEnd = cursorLog.appendedPosition();
        checkpoints++;

        return 1;
    }

    private boolean appendSubscriptionState(final Topic topic, final TopicSubscription subscription)
    {
        final int rangeCount = subscription.cursor.individuallyAckedRangeCount();
        int part = 0;
        int next = 0;
        final long markDeletePosition = subscription.cursor.markDeletePosition();
        do
        {
            final int count = Math.min(CHECKPOINT_RANGES_PER_RECORD, rangeCount - next);
            if (appendStateRecord(topic, subscription, markDeletePosition, part, next, count) < 0)
            {
                return false;
            }
            next += count;
            part++;
        }
        while (next < rangeCount);

        return true;
    }

    /**
     * Append one {@code SubscriptionState} record: part 0 replaces the subscription's state on recovery, later
     * parts add the cursor's acknowledged ranges {@code [first, first + count)}.
     *
     * @return the record's position, or a negative publication result.
     */
    private long appendStateRecord(
        final Topic topic,
        final TopicSubscription subscription,
        final long markDeletePosition,
        final int part,
        final int first,
        final int count)
    {
        subscriptionStateEncoder.wrapAndApplyHeader(cursorBuffer, 0, storageHeaderEncoder)
            .topicId(topic.id)
            .subscriptionId(subscription.id)
            .markDeletePosition(markDeletePosition)
            .part(part);
        final SubscriptionStateEncoder.AckedRangesEncoder rangesEncoder =
            subscriptionStateEncoder.ackedRangesCount(count);
        for (int i = first; i < first + count; i++)
        {
            rangesEncoder.next()
                .firstPosition(subscription.cursor.ackedRangeFirstPosition(i))
                .lastPosition(subscription.cursor.ackedRangeLastPosition(i));
        }
        subscriptionStateEncoder.subscriptionName(subscription.name);
        final int length =
            io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + subscriptionStateEncoder.encodedLength();

        return cursorLog.append(cursorBuffer, 0, length);
    }

    /**
     * Message TTL: acknowledge, for every subscription, the unacknowledged entries published longer ago than the
     * TTL, recording each ack in the cursor log as a consumer's would be. Bounded per check.
     */
    private int expireMessages()
    {
        final long now = epochClock.time();
        final long durablePosition = entryLog.durablePosition();
        int expired = 0;
        for (final Topic topic : topicById.values())
        {
            final long messageTtlMs = topic.policies.messageTtlMs();
            if (!topic.persistent || messageTtlMs < 0)
            {
                continue;
            }
            final long expiredBefore = now - messageTtlMs;
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                while (expired < EXPIRY_LIMIT)
                {
                    final long ordinal = subscription.cursor.firstUnackedOrdinal();
                    if (ordinal >= topic.durableEntries)
                    {
                        break;
                    }
                    final long position = topic.index.position(ordinal);
                    if (publishTimeOf(topic, position, durablePosition) >= expiredBefore)
                    {
                        break;
                    }
                    if (!ackAndRecord(subscription, position))
                    {
                        return expired;
                    }
                    expired++;
                }
                subscription.readOrdinal = Math.max(subscription.readOrdinal, subscription.cursor.firstUnackedOrdinal());
            }
        }

        return expired;
    }

    /**
     * @return the publish time of the stored entry at a position, or {@link Long#MAX_VALUE} if it cannot be read yet.
     */
    private long publishTimeOf(final Topic topic, final long position, final long durablePosition)
    {
        readPublishTime = Long.MAX_VALUE;
        entryReader.read(topic.location(position), durablePosition, publishTimeHandler);

        return readPublishTime;
    }

    private void onPublishTimeEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        entryDecoder.wrap(
            buffer,
            offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH,
            storageHeaderDecoder.blockLength(),
            storageHeaderDecoder.version());
        entryDecoder.topicId();
        entryDecoder.sequenceId();
        readPublishTime = entryDecoder.publishTime();
    }

    /**
     * @return the estimated backlog in bytes of the topic's most backlogged subscription: its unacknowledged
     * entries times the topic's average entry size.
     */
    private static long largestBacklogBytes(final Topic topic)
    {
        final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
        final long entries = topic.index.size();
        if (subscriptions.isEmpty() || 0 == entries)
        {
            return 0;
        }

        long largestBacklog = 0;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            largestBacklog = Math.max(largestBacklog, subscriptions.get(i).cursor.backlog());
        }

        return largestBacklog * (topic.bytes / entries);
    }

    /**
     * Backlog eviction: acknowledge the oldest entries of every subscription that holds more than the quota,
     * recording the acks like a consumer's. Bounded per check.
     */
    private int evictBacklog()
    {
        int evicted = 0;
        for (final Topic topic : topicById.values())
        {
            if (!topic.persistent || 0 == topic.index.size() || !topic.policies.evictsBacklog())
            {
                continue;
            }
            final long averageEntryBytes = Math.max(1, topic.bytes / topic.index.size());
            final long allowedEntries = topic.policies.backlogQuotaLimitBytes() / averageEntryBytes;
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                while (subscription.cursor.backlog() > allowedEntries && evicted < EXPIRY_LIMIT)
                {
                    final long ordinal = subscription.cursor.firstUnackedOrdinal();
                    if (ordinal >= topic.durableEntries)
                    {
                        break;
                    }
                    if (!ackAndRecord(subscription, topic.index.position(ordinal)))
                    {
                        return evicted;
                    }
                    evicted++;
                }
                subscription.readOrdinal = Math.max(subscription.readOrdinal, subscription.cursor.firstUnackedOrdinal());
            }
        }

        return evicted;
    }

    /**
     * Reclaim whole segments of the shard log that no cursor needs and retention no longer keeps. Topic definitions
     * that lie in those segments are recorded again first, and the segments are purged only once those records are
     * stored.
     */
    private int reclaim()
    {
        if (reclaimTarget < 0)
        {
            final long position = reclaimablePosition();
            final long newStart = io.aeron.archive.client.AeronArchive.segmentFileBasePosition(
                entryLog.startPosition(), position, entryLog.termLength(), entryLog.segmentFileLength());
            if (newStart <= entryLog.startPosition())
            {
                return compactFirstSegment(position);
            }

            for (final Topic topic : topicById.values())
            {
                if (topic.persistent && topic.definitionPosition < newStart)
                {
                    final long definitionPosition = appendTopicDefinition(topic.id, topic.name.toString());
                    if (definitionPosition < 0)
                    {
                        return 0;
                    }
                    topic.definitionPosition = definitionPosition;
                }
            }
            reclaimTarget = newStart;
            reclaimDefinitionsEnd = entryLog.appendedPosition();
            reclaimCursorsEnd = cursorLog.appendedPosition();
        }

        // the re-recorded definitions and the acks that freed the segments must be stored before they go
        if (!isStored(entryLog, reclaimDefinitionsEnd, counters.entryLogSyncRequest, counters.entryLogSyncedPosition) ||
            !isStored(cursorLog, reclaimCursorsEnd, counters.cursorLogSyncRequest, counters.cursorLogSyncedPosition))
        {
            return 0;
        }

        final long oldStart = entryLog.startPosition();
        final long newStart;
        try
        {
            // cursors may need more than when the target was set (a new subscription): look again
            newStart = entryLog.purgeBefore(Math.min(reclaimTarget, reclaimablePosition()));
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
            return 0;
        }
        finally
        {
            reclaimTarget = -1;
        }
        if (newStart <= oldStart)
        {
            return 0;
        }

        reclaimedBytes += newStart - oldStart;
        final long now = epochClock.time();
        for (final Topic topic : topicById.values())
        {
            removeReclaimedEntries(topic, newStart, now);
        }

        return 1;
    }

    /**
     * Remove from a topic's index the entries before a new log start, except those still needed: compaction moved
     * them out of the purged segments, and they keep their ordinals.
     *
     * @return entries removed.
     */
    private static int removeReclaimedEntries(final Topic topic, final long newStart, final long now)
    {
        final TopicIndex index = topic.index;
        final long removeBelow = Math.min(index.firstOrdinalAtOrAfter(newStart), neededOrdinal(topic, now));
        final int removed = removeBelow > index.firstOrdinal() && removeBelow <= index.size() ?
            index.removeBefore(removeBelow < index.size() ? index.position(removeBelow) : Long.MAX_VALUE) : 0;
        if (removed > 0)
        {
            if (null != topic.relocations)
            {
                forgetRelocationsBefore(topic);
            }
            for (final TopicSubscription subscription : topic.subscriptions)
            {
                if (null != subscription.cursor)
                {
                    subscription.cursor.onEntriesRemoved();
                    subscription.readOrdinal = Math.max(subscription.readOrdinal, topic.index.firstOrdinal());
                }
            }
        }

        return removed;
    }

    /**
     * @return the lowest position something still needs: for each topic, its subscriptions' first unacknowledged
     * entry and the first entry its namespace's retention keeps; and the durable position.
     */
    private long reclaimablePosition()
    {
        final long now = epochClock.time();
        long position = entryLog.durablePosition();
        for (final Topic topic : topicById.values())
        {
            final TopicIndex index = topic.index;
            if (!topic.persistent || 0 == index.heldEntries())
            {
                continue;
            }

            // every entry from the first needed one on is kept; moved entries are where compaction put them
            final long needed = neededOrdinal(topic, now);
            final Long2LongHashMap relocations = topic.relocations;
            long ordinal = needed;
            while (null != relocations && ordinal < index.size() && relocations.containsKey(index.position(ordinal)))
            {
                ordinal++;
            }
            if (ordinal < index.size())
            {
                position = Math.min(position, index.position(ordinal));
            }
            if (null != relocations)
            {
                final Long2LongHashMap.EntryIterator iterator = relocations.entrySet().iterator();
                while (iterator.hasNext())
                {
                    iterator.next();
                    if (index.ordinalOf(iterator.getLongKey()) >= needed)
                    {
                        position = Math.min(position, iterator.getLongValue());
                    }
                }
            }
        }

        return position;
    }

    /**
     * @return the ordinal of the topic's first entry that a subscription or retention still needs; all after it
     * are kept.
     */
    private static long neededOrdinal(final Topic topic, final long now)
    {
        return Math.max(
            Math.min(firstRetainedOrdinal(topic, now), unacknowledgedOrdinal(topic)), topic.index.firstOrdinal());
    }

    /**
     * @return the ordinal of the topic's first entry some subscription has not acknowledged, or its size if none.
     */
    private static long unacknowledgedOrdinal(final Topic topic)
    {
        long ordinal = topic.index.size();
        final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final Cursor cursor = subscriptions.get(i).cursor;
            if (null != cursor)
            {
                ordinal = Math.min(ordinal, cursor.firstUnackedOrdinal());
            }
        }

        return Math.max(ordinal, topic.index.firstOrdinal());
    }

    private static void forgetRelocationsBefore(final Topic topic)
    {
        final TopicIndex index = topic.index;
        final long firstKept = index.heldEntries() > 0 ? index.position(index.firstOrdinal()) : Long.MAX_VALUE;
        final Long2LongHashMap.KeyIterator keys = topic.relocations.keySet().iterator();
        while (keys.hasNext())
        {
            if (keys.nextValue() < firstKept)
            {
                keys.remove();
            }
        }
        if (topic.relocations.isEmpty())
        {
            topic.relocations = null;
        }
    }

    /**
     * Compaction: when the oldest segment cannot be reclaimed because a few entries in it are still needed (a slow
     * subscription, or retention), and those entries are at most a quarter of it, copy them to the end of the log
     * as {@code RelocatedEntry} records that keep their message ids. Once the copies are stored the topic reads them
     * from there, the segment is no longer needed, and the next reclaim purges it. Bounded per check.
     */
    private int compactFirstSegment(final long floor)
    {
        if (!pendingRelocations.isEmpty())
        {
            return promoteRelocations();
        }
        final long start = entryLog.startPosition();
        final long segmentLength = entryLog.segmentFileLength();
        final long segmentStart = io.aeron.archive.client.AeronArchive.segmentFileBasePosition(
            start, start, entryLog.termLength(), entryLog.segmentFileLength());
        final long segmentEnd = segmentStart + segmentLength;
        if (entryLog.durablePosition() - segmentEnd < 2 * segmentLength)
        {
            return 0; // only old segments: recent ones are still being acknowledged
        }
        // only a pin that lasts: a subscription still catching up would acknowledge what a copy would move
        if (floor != pinnedFloor)
        {
            pinnedFloor = floor;
            pinnedChecks = 0;
            return 0;
        }
        if (++pinnedChecks < COMPACTION_PINNED_CHECKS)
        {
            return 0;
        }

        final long now = epochClock.time();
        long liveBytes = 0;
        for (final Topic topic : topicById.values())
        {
            final TopicIndex index = topic.index;
            if (!topic.persistent || 0 == index.heldEntries())
            {
                continue;
            }
            // only entries a subscription has not acknowledged are moved: data that only retention keeps
            // expires on its own, and a segment it still needs is left alone
            final long retainedOrdinal = firstRetainedOrdinal(topic, now);
            if (retainedOrdinal < index.size() && index.position(retainedOrdinal) < segmentEnd)
            {
                return 0;
            }
            final long averageBytes = Math.max(1, topic.bytes / Math.max(1, index.size()));
            for (long ordinal = unacknowledgedOrdinal(topic); ordinal < index.size(); ordinal++)
            {
                final long messageId = index.position(ordinal);
                if (messageId >= segmentEnd)
                {
                    break;
                }
                final long location = topic.location(messageId);
                if (location >= start && location < segmentEnd)
                {
                    liveBytes += averageBytes;
                    if (liveBytes * COMPACTION_LIVE_FRACTION > segmentLength)
                    {
                        return 0; // mostly live: moving it would gain little
                    }
                }
            }
        }
        if (0 == liveBytes)
        {
            return 0;
        }

        final long durablePosition = entryLog.durablePosition();
        int relocated = 0;
        for (final Topic topic : topicById.values())
        {
            final TopicIndex index = topic.index;
            if (!topic.persistent || 0 == index.heldEntries())
            {
                continue;
            }
            for (long ordinal = unacknowledgedOrdinal(topic); ordinal < index.size(); ordinal++)
            {
                final long messageId = index.position(ordinal);
                if (messageId >= segmentEnd)
                {
                    break;
                }
                final long location = topic.location(messageId);
                if (location < start || location >= segmentEnd)
                {
                    continue;
                }
                if (relocated >= COMPACTION_COPIES_PER_CHECK)
                {
                    break;
                }
                relocationResult = Long.MIN_VALUE;
                relocationMessageId = messageId;
                entryReader.read(location, durablePosition, relocationHandler);
                if (relocationResult < 0)
                {
                    if (Publication.BACK_PRESSURED != relocationResult && Publication.ADMIN_ACTION != relocationResult)
                    {
                        errorHandler.onError(new StorageException("shard " + shard + ": entry " + messageId +
                            " of " + topic.name + " could not be moved: " + Publication.errorString(relocationResult)));
                    }
                    return relocated;
                }
                final PendingRelocation pending = new PendingRelocation(
                    topic, messageId, relocationResult, entryLog.appendedPosition());
                pendingRelocations.addLast(pending);
                topic.pendingRelocations++;
                relocated++;
            }
        }
        if (relocated > 0)
        {
            compactions++;
            relocatedEntries += relocated;
        }

        return relocated;
    }

    /**
     * Copy the entry read at its location into a {@code RelocatedEntry} record at the end of the log, keeping its
     * fields and data and naming its message id.
     */
    private void onRelocatedEntryRead(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        final int blockLength = storageHeaderDecoder.blockLength();
        if (!isEntryRecord(storageHeaderDecoder.templateId()) || blockLength < EntryHeaderDecoder.BLOCK_LENGTH)
        {
            throw new StorageException("shard " + shard + ": record at position " + position + " is not an entry");
        }
        final int headerLength = io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH;
        final int dataLength = length - headerLength - blockLength;
        storageHeaderEncoder.wrap(appendBuffer, 0)
            .blockLength(RelocatedEntryEncoder.BLOCK_LENGTH)
            .templateId(RelocatedEntryEncoder.TEMPLATE_ID)
            .schemaId(RelocatedEntryEncoder.SCHEMA_ID)
            .version(RelocatedEntryEncoder.SCHEMA_VERSION);
        appendBuffer.putBytes(headerLength, buffer, offset + headerLength, EntryHeaderDecoder.BLOCK_LENGTH);
        appendBuffer.putLong(
            headerLength + RelocatedEntryEncoder.originalPositionEncodingOffset(),
            relocationMessageId,
            java.nio.ByteOrder.LITTLE_ENDIAN);
        appendBuffer.putBytes(
            headerLength + RelocatedEntryEncoder.BLOCK_LENGTH, buffer, offset + headerLength + blockLength, dataLength);
        relocationResult = entryLog.append(appendBuffer, 0, headerLength + RelocatedEntryEncoder.BLOCK_LENGTH + dataLength);
    }

    /**
     * Moved entries are read from their new place once the copy is stored; until then from the old one.
     */
    private int promoteRelocations()
    {
        int workCount = 0;
        final long durablePosition = entryLog.durablePosition();
        PendingRelocation pending;
        while (null != (pending = pendingRelocations.peekFirst()) && pending.endPosition <= durablePosition)
        {
            pendingRelocations.pollFirst();
            final Topic topic = pending.topic;
            topic.pendingRelocations--;
            if (topic.index.ordinalOf(pending.messageId) >= 0)
            {
                if (null == topic.relocations)
                {
                    topic.relocations = new Long2LongHashMap(Long.MIN_VALUE);
                }
                topic.relocations.put(pending.messageId, pending.location);
            }
            workCount++;
        }

        return workCount;
    }

    private static boolean isEntryRecord(final int templateId)
    {
        return EntryHeaderDecoder.TEMPLATE_ID == templateId || RelocatedEntryDecoder.TEMPLATE_ID == templateId;
    }

    /**
     * As Pulsar: acknowledged entries go once they are beyond either retention limit of the topic's namespace (its
     * newest size in bytes, or its time); a limit of -1 never lets them go by that measure, and with both at -1
     * everything is kept.
     *
     * @return the ordinal of the topic's first entry that retention keeps.
     */
    private static long firstRetainedOrdinal(final Topic topic, final long now)
    {
        final NamespacePolicies policies = topic.policies;
        final TopicIndex index = topic.index;
        final long sizeBytes = policies.retentionSizeBytes();
        final long timeMs = policies.retentionTimeMs();
        if (sizeBytes < 0 && timeMs < 0)
        {
            return index.firstOrdinal();
        }

        long ordinal = index.firstOrdinal();
        if (sizeBytes >= 0)
        {
            final long averageEntryBytes = Math.max(1, topic.bytes / Math.max(1, index.size()));
            ordinal = Math.max(ordinal, index.size() - sizeBytes / averageEntryBytes);
        }
        if (timeMs >= 0)
        {
            ordinal = Math.max(ordinal, index.firstOrdinalPublishedAtOrAfter(now - timeMs));
        }

        return ordinal;
    }

    /**
     * @return bytes of the shard log reclaimed since the broker started.
     */
    public long reclaimedBytes()
    {
        return reclaimedBytes;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return roleName;
    }

    /**
     * Handle the commands already queued (acks, sends) so a clean shutdown loses none of them.
     */
    public void onClose()
    {
        int remaining = commandQueue.size() + 1;
        while (remaining-- > 0 && processCommands() > 0)
        {
            releaseReceipts();
        }
    }

    /**
     * @return number of this shard.
     */
    public int shard()
    {
        return shard;
    }

    private int processCommands()
    {
        int workCount = 0;
        if (null != stalledCommand)
        {
            if (!handle(stalledCommand))
            {
                return 0;
            }
            free(stalledCommand);
            stalledCommand = null;
            workCount++;
        }

        for (int i = 0; i < COMMAND_LIMIT; i++)
        {
            final ShardCommand command = commandQueue.poll();
            if (null == command)
            {
                break;
            }
            if (!handle(command))
            {
                stalledCommand = command;
                counters.logBackPressure.increment();
                break;
            }
            free(command);
            workCount++;
        }

        return workCount;
    }

    private void free(final ShardCommand command)
    {
        command.reset();
        (command.large ? freeLargeCommands : freeCommands).offer(command);
    }

    /**
     * @return false if the command must be retried later because a log is back-pressured.
     */
    private boolean handle(final ShardCommand command)
    {
        if (ShardCommand.SESSION_CLOSED == command.type)
        {
            onSessionClosed(command.egress);
            return true;
        }

        final ShardSession session = session(command.egress);
        if (ShardCommand.SEND_REJECTED == command.type)
        {
            final ShardProducer producer = session.producers.get(command.producerId);
            answerSendError(session, null == producer ? null : producer.topic, command.producerId, command.sequenceId,
                command.errorCode, command.errorMessage);
            return true;
        }

        final DirectBuffer frame = command.frame;
        headerDecoder.wrap(frame, 0);
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final int offset = MessageHeaderDecoder.ENCODED_LENGTH;

        try
        {
            switch (headerDecoder.templateId())
            {
                case SendDecoder.TEMPLATE_ID:
                    return onSend(
                        session, sendDecoder.wrap(frame, offset, blockLength, version), frame, command.frameLength, false);

                case CreateProducerDecoder.TEMPLATE_ID:
                    return onCreateProducer(session, createProducerDecoder.wrap(frame, offset, blockLength, version));

                case SubscribeDecoder.TEMPLATE_ID:
                    return onSubscribe(session, subscribeDecoder.wrap(frame, offset, blockLength, version));

                case FlowDecoder.TEMPLATE_ID:
                    onFlow(session, flowDecoder.wrap(frame, offset, blockLength, version));
                    return true;

                case AckDecoder.TEMPLATE_ID:
                {
                    final AckDecoder ack = ackDecoder.wrap(frame, offset, blockLength, version);
                    return onAck(session, ack.correlationId(), ack.consumerId(), ack.messageId().shard(),
                        ack.messageId().position(), false);
                }

                case AckWithReceiptDecoder.TEMPLATE_ID:
                {
                    final AckWithReceiptDecoder ack = ackWithReceiptDecoder.wrap(frame, offset, blockLength, version);
                    return onAck(session, ack.correlationId(), ack.consumerId(), ack.messageId().shard(),
                        ack.messageId().position(), true);
                }

                case CloseProducerDecoder.TEMPLATE_ID:
                    onCloseProducer(session, closeProducerDecoder.wrap(frame, offset, blockLength, version));
                    return true;

                case CloseConsumerDecoder.TEMPLATE_ID:
                    onCloseConsumer(session, closeConsumerDecoder.wrap(frame, offset, blockLength, version));
                    return true;

                case ResetCursorDecoder.TEMPLATE_ID:
                    return onResetCursor(session, resetCursorDecoder.wrap(frame, offset, blockLength, version));

                case StatsInternalRequestDecoder.TEMPLATE_ID:
                    onStatsInternal(session, statsInternalRequestDecoder.wrap(frame, offset, blockLength, version));
                    return true;

                case SetNamespacePoliciesDecoder.TEMPLATE_ID:
                    return onSetNamespacePolicies(
                        session, setNamespacePoliciesDecoder.wrap(frame, offset, blockLength, version));

                case GetNamespacePoliciesDecoder.TEMPLATE_ID:
                    onGetNamespacePolicies(
                        session, getNamespacePoliciesDecoder.wrap(frame, offset, blockLength, version));
                    return true;

                default:
                    sendError(session, -1, ErrorCode.UNKNOWN_COMMAND,
                        "template " + headerDecoder.templateId() + " is not handled by a topic shard");
                    return true;
            }
        }
        catch (final StorageException ex)
        {
            errorHandler.onError(ex);
            sendError(session, -1, ErrorCode.PERSISTENCE_ERROR, ex.getMessage());
            return true;
        }
        catch (final RuntimeException ex)
        {
            // A request the session agent let through but this shard cannot serve: answer it, keep going.
            errorHandler.onError(ex);
            final long correlationId = command.frameLength >= MessageHeaderDecoder.ENCODED_LENGTH + 8 ?
                frame.getLong(MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) : -1;
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "request failed: " + ex.getMessage());
            return true;
        }
    }

    private ShardSession session(final SessionEgress egress)
    {
        ShardSession session = sessionByKey.get(egress.sessionKey);
        if (null == session)
        {
            session = new ShardSession(egress);
            sessionByKey.put(egress.sessionKey, session);
        }

        return session;
    }

    private boolean onCreateProducer(final ShardSession session, final CreateProducerDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final long producerId = decoder.producerId();
        final String topicText = decoder.topic();
        final String requestedName = decoder.producerName();

        if (session.producers.containsKey(producerId))
        {
            sendError(session, correlationId, ErrorCode.PRODUCER_BUSY, "producer id " + producerId + " is in use");
            return true;
        }

        final TopicName topicName = TopicName.parse(topicText);
        final Topic topic = topic(topicName);
        if (null == topic)
        {
            return false;
        }

        final String producerName = requestedName.isEmpty() ?
            brokerName + "-" + shard + "-" + nextProducerNameId++ : requestedName;
        session.producers.put(producerId, new ShardProducer(producerId, producerName, topic));
        topic.producerCount++;

        producerReadyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .producerId(producerId)
            .lastSequenceId(-1)
            .producerName(producerName);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + producerReadyEncoder.encodedLength());

        return true;
    }

    /**
     * Append a message, or hold it while its topic's backlog quota is exceeded under producer_request_hold.
     *
     * @param frame       the whole Send frame, kept if the message is held.
     * @param frameLength of the frame.
     * @param released    true when a held message is being released: it is not held again.
     * @return false if the shard log is back-pressured and the send must be retried.
     */
    private boolean onSend(
        final ShardSession session,
        final SendDecoder decoder,
        final DirectBuffer frame,
        final int frameLength,
        final boolean released)
    {
        final long sequenceId = decoder.correlationId();
        final long producerId = decoder.producerId();
        final long publishTime = decoder.publishTime();
        final ShardProducer producer = session.producers.get(producerId);
        if (null == producer)
        {
            sendSendError(session, producerId, sequenceId, ErrorCode.PRODUCER_NOT_FOUND,
                "producer " + producerId + " is not open on this session");
            return true;
        }

        final Topic topic = producer.topic;
        if (!released && null != topic.heldSends && !topic.heldSends.isEmpty())
        {
            // earlier messages of the topic are held: this one, and its answer, come after them
            hold(session, topic, producerId, sequenceId, frame, frameLength);
            return true;
        }

        decoder.wrapKey(keyView);
        decoder.wrapPayload(payloadView);
        if (payloadView.capacity() > maxMessageSize)
        {
            sendSendError(session, producerId, sequenceId, ErrorCode.MESSAGE_TOO_LARGE,
                "payload of " + payloadView.capacity() + " bytes exceeds the maximum of " + maxMessageSize);
            return true;
        }

        if (!released && topic.persistent)
        {
            final long backlogBytes = quotaExceededBytes(topic);
            if (backlogBytes >= 0)
            {
                if (topic.policies.holdsProducers())
                {
                    hold(session, topic, producerId, sequenceId, frame, frameLength);
                }
                else
                {
                    sendSendError(session, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
                        quotaExceededMessage(topic, backlogBytes));
                }
                return true;
            }
        }
        if (!topic.persistent)
        {
            publishNonPersistent(topic, sequenceId, publishTime);
            final PendingReceipt receipt = newReceipt(session, topic, producerId, sequenceId);
            receipt.position = topic.nonPersistentSequence++;
            receipt.endPosition = Long.MIN_VALUE;
            pendingReceipts.addLast(receipt);
            counters.messagesIn.incrementRelease();
            return true;
        }

        entryEncoder.wrapAndApplyHeader(appendBuffer, 0, storageHeaderEncoder)
            .topicId(topic.id)
            .sequenceId(sequenceId)
            .publishTime(publishTime)
            .producerId(producerId)
            .schemaVersion(0)
            .batchCount(1);
        entryEncoder.flags().clear();
        entryEncoder.putKey(keyView, 0, keyView.capacity());
        entryEncoder.putProperties(emptyView, 0, 0);
        entryEncoder.putPayload(payloadView, 0, payloadView.capacity());
        final int length = io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + entryEncoder.encodedLength();

        final long position = entryLog.append(appendBuffer, 0, length);
        if (position < 0)
        {
            if (Publication.BACK_PRESSURED == position || Publication.ADMIN_ACTION == position)
            {
                return false;
            }
            sendSendError(session, producerId, sequenceId, ErrorCode.PERSISTENCE_ERROR,
                "shard " + shard + " log is not writable: " + Publication.errorString(position));
            return true;
        }

        topic.index.add(position, publishTime);
        topic.bytes += length;
        final PendingReceipt receipt = newReceipt(session, topic, producerId, sequenceId);
        receipt.position = position;
        receipt.endPosition = entryLog.appendedPosition();
        if (waitsForSync(topic) || topic.syncReceipts > 0)
        {
            // also when the namespace just left fsync: behind the topic's receipts still waiting for a sync
            topic.syncReceipts++;
            pendingSyncReceipts.addLast(receipt);
            counters.entryLogSyncRequest.setRelease(receipt.endPosition);
        }
        else
        {
            pendingReceipts.addLast(receipt);
        }
        counters.messagesIn.incrementRelease();

        return true;
    }

    /**
     * @return the largest subscription backlog in bytes if it exceeds a quota that limits producers, else -1.
     */
    private static long quotaExceededBytes(final Topic topic)
    {
        final long limitBytes = topic.policies.backlogQuotaLimitBytes();
        if (limitBytes < 0 || topic.policies.evictsBacklog())
        {
            return -1;
        }
        final long backlogBytes = largestBacklogBytes(topic);

        return backlogBytes > 0 && backlogBytes >= limitBytes ? backlogBytes : -1;
    }

    private static String quotaExceededMessage(final Topic topic, final long backlogBytes)
    {
        return "backlog quota of " + topic.policies.backlogQuotaLimitBytes() + " bytes exceeded on " + topic.name +
            ": a subscription holds about " + backlogBytes + " bytes";
    }

    /**
     * Keep a Send frame in the topic's hold buffer until the backlog falls below the quota or the hold times out.
     * A full hold buffer refuses the message at once.
     */
    private void hold(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final DirectBuffer frame,
        final int frameLength)
    {
        final int recordLength = HELD_FRAME_OFFSET + frameLength;
        final int used = null == topic.heldSends ? 0 : topic.heldSends.size();
        if (heldBytes + recordLength > SHARD_HOLD_BUDGET_BYTES)
        {
            answerSendError(session, topic, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
                "backlog quota exceeded on " + topic.name + " and shard " + shard + " already holds " + heldBytes +
                " bytes of messages for backlog quotas");
            return;
        }
        if (used + recordLength + ExpandableRingBuffer.HEADER_LENGTH <= HOLD_BUFFER_MAX_BYTES - HOLD_ERROR_HEADROOM)
        {
            holdBuffer.putInt(HELD_KIND_OFFSET, HELD_FRAME);
            holdBuffer.putBytes(HELD_FRAME_OFFSET, frame, 0, frameLength);
            if (appendHeld(session, topic, recordLength))
            {
                counters.heldSends.incrementRelease();
                return;
            }
        }
        answerSendError(session, topic, producerId, sequenceId, ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED,
            "backlog quota exceeded on " + topic.name + " and its " + HOLD_BUFFER_MAX_BYTES +
            "-byte buffer of held messages is full");
    }

    /**
     * Answer a send with an error in order: behind the topic's held messages if it has any, else at once.
     */
    private void answerSendError(
        final ShardSession session,
        final Topic topic,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        if (null != topic && null != topic.heldSends && !topic.heldSends.isEmpty())
        {
            holdBuffer.putInt(HELD_KIND_OFFSET, HELD_ERROR);
            holdBuffer.putLong(HELD_ERROR_PRODUCER_OFFSET, producerId);
            holdBuffer.putLong(HELD_ERROR_SEQUENCE_OFFSET, sequenceId);
            holdBuffer.putInt(HELD_ERROR_CODE_OFFSET, code.value());
            final int encodedLength = holdBuffer.putStringUtf8(
                HELD_ERROR_MESSAGE_OFFSET, message.length() > 1024 ? message.substring(0, 1024) : message);
            if (appendHeld(session, topic, HELD_ERROR_MESSAGE_OFFSET + encodedLength))
            {
                return;
            }
        }
        sendSendError(session, producerId, sequenceId, code, message);
    }

    private boolean appendHeld(final ShardSession session, final Topic topic, final int recordLength)
    {
        if (null == topic.heldSends)
        {
            topic.heldSends = new ExpandableRingBuffer(4096, HOLD_BUFFER_MAX_BYTES, false);
        }
        final boolean wasEmpty = topic.heldSends.isEmpty();
        holdBuffer.putLong(HELD_SESSION_OFFSET, session.egress.sessionKey);
        holdBuffer.putLong(HELD_AT_OFFSET, System.nanoTime());
        if (!topic.heldSends.append(holdBuffer, 0, recordLength))
        {
            return false;
        }
        if (wasEmpty)
        {
            holdingTopics.add(topic);
        }
        heldBytes += recordLength;

        return true;
    }

    /**
     * Release held messages of topics whose backlog fell below the quota, in order; refuse those held longer than
     * the hold timeout.
     */
    private int releaseHeldSends()
    {
        int workCount = 0;
        for (int i = holdingTopics.size() - 1; i >= 0; i--)
        {
            final Topic topic = holdingTopics.get(i);
            releasingTopic = topic;
            releaseNowNs = System.nanoTime();
            workCount += topic.heldSends.consume(heldSendHandler, HOLD_RELEASE_LIMIT) > 0 ? 1 : 0;
            if (topic.heldSends.isEmpty())
            {
                topic.heldSends = null; // its memory goes with the hold
                holdingTopics.remove(i);
            }
        }
        releasingTopic = null;

        return workCount;
    }

    private boolean onHeldSend(
        final MutableDirectBuffer buffer, final int offset, final int length, final int headOffset)
    {
        final Topic topic = releasingTopic;
        final ShardSession session = sessionByKey.get(buffer.getLong(offset + HELD_SESSION_OFFSET));
        if (null == session || session.closed)
        {
            heldBytes -= length;
            return true; // the client has gone: there is no one to answer
        }
        if (HELD_ERROR == buffer.getInt(offset + HELD_KIND_OFFSET))
        {
            sendSendError(
                session,
                buffer.getLong(offset + HELD_ERROR_PRODUCER_OFFSET),
                buffer.getLong(offset + HELD_ERROR_SEQUENCE_OFFSET),
                ErrorCode.get(buffer.getInt(offset + HELD_ERROR_CODE_OFFSET)),
                buffer.getStringUtf8(offset + HELD_ERROR_MESSAGE_OFFSET));
            heldBytes -= length;
            return true;
        }

        final int frameOffset = offset + HELD_FRAME_OFFSET;
        headerDecoder.wrap(buffer, frameOffset);
        final SendDecoder decoder = heldSendDecoder.wrap(
            buffer, frameOffset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version());
        final long backlogBytes = quotaExceededBytes(topic);
        if (backlogBytes >= 0)
        {
            if (topic.policies.holdsProducers() &&
                releaseNowNs - buffer.getLong(offset + HELD_AT_OFFSET) < holdTimeoutNs)
            {
                return false;
            }
            sendSendError(session, decoder.producerId(), decoder.correlationId(),
                ErrorCode.PRODUCER_BLOCKED_QUOTA_EXCEEDED, quotaExceededMessage(topic, backlogBytes) +
                " for longer than the hold timeout of " + holdTimeoutNs / 1_000_000 + " ms");
            heldBytes -= length;
            return true;
        }

        if (onSend(session, decoder, buffer, length - HELD_FRAME_OFFSET, true))
        {
            heldBytes -= length;
            return true;
        }

        return false;
    }

    private void publishNonPersistent(final Topic topic, final long sequenceId, final long publishTime)
    {
        int encodedLength = -1;
        final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final ShardConsumer consumer = subscriptions.get(i).consumer;
            if (null == consumer || consumer.permits <= 0)
            {
                continue;
            }

            if (encodedLength < 0)
            {
                messageEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
                    .consumerId(consumer.consumerId);
                messageEncoder.messageId().shard(-1).position(topic.nonPersistentSequence);
                messageEncoder.publishTime(publishTime).sequenceId(sequenceId).redeliveryCount(0);
                messageEncoder.putKey(keyView, 0, keyView.capacity());
                messageEncoder.putPayload(payloadView, 0, payloadView.capacity());
                encodedLength = MessageHeaderEncoder.ENCODED_LENGTH + messageEncoder.encodedLength();
            }
            else
            {
                messageBuffer.putLong(
                    MessageHeaderEncoder.ENCODED_LENGTH + MessageEncoder.consumerIdEncodingOffset(),
                    consumer.consumerId,
                    ByteOrder.LITTLE_ENDIAN);
            }

            if (OFFER_OK == offer(consumer.session, messageBuffer, encodedLength))
            {
                consumer.permits--;
                counters.messagesOut.incrementRelease();
            }
        }
    }

    private PendingReceipt newReceipt(
        final ShardSession session, final Topic topic, final long producerId, final long sequenceId)
    {
        PendingReceipt receipt = freeReceipts.pollFirst();
        if (null == receipt)
        {
            receipt = new PendingReceipt();
        }
        receipt.session = session;
        receipt.topic = topic;
        receipt.producerId = producerId;
        receipt.sequenceId = sequenceId;

        return receipt;
    }

    private void freeReceipt(final PendingReceipt receipt)
    {
        receipt.reset();
        freeReceipts.addLast(receipt);
    }

    private int releaseReceipts()
    {
        // the synced position never passes the recorded one: read it first, then release the archived FIFO before
        // the synced one, so a topic's receipts keep their order when its namespace moves from archived to fsync
        final long syncedPosition = pendingSyncReceipts.isEmpty() ? Long.MIN_VALUE :
            counters.entryLogSyncedPosition.get();
        int workCount = releaseReceipts(pendingReceipts, entryLog.durablePosition());
        if (Long.MIN_VALUE != syncedPosition)
        {
            workCount += releaseReceipts(pendingSyncReceipts, syncedPosition);
        }

        return workCount;
    }

    private int releaseReceipts(final ArrayDeque<PendingReceipt> receipts, final long durablePosition)
    {
        PendingReceipt receipt = receipts.peekFirst();
        if (null == receipt)
        {
            return 0;
        }

        int workCount = 0;
        while (null != receipt && receipt.endPosition <= durablePosition)
        {
            receipts.pollFirst();
            final Topic topic = receipt.topic;
            if (null != topic)
            {
                if (receipts == pendingSyncReceipts)
                {
                    topic.syncReceipts--;
                }
                if (topic.persistent && null == receipt.errorCode)
                {
                    topic.durableEntries++;
                }
            }

            deliverOrDefer(receipt);
            workCount++;
            receipt = receipts.peekFirst();
        }

        return workCount;
    }

    private void deliverOrDefer(final PendingReceipt receipt)
    {
        final ShardSession session = receipt.session;
        if (session.closed)
        {
            freeReceipt(receipt);
        }
        else if (!session.deferredReceipts.isEmpty() || OFFER_RETRY == sendReceipt(receipt))
        {
            if (session.deferredReceipts.isEmpty())
            {
                sessionsWithDeferredReceipts.add(session);
            }
            session.deferredReceipts.addLast(receipt);
        }
        else
        {
            freeReceipt(receipt);
        }
    }

    private int sendDeferredReceipts()
    {
        int workCount = 0;
        for (int i = sessionsWithDeferredReceipts.size() - 1; i >= 0; i--)
        {
            final ShardSession session = sessionsWithDeferredReceipts.get(i);
            PendingReceipt receipt;
            while (null != (receipt = session.deferredReceipts.peekFirst()))
            {
                if (OFFER_RETRY == sendReceipt(receipt))
                {
                    break;
                }
                session.deferredReceipts.pollFirst();
                freeReceipt(receipt);
                workCount++;
            }

            if (session.deferredReceipts.isEmpty())
            {
                sessionsWithDeferredReceipts.remove(i);
            }
        }

        return workCount;
    }

    private int sendReceipt(final PendingReceipt receipt)
    {
        if (receipt.replyLength > 0)
        {
            return offer(receipt.session, receipt.reply, receipt.replyLength);
        }

        if (null != receipt.errorCode)
        {
            sendErrorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                .correlationId(receipt.sequenceId)
                .producerId(receipt.producerId)
                .code(receipt.errorCode)
                .message(receipt.errorMessage);
            return offer(
                receipt.session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendErrorEncoder.encodedLength());
        }

        sendReceiptEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(receipt.sequenceId)
            .producerId(receipt.producerId)
            .messageId().shard(receipt.topic.persistent ? shard : -1).position(receipt.position);

        final int result = offer(
            receipt.session, replyBuffer, MessageHeaderEncoder.ENCODED_LENGTH + sendReceiptEncoder.encodedLength());
        if (OFFER_OK == result)
        {
            counters.receipts.incrementRelease();
        }

        return result;
    }

    private int dispatch()
    {
        final ArrayList<TopicSubscription> subscriptions = activeSubscriptions;
        if (subscriptions.isEmpty())
        {
            return 0;
        }

        int workCount = 0;
        long durablePosition = Long.MIN_VALUE;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            final TopicSubscription subscription = subscriptions.get(i);
            final ShardConsumer consumer = subscription.consumer;
            final Topic topic = subscription.topic;
            if (!topic.persistent || consumer.permits <= 0 || subscription.readOrdinal >= topic.durableEntries)
            {
                continue;
            }

            if (Long.MIN_VALUE == durablePosition)
            {
                durablePosition = entryLog.durablePosition();
            }

            int budget = DISPATCH_LIMIT;
            while (consumer.permits > 0 && subscription.readOrdinal < topic.durableEntries && budget-- > 0)
            {
                final long ordinal = subscription.readOrdinal;
                if (subscription.cursor.isAcked(ordinal))
                {
                    subscription.readOrdinal++;
                    continue;
                }

                final long position = topic.index.position(ordinal);
                dispatchConsumer = consumer;
                dispatchMessageId = position;
                dispatchResult = OFFER_RETRY;
                try
                {
                    entryReader.read(topic.location(position), durablePosition, dispatchHandler);
                }
                catch (final RuntimeException ex)
                {
                    // reported, and this consumer waits for its next Flow rather than failing every duty cycle
                    errorHandler.onError(ex);
                    dispatchResult = OFFER_RETRY;
                    consumer.permits = 0;
                }
                finally
                {
                    dispatchConsumer = null;
                }

                if (OFFER_RETRY == dispatchResult)
                {
                    break;
                }

                subscription.readOrdinal++;
                consumer.permits--;
                workCount++;
                if (OFFER_GONE == dispatchResult)
                {
                    break;
                }
            }
        }

        return workCount;
    }

    private void onDispatchEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        if (!isEntryRecord(storageHeaderDecoder.templateId()) ||
            EntryHeaderDecoder.SCHEMA_ID != storageHeaderDecoder.schemaId())
        {
            throw new StorageException("shard " + shard + ": record at position " + position +
                " is not an entry (template " + storageHeaderDecoder.templateId() + ", schema " +
                storageHeaderDecoder.schemaId() + ")");
        }

        entryDecoder.wrap(
            buffer,
            offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH,
            storageHeaderDecoder.blockLength(),
            storageHeaderDecoder.version());

        final ShardConsumer consumer = dispatchConsumer;
        messageEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
            .consumerId(consumer.consumerId);
        messageEncoder.messageId().shard(shard).position(dispatchMessageId);
        messageEncoder
            .publishTime(entryDecoder.publishTime())
            .sequenceId(entryDecoder.sequenceId())
            .redeliveryCount(0);
        entryDecoder.wrapKey(keyView);
        messageEncoder.putKey(keyView, 0, keyView.capacity());
        entryDecoder.skipProperties();
        entryDecoder.wrapPayload(payloadView);
        messageEncoder.putPayload(payloadView, 0, payloadView.capacity());

        dispatchResult = offer(
            consumer.session, messageBuffer, MessageHeaderEncoder.ENCODED_LENGTH + messageEncoder.encodedLength());
        if (OFFER_OK == dispatchResult)
        {
            counters.messagesOut.incrementRelease();
        }
    }

    private boolean onSubscribe(final ShardSession session, final SubscribeDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final long consumerId = decoder.consumerId();
        final SubscriptionType type = decoder.subscriptionType();
        final InitialPosition initialPosition = decoder.initialPosition();
        final String topicText = decoder.topic();
        final String subscriptionName = decoder.subscription();
        decoder.skipConsumerName();

        if (SubscriptionType.EXCLUSIVE != type)
        {
            sendError(session, correlationId, ErrorCode.UNSUPPORTED_OPERATION,
                "subscription type " + type + " is not supported yet; use EXCLUSIVE");
            return true;
        }
        if (InitialPosition.NULL_VAL == initialPosition)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "unknown initial position");
            return true;
        }
        if (subscriptionName.isEmpty())
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "subscription name is empty");
            return true;
        }
        if (session.consumers.containsKey(consumerId))
        {
            sendError(session, correlationId, ErrorCode.CONSUMER_BUSY, "consumer id " + consumerId + " is in use");
            return true;
        }

        final Topic topic = topic(TopicName.parse(topicText));
        if (null == topic)
        {
            return false;
        }

        TopicSubscription subscription = topic.subscriptionByName.get(subscriptionName);
        if (null != subscription && null != subscription.consumer)
        {
            sendError(session, correlationId, ErrorCode.CONSUMER_BUSY,
                "exclusive subscription '" + subscriptionName + "' on " + topic.name + " already has a consumer");
            return true;
        }

        if (null == subscription)
        {
            final long subscriptionId = nextSubscriptionId;
            final long startOrdinal;
            if (topic.persistent)
            {
                // LATEST starts at the durable position: positions beyond it may be reused if a crash takes the
                // tail of the log, and recovery computes the same start from the same position
                final long startPosition = InitialPosition.EARLIEST == initialPosition ?
                    -1 : entryLog.durablePosition();
                if (!appendSubscriptionCreated(topic, subscriptionId, startPosition, subscriptionName))
                {
                    return false;
                }
                startOrdinal = startPosition < 0 ?
                    topic.index.firstOrdinal() : topic.index.firstOrdinalAtOrAfter(startPosition);
            }
            else
            {
                startOrdinal = 0;
            }
            nextSubscriptionId++;
            subscription = addSubscription(topic, subscriptionId, subscriptionName, startOrdinal);
        }

        final ShardConsumer consumer = new ShardConsumer(consumerId, subscription, session);
        subscription.consumer = consumer;
        subscription.readOrdinal = topic.persistent ? subscription.cursor.firstUnackedOrdinal() : 0;
        session.consumers.put(consumerId, consumer);
        activeSubscriptions.add(subscription);

        subscribedEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .consumerId(consumerId);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + subscribedEncoder.encodedLength());

        return true;
    }

    private TopicSubscription addSubscription(
        final Topic topic, final long subscriptionId, final String name, final long startOrdinal)
    {
        final TopicSubscription subscription = new TopicSubscription(subscriptionId, name, topic, startOrdinal);
        topic.subscriptions.add(subscription);
        topic.subscriptionByName.put(name, subscription);

        return subscription;
    }

    private void onFlow(final ShardSession session, final FlowDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final ShardConsumer consumer = session.consumers.get(decoder.consumerId());
        final int permits = decoder.permits();
        if (null == consumer)
        {
            sendError(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + decoder.consumerId() + " is not open on this session");
        }
        else if (permits <= 0)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "permits must be positive: " + permits);
        }
        else
        {
            consumer.permits = Math.min(Integer.MAX_VALUE, consumer.permits + permits);
        }
    }

    /**
     * @return false if the ack must be retried because the cursor log is back-pressured.
     */
    private boolean onAck(
        final ShardSession session,
        final long correlationId,
        final long consumerId,
        final int ackShard,
        final long position,
        final boolean receipt)
    {
        final ShardConsumer consumer = session.consumers.get(consumerId);
        if (null == consumer)
        {
            sendError(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + consumerId + " is not open on this session");
            return true;
        }

        final TopicSubscription subscription = consumer.subscription;
        if (!subscription.topic.persistent)
        {
            if (receipt)
            {
                sendSuccess(session, correlationId);
            }
            return true;
        }
        if (ackShard != shard)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "message id " + ackShard + ":" + position + " is not in shard " + shard);
            return true;
        }

        if (subscription.cursor.isAckedPosition(position))
        {
            if (receipt)
            {
                // acked before: answer once everything recorded so far is stored
                queueAckReceipt(session, correlationId, cursorLog.appendedPosition(), subscription.topic);
            }
            return true;
        }

        // recorded first, applied once recorded: an ack held only in memory would come back after a restart
        final long result = appendCursorAck(subscription, position);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            // not recorded, so not applied: the message stays unacknowledged and will be delivered again
            final String message = "shard " + shard + ": ack of position " + position + " on subscription " +
                subscription.name + " could not be recorded: " + Publication.errorString(result);
            errorHandler.onError(new StorageException(message));
            if (receipt)
            {
                sendError(session, correlationId, ErrorCode.PERSISTENCE_ERROR, message);
            }
            return true;
        }

        subscription.cursor.ack(position);
        if (receipt)
        {
            queueAckReceipt(session, correlationId, cursorLog.appendedPosition(), subscription.topic);
        }

        return true;
    }

    /**
     * Answer Success once the cursor log is stored up to a position at the topic's durability level.
     */
    private void queueAckReceipt(
        final ShardSession session, final long correlationId, final long endPosition, final Topic topic)
    {
        final PendingReceipt receipt = newReceipt(session, null, -1, correlationId);
        successEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(correlationId);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + successEncoder.encodedLength();
        if (null == receipt.reply)
        {
            receipt.reply = new ExpandableDirectByteBuffer(256);
        }
        receipt.reply.putBytes(0, replyBuffer, 0, length);
        receipt.replyLength = length;
        receipt.endPosition = endPosition;
        if (waitsForSync(topic))
        {
            pendingSyncAckReceipts.addLast(receipt);
            counters.cursorLogSyncRequest.setRelease(endPosition);
        }
        else
        {
            pendingAckReceipts.addLast(receipt);
        }
    }

    /**
     * Before segments of a log are purged, what replaces them must be stored at the strictest durability any
     * namespace asks for: with an fsync namespace, that is the log sync agent's synced position.
     *
     * @return true if the log is stored up to the position.
     */
    private boolean isStored(
        final RecordedLog log, final long position, final Counter syncRequest, final Counter syncedPosition)
    {
        if (!syncedByAgent || !anyFsync)
        {
            return log.durablePosition() >= position;
        }
        if (syncRequest.get() < position)
        {
            syncRequest.setRelease(position);
        }

        return syncedPosition.get() >= position;
    }

    /**
     * @return true if the topic's receipts wait for the log sync agent: its namespace is at fsync durability and
     * the archive does not sync by itself.
     */
    private boolean waitsForSync(final Topic topic)
    {
        return syncedByAgent && null != topic && topic.persistent && topic.policies.isFsync();
    }

    private int releaseAckReceipts()
    {
        final long syncedPosition = pendingSyncAckReceipts.isEmpty() ? Long.MIN_VALUE :
            counters.cursorLogSyncedPosition.get();
        int workCount = releaseAckReceipts(pendingAckReceipts, cursorLog.durablePosition());
        if (Long.MIN_VALUE != syncedPosition)
        {
            workCount += releaseAckReceipts(pendingSyncAckReceipts, syncedPosition);
        }

        return workCount;
    }

    private int releaseAckReceipts(final ArrayDeque<PendingReceipt> receipts, final long durablePosition)
    {
        int workCount = 0;
        PendingReceipt receipt;
        while (null != (receipt = receipts.peekFirst()) && receipt.endPosition <= durablePosition)
        {
            receipts.pollFirst();
            deliverOrDefer(receipt);
            workCount++;
        }

        return workCount;
    }

    /**
     * Answer with the topic's internal storage state as JSON, like Pulsar's {@code topics stats-internal}: the
     * topic's entries, bytes and positions, each cursor's mark-delete and read positions and acknowledged ranges,
     * and the shard's recording. Admin path: allocates.
     */
    private void onStatsInternal(final ShardSession session, final StatsInternalRequestDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final TopicName name = TopicName.parse(decoder.topic());
        final Topic topic = topicByName.get(name.toString());
        if (null == topic)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "topic " + name + " does not exist");
            return;
        }

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
        root.put("firstPosition", topic.index.heldEntries() > 0 ? topic.index.position(topic.index.firstOrdinal()) : -1);
        root.put("lastPosition", topic.index.lastPosition());
        root.put("producers", topic.producerCount);
        root.put("relocatedEntries", null == topic.relocations ? 0 : topic.relocations.size());

        final ObjectNode cursors = root.putObject("cursors");
        for (final TopicSubscription subscription : topic.subscriptions)
        {
            final ObjectNode cursor = cursors.putObject(subscription.name);
            cursor.put("subscriptionId", subscription.id);
            cursor.put("connected", null != subscription.consumer);
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
        log.put("reclaimedBytes", reclaimedBytes);
        log.put("compactions", compactions);
        log.put("relocatedEntries", relocatedEntries);
        final ObjectNode cursorLogNode = root.putObject("cursorLog");
        cursorLogNode.put("recordingId", cursorLog.recordingId());
        cursorLogNode.put("bytes", cursorLog.appendedPosition() - cursorLog.startPosition());
        cursorLogNode.put("segments", segmentCount(cursorLog));
        cursorLogNode.put("startPosition", cursorLog.startPosition());
        cursorLogNode.put("checkpoints", checkpoints);
        final ObjectNode indexLogNode = root.putObject("indexLog");
        indexLogNode.put("recordingId", indexLog.recordingId());
        indexLogNode.put("bytes", indexLog.appendedPosition() - indexLog.startPosition());
        indexLogNode.put("segments", segmentCount(indexLog));
        indexLogNode.put("snapshots", indexSnapshots);
        indexLogNode.put("lastSnapshotShardLogPosition", lastSnapshotEntryPosition);
        indexLogNode.put("lastSnapshotBytes", lastSnapshotBytes);

        final byte[] json;
        try
        {
            json = objectMapper.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
        }
        catch (final JsonProcessingException ex)
        {
            sendError(session, correlationId, ErrorCode.UNKNOWN_ERROR, "stats could not be encoded: " + ex);
            return;
        }

        statsInternalResponseEncoder.wrapAndApplyHeader(messageBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .putJson(json, 0, json.length);
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + statsInternalResponseEncoder.encodedLength();
        if (length > session.egress.publication.maxMessageLength())
        {
            sendError(session, correlationId, ErrorCode.UNKNOWN_ERROR, "stats of " + length +
                " bytes exceed the largest answer of " + session.egress.publication.maxMessageLength());
            return;
        }
        reply(session, messageBuffer, length);
    }

    /**
     * Move a subscription to the first entry published at or after a time, as Pulsar's reset-cursor: every entry
     * from there on counts as unacknowledged again and is delivered again. The new state is recorded in the cursor
     * log as a checkpoint record of that subscription; the answer goes once it is stored.
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    private boolean onResetCursor(final ShardSession session, final ResetCursorDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final long publishTime = decoder.publishTime();
        final TopicName name = TopicName.parse(decoder.topic());
        final String subscriptionName = decoder.subscription();
        final Topic topic = topicByName.get(name.toString());
        final TopicSubscription subscription = null == topic ? null : topic.subscriptionByName.get(subscriptionName);
        if (null == subscription || null == subscription.cursor)
        {
            sendError(session, correlationId, ErrorCode.INVALID_ARGUMENT, "no durable subscription '" +
                subscriptionName + "' on " + name);
            return true;
        }

        // the time index gives the block; read forward to the first entry published at or after the time
        final long durablePosition = entryLog.durablePosition();
        long ordinal = topic.index.firstOrdinalPublishedAtOrAfter(publishTime);
        while (ordinal < topic.durableEntries)
        {
            if (publishTimeOf(topic, topic.index.position(ordinal), durablePosition) >= publishTime)
            {
                break;
            }
            ordinal++;
        }

        final long markDeletePosition = ordinal > topic.index.firstOrdinal() ?
            topic.index.position(ordinal - 1) : topic.index.lastRemovedPosition();
        final long result = appendStateRecord(topic, subscription, markDeletePosition, 0, 0, 0);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            sendError(session, correlationId, ErrorCode.PERSISTENCE_ERROR,
                "reset of " + subscriptionName + " could not be recorded: " + Publication.errorString(result));
            return true;
        }

        subscription.cursor.restore(markDeletePosition);
        subscription.readOrdinal = subscription.cursor.firstUnackedOrdinal();
        queueAckReceipt(session, correlationId, cursorLog.appendedPosition(), topic);

        return true;
    }

    private static long segmentCount(final RecordedLog log)
    {
        final long segmentLength = log.segmentFileLength();
        final long firstBase = log.startPosition() - (log.startPosition() & (log.termLength() - 1));
        return (log.appendedPosition() - firstBase + segmentLength - 1) / segmentLength;
    }

    /**
     * Create a namespace or change some of its policies: record the namespace's whole resulting state in the
     * cursor log, apply it, and answer once the record is stored. The session agent has validated the request.
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    private boolean onSetNamespacePolicies(final ShardSession session, final SetNamespacePoliciesDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        // fields not named keep their values: start from the namespace's current state
        java.util.Arrays.fill(policyChanged, false);
        for (final SetNamespacePoliciesDecoder.PoliciesDecoder policy : decoder.policies())
        {
            final short field = policy.fieldRaw();
            policyChanged[field] = true;
            policyScratch[field] = policy.value();
        }
        final String namespace = decoder.namespaceName();
        final NamespacePolicies current = policiesByNamespace.get(namespace);
        for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
        {
            if (!policyChanged[i])
            {
                policyScratch[i] = null == current ? NamespacePolicies.INHERIT : current.explicit(i);
            }
        }

        final long result = appendNamespacePolicyState(namespace, policyScratch);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            sendError(session, correlationId, ErrorCode.PERSISTENCE_ERROR, "policies of " + namespace +
                " could not be recorded: " + Publication.errorString(result));
            return true;
        }

        final NamespacePolicies policies = policies(namespace);
        for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
        {
            policies.set(i, policyScratch[i]);
        }
        refreshPolicySummary();

        final PendingReceipt receipt = newReceipt(session, null, -1, correlationId);
        if (null == receipt.reply)
        {
            receipt.reply = new ExpandableDirectByteBuffer(256);
        }
        receipt.replyLength = encodeNamespacePolicies(receipt.reply, correlationId, policies);
        receipt.endPosition = cursorLog.appendedPosition();
        if (syncedByAgent && policies.isFsync())
        {
            // a namespace at fsync gets its own policies at fsync too
            pendingSyncAckReceipts.addLast(receipt);
            counters.cursorLogSyncRequest.setRelease(receipt.endPosition);
        }
        else
        {
            pendingAckReceipts.addLast(receipt);
        }

        return true;
    }

    private void onGetNamespacePolicies(final ShardSession session, final GetNamespacePoliciesDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final String namespace = decoder.namespaceName();
        NamespacePolicies policies = policiesByNamespace.get(namespace);
        if (null == policies)
        {
            policies = new NamespacePolicies(namespace, policyDefaults);
        }
        reply(session, messageBuffer, encodeNamespacePolicies(messageBuffer, correlationId, policies));
    }

    private int encodeNamespacePolicies(
        final MutableDirectBuffer buffer, final long correlationId, final NamespacePolicies policies)
    {
        final java.util.Map<String, Object> document = policies.describe();
        document.put("shard", shard);
        final byte[] json;
        try
        {
            json = objectMapper.writeValueAsBytes(document);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("policies could not be encoded", ex);
        }
        namespacePoliciesEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .shardCount(shardCount)
            .putJson(json, 0, json.length);

        return MessageHeaderEncoder.ENCODED_LENGTH + namespacePoliciesEncoder.encodedLength();
    }

    /**
     * @return the record's position, or a negative publication result.
     */
    private long appendNamespacePolicyState(final String namespace, final long[] explicit)
    {
        namespacePolicyStateEncoder.wrapAndApplyHeader(cursorBuffer, 0, storageHeaderEncoder);
        int count = 0;
        for (final long value : explicit)
        {
            count += NamespacePolicies.INHERIT == value ? 0 : 1;
        }
        final NamespacePolicyStateEncoder.PoliciesEncoder policies = namespacePolicyStateEncoder.policiesCount(count);
        for (int i = 0; i < explicit.length; i++)
        {
            if (NamespacePolicies.INHERIT != explicit[i])
            {
                policies.next().field((short)i).value(explicit[i]);
            }
        }
        namespacePolicyStateEncoder.namespaceName(namespace);
        final int length =
            io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + namespacePolicyStateEncoder.encodedLength();

        return cursorLog.append(cursorBuffer, 0, length);
    }

    /**
     * @return the namespaces this shard knows: those created or given policies, and those of its topics.
     */
    public java.util.Set<String> namespaces()
    {
        return new java.util.HashSet<>(policiesByNamespace.keySet());
    }

    private void onCloseProducer(final ShardSession session, final CloseProducerDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final ShardProducer producer = session.producers.remove(decoder.producerId());
        if (null == producer)
        {
            sendError(session, correlationId, ErrorCode.PRODUCER_NOT_FOUND,
                "producer " + decoder.producerId() + " is not open on this session");
            return;
        }

        producer.topic.producerCount--;
        sendSuccess(session, correlationId);
    }

    private void onCloseConsumer(final ShardSession session, final CloseConsumerDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        final ShardConsumer consumer = session.consumers.remove(decoder.consumerId());
        if (null == consumer)
        {
            sendError(session, correlationId, ErrorCode.CONSUMER_NOT_FOUND,
                "consumer " + decoder.consumerId() + " is not open on this session");
            return;
        }

        detach(consumer);
        sendSuccess(session, correlationId);
    }

    private void onSessionClosed(final SessionEgress egress)
    {
        final ShardSession session = sessionByKey.remove(egress.sessionKey);
        if (null == session)
        {
            return;
        }

        session.closed = true;
        for (final ShardProducer producer : session.producers.values())
        {
            producer.topic.producerCount--;
        }
        session.producers.clear();
        for (final ShardConsumer consumer : session.consumers.values())
        {
            detach(consumer);
        }
        session.consumers.clear();

        PendingReceipt receipt;
        while (null != (receipt = session.deferredReceipts.pollFirst()))
        {
            freeReceipt(receipt);
        }
        sessionsWithDeferredReceipts.remove(session);
    }

    /**
     * Detach a consumer; its unacknowledged messages go to the next consumer of the subscription.
     */
    private void detach(final ShardConsumer consumer)
    {
        final TopicSubscription subscription = consumer.subscription;
        if (subscription.consumer != consumer)
        {
            return;
        }

        subscription.consumer = null;
        activeSubscriptions.remove(subscription);
        final Topic topic = subscription.topic;
        if (topic.persistent)
        {
            subscription.readOrdinal = subscription.cursor.firstUnackedOrdinal();
        }
        else
        {
            topic.subscriptions.remove(subscription);
            topic.subscriptionByName.remove(subscription.name);
        }
    }

    /**
     * Find or create a topic.
     *
     * @return the topic, or null if its creation record could not be appended yet.
     */
    private Topic topic(final TopicName name)
    {
        final String key = name.toString();
        Topic topic = topicByName.get(key);
        if (null != topic)
        {
            return topic;
        }

        final long topicId = ((long)shard << 40) | nextTopicLocalId;
        final NamespacePolicies policies = policiesOf(name);
        // a namespace at memory durability serves its persistent topics as non-persistent ones
        final boolean persistent = name.isPersistent() && !policies.isMemory();
        long definitionPosition = -1;
        if (persistent)
        {
            definitionPosition = appendTopicDefinition(topicId, key);
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

        nextTopicLocalId++;
        topic = new Topic(topicId, name, persistent, policies);
        topic.definitionPosition = definitionPosition;
        topicByName.put(key, topic);
        topicById.put(topicId, topic);

        return topic;
    }

    /**
     * @return the policies of a topic's namespace; consecutive topics of one namespace (as in recovery) need no
     * lookup.
     */
    private NamespacePolicies policiesOf(final TopicName name)
    {
        final NamespacePolicies last = lastPolicies;
        if (null != last && name.tenant().equals(lastPoliciesTenant) && name.namespace().equals(lastPoliciesNamespace))
        {
            return last;
        }
        final NamespacePolicies policies = policies(name.namespaceName());
        lastPolicies = policies;
        lastPoliciesTenant = name.tenant();
        lastPoliciesNamespace = name.namespace();

        return policies;
    }

    /**
     * @param namespace as {@code tenant/namespace}.
     * @return the namespace's policies, created with the broker's defaults when first asked for.
     */
    private NamespacePolicies policies(final String namespace)
    {
        NamespacePolicies policies = policiesByNamespace.get(namespace);
        if (null == policies)
        {
            policies = new NamespacePolicies(namespace, policyDefaults);
            policiesByNamespace.put(namespace, policies);
        }

        return policies;
    }

    /**
     * Which periodic checks some namespace needs: recomputed when policies change.
     */
    private void refreshPolicySummary()
    {
        final NamespacePolicies defaults = new NamespacePolicies("", policyDefaults);
        boolean messageTtl = defaults.messageTtlMs() >= 0;
        boolean backlogEviction = defaults.evictsBacklog();
        boolean finiteRetention = defaults.isRetentionFinite();
        boolean fsync = defaults.isFsync();
        for (final NamespacePolicies policies : policiesByNamespace.values())
        {
            messageTtl |= policies.messageTtlMs() >= 0;
            backlogEviction |= policies.evictsBacklog();
            finiteRetention |= policies.isRetentionFinite();
            fsync |= policies.isFsync();
        }
        anyFsync = fsync;
        anyMessageTtl = messageTtl;
        anyBacklogEviction = backlogEviction;
        anyFiniteRetention = finiteRetention;
    }

    /**
     * @return the position of the topic's definition record in the shard log, or a negative publication result.
     */
    private long appendTopicDefinition(final long topicId, final String topicName)
    {
        topicCreatedEncoder.wrapAndApplyHeader(appendBuffer, 0, storageHeaderEncoder)
            .topicId(topicId)
            .createTime(epochClock.time())
            .topicName(topicName);
        final int length =
            io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + topicCreatedEncoder.encodedLength();

        return entryLog.append(appendBuffer, 0, length);
    }

    private boolean appendSubscriptionCreated(
        final Topic topic, final long subscriptionId, final long startPosition, final String name)
    {
        subscriptionCreatedEncoder.wrapAndApplyHeader(cursorBuffer, 0, storageHeaderEncoder)
            .topicId(topic.id)
            .subscriptionId(subscriptionId)
            .startPosition(startPosition)
            .subscriptionName(name);
        final int length = io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH +
            subscriptionCreatedEncoder.encodedLength();
        final long position = cursorLog.append(cursorBuffer, 0, length);
        if (position < 0)
        {
            if (Publication.BACK_PRESSURED == position || Publication.ADMIN_ACTION == position)
            {
                return false;
            }
            throw new StorageException("shard " + shard + ": cannot record subscription " + name + " on " +
                topic.name + ": " + Publication.errorString(position));
        }

        return true;
    }

    /**
     * Acknowledge an entry on the broker's own account (TTL, backlog eviction): recorded first, applied once recorded.
     *
     * @return false if the cursor log could not take the record now.
     */
    private boolean ackAndRecord(final TopicSubscription subscription, final long position)
    {
        if (appendCursorAck(subscription, position) < 0)
        {
            return false;
        }
        subscription.cursor.ack(position);

        return true;
    }

    private long appendCursorAck(final TopicSubscription subscription, final long position)
    {
        cursorAckEncoder.wrapAndApplyHeader(cursorBuffer, 0, storageHeaderEncoder)
            .topicId(subscription.topic.id)
            .subscriptionId(subscription.id)
            .position(position);
        final int length =
            io.magnetar.codecs.storage.MessageHeaderEncoder.ENCODED_LENGTH + cursorAckEncoder.encodedLength();

        return cursorLog.append(cursorBuffer, 0, length);
    }

    private void onRecoveredEntry(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        final int templateId = storageHeaderDecoder.templateId();
        final int schemaId = storageHeaderDecoder.schemaId();
        final int version = storageHeaderDecoder.version();
        if (EntryHeaderDecoder.SCHEMA_ID != schemaId || version > EntryHeaderDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " log: unknown record version at position " + position +
                " (schema " + schemaId + " version " + version + "; this broker reads schema " +
                EntryHeaderDecoder.SCHEMA_ID + " up to version " + EntryHeaderDecoder.SCHEMA_VERSION + ")");
        }

        final int bodyOffset = offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = storageHeaderDecoder.blockLength();
        if (EntryHeaderDecoder.TEMPLATE_ID == templateId)
        {
            if (recoveringDefinitions)
            {
                return;
            }
            entryDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = entryDecoder.topicId();
            entryDecoder.sequenceId();
            final long publishTime = entryDecoder.publishTime();
            final Topic topic = topicById.get(topicId);
            if (null == topic)
            {
                throw new StorageException("shard " + shard + " log: entry at position " + position +
                    " belongs to unknown topic id " + topicId);
            }
            topic.index.add(position, publishTime);
            topic.bytes += length;
            recoveredEntries++;
        }
        else if (TopicCreatedDecoder.TEMPLATE_ID == templateId)
        {
            if (!recoveringDefinitions)
            {
                return;
            }
            topicCreatedDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = topicCreatedDecoder.topicId();
            topicCreatedDecoder.createTime();
            Topic topic = topicById.get(topicId);
            if (null == topic)
            {
                final TopicName name = TopicName.parse(topicCreatedDecoder.topicName());
                topic = new Topic(topicId, name, true, policiesOf(name));
                topicByName.put(name.toString(), topic);
                topicById.put(topicId, topic);
                nextTopicLocalId = Math.max(nextTopicLocalId, (topicId & ((1L << 40) - 1)) + 1);
            }
            topic.definitionPosition = position;
        }
        else if (RelocatedEntryDecoder.TEMPLATE_ID == templateId)
        {
            if (recoveringDefinitions)
            {
                final RelocatedEntryDecoder decoder = relocatedEntryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                recoveredRelocations.addLong(decoder.topicId());
                recoveredRelocations.addLong(decoder.originalPosition());
                recoveredRelocations.addLong(position);
                decoder.sequenceId();
                recoveredRelocations.addLong(decoder.publishTime());
            }
        }
        else
        {
            throw new StorageException("shard " + shard + " log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    /**
     * After recovery, entries whose records retention purged (a snapshot taken before the purge still lists them)
     * leave the index: they are the prefix of entries that are neither at or after the log's start nor moved there.
     */
    private void dropUnreadablePrefix(final Topic topic)
    {
        final TopicIndex index = topic.index;
        final long start = entryLog.startPosition();
        long ordinal = index.firstOrdinal();
        while (ordinal < index.size() && topic.location(index.position(ordinal)) < start)
        {
            ordinal++;
        }
        if (ordinal > index.firstOrdinal())
        {
            recoveredEntries -= index.removeBefore(ordinal < index.size() ? index.position(ordinal) : Long.MAX_VALUE);
            if (null != topic.relocations)
            {
                forgetRelocationsBefore(topic);
            }
        }
    }

    /**
     * Entries that compaction moved: their message ids go back into their topics' indexes (in id order, ahead of
     * the entries scanned after them when their old segment is gone) and map to where they are now. A later copy
     * of the same entry wins.
     */
    private void applyRecoveredRelocations(final long scanFrom)
    {
        final int count = recoveredRelocations.size() / 4;
        if (0 == count)
        {
            return;
        }
        final Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++)
        {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) ->
        {
            final int byTopic = Long.compare(recoveredRelocations.getLong(4 * a), recoveredRelocations.getLong(4 * b));
            if (0 != byTopic)
            {
                return byTopic;
            }
            final int byId = Long.compare(
                recoveredRelocations.getLong(4 * a + 1), recoveredRelocations.getLong(4 * b + 1));
            return 0 != byId ? byId : Long.compare(
                recoveredRelocations.getLong(4 * a + 2), recoveredRelocations.getLong(4 * b + 2));
        });

        for (final int i : order)
        {
            final long topicId = recoveredRelocations.getLong(4 * i);
            final long messageId = recoveredRelocations.getLong(4 * i + 1);
            final long location = recoveredRelocations.getLong(4 * i + 2);
            final long publishTime = recoveredRelocations.getLong(4 * i + 3);
            final Topic topic = topicById.get(topicId);
            if (null == topic)
            {
                continue;
            }
            final TopicIndex index = topic.index;
            if (messageId < scanFrom && index.ordinalOf(messageId) < 0)
            {
                if (messageId <= Math.max(index.lastPosition(), index.lastRemovedPosition()))
                {
                    continue; // no longer needed when the snapshot was taken
                }
                index.add(messageId, publishTime);
                recoveredEntries++;
            }
            if (null == topic.relocations)
            {
                topic.relocations = new Long2LongHashMap(Long.MIN_VALUE);
            }
            topic.relocations.put(messageId, location);
        }
        recoveredRelocations.clear();
    }

    private void onRecoveredCursorRecord(
        final DirectBuffer buffer, final int offset, final int length, final long position, final long nextPosition)
    {
        storageHeaderDecoder.wrap(buffer, offset);
        final int templateId = storageHeaderDecoder.templateId();
        final int schemaId = storageHeaderDecoder.schemaId();
        final int version = storageHeaderDecoder.version();
        if (CursorAckDecoder.SCHEMA_ID != schemaId || version > CursorAckDecoder.SCHEMA_VERSION)
        {
            throw new StorageException("shard " + shard + " cursor log: unknown record version at position " +
                position + " (schema " + schemaId + " version " + version + ")");
        }

        final int bodyOffset = offset + io.magnetar.codecs.storage.MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = storageHeaderDecoder.blockLength();
        if (CursorAckDecoder.TEMPLATE_ID == templateId)
        {
            cursorAckDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final TopicSubscription subscription = recoveredSubscription(
                cursorAckDecoder.topicId(), cursorAckDecoder.subscriptionId());
            if (null == subscription)
            {
                orphanedCursorRecords++;
                return;
            }
            subscription.cursor.ack(cursorAckDecoder.position());
            recoveredAcks++;
        }
        else if (SubscriptionStateDecoder.TEMPLATE_ID == templateId)
        {
            recoverSubscriptionState(buffer, bodyOffset, blockLength, version);
        }
        else if (NamespacePolicyStateDecoder.TEMPLATE_ID == templateId)
        {
            final NamespacePolicyStateDecoder decoder =
                namespacePolicyStateDecoder.wrap(buffer, bodyOffset, blockLength, version);
            java.util.Arrays.fill(policyScratch, NamespacePolicies.INHERIT);
            for (final NamespacePolicyStateDecoder.PoliciesDecoder policy : decoder.policies())
            {
                final short field = policy.field();
                final long value = policy.value();
                if (field < NamespacePolicies.FIELD_COUNT)
                {
                    policyScratch[field] = value;
                }
            }
            final NamespacePolicies policies = policies(decoder.namespaceName());
            for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
            {
                policies.set(i, policyScratch[i]);
            }
        }
        else if (SubscriptionCreatedDecoder.TEMPLATE_ID == templateId)
        {
            subscriptionCreatedDecoder.wrap(buffer, bodyOffset, blockLength, version);
            final long topicId = subscriptionCreatedDecoder.topicId();
            final long subscriptionId = subscriptionCreatedDecoder.subscriptionId();
            final long startPosition = subscriptionCreatedDecoder.startPosition();
            final String name = subscriptionCreatedDecoder.subscriptionName();
            final Topic topic = topicById.get(topicId);
            if (null == topic)
            {
                // the topic's definition (in the entry log, another recording) was not stored before a crash:
                // no entry of it was either, and its subscription goes with it
                orphanedCursorRecords++;
                return;
            }
            final long startOrdinal = startPosition < 0 ?
                    topic.index.firstOrdinal() : topic.index.firstOrdinalAtOrAfter(startPosition);
            addSubscription(topic, subscriptionId, name, startOrdinal);
            nextSubscriptionId = Math.max(nextSubscriptionId, subscriptionId + 1);
        }
        else
        {
            throw new StorageException("shard " + shard + " cursor log: unknown record template " + templateId +
                " at position " + position);
        }
    }

    private void recoverSubscriptionState(
        final DirectBuffer buffer, final int offset, final int blockLength, final int version)
    {
        final SubscriptionStateDecoder decoder = subscriptionStateDecoder.wrap(buffer, offset, blockLength, version);
        final long topicId = decoder.topicId();
        final long subscriptionId = decoder.subscriptionId();
        final long markDeletePosition = decoder.markDeletePosition();
        final int part = decoder.part();
        final Topic topic = topicById.get(topicId);
        TopicSubscription subscription = recoveredSubscription(topicId, subscriptionId);

        final SubscriptionStateDecoder.AckedRangesDecoder ranges = decoder.ackedRanges();
        final int rangeCount = ranges.count();
        final long[] pairs = new long[2 * rangeCount];
        for (int i = 0; i < rangeCount; i++)
        {
            ranges.next();
            pairs[2 * i] = ranges.firstPosition();
            pairs[2 * i + 1] = ranges.lastPosition();
        }
        final String name = decoder.subscriptionName();

        if (null == topic)
        {
            orphanedCursorRecords++;
            return;
        }
        if (null == subscription)
        {
            subscription = addSubscription(topic, subscriptionId, name, 0);
            nextSubscriptionId = Math.max(nextSubscriptionId, subscriptionId + 1);
        }
        if (0 == part)
        {
            subscription.cursor.restore(markDeletePosition);
        }
        for (int i = 0; i < rangeCount; i++)
        {
            subscription.cursor.ackRange(pairs[2 * i], pairs[2 * i + 1]);
        }
        recoveredCheckpointRecords++;
    }

    private TopicSubscription recoveredSubscription(final long topicId, final long subscriptionId)
    {
        final Topic topic = topicById.get(topicId);
        if (null != topic)
        {
            final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
            for (int i = 0, size = subscriptions.size(); i < size; i++)
            {
                final TopicSubscription subscription = subscriptions.get(i);
                if (subscription.id == subscriptionId)
                {
                    return subscription;
                }
            }
        }

        return null;
    }

    /**
     * Send a control reply from {@code replyBuffer}; if the session's answer channel is back-pressured, or answers
     * are already waiting for it, queue a copy behind them so nothing is dropped and order is kept.
     */
    private void reply(final ShardSession session, final int length)
    {
        reply(session, replyBuffer, length);
    }

    private void reply(final ShardSession session, final DirectBuffer buffer, final int length)
    {
        if (session.deferredReceipts.isEmpty() && OFFER_RETRY != offer(session, buffer, length))
        {
            return;
        }

        final PendingReceipt deferred = newReceipt(session, null, -1, -1);
        if (null == deferred.reply)
        {
            deferred.reply = new ExpandableDirectByteBuffer(Math.max(256, length));
        }
        deferred.reply.putBytes(0, buffer, 0, length);
        deferred.replyLength = length;
        if (session.deferredReceipts.isEmpty())
        {
            sessionsWithDeferredReceipts.add(session);
        }
        session.deferredReceipts.addLast(deferred);
    }

    private void sendSuccess(final ShardSession session, final long correlationId)
    {
        successEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder).correlationId(correlationId);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + successEncoder.encodedLength());
    }

    private void sendError(
        final ShardSession session, final long correlationId, final ErrorCode code, final String message)
    {
        errorEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message);
        reply(session, MessageHeaderEncoder.ENCODED_LENGTH + errorEncoder.encodedLength());
    }

    /**
     * Queue a send error behind the answers to earlier sends, so a producer gets its answers in send order.
     */
    private void sendSendError(
        final ShardSession session,
        final long producerId,
        final long sequenceId,
        final ErrorCode code,
        final String message)
    {
        final PendingReceipt receipt = newReceipt(session, null, producerId, sequenceId);
        receipt.endPosition = Long.MIN_VALUE;
        receipt.errorCode = code;
        receipt.errorMessage = message;
        final ShardProducer producer = session.producers.get(producerId);
        if (null != producer && (waitsForSync(producer.topic) || producer.topic.syncReceipts > 0))
        {
            receipt.topic = producer.topic;
            producer.topic.syncReceipts++;
            pendingSyncReceipts.addLast(receipt);
        }
        else
        {
            pendingReceipts.addLast(receipt);
        }
    }

    private static int offer(final ShardSession session, final DirectBuffer buffer, final int length)
    {
        long result = session.egress.publication.offer(buffer, 0, length);
        if (Publication.ADMIN_ACTION == result)
        {
            // a term rotation: the retry goes through at once
            result = session.egress.publication.offer(buffer, 0, length);
        }
        if (result > 0)
        {
            return OFFER_OK;
        }
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result ||
            Publication.NOT_CONNECTED == result)
        {
            // NOT_CONNECTED: the client may be in a pause; if it is gone, its session is closed shortly
            return OFFER_RETRY;
        }

        return OFFER_GONE;
    }
}
