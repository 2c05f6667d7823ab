package io.hyphae.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A hyphae command in a JVM of its own, with the environment a test gives it: its exit code and everything it printed. */
final class HyphaeProcess implements AutoCloseable {

    private final Process process;
    private final Path log;

    private HyphaeProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code hyphae args...}; stdout and stderr both go to {@code log}. The local stack stays off. */
    static HyphaeProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "io.hyphae.cli.HyphaeCommand"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("KAFKA_BOOTSTRAP");
        builder.environment().put("HYPHAE_LOCAL", "never");
        builder.environment().putAll(env);
        return new HyphaeProcess(builder.start(), log);
    }

    /** Runs a command that ends by itself. */
    static Result run(Path log, Map<String, String> env, Duration timeout, String... args) throws Exception {
        try (HyphaeProcess p = start(log, env, args)) {
            if (!p.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("hyphae " + String.join(" ", args) + " did not end within " + timeout + ":\n" + p.output());
            }
            return new Result(p.process.exitValue(), p.output());
        }
    }

    record Result(int code, String output) {
    }

    boolean alive() {
        return process.isAlive();
    }

    /** The exit code once it ended within {@code timeout}, else -1. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    String output() throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** SIGTERM, as a container stop: returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
        }
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            stop();
        }
    }
}
