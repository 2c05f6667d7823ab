package io.hyphae.runtime;

import io.hyphae.route.RouteFile;
import io.hyphae.route.loader.RouteFileLoader;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Security settings reach every client; Hyphae's defaults give way to the file's. */
class StreamsConfigFactoryTest {

    private static RouteFile file(String kafka) {
        return new RouteFileLoader(Map.of("SASL_PASSWORD", "s3cret")::get).load("t.yaml", """
                application: app
                kafka:
                %s
                routes:
                  r: { from: in, stages: [ { s: { filter: { when: "true" } } } ] }
                """.formatted(kafka));
    }

    @Test
    void saslAndTlsSettingsGoToStreamsAndToPlainClients() {
        RouteFile f = file("""
                  properties:
                    security.protocol: SASL_SSL
                    sasl.mechanism: SCRAM-SHA-512
                    sasl.jaas.config: org.apache.kafka.common.security.scram.ScramLoginModule required username="hyphae" password="${SASL_PASSWORD}";
                    ssl.truststore.location: /etc/kafka/truststore.p12
                """);
        Properties streams = StreamsConfigFactory.forRun(f, "broker:9093");
        Properties clients = StreamsConfigFactory.clientProperties(f, "broker:9093");
        for (Properties p : new Properties[] {streams, clients}) {
            assertThat(p).containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                    .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.p12")
                    .containsEntry("bootstrap.servers", "broker:9093");
            assertThat(p.getProperty("sasl.jaas.config")).contains("password=\"s3cret\"");
        }
    }

    @Test
    void defaultsAreExactlyOnceLowLingerAndTheDeadLetterHandlers() {
        Properties p = StreamsConfigFactory.forRun(file("  bootstrap: b:9092"), "b:9092");
        assertThat(p).containsEntry("processing.guarantee", "exactly_once_v2").containsEntry("producer.linger.ms", "5").containsEntry("producer.batch.size", "131072")
                .containsEntry("producer.max.request.size", Integer.toString(16 * 1024 * 1024))
                .doesNotContainKey("commit.interval.ms");
        // a crashed member is replaced within about 10 s, not Kafka's default 45 s
        assertThat(p).containsEntry("consumer.session.timeout.ms", "10000").containsEntry("consumer.heartbeat.interval.ms", "3000");
        assertThat(StreamsConfigFactory.forRun(file("  streams: { consumer.session.timeout.ms: \"30000\" }"), "b:1"))
                .as("the file overrides it").containsEntry("consumer.session.timeout.ms", "30000");
        assertThat(p.get("processing.exception.handler").toString()).endsWith("DeadLetterProcessingExceptionHandler");
        assertThat(p.get("production.exception.handler").toString()).endsWith("DeadLetterProductionExceptionHandler");
    }

    @Test
    void atLeastOnceCommitsEverySecondUnlessTheFileSaysOtherwise() {
        assertThat(StreamsConfigFactory.forRun(file("  streams: { processing.guarantee: at_least_once }"), "b:1"))
                .containsEntry("commit.interval.ms", "1000");
        assertThat(StreamsConfigFactory.forRun(file("  streams: { processing.guarantee: at_least_once, commit.interval.ms: \"5000\" }"), "b:1"))
                .containsEntry("commit.interval.ms", "5000");
    }

    @Test
    void storesKeepTheirStateUnderHyphaesFolderUnlessTheEnvironmentOrTheFileSaysOtherwise() {
        assertThat(StreamsConfigFactory.defaultStateDir(null)).isEqualTo(Path.of(System.getProperty("user.home"), ".hyphae", "state").toString());
        assertThat(StreamsConfigFactory.defaultStateDir(" ")).isEqualTo(StreamsConfigFactory.defaultStateDir(null));
        assertThat(StreamsConfigFactory.defaultStateDir("/var/lib/hyphae")).isEqualTo("/var/lib/hyphae");
        assertThat(StreamsConfigFactory.forRun(file("  streams: { state.dir: /data/streams }"), "b:1"))
                .containsEntry("state.dir", "/data/streams");
    }

    @Test
    void theDefaultFolderHasASubfolderPerClusterAFolderTheUserNamedHasNot() {
        RouteFile plain = file("  properties: { client.id: x }");
        Properties config = StreamsConfigFactory.forRun(plain, "b:1");
        assertThat(StreamsConfigFactory.stateDirForCluster(plain, config, "Zx9-cluster"))
                .contains(Path.of(config.getProperty("state.dir"), "Zx9-cluster").toString());
        assertThat(StreamsConfigFactory.stateDirForCluster(plain, config, null)).isEmpty();
        RouteFile named = file("  streams: { state.dir: /data/streams }");
        assertThat(StreamsConfigFactory.stateDirForCluster(named, StreamsConfigFactory.forRun(named, "b:1"), "Zx9-cluster")).isEmpty();
        RouteFile given = file("  properties: { state.dir: /data/x }"); // as -X state.dir=... gives it
        assertThat(StreamsConfigFactory.stateDirForCluster(given, StreamsConfigFactory.forRun(given, "b:1"), "Zx9-cluster")).isEmpty();
    }
}
