package io.hyphae.it;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every ACL {@code hyphae acls} prints for the insurance example is needed: with all of them but one, on a broker with
 * StandardAuthorizer, {@code hyphae run} (or, for the ACLs of the replay, {@code hyphae dlq replay}) exits non-zero with
 * one line naming the operation and the resource the broker refused — no stack trace, no hang. One secured cluster;
 * each check a fresh application (its own topics) and a fresh principal holding all the printed ACLs but the one.
 */
@ExtendWith(RealKafkaExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AclMinimalityIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(120);
    private static final Pattern REFUSED = Pattern.compile(
            "error: not authorized: the broker refused (\\S+) on (topic|group|transactional id)(s prefixed)? '([^']+)'.*--operation (\\S+)");

    @TempDir
    static Path dir;

    private SecuredKafkaCluster cluster;
    private String registryUrl;

    @BeforeAll
    void start(RegistryServer registry) throws Exception {
        cluster = new SecuredKafkaCluster(Files.createDirectories(dir.resolve("tls")));
        registryUrl = registry.url();
    }

    @AfterAll
    void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
    }

    private SecuredInsurance example(String app, String user, String password) throws Exception {
        Path certs = cluster.certificates().truststore();
        return new SecuredInsurance(cluster, registryUrl, Files.createDirectories(dir.resolve(app)), app, List.of(
                "security.protocol: SASL_SSL",
                "sasl.mechanism: SCRAM-SHA-512",
                "sasl.jaas.config: 'org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
                        + "\" password=\"" + password + "\";'",
                "ssl.truststore.type: PKCS12",
                "ssl.truststore.location: " + certs,
                "ssl.truststore.password: " + cluster.certificates().password()));
    }

    private static List<AclBinding> printedAcls(SecuredInsurance example, String principal) {
        Cli acls = Cli.run("acls", example.file.toString(), "--principal", principal);
        assertThat(acls.code()).as(acls.err()).isZero();
        return AclScript.parse(acls.out()).stream().filter(b -> b.entry().principal().equals(principal)).toList();
    }

    @Test
    void withoutAnyOneOfThePrintedAclsTheCommandFailsNamingIt() throws Exception {
        int count = printedAcls(example("m00", "app-00", "unused"), "User:app-00").size();
        // 12 topics with Create; Read/Write on them; Describe on the subscriber's dead-letter topic; group and transactional ids.
        assertThat(count).isEqualTo(32);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String app = String.format("m%02d", i + 1);
            String user = "app-" + app;
            String password = "pw-" + app;
            SecuredInsurance example = example(app, user, password);
            List<AclBinding> printed = printedAcls(example, "User:" + user);
            AclBinding removed = printed.get(i);
            List<AclBinding> granted = new ArrayList<>(printed);
            granted.remove(i);
            cluster.addUser(user, password);
            cluster.addAcls(granted);
            long started = System.nanoTime();
            Outcome outcome = replayOnly(example, removed) ? replay(example, removed) : run(example, removed);
            String line = outcome.output.lines().filter(l -> l.contains("error: ")).findFirst().orElse("(no error line)");
            System.out.printf("without %-70s %s exit %d after %4.1f s: %s%n", AclScript.describe(removed), outcome.command,
                    outcome.code, (System.nanoTime() - started) / 1e9, line);
            Optional<String> problem = check(removed, outcome);
            problem.ifPresent(p -> problems.add("without " + AclScript.describe(removed) + ": " + p));
        }
        assertThat(problems).isEmpty();
    }

    private record Outcome(String command, int code, String output) {
    }

    /** Whether the message names the refused ACL: its resource, and its operation (refused, or the one to grant). */
    private static Optional<String> check(AclBinding removed, Outcome outcome) {
        if (outcome.code == 0 || outcome.code == -1) {
            return Optional.of(outcome.command + (outcome.code == 0 ? " succeeded" : " did not stop within " + TIMEOUT.toSeconds() + " s")
                    + ":\n" + outcome.output);
        }
        Matcher m = REFUSED.matcher(outcome.output);
        if (!m.find()) {
            return Optional.of(outcome.command + " failed without naming a refused permission:\n" + outcome.output);
        }
        String type = switch (removed.pattern().resourceType()) {
            case TRANSACTIONAL_ID -> "transactional id";
            default -> removed.pattern().resourceType().name().toLowerCase(Locale.ROOT);
        };
        String op = name(removed.entry().operation());
        String named = m.group(4);
        boolean resource = m.group(2).equals(type) && (removed.pattern().patternType() == PatternType.PREFIXED
                ? named.startsWith(removed.pattern().name()) : named.equals(removed.pattern().name()));
        boolean operation = m.group(1).equals(op) || m.group(5).equals(op);
        if (!resource || !operation) {
            return Optional.of("the message names another permission: " + m.group());
        }
        if (outcome.output.contains("\tat ") || outcome.output.contains("    at org.apache")) {
            return Optional.of("a stack trace was printed:\n" + outcome.output);
        }
        return Optional.empty();
    }

    private static String name(AclOperation op) {
        String s = op.name().toLowerCase(Locale.ROOT);
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** The ACLs only 'dlq replay' uses: Read on a dead-letter topic, Write on the input, its group and transactional ids. */
    private static boolean replayOnly(SecuredInsurance example, AclBinding b) {
        String name = b.pattern().name();
        if (b.pattern().patternType() == PatternType.PREFIXED) {
            return name.equals(example.app + ".");
        }
        if (b.pattern().resourceType() != ResourceType.TOPIC) {
            return false;
        }
        return b.entry().operation() == AclOperation.READ && name.endsWith(".dlq") && !name.contains(".subscriber.")
                || b.entry().operation() == AclOperation.WRITE && name.equals(example.input());
    }

    /** A dead letter waiting in the route's dead-letter topic, then 'dlq replay' as the application's principal. */
    private Outcome replay(SecuredInsurance example, AclBinding removed) throws Exception {
        String route = removed.pattern().name().contains(".manual-review.") ? "manual-review" : "address-changed";
        String dlq = example.topic(route + ".dlq");
        String input = route.equals("manual-review") ? example.topic("manual-review.requests") : example.input();
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(dlq, 1, (short) 1), new NewTopic(input, 1, (short) 1))).all().get();
        }
        example.kafka().send(dlq, "k", "a dead letter");
        Cli replay = Cli.run("dlq", "replay", "-f", example.file.toString(), route, "-b", cluster.bootstrapServers(), "--no-local",
                "--registry-url", registryUrl);
        return new Outcome("dlq replay " + route, replay.code(), replay.out() + replay.err());
    }

    /**
     * 'hyphae run' (in this JVM: a JVM per check would triple the time) with the table loaded beforehand, unless the
     * check is that the run may create it; once it runs, the events.
     */
    private Outcome run(SecuredInsurance example, AclBinding removed) throws Exception {
        boolean createsTable = removed.entry().operation() == AclOperation.CREATE && removed.pattern().name().equals(example.table());
        if (!createsTable) {
            example.createTable();
            example.loadTable();
        }
        Path state = dir.resolve(example.app + ".state");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Future<Cli> run = executor.submit(() -> Cli.run("run", example.file.toString(), "-b", cluster.bootstrapServers(), "--no-local",
                    "--registry-url", registryUrl, "--state-file", state.toString(), "-X", "state.dir=" + dir.resolve(example.app + "-state")));
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!run.isDone() && !(Files.exists(state) && Files.readString(state, StandardCharsets.UTF_8).trim().equals("RUNNING"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            if (!run.isDone()) {
                example.loadEvents();
                // and a record the manual-review route cannot read, for its dead-letter topic
                example.kafka().send(example.topic("manual-review.requests"), "junk", "not avro");
            }
            try {
                Cli done = run.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
                return new Outcome("run", done.code(), done.out() + done.err());
            } catch (TimeoutException e) {
                // The check fails; the application is left running in this JVM until the run ends.
                return new Outcome("run", -1, "");
            }
        } finally {
            executor.shutdown();
        }
    }
}
