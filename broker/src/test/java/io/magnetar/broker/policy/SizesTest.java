package io.magnetar.broker.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SizesTest
{
    @Test
    void shouldParseBytesAndSuffixesInEitherCase()
    {
        assertEquals(4096, Sizes.toBytes("s", "4096"));
        assertEquals(0, Sizes.toBytes("s", "0"));
        assertEquals(512 * 1024, Sizes.toBytes("s", "512k"));
        assertEquals(512 * 1024, Sizes.toBytes("s", "512K"));
        assertEquals(10L * 1024 * 1024, Sizes.toBytes("s", "10m"));
        assertEquals(10L * 1024 * 1024, Sizes.toBytes("s", " 10M "));
        assertEquals(10L * 1024 * 1024 * 1024, Sizes.toBytes("s", "10g"));
        assertEquals(2L * 1024 * 1024 * 1024 * 1024, Sizes.toBytes("s", "2T"));
        assertEquals(1024L * 1024 * 1024 * 1024, Sizes.toBytes("s", "1t"));
    }

    @Test
    void shouldReadMinusOneAsUnlimitedOnlyWhereAllowed()
    {
        assertEquals(Sizes.UNLIMITED, Sizes.toBytesOrUnlimited("--size", "-1"));
        assertEquals(Sizes.UNLIMITED, Sizes.toBytesOrUnlimited("--size", " -1"));
        assertThrows(IllegalArgumentException.class, () -> Sizes.toBytes("--size", "-1"));
    }

    @Test
    void shouldRefuseWhatIsNotASize()
    {
        for (final String bad : new String[]{ "", "-2", "-10M", "+5", "10X", "ten", "M", "1.5g", "99999999999T" })
        {
            final IllegalArgumentException ex = assertThrows(
                IllegalArgumentException.class, () -> Sizes.toBytesOrUnlimited("--size", bad), bad);
            assertTrue(ex.getMessage().startsWith("--size: bad size '" + bad + "'"), ex.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> Sizes.toBytes("--size", null));
    }
}
