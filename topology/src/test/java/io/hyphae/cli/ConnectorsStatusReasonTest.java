package io.hyphae.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code hyphae connectors status} shows why a task failed: the root cause of the worker's trace. */
class ConnectorsStatusReasonTest {

    @Test
    void showsTheRootCauseOfAFailedTask() {
        String trace = """
                org.apache.kafka.connect.errors.ConnectException: Exiting WorkerSinkTask due to unrecoverable exception.
                \tat org.apache.kafka.connect.runtime.WorkerSinkTask.deliverMessages(WorkerSinkTask.java:636)
                Caused by: org.apache.kafka.connect.errors.ConnectException: Subscriber 'gone' at http://h/gone answered 410 Gone for record t-0@3
                \tat io.hyphae.connect.webhook.WebhookSinkTask.put(WebhookSinkTask.java:90)
                \t... 12 more
                """;
        assertThat(ConnectorsCommand.Status.reason(trace))
                .isEqualTo("org.apache.kafka.connect.errors.ConnectException: Subscriber 'gone' at http://h/gone answered 410 Gone for record t-0@3");
        assertThat(ConnectorsCommand.Status.reason("java.lang.IllegalStateException: boom\n\tat x.y(Z.java:1)\n"))
                .isEqualTo("java.lang.IllegalStateException: boom");
    }
}
