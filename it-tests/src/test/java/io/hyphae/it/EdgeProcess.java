package io.hyphae.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** `hyphae edge FILE` in a JVM of its own with the edge process's small heap, so a test can kill it with SIGKILL. */
final class EdgeProcess implements AutoCloseable {

    private final Process process;
    final Path log;

    EdgeProcess(Path edgeFile, String bootstrap, Path workDir, String name) throws IOException {
        this.log = workDir.resolve(name + ".log");
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), "io.hyphae.edge.EdgeCommand",
                edgeFile.toString(), "-b", bootstrap);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    boolean alive() {
        return process.isAlive();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no rollback but SQLite's own on the next open. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String output() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
