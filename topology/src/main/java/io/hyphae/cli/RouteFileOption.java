package io.hyphae.cli;

import io.hyphae.plan.CheckedFile;
import io.hyphae.route.Problem;
import io.hyphae.route.RouteFile;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.RouteFileLoader;

import java.io.PrintWriter;
import java.nio.file.Path;

/** Loads a route file for a command, printing every problem (one per line) when it is rejected. */
final class RouteFileOption {

    private RouteFileOption() {
    }

    static RouteFile load(Path path, PrintWriter err) {
        return loadChecked(path, err).file();
    }

    /** The file with what the checker found: its topic plan, stages and subscribers. */
    static CheckedFile loadChecked(Path path, PrintWriter err) {
        try {
            return new RouteFileLoader().loadChecked(path);
        } catch (RouteFileException e) {
            for (Problem p : e.problems()) {
                err.println(p.format());
            }
            err.flush();
            throw new IllegalArgumentException(e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s") + " in " + path
                    + "; nothing was started");
        }
    }
}
