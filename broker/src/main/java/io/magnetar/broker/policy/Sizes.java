package io.magnetar.broker.policy;

import org.agrona.SystemUtil;

/**
 * The one parser of sizes that people write: broker system properties, {@code bin/magnetar standalone} and
 * {@code namespaces}. Agrona's {@link SystemUtil#parseSize(String, String)} reads bytes, or a number with a suffix
 * {@code k}, {@code m} or {@code g} (powers of 1024, either case); this adds {@code t} as Pulsar's tools take it,
 * and {@code -1} for unlimited where a limit may be off.
 */
public final class Sizes
{
    /**
     * Value of a size limit that is off, written {@code -1}.
     */
    public static final long UNLIMITED = -1;

    private Sizes()
    {
    }

    /**
     * Parse a size that must not be negative.
     *
     * @param option the value belongs to, for the error message.
     * @param value  such as {@code 4096}, {@code 512K}, {@code 10M}, {@code 2G} or {@code 1T}.
     * @return the size in bytes.
     * @throws IllegalArgumentException naming the option if the value is not such a size.
     */
    public static long toBytes(final String option, final String value)
    {
        return parse(option, value, "");
    }

    /**
     * Parse a size where {@code -1} means unlimited (a retention size, a backlog quota).
     *
     * @param option the value belongs to, for the error message.
     * @param value  a size as {@link #toBytes(String, String)} takes it, or {@code -1}.
     * @return the size in bytes, or {@link #UNLIMITED} for {@code -1}.
     * @throws IllegalArgumentException naming the option if the value is neither a size nor -1.
     */
    public static long toBytesOrUnlimited(final String option, final String value)
    {
        if (null != value && "-1".equals(value.trim()))
        {
            return UNLIMITED;
        }

        return parse(option, value, ", or -1");
    }

    private static long parse(final String option, final String value, final String alternative)
    {
        final String trimmed = null == value ? "" : value.trim();
        try
        {
            if (trimmed.isEmpty() || !Character.isDigit(trimmed.charAt(0)))
            {
                throw new NumberFormatException("not a positive number");
            }

            final char unit = trimmed.charAt(trimmed.length() - 1);
            if ('t' == unit || 'T' == unit)
            {
                return Math.multiplyExact(
                    SystemUtil.parseSize(option, trimmed.substring(0, trimmed.length() - 1) + "g"), 1024L);
            }

            return SystemUtil.parseSize(option, trimmed);
        }
        catch (final RuntimeException ex)
        {
            throw new IllegalArgumentException(option + ": bad size '" + value +
                "': expected bytes, e.g. 4096, or a size, e.g. 512K, 10M, 2G or 1T" + alternative, ex);
        }
    }
}
