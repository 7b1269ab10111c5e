package io.magnetar.client.admin;

/**
 * An admin call failed: the broker's HTTP status and reason when it refused ({@link #statusCode()}), or -1 when the
 * call did not reach it or got no answer in time.
 */
public class MagnetarAdminException extends Exception
{
    private static final long serialVersionUID = 1L;

    private final int statusCode;

    /**
     * @param statusCode HTTP status, or -1 if there was no answer.
     * @param message    the broker's reason, or what went wrong.
     * @param cause      the cause, or null.
     */
    public MagnetarAdminException(final int statusCode, final String message, final Throwable cause)
    {
        super(message, cause);
        this.statusCode = statusCode;
    }

    /**
     * @return the HTTP status the broker answered with (404 not found, 409 conflict, 412 invalid name, 400 bad
     * request, 401/403 refused), or -1 if there was no answer.
     */
    public int statusCode()
    {
        return statusCode;
    }
}
