package io.hyphae.format;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
