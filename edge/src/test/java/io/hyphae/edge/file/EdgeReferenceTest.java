package io.hyphae.edge.file;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import io.hyphae.spec.ReferenceDocs;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The committed JSON Schema of the edge file and the field tables of docs/edge.md are what {@link EdgeFileSpec}
 * generates; the example edge files pass both the schema and the loader. To write them anew after changing the spec:
 * {@code mvn -pl edge -am test -Dtest=EdgeReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dhyphae.regenerate=true}.
 */
class EdgeReferenceTest {

    private static final Path ROOT = Path.of("..");
    private static final Path SCHEMA = ROOT.resolve("schemas/hyphae-edge.schema.json");
    private static final Path DOC = ROOT.resolve("docs/edge.md");
    private static final boolean REGENERATE = Boolean.getBoolean("hyphae.regenerate");
    private static final String HOW = "generated from EdgeFileSpec; regenerate with "
            + "mvn -pl edge -am test -Dtest=EdgeReferenceTest -Dsurefire.failIfNoSpecifiedTests=false -Dhyphae.regenerate=true";

    @Test
    void theCommittedSchemaIsWhatTheSpecGenerates() throws IOException {
        String generated = EdgeFileSchema.text();
        if (REGENERATE) {
            Files.writeString(SCHEMA, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(SCHEMA, StandardCharsets.UTF_8)).as(SCHEMA + " is " + HOW).isEqualTo(generated);
    }

    @Test
    void theDocsFieldTablesAreWhatTheSpecGeneratesEachOnce() throws IOException {
        String text = Files.readString(DOC, StandardCharsets.UTF_8);
        String generated = EdgeFileSchema.rewriteDocs(text);
        if (REGENERATE && !generated.equals(text)) {
            Files.writeString(DOC, generated, StandardCharsets.UTF_8);
            text = generated;
        }
        assertThat(text).as("the field tables of " + DOC + " are " + HOW).isEqualTo(generated);
        assertThat(ReferenceDocs.idsIn(text)).containsExactlyElementsOf(EdgeFileSchema.tables().keySet());
        assertThat(generated).contains("| `mirror.<table>.columns.<name>.path` | dotted path | no | the column's name |")
                .contains("| `publish.<table>.idField` | dotted path | no | `eventId` |")
                .contains("| `registry.url` |");
    }

    @Test
    void theExampleEdgeFilesPassTheSchemaAndTheLoader() throws IOException {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(new ObjectMapper().readTree(SCHEMA.toFile()));
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(ROOT.resolve("examples"))) {
            walk.filter(p -> p.getFileName().toString().endsWith(".edge.yaml")).sorted().forEach(files::add);
        }
        assertThat(files).isNotEmpty();
        for (Path file : files) {
            assertThat(schema.validate(new YAMLMapper().readTree(file.toFile()))).as(file.toString()).isEmpty();
            EdgeFile edge = new EdgeFileLoader(n -> "").load(file);
            assertThat(edge.mirrors().size() + edge.publishes().size()).isPositive();
        }
    }

    @Test
    void theSchemaRefusesWhatTheLoaderRefusesWhereASchemaCanSay() throws IOException {
        JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(new ObjectMapper().readTree(SCHEMA.toFile()));
        for (String broken : List.of(
                "node: n1\ndatabase: n1.db\nmirror: { t: { topic: x, colums: { a: text } } }",
                "node: n1\ndatabase: n1.db\nmirror: { t: { topic: x, columns: { a: txt } } }",
                "node: n 1\ndatabase: n1.db\nmirror: { t: { topic: x, columns: { a: text } } }",
                "node: n1\ndatabase: n1.db\npublish: { t: { topic: x, columns: { a: text } } }",
                "node: n1\nmirror: { t: { topic: x, columns: { a: text } } }")) {
            assertThat(schema.validate(new YAMLMapper().readTree(broken))).as(broken).isNotEmpty();
        }
    }
}
