package io.magnetar.broker.shard;

import io.magnetar.codecs.ErrorCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ReceiptTrackerTest
{
    private final ShardFixtures fixtures = new ShardFixtures();
    private final AtomicCounter entrySyncRequest = fixtures.counter("entry sync request");
    private final AtomicCounter cursorSyncRequest = fixtures.counter("cursor sync request");
    private final List<String> released = new ArrayList<>();
    private final List<Long> visible = new ArrayList<>();
    private final ReceiptTracker tracker = new ReceiptTracker(
        true, entrySyncRequest, cursorSyncRequest, this::record, (topic) -> visible.add(topic.id));
    private final ShardSession session = fixtures.session();

    private void record(final PendingReceipt receipt)
    {
        released.add(receipt.kind + ":" + receipt.sequenceId +
            (null == receipt.errorCode ? "" : ":" + receipt.errorCode));
    }

    @Test
    void releasesReceiptsOnlyOnceTheLogIsStoredPastTheirEntries()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        tracker.onEntryAppended(session, topic, 7, 1, 0, 100, null);
        tracker.onEntryAppended(session, topic, 7, 2, 100, 200, null);

        assertEquals(0, release(99, Long.MIN_VALUE));
        assertEquals(List.of(), released);
        assertEquals(0, topic.durableEntries);

        assertEquals(1, release(150, Long.MIN_VALUE));
        assertEquals(List.of("SEND_RECEIPT:1"), released);
        assertEquals(1, topic.durableEntries);
        assertEquals(List.of(topic.id), visible, "consumers are told the entry is visible");

        assertEquals(1, release(200, Long.MIN_VALUE));
        assertEquals(List.of("SEND_RECEIPT:1", "SEND_RECEIPT:2"), released);
        assertEquals(2, topic.durableEntries);
    }

    @Test
    void aSendErrorWaitsBehindTheProducersEarlierReceipts()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        tracker.onEntryAppended(session, topic, 7, 1, 0, 100, null);
        tracker.onSendError(session, 7, 2, ErrorCode.MESSAGE_TOO_LARGE, "too large");

        assertEquals(0, release(50, Long.MIN_VALUE));
        assertEquals(2, release(100, Long.MIN_VALUE));
        assertEquals(List.of("SEND_RECEIPT:1", "SEND_ERROR:2:MESSAGE_TOO_LARGE"), released);
        assertEquals(1, topic.durableEntries, "an error makes no entry visible");
        assertEquals(List.of(topic.id), visible);
    }

    @Test
    void fsyncTopicsWaitForTheSyncedPositionAndAskForIt()
    {
        final Topic archived = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        final Topic synced = fixtures.persistentTopic(ShardFixtures.fsyncPolicies("acme/fsync"));
        tracker.onEntryAppended(session, synced, 1, 1, 0, 100, null);
        tracker.onEntryAppended(session, archived, 2, 1, 100, 200, null);
        assertEquals(100, entrySyncRequest.get());
        assertEquals(1, synced.syncReceipts);

        // the archived topic does not wait behind the disk sync
        assertEquals(1, release(200, 0));
        assertEquals(List.of("SEND_RECEIPT:1"), released);
        assertEquals(1, archived.durableEntries);
        assertEquals(0, synced.durableEntries);

        assertEquals(1, release(200, 100));
        assertEquals(1, synced.durableEntries);
        assertEquals(0, synced.syncReceipts);
    }

    @Test
    void aTopicLeavingFsyncKeepsItsOrderBehindReceiptsStillWaitingForASync()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.fsyncPolicies("acme/fsync"));
        tracker.onEntryAppended(session, topic, 1, 1, 0, 100, null);
        topic.policies.set(0, io.magnetar.broker.policy.NamespacePolicies.DURABILITY_ARCHIVED);
        tracker.onEntryAppended(session, topic, 1, 2, 100, 200, null);

        assertEquals(0, release(200, 0), "both wait for the sync: the second may not overtake the first");
        assertEquals(2, release(200, 200));
        assertEquals(List.of("SEND_RECEIPT:1", "SEND_RECEIPT:2"), released);
    }

    @Test
    void ackReceiptsWaitForTheCursorLog()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        tracker.onCursorRecorded(session, 42, 300, topic);
        final UnsafeBuffer answer = new UnsafeBuffer(new byte[16]);
        tracker.onCursorRecorded(session, answer, 16, 400, true);
        assertEquals(400, cursorSyncRequest.get());

        assertEquals(0, tracker.release(Long.MAX_VALUE, Long.MIN_VALUE, 299, Long.MIN_VALUE));
        assertEquals(1, tracker.release(Long.MAX_VALUE, Long.MIN_VALUE, 400, 399));
        assertEquals(List.of("SUCCESS:42"), released);
        assertEquals(1, tracker.release(Long.MAX_VALUE, Long.MIN_VALUE, 400, 400));
        assertEquals(List.of("SUCCESS:42", "REPLY:-1"), released);
    }

    @Test
    void nonPersistentReceiptsGoAtOnceInOrder()
    {
        final Topic topic = new Topic(9, io.magnetar.broker.policy.TopicName.parse("non-persistent://public/default/n"),
            false, ShardFixtures.policies("public/default"));
        tracker.onDelivered(session, topic, 3, 1, 0);
        tracker.onDelivered(session, topic, 3, 2, 1);

        assertEquals(2, release(Long.MIN_VALUE, Long.MIN_VALUE));
        assertEquals(List.of("SEND_RECEIPT:1", "SEND_RECEIPT:2"), released);
        assertEquals(0, topic.durableEntries);
    }

    @Test
    void aDuplicateIsAnsweredInOrderOnceTheOriginalIsStoredAndMakesNothingVisible()
    {
        final Topic topic = fixtures.persistentTopic(ShardFixtures.policies("public/default"));
        final Publisher publisher = new Publisher(1, "p", -1);
        tracker.onEntryAppended(session, topic, 7, 1, 0, 100, publisher);
        tracker.onDuplicate(session, topic, 7, 1, 100); // sent again before the original was stored
        tracker.onDuplicate(session, topic, 7, 0, Long.MIN_VALUE); // stored long ago: waits only for its turn

        assertEquals(0, release(99, Long.MIN_VALUE));
        assertEquals(-1, publisher.storedSequenceId);
        assertEquals(3, release(100, Long.MIN_VALUE));
        assertEquals(List.of("SEND_RECEIPT:1", "DUPLICATE_RECEIPT:1", "DUPLICATE_RECEIPT:0"), released);
        assertEquals(1, topic.durableEntries, "a duplicate is no new entry");
        assertEquals(1, publisher.storedSequenceId, "the receipt marks the sequence id stored for its name");
    }

    private int release(final long entryStored, final long entrySynced)
    {
        return tracker.release(entryStored, entrySynced, Long.MIN_VALUE, Long.MIN_VALUE);
    }
}
