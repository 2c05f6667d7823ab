package io.hyphae.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hyphae.event.LineageHeaders;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.UncheckedIOException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The drone-fleet route (dedupe, resequence per flight, validate, enrich with the drone registry, transform, route to
 * alerts and positions) as its own JVM on a real broker, SIGKILLed and restarted {@value #KILLS} times while
 * {@value #EVENTS} telemetry events of {@value #DRONES} drones stream in: over 5 % of them sent twice (the copy a few
 * hundred records later, or tens of thousands of records later, past several kills), over 10 % of them after a
 * higher sequence number of their drone (at most {@value #MAX_DELAY} numbers late, well within the resequencer's
 * capacity), and every {@value #BAD_EVERY}th one invalid (a battery level above 100 %).
 * <p>
 * Every restart is a new process with an <b>empty</b> state directory, as on a replaced host: the dedupe and
 * resequence stores come back only from their changelogs. The resequencer waits 60 s for a gap (the example
 * waits 5 s): after a crash under exactly-once, what the crashed process had written to the resequencer's
 * repartition topic in its open transaction is aborted and comes again only once the dedupe task has restored
 * its store and processed its input again, and a timeout shorter than that skips gaps that would have been
 * filled (5 s skipped about 50 in a run). The time the process was down is not waited (the wait counts while
 * the resequencer's task runs).
 * <p>
 * Afterwards, read committed: under exactly-once (the default guarantee) the resequenced topic and every stage topic
 * after it (checked, registered, assessed, and alerts plus positions together) hold each event id exactly once,
 * each topic in sequence order per flight, with no gap skipped, and the dead-letter topic holds exactly the invalid events.
 * Under at-least-once ({@code -X processing.guarantee=at_least_once}) nothing is lost: every event id is on every
 * one of those topics at least once; the copies a crash replays are counted and printed, not asserted.
 */
@ExtendWith(RealKafkaExtension.class)
class FleetCrashIT {

    static final int DRONES = 50;
    static final int PER_DRONE = 2_000;
    static final int EVENTS = DRONES * PER_DRONE;
    static final int KILLS = 5;
    static final int BAD_EVERY = 1_000;
    /** How many sequence numbers late a reordered event arrives at most. */
    static final int MAX_DELAY = 8;
    private static final double REORDERED = 0.13;
    private static final double DUPLICATED = 0.06;
    private static final ObjectMapper JSON = new ObjectMapper();

    private KafkaCluster cluster;

    @BeforeEach
    void cluster(KafkaCluster cluster) {
        this.cluster = cluster;
    }

    /** One telemetry event, as sent. */
    record Reading(String eventId, int drone, int seq, boolean bad) {
        String droneId() {
            return "drone-%02d".formatted(drone);
        }

        String json(Random random) {
            int battery = bad ? 150 : random.nextInt(101);
            return String.format(Locale.ROOT, """
                    {"eventId": "%s", "droneId": "%s", "flightId": "f1", "seq": %d, "at": "2026-11-02T08:00:00Z", \
                    "position": {"lat": %.5f, "lon": %.5f}, "altitudeM": %d, "batteryPct": %d}""", eventId, droneId(), seq, 34 + random.nextDouble(), -117 + random.nextDouble(),
                            40 + random.nextInt(200), battery);
        }
    }

    /** What is sent, in sending order, and what of it is out of order or a copy. */
    record Traffic(List<Reading> sends, int duplicates, int lateDuplicates, int reordered) {
        static Traffic generate(Random random) {
            List<Map.Entry<Double, Reading>> slots = new ArrayList<>();
            int duplicates = 0;
            int lateDuplicates = 0;
            for (int d = 0; d < DRONES; d++) {
                for (int seq = 1; seq <= PER_DRONE; seq++) {
                    int index = (seq - 1) * DRONES + d;
                    Reading reading = new Reading("drone-%02d-%04d".formatted(d, seq), d, seq, index % BAD_EVERY == BAD_EVERY - 1);
                    double slot = index;
                    if (random.nextDouble() < REORDERED) {
                        slot += DRONES * (1 + random.nextInt(MAX_DELAY)) + 0.25;
                    }
                    slots.add(Map.entry(slot, reading));
                    if (random.nextDouble() < DUPLICATED) {
                        boolean late = random.nextInt(3) == 0;
                        slots.add(Map.entry(slot + 0.5 + (late ? 5_000 + random.nextInt(40_000) : random.nextInt(300)), reading));
                        duplicates++;
                        lateDuplicates += late ? 1 : 0;
                    }
                }
            }
            slots.sort(Map.Entry.comparingByKey());
            List<Reading> sends = slots.stream().map(Map.Entry::getValue).toList();
            // Out of order: sent (the first time) after a higher number of the same drone.
            int[] highest = new int[DRONES];
            Set<String> seen = new HashSet<>();
            int reordered = 0;
            for (Reading r : sends) {
                if (seen.add(r.eventId())) {
                    reordered += r.seq() < highest[r.drone()] ? 1 : 0;
                    highest[r.drone()] = Math.max(highest[r.drone()], r.seq());
                }
            }
            return new Traffic(sends, duplicates, lateDuplicates, reordered);
        }
    }

    /** A record of a stage topic: its event, and the gap the resequencer reported on it. */
    record Seen(String eventId, String droneId, int seq, String gap, String reason) {
        static Seen of(Kafka.Text record) {
            try {
                JsonNode value = JSON.readTree(record.value());
                return new Seen(value.path("eventId").asText(), value.path("droneId").asText(), value.path("seq").asInt(),
                        record.header(LineageHeaders.RESEQUENCE_GAP), record.header(LineageHeaders.ERROR_REASON));
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON on " + record.topic() + ": " + record.value(), e);
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"exactly_once_v2", "at_least_once"})
    void fleetRouteKilledAgainAndAgain(String guarantee, @TempDir Path dir) throws Exception {
        boolean exactlyOnce = guarantee.startsWith("exactly_once");
        String name = Kafka.unique("fleet");
        Kafka kafka = new Kafka(cluster.bootstrapServers());
        kafka.createTopic(name + ".telemetry", 3);
        kafka.createTopic(name + ".registry", 1);
        for (int d = 0; d < DRONES; d++) {
            kafka.send(name + ".registry", "drone-%02d".formatted(d), """
                    {"droneId": "drone-%02d", "unit": "Recon-%d", "minAltitudeM": 60, "reserveBatteryPct": 20}""".formatted(d, d % 4));
        }
        Path routeFile = dir.resolve("fleet.yaml");
        Files.writeString(routeFile, route(name));
        List<String> options = exactlyOnce ? List.of() : List.of("-X", "processing.guarantee=" + guarantee);

        Random random = new Random(13);
        Traffic traffic = Traffic.generate(random);
        List<Reading> sends = traffic.sends();
        assertThat(traffic.duplicates()).as("copies sent").isGreaterThanOrEqualTo(EVENTS / 20);
        assertThat(traffic.reordered()).as("events sent out of order").isGreaterThanOrEqualTo(EVENTS / 10);
        // A copy is the same bytes as its original.
        Map<String, String> json = new HashMap<>();
        List<String> values = sends.stream().map(r -> json.computeIfAbsent(r.eventId(), id -> r.json(random))).toList();

        // The producer sends at most 2500 records a second, and the k-th of every KILLS + 1 parts only after k kills.
        int part = sends.size() / (KILLS + 1) + 1;
        AtomicInteger sent = new AtomicInteger();
        AtomicInteger kills = new AtomicInteger();
        Thread producerThread = new Thread(() -> {
            try (KafkaProducer<String, String> producer = kafka.producer()) {
                for (int n = 0; n < sends.size(); n++) {
                    while (n >= (kills.get() + 1) * part) {
                        Thread.sleep(50);
                    }
                    producer.send(new ProducerRecord<>(name + ".telemetry", sends.get(n).droneId(), values.get(n)));
                    if (n % 500 == 499) {
                        producer.flush();
                        sent.set(n + 1);
                        Thread.sleep(200);
                    }
                }
                producer.flush();
                sent.set(sends.size());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "fleet-crash-producer");

        long begin = System.nanoTime();
        AppProcess current = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-0", options);
        try {
            awaitRunning(current);
            producerThread.start();
            while (kills.get() < KILLS) {
                AppProcess running = current;
                int k = kills.get();
                awaitRunning(running);
                await().atMost(Duration.ofSeconds(180)).until(() -> sent.get() >= k * part + part / 3);
                Thread.sleep(1_000 + random.nextInt(2_000));
                running.kill();
                System.out.printf("fleet crash test (%s): %d ms: killed run %d after %d of %d records were sent%n", guarantee,
                        millisSince(begin), k, sent.get(), sends.size());
                kills.incrementAndGet();
                current = new AppProcess(routeFile, cluster.bootstrapServers(), dir, "run-" + kills.get(), options);
            }
            AppProcess last = current;
            awaitRunning(last);
            producerThread.join();
            System.out.printf("fleet crash test (%s): %d ms: all %d records sent%n", guarantee, millisSince(begin), sends.size());
            // Done when the application has committed its position at the end of its input and of its repartition topics.
            kafka.awaitConsumed(name, name + ".telemetry", Duration.ofSeconds(400));
            for (String repartition : repartitionTopics(name)) {
                kafka.awaitConsumed(name, repartition, Duration.ofSeconds(300));
            }
            System.out.printf("fleet crash test (%s): %d ms: input consumed%n", guarantee, millisSince(begin));

            Map<String, List<Seen>> topics = new LinkedHashMap<>();
            for (String stage : List.of("ordered", "checked", "registered", "assessed")) {
                topics.put(stage, read(kafka, name + ".telemetry." + stage));
            }
            topics.put("alerts", read(kafka, name + ".alerts"));
            topics.put("positions", read(kafka, name + ".positions"));
            List<Seen> destinations = new ArrayList<>(topics.get("alerts"));
            destinations.addAll(topics.get("positions"));
            int alerts = topics.get("alerts").size();
            List<Seen> dead = read(kafka, name + ".telemetry.dlq");
            List<Seen> audited = read(kafka, name + ".telemetry.unique.duplicates");
            String log = last.output();
            last.close();
            long seconds = millisSince(begin) / 1_000;

            Set<String> all = new TreeSet<>();
            Set<String> valid = new TreeSet<>();
            sends.forEach(r -> {
                all.add(r.eventId());
                if (!r.bad()) {
                    valid.add(r.eventId());
                }
            });
            Set<String> bad = new TreeSet<>(all);
            bad.removeAll(valid);
            long gaps = topics.get("ordered").stream().filter(s -> s.gap() != null).count();
            Map<String, Long> copies = new LinkedHashMap<>();
            topics.forEach((stage, seen) -> copies.put(stage, seen.size() - seen.stream().map(Seen::eventId).distinct().count()));
            System.out.printf("fleet crash test (%s): %d events (%d invalid), %d copies sent (%d of them long after), %d sent out of "
                            + "order, %d kills, %d s in all; %d alerts; %d dead letters; %d duplicates audited; %d gaps skipped; "
                            + "copies on the stage topics: %s%n", guarantee, EVENTS, bad.size(), traffic.duplicates(),
                    traffic.lateDuplicates(), traffic.reordered(), kills.get(), seconds, alerts, dead.size(), audited.size(), gaps,
                    copies);
            dead.stream().filter(s -> !bad.contains(s.eventId())).limit(5).forEach(s -> System.out.printf(
                    "fleet crash test (%s): dead letter %s: %s%n", guarantee, s.eventId(), s.reason()));
            topics.get("ordered").stream().filter(s -> s.gap() != null).limit(5).forEach(s -> System.out.printf(
                    "fleet crash test (%s): gap %s skipped before %s%n", guarantee, s.gap(), s.eventId()));
            if (exactlyOnce && (copies.values().stream().anyMatch(c -> c != 0) || gaps > 0)) {
                System.out.println("the last run's log:\n" + log.substring(Math.max(0, log.length() - 20_000)));
            }

            assertThat(sent.get()).isEqualTo(sends.size());
            assertThat(kills.get()).isEqualTo(KILLS);
            assertThat(ids(topics.get("ordered"))).as("no event lost on the resequenced topic").isEqualTo(all);
            for (String stage : List.of("checked", "registered", "assessed")) {
                assertThat(ids(topics.get(stage))).as("no event lost on " + stage).isEqualTo(valid);
            }
            assertThat(ids(destinations)).as("no event lost on the destinations").isEqualTo(valid);
            Set<String> both = ids(topics.get("alerts"));
            both.retainAll(ids(topics.get("positions")));
            assertThat(both).as("events on both destinations").isEmpty();
            if (exactlyOnce) {
                assertThat(gaps).as("gaps skipped by the resequencer").isZero();
                topics.forEach((stage, seen) -> {
                    assertThat(copies.get(stage)).as("copies on " + stage).isZero();
                    assertThat(outOfOrder(seen)).as("events out of sequence order on " + stage).isEmpty();
                });
                assertThat(dead).as("dead letters: the invalid events, each once").hasSize(bad.size());
                assertThat(ids(dead)).isEqualTo(bad);
                assertThat(dead).allSatisfy(s -> assertThat(s.reason()).contains("batteryPct must be between 0 and 100"));
                // Every copy sent was dropped by the dedupe stage, and audited exactly once.
                assertThat(audited).hasSize(traffic.duplicates());
            } else {
                // What a replay passes again is late for the resequencer: a dead letter, or (the invalid events) a second one.
                assertThat(ids(dead)).as("dead letters").containsAll(bad);
                assertThat(dead).filteredOn(s -> !bad.contains(s.eventId()))
                        .allSatisfy(s -> assertThat(s.reason()).contains("late"));
            }
        } finally {
            producerThread.interrupt();
            current.close();
        }
    }

    /** The fleet route, as in the fleet example, on this test's topics. */
    private static String route(String name) {
        return """
                application: %1$s
                kafka:
                  streams:
                    consumer.session.timeout.ms: "6000"
                    consumer.heartbeat.interval.ms: "1500"
                topics: { partitions: 3 }
                tables:
                  registry:
                    topic: %1$s.registry
                    format: json
                routes:
                  telemetry:
                    from: %1$s.telemetry
                    format: json
                    stages:
                      - unique:
                          dedupe:
                            id: value.eventId
                            within: 1h
                            audit: true
                      - ordered:
                          resequence:
                            by: value.seq
                            group: "value.droneId + '/' + value.flightId"
                            start: 1
                            timeout: 60s
                            capacity: 100
                            onLate: dead-letter
                      - checked:
                          validate:
                            required: [eventId, droneId, flightId, seq, position.lat, position.lon, altitudeM, batteryPct]
                            rules:
                              - rule: "value.batteryPct >= 0 && value.batteryPct <= 100"
                                message: batteryPct must be between 0 and 100
                      - registered:
                          enrich:
                            table: registry
                            key: value.droneId
                            as: drone
                            onMiss: dead-letter
                      - assessed:
                          transform:
                            set:
                              altitudeMarginM: "value.altitudeM - drone.minAltitudeM"
                              lowBattery: "value.batteryPct < drone.reserveBatteryPct"
                              unit: "drone.unit"
                            remove: [drone]
                      - routed:
                          route:
                            - when: "value.lowBattery || value.altitudeMarginM < 0"
                              to: %1$s.alerts
                            - otherwise: %1$s.positions
                """.formatted(name);
    }

    /** Until the process says RUNNING; if it does not, the failure shows the end of its log. */
    private static void awaitRunning(AppProcess app) throws IOException {
        try {
            await().atMost(Duration.ofSeconds(240)).until(() -> app.state().equals("RUNNING"));
        } catch (ConditionTimeoutException e) {
            String log = app.output();
            throw new AssertionError("not RUNNING (" + app.state() + "); its log ends:\n" + log.substring(Math.max(0, log.length() - 10_000)), e);
        }
    }

    private static List<Seen> read(Kafka kafka, String topic) {
        return kafka.readAll(topic, Duration.ofSeconds(120)).stream().map(Seen::of).toList();
    }

    private static Set<String> ids(List<Seen> seen) {
        return seen.stream().map(Seen::eventId).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Per drone (a drone's records share a partition, read in offset order): the events after a higher number. */
    private static List<String> outOfOrder(List<Seen> seen) {
        Map<String, Integer> highest = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Seen s : seen) {
            Integer before = highest.put(s.droneId(), Math.max(s.seq(), highest.getOrDefault(s.droneId(), 0)));
            if (before != null && s.seq() <= before) {
                out.add(s.eventId() + " after " + s.droneId() + " #" + before);
            }
        }
        return out;
    }

    private List<String> repartitionTopics(String name) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()))) {
            return admin.listTopics().names().get().stream().filter(t -> t.startsWith(name) && t.endsWith("repartition"))
                    .sorted(Comparator.naturalOrder()).toList();
        }
    }

    private static long millisSince(long begin) {
        return (System.nanoTime() - begin) / 1_000_000;
    }
}
