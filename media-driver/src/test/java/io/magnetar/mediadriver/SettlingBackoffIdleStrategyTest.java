package io.magnetar.mediadriver;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SettlingBackoffIdleStrategyTest
{
    @Test
    void spinsThenYieldsThenParksDoublingUpToTheLongestPark()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(2, 3, 3, 1, 8, 7, 1_000, 64);

        idle.idle(0);
        idle.idle(0);
        assertEquals(SettlingBackoffIdleStrategy.State.SPINNING, idle.state());
        idle.idle(0);
        idle.idle(0);
        idle.idle(0);
        assertEquals(SettlingBackoffIdleStrategy.State.YIELDING, idle.state());
        idle.idle(0); // parks 1
        assertEquals(SettlingBackoffIdleStrategy.State.PARKING, idle.state());
        assertEquals(2, idle.nextParkNs());
        idle.idle(0);
        idle.idle(0);
        assertEquals(8, idle.nextParkNs());
        idle.idle(0);
        assertEquals(8, idle.nextParkNs(), "not settled: parked 1 + 2 + 4 + 8 ns of 1,000");
    }

    @Test
    void settlesIntoLongerParksOnlyAfterTheQuietTime()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(0, 0, 0, 1, 8, 7, 40, 64);

        idle.idle(0); // parks 1
        idle.idle(0); // 2
        idle.idle(0); // 4
        idle.idle(0); // 8: 15 parked
        idle.idle(0); // 8: 23
        idle.idle(0); // 8: 31
        assertEquals(8, idle.nextParkNs(), "31 ns parked of 40: not settled");
        idle.idle(0); // 8: 39
        assertFalse(idle.isSettled());
        idle.idle(0); // 8: 47
        assertTrue(idle.isSettled());
        assertEquals(16, idle.nextParkNs());
        idle.idle(0);
        idle.idle(0);
        assertEquals(64, idle.nextParkNs(), "settled parks grow to their own limit");
        idle.idle(0);
        assertEquals(64, idle.nextParkNs());
    }

    @Test
    void isolatedWorkKeepsAThreadSettledAndGetsTheShortYieldPhase()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(0, 50, 2, 1, 8, 7, 40, 64);
        settle(idle);

        idle.idle(1); // a heartbeat
        assertEquals(2, idle.yieldLimit());
        idle.idle(0);
        idle.idle(0);
        assertEquals(SettlingBackoffIdleStrategy.State.YIELDING, idle.state());
        idle.idle(0); // parks 8
        assertEquals(SettlingBackoffIdleStrategy.State.PARKING, idle.state(), "parks after two yields");
        assertTrue(idle.isSettled(), "a heartbeat keeps the quiet time");
        assertEquals(16, idle.nextParkNs(), "parks start again at the longest and grow past it");

        idle.idle(1); // its reply, soon after
        assertEquals(2, idle.yieldLimit(), "the reply to a heartbeat is not traffic yet");
        idle.idle(0);
        idle.idle(0);
        idle.idle(0); // parks 8
        assertTrue(idle.isSettled(), "nor does it unsettle the thread");
    }

    @Test
    void threeWorksInARowBeforeTheLongestParkAreTrafficAndStartTheQuietTimeAfresh()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(0, 50, 2, 1, 8, 7, 40, 64);
        settle(idle);

        idle.idle(1);
        idle.idle(1);
        idle.idle(1);
        assertEquals(50, idle.yieldLimit(), "traffic");
        for (int i = 0; i < 50; i++)
        {
            idle.idle(0);
            assertEquals(SettlingBackoffIdleStrategy.State.YIELDING, idle.state());
        }
        idle.idle(0); // parks 1
        assertEquals(2, idle.nextParkNs(), "traffic parks from the first park");
        for (int i = 0; i < 5; i++)
        {
            idle.idle(0);
        }
        assertFalse(idle.isSettled(), "and must be quiet again before it settles");
        assertEquals(8, idle.nextParkNs());
    }

    @Test
    void workBeforeTheLongestParkKeepsATrafficThreadOnTheFullYieldPhase()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(0, 50, 2, 1, 8, 7, 40, 64);
        idle.idle(1);
        assertEquals(50, idle.yieldLimit(), "a new strategy starts as traffic");
        idle.idle(0);
        idle.idle(1);
        assertEquals(50, idle.yieldLimit());
    }

    @Test
    void neverSettlesWhenTheSettledParkIsTheLongestPark()
    {
        final SettlingBackoffIdleStrategy idle = new SettlingBackoffIdleStrategy(0, 0, 0, 1, 4, 7, 0, 4);
        for (int i = 0; i < 20; i++)
        {
            idle.idle(0);
        }
        assertEquals(4, idle.nextParkNs());
    }

    @Test
    void refusesPhasesThatDoNotGrow()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new SettlingBackoffIdleStrategy(1, 1, 1, 1_000, 1_000_000, 7, 0, 100_000));
        assertTrue(ex.getMessage().contains("settledMaxParkNs=100000"), ex.getMessage());
    }

    private static void settle(final SettlingBackoffIdleStrategy idle)
    {
        for (int i = 0; i < 1_000 && idle.nextParkNs() < 64; i++)
        {
            idle.idle(0);
        }
        assertTrue(idle.isSettled());
    }
}
