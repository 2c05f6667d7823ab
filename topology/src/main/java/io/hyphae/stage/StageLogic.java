package io.hyphae.stage;

import io.hyphae.event.Event;

/**
 * The per-event work of one stage. The surrounding processor writes the stage topic, the dead-letter
 * topic and forwards to the next stage, so a stage only decides. An exception thrown here sends the
 * event to the dead-letter topic with the exception as the reason.
 */
public interface StageLogic {

    /** Called once per task before the first event; look up state stores and metrics, and schedule punctuators here. */
    default void init(StageRuntime runtime) {
    }

    Outcome apply(Event event);
}
