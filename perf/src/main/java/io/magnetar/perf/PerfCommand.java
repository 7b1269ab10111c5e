package io.magnetar.perf;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code magnetar perf}: latency and throughput of the broker, measured with HdrHistogram and compared with a raw
 * Aeron floor in the same run.
 */
@Command(
    name = "perf",
    mixinStandardHelpOptions = true,
    version = "magnetar perf 0.1.0",
    description = {
        "Measure the broker: latency percentiles (HdrHistogram, corrected for coordinated omission at fixed " +
        "rates), rate and MB/s, with an optional raw Aeron baseline in the same run.",
        "Prints one line a second, then the aggregated figures; writes <name>.hgrm (us) and <name>.hlog (ns) to " +
        "--out-dir." },
    subcommands = {
        PerfCommand.Produce.class,
        PerfCommand.Consume.class,
        PerfCommand.E2e.class,
        PerfCommand.PingPong.class,
        PlotCommand.class,
        DelayedFootprintCommand.class,
        CommandLine.HelpCommand.class
    })
public final class PerfCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /**
     * Entry point of {@code bin/magnetar perf}, which loads this module (and JMH, xchart, PDF) only for this
     * command: run {@code perf} with its arguments and exit with its status.
     *
     * @param args command line, e.g. {@code e2e --baseline raw-aeron}.
     */
    public static void main(final String[] args)
    {
        System.exit(execute(args));
    }

    /**
     * Run {@code perf} with its arguments.
     *
     * @param args command line, e.g. {@code e2e --baseline raw-aeron}.
     * @return exit status: 0 on success, 1 if a run failed, 2 for bad options.
     */
    public static int execute(final String... args)
    {
        // named as bin/magnetar calls it, so usage reads "magnetar perf ..."
        return new CommandLine(new PerfCommand()).setCommandName("magnetar perf").execute(args);
    }

    /**
     * Without a sub-command, print usage.
     */
    public void run()
    {
        spec.commandLine().usage(System.out);
    }

    @Command(
        name = "produce",
        mixinStandardHelpOptions = true,
        description = "Producers at a fixed rate; latency = send receipt (stored by the broker) - intended send time.")
    static final class Produce extends WorkloadCommand
    {
        Produce()
        {
            super(Workload.PRODUCE);
        }
    }

    @Command(
        name = "consume",
        mixinStandardHelpOptions = true,
        description = "Consume existing topics of a running broker (-u), acknowledging every message; reports rate " +
            "and MB/s only (send times from another process are not comparable).")
    static final class Consume extends WorkloadCommand
    {
        Consume()
        {
            super(Workload.CONSUME);
        }
    }

    @Command(
        name = "e2e",
        mixinStandardHelpOptions = true,
        description = "Producers at a fixed rate and consumers in this process; latency = consume time - intended " +
            "send time (publish to consume).")
    static final class E2e extends WorkloadCommand
    {
        E2e()
        {
            super(Workload.E2E);
        }
    }

    @Command(
        name = "pingpong",
        mixinStandardHelpOptions = true,
        description = "One message in flight: ping on topic <prefix>-ping, a responder answers with the same payload " +
            "on <prefix>-pong; latency = round trip.")
    static final class PingPong extends WorkloadCommand
    {
        PingPong()
        {
            super(Workload.PINGPONG);
        }
    }
}
