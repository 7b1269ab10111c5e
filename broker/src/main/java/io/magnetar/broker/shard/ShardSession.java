package io.magnetar.broker.shard;

import io.magnetar.broker.SessionEgress;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayDeque;

/**
 * One client session as one shard agent sees it: the producers and consumers it has on this shard, and receipts
 * that could not be sent yet because its answer channel was back-pressured.
 */
final class ShardSession
{
    final SessionEgress egress;
    final Long2ObjectHashMap<ShardProducer> producers = new Long2ObjectHashMap<>();
    final Long2ObjectHashMap<ShardConsumer> consumers = new Long2ObjectHashMap<>();
    final ArrayDeque<PendingReceipt> deferredReceipts = new ArrayDeque<>();
    boolean closed;

    ShardSession(final SessionEgress egress)
    {
        this.egress = egress;
    }
}
