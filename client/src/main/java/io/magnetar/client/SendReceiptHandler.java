package io.magnetar.client;

/**
 * Receives the outcome of each {@link Producer#offer(org.agrona.DirectBuffer, int, int)}, in sequence order, on the
 * thread that runs the client's duty cycle: the conductor thread, or an application thread inside
 * {@link Producer#offer(org.agrona.DirectBuffer, int, int)}, {@link Consumer#poll(MessageHandler, int)} or their
 * Pulsar-shaped peers, which run a cycle when the conductor thread is not running one. Set it with
 * {@link ProducerBuilder#receiptHandler(SendReceiptHandler)}.
 * <p>
 * A receipt arrives as primitives, so the steady state allocates nothing. Implementations must not block: the
 * duty cycle also polls the egress and, by default, runs the client's embedded media driver.
 */
public interface SendReceiptHandler
{
    /**
     * The broker stored the message at the promised durability level.
     *
     * @param sequenceId the offer returned.
     * @param shard      of the message id.
     * @param position   of the message id.
     */
    void onReceipt(long sequenceId, int shard, long position);

    /**
     * The message was refused, got no receipt within the operation timeout, or was lost with the session or the
     * producer. Not on the steady-state path: the failure is an object.
     *
     * @param sequenceId the offer returned.
     * @param failure    why.
     */
    void onFailure(long sequenceId, MagnetarClientException failure);
}
