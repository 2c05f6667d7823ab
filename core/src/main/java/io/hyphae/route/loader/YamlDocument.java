package io.hyphae.route.loader;

import io.hyphae.route.Location;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

import java.io.StringReader;
import java.util.Optional;
import java.util.function.Function;

/**
 * Parses the text of a YAML file (a route file, an edge file) into its root {@link YamlNode}: a syntax error or an empty
 * file is a positioned problem, and every node of the file reports on the same problem list.
 */
public final class YamlDocument {

    private YamlDocument() {
    }

    /**
     * @param environment resolves {@code ${ENV}} references
     * @param emptyFile   the problem reported for an empty file (what it must hold)
     */
    public static Optional<YamlNode> parse(String fileName, String text, Function<String, String> environment, Problems problems,
                                           String emptyFile) {
        return parse(fileName, text, environment, problems, emptyFile, "");
    }

    /** {@link #parse(String, String, Function, Problems, String)} with the root's field path, e.g. {@code subscribers.x}. */
    public static Optional<YamlNode> parse(String fileName, String text, Function<String, String> environment, Problems problems,
                                           String emptyFile, String rootPath) {
        LoadContext context = new LoadContext(fileName, new EnvSubstitution(environment), problems);
        Node root;
        try {
            LoaderOptions options = new LoaderOptions();
            options.setAllowDuplicateKeys(true); // reported by YamlNode with a position instead
            options.setMaxAliasesForCollections(50);
            root = new Yaml(new SafeConstructor(options)).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            Location where = mark == null ? new Location(fileName, 1, 1) : new Location(fileName, mark.getLine() + 1, mark.getColumn() + 1);
            problems.add(where, "", "invalid YAML: " + e.getProblem() + (e.getContext() != null ? " (" + e.getContext() + ")" : ""));
            return Optional.empty();
        } catch (YAMLException e) {
            problems.add(new Location(fileName, 1, 1), "", "invalid YAML: " + e.getMessage());
            return Optional.empty();
        }
        if (root == null) {
            problems.add(new Location(fileName, 1, 1), "", emptyFile);
            return Optional.empty();
        }
        return Optional.of(new YamlNode(root, rootPath, context));
    }
}
