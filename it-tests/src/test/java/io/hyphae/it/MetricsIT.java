package io.hyphae.it;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * {@code hyphae run --http} as its own process on a real broker: /health, /ready and /metrics over HTTP, the counters
 * checked against the records the topics got, the whole exposition parsed.
 */
@ExtendWith(RealKafkaExtension.class)
class MetricsIT {

    private static final Pattern SERVING = Pattern.compile("serving (http://127\\.0\\.0\\.1:\\d+)/metrics");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theEndpointsAnswerAndTheCountersEqualTheRecordsOnTheTopics(KafkaCluster cluster, @TempDir Path dir) throws Exception {
        String name = Kafka.unique("metrics");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".requests", 2);
        kafka.createTopic(name + ".rates", 1);
        // The table is filled before the start: once /ready says 200, every event must find its row.
        for (String zone : List.of("north", "south")) {
            kafka.send(name + ".rates", zone, "{\"factor\": 2}");
        }
        Path routeFile = dir.resolve(name + ".yaml");
        Files.writeString(routeFile, """
                application: %1$s
                tables:
                  rates: { topic: %1$s.rates }
                routes:
                  quotes:
                    from: %1$s.requests
                    stages:
                      - checked: { validate: { required: [id, zone] } }
                      - rated: { enrich: { table: rates, key: "value.zone", as: rate, onMiss: dead-letter } }
                      - large: { filter: { when: "value.amount >= 10" } }
                """.formatted(name));

