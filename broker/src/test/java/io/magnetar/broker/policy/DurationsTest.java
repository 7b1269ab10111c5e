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
        assertEquals(500, Durations.toMillis("t", "500ms"));
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> Durations.toMillis("--message-ttl", "1x"));
        assertTrue(ex.getMessage().contains("--message-ttl"), ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Durations.toMillis("t", "h"));
    }
}
