package io.magnetar.perf;

import io.aeron.exceptions.ConfigurationException;

/**
 * Settings of the fairness workload: a second client in the same process sends a burst of messages, as fast as its
 * producer's flow limits allow, to a topic of its own while the paced producers run; the paced client's latency
 * before the burst and during it are reported side by side.
 */
public final class BurstConfig
{
    /**
     * Most messages in one burst.
     */
    public static final int MAX_MESSAGES = 100_000_000;

    private int messages;

    /**
     * Validate the settings against the run's.
     *
     * @param config of the run.
     * @return this for a fluent API.
     * @throws ConfigurationException naming the setting that is wrong.
     */
    public BurstConfig conclude(final PerfConfig config)
    {
        if (messages < 0 || messages > MAX_MESSAGES)
        {
            throw new ConfigurationException("--burst must be 0.." + MAX_MESSAGES + ": " + messages);
        }
        if (messages > 0 && (config.workload() != Workload.E2E || config.rate() <= 0 || config.messages() > 0))
        {
            throw new ConfigurationException(
                "--burst needs the e2e workload at a fixed rate (-r) over a duration (-d), not -n");
        }

        return this;
    }

    /**
     * @param messages in the burst; 0 for none.
     * @return this for a fluent API.
     */
    public BurstConfig messages(final int messages)
    {
        this.messages = messages;
        return this;
    }

    /**
     * @return messages in the burst; 0 for none.
     */
    public int messages()
    {
        return messages;
    }
}
