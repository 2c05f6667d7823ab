package io.hyphae.bench;

import io.hyphae.plan.TopicNames;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The fleet job's input: telemetry readings of many drones, each drone's flights of {@link #FLIGHT_LENGTH} readings
 * numbered 1, 2, … per flight, keyed by the drone, delivered as a flaky link delivers them: about one reading in ten
 * before the one it follows (two neighbours swapped), and about one in twenty once more a few readings later. Nothing is
 * lost, so every flight is complete: a correct dedupe + resequence releases every reading once, in order. The same seed
 * gives the same delivery order, so every system reads the same input; {@link Delivery} holds what it implies.
 */
final class FleetWorkload {

    static final String ROUTE = "telemetry";
    static final int FLIGHT_LENGTH = 100;
    static final double SWAP = 0.10;
    static final double DUPLICATE = 0.05;
    private static final int MAX_DUPLICATE_DELAY = 5;
    private static final long SEED = 42;

    private FleetWorkload() {
    }

    /** One drone's readings in delivery order (reading numbers from 0); a duplicate appears twice. */
    record Delivery(int[][] perDrone, int readings, int duplicates, int reordered) {
        int records() {
            return readings + duplicates;
        }

        /** The readings the route sends to the alerts topic: each once, or (without the dedupe) every delivery of each. */
        long alerts(boolean distinct) {
            long n = 0;
            for (int d = 0; d < perDrone.length; d++) {
                boolean[] counted = new boolean[perDrone[d].length];
                for (int reading : perDrone[d]) {
                    if (alert(d, reading) && !(distinct && counted[reading])) {
                        n++;
                    }
                    counted[reading] = true;
                }
            }
            return n;
        }

        /** The records in delivery order: round robin over the drones, each drone's next one. */
        void forEach(RecordSink sink) {
            int[] next = new int[perDrone.length];
            boolean more = true;
            while (more) {
                more = false;
                for (int d = 0; d < perDrone.length; d++) {
                    if (next[d] < perDrone[d].length) {
                        sink.accept(d, perDrone[d][next[d]++]);
                        more = true;
                    }
                }
            }
        }
    }

    interface RecordSink {
        void accept(int drone, int reading);
    }

    /** {@code readings} distinct readings over {@code drones} drones, delivered with swaps and duplicates. */
    static Delivery delivery(int readings, int drones) {
        Random random = new Random(SEED);
        int[][] perDrone = new int[drones][];
        int duplicates = 0;
        int reordered = 0;
        for (int d = 0; d < drones; d++) {
            int n = readings / drones + (d < readings % drones ? 1 : 0);
            int[] order = new int[n];
            Arrays.setAll(order, i -> i);
            for (int i = 0; i + 1 < n; i++) {
                if (random.nextDouble() < SWAP) {
                    order[i] = i + 1;
                    order[i + 1] = i;
                    reordered++;
                    i++;
                }
            }
            List<Integer> out = new ArrayList<>(n + n / 10);
            List<int[]> pending = new ArrayList<>();
            for (int reading : order) {
                out.add(reading);
                if (random.nextDouble() < DUPLICATE) {
                    pending.add(new int[] {out.size() + random.nextInt(MAX_DUPLICATE_DELAY), reading});
                    duplicates++;
                }
                pending.removeIf(p -> p[0] <= out.size() && out.add(p[1]));
            }
            pending.forEach(p -> out.add(p[1]));
            perDrone[d] = out.stream().mapToInt(Integer::intValue).toArray();
        }
        return new Delivery(perDrone, readings, duplicates, reordered);
    }

    static String droneId(int drone) {
        return String.format(Locale.ROOT, "d%05d", drone);
    }

    static String flightId(int reading) {
        return String.format(Locale.ROOT, "f%03d", reading / FLIGHT_LENGTH);
    }

    static int seq(int reading) {
        return reading % FLIGHT_LENGTH + 1;
    }

    static int altitudeM(int drone, int reading) {
        return 40 + (reading * 37 + drone * 11) % 200;
    }

    static int batteryPct(int reading) {
        return 100 - (reading % FLIGHT_LENGTH) * 90 / FLIGHT_LENGTH;
    }

    /** A reading, about 200 bytes of JSON. */
    static String reading(int drone, int reading) {
        String id = droneId(drone);
        String flight = flightId(reading);
        int seq = seq(reading);
        return String.format(Locale.ROOT, "{\"eventId\":\"%s-%s-%03d\",\"droneId\":\"%s\",\"flightId\":\"%s\",\"seq\":%d,"
                        + "\"at\":\"2026-11-02T08:%02d:%02dZ\",\"position\":{\"lat\":%.5f,\"lon\":%.5f},\"altitudeM\":%d,\"batteryPct\":%d}",
                id, flight, seq, id, flight, seq, seq / 60 % 60, seq % 60, 34.0 + drone * 0.001 + seq * 0.0001,
                -117.0 - drone * 0.001 - seq * 0.0001, altitudeM(drone, reading), batteryPct(reading));
    }

    static int minAltitudeM(int drone) {
        return drone % 3 == 0 ? 90 : 60;
    }

    static int reserveBatteryPct(int drone) {
        return drone % 3 == 0 ? 25 : 20;
    }

    /** The drone's row of the registry table, keyed by {@link #droneId}. */
    static String registryRow(int drone) {
        return String.format(Locale.ROOT, "{\"droneId\":\"%s\",\"model\":\"%s\",\"unit\":\"Recon-%d\",\"escort\":\"HV-%d\",\"minAltitudeM\":%d,"
                + "\"reserveBatteryPct\":%d}", droneId(drone), drone % 3 == 0 ? "Hawk L" : "Falcon X2", drone % 20, drone % 7,
                minAltitudeM(drone), reserveBatteryPct(drone));
    }

    /** Whether the route sends the reading to the alerts topic: a low battery or below the drone's minimum altitude. */
    static boolean alert(int drone, int reading) {
        return batteryPct(reading) < reserveBatteryPct(drone) || altitudeM(drone, reading) - minAltitudeM(drone) < 0;
    }

    static String stage(String application, String stage) {
        return TopicNames.stage(application, ROUTE, stage);
    }

    static String duplicates(String application) {
        return TopicNames.output(application, ROUTE, "unique", "duplicates");
    }

    static String deadLetters(String application) {
        return TopicNames.deadLetter(application, ROUTE);
    }

    static String alerts(String application) {
        return application + ".alerts";
    }

    static String positions(String application) {
        return application + ".positions";
    }
}
