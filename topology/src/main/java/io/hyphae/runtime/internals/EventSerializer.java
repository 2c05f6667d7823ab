package io.hyphae.runtime.internals;

import io.hyphae.format.PayloadFormat;
import io.hyphae.event.Event;
import org.apache.kafka.common.serialization.Serializer;

/** Writes an event's current value: its received bytes while unchanged, else encoded once per change. */
public final class EventSerializer implements Serializer<Event> {

    private final PayloadFormat format;

    public EventSerializer(PayloadFormat format) {
        this.format = format;
    }

    @Override
    public byte[] serialize(String topic, Event event) {
        return event == null ? null : event.encoded(format, topic);
    }
}
