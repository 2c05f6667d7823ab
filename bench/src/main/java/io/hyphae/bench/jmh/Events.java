package io.hyphae.bench.jmh;

/** The insurance event of the microbenchmarks, as the route sees it along the way. */
final class Events {

    /** An address-changed event as it arrives. */
    static final String INPUT_JSON = "{\"eventId\":\"ev-0001\",\"customerId\":\"C-1001\",\"policyId\":\"P-5001\","
            + "\"changedAt\":\"2026-11-02T08:15:00Z\","
            + "\"oldAddress\":{\"street\":\"Bahnhofstrasse 1\",\"postalCode\":\"8001\",\"city\":\"Zurich\"},"
            + "\"newAddress\":{\"street\":\"Langstrasse 120\",\"postalCode\":\"8004\",\"city\":\"Zurich\"},\"currentPremium\":840.0}";

    /** The same event after the enrich and transform stages. */
    static final String PRICED_JSON = INPUT_JSON.substring(0, INPUT_JSON.length() - 1)
            + ",\"geo\":{\"postalCode\":\"8004\",\"region\":\"Zurich\",\"accidentsPer1000\":24.1},"
            + "\"riskBand\":\"HIGH\",\"newPremium\":1050.0}";

    private Events() {
    }
}
