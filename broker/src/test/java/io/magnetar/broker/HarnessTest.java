package io.magnetar.broker;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;

/**
 * A test of one broker in a temporary data directory: the test makes the {@link #harness} it needs, and it is
 * closed after each test.
 */
abstract class HarnessTest
{
    @TempDir
    File dataDir;

    BrokerHarness harness;

    @AfterEach
    void closeHarness()
    {
        if (null != harness)
        {
            harness.close();
            harness = null;
        }
    }
}
