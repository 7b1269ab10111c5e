package io.magnetar.tools;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Stdout and stderr of in-process commands, captured for each test and given back after it: register with
 * {@code @RegisterExtension}.
 */
final class CapturedStreams implements BeforeEachCallback, AfterEachCallback
{
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private PrintStream originalErr;

    public void beforeEach(final ExtensionContext context)
    {
        originalOut = System.out;
        originalErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    public void afterEach(final ExtensionContext context)
    {
        System.setOut(originalOut);
        System.setErr(originalErr);
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
}
