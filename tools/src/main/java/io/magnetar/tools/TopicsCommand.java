package io.magnetar.tools;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import picocli.CommandLine.Command;
import org.agrona.SystemUtil;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code magnetar topics ...}: topic administration.
 */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Topic administration.",
    subcommands = { TopicsCommand.StatsInternal.class, TopicsCommand.ResetCursor.class })
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

        @Option(names = { "-t", "--time" }, description = "How long ago, e.g. 10m, 2h, 30s.")
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
                time = null != publishTime ? publishTime : System.currentTimeMillis() - agoMs(ago);
            }
            catch (final NumberFormatException ex)
            {
                System.err.println("reset-cursor: bad time '" + ago + "': expected e.g. 30s, 10m, 2h or 1d");
                return 2;
            }

            try (MagnetarClient client = clientOptions.connect("magnetar-admin"))
            {
                client.resetCursor(topic, subscription, time);
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
         * A time ago as Pulsar writes it: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or anything Agrona's
         * duration parser takes ({@code 500ms}).
         */
        static long agoMs(final String value)
        {
            final String trimmed = value.trim();
            final char unit = trimmed.isEmpty() ? ' ' : trimmed.charAt(trimmed.length() - 1);
            final String number = trimmed.substring(0, Math.max(0, trimmed.length() - 1));
            switch (unit)
            {
                case 'm':
                    return trimmed.endsWith("ms") ? msOf(trimmed) : TimeUnit.MINUTES.toMillis(Long.parseLong(number));
                case 'h':
                    return TimeUnit.HOURS.toMillis(Long.parseLong(number));
                case 'd':
                    return TimeUnit.DAYS.toMillis(Long.parseLong(number));
                default:
                    return msOf(trimmed);
            }
        }

        private static long msOf(final String value)
        {
            return TimeUnit.NANOSECONDS.toMillis(SystemUtil.parseDuration("-t", value));
        }
    }
}
