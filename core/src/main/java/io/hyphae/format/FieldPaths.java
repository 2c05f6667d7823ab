package io.hyphae.format;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A fixed list of field paths (each a list of names into nested objects), as a tree, for decoding only those fields of
 * a record ({@link PayloadFormat#decodeFields}). A path may be a prefix of another (its value is then the whole object,
 * and the longer path's value is read from it), and two paths may be the same.
 */
public final class FieldPaths {

    /** One name on the paths: the paths ending here, those ending at or below it, and the names below it. */
    static final class Node {

        private final Map<String, Node> children = new HashMap<>();
        private int[] ends = new int[0];
        private int[] below = new int[0];

        Node child(String name) {
            return children.get(name);
        }

        boolean isEnd() {
            return ends.length > 0;
        }

        /** Forgets what an earlier field of the same name gave: the last of duplicate names wins. */
        void clear(Object[] values) {
            for (int i : below) {
                values[i] = null;
            }
        }

        /** Sets the paths ending here to the field's whole value, and those below from it, as {@link Values#get} reads them. */
        void fill(Object value, List<List<String>> paths, int depth, Object[] values) {
            for (int i : below) {
                Object current = value;
                for (String part : paths.get(i).subList(depth, paths.get(i).size())) {
                    current = current instanceof Map<?, ?> map ? map.get(part) : null;
                }
                values[i] = current;
            }
        }
    }

    private final List<List<String>> paths;
    private final Node root = new Node();

    private FieldPaths(List<List<String>> paths) {
        this.paths = List.copyOf(paths);
        for (int i = 0; i < this.paths.size(); i++) {
            Node node = root;
            node.below = append(node.below, i);
            for (String name : this.paths.get(i)) {
                node = node.children.computeIfAbsent(name, n -> new Node());
                node.below = append(node.below, i);
            }
            node.ends = append(node.ends, i);
        }
    }

    public static FieldPaths of(List<List<String>> paths) {
        return new FieldPaths(paths);
    }

    public int size() {
        return paths.size();
    }

    public List<List<String>> paths() {
        return paths;
    }

    Node root() {
        return root;
    }

    private static int[] append(int[] indexes, int index) {
        int[] out = Arrays.copyOf(indexes, indexes.length + 1);
        out[indexes.length] = index;
        return out;
    }
}
