package io.hyphae.edge.file;

import io.hyphae.route.Location;
import io.hyphae.route.Problem;
import io.hyphae.route.RegistrySettings;
import io.hyphae.route.RouteFileException;
import io.hyphae.route.loader.Problems;
import io.hyphae.route.loader.YamlDocument;
import io.hyphae.route.loader.YamlNode;
import io.hyphae.spec.RouteFileSpec;
import io.hyphae.spec.field.Values;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads and checks an edge file with {@link EdgeFileSpec}. Every problem is collected with its file:line:column and
 * field path; {@link #load} throws a {@link RouteFileException} listing all of them.
 */
public final class EdgeFileLoader {

    private final Function<String, String> environment;

    public EdgeFileLoader() {
        this(System::getenv);
    }

    public EdgeFileLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    public EdgeFile load(Path path) {
        String text;
        try {
            text = Files.readString(path, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RouteFileException(List.of(new Problem(new Location(path.toString(), 0, 0), "", "no such file")));
        } catch (IOException e) {
            throw new RouteFileException(List.of(new Problem(new Location(path.toString(), 0, 0), "", "cannot read: " + e.getMessage())));
        }
        return load(path.toString(), text);
    }

    public EdgeFile load(String fileName, String text) {
        Problems problems = new Problems();
        EdgeFile file = YamlDocument.parse(fileName, text, environment, problems, "the file is empty; expected 'node', 'database' "
                + "and 'mirror' or 'publish'").flatMap(root -> read(root, fileName)).orElse(null);
        problems.throwIfAny();
        return file;
    }

    private Optional<EdgeFile> read(YamlNode root, String fileName) {
        return EdgeFileSpec.FILE.read(root).flatMap(v -> {
            Optional<String> bootstrap = Optional.empty();
            Map<String, String> properties = Map.of();
            Optional<Values> kafka = v.get(EdgeFileSpec.KAFKA_SECTION).flatMap(EdgeFileSpec.KAFKA::read);
            if (kafka.isPresent()) {
                bootstrap = kafka.get().get(EdgeFileSpec.BOOTSTRAP).map(String::trim).filter(b -> !b.isEmpty());
                properties = kafka.get().get(EdgeFileSpec.CLIENT_PROPERTIES).orElse(Map.of());
            }
            RegistrySettings registry = v.get(EdgeFileSpec.REGISTRY_SECTION).flatMap(EdgeFileSpec.REGISTRY::read)
                    .map(r -> new RegistrySettings(
                            r.get(EdgeFileSpec.REGISTRY_URL).map(String::trim).filter(u -> !u.isEmpty()),
                            r.get(RouteFileSpec.BASIC_AUTH).filter(u -> !u.isEmpty()),
                            r.get(RouteFileSpec.REGISTRY_PROPERTIES).orElse(Map.of()),
                            r.value(EdgeFileSpec.AUTO_REGISTER),
                            r.value(RouteFileSpec.SUBJECT_STRATEGY)))
                    .orElse(RegistrySettings.NONE);
            String rejected = v.value(EdgeFileSpec.REJECTED);
            v.node(EdgeFileSpec.REJECTED).ifPresent(n -> checkNotReserved(n, rejected));
            Map<String, YamlNode> tableNodes = new HashMap<>();
            List<MirrorDefinition> mirrors = new ArrayList<>();
            v.get(EdgeFileSpec.MIRRORS).flatMap(YamlNode::namedEntries).ifPresent(m -> m.entries().forEach((name, node) -> {
                if (checkTable(m.key(name), name, rejected, tableNodes)) {
                    mirror(name, node).ifPresent(mirrors::add);
                }
            }));
            List<PublishDefinition> publishes = new ArrayList<>();
            v.get(EdgeFileSpec.PUBLISHES).flatMap(YamlNode::namedEntries).ifPresent(m -> m.entries().forEach((name, node) -> {
                if (checkTable(m.key(name), name, rejected, tableNodes)) {
                    publish(name, node).ifPresent(publishes::add);
                }
            }));
            if (v.complete() && !v.has(EdgeFileSpec.MIRRORS) && !v.has(EdgeFileSpec.PUBLISHES)) {
                root.problem("nothing to do: add 'mirror' or 'publish'");
            }
            if (!v.complete()) {
                return Optional.empty();
            }
            Path parent = Path.of(fileName).toAbsolutePath().getParent();
            Path database = (parent == null ? Path.of("") : parent).resolve(v.value(EdgeFileSpec.DATABASE)).normalize();
            return Optional.of(new EdgeFile(fileName, v.value(EdgeFileSpec.NODE), database, bootstrap, properties, registry, rejected,
                    mirrors, publishes));
        });
    }

    private Optional<MirrorDefinition> mirror(String table, YamlNode node) {
        return EdgeFileSpec.MIRROR.read(node).flatMap(v -> {
            Optional<List<ColumnDefinition>> columns = v.get(EdgeFileSpec.MIRROR_COLUMNS).flatMap(this::columns);
            List<String> key = v.get(EdgeFileSpec.MIRROR_KEY).orElse(List.of());
            if (columns.isPresent()) {
                Set<String> names = names(columns.get());
                YamlNode keyNode = v.node(EdgeFileSpec.MIRROR_KEY).orElse(node);
                if (key.isEmpty() && names.contains(MirrorDefinition.RECORD_KEY_COLUMN.toLowerCase(Locale.ROOT))) {
                    v.node(EdgeFileSpec.MIRROR_COLUMNS).orElse(node).problem("column '" + MirrorDefinition.RECORD_KEY_COLUMN
                            + "' holds the record key when 'key' is absent; name the key columns in 'key' or rename the column");
                    return Optional.empty();
                }
                Set<String> seen = new LinkedHashSet<>();
                for (String k : key) {
                    if (!names.contains(k.toLowerCase(Locale.ROOT))) {
                        keyNode.problem("key column '" + k + "' is not one of the columns " + declared(columns.get()));
                        return Optional.empty();
                    }
                    if (!seen.add(k.toLowerCase(Locale.ROOT))) {
                        keyNode.problem("key column '" + k + "' is named twice");
                        return Optional.empty();
                    }
                }
            }
            if (!v.complete() || columns.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new MirrorDefinition(table, v.value(EdgeFileSpec.MIRROR_TOPIC), v.value(EdgeFileSpec.MIRROR_FORMAT),
                    key, columns.get(), node.location()));
        });
    }

    private Optional<PublishDefinition> publish(String table, YamlNode node) {
        return EdgeFileSpec.PUBLISH.read(node).flatMap(v -> {
            Optional<List<ColumnDefinition>> columns = v.get(EdgeFileSpec.PUBLISH_COLUMNS).flatMap(this::columns);
            String key = v.value(EdgeFileSpec.PUBLISH_KEY);
            if (columns.isPresent() && key != null && !names(columns.get()).contains(key.toLowerCase(Locale.ROOT))) {
                v.node(EdgeFileSpec.PUBLISH_KEY).orElseThrow().problem("key column '" + key + "' is not one of the columns "
                        + declared(columns.get()));
                return Optional.empty();
            }
            String idField = v.value(EdgeFileSpec.PUBLISH_ID_FIELD);
            if (columns.isPresent() && columns.get().stream().anyMatch(c -> c.dottedPath().equals(idField))) {
                v.node(EdgeFileSpec.PUBLISH_ID_FIELD).orElse(node).problem("the event id field '" + idField
                        + "' is also a column's path; choose another 'idField'");
                return Optional.empty();
            }
            if (!v.complete() || columns.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new PublishDefinition(table, v.value(EdgeFileSpec.PUBLISH_TOPIC), v.value(EdgeFileSpec.PUBLISH_FORMAT),
                    key, columns.get(), idField, v.get(EdgeFileSpec.PUBLISH_DEAD_LETTERS), node.location()));
        });
    }

    private Optional<List<ColumnDefinition>> columns(YamlNode node) {
        return node.namedEntries().flatMap(m -> {
            if (m.entries().isEmpty()) {
                node.problem("at least one column is needed");
                return Optional.empty();
            }
            List<ColumnDefinition> columns = new ArrayList<>();
            Set<String> names = new LinkedHashSet<>();
            boolean ok = true;
            for (Map.Entry<String, YamlNode> e : m.entries().entrySet()) {
                String name = e.getKey();
                YamlNode nameNode = m.key(name);
                if (!checkSqlName(nameNode, name, "column")) {
                    ok = false;
                    continue;
                }
                if (!names.add(name.toLowerCase(Locale.ROOT))) {
                    nameNode.problem("column '" + name + "' is declared twice (SQLite names ignore letter case)");
                    ok = false;
                    continue;
                }
                Optional<EdgeFileSpec.ColumnShape> column = EdgeFileSpec.COLUMN.read(e.getValue());
                if (column.isEmpty()) {
                    ok = false;
                    continue;
                }
                String path = column.get().path().orElse(name);
                columns.add(new ColumnDefinition(name, Arrays.asList(path.split("\\.")), column.get().type()));
            }
            return ok ? Optional.of(columns) : Optional.empty();
        });
    }

    private static boolean checkTable(YamlNode nameNode, String name, String rejected, Map<String, YamlNode> seen) {
        if (!checkSqlName(nameNode, name, "table")) {
            return false;
        }
        String folded = name.toLowerCase(Locale.ROOT);
        if (folded.equals(rejected.toLowerCase(Locale.ROOT))) {
            nameNode.problem("table '" + name + "' is the table of rejected records; choose another name (or set 'rejected')");
            return false;
        }
        YamlNode earlier = seen.putIfAbsent(folded, nameNode);
        if (earlier != null) {
            nameNode.problem("table '" + name + "' is already mirrored or published at " + earlier.location()
                    + "; a table is either a mirror (written by the node) or published (written by the application)");
            return false;
        }
        return true;
    }

    private static boolean checkSqlName(YamlNode node, String name, String what) {
        if (!EdgeFileSpec.SQL_NAME.matcher(name).matches()) {
            node.problem("'" + name + "' is not a valid " + what + " name: use letters, digits and '_', starting with a letter or '_'");
            return false;
        }
        return checkNotReserved(node, name);
    }

    private static boolean checkNotReserved(YamlNode node, String name) {
        if (name.toLowerCase(Locale.ROOT).startsWith(EdgeFileSpec.RESERVED_PREFIX)) {
            node.problem("'" + name + "': names starting with '" + EdgeFileSpec.RESERVED_PREFIX + "' are Hyphae's own");
            return false;
        }
        return true;
    }

    private static Set<String> names(List<ColumnDefinition> columns) {
        Set<String> names = new LinkedHashSet<>();
        columns.forEach(c -> names.add(c.name().toLowerCase(Locale.ROOT)));
        return names;
    }

    private static List<String> declared(List<ColumnDefinition> columns) {
        return columns.stream().map(ColumnDefinition::name).toList();
    }
}
