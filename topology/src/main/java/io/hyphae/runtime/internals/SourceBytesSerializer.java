package io.hyphae.runtime.internals;

import io.hyphae.event.Event;
import org.apache.kafka.common.serialization.Serializer;

/** Writes the value bytes exactly as the route received them: what a dead-letter topic must hold. */
public final class SourceBytesSerializer implements Serializer<Event> {

    @Override
    public byte[] serialize(String topic, Event event) {
        return event == null ? null : event.sourceValue();
    }
}
