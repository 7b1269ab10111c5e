package io.magnetar.perf;

/**
 * How clients reach the broker, and the raw Aeron baseline its relay.
 */
public enum Transport
{
    /**
     * UDP loopback; each side has its own media driver.
     */
    UDP("udp"),

    /**
     * Shared memory through one media driver.
     */
    IPC("ipc");

    private final String cliName;

    Transport(final String cliName)
    {
        this.cliName = cliName;
    }

    /**
     * @return the name used on the command line and in file names.
     */
    public String cliName()
    {
        return cliName;
    }

    /**
     * Parse a transport name as written on a command line.
     *
     * @param name {@code udp} or {@code ipc}.
     * @return the transport.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static Transport parse(final String name)
    {
        switch (name.trim().toLowerCase())
        {
            case "udp":
                return UDP;
            case "ipc":
                return IPC;
            default:
                throw new IllegalArgumentException("unknown transport '" + name + "': expected udp or ipc");
        }
    }
}
