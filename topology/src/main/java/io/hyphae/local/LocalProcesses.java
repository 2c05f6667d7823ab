package io.hyphae.local;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** What the local broker and the local registry share: detached JVMs, PID files, ports and logs. */
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
}
