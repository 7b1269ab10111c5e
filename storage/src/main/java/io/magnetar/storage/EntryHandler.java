package io.magnetar.storage;

import org.agrona.DirectBuffer;

/**
 * Receives one record read from a recorded log.
 */
@FunctionalInterface
public interface EntryHandler
{
    /**
     * @param buffer       holding the record; valid only during the call.
     * @param offset       of the record in the buffer.
     * @param length       of the record.
     * @param position     of the record's first frame in its log: its id.
     * @param nextPosition of the record that follows it.
     */
    void onEntry(DirectBuffer buffer, int offset, int length, long position, long nextPosition);
}
