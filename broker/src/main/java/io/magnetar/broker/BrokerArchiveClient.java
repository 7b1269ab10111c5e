package io.magnetar.broker;

import io.aeron.Aeron;
import io.aeron.archive.client.AeronArchive;
import io.magnetar.mediadriver.MagnetarMediaDriver;
import io.magnetar.storage.RecordedLog;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentInvoker;

import java.util.List;

/**
 * The broker's archive client, and the thread it is bound to. An archive invoked on the broker's own thread
 * ({@code one-thread} profile) answers a control session only on the thread that was invoking it when the session
 * connected (Aeron Archive checks it): the client the launching thread used for recovery got no answer on the agent
 * thread, and the first purge timed out after 10 s. So, for such an archive, this agent connects a client of its own
 * when the broker's thread starts, hands it to every log and closes the launching thread's; and the thread that
 * closes the broker does the same once the agent has stopped. An archive on a thread of its own answers any thread,
 * and the first client stays.
 */
final class BrokerArchiveClient implements Agent, AutoCloseable
{
    private final MagnetarMediaDriver driver;
    private final Aeron aeron;
    private final ErrorHandler errorHandler;
    private final AgentInvoker invoker;
    private final boolean rebinds;
    private List<RecordedLog> logs = List.of();
    private AeronArchive current;

    /**
     * Connect the first client, on the launching thread.
     *
     * @param driver       embedded driver and archive, or null for a local archive in another process.
     * @param aeron        client of the broker.
     * @param errorHandler of the broker.
     * @param invoker      of an embedded driver (and archive) run by the broker's thread, or null.
     */
    BrokerArchiveClient(
        final MagnetarMediaDriver driver,
        final Aeron aeron,
        final ErrorHandler errorHandler,
        final AgentInvoker invoker)
    {
        this.driver = driver;
        this.aeron = aeron;
        this.errorHandler = errorHandler;
        this.invoker = invoker;
        this.rebinds = null != driver && driver.invokesArchive();
        this.current = AeronArchive.connect(newContext());
    }

    /**
     * @param logs that call the archive, handed the new client on each rebinding.
     */
    void logs(final List<RecordedLog> logs)
    {
        this.logs = logs;
    }

    /**
     * @return true if the archive is invoked by the broker's thread, so this agent must run on it.
     */
    boolean rebinds()
    {
        return rebinds;
    }

    /**
     * @return the client the logs use now.
     */
    AeronArchive current()
    {
        return current;
    }

    /**
     * The broker's thread has stopped: bind the client to the calling thread, which closes the logs.
     */
    void onBrokerThreadStopped()
    {
        if (rebinds)
        {
            try
            {
                rebind();
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
            }
        }
    }

    /**
     * {@inheritDoc}
     */
    public void onStart()
    {
        if (rebinds)
        {
            rebind();
        }
    }

    /**
     * {@inheritDoc}
     */
    public int doWork()
    {
        return 0;
    }

    /**
     * {@inheritDoc}
     */
    public String roleName()
    {
        return "magnetar-archive-client";
    }

    /**
     * Close the client.
     */
    public void close()
    {
        CloseHelper.quietClose(current);
    }

    private void rebind()
    {
        final AeronArchive next = AeronArchive.connect(newContext());
        for (final RecordedLog log : logs)
        {
            log.archiveClient(next);
        }
        CloseHelper.quietClose(current);
        current = next;
    }

    private AeronArchive.Context newContext()
    {
        final AeronArchive.Context context = (null != driver ?
            driver.archiveClientContext() : MagnetarMediaDriver.localArchiveClientContext())
            .aeron(aeron)
            .errorHandler(errorHandler);

        return null == invoker ? context : context.agentInvoker(invoker);
    }
}
