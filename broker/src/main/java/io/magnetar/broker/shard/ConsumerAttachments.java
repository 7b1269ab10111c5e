package io.magnetar.broker.shard;

import io.magnetar.codecs.KeySharedMode;
import io.magnetar.codecs.SubscriptionType;
import org.agrona.concurrent.NanoClock;

import java.util.ArrayList;

/**
 * Which consumers a subscription has, and which of them receive. A consumer joins if the subscription's type allows
 * it: one exclusive consumer, or any number of shared or of failover consumers, all of one type while any is
 * attached (a subscription with none takes the type of the next). Failover's active consumer is the one with the
 * lowest priority level, then the first by name; on a partition of a partitioned topic it is the one at the
 * partition's index modulo the consumers of that level, so that partitions spread over the consumers as in Pulsar.
 * Failover consumers of protocol 8 and later are told when they become active or inactive. What a leaving consumer
 * held is delivered again: from the first unacknowledged entry for the one that receives next (exclusive,
 * failover), or the entries it held, to the others (shared).
 */
final class ConsumerAttachments
{
    private final ClientProxy proxy;
    private final ReadySubscriptions ready;
    private final Dispatcher exclusiveDispatcher;
    private final Dispatcher sharedDispatcher;
    private final Dispatcher keySharedDispatcher;
    private final NanoClock clock;

    ConsumerAttachments(
        final ClientProxy proxy,
        final ReadySubscriptions ready,
        final Dispatcher exclusiveDispatcher,
        final Dispatcher sharedDispatcher,
        final Dispatcher keySharedDispatcher,
        final NanoClock clock)
    {
        this.proxy = proxy;
        this.ready = ready;
        this.exclusiveDispatcher = exclusiveDispatcher;
        this.sharedDispatcher = sharedDispatcher;
        this.keySharedDispatcher = keySharedDispatcher;
        this.clock = clock;
    }

    /**
     * @param subscription to join.
     * @param type         the consumer asks for.
     * @return null if a consumer of that type may join, else why not.
     */
    static String refusal(final TopicSubscription subscription, final SubscriptionType type)
    {
        if (subscription.consumers.isEmpty())
        {
            return null;
        }
        if (SubscriptionType.EXCLUSIVE == subscription.type && SubscriptionType.EXCLUSIVE == type)
        {
            return "exclusive subscription '" + subscription.name + "' on " + subscription.topic.name +
                " already has a consumer";
        }
        if (subscription.type != type)
        {
            return "subscription '" + subscription.name + "' on " + subscription.topic.name + " has " +
                subscription.type + " consumers; a consumer of type " + type + " cannot join it";
        }

        return null;
    }

    /**
     * @param subscription to join, with a consumer of type KEY_SHARED.
     * @param mode         the consumer asks for.
     * @param ranges       a sticky consumer's hash ranges, else null.
     * @return null if it may join, else why not: its mode is not the subscription's, or its ranges overlap another
     * consumer's (Pulsar's consumer assign error).
     */
    /**
     * @param topic        a consumer would attach to.
     * @param subscription it would join, or null for a new one.
     * @return why the namespace's consumer limits refuse it, as Pulsar's "reached max consumers limit", or null.
     */
    static String limitRefusal(final Topic topic, final TopicSubscription subscription)
    {
        final long perSubscription = topic.policies.maxConsumersPerSubscription();
        if (perSubscription > 0 && null != subscription && subscription.consumers.size() >= perSubscription)
        {
            return "subscription '" + subscription.name + "' on " + topic.name + " reached its max consumers " +
                "limit of " + perSubscription + " (namespace policy maxConsumersPerSubscription)";
        }
        final long perTopic = topic.policies.maxConsumersPerTopic();
        if (perTopic > 0)
        {
            int consumers = 0;
            for (final TopicSubscription each : topic.subscriptions)
            {
                consumers += each.consumers.size();
            }
            if (consumers >= perTopic)
            {
                return "topic " + topic.name + " reached its max consumers limit of " + perTopic +
                    " (namespace policy maxConsumersPerTopic)";
            }
        }
        return null;
    }

