package io.magnetar.client;

import io.aeron.Image;
import org.agrona.ErrorHandler;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether the session with the broker is still up, once {@code Connected} arrived. The session is lost when the
 * broker's answer stream (the egress image {@code Connected} came through) ends or goes away, when the ingress
 * publication stays not connected for longer than the grace, or when the broker says it closed the session. Any
 * thread may report a loss; the first report wins and is never undone.
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
     * @return true from {@code Connected} until the session is lost.
     */
    boolean isConnected()
    {
        return isEstablished && null == connectionLoss.get();
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
