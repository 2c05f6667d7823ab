package io.hyphae.local;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.security.CodeSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * What the processes of the local stack (broker, registry, Connect worker) share: detached JVMs, locks, PID
 * files, ports, jars found in the source tree, readiness waits and logs.
 */
final class LocalProcesses {

    private LocalProcesses() {
    }

    /**
     * A JVM command in a session of its own where {@code setsid} exists: Ctrl-C on the command that started it
     * must not take it down with it.
     */
    static List<String> detachedJava() {
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(Path.of("/usr/bin/setsid")) || Files.isExecutable(Path.of("/bin/setsid"))) {
            command.add("setsid");
        }
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        return command;
    }

    /** Starts the command with no input and its output appended to the log. */
    static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /** Records the PID and the start time, so a PID later reused by another program reads as stale. */
    static void writePid(Path pidFile, ProcessHandle process) throws IOException {
        Files.writeString(pidFile, process.pid() + " " + process.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-1"),
                StandardCharsets.UTF_8);
    }

    /** The process a PID file names, if it is alive and is the very process that was started. */
    static Optional<ProcessHandle> running(Path pidFile) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String[] parts = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split("\\s+");
        long pid;
        long started;
        try {
            pid = Long.parseLong(parts[0]);
            started = parts.length > 1 ? Long.parseLong(parts[1]) : -1;
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(p -> started < 0 || p.info().startInstant().map(i -> i.toEpochMilli() == started).orElse(false));
    }

    /** SIGTERM, then SIGKILL after the timeout. */
    static void stop(ProcessHandle process, Duration timeout) throws InterruptedException {
        process.destroy();
        try {
            process.onExit().get(timeout.toSeconds(), TimeUnit.SECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    /** Fails with a message saying what to do when another program listens on the port. */
    static void checkPortFree(int port, String what, String hint) throws IOException {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress("127.0.0.1", port));
        } catch (IOException e) {
            throw new IOException("port " + port + " on 127.0.0.1 is taken by another program; stop it, or start the local " + what
                    + " on another port" + hint, e);
        }
    }

    /** The last lines of a log, for error messages. */
    static String tail(Path file, int lines) {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long start = Math.max(0, f.length() - 16_384);
            f.seek(start);
            byte[] buf = new byte[(int) (f.length() - start)];
            f.readFully(buf);
            String[] all = new String(buf, StandardCharsets.UTF_8).split("\n");
            return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** The port a process of the stack last ran on, from its port file; else the default. */
    static int lastPort(Path portFile, int defaultPort) {
        try {
            if (Files.exists(portFile)) {
                return Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
            }
        } catch (IOException | NumberFormatException e) {
            // keep the default
        }
        return defaultPort;
    }

    /** An exclusive lock on {@code <dir>/.lock}, guarding one process's start and stop; waits for it. */
    static Lock lock(Path dir) throws IOException {
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new Lock(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Releases the lock and closes its file. */
    record Lock(FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }

    /**
     * Stops the process a PID file names (SIGTERM, then SIGKILL after the timeout) and removes the file;
     * false if none was running. {@code beforeStop} runs first, while it still answers.
     */
    static boolean stopRecorded(Path pidFile, String what, Duration timeout, Consumer<String> progress, Runnable beforeStop)
            throws IOException, InterruptedException {
        Optional<ProcessHandle> running = running(pidFile);
        if (running.isEmpty()) {
            Files.deleteIfExists(pidFile);
            return false;
        }
        beforeStop.run();
        progress.accept("stopping " + what + " (pid " + running.get().pid() + ")");
        stop(running.get(), timeout);
        Files.deleteIfExists(pidFile);
        return true;
    }

    /** One readiness probe: true when ready; an exception counts as not ready yet. */
    @FunctionalInterface
    interface Probe {
        boolean ready() throws Exception;
    }

    /**
     * Probes until ready; fails with the log's last lines if the process exits or the timeout passes. When
     * {@code progress} is given, says every 10 s that it is still waiting.
     */
    static void awaitReady(ProcessHandle process, String what, Path log, Duration timeout, Duration pause, Probe probe,
                           Consumer<String> progress) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextNote = start + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(what + " exited during start-up; last lines of " + log + ":\n" + tail(log, 25));
            }
            try {
                if (probe.ready()) {
                    return;
                }
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                // not ready yet
            }
            if (progress != null && System.nanoTime() >= nextNote) {
                progress.accept(String.format("waiting for %s: %d s of at most %d s (log: %s)", what,
                        Duration.ofNanos(System.nanoTime() - start).toSeconds(), timeout.toSeconds(), log));
                nextNote += Duration.ofSeconds(10).toNanos();
            }
            Thread.sleep(pause.toMillis());
        }
        throw new IOException(what + " did not become ready within " + timeout.toSeconds() + " s; last lines of " + log + ":\n"
                + tail(log, 25));
    }

    /** Where the class was loaded from: {@code .../target/classes} or a jar. */
    static Path codeLocation(Class<?> type) throws IOException {
        try {
            CodeSource code = type.getProtectionDomain().getCodeSource();
            if (code == null || code.getLocation() == null) {
                throw new IOException("the location of the Hyphae classes is unknown");
            }
            return Paths.get(code.getLocation().toURI());
        } catch (URISyntaxException | SecurityException | java.nio.file.FileSystemNotFoundException | IllegalArgumentException e) {
            throw new IOException("the location of the Hyphae classes is unknown", e);
        }
    }

    /**
     * The class path {@code <lib>/*} of a process whose jars a module of the source tree copies into
     * {@code <module>/target/lib}: the directory named by the system property, else that folder of the nearest
     * source tree above where Hyphae's classes were loaded from ({@code topology/target/classes} or
     * {@code topology/target/hyphae.jar}).
     */
    static String moduleClasspath(String module, String property, String what) throws IOException {
        String value = System.getProperty(property);
        if (value != null && !value.isBlank()) {
            Path lib = Path.of(value).toAbsolutePath().normalize();
            if (!containsJars(lib)) {
                throw new IOException("-D" + property + "=" + value + " names no directory of jars");
            }
            return lib + File.separator + "*";
        }
        Path source;
        try {
            source = codeLocation(LocalProcesses.class);
        } catch (IOException e) {
            throw new IOException(missingLib(module, property, what, e.getMessage()), e);
        }
        return moduleClasspathAbove(source, module, property, what);
    }

    /** {@code <tree>/<module>/target/lib/*} of the nearest folder above {@code source} that has a {@code <module>/}. */
    static String moduleClasspathAbove(Path source, String module, String property, String what) throws IOException {
        for (Path p = source.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve(module))) {
                Path lib = p.resolve(module).resolve("target").resolve("lib");
                if (containsJars(lib)) {
                    return lib + File.separator + "*";
                }
                throw new IOException(missingLib(module, property, what, lib + " holds no jars"));
            }
        }
        throw new IOException(missingLib(module, property, what, "no " + module + "/ folder above " + source));
    }

    private static String missingLib(String module, String property, String what, String why) {
        return what + "'s jars were not found (" + why + "): run `mvn -pl " + module + " package` in the Hyphae"
                + " source tree, or point -D" + property + " at a directory of its jars";
    }

    static boolean containsJars(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".jar"));
        }
    }

    /** The nearest folder at or above where Hyphae's classes were loaded from that has {@code marker} in it. */
    static Optional<Path> sourceTreeWith(String marker) {
        try {
            for (Path p = codeLocation(LocalProcesses.class).toAbsolutePath().normalize(); p != null; p = p.getParent()) {
                if (Files.exists(p.resolve(marker))) {
                    return Optional.of(p);
                }
            }
        } catch (IOException e) {
            // unknown location
        }
        return Optional.empty();
    }
}
