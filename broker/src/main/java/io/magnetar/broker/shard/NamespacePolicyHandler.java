package io.magnetar.broker.shard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aeron.Publication;
import io.magnetar.broker.policy.NamespacePolicies;
import io.magnetar.codecs.ErrorCode;
import io.magnetar.codecs.SetNamespacePoliciesDecoder;
import org.agrona.ExpandableDirectByteBuffer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;

/**
 * Namespace policy requests on one shard (admin path, allocates): a change is recorded as the namespace's whole
 * explicit state in the cursor log, applied, and answered once the record is stored; a read is answered at once.
 * The session agent has validated the request and hands it to every shard.
 */
final class NamespacePolicyHandler
{
    private final int shard;
    private final ShardPolicies policies;
    private final ShardLogWriter writer;
    private final ReceiptTracker receipts;
    private final ClientProxy proxy;
    private final TopicRegistry topics;
    private final ObjectMapper objectMapper = new ObjectMapper();
    private final boolean[] changed = new boolean[NamespacePolicies.FIELD_COUNT];
    private final long[] values = new long[NamespacePolicies.FIELD_COUNT];
    private final ExpandableDirectByteBuffer answerBuffer = new ExpandableDirectByteBuffer(1024);

    NamespacePolicyHandler(
        final int shard,
        final ShardPolicies policies,
        final ShardLogWriter writer,
        final ReceiptTracker receipts,
        final ClientProxy proxy,
        final TopicRegistry topics)
    {
        this.topics = topics;
        this.shard = shard;
        this.policies = policies;
        this.writer = writer;
        this.receipts = receipts;
        this.proxy = proxy;
    }

    /**
     * Create a namespace or change some of its policies.
     *
     * @return false if the cursor log is back-pressured and the request must be retried.
     */
    boolean onSetNamespacePolicies(final ShardSession session, final SetNamespacePoliciesDecoder decoder)
    {
        final long correlationId = decoder.correlationId();
        // fields not named keep their values: start from the namespace's current state
        Arrays.fill(changed, false);
        for (final SetNamespacePoliciesDecoder.PoliciesDecoder policy : decoder.policies())
        {
            final short field = policy.fieldRaw();
            changed[field] = true;
            values[field] = policy.value();
        }
        final String namespace = decoder.namespaceName();
        policies.mergeExplicit(namespace, changed, values);

        final long result = writer.appendNamespacePolicyState(namespace, values);
        if (Publication.BACK_PRESSURED == result || Publication.ADMIN_ACTION == result)
        {
            return false;
        }
        if (result < 0)
        {
            proxy.error(session, correlationId, ErrorCode.PERSISTENCE_ERROR, "policies of " + namespace +
                " could not be recorded: " + Publication.errorString(result));
            return true;
        }

        final NamespacePolicies applied = policies.apply(namespace, values);
        final int length = proxy.encodeNamespacePolicies(answerBuffer, correlationId, json(applied));
        // a namespace at fsync gets its own policies at fsync too
        receipts.onCursorRecorded(session, answerBuffer, length, writer.cursorAppendedPosition(), applied.isFsync());

        return true;
    }

    void onGetNamespacePolicies(final ShardSession session, final long correlationId, final String namespace)
    {
        NamespacePolicies found = policies.find(namespace);
        if (null == found)
        {
            found = policies.defaultsFor(namespace);
        }
        proxy.namespacePolicies(session, correlationId, json(found));
    }

    private byte[] json(final NamespacePolicies namespacePolicies)
    {
        final Map<String, Object> document = namespacePolicies.describe();
        document.put("shard", shard);
        try
        {
            return objectMapper.writeValueAsBytes(document);
        }
        catch (final JsonProcessingException ex)
        {
            throw new IllegalStateException("policies could not be encoded", ex);
        }
    }

    /**
     * Answer with this shard's topics of a namespace, full names sorted, one per line.
     */
    void onGetTopicsOfNamespace(final ShardSession session, final long correlationId, final String namespace)
    {
        final ArrayList<String> names = new ArrayList<>();
        for (final Topic topic : topics.topics())
        {
            if (topic.name.namespaceName().equals(namespace))
            {
                names.add(topic.name.toString());
            }
        }
        Collections.sort(names);
        proxy.topicsOfNamespace(session, correlationId, String.join("\n", names));
    }
}
