package io.hyphae.it;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A Mosquitto broker of the tests' own, on a free 127.0.0.1 port, persistent (so a graceful restart keeps sessions and
 * their queued QoS 1 messages; run as root, it stays root instead of becoming user mosquitto, which could not write
 * the test's folder); the {@code mosquitto} binary must be installed. Restartable on the same port.
 */
final class Mosquitto implements AutoCloseable {

    private final Path dir;
    private final int port;
    private Process process;

    private Mosquitto(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** The {@code mosquitto} binary, if installed (it often sits in /usr/sbin, outside a user's PATH). */
    static Optional<Path> binary() {
        for (String candidate : new String[] {"/usr/sbin/mosquitto", "/usr/bin/mosquitto", "/usr/local/sbin/mosquitto", "/usr/local/bin/mosquitto"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(Path.of(candidate));
            }
        }
        return Optional.empty();
    }

    static Mosquitto start(Path dir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("mosquitto.conf"), """
                listener %d 127.0.0.1
                user %s
                allow_anonymous true
                persistence true
                persistence_location %s/
                max_queued_messages 0
                max_inflight_messages 0
                """.formatted(port, System.getProperty("user.name"), dir));
        Mosquitto m = new Mosquitto(dir, port);
        m.startProcess();
        return m;
    }

    String url() {
        return "tcp://127.0.0.1:" + port;
    }

    int port() {
        return port;
    }

    private void startProcess() throws IOException, InterruptedException {
        process = new ProcessBuilder(binary().orElseThrow().toString(), "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile())).start();
        long deadline = System.currentTimeMillis() + 10_000;
        while (System.currentTimeMillis() < deadline) {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("mosquitto exited: " + Files.readString(dir.resolve("mosquitto.log")));
                }
                Thread.sleep(50);
            }
        }
        throw new IOException("mosquitto did not listen on " + port + " within 10 s");
    }

    /** Stops the broker gracefully (SIGTERM: it saves its sessions) and starts it again on the same port. */
    void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
