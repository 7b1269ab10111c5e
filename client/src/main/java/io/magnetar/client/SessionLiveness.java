package io.magnetar.client;

import io.aeron.Image;
import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the session with the broker is still up, once {@code Connected} arrived. The session is lost when the
 * broker's answer stream (the egress image {@code Connected} came through) ends or goes away, when the ingress
 * publication stays not connected for longer than the grace, or when the broker says it closed the session. Any
 * thread may report a loss; the first report wins. Without a reconnector the loss is never undone; with one (the
 * default), the loss starts it, the session counts as reconnecting until the reconnector has restored it, and only a
 * reconnector that gives up makes the loss final.
 * <p>
 * The conductor checks the image and the ingress in its duty cycle ({@link #check(long, boolean)}); other threads
 * only read the state or report a loss.
 */
final class SessionLiveness
{
    private final AtomicReference<String> connectionLoss = new AtomicReference<>();
    private final ErrorHandler errorHandler;
    private final String serviceUrl;
    private final long connectionLossGraceNs;
    private Image egressImage;
    private boolean isIngressDown;
    private long ingressDownSinceNs;
    private volatile boolean isEstablished;
    private volatile boolean isClientClosing;
    private volatile boolean isClosed;
    private final AtomicBoolean isReconnecting = new AtomicBoolean();
    private volatile Runnable reconnector;
    private volatile Thread restoringThread;
    private volatile long reconnectEpoch;

    /**
     * @param errorHandler          told about a loss nobody expects.
     * @param serviceUrl            of the broker, for messages.
     * @param connectionLossGraceNs how long the ingress may stay not connected before the session counts as lost.
     */
    SessionLiveness(final ErrorHandler errorHandler, final String serviceUrl, final long connectionLossGraceNs)
    {
        this.errorHandler = errorHandler;
        this.serviceUrl = serviceUrl;
        this.connectionLossGraceNs = connectionLossGraceNs;
    }

    /**
     * @return how long the ingress may stay not connected before the session counts as lost.
     */
    long connectionLossGraceNs()
    {
        return connectionLossGraceNs;
    }

    /**
     * @return true from {@code Connected} until the session is lost, and not while it is being restored.
     */
    boolean isConnected()
    {
        return isEstablished && !isReconnecting.get() && null == connectionLoss.get();
    }

    /**
     * Reconnect instead of failing: a loss then starts the reconnector once, and is not final.
     *
     * @param reconnector started on the thread that finds the loss; it must not block.
     */
    void reconnector(final Runnable reconnector)
    {
        this.reconnector = reconnector;
    }

    /**
     * @return true from a loss until the session is restored (a new {@code Connected}, producers and consumers
     * created again); sends are kept and offers refused meanwhile.
     */
    boolean isReconnecting()
    {
        return isReconnecting.get();
    }

    /**
     * @return the count of losses and reconnect attempts: a producer or consumer restored in this epoch sends again
     * while the others are still being restored; each attempt restores all of them again.
     */
    long reconnectEpoch()
    {
        return reconnectEpoch;
    }

    /**
     * @param restoredEpoch the epoch a producer or consumer was last restored in.
     * @return true if its frames must wait: the session is being restored and it is not yet.
     */
    boolean isHeldBack(final long restoredEpoch)
    {
        return isReconnecting.get() && restoredEpoch != reconnectEpoch && Thread.currentThread() != restoringThread;
    }

    /**
     * @return true if the calling thread is the one restoring the session: its frames go out while others wait.
     */
    boolean isRestoringThread()
    {
        return Thread.currentThread() == restoringThread;
    }

    /**
     * The reconnector's thread: it restores the session from now on.
     */
    void onRestoreStarted()
    {
        restoringThread = Thread.currentThread();
    }

    /**
     * The reconnector's thread: a new {@code Connect} is about to go out; the session counts again as established
     * only once its answer arrives, with the egress image it came through.
     */
    void onReconnectAttempt()
    {
        isEstablished = false;
        reconnectEpoch++; // what an earlier attempt restored was on a session this one replaces
    }

    /**
     * The reconnector's thread: the session is restored, and watched again.
     */
    void onRestored()
    {
        restoringThread = null;
        isReconnecting.set(false);
    }

    /**
     * @return why the session with the broker is lost, as the message for callers, or null while it is not.
     */
    String connectionLoss()
    {
        return connectionLoss.get();
    }

    /**
     * Throw if the session with the broker is lost.
     *
     * @throws MagnetarClientException.ConnectionLostException if it is.
     */
    void checkConnected() throws MagnetarClientException.ConnectionLostException
    {
        final String loss = connectionLoss.get();
        if (null != loss)
        {
            throw new MagnetarClientException.ConnectionLostException(loss);
        }
    }

    /**
     * Any thread: the session with the broker is gone. Ignored before {@code Connected}, when the handshake reports
     * failures itself, and after the first report. Reported to the error handler unless the client is closing.
     *
     * @param reason why the client thinks so.
     */
    void onConnectionLost(final String reason)
    {
        if (!isEstablished)
        {
            return;
        }

        final String message = "the connection to the broker at " + serviceUrl + " was lost: " + reason;
        final Runnable reconnector = this.reconnector;
        if (null != reconnector && !isClientClosing && !isClosed && null == connectionLoss.get())
        {
            if (isReconnecting.compareAndSet(false, true))
            {
                reconnectEpoch++;
                isEstablished = false;
                errorHandler.onError(new MagnetarClientException.ConnectionLostException(message + "; reconnecting"));
                reconnector.run();
            }
            return;
        }
        if (connectionLoss.compareAndSet(null, message) && !isClientClosing && !isClosed)
        {
            errorHandler.onError(new MagnetarClientException.ConnectionLostException(message));
        }
    }

    /**
     * The client started to close: a loss from now on is expected (the broker closes the session on
     * {@code Disconnect}) and is not reported to the error handler.
     */
    void onClientClosing()
    {
        isClientClosing = true;
    }

    /**
     * Conductor: it stopped; a later loss is not reported.
     */
    void onClosed()
    {
        isClosed = true;
    }

    /**
     * The reconnector gave up (the client closes, or its Aeron client is gone): the loss is final.
     *
     * @param reason why.
     */
    void onReconnectAbandoned(final String reason)
    {
        connectionLoss.compareAndSet(null, "the connection to the broker at " + serviceUrl + " was lost: " + reason);
        restoringThread = null;
        isReconnecting.set(false);
    }

    /**
     * Conductor: {@code Connected} arrived; from now on the session is watched.
     *
     * @param egressImage the answer came through, or null if the subscription has no such image.
     */
    void onEstablished(final Image egressImage)
    {
        if (!isEstablished)
        {
            this.egressImage = egressImage;
            isIngressDown = false;
            isEstablished = true;
        }
    }

    /**
     * Conductor: look at the egress image and the ingress.
     *
     * @param nowNs              current {@link System#nanoTime()}.
     * @param isIngressConnected whether the broker is connected to the client's ingress.
     * @return 1 if this check found the session lost, else 0.
     */
    int check(final long nowNs, final boolean isIngressConnected)
    {
        if (!isEstablished || null != connectionLoss.get())
        {
            return 0;
        }

        final Image image = egressImage;
        if (null != image)
        {
            if (image.isEndOfStream())
            {
                onConnectionLost("the broker ended the stream of answers to this client (it closed the session or " +
                    "shut down)");
                return 1;
            }
            if (image.isClosed())
            {
                onConnectionLost("the stream of answers from the broker went away (nothing arrived from it within " +
                    "the media driver's image liveness timeout)");
                return 1;
            }
        }

        if (isIngressConnected)
        {
            isIngressDown = false;
        }
        else if (!isIngressDown)
        {
            isIngressDown = true;
            ingressDownSinceNs = nowNs;
        }
        else if (nowNs - ingressDownSinceNs >= connectionLossGraceNs)
        {
            onConnectionLost("the broker has not been connected to the client's ingress for " +
                TimeUnit.NANOSECONDS.toMillis(nowNs - ingressDownSinceNs) + " ms");
            return 1;
        }

        return 0;
    }
}
