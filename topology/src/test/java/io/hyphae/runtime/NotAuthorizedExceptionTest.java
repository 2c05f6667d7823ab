package io.hyphae.runtime;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.errors.StreamsException;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class NotAuthorizedExceptionTest {

    @Test
    void aRefusedTopicIsNamedWithTheOperationTheCallerKnowsAndTheAclThatGrantsIt() {
        StreamsException wrapped = new StreamsException(new TopicAuthorizationException(Set.of("orders.priced")));
        NotAuthorizedException e = NotAuthorizedException.explain(wrapped, t -> "Write", "orders", "orders-").orElseThrow();
        assertThat(e.operation()).isEqualTo("Write");
        assertThat(e.resourceType()).isEqualTo("topic");
        assertThat(e.resource()).isEqualTo("orders.priced");
        assertThat(e.getMessage()).startsWith("not authorized: the broker refused Write on topic 'orders.priced' (TopicAuthorizationException); grant it: ")
                .contains("--operation Write --topic orders.priced").doesNotContain("\n");
    }

    @Test
    void theTopicIsReadFromTheMessageWhenTheExceptionCarriesNoSet() {
        var e = NotAuthorizedException.explain(new KafkaException(new TopicAuthorizationException("Not authorized to access topics: [a.b]")),
                t -> "Read", "g", "g-").orElseThrow();
        assertThat(e.resource()).isEqualTo("a.b");
    }

    @Test
    void groupsAndTransactionalIdsAreNamedPrefixedWhereTheyAre() {
        assertThat(NotAuthorizedException.explain(new GroupAuthorizationException("no", "orders"), t -> "Read", "x", "x-").orElseThrow()
                .getMessage()).contains("refused Read on group 'orders'").contains("--operation Read --group orders ");
        assertThat(NotAuthorizedException.explain(new TransactionalIdAuthorizationException("no"), t -> "Read", "orders", "orders-").orElseThrow()
                .getMessage()).contains("refused Write on transactional ids prefixed 'orders-'")
                .contains("--operation Write --transactional-id orders- --resource-pattern-type prefixed");
        assertThat(NotAuthorizedException.explain(new TransactionalIdAuthorizationException("no"), t -> "Read", "r", "orders.r.dlq-replay").orElseThrow()
                .getMessage()).contains("refused Write on transactional id 'orders.r.dlq-replay'").doesNotContain("prefixed");
    }

    @Test
    void otherFailuresAreNotExplained() {
        assertThat(NotAuthorizedException.explain(new KafkaException("boom"), t -> "Read", "g", "g-")).isEmpty();
    }
}
