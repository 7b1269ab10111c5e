package io.magnetar.broker.session;

import io.magnetar.broker.auth.Authorizer;
import io.magnetar.broker.metadata.MetadataAdmin;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.broker.policy.TopicName;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.MessageHeaderEncoder;
import io.magnetar.codecs.PolicyField;
import io.magnetar.codecs.SetNamespacePoliciesEncoder;
import org.agrona.ExpandableArrayBuffer;
import org.agrona.DirectBuffer;

import java.util.Collection;

/**
 * The session agent's namespace commands: create a namespace and set or read its policies, list a tenant's
 * namespaces or a namespace's topics, and hand a page request to the shard it names, each after checking names and
 * the session's role ({@link Authorizer}: a tenant's admin roles administer its namespaces; only superusers read every
 * topic's counters). Called by {@link SessionCommandHandler}.
 */
final class NamespaceCommands
{
    private final SessionAgent agent;
    private final SessionReplyPublisher replyPublisher;
    private final ShardRouter router;
    private final NamespaceDirectory namespaces;
    private final Authorizer authorizer;
    private final ExpandableArrayBuffer resetBuffer = new ExpandableArrayBuffer(1024);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final SetNamespacePoliciesEncoder resetEncoder = new SetNamespacePoliciesEncoder();

    NamespaceCommands(
        final SessionAgent agent,
        final SessionReplyPublisher replyPublisher,
        final ShardRouter router,
        final NamespaceDirectory namespaces,
        final Authorizer authorizer)
    {
        this.agent = agent;
        this.replyPublisher = replyPublisher;
        this.router = router;
        this.namespaces = namespaces;
        this.authorizer = authorizer;
    }

    /**
     * See {@link IngressCommandListener}.
     */
    boolean onGetTopicsOfNamespace(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = sessionOfExistingNamespace(sessionKey, correlationId, namespace);
        if (null != session && !authorizer.canLookUp(session.role, namespace))
        {
            return refuseRole(session, correlationId, "list the topics of namespace " + namespace);
        }

        return null == session || router.forwardToAll(session.egress(), frame, length);
    }

