package io.hyphae.connect.webhook;

import org.apache.kafka.connect.converters.ByteArrayConverter;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The dead-letter headers survive the header converter the worker writes them with. */
class DeadLettersTest {

    private static SinkRecord record() {
        return new SinkRecord("t", 0, Schema.OPTIONAL_BYTES_SCHEMA, "k".getBytes(StandardCharsets.UTF_8),
                Schema.OPTIONAL_BYTES_SCHEMA, "{}".getBytes(StandardCharsets.UTF_8), 3);
    }

    @Test
    void withTheByteArrayConverterTheHeadersAreBytes() {
        SinkRecord reported = DeadLetters.withHeaders(record(), "400", 1, "bad".getBytes(StandardCharsets.UTF_8), "client-error", true);
        ByteArrayConverter converter = new ByteArrayConverter();
        converter.configure(Map.of(), false);
        for (Header h : reported.headers()) {
            byte[] written = converter.fromConnectHeader("t", h.key(), h.schema(), h.value());
            if (h.key().equals(DeadLetters.STATUS)) {
                assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo("400");
            }
            if (h.key().equals(DeadLetters.RESPONSE)) {
                assertThat(new String(written, StandardCharsets.UTF_8)).isEqualTo("bad");
            }
        }
        assertThat(reported.headers().lastWithName(DeadLetters.REASON)).isNotNull();
    }

    @Test
    void withOtherConvertersTheHeadersAreStrings() {
        SinkRecord reported = DeadLetters.withHeaders(record(), "503", 12, null, "retries-exhausted", false);
        SimpleHeaderConverter converter = new SimpleHeaderConverter();
        converter.configure(Map.of());
        Header status = reported.headers().lastWithName(DeadLetters.STATUS);
        assertThat(new String(converter.fromConnectHeader("t", status.key(), status.schema(), status.value()), StandardCharsets.UTF_8)).isEqualTo("503");
        assertThat(reported.headers().lastWithName(DeadLetters.ATTEMPTS).value()).isEqualTo("12");
    }
}
