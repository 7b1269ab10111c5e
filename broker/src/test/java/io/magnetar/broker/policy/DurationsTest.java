package io.magnetar.broker.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DurationsTest
{
    @Test
    void shouldParsePulsarStyleDurations()
    {
        assertEquals(30_000, Durations.toMillis("t", "30s"));
        assertEquals(600_000, Durations.toMillis("t", "10m"));
        assertEquals(7_200_000, Durations.toMillis("t", "2h"));
        assertEquals(86_400_000, Durations.toMillis("t", "1d"));
        assertEquals(1_209_600_000, Durations.toMillis("t", "2w"));
        assertEquals(31_536_000_000L, Durations.toMillis("t", "1y"));
        assertEquals(500, Durations.toMillis("t", "500ms"));
        assertEquals(0, Durations.toMillis("t", "0"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Durations.toMillis("--message-ttl", "1x"));
        assertTrue(ex.getMessage().startsWith("--message-ttl: bad duration"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.toMillis("t", "h"));
    }

    @Test
    void shouldReadABareNumberAsSecondsAsPulsarDoes()
    {
        assertEquals(600_000, Durations.toMillis("--message-ttl", "600"));
        assertEquals(600_000, Durations.toMillis("--message-ttl", " 600 "));
        assertEquals(1000, Durations.toMillisOrOff("--message-ttl", "1"));
    }

    @Test
    void shouldReadMinusOneAsOffOnlyWhereOffIsAllowed()
    {
        assertEquals(Durations.OFF, Durations.toMillisOrOff("--message-ttl", "-1"));
        assertThrows(IllegalArgumentException.class, () -> Durations.toMillis("-t", "-1"));
    }

    @Test
    void shouldRefuseWhatIsNotADuration()
    {
        for (final String bad : new String[]{ "", " ", "-2", "-5m", "+5", "1.5h", "ten", "10x", "5 m", "m5", "10us",
            "99999999999999999999", "9999999999999999y" })
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> Durations.toMillisOrOff("--ttl", bad), bad);
            assertTrue(ex.getMessage().startsWith("--ttl: bad duration '" + bad + "'"), ex.getMessage());
            assertTrue(ex.getMessage().endsWith("or -1"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Durations.toMillis("t", null));
    }
}
