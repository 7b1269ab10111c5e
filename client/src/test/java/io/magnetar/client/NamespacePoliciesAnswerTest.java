package io.magnetar.client;

import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.ErrorEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.NamespacePoliciesEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How the egress adapter and the conductor route {@code NamespacePolicies} answers, without a broker or Aeron: the
 * frames are handed to the adapter on the test thread, which stands in for the conductor thread.
 */
class NamespacePoliciesAnswerTest
{
    private static final long DEADLINE_NS = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);

    private final List<Throwable> errors = new ArrayList<>();
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer();
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private ClientConductor conductor;
    private EgressAdapter adapter;

    @BeforeEach
    void setUp()
    {
        conductor = new ClientConductor(
            errors::add, new SessionLiveness(errors::add, "magnetar://localhost:6650", TimeUnit.SECONDS.toNanos(2)));
        adapter = new EgressAdapter(null, conductor);
    }

    @Test
    void shouldCompleteASetOnceEveryShardAnswered() throws MagnetarClientException
    {
        final PendingRequest request = addRequest(7, true);

        onNamespacePolicies(7, 2, 3, "{\"shard\":2}");
        onNamespacePolicies(7, 2, 3, "{\"shard\":2}");
        onNamespacePolicies(7, 1, 3, "{\"shard\":1}");
        assertFalse(request.awaitAnswer(0));
        assertEquals(2, request.answeredShardCount);
        assertEquals(3, request.expectedShardCount);

        onNamespacePolicies(7, 0, 3, "{\"shard\":0}");
        assertTrue(request.awaitAnswer(0));
        request.checkError("set");
        assertEquals("{\"shard\":0}", request.answerText);
        assertNoUnknownFramesOrErrors();
    }

    @Test
    void shouldCompleteAGetWithOneAnswer() throws MagnetarClientException
    {
        final PendingRequest request = addRequest(8, false);

        onNamespacePolicies(8, 3, 4, "{\"shard\":3}");

        assertTrue(request.awaitAnswer(0));
        request.checkError("get");
        assertEquals("{\"shard\":3}", request.answerText);
        assertNoUnknownFramesOrErrors();
    }

    @Test
    void shouldIgnoreAnswersToUnknownRequests() throws MagnetarClientException
    {
        final PendingRequest request = addRequest(9, true);

        onNamespacePolicies(1234, 0, 1, "{}");
        onNamespacePolicies(9, 0, 1, "{\"shard\":0}");

        assertTrue(request.awaitAnswer(0));
        assertEquals("{\"shard\":0}", request.answerText);
        onNamespacePolicies(9, 0, 1, "{\"shard\":0}");
        assertNoUnknownFramesOrErrors();
    }

    @Test
    void shouldFailOnAnErrorFromAnyShardAndIgnoreLaterAnswers() throws MagnetarClientException
    {
        final PendingRequest request = addRequest(10, true);

        onNamespacePolicies(10, 0, 2, "{\"shard\":0}");
        onError(10, ErrorCode.PERSISTENCE_ERROR, "shard 1 could not store the policies");
        onNamespacePolicies(10, 1, 2, "{\"shard\":1}");

        assertTrue(request.awaitAnswer(0));
        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, () -> request.checkError("set"));
        assertEquals(MagnetarClientException.ErrorCode.PERSISTENCE_ERROR, ex.errorCode());
        assertTrue(ex.getMessage().contains("shard 1 could not store the policies"), ex.getMessage());
        assertNoUnknownFramesOrErrors();
    }

    @Test
    void shouldFailOnAShardOutOfRange()
    {
        final PendingRequest request = addRequest(11, true);

        onNamespacePolicies(11, 2, 2, "{}");

        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, () -> request.awaitAnswer(0));
        assertTrue(ex.getMessage().contains("protocol error"), ex.getMessage());
    }

    @Test
    void shouldFailOnAChangingShardCount()
    {
        final PendingRequest request = addRequest(12, true);

        onNamespacePolicies(12, 0, 2, "{}");
        onNamespacePolicies(12, 1, 3, "{}");

        final MagnetarClientException ex = assertThrows(MagnetarClientException.class, () -> request.awaitAnswer(0));
        assertTrue(ex.getMessage().contains("protocol error"), ex.getMessage());
    }

    private PendingRequest addRequest(final long correlationId, final boolean isAnsweredByEveryShard)
    {
        final PendingRequest request =
            new PendingRequest(correlationId, EgressAdapter.NAMESPACE_POLICIES, isAnsweredByEveryShard);
        try
        {
            conductor.addRequest(request, DEADLINE_NS);
        }
        catch (final MagnetarClientException ex)
        {
            throw new AssertionError(ex);
        }
        return request;
    }

    private void onNamespacePolicies(
        final long correlationId, final int shard, final int shardCount, final String json)
    {
        final NamespacePoliciesEncoder encoder = new NamespacePoliciesEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .shard(shard)
            .shardCount(shardCount)
            .json(json);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void onError(final long correlationId, final ErrorCode code, final String message)
    {
        final ErrorEncoder encoder = new ErrorEncoder()
            .wrapAndApplyHeader(buffer, 0, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .message(message);
        adapter.onFragment(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), null);
    }

    private void assertNoUnknownFramesOrErrors()
    {
        assertEquals(0, adapter.unknownFrameCount());
        assertEquals(List.of(), errors);
    }
}
