package io.magnetar.perf;

/**
 * A perf run could not be set up or failed; the message says why.
 */
public class PerfException extends Exception
{
    /**
     * @param message what went wrong.
     */
    public PerfException(final String message)
    {
        super(message);
    }

    /**
     * @param message what went wrong.
     * @param cause   of the failure.
     */
    public PerfException(final String message, final Throwable cause)
    {
        super(message, cause);
    }
}
