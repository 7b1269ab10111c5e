package io.magnetar.broker.shard;

import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;

import java.util.ArrayList;
import java.util.function.LongSupplier;

/**
 * The subscriptions that may be able to deliver: those whose consumers got permits, whose topic got new visible
 * entries, that got a consumer, lost one that held entries, or were reset. Dispatch visits only these, never every
 * subscription: a duty cycle costs what can move, not what exists. A subscription leaves the set when it has no
 * consumer (no dispatcher), no permits, nothing more to deliver, or its dispatcher found nothing it could deliver
 * until something happens (Key_Shared), and comes back when one of those events happens again.
 */
final class ReadySubscriptions implements ReceiptTracker.VisibilityListener
{
    static final int DISPATCH_LIMIT = 256;

    private final ArrayList<TopicSubscription> ready = new ArrayList<>();
    private final LongSupplier durablePosition;
    private final NanoClock clock;

    /**
     * @param durablePosition of the entry log: dispatch reads only below it.
     */
    ReadySubscriptions(final LongSupplier durablePosition)
    {
        this(durablePosition, SystemNanoClock.INSTANCE);
    }

    /**
     * @param durablePosition of the entry log: dispatch reads only below it.
     * @param clock           for the time a resting subscription wakes at.
     */
    ReadySubscriptions(final LongSupplier durablePosition, final NanoClock clock)
    {
        this.durablePosition = durablePosition;
        this.clock = clock;
    }

    /**
     * Something changed for a subscription that may let it deliver.
     */
    void markReady(final TopicSubscription subscription)
    {
        subscription.waitsForEvent = false;
        if (!subscription.ready && subscription.topic.persistent && null != subscription.dispatcher)
        {
            subscription.ready = true;
            ready.add(subscription);
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onEntryVisible(final Topic topic)
    {
        final ArrayList<TopicSubscription> subscriptions = topic.subscriptions;
        for (int i = 0, size = subscriptions.size(); i < size; i++)
        {
            markReady(subscriptions.get(i));
        }
    }

    /**
     * Deliver stored entries to the subscriptions in the set, each up to {@link #DISPATCH_LIMIT} entries a call.
     *
     * @return entries delivered.
     */
    int dispatch()
    {
        int workCount = 0;
        long position = Long.MIN_VALUE;
        for (int i = 0; i < ready.size();)
        {
            final TopicSubscription subscription = ready.get(i);
            if (null != subscription.dispatcher && subscription.waitsForEvent &&
                Long.MAX_VALUE != subscription.wakeAtNs)
            {
                if (clock.nanoTime() - subscription.wakeAtNs < 0)
                {
                    i++; // rests until a drain timeout runs out or a delayed entry is due
                    continue;
                }
                subscription.waitsForEvent = false;
            }
            if (subscription.hasDelayed())
            {
                subscription.delayed.releaseDue(clock.nanoTime(), subscription.redeliveries());
            }
            final boolean hasBacklog = subscription.hasBacklogToDeliver();
            if (null == subscription.dispatcher || !subscription.hasPermits() || subscription.waitsForEvent ||
                (!hasBacklog && !subscription.hasDelayed()))
            {
                subscription.ready = false;
                final int last = ready.size() - 1;
                ready.set(i, ready.get(last));
                ready.remove(last);
                continue;
            }
            if (!hasBacklog)
            {
                // only delayed entries: rest until the first is due, or until something happens
                subscription.waitsForEvent = true;
                subscription.wakeAtNs = subscription.delayed.nextDueNs();
                i++;
                continue;
            }
            if (Long.MIN_VALUE == position)
            {
                position = durablePosition.getAsLong();
            }
            // stays in the set: it used its budget or met back pressure, and is visited again next cycle
            workCount += subscription.dispatcher.dispatch(subscription, position, DISPATCH_LIMIT);
            if (subscription.waitsForEvent && subscription.hasDelayed())
            {
                subscription.wakeAtNs = Math.min(subscription.wakeAtNs, subscription.delayed.nextDueNs());
            }
            i++;
        }

        return workCount;
    }

    /**
     * @return subscriptions in the set.
     */
    int size()
    {
        return ready.size();
    }
}
