package io.hyphae.connect.webhook;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.ConnectHeaders;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Hands records the subscriber will never accept to Connect's errant record reporter (the dead letter queue of
 * {@code errors.deadletterqueue.topic.name}) with why, and tells when the reporter has written them.
 *
 * <p>The worker's reporter writes the consumer record of an {@code InternalSinkRecord} (what {@code put} gets,
 * and what its {@code newRecord} returns), ignoring headers added to it. So the reported record is a plain
 * {@link SinkRecord} at the original topic, partition and offset, with the record's headers and ours; the
 * worker serialises it again with the connector's converters (byte-exact with the ByteArrayConverter) and
 * keys its future by that partition, which it awaits before committing offsets.
 */
final class DeadLetters implements AutoCloseable {

    static final String STATUS = "hyphae.webhook.status";
    static final String ATTEMPTS = "hyphae.webhook.attempts";
    static final String RESPONSE = "hyphae.webhook.response";
    static final String REASON = "hyphae.webhook.reason";

    private final ErrantRecordReporter reporter;
    // one thread reports (the worker's reporter keeps its futures in lists that are not thread-safe) ...
    private final ExecutorService reporting;
    // ... another waits for the writes, in order
    private final ExecutorService waiting;

    /** The worker's ByteArrayConverter: as the header converter, it takes BYTES headers only and rejects STRING ones. */
    static final String BYTE_ARRAY_CONVERTER = "org.apache.kafka.connect.converters.ByteArrayConverter";

    private final boolean bytesHeaders;

    /**
     * {@code bytesHeaders}: add our headers as UTF-8 bytes (the header converter is the ByteArrayConverter, as in the
     * connectors of route-file subscribers), else as strings (for the default SimpleHeaderConverter and the like).
     */
    DeadLetters(ErrantRecordReporter reporter, String subscriber, boolean bytesHeaders) {
        this.reporter = reporter;
        this.bytesHeaders = bytesHeaders;
        this.reporting = Executors.newSingleThreadExecutor(daemon(subscriber + "-dlq-report"));
        this.waiting = Executors.newSingleThreadExecutor(daemon(subscriber + "-dlq-await"));
    }

    boolean available() {
        return reporter != null;
    }

    /** Completes when the reporter wrote the record; fails when it could not. */
    CompletableFuture<Void> report(SinkRecord record, String status, int attempts, byte[] response, String reason) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            reporting.execute(() -> report(record, status, attempts, response, reason, done));
        } catch (RejectedExecutionException e) {
            done.completeExceptionally(e); // stopping: the record stays incomplete
        }
        return done;
    }

    private void report(SinkRecord record, String status, int attempts, byte[] response, String reason,
                        CompletableFuture<Void> done) {
        try {
            SinkRecord reported = withHeaders(record, status, attempts, response, reason, bytesHeaders);
            Future<Void> written = reporter.report(reported, new ConnectException(reason));
            waiting.execute(() -> {
                try {
                    written.get();
                    done.complete(null);
                } catch (Throwable e) {
                    done.completeExceptionally(e);
                }
            });
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    static SinkRecord withHeaders(SinkRecord record, String status, int attempts, byte[] response, String reason, boolean bytesHeaders) {
        ConnectHeaders headers = new ConnectHeaders();
        for (Header header : record.headers()) {
            headers.add(header);
        }
        Map<String, String> ours = new LinkedHashMap<>();
        ours.put(STATUS, status);
        ours.put(ATTEMPTS, Integer.toString(attempts));
        ours.put(RESPONSE, response == null ? "" : utf8Prefix(response));
        ours.put(REASON, reason);
        ours.forEach((name, text) -> {
            if (bytesHeaders) {
                headers.addBytes(name, text == null ? null : text.getBytes(StandardCharsets.UTF_8));
            } else {
                headers.addString(name, text);
            }
        });
        return new SinkRecord(record.originalTopic(), record.originalKafkaPartition(), record.keySchema(),
            record.key(), record.valueSchema(), record.value(), record.originalKafkaOffset(), record.timestamp(),
            record.timestampType(), headers);
    }

    /** At most {@link CappedBody#LIMIT} bytes, cut before a partial UTF-8 sequence. */
    static String utf8Prefix(byte[] bytes) {
        int length = Math.min(bytes.length, CappedBody.LIMIT);
        if (length < bytes.length) {
            while (length > 0 && (bytes[length] & 0xC0) == 0x80) {
                length--;
            }
        }
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        reporting.shutdown();
        waiting.shutdown();
        try {
            reporting.awaitTermination(5, TimeUnit.SECONDS);
            waiting.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reporting.shutdownNow();
        waiting.shutdownNow();
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, "hyphae-webhook-" + name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
