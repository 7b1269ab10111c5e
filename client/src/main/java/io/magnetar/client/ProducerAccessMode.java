package io.magnetar.client;

/**
 * How a producer shares its topic with other producers, as Pulsar's {@code ProducerAccessMode}.
 */
public enum ProducerAccessMode
{
    /**
     * Any number of shared producers may publish to the topic (the default); refused while an exclusive producer holds
     * it.
     */
    SHARED,

    /**
     * The only producer of the topic: creating it fails with {@code PRODUCER_BUSY} while another producer is
     * connected.
     */
    EXCLUSIVE,

    /**
     * The only producer of the topic: creating it waits, without a timeout, until no other producer is connected.
     */
    WAIT_FOR_EXCLUSIVE,

    /**
     * The only producer of the topic: the producers connected are fenced off (their sends fail with
     * {@code PRODUCER_FENCED} and they close).
     */
    EXCLUSIVE_WITH_FENCING
}
