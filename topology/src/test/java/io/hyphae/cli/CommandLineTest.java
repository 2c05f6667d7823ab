package io.hyphae.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The offline commands, run as a user runs them. */
class CommandLineTest {

    private static final String EXAMPLE = "../examples/insurance/insurance.yaml";

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        CommandLine cli = HyphaeCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        return cli.execute(args);
    }

    @Test
    void runRefusesAnHttpAddressThatIsNoneBeforeTouchingKafka() {
        assertThat(run("run", EXAMPLE, "--http", "localhost:port", "-b", "127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString()).contains("--http: expected [HOST:]PORT, e.g. 9464 or 127.0.0.1:9464, got 'localhost:port'");
        assertThat(run("run", EXAMPLE, "--http", "70000", "-b", "127.0.0.1:1")).isEqualTo(2);
    }

    @Test
    void testRejectsABrokenTestFileWithPositions(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("../examples/insurance/insurance-json.yaml"), dir.resolve("shop.yaml"));
        Path tests = dir.resolve("shop.test.yaml");
        Files.writeString(tests, "tests:\n  t:\n    given: [ { route: address-changd, value: {} } ]\n    none: [address-changed.dlq]\n");
        assertThat(run("test", tests.toString())).isEqualTo(1);
        assertThat(err.toString()).contains(tests + ":3:23: tests.t.given[0].route: no route 'address-changd' in the route file (did you mean 'address-changed'?)")
                .contains(tests + ": 1 problem");
        assertThat(run("test", tests.toString().replace(".test.yaml", ".yaml"), "no-such-test")).isEqualTo(1);
    }

    @Test
    void validateSaysOkForTheExample() {
        assertThat(run("validate", EXAMPLE)).isZero();
        assertThat(out.toString()).contains(EXAMPLE + ": OK (application 'insurance': 2 routes, 5 stages, 1 table, 1 subscriber)");
    }

    @Test
    void validatePrintsOneLinePerProblemWithLineAndColumn(@TempDir Path dir) throws Exception {
        // the JSON twin: a copy elsewhere keeps no relative schema paths to break
        String broken = Files.readString(Path.of("../examples/insurance/insurance-json.yaml"))
                .replace("enrich:\n", "enrch:\n")
                .replace("\"size(value.customerId) > 0\"", "\"size(value.customerId) >\"")
                .replace("otherwise: insurance-json.policy-update", "otherwise: manual-reviw");
        Path file = dir.resolve("broken.yaml");
        Files.writeString(file, broken);
        assertThat(run("validate", file.toString())).isEqualTo(1);
        String[] lines = err.toString().split("\\R");
        assertThat(lines).hasSize(4);
        assertThat(lines[0]).matches(".*broken.yaml:\\d+:\\d+: routes.address-changed.stages\\[0\\].validated.validate.rules\\[0\\].rule: invalid CEL: .*");
        assertThat(lines[1]).matches(".*broken.yaml:\\d+:\\d+: routes.address-changed.stages\\[1\\].enriched.enrch: unknown stage type 'enrch' \\(did you mean 'enrich'\\?\\).*");
        assertThat(lines[2]).matches(".*broken.yaml:\\d+:\\d+: .*'manual-reviw' is not a route of this file \\(did you mean 'manual-review'\\?\\).*");
        assertThat(lines[3]).endsWith("broken.yaml: 3 problems");
    }

    @Test
    void describePrintsStagesTopicsTopologyAndMermaid() {
        assertThat(run("describe", EXAMPLE)).isZero();
        assertThat(out.toString())
                .contains("validated            validate   insurance.address-changed.validated")
                .contains("routed               route      insurance.address-changed.routed              insurance.manual-review.requests, insurance.policy-update")
                .contains("dead letters: insurance.address-changed.dlq")
                .contains("Sub-topology: 0")
                .contains("```mermaid\nflowchart LR")
                .contains("stage_address_changed_routed --> topic_insurance_policy_update");
    }

    @Test
    void describeAndAclsShowTheStoresChangelogsRepartitionAndOutputTopicsOfStatefulStages() {
        String drones = "../examples/fleet/fleet.yaml";
        assertThat(run("describe", drones)).isZero();
        assertThat(out.toString())
                .contains("unique               dedupe     fleet.telemetry.unique                        ordered")
                .contains("fleet.telemetry.unique.duplicates             (output)")
                .contains("state of unique: store telemetry.unique.seen (window, retention 1h), changelog fleet-telemetry.unique.seen-changelog")
                .contains("repartition before ordered: fleet.telemetry.ordered.repartition (partitioned like fleet.telemetry)")
                .contains("state of ordered: store telemetry.ordered.held (key-value), changelog fleet-telemetry.ordered.held-changelog")
                .contains("store_telemetry_ordered_held[(\"store held\")]")
                .contains("stage_telemetry_ordered <-.-> store_telemetry_ordered_held");
        out.getBuffer().setLength(0);
        assertThat(run("acls", drones)).isZero();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal User:hyphae";
        assertThat(out.toString().lines().toList()).contains(
                base + " --operation Read --operation Write --operation Create --operation DescribeConfigs"
                        + " --topic fleet-telemetry.unique.seen-changelog",
                base + " --operation Read --operation Write --operation Create --operation Delete"
                        + " --topic fleet.telemetry.ordered.repartition",
                base + " --operation Write --operation Create --topic fleet.telemetry.unique.duplicates");
    }

    @Test
    void runRefusesABrokenFileBeforeConnecting(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "application: a\nroutes: {}\n");
        assertThat(run("run", file.toString(), "-b", "127.0.0.1:1")).isEqualTo(1);
        assertThat(err.toString()).contains("bad.yaml:2:9: routes: at least one route is needed")
                .contains("error: 1 problem in " + file + "; nothing was started");
    }

    @Test
    void aclsNameEveryTopicGroupAndTransactionalIdTheAppUses() {
        assertThat(run("acls", EXAMPLE, "--principal", "User:insurer")).isZero();
        String base = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal User:insurer";
        String connect = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal User:connect";
        assertThat(out.toString().lines().filter(l -> l.startsWith("kafka-acls.sh")).toList()).containsExactlyInAnyOrder(
                base + " --operation Read --operation Create --topic geo.accident-volume",
                base + " --operation Read --operation Write --operation Create --topic customer.address-changed",
                base + " --operation Read --operation Write --operation Create --topic insurance.manual-review.requests",
                base + " --operation Read --operation Write --operation Create --topic insurance.address-changed.dlq",
                base + " --operation Write --operation Create --topic insurance.address-changed.validated",
                base + " --operation Write --operation Create --topic insurance.address-changed.enriched",
                base + " --operation Write --operation Create --topic insurance.address-changed.priced",
                base + " --operation Write --operation Create --topic insurance.address-changed.routed",
                base + " --operation Write --operation Create --topic insurance.policy-update",
                base + " --operation Read --operation Write --operation Create --topic insurance.manual-review.dlq",
                base + " --operation Write --operation Create --topic insurance.manual-review.queued",
                base + " --operation Read --group insurance",
                base + " --operation Write --transactional-id insurance- --resource-pattern-type prefixed",
                base + " --operation Write --transactional-id insurance. --resource-pattern-type prefixed",
                base + " --operation Read --group insurance. --resource-pattern-type prefixed",
                // the app creates the subscriber's dead-letter topic; the Connect worker reads and writes for it
                base + " --operation Create --operation Describe --topic insurance.subscriber.policy-service.dlq",
                connect + " --operation Read --topic insurance.address-changed.priced",
                connect + " --operation Write --topic insurance.subscriber.policy-service.dlq",
                connect + " --operation Read --group connect-insurance-subscriber-policy-service");
    }

    @Test
    void aclsAndRenderWithRuntimeSubscribersNameWhatTheFanOutConnectorNeeds() throws Exception {
        assertThat(run("acls", EXAMPLE, "--runtime-subscribers")).isZero();
        String connect = "kafka-acls.sh --bootstrap-server \"$BOOTSTRAP\" --add --allow-principal User:connect";
        assertThat(out.toString().lines().toList()).contains(
                connect + " --operation Read --topic insurance.address-changed.priced",
                connect + " --operation Read --topic insurance.manual-review.queued",
                connect + " --operation Read --operation Create --topic insurance.subscribers",
                connect + " --operation Read --operation Write --operation Create --topic insurance.subscribers.status",
                connect + " --operation Write --operation Create --topic insurance.subscriber. --resource-pattern-type prefixed",
                connect + " --operation Read --group connect-insurance-subscribers");
        out.getBuffer().setLength(0);
        assertThat(run("connectors", "render", EXAMPLE, "--runtime-subscribers", "-b", "broker:9092", "-X", "sasl.jaas.config=secret-jaas")).isZero();
        JsonNode fanOut = null;
        for (JsonNode connector : new ObjectMapper().readTree(out.toString())) {
            if (connector.get("name").asText().equals("insurance-subscribers")) {
                fanOut = connector.get("config");
            }
        }
        assertThat(fanOut).isNotNull();
        assertThat(fanOut.get("connector.class").asText()).isEqualTo("io.hyphae.connect.webhook.FanOutSinkConnector");
        assertThat(fanOut.get("topics").asText()).contains("insurance.address-changed.priced");
        assertThat(fanOut.get("fanout.kafka.bootstrap.servers").asText()).isEqualTo("broker:9092");
        assertThat(fanOut.get("fanout.kafka.sasl.jaas.config").asText()).isEqualTo("[secret]");
        assertThat(out.toString()).doesNotContain("secret-jaas");
    }

    @Test
    void withTheLocalStackOffAMissingBootstrapIsAnErrorNamingTheWaysToGiveIt() {
        Assumptions.assumeTrue(System.getenv("KAFKA_BOOTSTRAP") == null, "KAFKA_BOOTSTRAP is set");
        assertThat(run("run", "../examples/insurance/insurance-json.yaml", "--no-local")).isEqualTo(1);
        assertThat(err.toString()).contains("no bootstrap servers: give them with --bootstrap-server, the route file's kafka.bootstrap or $KAFKA_BOOTSTRAP")
                .contains("--no-local");
    }

    @Test
    void edgeChecksAnEdgeFileAndReportsItsProblemsWithTheirPositions() {
        assertThat(run("edge", "--check", "../examples/fleet/falcon-1.edge.yaml")).isZero();
        assertThat(out.toString()).contains("falcon-1.edge.yaml: OK (node 'falcon-1': 1 mirror(s), 1 published table(s)");
        assertThat(run("edge", "--check", "../examples/fleet/fleet.yaml")).isEqualTo(1);
        assertThat(err.toString()).contains("fleet.yaml:8:1: application: unknown field 'application'")
                .contains("missing required field 'node'");
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"validate", "describe", "run", "demo", "produce", "tap", "dlq", "acls", "local", "connectors", "receive", "serve", "edge", "test"}) {
            out.getBuffer().setLength(0);
            assertThat(run(command, "--help")).isZero();
            assertThat(out.toString()).as(command).startsWith("Usage: hyphae " + command);
        }
    }
}