        try (AppProcess app = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "app", List.of("--http", "0"))) {
            String base = await().atMost(Duration.ofSeconds(60)).until(() -> serving(app), b -> b != null);
            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(90)).until(() -> get(base + "/ready").statusCode() == 200);
            assertThat(get(base + "/ready").body()).contains("\"state\":\"RUNNING\"");
            assertThat(get(base + "/health").body()).contains("\"status\":\"UP\"").contains("StreamThread-1\":\"RUNNING\"");

            // 30 pass every stage, 7 are filtered, 5 miss the table, 4 fail validation, 2 do not decode.
            try (var producer = kafka.producer()) {
                for (int i = 0; i < 30; i++) {
                    producer.send(new ProducerRecord<>(name + ".requests", "k" + i,
                            "{\"id\": \"" + i + "\", \"zone\": \"" + (i % 2 == 0 ? "north" : "south") + "\", \"amount\": " + (10 + i) + "}"));
                }
                for (int i = 0; i < 7; i++) {
                    producer.send(new ProducerRecord<>(name + ".requests", "s" + i,
                            "{\"id\": \"s" + i + "\", \"zone\": \"north\", \"amount\": 1}"));
                }
                for (int i = 0; i < 5; i++) {
                    producer.send(new ProducerRecord<>(name + ".requests", "m" + i,
                            "{\"id\": \"m" + i + "\", \"zone\": \"west\", \"amount\": 50}"));
                }
                for (int i = 0; i < 4; i++) {
                    producer.send(new ProducerRecord<>(name + ".requests", "v" + i, "{\"zone\": \"north\"}"));
                }
                producer.send(new ProducerRecord<>(name + ".requests", "x1", "not json"));
                producer.send(new ProducerRecord<>(name + ".requests", "x2", "[1, 2]"));
                producer.flush();
            }
            Map<String, String> route = Map.of("route", "quotes");
            await().atMost(Duration.ofSeconds(60)).until(() -> scrape(base).value("hyphae_route_in_total", route) == 48);
            kafka.awaitConsumed(name, name + ".requests", Duration.ofSeconds(60));

            PrometheusText metrics = scrape(base);
            int checked = kafka.readAll(name + ".quotes.checked", Duration.ofSeconds(30)).size();
            int rated = kafka.readAll(name + ".quotes.rated", Duration.ofSeconds(30)).size();
            int large = kafka.readAll(name + ".quotes.large", Duration.ofSeconds(30)).size();
            int dead = kafka.readAll(name + ".quotes.dlq", Duration.ofSeconds(30)).size();
            assertThat(List.of(checked, rated, large, dead)).containsExactly(42, 37, 30, 11);

            assertThat(metrics.value("hyphae_route_undecodable_total", route)).isEqualTo(2);
            assertThat(metrics.value("hyphae_stage_in_total", stage("checked"))).isEqualTo(46);
            assertThat(metrics.value("hyphae_stage_out_total", stage("checked"))).isEqualTo(checked);
            assertThat(metrics.value("hyphae_stage_dead_lettered_total", stage("checked"))).isEqualTo(4);
            assertThat(metrics.value("hyphae_stage_in_total", stage("rated"))).isEqualTo(checked);
            assertThat(metrics.value("hyphae_stage_out_total", stage("rated"))).isEqualTo(rated);
            assertThat(metrics.value("hyphae_stage_enrich_miss_total", stage("rated"))).isEqualTo(5);
            assertThat(metrics.value("hyphae_stage_dead_lettered_total", stage("rated"))).isEqualTo(5);
            assertThat(metrics.value("hyphae_stage_out_total", stage("large"))).isEqualTo(large);
            assertThat(metrics.value("hyphae_stage_dropped_total", stage("large"))).isEqualTo(7);
            assertThat(metrics.value("hyphae_route_undecodable_total", route) + metrics.value("hyphae_stage_dead_lettered_total", stage("checked"))
                    + metrics.value("hyphae_stage_dead_lettered_total", stage("rated"))).isEqualTo(dead);
            assertThat(metrics.value("hyphae_stage_latency_seconds_count", stage("large"))).isEqualTo(large);
            assertThat(metrics.value("hyphae_stage_processing_seconds_count", stage("rated"))).isEqualTo(checked);

            // Kafka Streams' own metrics; consumer lag per input partition: caught up, so 0.
            assertThat(metrics.names()).contains("kafka_stream_thread_process_total", "kafka_consumer_fetch_manager_records_lag_max");
            for (int partition = 0; partition < 2; partition++) {
                assertThat(metrics.value("hyphae_consumer_lag",
                        Map.of("topic", name + ".requests", "partition", Integer.toString(partition)))).isEqualTo(0);
            }
            assertThat(metrics.samples.keySet()).allSatisfy(k -> assertThat(k).contains("application=" + name));
            assertThat(metrics.samples.keySet()).filteredOn(k -> k.startsWith("hyphae_consumer_lag{"))
                    .as("each input partition once, not again under Kafka's legacy topic tag")
                    .hasSize(3).noneMatch(k -> k.contains("_requests") || k.contains("_rates"));

            // The console's page and its data.
            HttpResponse<String> page = get(base + "/");
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
            assertThat(page.body()).contains("<title>Hyphae console</title>").doesNotContain("http://").doesNotContain("https://");
            assertThat(get(base + "/api/graph").body()).contains("\"name\":\"rated\",\"type\":\"enrich\"").contains("\"tables\":[\"rates\"]");
            assertThat(get(base + "/api/stats").body()).contains("\"quotes.large\":{\"in\":37.0,\"out\":30.0,\"dropped\":7.0,\"deadLettered\":0.0}");
            assertThat(get(base + "/nothing-here").statusCode()).isEqualTo(404);
            var letters = new ObjectMapper().readTree(get(base + "/api/dead-letters?route=quotes").body());
            assertThat(letters).hasSize(dead);
            assertThat(letters.findValuesAsText("reason")).filteredOn(r -> r.startsWith("cannot decode")).hasSize(2);
            assertThat(letters.findValuesAsText("reason")).filteredOn(r -> r.startsWith("enrich miss")).hasSize(5);
            assertThat(get(base + "/api/dead-letters?route=nope").statusCode()).isEqualTo(404);

            HttpResponse<String> post = http.send(HttpRequest.newBuilder(URI.create(base + "/metrics"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(post.statusCode()).isEqualTo(405);

            // SIGTERM: the JVM exits with 128 + 15 after the shutdown hook closed the streams (and the server).
            assertThat(app.stop()).as(app.output()).isEqualTo(143);
            assertThat(app.output()).contains("PENDING_SHUTDOWN -> NOT_RUNNING");
            assertThatThrownBy(() -> get(base + "/health")).isInstanceOf(IOException.class);
        }
    }

    private static Map<String, String> stage(String stage) {
        return Map.of("route", "quotes", "stage", stage);
    }

    private static String serving(AppProcess app) throws Exception {
        Matcher m = SERVING.matcher(app.output());
        return m.find() ? m.group(1) : null;
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private PrometheusText scrape(String base) throws Exception {
        HttpResponse<String> response = get(base + "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        return PrometheusText.parse(response.body());
    }
}
