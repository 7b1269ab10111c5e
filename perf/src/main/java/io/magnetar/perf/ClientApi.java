package io.magnetar.perf;

/**
 * Which shape of the client API the broker run's workers use.
 */
public enum ClientApi
{
    /**
     * {@code sendAsync} with a future, {@code receive} of a {@code Message}: Pulsar's shape.
     */
    PULSAR("pulsar"),

    /**
     * {@code offer} from a buffer with receipts to a handler, {@code poll} with a flyweight: Aeron's shape, which
     * allocates nothing per message.
     */
    AERON("aeron");

    private final String cliName;

    ClientApi(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the name used on the command line and in the summary.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * Parse an API name as written on a command line.
     *
     * @param name {@code pulsar} or {@code aeron}.
     * @return the API.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static ClientApi parse(final String name)
    {
        switch (name.trim().toLowerCase())
        {
            case "pulsar":
                return PULSAR;
            case "aeron":
                return AERON;
            default:
                throw new IllegalArgumentException("unknown client API '" + name + "': expected pulsar or aeron");
        }
    }
}
