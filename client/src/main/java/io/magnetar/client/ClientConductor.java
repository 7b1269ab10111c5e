package io.magnetar.client;

import org.agrona.ErrorHandler;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.IdleStrategy;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The client's only agent: it polls the egress and routes answers to pending requests, receipts to producers and
 * messages to consumers. It owns the routing tables; other threads change them only through tasks they put on its
 * queue. A lookup that misses runs the queued tasks and looks again, because a requesting thread queues its
 * registration before it offers the request, and so before the answer can arrive.
 * <p>
 * The conductor also watches the session with the broker through its {@link SessionLiveness}; once the session is
 * lost, each duty cycle fails whatever still waits.
 */
final class ClientConductor implements Agent
{
    /**
     * Name of the agent, and of the conductor thread.
     */
    static final String ROLE_NAME = "magnetar-client-conductor";

    private static final int TASK_QUEUE_CAPACITY = 1024;
    private static final int TASK_DRAIN_LIMIT = 64;
    private static final long SEND_TIMEOUT_CHECK_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final String SESSION_CLOSED_TEXT = "session closed";

    private final MpscArrayQueue<Runnable> taskQueue = new MpscArrayQueue<>(TASK_QUEUE_CAPACITY);
    private final MessagePassingQueue.Consumer<Runnable> taskRunner = this::runTask;
    private final RequestAnswers answers = new RequestAnswers(this::runTasks);
    private final Long2ObjectHashMap<ProducerImpl> producerById = new Long2ObjectHashMap<>();
    private final ArrayList<ProducerImpl> batchingProducers = new ArrayList<>();
    private final ArrayList<ConsumerImpl> timedConsumers = new ArrayList<>();
    private final Long2ObjectHashMap<ConsumerImpl> consumerById = new Long2ObjectHashMap<>();
    private final ErrorHandler errorHandler;
    private final SessionLiveness liveness;
    private EgressAdapter egressAdapter;
    private IngressProxy ingressProxy;
    private long nowNs;
    private long nextSendTimeoutCheckNs;
    private final ReentrantLock cycleLock = new ReentrantLock();
    private volatile boolean isClosed;

    /**
     * @param errorHandler for failures that no caller waits for.
     * @param liveness     of the session with the broker, which the conductor checks.
     */
    ClientConductor(final ErrorHandler errorHandler, final SessionLiveness liveness)
    {
        this.errorHandler = errorHandler;
        this.liveness = liveness;
    }

    /**
     * Set the adapter that polls the egress; done once before the agent starts.
     *
     * @param egressAdapter to poll in each duty cycle.
     */
    void egressAdapter(final EgressAdapter egressAdapter)
    {
        this.egressAdapter = egressAdapter;
    }

    /**
     * Set the proxy whose publication is watched; done once before the agent starts.
     *
     * @param ingressProxy of the client.
     */
    void ingressProxy(final IngressProxy ingressProxy)
    {
        this.ingressProxy = ingressProxy;
    }

    /**
     * @return the liveness of the session the conductor checks.
     */
    SessionLiveness liveness()
    {
        return liveness;
    }

    /**
     * @return the error handler of the client.
     */
    ErrorHandler errorHandler()
    {
        return errorHandler;
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        nowNs = System.nanoTime();
        nextSendTimeoutCheckNs = nowNs + SEND_TIMEOUT_CHECK_INTERVAL_NS;
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        int workCount = taskQueue.drain(taskRunner, TASK_DRAIN_LIMIT);
        workCount += egressAdapter.poll();

        nowNs = System.nanoTime();
        final ArrayList<ProducerImpl> batchingProducers = this.batchingProducers;
        for (int i = 0, size = batchingProducers.size(); i < size; i++)
        {
            workCount += batchingProducers.get(i).flushBatchIfDue(nowNs);
        }
        final ArrayList<ConsumerImpl> timedConsumers = this.timedConsumers;
        for (int i = 0, size = timedConsumers.size(); i < size; i++)
        {
            workCount += timedConsumers.get(i).onTimers(nowNs);
        }

        if (nowNs - nextSendTimeoutCheckNs >= 0)
        {
            nextSendTimeoutCheckNs = nowNs + SEND_TIMEOUT_CHECK_INTERVAL_NS;
            for (final ProducerImpl producer : producerById.values())
            {
                workCount += producer.window().onTimeoutCheck(nowNs);
            }

            answers.expireIgnored(nowNs);

            workCount += liveness.check(nowNs, null != ingressProxy && ingressProxy.isConnected());
        }

        final String loss = liveness.connectionLoss();
        if (null != loss)
        {
            workCount += failWaiting(loss);
        }

        return workCount;
    }

