package io.hyphae.runtime.internals;

import io.hyphae.event.Event;
import io.hyphae.format.Keys;
import io.hyphae.format.PayloadFormat;
import io.hyphae.route.KeyFormat;
import io.hyphae.stage.StageRuntime.KeptEvent;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * An event as a stage keeps it in a store: the input topic, the key bytes, the bytes the route received, the bytes of
 * the value as it is now (as the stage topic gets them), the timestamp and the headers. Read back, the value is decoded
 * again and the bytes are written unchanged unless a later stage changes it.
 */
final class KeptEvents {

    private static final byte VERSION = 1;

    private final PayloadFormat format;
    private final KeyFormat keyFormat;
    private final String stageTopic;

    KeptEvents(PayloadFormat format, KeyFormat keyFormat, String stageTopic) {
        this.format = format;
        this.keyFormat = keyFormat;
        this.stageTopic = stageTopic;
    }

    byte[] keep(byte[] key, Event event, long timestamp) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeByte(VERSION);
            write(out, event.topic() == null ? null : event.topic().getBytes(StandardCharsets.UTF_8));
            write(out, key);
            write(out, event.sourceValue());
            write(out, event.encoded(format, stageTopic));
            out.writeLong(timestamp);
            Header[] headers = event.headers().toArray();
            out.writeInt(headers.length);
            for (Header h : headers) {
                write(out, h.key().getBytes(StandardCharsets.UTF_8));
                write(out, h.value());
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    KeptEvent restore(byte[] kept) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(kept));
            byte version = in.readByte();
            if (version != VERSION) {
                throw new IllegalStateException("a kept event of format version " + version + " (this version reads " + VERSION + ")");
            }
            byte[] topicBytes = read(in);
            String topic = topicBytes == null ? null : new String(topicBytes, StandardCharsets.UTF_8);
            byte[] key = read(in);
            byte[] sourceValue = read(in);
            byte[] current = read(in);
            long timestamp = in.readLong();
            int count = in.readInt();
            RecordHeaders headers = new RecordHeaders();
            for (int i = 0; i < count; i++) {
                headers.add(new String(read(in), StandardCharsets.UTF_8), read(in));
            }
            Map<String, Object> value = format.decode(stageTopic, current);
            Event event = new Event(topic, key, sourceValue, Keys.decode(key, keyFormat), value, headers, current);
            return new KeptEvent(key, event, timestamp);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(DataOutputStream out, byte[] bytes) throws IOException {
        if (bytes == null) {
            out.writeInt(-1);
        } else {
            out.writeInt(bytes.length);
            out.write(bytes);
        }
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
