package io.magnetar.broker.shard;

/**
 * Chooses which stored entries of a subscription go to which of its consumers, within their permits. One
 * implementation per subscription type; the shard calls it for each subscription that has a consumer.
 */
interface Dispatcher
{
    /**
     * Deliver what the subscription's consumers have permits for, up to a budget.
     *
     * @param subscription     to dispatch.
     * @param durablePosition  entries below it are stored and may be read.
     * @param budget           most entries to deliver in this call.
     * @return entries delivered.
     */
    int dispatch(TopicSubscription subscription, long durablePosition, int budget);
}
