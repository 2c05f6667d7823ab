package io.hyphae.runtime;

import io.hyphae.plan.CheckedFile;
import io.hyphae.plan.StageInfo;
import io.hyphae.plan.TopicSpec;
import io.hyphae.route.RouteFile;
import org.apache.kafka.streams.Topology;

import java.util.List;

/** A route file compiled: what the checker found (topic plan, stages, subscribers) and the Kafka Streams topology. */
public record CompiledApplication(CheckedFile checked, Topology topology) {

    public RouteFile file() {
        return checked.file();
    }

    /** Every topic the application reads, writes or creates. */
    public List<TopicSpec> topics() {
        return checked.topics();
    }

    public List<StageInfo> stages() {
        return checked.stageInfos();
    }
}
