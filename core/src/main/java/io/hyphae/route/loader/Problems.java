package io.hyphae.route.loader;

import io.hyphae.route.Location;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFileException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects every problem of a route file so the user sees them all at once, sorted by position. */
public final class Problems {

    private final List<Problem> problems = new ArrayList<>();

    public void add(Location location, String path, String message) {
        problems.add(new Problem(location, path, message));
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<Problem> list() {
        return List.copyOf(problems);
    }

    /** Throws a {@link RouteFileException} with every problem if there is any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            List<Problem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt((Problem p) -> p.location().line()).thenComparingInt(p -> p.location().column()));
            throw new RouteFileException(sorted);
        }
    }
}
