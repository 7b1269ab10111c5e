package io.magnetar.perf;

import io.magnetar.client.Consumer;
import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.MessageId;
import io.magnetar.client.Producer;
import io.magnetar.client.SendReceiptHandler;
import io.magnetar.client.SubscriptionType;
import io.magnetar.mediadriver.Durability;
import org.agrona.CloseHelper;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The broker side of a run: an embedded broker (or a running one), one Magnetar client (UDP with its own embedded
 * media driver, or IPC through the broker's driver), and the workload's producers and consumers on their own
 * threads.
 */
final class BrokerLoad extends LoadRun
{
    private static final long RECEIVE_POLL_MS = 100;
    private static final int MAX_PENDING_MESSAGES = 1000;
    private static final int BATCHES_IN_FLIGHT = 4;
    private static final int RECEIVER_QUEUE_SIZE = 1000;

    private final BiConsumer<MessageId, Throwable> sendFailureWatcher = this::onSendCompleted;
    private EmbeddedBroker broker;
    private IdleTopicSetup idleTopics;
    private BurstRun burst;
    private MagnetarClient client;
    private String target;
    private Producer[][] producers;
    private AeronShapedWorkers.ReceiptTimer[][] receiptTimers;
    private Consumer[][] consumers;
    private Producer pingProducer;
    private Producer pongProducer;
    private Consumer pingConsumer;
    private Consumer pongConsumer;

    /**
     * @param config of the run; concluded.
     */
    BrokerLoad(final PerfConfig config)
    {
        super(config);
    }

    void setUp() throws Exception
    {
        final String serviceUrl;
        final String aeronDir;
        if (null == config.serviceUrl())
        {
            broker = EmbeddedBroker.launch(config, this::onBrokerError);
            if (config.idleTopics().topics() > 0)
            {
                idleTopics = new IdleTopicSetup(config, broker.aeronDirectoryName());
                idleTopics.run();
                if (config.idleTopics().restart())
                {
                    idleTopics.close(); // its session is on the driver that stops with the broker
                    final long[] stopAndStartMs = broker.restart(config, this::onBrokerError);
                    idleTopics.onRestarted(stopAndStartMs[0], stopAndStartMs[1], broker.recoveryLines());
                }
            }
            if (config.transport() == Transport.IPC)
            {
                serviceUrl = "magnetar+ipc://";
                aeronDir = broker.aeronDirectoryName();
            }
            else
            {
                serviceUrl = broker.serviceUrl();
                aeronDir = null;
            }
            target = "embedded broker (" + config.profile().cliName() + " profile, " +
                (config.durability() == Durability.FSYNC ? "fsync" : "archived") + " durability), client " +
                serviceUrl + (null == aeronDir ? " with its own media driver" : " via " + aeronDir);
        }
        else
        {
            serviceUrl = config.serviceUrl();
            aeronDir = config.aeronDirectoryName();
            target = "broker at " + serviceUrl + (null == aeronDir ? "" : " via " + aeronDir);
        }

        client = MagnetarClient.builder()
            .serviceUrl(serviceUrl)
            .aeronDirectoryName(aeronDir)
            .operationTimeout(Duration.ofNanos(config.operationTimeoutNs()))
            .termLength(config.termLength())
            .clientName("magnetar-perf")
            .errorHandler(this::onClientError)
            .build();
        if (config.burst().messages() > 0)
        {
            burst = new BurstRun(config, this);
            burst.setUp(serviceUrl, aeronDir);
        }
        if (config.size() > client.maxMessageSize())
        {
            throw new PerfException("size " + config.size() + " is larger than the broker's maximum message size " +
                client.maxMessageSize());
        }

        switch (config.workload())
        {
            case E2E:
                consumers = subscribeAll();
                producers = createProducers();
                break;

            case PRODUCE:
                producers = createProducers();
                break;

            case CONSUME:
                consumers = subscribeAll();
                break;

            case PINGPONG:
                pongConsumer = subscribe(config.topicName("pong"), config.subscriptions().name() + "-pinger");
                pingConsumer = subscribe(config.topicName("ping"), config.subscriptions().name() + "-responder");
                pingProducer = client.newProducer().topic(config.topicName("ping"))
                    .maxPendingMessages(MAX_PENDING_MESSAGES).create();
                pongProducer = client.newProducer().topic(config.topicName("pong"))
                    .maxPendingMessages(MAX_PENDING_MESSAGES).create();
                break;
        }
    }

    void createWorkers(final RunSchedule schedule, final LatencyMeter meter)
    {
        final int senderCount = config.topics() * config.producers();
        final double ratePerSender = config.rate() / (double)senderCount;
        final double offsetNs = config.rate() > 0 ? 1e9 / config.rate() : 0;

        switch (config.workload())
        {
            case E2E:
            case PRODUCE:
            {
                final boolean timeReceipts = config.workload() == Workload.PRODUCE;
                int index = 0;
                for (int t = 0; t < config.topics(); t++)
                {
                    for (int p = 0; p < config.producers(); p++)
                    {
                        final Pacer pacer = newPacer(schedule.startNs() + (long)(index * offsetNs), ratePerSender);
                        final Runnable sender;
                        if (config.api() == ClientApi.AERON)
                        {
                            final AeronShapedWorkers.ReceiptTimer timer = timeReceipts ? receiptTimers[t][p] : null;
                            if (null != timer)
                            {
                                timer.meter(meter);
                            }
                            sender = new AeronShapedWorkers.SendLoop(
                                this, producers[t][p], pacer, schedule, timer, config.size());
                        }
                        else
                        {
                            sender = new SendLoop(producers[t][p], pacer, schedule, meter, timeReceipts);
                        }
                        addSender("perf-producer-" + t + "-" + p, sender);
                        index++;
                    }
                }
                if (config.workload() == Workload.E2E)
                {
                    addReceivers(meter, false);
                }
                if (null != burst)
                {
                    meter.burst(burst);
                    addSender("perf-burst", burst.sender(schedule));
                }
                break;
            }

            case CONSUME:
                addReceivers(meter, true);
                break;

            case PINGPONG:
                addReceiver("perf-responder", new Responder());
                addSender("perf-pinger", new Pinger(newPacer(schedule.startNs(), config.rate()), schedule, meter));
                break;
        }
    }

    /**
     * @return sends a producer of the run keeps in flight: room for a few whole batches when it batches.
     */
    private int maxPendingMessages()
    {
        return config.batching().enabled() ?
            Math.max(MAX_PENDING_MESSAGES, BATCHES_IN_FLIGHT * config.batching().maxMessages()) : MAX_PENDING_MESSAGES;
    }

    String description()
    {
        final String batching = config.batching().describe();
        final String described = batching.isEmpty() ? target : target + "; " + batching;
        if (null == idleTopics)
        {
            return described;
        }

        final IdleTopicsConfig idle = config.idleTopics();
        return described + String.format(Locale.ROOT, "; %,d idle topics x %d subscription(s)%s", idle.topics(),
            idle.subscriptionsPerTopic(), idle.consumers() ? " with consumers" : "");
    }

    /**
     * @return the bursting client of the fairness workload, or null without {@code --burst}.
     */
    BurstRun burst()
    {
        return burst;
    }

    /**
     * @return the idle topics set up before the run, with their figures, or null if there were none.
     */
    IdleTopicSetup idleTopics()
    {
        return idleTopics;
    }

    public void close()
    {
        try
        {
            CloseHelper.closeAll(burst, idleTopics);
            if (null != client)
            {
                client.close();
            }
        }
        catch (final MagnetarClientException ex)
        {
            System.err.println("perf: closing the client: " + ex.getMessage());
        }
        finally
        {
            if (null != broker)
            {
                broker.close();
            }
        }
    }

    private Pacer newPacer(final long startNs, final double rate)
    {
        return new Pacer(startNs, rate, config.pacerSpinThresholdNs(), config.pacerParkThresholdNs());
    }

    private void addReceivers(final LatencyMeter meter, final boolean countOnly)
    {
        for (int t = 0; t < config.topics(); t++)
        {
            for (int c = 0; c < config.consumers(); c++)
            {
                addReceiver("perf-consumer-" + t + "-" + c, config.api() == ClientApi.AERON ?
                    new AeronShapedWorkers.ReceiveLoop(this, consumers[t][c], meter, countOnly) :
                    new ReceiveLoop(consumers[t][c], meter, countOnly));
            }
        }
    }

    private Consumer[][] subscribeAll() throws MagnetarClientException
    {
        final Consumer[][] result = new Consumer[config.topics()][config.consumers()];
        for (int t = 0; t < config.topics(); t++)
        {
            for (int c = 0; c < config.consumers(); c++)
            {
                final boolean ownSubscription = SubscriptionType.EXCLUSIVE == config.subscriptions().type();
                result[t][c] = subscribe(config.topicName(Integer.toString(t)),
                    ownSubscription ? config.subscriptions().name() + "-" + c : config.subscriptions().name());
            }
        }

        return result;
    }

    private Consumer subscribe(final String topic, final String subscription) throws MagnetarClientException
    {
        return config.batching().applyTo(client.newConsumer())
            .topic(topic)
            .subscriptionName(subscription)
            .subscriptionType(config.subscriptions().type())
            .subscriptionInitialPosition(config.subscriptions().initialPosition())
            .receiverQueueSize(RECEIVER_QUEUE_SIZE)
            .consumerName("magnetar-perf")
            .subscribe();
    }

    private Producer[][] createProducers() throws MagnetarClientException
    {
        final Producer[][] result = new Producer[config.topics()][config.producers()];
        final boolean isAeronShaped = config.api() == ClientApi.AERON;
        final boolean timeReceipts = config.workload() == Workload.PRODUCE;
        receiptTimers = new AeronShapedWorkers.ReceiptTimer[config.topics()][config.producers()];
        for (int t = 0; t < config.topics(); t++)
        {
            for (int p = 0; p < config.producers(); p++)
            {
                SendReceiptHandler receiptHandler = null;
                if (isAeronShaped)
                {
                    receiptTimers[t][p] = timeReceipts ?
                        new AeronShapedWorkers.ReceiptTimer(this, maxPendingMessages()) : null;
                    receiptHandler = timeReceipts ? receiptTimers[t][p] : new AeronShapedWorkers.FailureWatcher(this);
                }
                result[t][p] = config.batching().applyTo(client.newProducer())
                    .topic(config.topicName(Integer.toString(t)))
                    .maxPendingMessages(maxPendingMessages())
                    .receiptHandler(receiptHandler)
                    .create();
            }
        }

        return result;
    }

    private void onSendCompleted(final MessageId messageId, final Throwable error)
    {
        if (null != error)
        {
            onFailure(error);
        }
    }

    private void onBrokerError(final Throwable error)
    {
        onFailure(new PerfException("broker error: " + error, error));
    }

    private void onClientError(final Throwable error)
    {
        if (isRunning())
        {
            onFailure(new PerfException("client error: " + error, error));
        }
    }

    private static long intendedTime(final UnsafeBuffer view, final Message message) throws PerfException
    {
        final byte[] data = message.getData();
        if (data.length < Long.BYTES)
        {
            throw new PerfException("message " + message.getMessageId() + " of " + data.length +
                " bytes carries no send time: is another producer writing to " + message.getTopicName() + "?");
        }
        view.wrap(data);
        return view.getLong(0);
    }

    /**
     * Times a send from its intended time to its receipt, on the client's conductor thread; pooled, one per send in
     * flight.
     */
    private final class ReceiptTimer implements BiConsumer<MessageId, Throwable>
    {
        private final ManyToOneConcurrentArrayQueue<ReceiptTimer> pool;
        private final LatencyMeter meter;
        private long intendedNs;

        ReceiptTimer(final ManyToOneConcurrentArrayQueue<ReceiptTimer> pool, final LatencyMeter meter)
        {
            this.pool = pool;
            this.meter = meter;
        }

        public void accept(final MessageId messageId, final Throwable error)
        {
            if (null == error)
            {
                meter.record(intendedNs, System.nanoTime());
                received.incrementAndGet();
            }
            else
            {
                onFailure(error);
            }
            pool.offer(this);
        }
    }

    /**
     * Sends one producer's messages on its pacer; the first 8 bytes of the payload carry the intended send time.
     */
    private final class SendLoop implements Runnable
    {
        private final Producer producer;
        private final Pacer pacer;
        private final RunSchedule schedule;
        private final byte[] payload = new byte[config.size()];
        private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(payload);
        private final ManyToOneConcurrentArrayQueue<ReceiptTimer> receiptTimers;
        private final IdleStrategy idleStrategy = MagnetarClient.Configuration.backoffIdleStrategy();

        SendLoop(
            final Producer producer,
            final Pacer pacer,
            final RunSchedule schedule,
            final LatencyMeter meter,
            final boolean timeReceipts)
        {
            this.producer = producer;
            this.pacer = pacer;
            this.schedule = schedule;
            if (timeReceipts)
            {
                final int timers = maxPendingMessages() + 64;
                receiptTimers = new ManyToOneConcurrentArrayQueue<>(timers);
                for (int i = 0; i < timers; i++)
                {
                    receiptTimers.offer(new ReceiptTimer(receiptTimers, meter));
                }
            }
            else
            {
                receiptTimers = null;
            }
        }

        public void run()
        {
            while (true)
            {
                final long intendedNs = pacer.awaitNext();
                if (!schedule.acceptSend(intendedNs))
                {
                    break;
                }

                payloadBuffer.putLong(0, intendedNs);
                if (null == receiptTimers)
                {
                    producer.sendAsync(payload).whenComplete(sendFailureWatcher);
                }
                else
                {
                    final ReceiptTimer timer = nextTimer();
                    if (null == timer)
                    {
                        break;
                    }
                    timer.intendedNs = intendedNs;
                    producer.sendAsync(payload).whenComplete(timer);
                }
                sent.incrementAndGet();
            }
        }

        private ReceiptTimer nextTimer()
        {
            ReceiptTimer timer;
            idleStrategy.reset();
            while (null == (timer = receiptTimers.poll()))
            {
                if (schedule.isStopped())
                {
                    return null;
                }
                idleStrategy.idle();
            }

            return timer;
        }
    }

    /**
     * Receives one consumer's messages, records now minus the intended send time (or only counts them), and
     * acknowledges each.
     */
    private final class ReceiveLoop implements Runnable
    {
        private final Consumer consumer;
        private final LatencyMeter meter;
        private final boolean countOnly;
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[Long.BYTES]);

        ReceiveLoop(final Consumer consumer, final LatencyMeter meter, final boolean countOnly)
        {
            this.consumer = consumer;
            this.meter = meter;
            this.countOnly = countOnly;
        }

        public void run()
        {
            try
            {
                while (isRunning())
                {
                    final Message message = consumer.receive(RECEIVE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (null == message)
                    {
                        continue;
                    }

                    final long nowNs = System.nanoTime();
                    if (countOnly)
                    {
                        meter.count(nowNs, message.getData().length);
                    }
                    else
                    {
                        meter.record(intendedTime(view, message), nowNs);
                    }
                    received.incrementAndGet();
                    consumer.acknowledge(message.getMessageId());
                }
            }
            catch (final MagnetarClientException | PerfException ex)
            {
                if (isRunning())
                {
                    onFailure(ex);
                }
            }
        }
    }

    /**
     * Closed loop: sends a ping, waits for its pong, records the round trip from the intended send time.
     */
    private final class Pinger implements Runnable
    {
        private final Pacer pacer;
        private final RunSchedule schedule;
        private final LatencyMeter meter;
        private final byte[] payload = new byte[config.size()];
        private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(payload);
        private final UnsafeBuffer view = new UnsafeBuffer(new byte[Long.BYTES]);

        Pinger(final Pacer pacer, final RunSchedule schedule, final LatencyMeter meter)
        {
            this.pacer = pacer;
            this.schedule = schedule;
            this.meter = meter;
        }

        public void run()
        {
            try
            {
                while (true)
                {
                    final long intendedNs = pacer.awaitNext();
                    if (!schedule.acceptSend(intendedNs))
                    {
                        break;
                    }

                    payloadBuffer.putLong(0, intendedNs);
                    pingProducer.sendAsync(payload).whenComplete(sendFailureWatcher);
                    sent.incrementAndGet();

                    final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
                    Message pong;
                    while (null == (pong = pongConsumer.receive(RECEIVE_POLL_MS, TimeUnit.MILLISECONDS)))
                    {
                        if (!isRunning() || schedule.isStopped())
                        {
                            return;
                        }
                        if (System.nanoTime() - deadlineNs >= 0)
                        {
                            throw new PerfException("no pong within " +
                                TimeUnit.NANOSECONDS.toMillis(config.operationTimeoutNs()) + " ms");
                        }
                    }

                    meter.record(intendedTime(view, pong), System.nanoTime());
                    received.incrementAndGet();
                    pongConsumer.acknowledge(pong.getMessageId());
                }
            }
            catch (final MagnetarClientException | PerfException ex)
            {
                onFailure(ex);
            }
        }
    }

    /**
     * Answers each ping with the same payload on pong.
     */
    private final class Responder implements Runnable
    {
        public void run()
        {
            try
            {
                while (isRunning())
                {
                    final Message ping = pingConsumer.receive(RECEIVE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (null != ping)
                    {
                        pongProducer.sendAsync(ping.getData()).whenComplete(sendFailureWatcher);
                        pingConsumer.acknowledge(ping.getMessageId());
                    }
                }
            }
            catch (final MagnetarClientException ex)
            {
                if (isRunning())
                {
                    onFailure(ex);
                }
            }
        }
    }
}
