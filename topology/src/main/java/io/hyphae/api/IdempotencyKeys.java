package io.hyphae.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Requests already answered, by their {@code Idempotency-Key} (and topic): a retried request gets the first answer
 * instead of producing again. The most recent {@code capacity} keys are kept, in memory: a retry must reach the same
 * server process (the key also travels as the record header {@code hyphae.idempotency-key}, for consumers that
 * deduplicate downstream).
 */
final class IdempotencyKeys {

    /** What was answered. */
    record Answer(int status, byte[] body) {
    }

    private final Map<String, CompletableFuture<Answer>> answers;

    IdempotencyKeys(int capacity) {
        this.answers = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, CompletableFuture<Answer>> eldest) {
                return size() > capacity;
            }
        };
    }

    /**
     * The answer of the first request with this key, computing it if there was none; a concurrent retry waits for it.
     * A failed computation is forgotten, so that a retry tries again.
     */
    Answer answer(String key, Supplier<Answer> compute) {
        CompletableFuture<Answer> mine = new CompletableFuture<>();
        CompletableFuture<Answer> first;
        synchronized (answers) {
            first = answers.putIfAbsent(key, mine);
        }
        if (first != null) {
            return first.join();
        }
        try {
            Answer answer = compute.get();
            if (answer.status() >= 500) {
                forget(key, mine);
            }
            mine.complete(answer);
            return answer;
        } catch (RuntimeException e) {
            forget(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
    }

    private void forget(String key, CompletableFuture<Answer> mine) {
        synchronized (answers) {
            answers.remove(key, mine);
        }
    }
}
