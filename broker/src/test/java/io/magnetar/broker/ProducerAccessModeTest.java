package io.magnetar.broker;

import io.magnetar.client.MagnetarClient;
import io.magnetar.client.MagnetarClientException;
import io.magnetar.client.Message;
import io.magnetar.client.Producer;
import io.magnetar.client.ProducerAccessMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Producer access modes through a real broker, as Pulsar's: shared, exclusive, wait-for-exclusive and
 * exclusive-with-fencing, each exclusive producer raising the topic epoch, which survives a restart and fences off a
 * producer that comes back with an older one.
 */
@Timeout(90)
class ProducerAccessModeTest extends HarnessTest
{
    private static final String TOPIC = "persistent://public/default/access";

    @Test
    void anExclusiveProducerIsRefusedBesideAnyOtherAndRefusesOthers() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            try (Producer shared = client.newProducer().topic(TOPIC).create())
            {
                assertEquals(-1, shared.getTopicEpoch());
                final MagnetarClientException busy = assertThrows(MagnetarClientException.class, () ->
                    client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE).create());
                assertEquals(MagnetarClientException.ErrorCode.PRODUCER_BUSY, busy.errorCode());
                assertTrue(busy.getMessage().contains("1 producer(s) connected"), busy.getMessage());
            }

            final long firstEpoch;
            try (Producer exclusive = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create())
            {
                firstEpoch = exclusive.getTopicEpoch();
                assertEquals(1, firstEpoch, "the first exclusive producer takes epoch 1");
                exclusive.send(bytes("exclusive"));
                final MagnetarClientException shared = assertThrows(MagnetarClientException.class, () ->
                    client.newProducer().topic(TOPIC).create());
                assertEquals(MagnetarClientException.ErrorCode.PRODUCER_BUSY, shared.errorCode());
                assertTrue(shared.getMessage().contains("has an exclusive producer"), shared.getMessage());
                assertThrows(MagnetarClientException.class, () ->
                    client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE).create());
            }

            try (Producer next = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create())
            {
                assertEquals(firstEpoch + 1, next.getTopicEpoch(), "each exclusive producer raises the epoch");
            }
        }
    }

    @Test
    void aWaitingProducerGetsTheTopicOnceTheOthersAreGone() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            final Producer holder = client.newProducer().topic(TOPIC).create(); // a shared one
            final CompletableFuture<Producer> waiting = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return client.newProducer().topic(TOPIC).producerName("waiter")
                        .accessMode(ProducerAccessMode.WAIT_FOR_EXCLUSIVE).create();
                }
                catch (final MagnetarClientException ex)
                {
                    throw new IllegalStateException(ex);
                }
            });

            // bounded: it must still be waiting while the holder is there (a round trip takes milliseconds)
            final long holdUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - holdUntilNs < 0)
            {
                assertFalse(waiting.isDone(), "created while another producer was connected");
                Thread.sleep(10);
            }

            final MagnetarClientException shared = assertThrows(MagnetarClientException.class, () ->
                client.newProducer().topic(TOPIC).create());
            assertTrue(shared.getMessage().contains("waiting for exclusive access"), shared.getMessage());

            holder.send(bytes("from the holder"));
            holder.close();
            try (Producer waiter = waiting.get(10, TimeUnit.SECONDS))
            {
                assertEquals(1, waiter.getTopicEpoch());
                waiter.send(bytes("from the waiter"));
            }
        }
        assertEquals(List.of("from the holder", "from the waiter"), consume(2));
    }

    @Test
    void aWaitGivenUpOrASessionClosedLeavesNoPhantomHolder() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            final Producer holder = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create();
            final List<Throwable> outcome = new java.util.concurrent.CopyOnWriteArrayList<>();
            final Thread waiter = new Thread(() ->
            {
                try
                {
                    client.newProducer().topic(TOPIC).producerName("given-up")
                        .accessMode(ProducerAccessMode.WAIT_FOR_EXCLUSIVE).create();
                    outcome.add(new AssertionError("created while the holder was there"));
                }
                catch (final MagnetarClientException ex)
                {
                    outcome.add(ex);
                }
            });
            waiter.start();
            final MagnetarClient other = harness.newClient();
            final Thread otherWaiter = new Thread(() ->
            {
                try
                {
                    other.newProducer().topic(TOPIC).producerName("closed-session")
                        .accessMode(ProducerAccessMode.WAIT_FOR_EXCLUSIVE).create();
                }
                catch (final MagnetarClientException ignore)
                {
                    // the client closes under it
                }
            });
            otherWaiter.start();

            // both creates reach the broker and wait there; then one is given up and the other's client closes
            final long waitUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
            while (System.nanoTime() - waitUntilNs < 0)
            {
                assertTrue(outcome.isEmpty(), outcome::toString);
                Thread.sleep(10);
            }
            waiter.interrupt();
            waiter.join(10_000);
            other.close();
            otherWaiter.join(10_000);
            assertEquals(1, outcome.size(), outcome.toString());
            assertTrue(outcome.get(0) instanceof MagnetarClientException, outcome.toString());

            holder.close();
            try (Producer next = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create())
            {
                assertEquals(holder.getTopicEpoch() + 1, next.getTopicEpoch(), "no waiting create took the topic");
            }
        }
    }

    @Test
    void aFencingProducerTakesTheTopicAndTheOthersAreFencedOff() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient();
            MagnetarClient other = harness.newClient())
        {
            final Producer sharedA = client.newProducer().topic(TOPIC).create();
            final Producer sharedB = other.newProducer().topic(TOPIC).create();
            sharedA.send(bytes("a"));

            try (Producer fencing = other.newProducer().topic(TOPIC)
                .accessMode(ProducerAccessMode.EXCLUSIVE_WITH_FENCING).create())
            {
                assertEquals(1, fencing.getTopicEpoch());
                // the broker tells the fenced producers at once, without waiting for their next send
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (!sharedA.isClosed() || !sharedB.isClosed())
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "the fenced producers were not closed");
                    Thread.sleep(5);
                }
                final MagnetarClientException fenced =
                    assertThrows(MagnetarClientException.class, () -> sharedA.send(bytes("after fencing")));
                assertEquals(MagnetarClientException.ErrorCode.PRODUCER_FENCED, fenced.errorCode(), fenced.toString());
                assertEquals(MagnetarClientException.ErrorCode.PRODUCER_FENCED, assertThrows(
                    MagnetarClientException.class, () -> sharedB.send(bytes("b after fencing"))).errorCode());
                fencing.send(bytes("fencer"));

                // a second fencing producer fences the first
                try (Producer second = client.newProducer().topic(TOPIC)
                    .accessMode(ProducerAccessMode.EXCLUSIVE_WITH_FENCING).create())
                {
                    assertEquals(2, second.getTopicEpoch());
                    assertEquals(MagnetarClientException.ErrorCode.PRODUCER_FENCED, assertThrows(
                        MagnetarClientException.class, () -> fencing.send(bytes("x"))).errorCode());
                    second.send(bytes("second"));
                }
            }
            sharedA.close(); // closing a fenced producer is fine
            sharedB.close();
        }
        assertEquals(List.of("a", "fencer", "second"), consume(3));
    }

    @Test
    void theEpochSurvivesARestartAndAnOlderOneIsFenced() throws Exception
    {
        harness = new BrokerHarness(dataDir).start();
        try (MagnetarClient client = harness.newClient())
        {
            try (Producer first = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create())
            {
                assertEquals(1, first.getTopicEpoch());
            }
        }

        harness.stop();
        harness.start();
        try (MagnetarClient client = harness.newClient();
            Producer second = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE).create())
        {
            assertEquals(2, second.getTopicEpoch(), "the epoch is not handed out again after a restart");
        }

        harness.stop();
        harness.indexSnapshotIntervalBytes = 1; // from an index snapshot too
        harness.start();
        try (MagnetarClient client = harness.newClient())
        {
            try (Producer third = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create())
            {
                assertEquals(3, third.getTopicEpoch());
                third.send(bytes("third"));
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (client.admin().topics().statsInternal(TOPIC).getIndexLog().get("snapshots") < 1)
                {
                    assertTrue(System.nanoTime() - deadlineNs < 0, "no index snapshot written");
                    Thread.sleep(10);
                }
            }
        }
        harness.stop();
        harness.start();
        try (MagnetarClient client = harness.newClient();
            Producer fourth = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE).create())
        {
            assertEquals(4, fourth.getTopicEpoch());
        }
    }

    @Test
    void anExclusiveProducerKeepsItsEpochAcrossARestartAndIsFencedLater() throws Exception
    {
        harness = new BrokerHarness(dataDir);
        harness.port = ForkedBroker.freePort(); // the client reconnects to the same port
        harness.start();
        try (MagnetarClient client = harness.newClient();
            MagnetarClient other = harness.newClient())
        {
            final Producer exclusive = client.newProducer().topic(TOPIC).accessMode(ProducerAccessMode.EXCLUSIVE)
                .create();
            exclusive.send(bytes("before"));

            harness.stop();
            harness.start();
            exclusive.send(bytes("after the restart")); // restored with its epoch: still the topic's
            assertEquals(1, exclusive.getTopicEpoch());

            try (Producer fencing = other.newProducer().topic(TOPIC)
                .accessMode(ProducerAccessMode.EXCLUSIVE_WITH_FENCING).create())
            {
                assertEquals(2, fencing.getTopicEpoch());
                assertEquals(MagnetarClientException.ErrorCode.PRODUCER_FENCED, assertThrows(
                    MagnetarClientException.class, () -> exclusive.send(bytes("fenced"))).errorCode());
            }
            exclusive.close();
        }
        assertEquals(List.of("before", "after the restart"), consume(2));
    }

    private List<String> consume(final int count) throws Exception
    {
        final List<String> values = new ArrayList<>();
        for (final Message message : TopicReader.readAll(harness, TOPIC, count))
        {
            values.add(message.getValue());
        }
        return values;
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