    /**
     * Fail everything still waiting: the client is closing.
     */
    public void onClose()
    {
        isClosed = true;
        liveness.onClosed();
        taskQueue.drain(taskRunner);

        final MagnetarClientException closed = new MagnetarClientException("the client is closed");
        answers.failAll(closed, null);

        for (final ProducerImpl producer : producerById.values())
        {
            producer.onRemoved("the client closed before the broker sent a receipt");
        }
        producerById.clear();
        batchingProducers.clear();

        for (final ConsumerImpl consumer : consumerById.values())
        {
            consumer.onRemoved();
        }
        consumerById.clear();
        timedConsumers.clear();
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return ROLE_NAME;
    }

    /**
     * @return true if the calling thread is running a duty cycle: the conductor thread, or an application thread
     * inside one (its callbacks must not wait for the conductor).
     */
    boolean isConductorThread()
    {
        return cycleLock.isHeldByCurrentThread();
    }

    /**
     * @return the lock held by whichever thread runs a duty cycle ({@link SharedDutyCycle}).
     */
    ReentrantLock cycleLock()
    {
        return cycleLock;
    }

    /**
     * Register a request before offering it.
     *
     * @param request    to route the answer to.
     * @param deadlineNs bound on waiting for room in the task queue.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    void addRequest(final PendingRequest request, final long deadlineNs) throws MagnetarClientException
    {
        submit(() -> answers.put(request), deadlineNs);
    }

    /**
     * Forget a request that timed out or could not be offered. Best effort: never throws.
     *
     * @param request to forget.
     */
    void removeRequest(final PendingRequest request)
    {
        offerQuietly(() -> answers.remove(request));
    }

    /**
     * Drop the answer to a request without a waiting caller, e.g. a best-effort close, instead of reporting it as
     * unexpected. Best effort: never throws.
     *
     * @param correlationId of the request.
     * @param deadlineNs    after which a late answer is no longer expected.
     */
    void ignoreAnswer(final long correlationId, final long deadlineNs)
    {
        offerQuietly(() -> answers.ignore(correlationId, deadlineNs));
    }

    /**
     * Route receipts to a producer.
     *
     * @param producer   to add.
     * @param deadlineNs bound on waiting for room in the task queue.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    void addProducer(final ProducerImpl producer, final long deadlineNs) throws MagnetarClientException
    {
        submit(
            () ->
            {
                producerById.put(producer.producerId(), producer);
                if (producer.isBatching())
                {
                    batchingProducers.add(producer);
                }
            },
            deadlineNs);
    }

    /**
     * Stop routing to a producer and fail its pending sends; wait (bounded) until that is done.
     *
     * @param producer   to remove.
     * @param reason     given to pending sends.
     * @param deadlineNs bound on the wait.
     */
    void removeProducer(final ProducerImpl producer, final String reason, final long deadlineNs)
    {
        awaitTask(
            () ->
            {
                producerById.remove(producer.producerId());
                batchingProducers.remove(producer);
                producer.onRemoved(reason);
            },
            deadlineNs);
    }

    /**
     * Route messages to a consumer.
     *
     * @param consumer   to add.
     * @param deadlineNs bound on waiting for room in the task queue.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    void addConsumer(final ConsumerImpl consumer, final long deadlineNs) throws MagnetarClientException
    {
        submit(
            () ->
            {
                consumerById.put(consumer.consumerId(), consumer);
                if (consumer.hasTimers())
                {
                    timedConsumers.add(consumer);
                }
            },
            deadlineNs);
    }

    /**
     * Look at a consumer's timers every cycle from now on: its first negative acknowledgement.
     *
     * @param consumer   to watch.
     * @param deadlineNs bound on waiting for room in the task queue.
     * @throws MagnetarClientException if the client is closed or the task queue stays full.
     */
    void watchTimers(final ConsumerImpl consumer, final long deadlineNs) throws MagnetarClientException
    {
        submit(
            () ->
            {
                if (consumerById.containsKey(consumer.consumerId()) && !timedConsumers.contains(consumer))
                {
                    timedConsumers.add(consumer);
                }
            },
            deadlineNs);
    }

    /**
     * Stop routing to a consumer; wait (bounded) until that is done.
     *
     * @param consumer   to remove.
     * @param deadlineNs bound on the wait.
     */
    void removeConsumer(final ConsumerImpl consumer, final long deadlineNs)
    {
        awaitTask(
            () ->
            {
                consumerById.remove(consumer.consumerId());
                timedConsumers.remove(consumer);
                consumer.onRemoved();
            },
            deadlineNs);
    }

    /**
     * @return the requests waiting for answers, and the answers' routes to them.
     */
    RequestAnswers answers()
    {
        return answers;
    }

