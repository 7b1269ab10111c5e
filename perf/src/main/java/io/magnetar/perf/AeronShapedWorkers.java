package io.magnetar.perf;

import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.MessageHandler;
import io.magnetar.client.MessageView;
import io.magnetar.client.Producer;
import io.magnetar.client.SendReceiptHandler;
import org.agrona.BitUtil;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The senders and receivers of {@code --api aeron}: {@link Producer#offer(org.agrona.DirectBuffer, int, int)} from a
 * buffer and {@link Consumer#poll(MessageHandler, int)} with a flyweight, so neither side allocates per message.
 * The first 8 bytes of each payload carry its intended send time, as with the Pulsar-shaped workers.
 */
final class AeronShapedWorkers
{
    private static final int POLL_LIMIT = 16;

    private AeronShapedWorkers()
    {
    }

    /**
     * Times each offer's receipt, on the client's conductor thread, from the intended send time the sender left in
     * the slot of its sequence id; the sender writes the slot before the offer, so before the receipt can arrive.
     */
    static final class ReceiptTimer implements SendReceiptHandler
    {
        private final LoadRun run;
        private final long[] intendedNs;
        private final int mask;
        private LatencyMeter meter;

        /**
         * @param run                of the workers, for counts and failures.
         * @param maxPendingMessages of the producer: slots needed.
         */
        ReceiptTimer(final LoadRun run, final int maxPendingMessages)
        {
            this.run = run;
            this.intendedNs = new long[BitUtil.findNextPositivePowerOfTwo(maxPendingMessages + 1)];
            this.mask = intendedNs.length - 1;
        }

        /**
         * Set the meter before the sender thread starts.
         *
         * @param meter to record into.
         */
        void meter(final LatencyMeter meter)
        {
            this.meter = meter;
        }

        void onOffer(final long sequenceId, final long intendedTimeNs)
        {
            intendedNs[(int)sequenceId & mask] = intendedTimeNs;
        }

        public void onReceipt(final long sequenceId, final int shard, final long position)
        {
            meter.record(intendedNs[(int)sequenceId & mask], System.nanoTime());
            run.received.incrementAndGet();
        }

        public void onFailure(final long sequenceId, final MagnetarClientException failure)
        {
            run.onFailure(failure);
        }
    }

    /**
     * Reports failed offers when receipts are not timed.
     */
    static final class FailureWatcher implements SendReceiptHandler
    {
        private final LoadRun run;

        FailureWatcher(final LoadRun run)
        {
            this.run = run;
        }

        public void onReceipt(final long sequenceId, final int shard, final long position)
        {
        }

        public void onFailure(final long sequenceId, final MagnetarClientException failure)
        {
            run.onFailure(failure);
        }
    }

    /**
     * Offers one producer's messages on its pacer.
     */
    static final class SendLoop implements Runnable
    {
        private final LoadRun run;
        private final Producer producer;
        private final Pacer pacer;
        private final RunSchedule schedule;
        private final ReceiptTimer receiptTimer;
        private final UnsafeBuffer payload;
        private final int length;
        private final IdleStrategy idleStrategy = MagnetarClient.Configuration.backoffIdleStrategy();

        SendLoop(
            final LoadRun run,
            final Producer producer,
            final Pacer pacer,
            final RunSchedule schedule,
            final ReceiptTimer receiptTimer,
            final int size)
        {
            this.run = run;
            this.producer = producer;
            this.pacer = pacer;
            this.schedule = schedule;
            this.receiptTimer = receiptTimer;
            this.length = size;
            this.payload = new UnsafeBuffer(new byte[Math.max(Long.BYTES, size)]);
        }

        public void run()
        {
            try
            {
                while (true)
                {
                    final long intendedNs = pacer.awaitNext();
                    if (!schedule.acceptSend(intendedNs) || !offer(intendedNs))
                    {
                        break;
                    }
                    run.sent.incrementAndGet();
                }
            }
            catch (final MagnetarClientException ex)
            {
                run.onFailure(ex);
            }
        }

        private boolean offer(final long intendedNs) throws MagnetarClientException
        {
            payload.putLong(0, intendedNs);
            idleStrategy.reset();
            while (true)
            {
                final long result = producer.offer(payload, 0, length);
                if (result >= 0)
                {
                    if (null != receiptTimer)
                    {
                        receiptTimer.onOffer(result, intendedNs);
                    }
                    return true;
                }
                if (Producer.CLOSED == result)
                {
                    throw new MagnetarClientException("the producer, the client or the session closed");
                }
                if (schedule.isStopped() || !run.isRunning())
                {
                    return false;
                }
                idleStrategy.idle();
            }
        }
    }

    /**
     * Polls one consumer, records now minus the intended send time (or only counts), and acknowledges each message.
     */
    static final class ReceiveLoop implements Runnable, MessageHandler
    {
        private final LoadRun run;
        private final Consumer consumer;
        private final LatencyMeter meter;
        private final boolean countOnly;
        private final IdleStrategy idleStrategy = MagnetarClient.Configuration.backoffIdleStrategy();
        private MagnetarClientException ackFailure;

        ReceiveLoop(final LoadRun run, final Consumer consumer, final LatencyMeter meter, final boolean countOnly)
        {
            this.run = run;
            this.consumer = consumer;
            this.meter = meter;
            this.countOnly = countOnly;
        }

        public void run()
        {
            try
            {
                while (run.isRunning())
                {
                    idleStrategy.idle(consumer.poll(this, POLL_LIMIT));
                    if (null != ackFailure)
                    {
                        throw ackFailure;
                    }
                }
            }
            catch (final MagnetarClientException ex)
            {
                if (run.isRunning())
                {
                    run.onFailure(ex);
                }
            }
        }

        public void onMessage(final MessageView message)
        {
            final long nowNs = System.nanoTime();
            if (countOnly)
            {
                meter.count(nowNs, message.payloadLength());
            }
            else if (message.payloadLength() < Long.BYTES)
            {
                run.onFailure(new PerfException("message at " + message.position() + " of " +
                    message.payloadLength() + " bytes carries no send time: is another producer writing to " +
                    message.getTopicName() + "?"));
                return;
            }
            else
            {
                meter.record(message.buffer().getLong(message.payloadOffset()), nowNs);
            }
            run.received.incrementAndGet();

            try
            {
                consumer.acknowledge(message);
            }
            catch (final MagnetarClientException ex)
            {
                ackFailure = ex;
            }
        }
    }
}
