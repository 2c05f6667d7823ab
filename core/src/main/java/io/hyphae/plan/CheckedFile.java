package io.hyphae.plan;

import io.hyphae.route.RouteFile;

import java.util.List;
import java.util.Map;

/**
 * A route file that passed every static rule: its topic plan (every topic the application reads, writes or creates,
 * with how to create it), its checked stages per route, its subscribers and its bridges, in file order.
 */
public record CheckedFile(RouteFile file, List<TopicSpec> topics, Map<String, List<CheckedStage>> routes,
                          List<CheckedSubscriber> subscribers, List<CheckedBridge> bridges) {

    /** The stages in route and stage order, for describe and the docs. */
    public List<StageInfo> stageInfos() {
        return routes.values().stream().flatMap(List::stream)
                .map(s -> new StageInfo(s.route().name(), s.definition().name(), s.definition().type(), s.topic(), s.destinations(),
                        s.stores().stream().map(CheckedStage.Store::name).toList(), List.copyOf(s.outputs().values())))
                .toList();
    }

    /**
     * The same checked file with connection settings resolved (bootstrap servers, registry URL, client properties),
     * which no check depends on: nothing is checked or compiled again.
     */
    public CheckedFile withFile(RouteFile resolved) {
        if (!resolved.application().equals(file.application()) || !resolved.routes().equals(file.routes())
                || !resolved.tables().equals(file.tables()) || !resolved.subscribers().equals(file.subscribers())
                || !resolved.bridges().equals(file.bridges())
                || !resolved.topics().equals(file.topics())) {
            throw new IllegalArgumentException("only connection settings may differ from the checked file");
        }
        return new CheckedFile(resolved, topics, routes, subscribers, bridges);
    }
}
