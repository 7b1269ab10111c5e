package io.magnetar.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Stdout and stderr of in-process commands, captured for a test and given back afterwards.
 */
final class CapturedStreams implements AutoCloseable
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;

    CapturedStreams()
    {
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    String out()
    {
        return out.toString(StandardCharsets.UTF_8);
    }

    String err()
    {
        return err.toString(StandardCharsets.UTF_8);
    }

    void reset()
    {
        out.reset();
        err.reset();
    }

    public void close()
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
    }
}
