package io.magnetar.client;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The session's states with and without a reconnector, without a broker.
 */
class SessionLivenessTest
{
    private final List<Throwable> errors = new ArrayList<>();
    private final SessionLiveness liveness =
        new SessionLiveness(errors::add, "magnetar://localhost:6650", TimeUnit.SECONDS.toNanos(2));

    @Test
    void shouldFailForGoodWithoutAReconnector()
    {
        liveness.onEstablished(null);
        liveness.onConnectionLost("gone");

        assertFalse(liveness.isConnected());
        assertFalse(liveness.isReconnecting());
        assertThrows(MagnetarClientException.ConnectionLostException.class, liveness::checkConnected);
        assertEquals(1, errors.size());
    }

    @Test
    void shouldStartTheReconnectorOnceAndHoldBackWhatIsNotRestoredYet() throws Exception
    {
        final AtomicInteger starts = new AtomicInteger();
        liveness.reconnector(starts::incrementAndGet);
        liveness.onEstablished(null);
        final long restoredBefore = liveness.reconnectEpoch();

        liveness.onConnectionLost("gone");
        liveness.onConnectionLost("gone again");
        assertEquals(1, starts.get(), "one loss, one reconnector");
        assertTrue(liveness.isReconnecting());
        assertFalse(liveness.isConnected());
        assertNull(liveness.connectionLoss(), "not a final loss");
        liveness.checkConnected();

        final long epoch = liveness.reconnectEpoch();
        assertEquals(restoredBefore + 1, epoch);
        assertTrue(liveness.isHeldBack(restoredBefore), "a producer not yet restored waits");
        assertFalse(liveness.isHeldBack(epoch), "one restored in this epoch sends while others are restored");
        assertTrue(liveness.isHeldBack(-1), "a request waits for the whole session");

        final boolean[] heldOnRestoringThread = new boolean[1];
        final Thread restorer = new Thread(() ->
        {
            liveness.onRestoreStarted();
            heldOnRestoringThread[0] = liveness.isHeldBack(-1);
            liveness.onReconnectAttempt();
            liveness.onEstablished(null);
            liveness.onRestored();
        });
        restorer.start();
        restorer.join(10_000);
        assertFalse(heldOnRestoringThread[0], "the restoring thread's own frames go out");

        assertTrue(liveness.isConnected());
        assertFalse(liveness.isHeldBack(restoredBefore));

        liveness.onConnectionLost("lost once more");
        assertEquals(2, starts.get(), "a later loss starts it again");
        assertTrue(liveness.isHeldBack(epoch), "restored in the previous epoch: held back in this one");
    }

    @Test
    void shouldMakeTheLossFinalWhenTheReconnectorGivesUp()
    {
        final AtomicInteger starts = new AtomicInteger();
        liveness.reconnector(starts::incrementAndGet);
        liveness.onEstablished(null);
        liveness.onConnectionLost("gone");
        liveness.onReconnectAbandoned("the client closed while reconnecting");

        assertFalse(liveness.isReconnecting());
        assertTrue(liveness.connectionLoss().contains("the client closed while reconnecting"));
        assertThrows(MagnetarClientException.ConnectionLostException.class, liveness::checkConnected);
    }
}
