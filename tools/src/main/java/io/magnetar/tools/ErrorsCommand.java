package io.magnetar.tools;

import io.magnetar.broker.BrokerConfiguration;
import io.magnetar.broker.BrokerMarkFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.File;
import java.util.concurrent.Callable;

/**
 * {@code magnetar errors}: the distinct errors a broker recorded in its mark file, read with Agrona's
 * {@link org.agrona.concurrent.errors.ErrorLogReader}, whether the broker is running or gone.
 */
@Command(
    name = "errors",
    mixinStandardHelpOptions = true,
    description = "Print the distinct errors a broker recorded in the mark file of its data directory (" +
        BrokerMarkFile.FILE_NAME + "), each with how often and when it was seen. Works on a running or a stopped " +
        "broker.")
final class ErrorsCommand implements Callable<Integer>
{
    @Option(names = "--data-dir", description = "Data directory of the broker. Default: ${DEFAULT-VALUE}")
    File dataDir = new File(BrokerConfiguration.DATA_DIR_DEFAULT);

    public Integer call()
    {
        try
        {
            BrokerMarkFile.printErrors(new File(dataDir, BrokerMarkFile.FILE_NAME), System.out);
            System.out.flush();
            return 0;
        }
        catch (final IllegalStateException ex)
        {
            System.err.println("errors: " + ex.getMessage());
            return 1;
        }
    }
}