    static String keySharedRefusal(final TopicSubscription subscription, final KeySharedMode mode, final int[] ranges)
    {
        final KeySharedState keyShared = subscription.keyShared;
        if (subscription.consumers.isEmpty() || null == keyShared)
        {
            return null;
        }
        if (keyShared.selector.mode != mode)
        {
            return "Key_Shared subscription '" + subscription.name + "' on " + subscription.topic.name + " is " +
                keyShared.selector.mode + "; a " + mode + " consumer cannot join it";
        }

        return keyShared.selector.refusal(ranges);
    }

    /**
     * Attach a consumer that {@link #refusal(TopicSubscription, SubscriptionType)} lets join; then answer its
     * subscribe, and then call {@link #announce(ShardConsumer)}.
     */
    void attach(final ShardConsumer consumer, final SubscriptionType type)
    {
        final TopicSubscription subscription = consumer.subscription;
        final boolean isFirst = subscription.consumers.isEmpty();
        subscription.consumers.add(consumer);
        subscription.type = type;
        final Topic topic = subscription.topic;
        consumer.hashesGainedNs = clock.nanoTime();
        if (SubscriptionType.KEY_SHARED == type)
        {
            subscription.dispatcher = keySharedDispatcher;
            if (isFirst)
            {
                final DrainingHashes drains = new DrainingHashes(() -> ready.markReady(subscription));
                subscription.keyShared = new KeySharedState(new HashRangeSelector(consumer.keySharedMode), drains);
                if (topic.persistent)
                {
                    // entries read before went to consumers of another type: all that is unacknowledged goes out again
                    subscription.shared = new SharedDeliveries(drains);
                    subscription.rewind();
                }
            }
            subscription.keyShared.selector.add(consumer, consumer.hashRanges);
        }
        else if (SubscriptionType.SHARED == type)
        {
            subscription.dispatcher = sharedDispatcher;
            if (isFirst && topic.persistent && null == subscription.shared)
            {
                // entries read before went to consumers of another type: all that is unacknowledged goes out again
                subscription.shared = new SharedDeliveries();
                subscription.rewind();
            }
        }
        else
        {
            subscription.dispatcher = exclusiveDispatcher;
            if (isFirst)
            {
                subscription.shared = null;
            }
            if (SubscriptionType.EXCLUSIVE == type)
            {
                activate(subscription, consumer);
            }
            else
            {
                activate(subscription, chooseActive(subscription));
            }
        }
        ready.markReady(subscription);
    }

    /**
     * Tell the failover consumers whose state changed, and a newly attached one in any case, whether they receive.
     *
     * @param newcomer just attached and answered, or null.
     */
    void announce(final ShardConsumer newcomer)
    {
        final TopicSubscription subscription = null == newcomer ? null : newcomer.subscription;
        if (null != subscription && SubscriptionType.FAILOVER == subscription.type)
        {
            announce(subscription, newcomer);
        }
    }

