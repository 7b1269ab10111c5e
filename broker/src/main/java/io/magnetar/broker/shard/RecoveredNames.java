package io.magnetar.broker.shard;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Subscription names met by recovery, one {@link String} per distinct name among the last few: a million
 * subscriptions mostly share a handful of names, and each would otherwise be decoded into a string of its own (the
 * largest cost of recovery, and of the heap after it, before this). Direct-mapped by a hash of the bytes; a name that
 * misses is decoded and replaces what its slot held.
 */
final class RecoveredNames
{
    private static final int SLOTS = 64;

    private final byte[][] bytes = new byte[SLOTS][];
    private final String[] names = new String[SLOTS];
    private final UnsafeBuffer view = new UnsafeBuffer(0, 0);

    /**
     * @return a buffer for a decoder to wrap a name with, then passed to {@link #name(DirectBuffer)}.
     */
    UnsafeBuffer view()
    {
        return view;
    }

    /**
     * @param name the UTF-8 bytes of a name, the whole buffer.
     * @return the name as a string, the same instance as for the last equal name if its slot still holds it.
     */
    String name(final DirectBuffer name)
    {
        final int length = name.capacity();
        int hash = length;
        for (int i = 0; i < length; i++)
        {
            hash = 31 * hash + name.getByte(i);
        }
        final int slot = (hash ^ (hash >>> 16)) & (SLOTS - 1);

        final byte[] cached = bytes[slot];
        if (null != cached && cached.length == length && equal(cached, name, length))
        {
            return names[slot];
        }

        final byte[] copy = new byte[length];
        name.getBytes(0, copy);
        final String decoded = new String(copy, StandardCharsets.UTF_8);
        bytes[slot] = copy;
        names[slot] = decoded;

        return decoded;
    }

    private static boolean equal(final byte[] cached, final DirectBuffer name, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (cached[i] != name.getByte(i))
            {
                return false;
            }
        }

        return true;
    }
}
