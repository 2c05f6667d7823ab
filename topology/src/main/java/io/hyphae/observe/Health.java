package io.hyphae.observe;

import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.ThreadMetadata;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** What {@code /health} and {@code /ready} answer: a verdict and the states it is drawn from. */
record Health(boolean ok, String state, Map<String, String> threads) {

    /** Live: the streams exist, are not failed or stopped, and every stream thread is alive. */
    static Health live(KafkaStreams streams) {
        if (streams == null) {
            return new Health(true, "CREATED", Map.of());
        }
        KafkaStreams.State state = streams.state();
        Map<String, String> threads = threads(streams);
        boolean threadsAlive = threads.values().stream().noneMatch(s -> s.equals("DEAD") || s.equals("PENDING_SHUTDOWN"));
        boolean ok = switch (state) {
            case CREATED, REBALANCING, RUNNING -> threadsAlive;
            default -> false;
        };
        return new Health(ok, state.name(), threads);
    }

    /** Ready: RUNNING, which Kafka Streams reaches only once the global tables are loaded and the tasks restored. */
    static Health ready(KafkaStreams streams) {
        if (streams == null) {
            return new Health(false, "CREATED", Map.of());
        }
        KafkaStreams.State state = streams.state();
        return new Health(state == KafkaStreams.State.RUNNING, state.name(), threads(streams));
    }

    private static Map<String, String> threads(KafkaStreams streams) {
        try {
            return streams.metadataForLocalThreads().stream()
                    .collect(Collectors.toMap(ThreadMetadata::threadName, ThreadMetadata::threadState, (a, b) -> a, LinkedHashMap::new));
        } catch (RuntimeException e) {
            // not started, or shutting down
            return Map.of();
        }
    }

    String json() {
        StringBuilder sb = new StringBuilder();
        sb.append("{\"status\":\"").append(ok ? "UP" : "DOWN").append("\",\"state\":\"").append(state).append("\",\"threads\":{");
        boolean first = true;
        for (Map.Entry<String, String> t : threads.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append('"').append(escape(t.getKey())).append("\":\"").append(escape(t.getValue())).append('"');
        }
        return sb.append("}}\n").toString();
    }

    private static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