    /**
     * Detach a consumer; what it held goes to the consumers that stay, or waits for the next one.
     */
    void detach(final ShardConsumer consumer)
    {
        final TopicSubscription subscription = consumer.subscription;
        final int index = subscription.consumers.indexOf(consumer);
        if (index < 0)
        {
            return;
        }

        subscription.consumers.remove(index);
        if (index < subscription.nextConsumerIndex)
        {
            subscription.nextConsumerIndex--;
        }
        final Topic topic = subscription.topic;
        final KeySharedState keyShared = subscription.keyShared;
        if (null != keyShared)
        {
            // before what it held is released: its hashes have a new owner, which may have to wait for another's
            final ShardConsumer heir = keyShared.selector.remove(consumer);
            if (null != heir)
            {
                heir.hashesGainedNs = clock.nanoTime();
            }
        }
        final SharedDeliveries shared = subscription.shared;
        if (null != shared && topic.persistent)
        {
            shared.detached(consumer, subscription.cursor, subscription.redeliveries());
        }

        if (subscription.consumers.isEmpty())
        {
            subscription.consumer = null;
            subscription.dispatcher = null; // leaves the ready set when it is next visited
            subscription.type = null;
            if (!topic.persistent || !subscription.durable)
            {
                topic.subscriptions.remove(subscription); // a reader's goes with its consumer
                return;
            }
            if (null != keyShared)
            {
                // the next consumer, of any type, starts at the first unacknowledged entry, which covers all that waits
                subscription.keyShared = null;
                subscription.shared = null;
                subscription.rewind();
                return;
            }
            if (null != shared && !subscription.hasRedelivery())
            {
                // nothing held, nothing to send again: the next consumer starts at the first unacknowledged entry
                subscription.shared = null;
                subscription.rewind();
                return;
            }
            if (null == shared)
            {
                subscription.rewind();
            }
            return;
        }

        if (SubscriptionType.FAILOVER == subscription.type)
        {
            activate(subscription, chooseActive(subscription));
            announce(subscription, null);
        }
        ready.markReady(subscription);
    }

    private void activate(final TopicSubscription subscription, final ShardConsumer active)
    {
        if (subscription.consumer == active)
        {
            return;
        }

        subscription.consumer = active;
        if (subscription.topic.persistent)
        {
            // the one that received before may not have acknowledged all it got: it goes to the new one again
            subscription.rewind();
        }
    }

    private void announce(final TopicSubscription subscription, final ShardConsumer newcomer)
    {
        final ArrayList<ShardConsumer> consumers = subscription.consumers;
        for (int i = 0, size = consumers.size(); i < size; i++)
        {
            final ShardConsumer consumer = consumers.get(i);
            final boolean isActive = consumer == subscription.consumer;
            if (consumer.isActive != isActive || consumer == newcomer)
            {
                consumer.isActive = isActive;
                if (consumer.session.egress.takesActiveConsumerChange() && !consumer.session.isClosed())
                {
                    proxy.activeConsumerChange(consumer.session, consumer.consumerId, isActive);
                }
            }
        }
    }

    /**
     * @return failover's active consumer: of the lowest priority level, the first by name (then by arrival), or on a
     * partition the one at its index modulo the consumers of that level.
     */
    static ShardConsumer chooseActive(final TopicSubscription subscription)
    {
        final ArrayList<ShardConsumer> consumers = subscription.consumers;
        int lowestLevel = Integer.MAX_VALUE;
        int atLowestLevel = 0;
        for (int i = 0, size = consumers.size(); i < size; i++)
        {
            final int level = consumers.get(i).priorityLevel;
            if (level < lowestLevel)
            {
                lowestLevel = level;
                atLowestLevel = 1;
            }
            else if (level == lowestLevel)
            {
                atLowestLevel++;
            }
        }

        final int partition = subscription.topic.name.partitionIndex();
        final int rank = partition < 0 ? 0 : partition % Math.max(1, atLowestLevel);
        // the consumer of that rank by name among those of the lowest level; few consumers, so no sorted copy
        ShardConsumer chosen = null;
        for (int i = 0, size = consumers.size(); i < size; i++)
        {
            final ShardConsumer candidate = consumers.get(i);
            if (candidate.priorityLevel == lowestLevel && rankOf(consumers, i, lowestLevel) == rank)
            {
                chosen = candidate;
                break;
            }
        }

        return chosen;
    }

    private static int rankOf(final ArrayList<ShardConsumer> consumers, final int index, final int level)
    {
        final ShardConsumer consumer = consumers.get(index);
        int rank = 0;
        for (int i = 0, size = consumers.size(); i < size; i++)
        {
            final ShardConsumer other = consumers.get(i);
            if (i != index && other.priorityLevel == level)
            {
                final int byName = other.name.compareTo(consumer.name);
                if (byName < 0 || (0 == byName && i < index))
                {
                    rank++;
                }
            }
        }

        return rank;
    }
}
