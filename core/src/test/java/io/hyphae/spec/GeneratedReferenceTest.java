package io.hyphae.spec;

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
 * The committed JSON Schema and the field tables of the docs are what the specs generate. To write them anew after
 * changing a spec: {@code mvn -pl core test -Dtest=GeneratedReferenceTest -Dhyphae.regenerate=true}.
 */
class GeneratedReferenceTest {

    private static final Path ROOT = Path.of("..");
    private static final Path SCHEMA = ROOT.resolve("schemas/hyphae-route.schema.json");
    private static final boolean REGENERATE = Boolean.getBoolean("hyphae.regenerate");
    private static final String HOW = "generated from the specs; regenerate with "
            + "mvn -pl core test -Dtest=GeneratedReferenceTest -Dhyphae.regenerate=true";

    @Test
    void theCommittedSchemaIsWhatTheSpecsGenerate() throws IOException {
        String generated = RouteFileSchema.text();
        if (REGENERATE) {
            Files.writeString(SCHEMA, generated, StandardCharsets.UTF_8);
        }
        assertThat(Files.readString(SCHEMA, StandardCharsets.UTF_8)).as(SCHEMA + " is " + HOW).isEqualTo(generated);
    }

    @Test
    void theDocsFieldTablesAreWhatTheSpecsGenerate() throws IOException {
        for (Path doc : docs()) {
            String text = Files.readString(doc, StandardCharsets.UTF_8);
            String generated = ReferenceDocs.rewrite(text);
            if (REGENERATE && !generated.equals(text)) {
                Files.writeString(doc, generated, StandardCharsets.UTF_8);
                text = generated;
            }
            assertThat(text).as("the field tables of " + doc + " are " + HOW).isEqualTo(generated);
        }
    }

    @Test
    void everyTableIsInTheDocsExactlyOnce() throws IOException {
        List<String> ids = new ArrayList<>();
        for (Path doc : docs()) {
            ids.addAll(ReferenceDocs.idsIn(Files.readString(doc, StandardCharsets.UTF_8)));
        }
        assertThat(ids).containsExactlyInAnyOrderElementsOf(ReferenceDocs.tables().keySet());
    }

    @Test
    void aTableShowsNestedFieldsDefaultsAndTheLoadersBounds() {
        String file = ReferenceDocs.rewrite("<!-- fields: route-file -->\n<!-- end of fields -->");
        assertThat(file).contains("| `tables.<name>.topic` | topic name | yes |")
                .contains("| `topics.partitions` | integer 1–" + RouteFileSpec.MAX_PARTITIONS + " | no | the broker's `num.partitions` |")
                .contains("| `routes.<name>.stages` | list of stages | yes |")
                // subscribers have a table of their own
                .contains("| `subscribers` |").doesNotContain("subscribers.<name>.url");
        String subscriber = ReferenceDocs.rewrite("<!-- fields: subscriber -->\n<!-- end of fields -->");
        assertThat(subscriber).contains("| `subscribers.<name>.retry.maxAttempts` | integer 1–" + SubscriberSpec.MAX_ATTEMPTS_LIMIT
                + " | no | `12` |");
        String router = ReferenceDocs.rewrite("<!-- fields: stage.route -->\n<!-- end of fields -->");
        assertThat(router).contains("| `route[].otherwise` |");
    }

    private static List<Path> docs() throws IOException {
        List<Path> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
            // docs/edge.md's tables are the edge file's, written from its spec in the edge module (EdgeReferenceTest)
            files.filter(p -> p.toString().endsWith(".md") && !p.getFileName().toString().equals("edge.md")).sorted().forEach(docs::add);
        }
        docs.add(ROOT.resolve("README.md"));
        return docs;
    }
}
