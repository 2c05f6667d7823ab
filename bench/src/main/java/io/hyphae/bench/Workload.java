package io.hyphae.bench;

import java.util.Locale;

/**
 * The insurance job every system runs: address-changed events (about 330 bytes of JSON), a geo-risk table of
 * postal codes; validate, enrich, price, route. Every 1000th event is invalid (empty customerId) and every
 * valid event yields five records: validated, enriched, priced, routed and one destination.
 */
public final class Workload {

    public static final int BAD_EVERY = 1_000;

    private Workload() {
    }

    public static String postalCode(int i) {
        return String.format(Locale.ROOT, "P%06d", i);
    }

    public static String tableRow(int i) {
        double accidents = (i * 37 % 400) / 10.0;
        return "{\"postalCode\":\"" + postalCode(i) + "\",\"region\":\"Region " + (i % 500) + "\",\"accidentsPer1000\":" + accidents + "}";
    }

    public static String customer(int i) {
        return i % BAD_EVERY == 0 ? "" : "C" + (i % 50_000);
    }

    public static String event(int i, int tableSize) {
        String code = postalCode((int) ((i * 7919L) % tableSize));
        return "{\"eventId\":\"e" + i + "\",\"customerId\":\"" + customer(i) + "\",\"policyId\":\"P-" + (500_000 + i % 90_000)
                + "\",\"changedAt\":\"2026-11-02T08:15:00Z\","
                + "\"oldAddress\":{\"street\":\"Bahnhofstrasse " + (i % 200) + "\",\"postalCode\":\"P000001\",\"city\":\"Zurich\"},"
                + "\"newAddress\":{\"street\":\"Langstrasse " + (i % 300) + "\",\"postalCode\":\"" + code + "\",\"city\":\"Zurich\"},"
                + "\"currentPremium\":" + (500 + i % 500) + ".0}";
    }

    public static int validEvents(int events) {
        int bad = (events + BAD_EVERY - 1) / BAD_EVERY;
        return events - bad;
    }

    /** Topics of one run: every system writes the same set, under its own prefix. */
    public record Topics(String prefix, String input, String table) {
        public String stage(String stage) {
            return prefix + ".changes." + stage;
        }

        public String review() {
            return prefix + ".review";
        }

        public String policy() {
            return prefix + ".policy";
        }

        public String deadLetters() {
            return prefix + ".changes.dlq";
        }
    }
}
