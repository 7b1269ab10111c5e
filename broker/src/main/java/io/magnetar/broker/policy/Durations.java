package io.magnetar.broker.policy;

import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Durations as Pulsar's tools write them on a command line: {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d}, or
 * anything Agrona's duration parser takes ({@code 500ms}, {@code 100us}).
 */
public final class Durations
{
    private Durations()
    {
    }

    /**
     * @param option the value belongs to, for the error message.
     * @param value  such as {@code 10m}.
     * @return the duration in milliseconds.
     * @throws IllegalArgumentException naming the option if the value is not a duration.
     */
    public static long toMillis(final String option, final String value)
    {
        final String trimmed = value.trim();
        try
        {
            final char unit = trimmed.isEmpty() ? ' ' : trimmed.charAt(trimmed.length() - 1);
            final String number = trimmed.substring(0, Math.max(0, trimmed.length() - 1));
            switch (unit)
            {
                case 'm':
                    return trimmed.endsWith("ms") ?
                        agrona(option, trimmed) : TimeUnit.MINUTES.toMillis(Long.parseLong(number));
                case 'h':
                    return TimeUnit.HOURS.toMillis(Long.parseLong(number));
                case 'd':
                    return TimeUnit.DAYS.toMillis(Long.parseLong(number));
                default:
                    return agrona(option, trimmed);
            }
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(
                option + ": bad duration '" + value + "': expected e.g. 30s, 10m, 2h or 1d", ex);
        }
    }

    private static long agrona(final String option, final String value)
    {
        return TimeUnit.NANOSECONDS.toMillis(SystemUtil.parseDuration(option, value));
    }
}