    /**
     * See {@link IngressCommandListener}.
     */
    boolean onShardCommand(
        final long sessionKey, final long correlationId, final int shard, final DirectBuffer frame, final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }
        if (!authorizer.isSuperuser(session.role))
        {
            return refuseRole(session, correlationId, "read every topic's counters (a superuser's)");
        }
        if (shard < 0 || shard >= router.shardCount())
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "shard " + shard + " does not exist: this broker has " + router.shardCount());
        }

        return router.forward(session.egress(), shard, frame, length);
    }

    /**
     * Create a namespace (no policies named) or change some of its policies: validate, then hand the request to
     * every shard in one pass, each of which stores and answers it; a request reaches all shards or none.
     */
    boolean onSetNamespacePolicies(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final int policyCount,
        final short[] fields,
        final long[] values,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }

        String failure = null;
        for (int i = 0; i < policyCount && null == failure; i++)
        {
            failure = NamespacePolicies.validate(fields[i], values[i]);
        }
        if (null == failure)
        {
            failure = TopicName.checkNamespace(namespace);
        }
        final boolean create = 0 == policyCount;

        if (null != failure)
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, failure);
        }
        if (create && namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT,
                "namespace " + namespace + " already exists");
        }
        final String tenant = namespace.substring(0, namespace.indexOf('/'));
        if (!authorizer.isTenantAdmin(session.role, tenant))
        {
            return refuseRole(session, correlationId, (create ? "create namespace " : "set the policies of ") +
                namespace);
        }
        if (create && !namespaces.hasTenant(tenant))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "tenant " + tenant +
                " does not exist (tenants create " + tenant + " makes one)");
        }
        if (!create && !namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + namespace + " does not exist");
        }
        if (create)
        {
            // the store first: a namespace the shards take but the store lacks would be lost at the next start
            final String notRecorded = namespaces.record(namespace);
            if (null != notRecorded)
            {
                return refuse(session, correlationId, ErrorCode.PERSISTENCE_ERROR, notRecorded);
            }
            // a created namespace starts afresh: every policy a deleted one of that name left on a shard is reset
            final int resetLength = encodeReset(correlationId, namespace);
            if (!router.forwardToAll(session.egress(), resetBuffer, resetLength))
            {
                return false; // polled again: recording it again changes nothing
            }
            namespaces.add(namespace);
            return true;
        }

        return router.forwardToAll(session.egress(), frame, length);
    }

    private int encodeReset(final long correlationId, final String namespace)
    {
        final SetNamespacePoliciesEncoder encoder = resetEncoder.wrapAndApplyHeader(resetBuffer, 0, headerEncoder)
            .correlationId(correlationId);
        final SetNamespacePoliciesEncoder.PoliciesEncoder fields =
            encoder.policiesCount(NamespacePolicies.FIELD_COUNT);
        for (int field = 0; field < NamespacePolicies.FIELD_COUNT; field++)
        {
            fields.next().field(PolicyField.get((short)field)).value(NamespacePolicies.INHERIT);
        }
        encoder.namespaceName(namespace);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * See {@link IngressCommandListener}.
     */
    boolean onGetNamespacePolicies(
        final long sessionKey,
        final long correlationId,
        final String namespace,
        final DirectBuffer frame,
        final int length)
    {
        final ClientSession session = sessionOfExistingNamespace(sessionKey, correlationId, namespace);
        if (null != session && !authorizer.isTenantAdmin(session.role, namespace.substring(0, namespace.indexOf('/'))))
        {
            return refuseRole(session, correlationId, "read the policies of " + namespace);
        }

        // every shard holds every namespace's policies: any one can answer
        return null == session ||
            router.forward(session.egress(), router.shardOfNamespace(namespace), frame, length);
    }

    /**
     * Answer with the namespaces of a tenant, sorted, one per line: the session agent knows them all.
     */
    void onListNamespaces(final long sessionKey, final long correlationId, final String tenant)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return;
        }

        if (null != TopicName.checkNamespace(tenant + "/x"))
        {
            replyPublisher.sendError(
                session, correlationId, ErrorCode.INVALID_ARGUMENT, "invalid tenant '" + tenant + "'");
            return;
        }
        if (!authorizer.isTenantAdmin(session.role, tenant))
        {
            refuseRole(session, correlationId, "list the namespaces of tenant " + tenant);
            return;
        }
        if (!namespaces.hasTenant(tenant))
        {
            replyPublisher.sendError(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "tenant '" + tenant +
                "' does not exist (tenants create " + tenant + " makes one)");
            return;
        }
        final Collection<String> names = namespaces.namespacesOf(tenant);
        replyPublisher.sendNamespaceList(session, correlationId, tenant, names);
    }

    /**
     * @return the active session, or null if there is none or the namespace does not exist (then refused).
     */
    private ClientSession sessionOfExistingNamespace(
        final long sessionKey, final long correlationId, final String namespace)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null != session && !namespaces.contains(namespace))
        {
            refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND, "namespace " + namespace + " does not exist");
            return null;
        }
        return session;
    }

    /**
     * Delete a namespace: refused for {@code public/default} and the health check's {@code pulsar/system}; else the
     * metadata store drops it and its grants (durably, before the answer) and the session agent forgets it, so no
     * producer, consumer or topic of it is taken from then on. The shards' policies of it stay until it is created
     * again, which resets them. The admin API checks beforehand that it holds no topic.
     */
    boolean onDeleteNamespace(final long sessionKey, final long correlationId, final String namespace)
    {
        final ClientSession session = agent.activeSession(sessionKey);
        if (null == session)
        {
            return true;
        }
        final String failure = TopicName.checkNamespace(namespace);
        if (null != failure)
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, failure);
        }
        if (!authorizer.isTenantAdmin(session.role, namespace.substring(0, namespace.indexOf('/'))))
        {
            return refuseRole(session, correlationId, "delete namespace " + namespace);
        }
        if (!namespaces.contains(namespace))
        {
            return refuse(session, correlationId, ErrorCode.NAMESPACE_NOT_FOUND,
                "namespace " + namespace + " does not exist");
        }
        if (MetadataAdmin.DEFAULT_NAMESPACE.equals(namespace) || MetadataAdmin.SYSTEM_NAMESPACE.equals(namespace))
        {
            return refuse(session, correlationId, ErrorCode.INVALID_ARGUMENT, "namespace " + namespace +
                " is the broker's own and cannot be deleted");
        }

        // the shards keep what they hold: a topic of the namespace that a race or a client left in it keeps its
        // policies; creating the namespace again resets them
        final String notRemoved = namespaces.remove(namespace);
        if (null != notRemoved)
        {
            return refuse(session, correlationId, ErrorCode.PERSISTENCE_ERROR, notRemoved);
        }
        replyPublisher.sendSuccess(session, correlationId);

        return true;
    }

    private boolean refuse(
        final ClientSession session, final long correlationId, final ErrorCode code, final String message)
    {
        replyPublisher.sendError(session, correlationId, code, message);
        return true;
    }

    private boolean refuseRole(final ClientSession session, final long correlationId, final String what)
    {
        return refuse(session, correlationId, ErrorCode.AUTHORIZATION_ERROR,
            "role " + session.role + " is not allowed to " + what);
    }
}
