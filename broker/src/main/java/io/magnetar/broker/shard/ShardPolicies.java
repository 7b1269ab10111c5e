package io.magnetar.broker.shard;

import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Set;

/**
 * The namespace policies a shard holds: one {@link NamespacePolicies} per namespace it has seen, shared by every
 * topic of that namespace on the shard, and a summary of which periodic checks any namespace needs.
 */
final class ShardPolicies
{
    private final long[] defaults;
    private final HashMap<String, NamespacePolicies> byNamespace = new HashMap<>();
    private final long[] scratch = new long[NamespacePolicies.FIELD_COUNT];
    private NamespacePolicies last;
    private String lastTenant;
    private String lastNamespace;
    private boolean anyMessageTtl;
    private boolean anyBacklogEviction;
    private boolean anyFiniteRetention;
    private boolean anyFsync;
    private long changes;

    /**
     * @param defaults the broker's value of every policy field.
     */
    ShardPolicies(final long[] defaults)
    {
        this.defaults = defaults;
        refreshSummary();
    }

    /**
     * @return the policies of a topic's namespace; consecutive topics of one namespace (as in recovery) need no
     * lookup.
     */
    NamespacePolicies of(final TopicName name)
    {
        final NamespacePolicies cached = last;
        if (null != cached && name.tenant().equals(lastTenant) && name.namespace().equals(lastNamespace))
        {
            return cached;
        }
        final NamespacePolicies policies = namespace(name.namespaceName());
        last = policies;
        lastTenant = name.tenant();
        lastNamespace = name.namespace();

        return policies;
    }

    /**
     * @param namespace as {@code tenant/namespace}.
     * @return the namespace's policies, created with the broker's defaults when first asked for.
     */
    NamespacePolicies namespace(final String namespace)
    {
        NamespacePolicies policies = byNamespace.get(namespace);
        if (null == policies)
        {
            policies = new NamespacePolicies(namespace, defaults);
            byNamespace.put(namespace, policies);
        }

        return policies;
    }

    /**
     * @return the namespace's policies if the shard has them, else null.
     */
    NamespacePolicies find(final String namespace)
    {
        return byNamespace.get(namespace);
    }

    /**
     * @return the policies a namespace would have with nothing set on it.
     */
    NamespacePolicies defaultsFor(final String namespace)
    {
        return new NamespacePolicies(namespace, defaults);
    }

    /**
     * Give a namespace its whole explicit state and refresh the summary.
     *
     * @param explicit each field's value, or {@link NamespacePolicies#INHERIT}.
     * @return the namespace's policies.
     */
    NamespacePolicies apply(final String namespace, final long[] explicit)
    {
        final NamespacePolicies policies = set(namespace, explicit);
        refreshSummary();

        return policies;
    }

    /**
     * Give a namespace its whole explicit state without refreshing the summary (recovery refreshes it once).
     *
     * @param explicit each field's value, or {@link NamespacePolicies#INHERIT}.
     * @return the namespace's policies.
     */
    NamespacePolicies set(final String namespace, final long[] explicit)
    {
        final NamespacePolicies policies = namespace(namespace);
        for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
        {
            policies.set(i, explicit[i]);
        }

        return policies;
    }

    /**
     * @param changed which fields a request sets.
     * @param values  the values of those fields; the others are filled in from the namespace's current state.
     */
    void mergeExplicit(final String namespace, final boolean[] changed, final long[] values)
    {
        final NamespacePolicies current = byNamespace.get(namespace);
        for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
        {
            if (!changed[i])
            {
                values[i] = null == current ? NamespacePolicies.INHERIT : current.explicit(i);
            }
        }
    }

    /**
     * @return a namespace's explicit state in a scratch array, valid until the next call.
     */
    long[] explicitOf(final NamespacePolicies policies)
    {
        for (int i = 0; i < NamespacePolicies.FIELD_COUNT; i++)
        {
            scratch[i] = policies.explicit(i);
        }

        return scratch;
    }

    /**
     * @return a scratch array with every field at {@link NamespacePolicies#INHERIT}, valid until the next call.
     */
    long[] inheritedScratch()
    {
        Arrays.fill(scratch, NamespacePolicies.INHERIT);
        return scratch;
    }

    Collection<NamespacePolicies> all()
    {
        return byNamespace.values();
    }

    /**
     * @return the namespaces this shard knows: those created or given policies, and those of its topics.
     */
    Set<String> namespaces()
    {
        return new HashSet<>(byNamespace.keySet());
    }

    int size()
    {
        return byNamespace.size();
    }

    boolean anyMessageTtl()
    {
        return anyMessageTtl;
    }

    boolean anyBacklogEviction()
    {
        return anyBacklogEviction;
    }

    boolean anyFiniteRetention()
    {
        return anyFiniteRetention;
    }

    boolean anyFsync()
    {
        return anyFsync;
    }

    /**
     * Which periodic checks some namespace needs: recomputed when policies change.
     */
    void refreshSummary()
    {
        final NamespacePolicies brokerDefaults = new NamespacePolicies("", defaults);
        boolean messageTtl = brokerDefaults.messageTtlMs() >= 0;
        boolean backlogEviction = brokerDefaults.evictsBacklog();
        boolean finiteRetention = brokerDefaults.isRetentionFinite();
        boolean fsync = brokerDefaults.isFsync();
        for (final NamespacePolicies policies : byNamespace.values())
        {
            messageTtl |= policies.messageTtlMs() >= 0;
            backlogEviction |= policies.evictsBacklog();
            finiteRetention |= policies.isRetentionFinite();
            fsync |= policies.isFsync();
        }
        anyFsync = fsync;
        anyMessageTtl = messageTtl;
        anyBacklogEviction = backlogEviction;
        anyFiniteRetention = finiteRetention;
        changes++;
    }

    /**
     * @return how many times policies changed (and at recovery): a sweep compares it to know when to revisit every
     * topic under its new policies.
     */
    long changes()
    {
        return changes;
    }
}
