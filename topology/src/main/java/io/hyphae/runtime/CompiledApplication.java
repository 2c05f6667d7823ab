package io.hyphae.runtime;

import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFile;
import org.apache.kafka.streams.Topology;

import java.util.List;

/** A route file compiled: the Kafka Streams topology, the topics it needs and its stages. */
public record CompiledApplication(RouteFile file, Topology topology, List<TopicSpec> topics, List<StageInfo> stages) {
}
