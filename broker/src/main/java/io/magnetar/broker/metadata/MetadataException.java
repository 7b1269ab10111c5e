package io.magnetar.broker.metadata;

/**
 * A metadata change was refused: what it named does not exist, exists already, is still in use, or is not valid.
 * Nothing was changed.
 */
public final class MetadataException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * Why a change was refused; the admin API answers each with its own HTTP status, as Pulsar does.
     */
    public enum Reason
    {
        /** A tenant, cluster or namespace named does not exist (HTTP 404). */
        NOT_FOUND,
        /** What a create names exists already (HTTP 409). */
        ALREADY_EXISTS,
        /** A delete of something still in use: a tenant with namespaces, a cluster a tenant allows (HTTP 409). */
        NOT_EMPTY,
        /** A name or value is not valid (HTTP 400, or 412 where Pulsar answers so). */
        INVALID
    }

    private final Reason reason;

    /**
     * @param reason  why it was refused.
     * @param message readable reason.
     */
    public MetadataException(final Reason reason, final String message)
    {
        super(message);
        this.reason = reason;
    }

    /**
     * @return why it was refused.
     */
    public Reason reason()
    {
        return reason;
    }
}
