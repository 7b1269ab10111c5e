package io.magnetar.perf;

import io.magnetar.client.SubscriptionType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One side of a perf run (the broker, or the raw Aeron baseline): it sets up its resources, then runs sender and
 * receiver threads on a {@link RunSchedule}, recording into a {@link LatencyMeter}; {@link RunController} drives
 * it and reports.
 */
abstract class LoadRun implements AutoCloseable
{
    private static final long JOIN_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);

    /**
     * Settings of the run.
     */
    protected final PerfConfig config;

    /**
     * Messages sent, warm-up included.
     */
    protected final AtomicLong sent = new AtomicLong();

    /**
     * Messages (or receipts, or pongs) received, warm-up included.
     */
    protected final AtomicLong received = new AtomicLong();

    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final List<Thread> senders = new ArrayList<>();
    private final List<Thread> receivers = new ArrayList<>();
    private volatile boolean running = true;

    /**
     * @param config of the run; concluded.
     */
    LoadRun(final PerfConfig config)
    {
        this.config = config;
    }

    /**
     * Start what the run needs and connect: drivers, broker, clients, publications, subscriptions.
     *
     * @throws Exception if something could not be set up.
     */
    abstract void setUp() throws Exception;

    /**
     * Create the sender and receiver workers with {@link #addSender(String, Runnable)} and
     * {@link #addReceiver(String, Runnable)}; called once after {@link #setUp()}.
     *
     * @param schedule of the run.
     * @param meter    to record into.
     * @throws Exception if a worker could not be created.
     */
    abstract void createWorkers(RunSchedule schedule, LatencyMeter meter) throws Exception;

    /**
     * @return one line that says what is measured, e.g. the broker's URL or the baseline's topology.
     */
    abstract String description();

    /**
     * @return messages the receivers should have seen once everything sent has arrived.
     */
    long expectedReceived()
    {
        switch (config.workload())
        {
            case E2E:
                // every consumer gets each message on its own exclusive subscription, one of them on a shared one
                final boolean ownSubscriptions = SubscriptionType.EXCLUSIVE == config.subscriptions().type();
                return sent.get() * (ownSubscriptions ? config.consumers() : 1);
            case CONSUME:
                return received.get();
            default:
                return sent.get();
        }
    }

    /**
     * @return messages sent so far.
     */
    final long sent()
    {
        return sent.get();
    }

    /**
     * @return messages received so far.
     */
    final long received()
    {
        return received.get();
    }

    /**
     * Create the workers and start their threads.
     *
     * @param schedule of the run.
     * @param meter    to record into.
     * @throws Exception if a worker could not be created.
     */
    final void start(final RunSchedule schedule, final LatencyMeter meter) throws Exception
    {
        createWorkers(schedule, meter);
        for (final Thread thread : receivers)
        {
            thread.start();
        }
        for (final Thread thread : senders)
        {
            thread.start();
        }
    }

    /**
     * @param name   of the thread.
     * @param worker to run on it.
     */
    final void addSender(final String name, final Runnable worker)
    {
        senders.add(newThread(name, worker));
    }

    /**
     * @param name   of the thread.
     * @param worker to run on it.
     */
    final void addReceiver(final String name, final Runnable worker)
    {
        receivers.add(newThread(name, worker));
    }

    /**
     * @return true once every sender thread has finished.
     */
    final boolean sendersDone()
    {
        for (final Thread thread : senders)
        {
            if (thread.isAlive())
            {
                return false;
            }
        }

        return true;
    }

    /**
     * @return true until {@link #stopWorkers()}: receivers loop while it is.
     */
    final boolean isRunning()
    {
        return running && null == failure.get();
    }

    /**
     * Record the first failure of a worker; the run stops and reports it.
     *
     * @param error that happened.
     */
    final void onFailure(final Throwable error)
    {
        failure.compareAndSet(null, error);
    }

    /**
     * @return the first failure of a worker, or null.
     */
    final Throwable failure()
    {
        return failure.get();
    }

    /**
     * Stop the workers and wait for their threads.
     *
     * @param schedule of the run, stopped first so senders stop too.
     * @throws InterruptedException if interrupted while waiting.
     */
    final void stopWorkers(final RunSchedule schedule) throws InterruptedException
    {
        schedule.stop();
        running = false;
        for (final Thread thread : senders)
        {
            join(thread);
        }
        for (final Thread thread : receivers)
        {
            join(thread);
        }
    }

    private void join(final Thread thread) throws InterruptedException
    {
        thread.join(JOIN_TIMEOUT_MS);
        if (thread.isAlive())
        {
            thread.interrupt();
            thread.join(JOIN_TIMEOUT_MS);
            if (thread.isAlive())
            {
                onFailure(new IllegalStateException("thread " + thread.getName() + " did not stop"));
            }
        }
    }

    private Thread newThread(final String name, final Runnable worker)
    {
        final Thread thread = new Thread(worker, name);
        thread.setDaemon(true);
        thread.setUncaughtExceptionHandler(this::onUncaught);
        return thread;
    }

    private void onUncaught(final Thread thread, final Throwable error)
    {
        onFailure(error);
    }

    /**
     * Release everything {@link #setUp()} created; safe after a partial set-up.
     */
    public abstract void close();
}
