package io.magnetar.broker;

/**
 * A broker was asked to start on a data directory with another shard count than the directory was created with:
 * topics are routed by the shard count, so every stored topic would be looked for on the wrong shard. The message
 * names both counts and the directory; there is no stack trace, as there is no bug to find.
 */
public final class ShardCountMismatchException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message naming both shard counts and the data directory.
     */
    public ShardCountMismatchException(final String message)
    {
        super(message, null, false, false);
    }
}
