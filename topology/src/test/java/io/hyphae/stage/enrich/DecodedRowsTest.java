package io.hyphae.stage.enrich;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DecodedRowsTest {

    private final List<String> decoded = new ArrayList<>();
    private final DecodedRows rows = new DecodedRows(bytes -> {
        String text = new String(bytes, StandardCharsets.UTF_8);
        if (text.equals("bad")) {
            throw new IllegalArgumentException("does not decode");
        }
        decoded.add(text);
        return "decoded " + text;
    });

    @Test
    void decodesEachStoredRowOnce() {
        byte[] row = "a".getBytes(StandardCharsets.UTF_8);
        assertThat(rows.get(row)).isEqualTo("decoded a");
        assertThat(rows.get(row)).isEqualTo("decoded a");
        assertThat(decoded).containsExactly("a");
    }

    @Test
    void aReplacedRowIsDecodedAgainEvenWithEqualBytes() {
        rows.get("a".getBytes(StandardCharsets.UTF_8));
        assertThat(rows.get("b".getBytes(StandardCharsets.UTF_8))).isEqualTo("decoded b");
        // The table holds new bytes after an update: another array, decoded afresh.
        assertThat(rows.get("a".getBytes(StandardCharsets.UTF_8))).isEqualTo("decoded a");
        assertThat(decoded).containsExactly("a", "b", "a");
    }

    @Test
    void aRowThatDoesNotDecodeFailsEveryTimeAndIsNotKept() {
        byte[] bad = "bad".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> rows.get(bad)).hasMessage("does not decode");
        assertThatThrownBy(() -> rows.get(bad)).hasMessage("does not decode");
        assertThat(rows.size()).isZero();
    }
}
