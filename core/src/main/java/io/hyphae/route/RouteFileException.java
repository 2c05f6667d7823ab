package io.hyphae.route;

import java.util.List;
import java.util.stream.Collectors;

/** A route file was rejected; carries every problem found, not just the first. */
public class RouteFileException extends RuntimeException {

    private final List<Problem> problems;

    public RouteFileException(List<Problem> problems) {
        super(problems.stream().map(Problem::format).collect(Collectors.joining(System.lineSeparator())));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }
}
