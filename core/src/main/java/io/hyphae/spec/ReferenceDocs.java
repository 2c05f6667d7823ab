package io.hyphae.spec;

import io.hyphae.spec.field.Field;
import io.hyphae.spec.field.Fields;
import io.hyphae.spec.field.Shape;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The field tables of the reference docs, written from the specs. A doc asks for a table with a pair of markers,
 * {@code <!-- fields: ID -->} and {@code <!-- end of fields -->}; {@link #rewrite} replaces what lies between them.
 * IDs: {@code route-file}, {@code subscriber}, {@code bridge}, and {@code stage.<type>} for each stage type.
 */
public final class ReferenceDocs {

    private static final Pattern BLOCK = Pattern.compile("(<!-- fields: ([a-z.-]+) -->\\n)(.*?)(<!-- end of fields -->)", Pattern.DOTALL);

    private ReferenceDocs() {
    }

    /** Every table, by ID, with the prefix its field paths get. */
    public static Map<String, Table> tables() {
        Map<String, Table> tables = new LinkedHashMap<>();
        tables.put("route-file", new Table("", RouteFileSpec.FILE));
        tables.put("subscriber", new Table("subscribers.<name>.", SubscriberSpec.FIELDS));
        tables.put("bridge", new Table("bridges.<name>.", BridgeSpec.FIELDS));
        for (StageSpec<?> spec : StageSpecs.all()) {
            Shape.Nested body = spec.body().nested()
                    .orElseThrow(() -> new IllegalStateException("stage type " + spec.type() + " has no fields"));
            tables.put("stage." + spec.type(), new Table(spec.type() + body.suffix() + ".", body.fields()));
        }
        return tables;
    }

    /** The doc with every marked table written anew; an unknown ID is an error. */
    public static String rewrite(String markdown) {
        return rewrite(markdown, tables());
    }

    /**
     * The doc with every marked table written anew from {@code tables} (another file's specs, such as the edge file's);
     * an unknown ID is an error.
     */
    public static String rewrite(String markdown, Map<String, Table> tables) {
        Matcher m = BLOCK.matcher(markdown);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Table table = tables.get(m.group(2));
            if (table == null) {
                throw new IllegalArgumentException("no field table '" + m.group(2) + "'; known: " + tables.keySet());
            }
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + render(table, tables) + m.group(4)));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The IDs a doc asks for, in order. */
    public static List<String> idsIn(String markdown) {
        List<String> ids = new ArrayList<>();
        Matcher m = BLOCK.matcher(markdown);
        while (m.find()) {
            ids.add(m.group(2));
        }
        return ids;
    }

    /** One table; a mapping that is the root of another table in {@code all} is not repeated inside it. */
    public static String render(Table table, Map<String, Table> all) {
        Map<Fields, Boolean> roots = new IdentityHashMap<>();
        all.values().forEach(t -> roots.put(t.fields(), true));
        StringBuilder out = new StringBuilder("| field | type | required | default | meaning | example |\n|---|---|---|---|---|---|\n");
        rows(out, table.prefix(), table.fields(), roots);
        return out.toString();
    }

    private static void rows(StringBuilder out, String prefix, Fields fields, Map<Fields, Boolean> roots) {
        for (Field<?> field : fields.fields()) {
            String path = prefix + field.name();
            Optional<Shape.Nested> nested = field.shape().nested();
            out.append("| `").append(path).append("` | ").append(cell(field.shape().typeName())).append(" | ")
                    .append(field.isRequired() ? "yes" : "no").append(" | ")
                    .append(field.defaultShown().map(d -> d.startsWith("`") || d.contains(" ") ? d : "`" + d + "`").map(ReferenceDocs::cell).orElse(""))
                    .append(" | ").append(cell(field.description())).append(" | ")
                    .append(field.example().map(e -> "`" + cell(e) + "`").orElse("")).append(" |\n");
            if (nested.isPresent() && !roots.containsKey(nested.get().fields())) {
                rows(out, path + nested.get().suffix() + ".", nested.get().fields(), roots);
            }
        }
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    /** A table: the fields of one mapping, their paths starting with {@code prefix}. */
    public record Table(String prefix, Fields fields) {
    }
}
