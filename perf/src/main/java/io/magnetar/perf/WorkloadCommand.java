package io.magnetar.perf;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/**
 * Base of the workload sub-commands: validates the shared options, runs, and maps failures to exit code 1.
 */
abstract class WorkloadCommand implements Callable<Integer>
{
    @Spec
    CommandSpec spec;

    @Mixin
    WorkloadOptions options;

    private final Workload workload;

    WorkloadCommand(final Workload workload)
    {
        this.workload = workload;
    }

    /**
     * Run the workload.
     *
     * @return 0 on success, 1 if the run failed.
     */
    public Integer call()
    {
        final PerfConfig config = options.toConfig(workload, spec);
        try
        {
            new PerfRunner(config, System.out).run();
            return 0;
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            System.err.println("perf " + workload.cliName() + ": interrupted");
            return 1;
        }
        catch (final Exception ex)
        {
            System.out.flush();
            System.err.println("perf " + workload.cliName() + " failed: " + ex.getMessage());
            if (null != ex.getCause() && !(ex instanceof PerfException))
            {
                ex.printStackTrace(System.err);
            }
            return 1;
        }
    }
}