    void onConnected(
        final long correlationId,
        final int egressSessionId,
        final int protocolVersion,
        final int maxMessageSize,
        final String brokerName)
    {
        final PendingRequest request = answers.take(correlationId, EgressAdapter.CONNECTED);
        if (null != request)
        {
            liveness.onEstablished(egressAdapter.image(egressSessionId));
            request.answerValue = protocolVersion;
            request.answerInt = maxMessageSize;
            request.answerText = brokerName;
            request.onAnswer();
        }
    }

    void onError(final long correlationId, final MagnetarClientException.ErrorCode code, final String text)
    {
        final PendingRequest request = answers.takeForError(correlationId);

        if (null != request)
        {
            request.onError(code, text);
        }
        else if (Protocol.NULL_CORRELATION_ID == correlationId && null != text && text.contains(SESSION_CLOSED_TEXT))
        {
            liveness.onConnectionLost(
                "the broker closed the session: " + MagnetarClientException.describe(code, text));
        }
        else if (!answers.wasIgnored(correlationId))
        {
            errorHandler.onError(new MagnetarClientException(code, "broker error" +
                (Protocol.NULL_CORRELATION_ID == correlationId ? "" : " for request " + correlationId) + ": " +
                MagnetarClientException.describe(code, text)));
        }
    }

    void onSendReceipt(final long sequenceId, final long producerId, final int shard, final long position)
    {
        final ProducerImpl producer = producer(producerId);
        if (null != producer)
        {
            producer.window().onReceipt(sequenceId, shard, position);
        }
    }

    void onSendError(
        final long sequenceId, final long producerId, final MagnetarClientException.ErrorCode code, final String text)
    {
        final ProducerImpl producer = producer(producerId);
        if (null != producer)
        {
            producer.onSendError(sequenceId, code, text);
        }
    }

    /**
     * Find the consumer a pushed message is for.
     *
     * @param consumerId from the message.
     * @return the consumer or null if it is closed or unknown.
     */
    ConsumerImpl consumer(final long consumerId)
    {
        ConsumerImpl consumer = consumerById.get(consumerId);
        if (null == consumer)
        {
            runTasks();
            consumer = consumerById.get(consumerId);
        }

        return consumer;
    }

    private ProducerImpl producer(final long producerId)
    {
        ProducerImpl producer = producerById.get(producerId);
        if (null == producer)
        {
            runTasks();
            producer = producerById.get(producerId);
        }

        return producer;
    }

    private int failWaiting(final String loss)
    {
        int failed = answers.failAll(null, loss);

        for (final ProducerImpl producer : producerById.values())
        {
            // called in every duty cycle after the loss, so sends offered while it was being noticed fail too
            failed += producer.window().failAll(loss, true);
        }

        return failed;
    }

    private void runTasks()
    {
        taskQueue.drain(taskRunner);
    }

    private void runTask(final Runnable task)
    {
        try
        {
            task.run();
        }
        catch (final Exception ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void submit(final Runnable task, final long deadlineNs) throws MagnetarClientException
    {
        IdleStrategy idleStrategy = null;
        while (!taskQueue.offer(task))
        {
            if (isClosed)
            {
                throw new MagnetarClientException("the client is closed");
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new MagnetarClientException.TimeoutException("the client conductor's task queue stayed full");
            }
            if (null == idleStrategy)
            {
                idleStrategy = Connector.newWaitingIdleStrategy();
            }
            idleStrategy.idle();
        }

        if (isClosed)
        {
            throw new MagnetarClientException("the client is closed");
        }
    }

    private void offerQuietly(final Runnable task)
    {
        if (!isClosed && !taskQueue.offer(task))
        {
            errorHandler.onError(new MagnetarClientException("client conductor task queue full: a task was dropped"));
        }
    }

    private void awaitTask(final Runnable task, final long deadlineNs)
    {
        if (isClosed)
        {
            return;
        }

        final TaskCompletion completion = new TaskCompletion(task);
        try
        {
            submit(completion, deadlineNs);
            final IdleStrategy idleStrategy = Connector.newWaitingIdleStrategy();
            while (!completion.isDone && !isClosed && System.nanoTime() - deadlineNs < 0)
            {
                idleStrategy.idle();
            }
        }
        catch (final MagnetarClientException ex)
        {
            if (!isClosed)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * A task whose completion a thread can wait for.
     */
    private static final class TaskCompletion implements Runnable
    {
        private final Runnable task;
        volatile boolean isDone;

        TaskCompletion(final Runnable task)
        {
            this.task = task;
        }

        public void run()
        {
            try
            {
                task.run();
            }
            finally
            {
                isDone = true;
            }
        }
    }
}
