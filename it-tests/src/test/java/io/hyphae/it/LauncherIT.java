package io.hyphae.it;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./hyphae} launcher, run by bash on a copy of the tree's layout with stand-ins for {@code mvn} (which
 * counts its builds and writes the jar) and {@code java}: it builds when a source is newer than the last build, not
 * when only build output changed (as after {@code mvn verify}), and two calls at once build once.
 */
class LauncherIT {

    @TempDir
    Path tree;

    private Path builds;

    @BeforeEach
    void layOutTheTree() throws IOException {
        Files.copy(Path.of("../hyphae"), tree.resolve("hyphae"));
        executable(tree.resolve("hyphae"));
        Files.createDirectories(tree.resolve("edge"));
        Files.copy(Path.of("../edge/jvm.options"), tree.resolve("edge/jvm.options"));
        for (String source : List.of("pom.xml", "core/pom.xml", "core/src/main/java/A.java", "topology/pom.xml",
                "topology/src/main/java/B.java", "edge/pom.xml", "edge/src/main/java/C.java", "registry-server/pom.xml", "connect-worker/pom.xml")) {
            Path file = tree.resolve(source);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "x");
            Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(3600)));
        }
        builds = tree.resolve("builds.log");
        Path bin = Files.createDirectories(tree.resolve("bin"));
        // mvn: counts the build, takes a moment (so that concurrent calls overlap), and leaves what a package leaves.
        Files.writeString(bin.resolve("mvn"), """
                #!/usr/bin/env bash
                echo build >> "%s"
                sleep 1
                mkdir -p topology/target edge/target registry-server/target/lib connect-worker/target/lib schemas/target/maven-status
                echo jar > topology/target/hyphae.jar
                echo jar > edge/target/hyphae-edge.jar
                """.formatted(builds));
        Files.writeString(bin.resolve("java"), "#!/usr/bin/env bash\necho ran \"$@\"\n");
        executable(bin.resolve("mvn"));
        executable(bin.resolve("java"));
    }

    @Test
    void buildsOnlyWhenASourceChangedAndOnceForConcurrentCalls() throws Exception {
        assertThat(launch()).contains("ran").contains("hyphae: building");
        assertThat(buildCount()).isEqualTo(1);

        assertThat(launch()).contains("ran").doesNotContain("building");
        // What `mvn verify` leaves behind is build output, newer than the jar: no rebuild.
        Path status = tree.resolve("schemas/target/maven-status/inputFiles.lst");
        Files.writeString(status, "x");
        Files.setLastModifiedTime(status, FileTime.from(Instant.now().plusSeconds(60)));
        assertThat(launch()).doesNotContain("building");
        assertThat(buildCount()).isEqualTo(1);

        Path source = tree.resolve("core/src/main/java/A.java");
        Files.setLastModifiedTime(source, FileTime.from(Instant.now()));
        Process first = start();
        Process second = start();
        assertThat(first.waitFor(60, TimeUnit.SECONDS) && second.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output(first) + output(second)).contains("ran");
        assertThat(buildCount()).as("two calls at once after a change build once").isEqualTo(2);
        assertThat(launch()).doesNotContain("building");

        Files.setLastModifiedTime(tree.resolve("edge/src/main/java/C.java"), FileTime.from(Instant.now()));
        assertThat(launch("edge", "node.yaml")).as("the edge process: its own jar, the options of edge/jvm.options, a change to it rebuilds")
                .contains("hyphae: building")
                .contains("ran @" + tree.toRealPath().resolve("edge/jvm.options") + " -jar " + tree.toRealPath().resolve("edge/target/hyphae-edge.jar")
                        + " node.yaml");
        assertThat(buildCount()).isEqualTo(3);
    }

    private String launch(String... args) throws Exception {
        Process p = start(args);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return output(p);
    }

    private Process start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("bash", tree.resolve("hyphae").toString()));
        command.addAll(args.length == 0 ? List.of("--version") : List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(tree.toFile())
                .redirectErrorStream(true);
        pb.environment().put("PATH", tree.resolve("bin") + ":" + System.getenv("PATH"));
        return pb.start();
    }

    private static String output(Process p) throws IOException {
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    private long buildCount() throws IOException {
        return Files.exists(builds) ? Files.readAllLines(builds).size() : 0;
    }

    private static void executable(Path file) throws IOException {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
