package io.hyphae.fuzz;

import io.hyphae.format.FormatException;
import io.hyphae.format.JsonFormat;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;
import io.hyphae.runtime.RouteDriver;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterProperty;
import net.jqwik.api.lifecycle.BeforeProperty;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Random and mutated input: only the documented error types may come out, and no record is lost. */
class FuzzTest {

    private static final Path EXAMPLE = Path.of("../examples/insurance");
    private static final String ROUTE_FILE = read(EXAMPLE.resolve("insurance-json.yaml"));
    private static final List<String> EVENTS = lines(EXAMPLE.resolve("address-changed.jsonl"));

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> lines(Path p) {
        return List.of(read(p).split("\n"));
    }

    @Provide
    Arbitrary<byte[]> mutatedEvents() {
        Arbitrary<byte[]> valid = Arbitraries.of(EVENTS).map(s -> s.getBytes(StandardCharsets.UTF_8));
        return Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(300),
                valid.flatMap(b -> Arbitraries.integers().between(0, b.length).map(cut -> java.util.Arrays.copyOf(b, cut))),
                valid.flatMap(b -> Arbitraries.integers().between(0, b.length - 1).flatMap(at -> Arbitraries.bytes().map(x -> {
                    byte[] copy = b.clone();
                    copy[at] = x;
                    return copy;
                }))),
                valid);
    }

    @Property(tries = 2000)
    void jsonDecodingEitherSucceedsOrThrowsFormatException(@ForAll("mutatedEvents") byte[] bytes) {
        try {
            Map<String, Object> value = new JsonFormat().decode("t", bytes);
            assertThat(value).isNotNull();
        } catch (FormatException expected) {
            assertThat(expected.getMessage()).isNotBlank();
        }
    }

    @Provide
    Arbitrary<String> mutatedRouteFiles() {
        Arbitrary<String> base = Arbitraries.just(ROUTE_FILE);
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(400),
                Arbitraries.strings().withChars("{}[]:-,'\"\n #&*!|>%@`\\ abc123.$").ofMaxLength(300),
                base.flatMap(f -> Arbitraries.integers().between(0, f.length()).map(cut -> f.substring(0, cut))),
                base.flatMap(f -> Arbitraries.integers().between(0, f.length() - 1).flatMap(at ->
                        Arbitraries.of('{', '}', '[', ']', ':', '-', ',', '\'', '"', '\n', ' ', '#', '&', '*', '!', '|', '>', '%', '@', '`', '$', 'a').map(c -> f.substring(0, at) + c + f.substring(at + 1)))),
                base.flatMap(f -> Arbitraries.integers().between(0, f.length() - 1).flatMap(at ->
                        Arbitraries.integers().between(1, 40).map(n -> f.substring(0, at) + f.substring(Math.min(f.length(), at + n))))));
    }

    @Property(tries = 1500)
    void theLoaderEitherAcceptsOrReportsProblemsWithPositions(@ForAll("mutatedRouteFiles") String yaml) {
        try {
            new RouteFileLoader(n -> null).load("fuzz.yaml", yaml);
        } catch (RouteFileException expected) {
            assertThat(expected.problems()).isNotEmpty().allSatisfy(p -> {
                assertThat(p.location().file()).isEqualTo("fuzz.yaml");
                assertThat(p.location().line()).isPositive();
                assertThat(p.message()).isNotBlank();
            });
        }
    }

    private RouteDriver route;

    @BeforeProperty
    void startRoute() {
        route = RouteDriver.of(EXAMPLE.resolve("insurance-json.yaml"));
        for (String row : lines(EXAMPLE.resolve("geo-risk.jsonl"))) {
            route.send("geo.accident-volume-json", row.replaceAll(".*\"postalCode\":\"(\\d+)\".*", "$1"), row);
        }
    }

    @AfterProperty
    void stopRoute() {
        route.close();
    }

    /** Every input ends in exactly one place: a destination of the router or the dead-letter topic. */
    @Property(tries = 500)
    void everyMutatedEventEndsUpRoutedOrDeadLettered(@ForAll("mutatedEvents") byte[] bytes) {
        route.sendBytes("customer.address-changed-json", null, bytes);
        int routed = route.read("insurance-json.manual-review.requests").size() + route.read("insurance-json.policy-update").size();
        int dead = route.read("insurance-json.address-changed.dlq").size();
        route.read("insurance-json.manual-review.queued");
        route.read("insurance-json.manual-review.dlq");
        assertThat(routed + dead).isEqualTo(1);
        if (dead == 0) {
            assertThat(route.read("insurance-json.address-changed.validated")).isNotNull();
        }
    }
}
