package io.magnetar.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendWindowTest
{
    private static final long TIMEOUT_NS = 1_000_000_000L;

    private final List<String> outcomes = new ArrayList<>();
    private final List<Throwable> errors = new ArrayList<>();
    private final SendReceiptHandler handler = new SendReceiptHandler()
    {
        public void onReceipt(final long sequenceId, final int shard, final long position)
        {
            outcomes.add("receipt " + sequenceId + "@" + shard + ":" + position);
        }

        public void onFailure(final long sequenceId, final MagnetarClientException failure)
        {
            outcomes.add("failure " + sequenceId + " " + failure.getClass().getSimpleName());
        }
    };

    private final MemoryLimit memoryLimit = new MemoryLimit(1000);

    @Test
    void shouldGiveBackTheMemoryOfEachSendWhenItCompletesWhicheverWay()
    {
        final SendWindow window = window(8, 0, null);
        assertTrue(memoryLimit.tryReserve(400));
        window.prepare(0, 100, null, 400);
        window.onOffered(0);
        assertTrue(memoryLimit.tryReserve(400));
        window.prepare(1, 100, null, 400);
        window.onOffered(1);
        assertTrue(memoryLimit.tryReserve(100));
        window.prepare(2, 300, null, 100);
        window.onOffered(2);
        assertFalse(memoryLimit.tryReserve(101), "1,000 bytes taken");
        assertTrue(memoryLimit.tryReserve(100));
        window.prepare(3, 400, null, 100);
        window.unprepare(3); // an offer that found no room gives its bytes back
        assertEquals(900, memoryLimit.reservedBytes());

        window.onReceipt(0, 0, 10);
        assertEquals(500, memoryLimit.reservedBytes(), "a receipt gives back");
        window.onError(1, MagnetarClientException.ErrorCode.PERSISTENCE_ERROR, "disk full");
        assertEquals(100, memoryLimit.reservedBytes(), "a refusal gives back");
        window.onTimeoutCheck(300);
        assertEquals(0, memoryLimit.reservedBytes(), "a timeout gives back");

        assertTrue(memoryLimit.tryReserve(5000), "one send larger than the limit passes when nothing is taken");
        assertFalse(memoryLimit.tryReserve(1));
    }

    private SendWindow window(final int maxPending, final long firstSequenceId, final SendReceiptHandler handler)
    {
        return new SendWindow("t", maxPending, firstSequenceId, firstSequenceId - 1, handler, errors::add,
            TIMEOUT_NS, memoryLimit);
    }

    private static void offer(final SendWindow window, final long sequenceId, final long deadlineNs,
        final PendingSend future)
    {
        window.prepare(sequenceId, deadlineNs, future, 0);
        window.onOffered(sequenceId);
    }

    @Test
    void shouldBoundOutstandingSendsByMaxPendingNotByRingLength()
    {
        final SendWindow window = window(3, 0, handler); // ring of 4
        assertTrue(window.hasRoom(0));
        offer(window, 0, 100, null);
        offer(window, 1, 100, null);
        offer(window, 2, 100, null);
        assertFalse(window.hasRoom(3));
        assertFalse(window.hasRoomForNext());

        window.onReceipt(0, 1, 64);
        assertTrue(window.hasRoom(3));
        assertEquals(List.of("receipt 0@1:64"), outcomes);
        assertEquals(0, window.lastStoredSequenceId());
    }

    @Test
    void shouldCompleteFuturesAndHandOffersToTheHandlerInOrder() throws Exception
    {
        final SendWindow window = window(8, 10, handler);
        final PendingSend future = new PendingSend();
        offer(window, 10, 100, null);
        offer(window, 11, 100, future);
        offer(window, 12, 100, null);

        window.onReceipt(10, 0, 1);
        window.onReceipt(11, 0, 2);
        window.onReceipt(12, 0, 3);

        assertEquals(new MessageId(0, 2), future.get());
        assertEquals(List.of("receipt 10@0:1", "receipt 12@0:3"), outcomes);
        assertEquals(12, window.lastCompletedSequenceId());
        assertEquals(12, window.lastStoredSequenceId());
        assertTrue(errors.isEmpty());
    }

    @Test
    void shouldAcceptAReceiptThatOvertakesThePublicationOfItsOffer()
    {
        final SendWindow window = window(4, 0, handler);
        window.prepare(0, 100, null, 0); // offered, but the sender has not published it yet
        window.onReceipt(0, 0, 7);
        window.onOffered(0);

        assertEquals(List.of("receipt 0@0:7"), outcomes);
        assertEquals(0, window.onTimeoutCheck(Long.MAX_VALUE));
    }

    @Test
    void shouldFailSkippedSequencesAndIgnoreLateAndUnknownReceipts()
    {
        final SendWindow window = window(4, 0, handler);
        offer(window, 0, 100, null);
        offer(window, 1, 100, null);
        offer(window, 2, 100, null);

        window.onReceipt(2, 0, 9); // the broker answered 2 first: 0 and 1 will never be answered
        window.onReceipt(1, 0, 8); // late: ignored
        window.onReceipt(40, 0, 8); // never sent
        assertEquals(List.of("failure 0 MagnetarClientException", "failure 1 MagnetarClientException",
            "receipt 2@0:9"), outcomes);
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).getMessage().contains("never sent"), errors.get(0).getMessage());
    }

    @Test
    void shouldTimeOutOldestFirstAndFailTheRestWhenTheSessionIsLost()
    {
        final SendWindow window = window(4, 0, handler);
        final PendingSend future = new PendingSend();
        offer(window, 0, 100, null);
        offer(window, 1, 200, future);
        offer(window, 2, 300, null);

        assertEquals(0, window.onTimeoutCheck(99));
        assertEquals(2, window.onTimeoutCheck(200));
        final ExecutionException timedOut = assertThrows(ExecutionException.class, future::get);
        assertInstanceOf(MagnetarClientException.TimeoutException.class, timedOut.getCause());

        assertEquals(1, window.failAll("gone", true));
        assertEquals(0, window.failAll("gone", true));
        assertEquals(List.of("failure 0 TimeoutException", "failure 2 ConnectionLostException"), outcomes);
        assertTrue(window.hasRoom(6));
    }

    @Test
    void shouldReportFailedOffersToTheErrorHandlerWithoutAReceiptHandler()
    {
        final SendWindow window = window(4, 0, null);
        offer(window, 0, 100, null);
        offer(window, 1, 100, null);
        window.onReceipt(0, 0, 1);
        window.onError(1, MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, "too big");

        assertEquals(1, errors.size());
        assertEquals(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE,
            ((MagnetarClientException)errors.get(0)).errorCode());
        assertEquals(0, window.lastStoredSequenceId());
    }

    @Test
    void shouldKeepCompletingWhenTheHandlerThrows()
    {
        final SendWindow window = new SendWindow("t", 4, 0, -1, new SendReceiptHandler()
        {
            public void onReceipt(final long sequenceId, final int shard, final long position)
            {
                throw new IllegalStateException("handler bug");
            }

            public void onFailure(final long sequenceId, final MagnetarClientException failure)
            {
            }
        }, errors::add, TIMEOUT_NS, memoryLimit);
        offer(window, 0, 100, null);
        window.onReceipt(0, 0, 1);

        assertEquals(0, window.lastCompletedSequenceId());
        assertEquals(1, errors.size());
    }

    @Test
    void shouldCompleteEveryMessageOfABatchWithItsIndexOnTheBatchReceipt() throws Exception
    {
        final SendWindow window = window(8, 0, handler);
        final PendingSend first = new PendingSend();
        final PendingSend third = new PendingSend();
        window.prepare(0, 100, first, 0, 0);
        window.onOffered(0);
        window.prepare(1, 100, null, 0, 0);
        window.onOffered(1);
        window.prepare(2, 100, third, 0, 0);
        window.onOffered(2);
        offer(window, 3, 100, null); // an entry of its own after the batch

        window.onReceipt(2, 0, 640); // the batch's entry answers for its last sequence
        assertEquals(new MessageId(0, 640, 0, 3), first.get());
        assertEquals(new MessageId(0, 640, 2, 3), third.get());
        assertEquals(3, third.get().batchSize());
        assertEquals(List.of("receipt 1@0:640"), outcomes);
        assertEquals(2, window.lastCompletedSequenceId());

        window.onReceipt(3, 0, 900);
        assertEquals(List.of("receipt 1@0:640", "receipt 3@0:900"), outcomes);
        assertTrue(errors.isEmpty());
    }

    @Test
    void shouldFailEveryMessageOfARefusedBatchAndOnlyThoseNotTimedOutYet()
    {
        final SendWindow window = window(8, 0, handler);
        window.prepare(0, 50, null, 0, 0);
        window.onOffered(0);
        window.prepare(1, 100, null, 0, 0);
        window.onOffered(1);
        window.prepare(2, 100, null, 0, 0);
        window.onOffered(2);

        assertEquals(1, window.onTimeoutCheck(60)); // the batch's first message timed out on its own
        window.onError(2, MagnetarClientException.ErrorCode.PERSISTENCE_ERROR, "disk full");
        assertEquals(List.of("failure 0 TimeoutException", "failure 1 MagnetarClientException",
            "failure 2 MagnetarClientException"), outcomes);
        assertEquals(2, window.lastCompletedSequenceId());
    }
}
