package io.hyphae.bench;

/** One system's figures for one format and guarantee. */
record Measurement(String system, String format, String guarantee, int events, double eventsPerSecond, double cpuSecondsPerMillion,
                   long peakRssMb, double p50Ms, double p99Ms, double p999Ms) {

    Measurement withLatency(double p50, double p99, double p999) {
        return new Measurement(system, format, guarantee, events, eventsPerSecond, cpuSecondsPerMillion, peakRssMb, p50, p99, p999);
    }

    String key() {
        return format + "/" + guarantee;
    }
}
