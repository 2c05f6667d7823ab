package io.hyphae.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** `hyphae run` in a JVM of its own, so a test can kill it with SIGKILL like a crashed host. */
final class AppProcess implements AutoCloseable {

    private final Process process;
    private final Path stateFile;
    final Path log;

    AppProcess(Path routeFile, String bootstrap, Path workDir, String name) throws IOException {
        this(routeFile, bootstrap, workDir, name, List.of());
    }

    /** With more arguments of {@code hyphae run}. */
    AppProcess(Path routeFile, String bootstrap, Path workDir, String name, List<String> extra) throws IOException {
        this.stateFile = workDir.resolve(name + ".state");
        this.log = workDir.resolve(name + ".log");
        Path stateDir = workDir.resolve(name + "-streams-state");
        Files.createDirectories(stateDir);
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.hyphae.cli.HyphaeCommand",
                "run", routeFile.toString(), "-b", bootstrap, "--state-file", stateFile.toString(),
                "-X", "state.dir=" + stateDir));
        command.addAll(extra);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    String state() throws IOException {
        return Files.exists(stateFile) ? Files.readString(stateFile, StandardCharsets.UTF_8).trim() : "NONE";
    }

    boolean alive() {
        return process.isAlive();
    }

    /** SIGTERM, then the exit status. */
    int stop() throws InterruptedException {
        process.destroy();
        return process.waitFor();
    }

    /** SIGKILL: no shutdown hook, no commit, no leave-group. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            process.waitFor();
        }
    }
}
