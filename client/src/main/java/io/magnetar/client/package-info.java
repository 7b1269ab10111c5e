/**
 * The Magnetar Java client: producers and consumers that talk to a Magnetar broker over Aeron, by UDP or by IPC
 * through a media driver on the same host. The API follows the Pulsar client's:
 * <pre>{@code
 * try (MagnetarClient client = MagnetarClient.builder()
 *     .serviceUrl("magnetar://localhost:6650")
 *     .operationTimeout(Duration.ofSeconds(30))
 *     .build())
 * {
 *     try (Producer producer = client.newProducer().topic("persistent://public/default/demo").create();
 *         Consumer consumer = client.newConsumer()
 *             .topic("persistent://public/default/demo")
 *             .subscriptionName("s1")
 *             .subscriptionInitialPosition(InitialPosition.EARLIEST)
 *             .subscribe())
 *     {
 *         final MessageId id = producer.send("hello".getBytes(StandardCharsets.UTF_8));
 *         producer.sendAsync("key-1", "world".getBytes(StandardCharsets.UTF_8))
 *             .thenAccept(messageId -> System.out.println("stored at " + messageId));
 *         producer.flush();
 *
 *         final Message message = consumer.receive(5, TimeUnit.SECONDS);
 *         if (null != message)
 *         {
 *             System.out.println(message.getValue());
 *             consumer.acknowledge(message);
 *         }
 *     }
 * }
 * }</pre>
 * Administration goes through the same session, shaped like Pulsar's {@code PulsarAdmin} and with typed results:
 * <pre>{@code
 * final NamespacePolicies policies = client.admin().namespaces().getPolicies("public/default");
 * final TopicInternalStats stats = client.admin().topics().statsInternal("persistent://public/default/demo");
 * }</pre>
 * The API has its own enums ({@link io.magnetar.client.SubscriptionType}, {@link io.magnetar.client.InitialPosition},
 * {@link io.magnetar.client.MagnetarClientException.ErrorCode}, ...); the SBE codecs' enums stay inside the client.
 * <p>
 * Every class of the public API is thread-safe, and every blocking call is bounded by the client's operation
 * timeout. Futures are completed on the client's conductor thread: do not block in their callbacks.
 * <p>
 * Wire format: the SBE schema {@code magnetar-protocol.xml} (codecs in {@code io.magnetar.codecs}); stream ids and the
 * ingress channel are in {@link io.magnetar.client.Protocol}.
 */
package io.magnetar.client;
