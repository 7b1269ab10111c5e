package io.magnetar.broker.policy;

/**
 * A parsed, validated topic name: {@code persistent://tenant/namespace/topic} or {@code non-persistent://...}.
 * A bare {@code topic} means {@code persistent://public/default/topic}, as in Pulsar.
 */
public final class TopicName
{
    /**
     * Longest topic name accepted, in characters.
     */
    public static final int MAX_LENGTH = 512;
    /** What the local name of a partition of a partitioned topic ends with, before its index. */
    public static final String PARTITION_SUFFIX = "-partition-";

    private static final String PERSISTENT = "persistent";
    private static final String NON_PERSISTENT = "non-persistent";

    /**
     * The tenant and namespace of the last name parsed, interned: topics come in runs of one namespace (recovery reads
     * a million in a row), and a run then costs no substring and no intern. Shared by every thread that parses: the
     * holder is immutable, so a thread sees an old pair or a new one, both right for what they hold.
     */
    private static volatile NamespaceParts lastNamespace = NamespaceParts.PUBLIC_DEFAULT;

    private final boolean persistent;
    private final String tenant;
    private final String namespace;
    /** The only per-topic string: a million topics hold a million names, not four million. */
    private final String fullName;

    private TopicName(final boolean persistent, final NamespaceParts parts, final String fullName)
    {
        this.persistent = persistent;
        // few tenants and namespaces, many topics: their strings are shared
        this.tenant = parts.tenant;
        this.namespace = parts.namespace;
        this.fullName = fullName;
    }

    /**
     * Parse and validate a topic name.
     *
     * @param name as given by a client.
     * @return the parsed name.
     * @throws IllegalArgumentException saying what is wrong with the name.
     */
    public static TopicName parse(final String name)
    {
        if (null == name || name.isEmpty())
        {
            throw new IllegalArgumentException("topic name is empty");
        }
        if (name.length() > MAX_LENGTH)
        {
            throw new IllegalArgumentException("topic name is longer than " + MAX_LENGTH + " characters");
        }

        final int schemeEnd = name.indexOf("://");
        if (schemeEnd < 0)
        {
            final int firstSlash = name.indexOf('/');
            if (firstSlash >= 0)
            {
                final int secondSlash = name.indexOf('/', firstSlash + 1);
                if (secondSlash < 0 || name.indexOf('/', secondSlash + 1) >= 0)
                {
                    throw new IllegalArgumentException("invalid topic name '" + name +
                        "': expected topic, tenant/namespace/topic or persistent://tenant/namespace/topic");
                }
                // Pulsar's short form: tenant/namespace/topic is a persistent topic
                return parse(PERSISTENT + "://" + name);
            }
            checkPart(name, 0, name.length(), "topic");
            return new TopicName(true, NamespaceParts.PUBLIC_DEFAULT, PERSISTENT + "://public/default/" + name);
        }

        final String scheme = name.substring(0, schemeEnd);
        final boolean persistent;
        if (PERSISTENT.equals(scheme))
        {
            persistent = true;
        }
        else if (NON_PERSISTENT.equals(scheme))
        {
            persistent = false;
        }
        else
        {
            throw new IllegalArgumentException(
                "invalid topic name '" + name + "': domain must be persistent or non-persistent, not '" + scheme + "'");
        }

        final int tenantStart = schemeEnd + 3;
        final int namespaceStart = name.indexOf('/', tenantStart) + 1;
        final int localStart = 0 == namespaceStart ? 0 : name.indexOf('/', namespaceStart) + 1;
        if (0 == localStart || name.indexOf('/', localStart) >= 0)
        {
            throw new IllegalArgumentException(
                "invalid topic name '" + name + "': expected " + scheme + "://tenant/namespace/topic");
        }
        checkPart(name, tenantStart, namespaceStart - 1, "tenant");
        checkPart(name, namespaceStart, localStart - 1, "namespace");
        checkPart(name, localStart, name.length(), "topic");

        // the name is already in its full form: kept as it is
        return new TopicName(persistent, namespaceParts(name, tenantStart, namespaceStart, localStart), name);
    }

    private static NamespaceParts namespaceParts(
        final String name, final int tenantStart, final int namespaceStart, final int localStart)
    {
        final NamespaceParts last = lastNamespace;
        final int tenantLength = namespaceStart - 1 - tenantStart;
        final int namespaceLength = localStart - 1 - namespaceStart;
        if (last.tenant.length() == tenantLength && last.namespace.length() == namespaceLength &&
            name.regionMatches(tenantStart, last.tenant, 0, tenantLength) &&
            name.regionMatches(namespaceStart, last.namespace, 0, namespaceLength))
        {
            return last;
        }

        final NamespaceParts parts = new NamespaceParts(
            name.substring(tenantStart, namespaceStart - 1).intern(),
            name.substring(namespaceStart, localStart - 1).intern());
        lastNamespace = parts;

        return parts;
    }

