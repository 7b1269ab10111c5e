package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.SendDecoder;
import io.magnetar.codecs.SendEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BacklogQuotaEnforcerTest
{
    private static final int QUOTA_LIMIT = 4;
    private static final int QUOTA_POLICY = 5;
    private static final long HOLD_TIMEOUT_NS = 1_000_000_000L;

    private final ShardFixtures fixtures = new ShardFixtures();
    private final List<String> answers = new ArrayList<>();
    private final List<Long> sent = new ArrayList<>();
    private final ShardSessions sessions = new ShardSessions();
    private final ReceiptTracker receipts = new ReceiptTracker(
        false, fixtures.counter("a"), fixtures.counter("b"), (receipt) -> answers.add(receipt.kind + ":" +
        receipt.sequenceId + (null == receipt.errorCode ? "" : ":" + receipt.errorCode)), ShardFixtures::ignore);
    private final BacklogQuotaEnforcer quota = new BacklogQuotaEnforcer(
        0, HOLD_TIMEOUT_NS, sessions, receipts, fixtures.counter("held"));
    private final NamespacePolicies policies = ShardFixtures.policies("public/default");
    private final Topic topic = fixtures.persistentTopic(policies);
    private final TopicSubscription subscription = topic.addSubscription(1, "s", 0);
    private final ShardSession session = sessions.session(new io.magnetar.broker.SessionEgress(77, null, "c", 7));
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[256]);

    BacklogQuotaEnforcerTest()
    {
        quota.sendHandler(this::onReleasedSend);
        ShardFixtures.addEntries(topic, 10);
    }

    private boolean onReleasedSend(
        final ShardSession from, final SendDecoder decoder, final DirectBuffer buffer, final int length)
    {
        assertEquals(session, from);
        sent.add(decoder.correlationId());
        return true;
    }

    @Test
    void aBacklogAtOrOverTheLimitIsExceededUnlessThePolicyEvicts()
    {
        assertEquals(-1, topic.quotaExceededBytes(), "no limit");
        policies.set(QUOTA_LIMIT, 10 * ShardFixtures.ENTRY_BYTES);
        assertEquals(10 * ShardFixtures.ENTRY_BYTES, topic.quotaExceededBytes());
        subscription.cursor.ack(ShardFixtures.messageId(0));
        assertEquals(-1, topic.quotaExceededBytes(), "9 entries are below 10 entries' bytes");

        policies.set(QUOTA_LIMIT, ShardFixtures.ENTRY_BYTES);
        policies.set(QUOTA_POLICY, NamespacePolicies.POLICY_CONSUMER_BACKLOG_EVICTION);
        assertEquals(-1, topic.quotaExceededBytes(), "eviction never refuses producers");
    }

    @Test
    void heldSendsAreReleasedInOrderOnceTheBacklogFalls()
    {
        policies.set(QUOTA_LIMIT, 5 * ShardFixtures.ENTRY_BYTES);
        policies.set(QUOTA_POLICY, NamespacePolicies.POLICY_PRODUCER_REQUEST_HOLD);
        hold(1);
        hold(2);
        quota.answerSendError(session, topic, 9, 3, io.magnetar.codecs.ErrorCode.MESSAGE_TOO_LARGE, "large");
        hold(4);
        assertTrue(BacklogQuotaEnforcer.isHolding(topic));
        assertTrue(quota.heldBytes() > 0);

        assertEquals(0, quota.releaseHeldSends(System.nanoTime()));
        assertEquals(List.of(), sent);

        for (int i = 0; i < 6; i++)
        {
            subscription.cursor.ack(ShardFixtures.messageId(i));
        }
        assertEquals(1, quota.releaseHeldSends(System.nanoTime()));
        assertEquals(List.of(1L, 2L, 4L), sent);
        receipts.release(Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        assertEquals(List.of("SEND_ERROR:3:MESSAGE_TOO_LARGE"), answers, "the error kept its place");
        assertFalse(quota.isHoldingAny());
        assertEquals(0, quota.heldBytes());
        assertEquals(null, topic.heldSends, "the hold buffer's memory goes with the hold");
    }

    @Test
    void aHoldLongerThanTheTimeoutIsRefused()
    {
        policies.set(QUOTA_LIMIT, 5 * ShardFixtures.ENTRY_BYTES);
        policies.set(QUOTA_POLICY, NamespacePolicies.POLICY_PRODUCER_REQUEST_HOLD);
        hold(1);

        assertEquals(0, quota.releaseHeldSends(System.nanoTime()));
        assertEquals(1, quota.releaseHeldSends(System.nanoTime() + 2 * HOLD_TIMEOUT_NS));
        receipts.release(Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE);
        assertEquals(List.of("SEND_ERROR:1:PRODUCER_BLOCKED_QUOTA_EXCEEDED"), answers);
        assertEquals(List.of(), sent);
    }

    @Test
    void heldSendsOfAClosedSessionAreDropped()
    {
        policies.set(QUOTA_LIMIT, 5 * ShardFixtures.ENTRY_BYTES);
        policies.set(QUOTA_POLICY, NamespacePolicies.POLICY_PRODUCER_REQUEST_HOLD);
        hold(1);
        sessions.remove(session.egress);

        assertEquals(1, quota.releaseHeldSends(System.nanoTime()));
        assertEquals(List.of(), sent);
        assertEquals(0, quota.heldBytes());
    }

    @Test
    void evictionAcknowledgesTheOldestEntriesOverTheQuota()
    {
        policies.set(QUOTA_LIMIT, 3 * ShardFixtures.ENTRY_BYTES);
        policies.set(QUOTA_POLICY, NamespacePolicies.POLICY_CONSUMER_BACKLOG_EVICTION);
        final List<Long> acked = new ArrayList<>();

        final SubscriptionAcks acks = (s, position) ->
        {
            acked.add(position);
            return s.cursor.ack(position);
        };
        assertEquals(-1, quota.evict(topic, acks, 5), "the budget ran out: visit again");
        assertEquals(2, quota.evict(topic, acks, 5));
        assertEquals(ShardFixtures.messageId(0), acked.get(0));
        assertEquals(ShardFixtures.messageId(6), acked.get(6));
        assertEquals(3, subscription.cursor.backlog());
        assertEquals(7, subscription.readOrdinal);
    }

    private void hold(final long sequenceId)
    {
        final MessageHeaderEncoder header = new MessageHeaderEncoder();
        final SendEncoder send = new SendEncoder().wrapAndApplyHeader(frame, 0, header)
            .correlationId(sequenceId)
            .producerId(9)
            .publishTime(1);
        send.key("");
        send.putPayload(new byte[8], 0, 8);
        send.putMetadata(new byte[0], 0, 0);
        quota.hold(session, topic, 9, sequenceId, frame, MessageHeaderEncoder.ENCODED_LENGTH + send.encodedLength());
    }
}
