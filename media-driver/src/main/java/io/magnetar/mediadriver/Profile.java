package io.magnetar.mediadriver;

/**
 * Threading profiles for the media driver, the archive and the broker agents.
 * <p>
 * The rule on a small box: never more busy-spinning threads than cores.
 */
public enum Profile
{
    /**
     * Driver and archive each on one SHARED thread with a backoff idle strategy; the broker's agents on one thread
     * with a backoff idle strategy. Nothing spins for long. Used by tests, laptops and 2-core CI machines.
     */
    DEFAULT,

    /**
     * One hot thread runs the driver and the broker's agents: the driver runs in INVOKER mode and is invoked from the
     * broker's composite agent, which busy-spins. The archive has a thread of its own (SHARED, backoff): invoked from
     * the hot thread it stopped answering control requests under a full-rate load, and a sync would stall it.
     */
    LOW_LATENCY,

    /**
     * One thread runs the driver, the archive and the broker's agents, with the broker's settling backoff idle
     * strategy: the driver and the archive run in INVOKER mode and are invoked from the broker's composite agent,
     * so a message crosses no thread inside the broker. At {@code fsync} durability the archive keeps a thread of
     * its own, so its file syncs never stall the others.
     */
    ONE_THREAD;

    /**
     * Parse a profile name as written on a command line: {@code default}, {@code low-latency} or
     * {@code one-thread}.
     *
     * @param name of the profile.
     * @return the profile.
     * @throws IllegalArgumentException for an unknown name.
     */
    public static Profile parse(final String name)
    {
        final String normalised = name.trim().toLowerCase();
        switch (normalised)
        {
            case "default":
                return DEFAULT;
            case "low-latency":
            case "low_latency":
            case "lowlatency":
                return LOW_LATENCY;
            case "one-thread":
            case "one_thread":
                return ONE_THREAD;
            default:
                throw new IllegalArgumentException(
                    "unknown profile '" + name + "': expected default, low-latency or one-thread");
        }
    }

    /**
     * @return the name used on the command line.
     */
    public String cliName()
    {
        return this == DEFAULT ? "default" : this == LOW_LATENCY ? "low-latency" : "one-thread";
    }
}
