package io.magnetar.client;

import io.magnetar.codecs.MessageEncoder;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessagesEncoder;
import io.magnetar.codecs.SendReceiptsEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The client's reading of the frames that gather many answers ({@code SendReceipts}, {@code Messages}, protocol 7):
 * whole ones are split, and malformed ones are counted and skipped, never read past their end.
 */
class GatheredFramesTest
{
    private static final int FRAMES_OFFSET =
        MessageHeaderEncoder.ENCODED_LENGTH + MessagesEncoder.BLOCK_LENGTH + MessagesEncoder.framesHeaderLength();

    private final List<Throwable> errors = new ArrayList<>();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[8192]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private EgressAdapter adapter;

    @BeforeEach
    void setUp()
    {
        final ClientConductor conductor = new ClientConductor(
            errors::add, new SessionLiveness(errors::add, "magnetar://localhost:6650", TimeUnit.SECONDS.toNanos(2)));
        adapter = new EgressAdapter(null, conductor);
    }

    @Test
    void shouldSplitAMessagesFrameIntoItsMessages()
    {
        final int length = messages(3);
        adapter.onFragment(buffer, 0, length, null);

        assertEquals(3, adapter.unroutedFrameCount(), "each message reached the routing (no consumer 5 here)");
        assertEquals(0, adapter.unknownFrameCount());
        assertEquals(0, errors.size(), errors.toString());
    }

    @Test
    void shouldSkipAMessagesFrameWhoseLengthsOverrunIt()
    {
        final int length = messages(2);
        buffer.putInt(FRAMES_OFFSET - MessagesEncoder.framesHeaderLength(), 0x7FFF_FFF0, ByteOrder.LITTLE_ENDIAN);
        adapter.onFragment(buffer, 0, length, null);
        assertEquals(1, adapter.unknownFrameCount(), "frames length past the frame's end");

        messages(2);
        buffer.putInt(FRAMES_OFFSET, 4000, ByteOrder.LITTLE_ENDIAN); // the first message's length
        adapter.onFragment(buffer, 0, length, null);
        assertEquals(2, adapter.unknownFrameCount(), "a message past the frame's end");
        assertEquals(0, adapter.unroutedFrameCount(), "nothing read from either");
        assertEquals(2, errors.size(), errors.toString());
    }

    @Test
    void shouldSkipASendReceiptsFrameShorterThanItsCount()
    {
        final SendReceiptsEncoder.ReceiptsEncoder receipts =
            new SendReceiptsEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder).receiptsCount(5);
        receipts.next().correlationId(1).producerId(1).messageId().shard(0).position(64);
        final int headerAndOne = MessageHeaderEncoder.ENCODED_LENGTH +
            SendReceiptsEncoder.ReceiptsEncoder.sbeHeaderSize() + SendReceiptsEncoder.ReceiptsEncoder.sbeBlockLength();

        adapter.onFragment(buffer, 0, headerAndOne, null);

        assertEquals(1, adapter.unknownFrameCount(), "five receipts counted, one there");
        assertEquals(1, errors.size(), errors.toString());
    }

    /**
     * Encode a {@code Messages} frame of {@code count} messages for consumer 5 at the start of the buffer.
     *
     * @return its length.
     */
    private int messages(final int count)
    {
        new MessagesEncoder().wrapAndApplyHeader(buffer, 0, headerEncoder);
        int offset = FRAMES_OFFSET;
        final MessageEncoder message = new MessageEncoder();
        final byte[] payload = "hello".getBytes();
        for (int i = 0; i < count; i++)
        {
            message.wrapAndApplyHeader(buffer, offset + 4, headerEncoder)
                .consumerId(5)
                .publishTime(1)
                .sequenceId(i)
                .redeliveryCount(0)
                .messageId().shard(0).position(64L * i);
            message.key("").putPayload(payload, 0, payload.length).putMetadata(new byte[0], 0, 0).producerName("");
            final int length = MessageHeaderEncoder.ENCODED_LENGTH + message.encodedLength();
            buffer.putInt(offset, length, ByteOrder.LITTLE_ENDIAN);
            offset += 4 + length;
        }
        buffer.putInt(FRAMES_OFFSET - MessagesEncoder.framesHeaderLength(), offset - FRAMES_OFFSET,
            ByteOrder.LITTLE_ENDIAN);

        return offset;
    }
}
