package io.hyphae.stage;

/** A count a stage type keeps of its own (e.g. enrich misses), reported with the stage's metrics. */
@FunctionalInterface
public interface StageCounter {

    void increment();
}
