package io.hyphae.local;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Where the schema registry's jars are found, without starting it (SchemaRegistryIT starts it). */
class LocalSchemaRegistryTest {

    @Test
    void findsRegistryServerLibAboveTheClassesOrTheJar(@TempDir Path tree) throws Exception {
        Path lib = Files.createDirectories(tree.resolve("registry-server/target/lib"));
        Files.writeString(lib.resolve("registry-webservice-0.9.1.jar"), "");
        String expected = lib.toAbsolutePath().normalize() + File.separator + "*";

        assertThat(LocalSchemaRegistry.classpathAbove(tree.resolve("topology/target/classes"))).isEqualTo(expected);
        assertThat(LocalSchemaRegistry.classpathAbove(tree.resolve("topology/target/hyphae.jar"))).isEqualTo(expected);
    }

    @Test
    void anUnbuiltRegistryServerTellsHowToBuildIt(@TempDir Path tree) throws Exception {
        Files.createDirectories(tree.resolve("registry-server/src"));
        assertThatThrownBy(() -> LocalSchemaRegistry.classpathAbove(tree.resolve("topology/target/classes")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("registry-server/target/lib holds no jars")
                .hasMessageContaining("mvn -pl registry-server package");
    }

    @Test
    void noSourceTreeAboveTellsHowToBuildIt(@TempDir Path elsewhere) {
        assertThatThrownBy(() -> LocalSchemaRegistry.classpathAbove(elsewhere.resolve("lib/hyphae.jar")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no registry-server/ folder above")
                .hasMessageContaining("mvn -pl registry-server package");
    }

    @Test
    void theSystemPropertyWins(@TempDir Path lib) throws Exception {
        String before = System.getProperty(LocalSchemaRegistry.LIB_PROPERTY);
        try {
            System.setProperty(LocalSchemaRegistry.LIB_PROPERTY, lib.toString());
            assertThatThrownBy(LocalSchemaRegistry::registryClasspath).hasMessageContaining("names no directory of jars");
            Files.writeString(lib.resolve("a.jar"), "");
            assertThat(LocalSchemaRegistry.registryClasspath()).isEqualTo(lib.toAbsolutePath().normalize() + File.separator + "*");
        } finally {
            if (before == null) {
                System.clearProperty(LocalSchemaRegistry.LIB_PROPERTY);
            } else {
                System.setProperty(LocalSchemaRegistry.LIB_PROPERTY, before);
            }
        }
    }

    @Test
    void pathsAreQuotedForYaml() {
        assertThat(LocalSchemaRegistry.yamlString("/tmp/a \"b\"\\c: d")).isEqualTo("\"/tmp/a \\\"b\\\"\\\\c: d\"");
    }
}
