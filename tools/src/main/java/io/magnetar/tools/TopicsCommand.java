package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/**
 * {@code magnetar topics ...}: topic administration.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Topic administration.",
    subcommands = { TopicsCommand.StatsInternal.class })
final class TopicsCommand implements Runnable
{
    public void run()
    {
        System.err.println("topics: give a sub-command, e.g. stats-internal TOPIC");
    }

    /**
     * {@code magnetar topics stats-internal TOPIC}.
     */
    @Command(
        name = "stats-internal",
        mixinStandardHelpOptions = true,
        description = "Print a topic's internal storage state as JSON: entries, positions, cursors, shard log.")
    static final class StatsInternal implements Callable<Integer>
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
        String topic;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                System.out.println(client.statsInternal(topic));
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("stats-internal failed: " + ex.getMessage());
                return 1;
            }
        }
    }
}