    /**
     * Check a namespace name as {@code tenant/namespace}.
     *
     * @param namespace to check.
     * @return null if valid, else why not.
     */
    public static String checkNamespace(final String namespace)
    {
        if (null == namespace || namespace.isEmpty())
        {
            return "namespace name is empty";
        }
        final String[] parts = namespace.split("/", -1);
        if (2 != parts.length)
        {
            return "invalid namespace '" + namespace + "': expected tenant/namespace";
        }
        for (int i = 0; i < 2; i++)
        {
            if (parts[i].isEmpty() || !isValidPart(parts[i]))
            {
                return "invalid namespace '" + namespace + "': " + (0 == i ? "tenant" : "namespace") + " '" +
                    parts[i] + "' must be non-empty and may only contain letters, digits and _ . = : % -";
            }
        }

        return null;
    }

    /**
     * Check the name of a tenant or a cluster: one part, as each part of a namespace.
     *
     * @param what the name is, e.g. "tenant", for the reason.
     * @param name to check.
     * @return null if valid, else why not.
     */
    public static String checkName(final String what, final String name)
    {
        if (null == name || name.isEmpty() || name.length() > MAX_LENGTH || !isValidPart(name))
        {
            return "invalid " + what + " '" + name + "': it must be 1 to " + MAX_LENGTH +
                " letters, digits and _ . = : % -";
        }

        return null;
    }

    private static void checkPart(final String name, final int start, final int end, final String what)
    {
        if (start >= end)
        {
            throw new IllegalArgumentException("invalid topic name '" + name + "': empty " + what);
        }
        if (!isValidPart(name, start, end))
        {
            throw new IllegalArgumentException("invalid topic name '" + name + "': " + what + " '" +
                name.substring(start, end) + "' may only contain letters, digits and _ . = : % -");
        }
    }

    private static boolean isValidPart(final String part)
    {
        return isValidPart(part, 0, part.length());
    }

    private static boolean isValidPart(final String text, final int start, final int end)
    {
        for (int i = start; i < end; i++)
        {
            final char c = text.charAt(i);
            final boolean valid = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                c == '_' || c == '.' || c == '=' || c == ':' || c == '%' || c == '-';
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    /**
     * @return true for a persistent topic.
     */
    public boolean isPersistent()
    {
        return persistent;
    }

    /**
     * @return the tenant.
     */
    public String tenant()
    {
        return tenant;
    }

    /**
     * @return the namespace within the tenant.
     */
    public String namespace()
    {
        return namespace;
    }

    /**
     * @return {@code tenant/namespace}.
     */
    public String namespaceName()
    {
        return tenant + "/" + namespace;
    }

    /**
     * @return the topic's own name within its namespace.
     */
    public String localName()
    {
        return fullName.substring(fullName.lastIndexOf('/') + 1);
    }

    /**
     * @return the full name of the partitioned topic this is a partition of, or null if it is not a partition.
     */
    public String partitionedTopicName()
    {
        return partitionIndex() < 0 ? null : fullName.substring(0, fullName.lastIndexOf(PARTITION_SUFFIX));
    }

    /**
     * @return N if the local name ends with {@code -partition-N} (a partition of a partitioned topic), else -1.
     */
    public int partitionIndex()
    {
        final String local = localName();
        final int at = local.lastIndexOf(PARTITION_SUFFIX);
        if (at < 0 || at + PARTITION_SUFFIX.length() == local.length())
        {
            return -1;
        }
        int index = 0;
        for (int i = at + PARTITION_SUFFIX.length(); i < local.length(); i++)
        {
            final char c = local.charAt(i);
            if (c < '0' || c > '9' || index > (Integer.MAX_VALUE - 9) / 10)
            {
                return -1;
            }
            index = index * 10 + (c - '0');
        }

        return index;
    }

    /**
     * @return the full name, e.g. {@code persistent://public/default/demo}.
     */
    public String toString()
    {
        return fullName;
    }

    /**
     * {@inheritDoc}
     */
    public boolean equals(final Object o)
    {
        return o instanceof TopicName && fullName.equals(((TopicName)o).fullName);
    }

    /**
     * {@inheritDoc}
     */
    public int hashCode()
    {
        return fullName.hashCode();
    }

    /**
     * A tenant and a namespace, interned.
     */
    private static final class NamespaceParts
    {
        static final NamespaceParts PUBLIC_DEFAULT = new NamespaceParts("public", "default");

        final String tenant;
        final String namespace;

        NamespaceParts(final String tenant, final String namespace)
        {
            this.tenant = tenant;
            this.namespace = namespace;
        }
    }
}
