package io.magnetar.perf;

import io.aeron.Aeron;
import io.aeron.ChannelUri;
import io.aeron.ChannelUriStringBuilder;
import io.aeron.CommonContext;
import io.aeron.ExclusivePublication;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.aeron.exceptions.AeronException;
import io.aeron.logbuffer.FragmentHandler;
import io.aeron.logbuffer.Header;
import io.magnetar.mediadriver.IdleConfiguration;
import io.magnetar.mediadriver.Profile;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.AgentRunner;
import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.client.MagnetarClient;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The raw Aeron floor: the run's workload with no broker, over the same transport, with the same topology and idle
 * strategies ({@code raw-aeron}), or with the same topology and the fastest idle strategies this box allows for it
 * ({@code raw-aeron-best}: every thread yields when idle and never parks; with more threads than cores on the message
 * path, as here, spinning only takes the core from the thread that has the message). Producers publish to a relay
 * ({@link RelayAgent}, the broker's stand-in) that copies each message to the consumers' (or, for produce, back to
 * the producer's) subscriptions.
 * <ul>
 *     <li>UDP: two media drivers, a client-side one (the client's embedded driver) and a broker-side one (the
 *     broker's driver); messages cross UDP loopback twice.</li>
 *     <li>IPC: one media driver, IPC channels.</li>
 *     <li>The broker-side driver is SHARED with a backoff idle strategy in the default profile, and INVOKER, invoked
 *     by the busy-spinning relay thread, in the low-latency profile, as the broker's driver is. The relay thread
 *     idles as the broker's agent thread does; consumers poll with the client conductor's backoff strategy.</li>
 * </ul>
 */
final class RawAeronLoad extends LoadRun
{
    private static final int IN_STREAM_ID_BASE = 2001;
    private static final int OUT_STREAM_ID_BASE = 3001;
    private static final int FRAGMENT_LIMIT = 20;
    private static final String LOCAL_UDP_CHANNEL = "aeron:udp?endpoint=localhost:0";

    private final List<Subscription> relayIn = new ArrayList<>();
    private final List<ExclusivePublication[]> relayOut = new ArrayList<>();
    private final List<Subscription> clientIn = new ArrayList<>();
    private final List<ExclusivePublication> clientOut = new ArrayList<>();
    private MediaDriver clientDriver;
    private MediaDriver brokerDriver;
    private Aeron clientAeron;
    private Aeron relayAeron;
    private AgentRunner relayRunner;
    private final List<String> relayEndpoints = new ArrayList<>();
    private final boolean best;

    /**
     * @param config of the run; concluded.
     * @param best   the fastest idle strategies this box allows, rather than the broker run's.
     */
    RawAeronLoad(final PerfConfig config, final boolean best)
    {
        super(config);
        this.best = best;
    }

    /**
     * @param profile of the broker run.
     * @return the idle strategy of the relay thread: the broker's agent thread's in that profile, or the best.
     */
    IdleStrategy brokerIdleStrategy(final Profile profile)
    {
        if (best)
        {
            return new YieldingIdleStrategy();
        }

        return profile == Profile.LOW_LATENCY ? new BusySpinIdleStrategy() : BrokerConfiguration.agentIdleStrategy();
    }

    /**
     * @return the idle strategy of the client's threads: the client conductor's, which receives for the
     * application, or the best.
     */
    IdleStrategy clientIdleStrategy()
    {
        return best ?
            new YieldingIdleStrategy() :
            MagnetarClient.Configuration.backoffIdleStrategy();
    }

    void setUp() throws Exception
    {
        final boolean udp = config.transport() == Transport.UDP;
        final boolean invoker = config.profile() == Profile.LOW_LATENCY;

        if (udp)
        {
            clientDriver = launchDriver(ThreadingMode.SHARED);
            clientAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(clientDriver.aeronDirectoryName())
                .errorHandler(this::onFailure));
        }
        brokerDriver = launchDriver(invoker ? ThreadingMode.INVOKER : ThreadingMode.SHARED);
        final AgentInvoker driverInvoker = invoker ? brokerDriver.sharedAgentInvoker() : null;
        final Aeron.Context relayCtx = new Aeron.Context()
            .aeronDirectoryName(brokerDriver.aeronDirectoryName())
            .errorHandler(this::onFailure);
        if (invoker)
        {
            relayCtx.useConductorAgentInvoker(true).driverAgentInvoker(driverInvoker);
        }
        relayAeron = Aeron.connect(relayCtx);

        final int routeCount = routeCount();
        final List<String> clientEndpoints = new ArrayList<>();
        if (udp)
        {
            // the client's receiving subscriptions exist first: the relay publishes to their endpoints
            for (int r = 0; r < routeCount; r++)
            {
                for (int o = 0; o < outCount(r); o++)
                {
                    final Subscription subscription = clientAeron.addSubscription(
                        LOCAL_UDP_CHANNEL, OUT_STREAM_ID_BASE + outStreamOffset(r, o));
                    clientIn.add(subscription);
                    clientEndpoints.add(resolveEndpoint(clientAeron, null, subscription));
                }
            }
        }

        for (int r = 0; r < routeCount; r++)
        {
            final Subscription subscription = relayAeron.addSubscription(
                udp ? LOCAL_UDP_CHANNEL : "aeron:ipc", IN_STREAM_ID_BASE + r);
            relayIn.add(subscription);
            if (udp)
            {
                relayEndpoints.add(resolveEndpoint(relayAeron, driverInvoker, subscription));
            }
            final ExclusivePublication[] outs = new ExclusivePublication[outCount(r)];
            for (int o = 0; o < outs.length; o++)
            {
                final int streamOffset = outStreamOffset(r, o);
                outs[o] = relayAeron.addExclusivePublication(
                    publicationChannel(udp ? clientEndpoints.get(streamOffset) : null),
                    OUT_STREAM_ID_BASE + streamOffset);
            }
            relayOut.add(outs);
        }

        final RelayAgent.Route[] routes = new RelayAgent.Route[routeCount];
        for (int r = 0; r < routeCount; r++)
        {
            routes[r] = new RelayAgent.Route(relayIn.get(r), relayOut.get(r));
        }
        relayRunner = new AgentRunner(
            brokerIdleStrategy(config.profile()),
            this::onFailure,
            null,
            new RelayAgent(routes, driverInvoker, invoker ? relayAeron.conductorAgentInvoker() : null));
        AgentRunner.startOnThread(relayRunner);

        if (!udp)
        {
            // IPC clients use the broker-side driver, which in low-latency is invoked by the relay thread from now on
            clientAeron = Aeron.connect(new Aeron.Context()
                .aeronDirectoryName(brokerDriver.aeronDirectoryName())
                .errorHandler(this::onFailure));
            for (int r = 0; r < routeCount; r++)
            {
                for (int o = 0; o < outCount(r); o++)
                {
                    clientIn.add(clientAeron.addSubscription("aeron:ipc", OUT_STREAM_ID_BASE + outStreamOffset(r, o)));
                }
            }
        }

        for (int s = 0; s < senderCount(); s++)
        {
            final int route = senderRoute(s);
            clientOut.add(clientAeron.addExclusivePublication(
                publicationChannel(udp ? relayEndpoints.get(route) : null), IN_STREAM_ID_BASE + route));
        }

        awaitConnected();
    }

    void createWorkers(final RunSchedule schedule, final LatencyMeter meter)
    {
        switch (config.workload())
        {
            case E2E:
            case PRODUCE:
            {
                final int senders = senderCount();
                final double ratePerSender = config.rate() / (double)senders;
                final double offsetNs = config.rate() > 0 ? 1e9 / config.rate() : 0;
                for (int s = 0; s < senders; s++)
                {
                    final Pacer pacer = newPacer(schedule.startNs() + (long)(s * offsetNs), ratePerSender);
                    addSender("perf-raw-producer-" + s, new SendLoop(clientOut.get(s), pacer, schedule));
                }
                if (config.workload() == Workload.E2E)
                {
                    for (int c = 0; c < clientIn.size(); c++)
                    {
                        addReceiver(
                            "perf-raw-consumer-" + c, new ReceiveLoop(new Subscription[]{ clientIn.get(c) }, meter));
                    }
                }
                else
                {
                    // one thread receives every producer's echoes, as the client's conductor receives all receipts
                    addReceiver("perf-raw-receipts", new ReceiveLoop(clientIn.toArray(new Subscription[0]), meter));
                }
                break;
            }

            case PINGPONG:
                addReceiver("perf-raw-responder", new Responder(clientIn.get(0), clientOut.get(1)));
                addSender("perf-raw-pinger", new Pinger(
                    clientOut.get(0), clientIn.get(1), newPacer(schedule.startNs(), config.rate()), schedule, meter));
                break;

            default:
                throw new IllegalStateException("no raw Aeron baseline for " + config.workload().cliName());
        }
    }

    String description()
    {
        final boolean udp = config.transport() == Transport.UDP;
        final boolean invoker = config.profile() == Profile.LOW_LATENCY;
        final String relayIdle = best ? "yielding" : invoker ? "busy spin" : "backoff 1-100us";
        final String relay = "relay (" + relayIdle + ", " + (invoker ?
            "invoking the broker-side INVOKER driver" :
            "broker-side SHARED " + (best ? "yielding" : "backoff") + " driver") + ")";
        final String shape;
        switch (config.workload())
        {
            case PRODUCE:
                shape = "producer -> " + relay + " -> producer";
                break;
            case PINGPONG:
                shape = "pinger -> " + relay + " -> responder -> relay -> pinger";
                break;
            default:
                shape = "producer -> " + relay + " -> consumer";
                break;
        }

        final String clientDriver = "client-side SHARED " + (best ? "yielding" : "backoff") + " driver, ";
        return "raw Aeron " + (best ? "(best idle strategies) " : "") + (udp ? "UDP loopback, " + clientDriver :
            "IPC, one driver, ") + shape;
    }

    public void close()
    {
        CloseHelper.closeAll(relayRunner, clientAeron, relayAeron, clientDriver, brokerDriver);
    }

    private int routeCount()
    {
        switch (config.workload())
        {
            case E2E:
                return config.topics();
            case PRODUCE:
                return config.topics() * config.producers();
            default:
                return 2;
        }
    }

    private int outCount(final int route)
    {
        return config.workload() == Workload.E2E ? config.consumers() : 1;
    }

    private int outStreamOffset(final int route, final int out)
    {
        return config.workload() == Workload.E2E ? route * config.consumers() + out : route;
    }

    private int senderCount()
    {
        return config.workload() == Workload.PINGPONG ? 2 : config.topics() * config.producers();
    }

    private int senderRoute(final int sender)
    {
        return config.workload() == Workload.E2E ? sender / config.producers() : sender;
    }

    private MediaDriver launchDriver(final ThreadingMode threadingMode)
    {
        return MediaDriver.launch(new MediaDriver.Context()
            .aeronDirectoryName(CommonContext.generateRandomDirName())
            .threadingMode(threadingMode)
            .sharedIdleStrategy(
                best ? new YieldingIdleStrategy() : IdleConfiguration.driverIdleStrategy())
            .ipcTermBufferLength(config.termLength())
            .dirDeleteOnStart(true)
            .dirDeleteOnShutdown(true)
            .errorHandler(this::onFailure));
    }

    private String publicationChannel(final String udpEndpoint)
    {
        final ChannelUriStringBuilder builder = new ChannelUriStringBuilder().termLength(config.termLength());
        return null == udpEndpoint ?
            builder.media("ipc").build() :
            builder.media("udp").endpoint(udpEndpoint).build();
    }

    private String resolveEndpoint(final Aeron aeron, final AgentInvoker driverInvoker, final Subscription subscription)
        throws PerfException
    {
        final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        final IdleStrategy idleStrategy = clientIdleStrategy();
        String channel;
        while (null == (channel = subscription.tryResolveChannelEndpointPort()))
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PerfException("the media driver did not bind " + subscription.channel() + " in time");
            }
            if (null != driverInvoker)
            {
                driverInvoker.invoke();
                aeron.conductorAgentInvoker().invoke();
            }
            idleStrategy.idle();
        }

        return ChannelUri.parse(channel).get(CommonContext.ENDPOINT_PARAM_NAME);
    }

    private void awaitConnected() throws PerfException
    {
        final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
        final IdleStrategy idleStrategy = clientIdleStrategy();
        while (!allConnected())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                throw new PerfException("the raw Aeron publications did not connect within " +
                    TimeUnit.NANOSECONDS.toMillis(config.operationTimeoutNs()) + " ms");
            }
            final Throwable failure = failure();
            if (null != failure)
            {
                throw new PerfException("raw Aeron set-up failed: " + failure, failure);
            }
            idleStrategy.idle();
        }
    }

    private boolean allConnected()
    {
        for (final ExclusivePublication publication : clientOut)
        {
            if (!publication.isConnected())
            {
                return false;
            }
        }
        for (final ExclusivePublication[] publications : relayOut)
        {
            for (final ExclusivePublication publication : publications)
            {
                if (!publication.isConnected())
                {
                    return false;
                }
            }
        }

        return true;
    }

    private Pacer newPacer(final long startNs, final double rate)
    {
        return new Pacer(startNs, rate, config.pacerSpinThresholdNs(), config.pacerParkThresholdNs());
    }

    /**
     * Offer until accepted, backing off under back pressure as the client's sends do.
     */
    private void offer(
        final ExclusivePublication publication,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final IdleStrategy idleStrategy)
    {
        idleStrategy.reset();
        long result;
        while ((result = publication.offer(buffer, offset, length)) < 0)
        {
            if (Publication.CLOSED == result || Publication.MAX_POSITION_EXCEEDED == result)
            {
                throw new AeronException("offer to " + publication.channel() + " stream " + publication.streamId() +
                    " failed: " + Publication.errorString(result));
            }
            if (Publication.ADMIN_ACTION != result)
            {
                if (!isRunning())
                {
                    return;
                }
                idleStrategy.idle();
            }
        }
    }

    /**
     * Sends one producer's messages on its pacer; the first 8 bytes carry the intended send time.
     */
    private final class SendLoop implements Runnable
    {
        private final ExclusivePublication publication;
        private final Pacer pacer;
        private final RunSchedule schedule;
        private final UnsafeBuffer payload = new UnsafeBuffer(new byte[config.size()]);
        private final IdleStrategy idleStrategy = clientIdleStrategy();

        SendLoop(final ExclusivePublication publication, final Pacer pacer, final RunSchedule schedule)
        {
            this.publication = publication;
            this.pacer = pacer;
            this.schedule = schedule;
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

                payload.putLong(0, intendedNs);
                offer(publication, payload, 0, payload.capacity(), idleStrategy);
                sent.incrementAndGet();
            }
        }
    }

    /**
     * Polls subscriptions with the client conductor's backoff and records now minus the intended send time.
     */
    private final class ReceiveLoop implements Runnable, FragmentHandler
    {
        private final Subscription[] subscriptions;
        private final LatencyMeter meter;
        private final FragmentAssembler assembler = new FragmentAssembler(this);
        private final IdleStrategy idleStrategy = clientIdleStrategy();

        ReceiveLoop(final Subscription[] subscriptions, final LatencyMeter meter)
        {
            this.subscriptions = subscriptions;
            this.meter = meter;
        }

        public void run()
        {
            while (isRunning())
            {
                int workCount = 0;
                for (final Subscription subscription : subscriptions)
                {
                    workCount += subscription.poll(assembler, FRAGMENT_LIMIT);
                }
                idleStrategy.idle(workCount);
            }
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            meter.record(buffer.getLong(offset), System.nanoTime());
            received.incrementAndGet();
        }
    }

    /**
     * Closed loop: offers a ping, polls for its pong with the client's backoff, records the round trip.
     */
    private final class Pinger implements Runnable, FragmentHandler
    {
        private final ExclusivePublication pingPublication;
        private final Subscription pongSubscription;
        private final Pacer pacer;
        private final RunSchedule schedule;
        private final LatencyMeter meter;
        private final UnsafeBuffer payload = new UnsafeBuffer(new byte[config.size()]);
        private final FragmentAssembler assembler = new FragmentAssembler(this);
        private final IdleStrategy idleStrategy = clientIdleStrategy();
        private boolean ponged;

        Pinger(
            final ExclusivePublication pingPublication,
            final Subscription pongSubscription,
            final Pacer pacer,
            final RunSchedule schedule,
            final LatencyMeter meter)
        {
            this.pingPublication = pingPublication;
            this.pongSubscription = pongSubscription;
            this.pacer = pacer;
            this.schedule = schedule;
            this.meter = meter;
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

                payload.putLong(0, intendedNs);
                offer(pingPublication, payload, 0, payload.capacity(), idleStrategy);
                sent.incrementAndGet();

                ponged = false;
                idleStrategy.reset();
                final long deadlineNs = System.nanoTime() + config.operationTimeoutNs();
                while (!ponged)
                {
                    if (!isRunning() || schedule.isStopped())
                    {
                        return;
                    }
                    if (System.nanoTime() - deadlineNs >= 0)
                    {
                        onFailure(new PerfException("no raw pong within " +
                            TimeUnit.NANOSECONDS.toMillis(config.operationTimeoutNs()) + " ms"));
                        return;
                    }
                    idleStrategy.idle(pongSubscription.poll(assembler, 1));
                }
            }
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            meter.record(buffer.getLong(offset), System.nanoTime());
            received.incrementAndGet();
            ponged = true;
        }
    }

    /**
     * Answers each ping with the same payload.
     */
    private final class Responder implements Runnable, FragmentHandler
    {
        private final Subscription pingSubscription;
        private final ExclusivePublication pongPublication;
        private final FragmentAssembler assembler = new FragmentAssembler(this);
        private final IdleStrategy idleStrategy = clientIdleStrategy();
        private final IdleStrategy offerIdleStrategy = clientIdleStrategy();

        Responder(final Subscription pingSubscription, final ExclusivePublication pongPublication)
        {
            this.pingSubscription = pingSubscription;
            this.pongPublication = pongPublication;
        }

        public void run()
        {
            while (isRunning())
            {
                idleStrategy.idle(pingSubscription.poll(assembler, FRAGMENT_LIMIT));
            }
        }

        public void onFragment(final DirectBuffer buffer, final int offset, final int length, final Header header)
        {
            offer(pongPublication, buffer, offset, length, offerIdleStrategy);
        }
    }
}
