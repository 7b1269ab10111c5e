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

    private static final String PERSISTENT = "persistent";
    private static final String NON_PERSISTENT = "non-persistent";

    private final boolean persistent;
    private final String tenant;
    private final String namespace;
    /** The only per-topic string: a million topics hold a million names, not four million. */
    private final String fullName;

    private TopicName(final boolean persistent, final String tenant, final String namespace, final String fullName)
    {
        this.persistent = persistent;
        // few tenants and namespaces, many topics: share their strings
        this.tenant = tenant.intern();
        this.namespace = namespace.intern();
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
            if (name.indexOf('/') >= 0)
            {
                throw new IllegalArgumentException(
                    "invalid topic name '" + name + "': expected persistent://tenant/namespace/topic");
            }
            checkPart(name, name, "topic");
            return new TopicName(true, "public", "default", PERSISTENT + "://public/default/" + name);
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
        final String tenant = name.substring(tenantStart, namespaceStart - 1);
        final String namespace = name.substring(namespaceStart, localStart - 1);
        checkPart(name, tenant, "tenant");
        checkPart(name, namespace, "namespace");
        checkPart(name, name.substring(localStart), "topic");

        // the name is already in its full form: kept as it is
        return new TopicName(persistent, tenant, namespace, name);
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

    private static void checkPart(final String name, final String part, final String what)
    {
        if (part.isEmpty())
        {
            throw new IllegalArgumentException("invalid topic name '" + name + "': empty " + what);
        }
        if (!isValidPart(part))
        {
            throw new IllegalArgumentException("invalid topic name '" + name + "': " + what + " '" + part +
                "' may only contain letters, digits and _ . = : % -");
        }
    }

    private static boolean isValidPart(final String part)
    {
        for (int i = 0, length = part.length(); i < length; i++)
        {
            final char c = part.charAt(i);
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
}
