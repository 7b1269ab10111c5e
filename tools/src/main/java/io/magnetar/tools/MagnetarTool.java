package io.magnetar.tools;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code bin/magnetar}: one sub-command per job.
 */
@Command(
    name = "magnetar",
    mixinStandardHelpOptions = true,
    version = "magnetar 0.1.0",
    description = "Pulsar-featured messaging on Aeron, Agrona and SBE.",
    footer = {
        "",
        "  perf        Measure the broker's latency and throughput: bin/magnetar perf",
        "                --help (loaded from the perf module only for this command)." },
    subcommands = {
        StandaloneCommand.class,
        DriverCommand.class,
        ProduceCommand.class,
        ConsumeCommand.class,
        ReadCommand.class,
        TopicsCommand.class,
        NamespacesCommand.class,
        TenantsCommand.class,
        ClustersCommand.class,
        ErrorsCommand.class,
        StatCommand.class,
        HealthCommand.class,
        TokensCommand.class,
        CommandLine.HelpCommand.class
    })
public final class MagnetarTool implements Runnable
{
    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    /**
     * Run a sub-command and exit with its status.
     *
     * @param args command line.
     */
    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    /**
     * @return the command line of every sub-command; a bad option prints one line naming it, not the usage.
     */
    static CommandLine commandLine()
    {
        return new CommandLine(new MagnetarTool()).setParameterExceptionHandler((ex, args) ->
        {
            final CommandLine command = ex.getCommandLine();
            command.getErr().println("magnetar " + command.getCommandName() + ": " + ex.getMessage() +
                " (see magnetar " + command.getCommandName() + " --help)");
            return command.getCommandSpec().exitCodeOnInvalidInput();
        });
    }

    /**
     * A command of sub-commands run without one: say which are there, on stderr, and fail.
     *
     * @param spec    of the command.
     * @param example of a sub-command to give, e.g. {@code stats-internal TOPIC}.
     * @return exit code 2.
     */
    static int missingSubcommand(final CommandLine.Model.CommandSpec spec, final String example)
    {
        System.err.println(spec.name() + ": give a sub-command, e.g. " + example);
        spec.commandLine().usage(System.err);
        return 2;
    }

    /**
     * Without a sub-command, print usage.
     */
    public void run()
    {
        spec.commandLine().usage(System.out);
    }
}
