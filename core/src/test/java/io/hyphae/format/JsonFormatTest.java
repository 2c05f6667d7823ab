package io.hyphae.format;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

class JsonFormatTest {

    private final JsonFormat json = new JsonFormat();

    private Map<String, Object> decode(String s) {
        return json.decode("t", s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void decodesToTheTypesCelExpects() {
        Map<String, Object> v = decode("{\"i\": 7, \"d\": 1.5, \"s\": \"x\", \"b\": true, \"n\": null, \"a\": [1, {\"k\": 2}], \"big\": 123456789012345678901234}");
        assertThat(v.get("i")).isEqualTo(7L);
        assertThat(v.get("d")).isEqualTo(1.5);
        assertThat(v.get("n")).isSameAs(Values.NULL);
        assertThat(v.get("a")).isEqualTo(List.of(1L, Map.of("k", 2L)));
        assertThat(v.get("big")).isInstanceOf(Double.class);
    }

    @Test
    void encodesBackToEquivalentJson() {
        String text = "{\"i\":7,\"d\":1.5,\"s\":\"x\\\"y\",\"b\":true,\"n\":null,\"a\":[1,{\"k\":2}]}";
        assertThat(new String(json.encode("t", decode(text)), StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void rejectsWhatIsNotOneJsonObject() {
        assertThatThrownBy(() -> decode("[1]")).isInstanceOf(FormatException.class).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> decode("{\"a\": 1} {\"b\": 2}")).isInstanceOf(FormatException.class).hasMessageContaining("after the JSON object");
        assertThatThrownBy(() -> decode("{\"a\": ")).isInstanceOf(FormatException.class).hasMessageContaining("invalid JSON");
        assertThatThrownBy(() -> decode("")).isInstanceOf(FormatException.class).hasMessageContaining("no content");
        assertThatThrownBy(() -> json.decode("t", null)).isInstanceOf(FormatException.class).hasMessageContaining("tombstone");
        assertThatThrownBy(() -> decode("[".repeat(5000))).isInstanceOf(FormatException.class);
        String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
        assertThatThrownBy(() -> decode(deep)).isInstanceOf(FormatException.class).hasMessageContaining("nesting depth");
    }

    @Test
    void decodingFieldsGivesWhatTheirPathsReadFromTheWholeValue() {
        FieldPaths paths = FieldPaths.of(List.of(List.of("id"), List.of("position", "lat"), List.of("position", "lon"), List.of("position"),
                List.of("tags"), List.of("missing"), List.of("id"), List.of("s", "deep", "x")));
        for (String text : List.of(
                "{\"id\": \"d1\", \"position\": {\"lat\": 1.5, \"lon\": 2}, \"tags\": [1, {\"k\": null}], \"other\": {\"a\": [\"x\\\"\"]}}",
                "{\"position\": {\"lat\": 1}, \"position\": {\"lon\": 3}, \"id\": 1, \"id\": null}",
                "{\"position\": 7, \"s\": {\"deep\": {\"x\": true}}, \"tags\": \"t\"}",
                "{\"s\": {\"deep\": 1, \"deep\": {\"y\": 2}}, \"position\": {\"lat\": {\"v\": 1}}}",
                "{}")) {
            Map<String, Object> whole = decode(text);
            Object[] expected = paths.paths().stream().map(p -> Values.get(whole, p)).toArray();
            assertThat(json.decodeFields("t", text.getBytes(StandardCharsets.UTF_8), paths)).as(text).containsExactly(expected);
        }
    }

    @Test
    void decodingFieldsRefusesWhatDecodingRefuses() {
        FieldPaths paths = FieldPaths.of(List.of(List.of("a")));
        for (String text : List.of("[1]", "{\"a\": 1} {\"b\": 2}", "{\"a\": ", "", "{\"b\": \"\\q\"}", "{\"b\": [\"\\u12\"]}",
                "{\"b\":" + "{\"a\":".repeat(100) + "1" + "}".repeat(101))) {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            assertThatThrownBy(() -> json.decode("t", bytes)).as(text).isInstanceOf(FormatException.class);
            String message = catchThrowable(() -> json.decode("t", bytes)).getMessage();
            assertThatThrownBy(() -> json.decodeFields("t", bytes, paths)).as(text).isInstanceOf(FormatException.class).hasMessage(message);
        }
        assertThatThrownBy(() -> json.decodeFields("t", null, paths)).isInstanceOf(FormatException.class).hasMessageContaining("tombstone");
    }

    @Test
    void appendingFieldsGivesTheBytesOfTheWholeValueEncoded() {
        for (String base : List.of("{}", "{\"a\":1}", "{\"a\":{\"b\":[1,2]},\"s\":\"}\"}")) {
            Map<String, Object> added = new java.util.LinkedHashMap<>();
            added.put("x", "é\"}");
            added.put("y", Map.of());
            added.put("z", Values.NULL);
            Map<String, Object> whole = Values.copyOf(decode(base));
            whole.putAll(added);
            assertThat(new String(json.append(json.encode("t", decode(base)), added), StandardCharsets.UTF_8))
                    .as(base).isEqualTo(new String(json.encode("t", whole), StandardCharsets.UTF_8));
        }
        byte[] same = json.encode("t", decode("{\"a\":1}"));
        assertThat(json.append(same, Map.of())).isSameAs(same);
    }

    @Test
    void doublesSurviveEncodingAndDecodingExactly() {
        java.util.Random random = new java.util.Random(42);
        List<Double> values = new java.util.ArrayList<>(List.of(0.0, -0.0, 1.0, 0.1, 1e-300, 4.9e-324, Double.MAX_VALUE, 1050.0, 2e-3, 1.0E22, 123456.789));
        for (int i = 0; i < 20_000; i++) {
            values.add(Double.longBitsToDouble(random.nextLong()));
            values.add(random.nextDouble() * Math.pow(10, random.nextInt(40) - 20));
        }
        for (double d : values) {
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                continue;
            }
            Map<String, Object> decoded = decode(new String(json.encode("t", Map.of("d", d)), StandardCharsets.UTF_8));
            assertThat(decoded.get("d")).as("%s", d).isEqualTo(d);
        }
    }
}
