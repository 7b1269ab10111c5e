package io.magnetar.client;

import org.agrona.concurrent.Agent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SharedDutyCycleTest
{
    private final ClientConductor conductor = new ClientConductor(Throwable::printStackTrace,
        new SessionLiveness(Throwable::printStackTrace, "test", TimeUnit.SECONDS.toNanos(1)));
    private final List<String> events = new ArrayList<>();

    @Test
    void shouldRunOneCycleOnTheHelpingThreadAsTheConductor() throws Exception
    {
        final SharedDutyCycle cycle = new SharedDutyCycle(new Recorder(), conductor, true);

        assertFalse(conductor.isConductorThread());
        assertEquals(1, cycle.help());
        assertEquals(List.of("cycle as conductor=true"), events);
        assertFalse(conductor.isConductorThread(), "only during the cycle");
        assertEquals(1, cycle.doWork());
    }

    @Test
    void shouldNotNestACycleInsideACycle()
    {
        final SharedDutyCycle[] cycle = new SharedDutyCycle[1];
        cycle[0] = new SharedDutyCycle(new Recorder()
        {
            public int doWork()
            {
                events.add("outer");
                events.add("nested " + cycle[0].help());
                return 1;
            }
        }, conductor, true);

        assertEquals(1, cycle[0].help());
        assertEquals(List.of("outer", "nested 0"), events);
    }

    @Test
    void shouldLeaveTheCycleToTheThreadRunningItAndRunNoneAfterClose() throws Exception
    {
        final CountDownLatch inside = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicBoolean first = new AtomicBoolean(true);
        final SharedDutyCycle cycle = new SharedDutyCycle(new Recorder()
        {
            public int doWork() throws InterruptedException
            {
                if (first.getAndSet(false))
                {
                    inside.countDown();
                    assertTrue(release.await(10, TimeUnit.SECONDS));
                }
                return 1;
            }
        }, conductor, true);

        final Thread conductorThread = new Thread(() -> cycle.help());
        conductorThread.start();
        assertTrue(inside.await(10, TimeUnit.SECONDS));
        assertEquals(0, cycle.help(), "another thread runs the cycle");
        release.countDown();
        conductorThread.join(10_000);
        assertFalse(conductorThread.isAlive());

        assertEquals(1, cycle.help());
        cycle.onClose();
        assertEquals(0, cycle.help());
        assertEquals(0, cycle.doWork());
    }

    private class Recorder implements Agent
    {
        public int doWork() throws Exception
        {
            events.add("cycle as conductor=" + conductor.isConductorThread());
            return 1;
        }

        public String roleName()
        {
            return "recorder";
        }
    }
}
