package io.magnetar.admin;

import io.magnetar.client.SubscriptionType;
import io.magnetar.client.TopicStats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A topic's stats in Pulsar's JSON shape ({@code TopicStats}: {@code msgRateIn}, {@code msgThroughputIn},
 * {@code msgRateOut}, {@code msgThroughputOut}, counters, {@code storageSize}, {@code backlogSize},
 * {@code publishers}, {@code subscriptions} with their {@code consumers}). The topic's rates are the
 * {@link StatsSampler}'s (over its last interval, as {@code /metrics} has them); those of publishers, subscriptions
 * and consumers are from this topic's previous {@code /stats} call at least a second before (0 on the first call).
 */
final class TopicStatsView
{
    private static final int CACHED_TOPICS = 10_000;
    private static final long MIN_RATE_INTERVAL_MS = 1_000;

    /**
     * The topic's last sample, and the one before it (so a call less than a second after the last still has a base
     * at least a second old).
     */
    private record Previous(long atMs, TopicStats stats, Previous older)
    {
    }

    private final StatsSampler sampler;
    private final Map<String, Previous> previous = new LinkedHashMap<>(16, 0.75f, true)
    {
        private static final long serialVersionUID = 1L;

        protected boolean removeEldestEntry(final Map.Entry<String, Previous> eldest)
        {
            return size() > CACHED_TOPICS;
        }
    };

    TopicStatsView(final StatsSampler sampler)
    {
        this.sampler = sampler;
    }

