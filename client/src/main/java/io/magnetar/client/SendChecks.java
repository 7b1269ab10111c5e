package io.magnetar.client;

import org.agrona.DirectBuffer;

/**
 * Checks of a message before it is sent, with the error the application gets: sizes of the payload and the key
 * against the broker's limits.
 */
final class SendChecks
{
    private static final int MAX_KEY_CHARS_ALWAYS_FIT = Protocol.MAX_KEY_LENGTH / 3;

    private SendChecks()
    {
    }

    /**
     * Check a message of the Pulsar-shaped API.
     *
     * @param key            of the message, or null.
     * @param payload        of the message.
     * @param maxMessageSize of the broker.
     * @return why the message cannot be sent, or null.
     */
    static MagnetarClientException checkSend(final String key, final byte[] payload, final int maxMessageSize)
    {
        if (null == payload)
        {
            return new MagnetarClientException("payload is null");
        }
        if (payload.length > maxMessageSize)
        {
            return new MagnetarClientException("payload of " + payload.length + " bytes is larger than the broker's " +
                "maximum message size of " + maxMessageSize + " bytes");
        }
        if (null != key && key.length() > MAX_KEY_CHARS_ALWAYS_FIT)
        {
            final int keyLength = utf8Length(key);
            if (keyLength > Protocol.MAX_KEY_LENGTH)
            {
                return new MagnetarClientException(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, "key of " +
                    keyLength + " bytes (UTF-8) is longer than the broker's limit of " + Protocol.MAX_KEY_LENGTH +
                    " bytes");
            }
        }

        return null;
    }

    /**
     * Check a message of the Aeron-shaped API.
     *
     * @param keyBuffer      holding the key, or null.
     * @param keyLength      of the key.
     * @param buffer         holding the payload.
     * @param length         of the payload.
     * @param maxMessageSize of the broker.
     * @throws MagnetarClientException why the message cannot be sent.
     */
    static void checkOffer(
        final DirectBuffer keyBuffer,
        final int keyLength,
        final DirectBuffer buffer,
        final int length,
        final int maxMessageSize) throws MagnetarClientException
    {
        if (null == buffer)
        {
            throw new MagnetarClientException("payload buffer is null");
        }
        if (length < 0 || keyLength < 0)
        {
            throw new MagnetarClientException("negative length: payload " + length + ", key " + keyLength);
        }
        if (length > maxMessageSize)
        {
            throw new MagnetarClientException("payload of " + length + " bytes is larger than the broker's " +
                "maximum message size of " + maxMessageSize + " bytes");
        }
        if (keyLength > 0 && null == keyBuffer)
        {
            throw new MagnetarClientException("key buffer is null but the key length is " + keyLength);
        }
        if (keyLength > Protocol.MAX_KEY_LENGTH)
        {
            throw new MagnetarClientException(MagnetarClientException.ErrorCode.MESSAGE_TOO_LARGE, "key of " +
                keyLength + " bytes is longer than the broker's limit of " + Protocol.MAX_KEY_LENGTH + " bytes");
        }
    }

    /**
     * Length of a string in UTF-8, as {@link String#getBytes(java.nio.charset.Charset)} encodes it: an unpaired
     * surrogate becomes one replacement byte.
     *
     * @param value to measure.
     * @return number of bytes.
     */
    static int utf8Length(final String value)
    {
        final int length = value.length();
        int bytes = 0;
        for (int i = 0; i < length; i++)
        {
            final char c = value.charAt(i);
            if (c < 0x80)
            {
                bytes++;
            }
            else if (c < 0x800)
            {
                bytes += 2;
            }
            else if (Character.isHighSurrogate(c) && i + 1 < length && Character.isLowSurrogate(value.charAt(i + 1)))
            {
                bytes += 4;
                i++;
            }
            else if (Character.isSurrogate(c))
            {
                bytes++;
            }
            else
            {
                bytes += 3;
            }
        }

        return bytes;
    }

}
