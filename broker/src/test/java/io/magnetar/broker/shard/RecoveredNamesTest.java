package io.magnetar.broker.shard;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class RecoveredNamesTest
{
    private final RecoveredNames names = new RecoveredNames();

    @Test
    void equalNamesShareOneStringAndOthersDecodeToTheirOwn()
    {
        final String first = names.name(utf8("idle-sub-0"));
        final String again = names.name(utf8("idle-sub-0"));
        final String other = names.name(utf8("idle-sub-1"));
        final String accented = names.name(utf8("caf\u00e9"));

        assertEquals("idle-sub-0", first);
        assertSame(first, again);
        assertEquals("idle-sub-1", other);
        assertNotSame(first, other);
        assertEquals("caf\u00e9", accented);
        assertEquals("", names.name(utf8("")));
    }

    private static UnsafeBuffer utf8(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
