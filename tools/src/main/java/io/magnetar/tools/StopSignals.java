package io.magnetar.tools;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGINT and SIGTERM as a request to stop, not as the JVM's exit: a command notices the request, closes what it
 * opened (the broker, a client's session and its media driver directory) and returns its own exit code. Without
 * this, the JVM runs its shutdown hooks and exits 130 or 143 while the command is still running, so a clean stop
 * looks like a crash and a client's session is left for the broker's liveness timeout.
 *
 * <p>A second signal while stopping halts the process at once.
 */
final class StopSignals implements AutoCloseable
{
    private static final String[] NAMES = { "INT", "TERM" };

    private static final long STOP_TIMEOUT_SECONDS = 30;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int signalNumber;

    private StopSignals()
    {
    }

    /**
     * Take over SIGINT and SIGTERM for this process.
     *
     * @return the stop request they raise.
     */
    static StopSignals install()
    {
        final StopSignals signals = new StopSignals();
        try
        {
            // sun.misc.Signal (module jdk.unsupported) through reflection: the JDK has no public API for it
            final Class<?> signalClass = Class.forName("sun.misc.Signal");
            final Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            final Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            final Method getNumber = signalClass.getMethod("getNumber");
            final InvocationHandler onSignal = (proxy, method, args) ->
            {
                if ("handle".equals(method.getName()))
                {
                    signals.onSignal((Integer)getNumber.invoke(args[0]));
                    return null;
                }
                return method.invoke(signals, args);
            };
            final Object handler = Proxy.newProxyInstance(
                StopSignals.class.getClassLoader(), new Class<?>[]{ handlerClass }, onSignal);
            for (final String name : NAMES)
            {
                handle.invoke(null, signalClass.getConstructor(String.class).newInstance(name), handler);
            }
        }
        catch (final ReflectiveOperationException | RuntimeException | LinkageError ex)
        {
            // no signal API: a shutdown hook raises the request and gives the command time to stop
            Runtime.getRuntime().addShutdownHook(new Thread(() -> signals.onShutdownHook(), "magnetar-stop"));
        }

        return signals;
    }

    /**
     * @return true once a stop was requested.
     */
    boolean isStopRequested()
    {
        return 0 == stopRequested.getCount();
    }

    /**
     * Wait for a stop request.
     *
     * @throws InterruptedException if the waiting thread is interrupted.
     */
    void await() throws InterruptedException
    {
        stopRequested.await();
    }

    /**
     * @return the exit code a shell gives a process killed by the signal received: 128 + its number (130 for
     * SIGINT, 143 for SIGTERM).
     */
    int signalExitCode()
    {
        return 128 + signalNumber;
    }

    /**
     * The command has closed what it opened (or finished): the process may exit.
     */
    public void close()
    {
        stopped.countDown();
    }

    private void onSignal(final int number)
    {
        if (isStopRequested())
        {
            System.err.println("magnetar: second signal while stopping; halting now");
            Runtime.getRuntime().halt(128 + number);
        }
        signalNumber = number;
        stopRequested.countDown();
    }

    private void onShutdownHook()
    {
        signalNumber = 15;
        stopRequested.countDown();
        try
        {
            // the JVM exits when the hooks return: give the command a bounded time to close what it opened
            stopped.await(STOP_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
