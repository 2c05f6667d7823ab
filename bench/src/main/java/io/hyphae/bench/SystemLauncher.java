package io.hyphae.bench;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Starts a system under test in a JVM of its own, with the same options for every system ({@link #SYSTEM_JVM_OPTIONS}
 * plus {@code BENCH_JVM_OPTS}), and waits until it reports RUNNING in its ready file.
 */
final class SystemLauncher {

    /** The JVM options of every system under test: the {@code ./hyphae} launcher's defaults, the same for all. */
    static final List<String> SYSTEM_JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseParallelGC");

    private final Path benchTarget;

    /** @param benchTarget the bench module's target folder: its classes and bench.classpath start the systems */
    SystemLauncher(Path benchTarget) {
        this.benchTarget = benchTarget;
    }

    /** The arguments after the main class of {@code hyphae run} on a route file, its state in {@code dir}. */
    static List<String> hyphaeRun(Path routes, String bootstrap, Path dir) {
        List<String> args = new ArrayList<>(List.of("io.hyphae.cli.HyphaeCommand", "run", routes.toString(), "-b", bootstrap,
                "--state-file", readyFile(dir).toString(), "-X", "state.dir=" + stateDir(dir)));
        String hyphaeArgs = System.getenv("BENCH_HYPHAE_ARGS");
        if (hyphaeArgs != null && !hyphaeArgs.isBlank()) {
            // e.g. --http 0: the same run with the stage meters on and /metrics served
            args.addAll(List.of(hyphaeArgs.trim().split("\\s+")));
        }
        return args;
    }

    /** Where a system started in {@code dir} reports RUNNING. */
    static Path readyFile(Path dir) {
        return dir.resolve("ready");
    }

    /** Where a system started in {@code dir} keeps its state stores. */
    static Path stateDir(Path dir) {
        return dir.resolve("state");
    }

    /** Starts {@code mainAndArgs} (a main class and its arguments) in {@code dir}; returns once it is RUNNING. */
    SystemProcess start(String system, Path dir, List<String> mainAndArgs) throws Exception {
        Files.createDirectories(dir);
        Path ready = readyFile(dir);
        String classpath = Files.readString(benchTarget.resolve("bench.classpath")).trim() + File.pathSeparator
                + benchTarget.resolve("classes").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(SYSTEM_JVM_OPTIONS);
        String extra = System.getenv("BENCH_JVM_OPTS");
        if (extra != null && !extra.isBlank()) {
            // e.g. a JFR recording of the system under test, for profiling
            command.addAll(List.of(extra.replace("{system}", system).trim().split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath));
        command.addAll(mainAndArgs);
        Path log = dir.resolve("out.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        SystemProcess p = new SystemProcess(process, log);
        long deadline = System.currentTimeMillis() + 180_000;
        while (!(Files.exists(ready) && Files.readString(ready).contains("RUNNING"))) {
            if (!process.isAlive() || System.currentTimeMillis() > deadline) {
                p.close();
                throw new IllegalStateException(system + " did not start; see " + log);
            }
            Thread.sleep(50);
        }
        return p;
    }

    /** What a system under test is measured over: typically, until its group has consumed the input. */
    interface Work {
        void run() throws Exception;
    }

    /** What one measured stretch of a system under test took. */
    record Usage(double seconds, double cpuSeconds, long peakRssMb) {
        /** CPU seconds per million of {@code events}. */
        double cpuSecondsPerMillion(long events) {
            return cpuSeconds / events * 1_000_000;
        }
    }

    /** A system under test in its own JVM; closing it stops it (SIGTERM: a clean shutdown), forcibly after 30 s. */
    record SystemProcess(Process process, Path log) implements AutoCloseable {
        long pid() {
            return process.pid();
        }

        /** The wall-clock seconds, CPU seconds and peak RSS of the process while {@code work} runs (until it returns). */
        Usage measure(Work work) throws Exception {
            long t0 = System.nanoTime();
            double cpu0 = ProcessStats.cpuSeconds(pid());
            work.run();
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new Usage(seconds, ProcessStats.cpuSeconds(pid()) - cpu0, ProcessStats.peakRssMb(pid()));
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
