package io.magnetar.codecs.checks;

import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.MessageMetadataEncoder;
import io.magnetar.codecs.PingEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageMetadataCheckTest
{
    private final MessageMetadataCheck check = new MessageMetadataCheck();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256 * 1024]);

    @Test
    void takesNoMetadataAndWellFormedMetadata()
    {
        assertNull(check.check(buffer, 0, 0));
        assertNull(check.check(buffer, 16, encode(16, 3)));
    }

    @Test
    void refusesMetadataThatRunsPastItsLength()
    {
        final int length = encode(0, 3);
        final String refusal = check.check(buffer, 0, length - 1);
        assertTrue(refusal.contains("runs past"), refusal);

        // a property length that points far beyond the metadata
        final int firstKeyLength = MessageHeaderEncoder.ENCODED_LENGTH + MessageMetadataEncoder.BLOCK_LENGTH + 4;
        buffer.putInt(firstKeyLength, 100_000);
        assertTrue(check.check(buffer, 0, length).contains("runs past"));

        // lengths of 2^31 and more, which int arithmetic would turn negative or wrap back into range
        encode(0, 3);
        buffer.putInt(firstKeyLength, 0xFFFF_FFFC);
        assertTrue(check.check(buffer, 0, length).contains("runs past"));
        encode(0, 3);
        buffer.putInt(firstKeyLength + 4 + 2, 0x8000_0000); // the first value's length
        assertTrue(check.check(buffer, 0, length).contains("runs past"));
    }

    @Test
    void refusesOtherMessagesAndOversizedMetadata()
    {
        final PingEncoder ping = new PingEncoder().wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder());
        final String refusal = check.check(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + ping.encodedLength());
        assertTrue(refusal.contains("not a MessageMetadata message"), refusal);
        assertTrue(check.check(buffer, 0, 4).contains("shorter than its header"));
        assertTrue(check.check(buffer, 0, MessageMetadataCheck.MAX_LENGTH + 1).contains("exceeds the maximum"));
    }

    private int encode(final int offset, final int properties)
    {
        final MessageMetadataEncoder encoder = new MessageMetadataEncoder()
            .wrapAndApplyHeader(buffer, offset, new MessageHeaderEncoder())
            .eventTime(5);
        final MessageMetadataEncoder.PropertiesEncoder entries = encoder.propertiesCount(properties);
        for (int i = 0; i < properties; i++)
        {
            entries.next().key("k" + i).value("v" + i);
        }
        encoder.putOrderingKey(new byte[] { 1, 2, 3 }, 0, 3);
        encoder.replicatedFrom("");
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }
}