    Map<String, Object> view(final TopicStats stats)
    {
        final long nowMs = System.currentTimeMillis();
        Previous before;
        synchronized (previous)
        {
            final Previous last = previous.get(stats.getTopic());
            if (null == last || nowMs - last.atMs >= MIN_RATE_INTERVAL_MS)
            {
                previous.put(stats.getTopic(), new Previous(nowMs, stats, null == last ? null :
                    new Previous(last.atMs, last.stats, null)));
                before = last;
            }
            else
            {
                before = last.older; // the last is too recent to divide by: the one before it, if any
            }
        }
        if (null != before && nowMs - before.atMs < MIN_RATE_INTERVAL_MS)
        {
            before = null;
        }
        final double seconds = null == before ? 0 : (nowMs - before.atMs) / 1000.0;

        final Map<String, Object> json = new LinkedHashMap<>();
        final StatsSnapshot.TopicSample sample = sampler.latest().topics().get(stats.getTopic());
        json.put("msgRateIn", null == sample ? 0.0 : sample.msgRateIn());
        json.put("msgThroughputIn", null == sample ? 0.0 : sample.msgThroughputIn());
        json.put("msgRateOut", null == sample ? 0.0 : sample.msgRateOut());
        json.put("msgThroughputOut", null == sample ? 0.0 : sample.msgThroughputOut());
        json.put("msgInCounter", stats.getMsgInCounter());
        json.put("bytesInCounter", stats.getBytesInCounter());
        json.put("msgOutCounter", stats.getMsgOutCounter());
        json.put("bytesOutCounter", stats.getBytesOutCounter());
        json.put("averageMsgSize", 0 == stats.getMsgInCounter() ? 0.0 :
            (double)stats.getBytesInCounter() / stats.getMsgInCounter());
        json.put("storageSize", stats.getStorageSize());
        json.put("entries", stats.getEntries());
        long backlogSize = 0;
        for (final TopicStats.SubscriptionStats subscription : stats.getSubscriptions().values())
        {
            backlogSize = Math.max(backlogSize, subscription.backlogSize());
        }
        json.put("backlogSize", backlogSize);

        final List<Object> publishers = new ArrayList<>();
        for (final TopicStats.PublisherStats publisher : stats.getPublishers())
        {
            final TopicStats.PublisherStats was = null == before ? null : publisherOf(before.stats, publisher);
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("producerId", publisher.producerId());
            entry.put("producerName", publisher.producerName());
            entry.put("msgRateIn", rate(publisher.msgInCounter(), null == was ? -1 : was.msgInCounter(), seconds));
            entry.put("msgThroughputIn",
                rate(publisher.bytesInCounter(), null == was ? -1 : was.bytesInCounter(), seconds));
            entry.put("msgInCounter", publisher.msgInCounter());
            entry.put("bytesInCounter", publisher.bytesInCounter());
            entry.put("address", publisher.address());
            entry.put("clientName", publisher.clientName());
            publishers.add(entry);
        }
        json.put("publishers", publishers);

        final Map<String, Object> subscriptions = new LinkedHashMap<>();
        for (final Map.Entry<String, TopicStats.SubscriptionStats> named : stats.getSubscriptions().entrySet())
        {
            final TopicStats.SubscriptionStats subscription = named.getValue();
            final TopicStats.SubscriptionStats was =
                null == before ? null : before.stats.getSubscriptions().get(named.getKey());
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("msgRateOut",
                rate(subscription.msgOutCounter(), null == was ? -1 : was.msgOutCounter(), seconds));
            entry.put("msgThroughputOut",
                rate(subscription.bytesOutCounter(), null == was ? -1 : was.bytesOutCounter(), seconds));
            entry.put("msgBacklog", subscription.msgBacklog());
            entry.put("backlogSize", subscription.backlogSize());
            entry.put("unackedMessages", subscription.unackedMessages());
            entry.put("type", pulsarName(subscription.type()));
            entry.put("msgOutCounter", subscription.msgOutCounter());
            entry.put("bytesOutCounter", subscription.bytesOutCounter());
            entry.put("isDurable", subscription.durable());
            final List<Object> consumers = new ArrayList<>();
            for (final TopicStats.ConsumerStats consumer : subscription.consumers())
            {
                final TopicStats.ConsumerStats consumerWas = null == was ? null : consumerOf(was, consumer);
                final Map<String, Object> consumerEntry = new LinkedHashMap<>();
                consumerEntry.put("consumerName", consumer.consumerName());
                consumerEntry.put("msgRateOut", rate(consumer.msgOutCounter(),
                    null == consumerWas ? -1 : consumerWas.msgOutCounter(), seconds));
                consumerEntry.put("msgThroughputOut", rate(consumer.bytesOutCounter(),
                    null == consumerWas ? -1 : consumerWas.bytesOutCounter(), seconds));
                consumerEntry.put("availablePermits", consumer.availablePermits());
                consumerEntry.put("unackedMessages", consumer.unackedMessages());
                consumerEntry.put("msgOutCounter", consumer.msgOutCounter());
                consumerEntry.put("bytesOutCounter", consumer.bytesOutCounter());
                consumerEntry.put("address", consumer.address());
                consumerEntry.put("clientName", consumer.clientName());
                consumers.add(consumerEntry);
            }
            entry.put("consumers", consumers);
            subscriptions.put(named.getKey(), entry);
        }
        json.put("subscriptions", subscriptions);
        return json;
    }

    private static double rate(final long now, final long before, final double seconds)
    {
        return before < 0 || seconds <= 0 || now < before ? 0.0 : (now - before) / seconds;
    }

    private static TopicStats.PublisherStats publisherOf(
        final TopicStats stats, final TopicStats.PublisherStats publisher)
    {
        for (final TopicStats.PublisherStats candidate : stats.getPublishers())
        {
            if (candidate.producerName().equals(publisher.producerName()))
            {
                return candidate;
            }
        }
        return null;
    }

    private static TopicStats.ConsumerStats consumerOf(
        final TopicStats.SubscriptionStats subscription, final TopicStats.ConsumerStats consumer)
    {
        for (final TopicStats.ConsumerStats candidate : subscription.consumers())
        {
            if (candidate.consumerId() == consumer.consumerId() && candidate.clientName().equals(consumer.clientName()))
            {
                return candidate;
            }
        }
        return null;
    }

    static String pulsarName(final SubscriptionType type)
    {
        if (null == type)
        {
            return null;
        }
        switch (type)
        {
            case SHARED:
                return "Shared";
            case FAILOVER:
                return "Failover";
            case KEY_SHARED:
                return "Key_Shared";
            default:
                return "Exclusive";
        }
    }
}
