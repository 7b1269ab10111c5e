package io.magnetar.perf;

/**
 * What a perf run measures.
 */
public enum Workload
{
    /**
     * Producers at a fixed rate; latency is the send receipt time minus the intended send time.
     */
    PRODUCE("produce"),

    /**
     * Consumers of existing topics on a running broker; rate and MB/s only.
     */
    CONSUME("consume"),

    /**
     * Producers at a fixed rate and consumers in the same process; latency is the consume time minus the intended
     * send time.
     */
    E2E("e2e"),

    /**
     * One message in flight: ping, a responder answers on pong; latency is the round trip.
     */
    PINGPONG("pingpong");

    private final String cliName;

    Workload(final String cliName)
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
     * @return true if the workload measures latency, false if only rate and MB/s.
     */
    public boolean measuresLatency()
    {
        return this != CONSUME;
    }
}
