package io.hyphae.routetest;

import io.hyphae.plan.CheckedFile;
import io.hyphae.route.Location;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A route test file, loaded and resolved against its route file: every topic named in it is one the route file reads
 * or writes. Values are plain data ({@code Map}, {@code List}, text, numbers, booleans, null) as in the file.
 */
public record RouteTestSuite(String name, Path file, CheckedFile routes, Map<String, List<Row>> tables, List<TestCase> tests) {

    /** A row of a reference table; a null value is a tombstone. */
    public record Row(Location where, Object key, Object value) {
    }

    public record TestCase(String name, Location where, Map<String, List<Row>> tables, List<Step> given,
                           List<Expectation> expect, List<Target> none) {
    }

    /** One step of {@code given}: a record to send, or time passing. */
    public sealed interface Step permits Input, Advance {
    }

    /**
     * A record sent to a topic the application reads.
     *
     * @param value the value as plain data, sent as JSON or, on an Avro topic, as Avro of the reader's schema; ignored when {@code raw} is set
     * @param raw text sent as it is (UTF-8), for records that must not decode
     */
    public record Input(Location where, String topic, Object key, Object value, Optional<String> raw, Map<String, String> headers,
                        Optional<Instant> timestamp) implements Step {
    }

    /** Time passing: stream time (the timestamp of the records sent after it) and the wall-clock time of punctuations. */
    public record Advance(Location where, Duration streamTime, Duration wallClock) implements Step {
    }

    /** A topic named in {@code expect} or {@code none}: as written, and what it resolved to. */
    public record Target(Location where, String label, String topic) {
    }

    /** What one topic must hold once the given records are processed. */
    public record Expectation(Target target, OptionalInt count, List<RecordMatcher> records) {
    }

    /**
     * One expected record, in order. Each field set is checked: the key's text, the whole value, a part of the value
     * ({@code contains}: every field given must be there with that value), header values, a dead letter's reason
     * (the {@code hyphae.error.reason} header must contain this text) and the record's timestamp.
     */
    public record RecordMatcher(Location where, Optional<Object> key, boolean keyIsNull, Optional<Object> value, boolean valueIsNull,
                                Optional<Object> contains, Map<String, String> headers, Optional<String> reason,
                                Optional<Instant> timestamp) {
    }
}
