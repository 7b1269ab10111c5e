package io.magnetar.broker.policy;

import java.util.concurrent.TimeUnit;

/**
 * The one parser of durations that people write: broker system properties, {@code bin/magnetar standalone},
 * {@code namespaces} and {@code topics}. As in Pulsar's tools, a bare number is seconds ({@code 600}), and a number
 * may carry one unit: {@code s}, {@code m} (minutes), {@code h}, {@code d}, {@code w} or {@code y} (365 days), or
 * {@code ms} for milliseconds.
 */
public final class Durations
{
    /**
     * Value of a duration that is switched off or unlimited, written {@code -1}.
     */
    public static final long OFF = -1;

    private static final long MS_PER_YEAR = TimeUnit.DAYS.toMillis(365);
    private static final long MS_PER_WEEK = TimeUnit.DAYS.toMillis(7);

    private Durations()
    {
    }

    /**
     * Parse a duration that must not be negative.
     *
     * @param option the value belongs to, for the error message.
     * @param value  such as {@code 600} (seconds), {@code 30s}, {@code 10m}, {@code 2h}, {@code 1d} or {@code 1w}.
     * @return the duration in milliseconds.
     * @throws IllegalArgumentException naming the option if the value is not such a duration.
     */
    public static long toMillis(final String option, final String value)
    {
        return parse(option, value, "");
    }

    /**
     * Parse a duration where {@code -1} means off or unlimited (a TTL, a retention time).
     *
     * @param option the value belongs to, for the error message.
     * @param value  a duration as {@link #toMillis(String, String)} takes it, or {@code -1}.
     * @return the duration in milliseconds, or {@link #OFF} for {@code -1}.
     * @throws IllegalArgumentException naming the option if the value is neither a duration nor -1.
     */
    public static long toMillisOrOff(final String option, final String value)
    {
        if (null != value && "-1".equals(value.trim()))
        {
            return OFF;
        }

        return parse(option, value, ", or -1");
    }

    private static long parse(final String option, final String value, final String alternative)
    {
        final String trimmed = null == value ? "" : value.trim();
        final int length = trimmed.length();
        int digits = 0;
        while (digits < length && Character.isDigit(trimmed.charAt(digits)))
        {
            digits++;
        }
        if (0 == digits)
        {
            throw badDuration(option, value, alternative, null);
        }

        final long unitMs;
        switch (trimmed.substring(digits))
        {
            case "":
            case "s":
                unitMs = 1000;
                break;
            case "ms":
                unitMs = 1;
                break;
            case "m":
                unitMs = TimeUnit.MINUTES.toMillis(1);
                break;
            case "h":
                unitMs = TimeUnit.HOURS.toMillis(1);
                break;
            case "d":
                unitMs = TimeUnit.DAYS.toMillis(1);
                break;
            case "w":
                unitMs = MS_PER_WEEK;
                break;
            case "y":
                unitMs = MS_PER_YEAR;
                break;
            default:
                throw badDuration(option, value, alternative, null);
        }

        try
        {
            return Math.multiplyExact(Long.parseLong(trimmed.substring(0, digits)), unitMs);
        }
        catch (final NumberFormatException | ArithmeticException ex)
        {
            throw badDuration(option, value, alternative, ex);
        }
    }

    private static IllegalArgumentException badDuration(
        final String option, final String value, final String alternative, final Throwable cause)
    {
        return new IllegalArgumentException(option + ": bad duration '" + value +
            "': expected seconds, e.g. 600, a duration, e.g. 30s, 10m, 2h, 1d or 2w" + alternative, cause);
    }
}
