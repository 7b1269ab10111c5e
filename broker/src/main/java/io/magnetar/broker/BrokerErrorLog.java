package io.magnetar.broker;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.errors.LoggingErrorHandler;

import java.io.File;
import java.util.function.Consumer;

/**
 * Where the broker's errors go: first the distinct error log of its mark file ({@link BrokerMarkFile}, read by
 * {@code bin/magnetar errors}, outliving the process), then the application's handler.
 */
final class BrokerErrorLog implements ErrorHandler, AutoCloseable
{
    private static final System.Logger LOGGER = System.getLogger(MagnetarBroker.class.getName());

    private final BrokerMarkFile markFile;
    private final LoggingErrorHandler errorLog;
    private final ErrorHandler applicationHandler;

    /**
     * Create the mark file, saving the errors of an earlier run first.
     *
     * @param dataDir            of the broker.
     * @param errorBufferLength  bytes of the error log.
     * @param applicationHandler called after each error is recorded.
     * @param logger             told where the errors of an earlier run were saved.
     */
    BrokerErrorLog(
        final File dataDir,
        final int errorBufferLength,
        final ErrorHandler applicationHandler,
        final Consumer<String> logger)
    {
        markFile = new BrokerMarkFile(dataDir, errorBufferLength, SystemEpochClock.INSTANCE.time());
        errorLog = new LoggingErrorHandler(new DistinctErrorLog(markFile.errorBuffer(), SystemEpochClock.INSTANCE));
        this.applicationHandler = applicationHandler;
        if (null != markFile.savedErrors())
        {
            logger.accept("magnetar: errors of the previous run saved to " + markFile.savedErrors());
        }
    }

    /**
     * The application's handler when none is given: state errors as warnings, others with their stack trace.
     *
     * @return a handler that logs.
     */
    static ErrorHandler defaultApplicationHandler()
    {
        return (throwable) ->
        {
            if (throwable instanceof IllegalStateException || throwable instanceof IllegalArgumentException)
            {
                LOGGER.log(System.Logger.Level.WARNING, "broker error: " + throwable);
            }
            else
            {
                LOGGER.log(System.Logger.Level.ERROR, "broker error", throwable);
            }
        };
    }

    /**
     * {@inheritDoc}
     */
    public void onError(final Throwable throwable)
    {
        errorLog.onError(throwable);
        applicationHandler.onError(throwable);
    }

    /**
     * @return the mark file holding the error log.
     */
    File markFile()
    {
        return markFile.file();
    }

    /**
     * Stop recording; the mark file and its errors stay in the data directory.
     */
    public void close()
    {
        CloseHelper.quietCloseAll(errorLog, markFile);
    }
}
