package io.magnetar.admin;

/**
 * A request the admin API refuses: the HTTP status and the reason, answered as Pulsar does, {@code {"reason": ...}}.
 */
public final class RestException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    private final int status;

    /**
     * @param status HTTP status, 4xx or 5xx.
     * @param reason readable reason.
     */
    public RestException(final int status, final String reason)
    {
        super(reason);
        this.status = status;
    }

    /**
     * @return the HTTP status.
     */
    public int status()
    {
        return status;
    }

    /**
     * @param reason readable reason.
     * @return a 400 Bad Request.
     */
    public static RestException badRequest(final String reason)
    {
        return new RestException(400, reason);
    }

    /**
     * @param reason readable reason.
     * @return a 404 Not Found.
     */
    public static RestException notFound(final String reason)
    {
        return new RestException(404, reason);
    }
}
