package io.magnetar.tools;

import io.magnetar.broker.policy.Durations;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * {@code magnetar topics ...}: topic administration.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Topic administration.",
    subcommands = { TopicsCommand.Stats.class, TopicsCommand.PartitionedStats.class, TopicsCommand.ListTopics.class,
        TopicsCommand.CreateSubscription.class, TopicsCommand.ClearBacklog.class,
        PermissionCommands.GrantOnTopic.class, PermissionCommands.RevokeOnTopic.class, PermissionCommands.OfTopic.class,
        TopicsCommand.StatsInternal.class, TopicsCommand.ResetCursor.class,
        TopicsCommand.Unsubscribe.class, PartitionedTopicCommands.Create.class, PartitionedTopicCommands.Update.class,
        PartitionedTopicCommands.Get.class, PartitionedTopicCommands.StatsInternal.class })
final class TopicsCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    /**
     * Without a sub-command: say which are there and fail.
     *
     * @return exit code 2.
     */
    public Integer call()
    {
        return MagnetarTool.missingSubcommand(spec, "stats-internal TOPIC");
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
                System.out.println(client.admin().topics().statsInternal(topic).toJson());
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("stats-internal failed: " + ex.getMessage());
                return 1;
            }
        }
    }

    /**
     * {@code magnetar topics reset-cursor TOPIC -s SUB (-t 10m | --publish-time EPOCH_MS)}.
     */
    @Command(
        name = "reset-cursor",
        mixinStandardHelpOptions = true,
        description = "Move a subscription back (or forward) to the first message published at or after a time; " +
            "messages from there on are delivered again.")
    static final class ResetCursor implements Callable<Integer>
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
        String topic;

        @Option(names = { "-s", "--subscription" }, required = true, description = "Subscription name.")
        String subscription;

        @Option(names = { "-t", "--time" }, description = "How long ago: seconds (e.g. 600, as in Pulsar) or a " +
            "duration (30s, 10m, 2h, 1d, 2w).")
        String ago;

        @Option(names = "--publish-time", description = "Absolute publish time in epoch milliseconds.")
        Long publishTime;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            if ((null == ago) == (null == publishTime))
            {
                System.err.println("reset-cursor: give exactly one of -t/--time and --publish-time");
                return 2;
            }
            final long time;
            try
            {
                time = publishTime(System.currentTimeMillis());
            }
            catch (final IllegalArgumentException ex)
            {
                System.err.println("reset-cursor: " + ex.getMessage());
                return 2;
            }

            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                client.admin().topics().resetCursor(topic, subscription, time);
                System.out.println("reset subscription " + subscription + " on " + topic + " to publish time " + time);
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("reset-cursor failed: " + ex.getMessage());
                return 1;
            }
        }

        /**
         * @param nowMs the current time in epoch milliseconds.
         * @return the publish time to reset to: {@code --publish-time}, or now minus {@code -t}.
         * @throws IllegalArgumentException if {@code -t} is not a duration.
         */
        long publishTime(final long nowMs)
        {
            return null != publishTime ? publishTime : nowMs - Durations.toMillis("-t", ago);
        }
    }

    /**
     * {@code magnetar topics unsubscribe TOPIC -s SUB [-f]}, as {@code pulsar-admin topics unsubscribe}.
     */
    @Command(
        name = "unsubscribe",
        mixinStandardHelpOptions = true,
        description = "Delete a subscription (its cursor, and what it held back from retention); refused while " +
            "consumers are connected unless --force, which closes them.")
    static final class Unsubscribe implements Callable<Integer>
    {
        @Parameters(index = "0", description = "Topic, e.g. persistent://public/default/demo")
        String topic;

        @Option(names = { "-s", "--subscription" }, required = true, description = "Subscription name.")
        String subscription;

        @Option(names = { "-f", "--force" }, description = "Close the subscription's consumers first.")
        boolean force;

        @Mixin
        ClientOptions clientOptions;

        public Integer call()
        {
            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                client.admin().topics().deleteSubscription(topic, subscription, force);
                System.out.println("deleted subscription " + subscription + " on " + topic);
                return 0;
            }
            catch (final MagnetarClientException ex)
            {
                System.err.println("unsubscribe failed: " + ex.getMessage());
                return 1;
            }
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Print a topic's stats as JSON, as pulsar-admin topics stats: rates, counters, storage, " +
            "publishers, subscriptions and consumers (over the admin API).")
    static final class Stats implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        public Integer call()
        {
            return options.run("topics stats", (admin) -> admin.topics().getStats(topic));
        }
    }

    @Command(name = "partitioned-stats", mixinStandardHelpOptions = true,
        description = "Print a partitioned topic's stats summed over its partitions, as JSON (over the admin API).")
    static final class PartitionedStats implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Partitioned topic name.")
        String topic;

        @Option(names = "--per-partition", description = "Also print each partition's stats.")
        boolean perPartition;

        public Integer call()
        {
            return options.run("topics partitioned-stats",
                (admin) -> admin.topics().getPartitionedStats(topic, perPartition));
        }
    }

    @Command(name = "create-subscription", mixinStandardHelpOptions = true,
        description = "Create a durable subscription at the earliest or latest message (over the admin API).")
    static final class CreateSubscription implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Option(names = { "-s", "--subscription" }, required = true, description = "Subscription name.")
        String subscription;

        @Option(names = { "-m", "--messageId" }, description = "earliest or latest. Default: ${DEFAULT-VALUE}")
        String position = "latest";

        public Integer call()
        {
            if (!"earliest".equals(position) && !"latest".equals(position))
            {
                System.err.println("magnetar topics create-subscription: --messageId is earliest or latest");
                return 2;
            }
            return options.run("topics create-subscription", (admin) ->
            {
                admin.topics().createSubscription(topic, subscription, "earliest".equals(position));
                return null;
            });
        }
    }

    @Command(name = "clear-backlog", mixinStandardHelpOptions = true,
        description = "Skip every message a subscription holds back (over the admin API).")
    static final class ClearBacklog implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "TOPIC", description = "Topic name.")
        String topic;

        @Option(names = { "-s", "--subscription" }, required = true, description = "Subscription name.")
        String subscription;

        public Integer call()
        {
            return options.run("topics clear-backlog", (admin) ->
            {
                admin.topics().skipAllMessages(topic, subscription);
                return null;
            });
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
        description = "List a namespace's persistent topics, one per line (over the admin API).")
    static final class ListTopics implements Callable<Integer>
    {
        @Mixin
        AdminOptions options;

        @Parameters(index = "0", paramLabel = "NAMESPACE", description = "tenant/namespace.")
        String namespace;

        public Integer call()
        {
            return options.run("topics list", (admin) -> String.join("\n", admin.topics().getList(namespace)));
        }
    }
}
