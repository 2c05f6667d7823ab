package io.hyphae.connect.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.hyphae.connect.webhook.TestWebhookServer.Reply;

/** The connector on a real Connect worker and broker, against a subscriber that misbehaves. */
@Timeout(180)
class WebhookSinkConnectorIT {

    private static final String TOPIC = "orders";
    private static final String DLQ = "shop.subscriber.billing.dlq";
    private static final String CONNECTOR = "billing-webhook";

    @Test
    void deliversEverythingDeadLettersThe400sAndCommitsToTheEnd() throws Exception {
        EmbeddedConnectCluster connect = new EmbeddedConnectCluster.Builder()
            .name("webhook-it").numWorkers(1).numBrokers(1)
            .workerProps(new HashMap<>(Map.of("offset.flush.interval.ms", "1000")))
            .build();
        try (TestWebhookServer server = new TestWebhookServer()) {
            // keys k0..k19; k3 and k7 are refused with 400; every fifth first attempt is a 503
            server.behaviour(exchange -> {
                String key = exchange.body().substring(0, exchange.body().indexOf(':'));
                if (key.equals("k3") || key.equals("k7")) {
                    return Reply.status(400, "unknown customer " + key);
                }
                int n = Integer.parseInt(exchange.body().substring(exchange.body().indexOf(':') + 1));
                return n % 5 == 0 && exchange.attempt() == 1 ? Reply.status(503, "busy") : Reply.ok();
            });
            connect.start();
            connect.kafka().createTopic(TOPIC, 2);
            connect.kafka().createTopic(DLQ, 1);
            for (int i = 0; i < 200; i++) {
                String key = "k" + (i % 20);
                connect.kafka().produce(TOPIC, i % 2, key, key + ":" + i);
            }

            Map<String, String> config = new HashMap<>();
            config.put("connector.class", WebhookSinkConnector.class.getName());
            config.put("tasks.max", "1");
            config.put("topics", TOPIC);
            config.put("key.converter", ByteArrayConverter.class.getName());
            config.put("value.converter", ByteArrayConverter.class.getName());
            config.put("errors.tolerance", "all");
            config.put("errors.deadletterqueue.topic.name", DLQ);
            config.put("errors.deadletterqueue.topic.replication.factor", "1");
            config.put(WebhookSinkConfig.SUBSCRIBER, "billing");
            config.put(WebhookSinkConfig.URL, server.url());
            config.put(WebhookSinkConfig.ALLOW_NETWORKS, "127.0.0.1/32");
            config.put(WebhookSinkConfig.RETRY_INITIAL_BACKOFF_MS, "10");
            config.put(WebhookSinkConfig.MAX_IN_FLIGHT, "8");
            connect.configureConnector(CONNECTOR, config);
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "connector did not start");

            await().atMost(Duration.ofSeconds(60)).until(() -> distinctDelivered(server) == 180);

            ConsumerRecords<byte[], byte[]> dead = connect.kafka().consume(20, 60_000, DLQ);
            assertThat(dead.count()).isEqualTo(20);
            Set<String> deadKeys = new HashSet<>();
            for (ConsumerRecord<byte[], byte[]> record : dead) {
                deadKeys.add(new String(record.key(), StandardCharsets.UTF_8));
                assertThat(header(record, DeadLetters.STATUS)).isEqualTo("400");
                assertThat(header(record, DeadLetters.ATTEMPTS)).isEqualTo("1");
                assertThat(header(record, DeadLetters.RESPONSE)).startsWith("unknown customer k");
            }
            assertThat(deadKeys).containsExactlyInAnyOrder("k3", "k7");

            try (Admin admin = connect.kafka().createAdminClient()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets("connect-" + CONNECTOR).partitionsToOffsetAndMetadata().get();
                    assertThat(committed.get(new TopicPartition(TOPIC, 0))).extracting(OffsetAndMetadata::offset)
                        .isEqualTo(100L);
                    assertThat(committed.get(new TopicPartition(TOPIC, 1))).extracting(OffsetAndMetadata::offset)
                        .isEqualTo(100L);
                });
            }
            connect.assertions().assertConnectorAndExactlyNumTasksAreRunning(CONNECTOR, 1, "task failed");
        } finally {
            connect.stop();
        }
    }

    private static long distinctDelivered(TestWebhookServer server) {
        return server.delivered().stream().map(TestWebhookServer.Exchange::body).distinct().count();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
