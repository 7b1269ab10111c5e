package io.magnetar.storage;

/**
 * A storage failure that names the log and the position where it was found: corrupt or unreadable data is
 * reported, never skipped silently.
 */
public class StorageException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * @param message saying what is wrong and where.
     */
    public StorageException(final String message)
    {
        super(message);
    }

    /**
     * @param message saying what is wrong and where.
     * @param cause   of the failure.
     */
    public StorageException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
