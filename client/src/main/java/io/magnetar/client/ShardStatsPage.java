package io.magnetar.client;

import io.magnetar.codecs.MessageHeaderDecoder;
import io.magnetar.codecs.ShardStatsDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Counters of some topics of one shard, as {@link Topics#getShardStatsPage(int, long, int, boolean)} returns them:
 * how a sampler walks every topic of the broker a page at a time, and the shard's publish latency. Immutable.
 *
 * @param shard               that answered.
 * @param nextLocalId         to ask from next, or -1 when the shard has no more topics.
 * @param publishLatencyCount persistent sends received by the shard since the last page that started at 0.
 * @param publishLatencyP50Us median publish latency (append to durable receipt) over them, microseconds.
 * @param publishLatencyP99Us its 99th percentile.
 * @param publishLatencyP999Us its 99.9th percentile.
 * @param publishLatencyMaxUs its maximum.
 * @param topics              each topic's counters.
 */
public record ShardStatsPage(
    int shard,
    long nextLocalId,
    long publishLatencyCount,
    long publishLatencyP50Us,
    long publishLatencyP99Us,
    long publishLatencyP999Us,
    long publishLatencyMaxUs,
    List<TopicCounters> topics)
{
    /**
     * One topic's counters, cumulative since the broker started, and its current state.
     *
     * @param topic           full name.
     * @param msgInCounter    messages published.
     * @param bytesInCounter  payload bytes published.
     * @param msgOutCounter   messages delivered.
     * @param bytesOutCounter payload bytes delivered.
     * @param storageSize     bytes of the entries it holds.
     * @param msgBacklog      entries not acknowledged, summed over its durable subscriptions.
     * @param backlogSize     bytes of those.
     * @param producers       connected.
     * @param subscriptions   it has.
     * @param consumers       connected.
     */
    public record TopicCounters(
        String topic,
        long msgInCounter,
        long bytesInCounter,
        long msgOutCounter,
        long bytesOutCounter,
        long storageSize,
        long msgBacklog,
        long backlogSize,
        int producers,
        int subscriptions,
        int consumers)
    {
    }

    static ShardStatsPage decode(final byte[] frame)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(frame);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(buffer, 0);
        if (ShardStatsDecoder.TEMPLATE_ID != header.templateId())
        {
            throw new IllegalArgumentException("not a ShardStats frame: template " + header.templateId());
        }
        final ShardStatsDecoder decoder = new ShardStatsDecoder().wrap(
            buffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        decoder.correlationId();
        final int shard = decoder.shard();
        final long next = decoder.nextLocalId();
        final long count = decoder.publishLatencyCount();
        final long p50 = decoder.publishLatencyP50Us();
        final long p99 = decoder.publishLatencyP99Us();
        final long p999 = decoder.publishLatencyP999Us();
        final long max = decoder.publishLatencyMaxUs();
        final List<TopicCounters> topics = new ArrayList<>();
        for (final ShardStatsDecoder.TopicsDecoder topic : decoder.topics())
        {
            final long msgIn = topic.msgInCounter();
            final long bytesIn = topic.bytesInCounter();
            final long msgOut = topic.msgOutCounter();
            final long bytesOut = topic.bytesOutCounter();
            final long storage = topic.storageSize();
            final long backlog = topic.msgBacklog();
            final long backlogSize = topic.backlogSize();
            final int producers = topic.producers();
            final int subscriptions = topic.subscriptions();
            final int consumers = topic.consumers();
            topics.add(new TopicCounters(topic.topic(), msgIn, bytesIn, msgOut, bytesOut, storage, backlog,
                backlogSize, producers, subscriptions, consumers));
        }
        return new ShardStatsPage(shard, next, count, p50, p99, p999, max, List.copyOf(topics));
    }
}
