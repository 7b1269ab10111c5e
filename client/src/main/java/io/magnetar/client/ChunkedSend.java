package io.magnetar.client;

/**
 * The slots of a chunked message's chunks in the {@link SendWindow}: each chunk has its own sequence id, and the
 * application's future completes once every chunk is stored, with the first chunk's message id, or fails with the
 * first chunk that fails. Used by the conductor only, after the chunks are offered.
 */
final class ChunkedSend extends PendingSend
{
    private final PendingSend message;
    private final int numChunks;
    private int storedChunks;
    private MessageId firstChunkId;

    /**
     * @param message   the application's future.
     * @param numChunks of the message.
     */
    ChunkedSend(final PendingSend message, final int numChunks)
    {
        this.message = message;
        this.numChunks = numChunks;
    }

    void onStored(final MessageId messageId)
    {
        if (null == firstChunkId)
        {
            firstChunkId = messageId;
        }
        if (++storedChunks == numChunks)
        {
            message.onStored(firstChunkId);
        }
    }

    void onFailed(final MagnetarClientException failure)
    {
        message.onFailed(failure);
    }
}
