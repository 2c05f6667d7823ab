package io.hyphae.it;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throwaway PostgreSQL cluster of the machine's installed server binaries ({@code pg_config --bindir}): its own
 * data directory, {@code wal_level=logical}, a free port on 127.0.0.1, trust authentication, its socket in its own
 * folder, so the machine's own database is neither used nor reconfigured. PostgreSQL refuses to run as root: as
 * root, initdb and the server run as the {@code postgres} user (else {@code nobody}) through {@code runuser}, in a
 * folder that user owns. SQL runs through {@code psql}. Tests call {@link #startOrSkip}: without the binaries they
 * are skipped with a message.
 */
final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;
    private final List<String> asUser;

    private PostgresServer(Path bin, Path dir, int port, List<String> asUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asUser = asUser;
    }

    /** Initializes and starts a cluster, or skips the test (with the reason) where PostgreSQL's server binaries are missing. */
    static PostgresServer startOrSkip() throws IOException, InterruptedException {
        Path bin = binDir();
        Assumptions.assumeTrue(bin != null && Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl"))
                && Files.isExecutable(bin.resolve("psql")),
                "PostgreSQL server binaries (initdb, pg_ctl, psql; found with pg_config --bindir) are not installed: skipped");
        List<String> asUser = List.of();
        if ("root".equals(System.getProperty("user.name"))) {
            String user = run(List.of("id", "-u", "postgres"), false).isEmpty() ? "nobody" : "postgres";
            asUser = List.of("runuser", "-u", user, "--");
        }
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "hyphae-pg-");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (!asUser.isEmpty()) {
            run(List.of("chown", asUser.get(2), dir.toString()), true);
        }
        PostgresServer pg = new PostgresServer(bin, dir, freePort(), asUser);
        pg.initAndStart();
        return pg;
    }

    private static Path binDir() {
        try {
            String out = run(List.of("pg_config", "--bindir"), false).trim();
            return out.isEmpty() ? null : Path.of(out);
        } catch (IOException | InterruptedException e) {
            return null;
        }
    }

    private void initAndStart() throws IOException, InterruptedException {
        Path data = dir.resolve("data");
        asUser(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync", "--no-locale"));
        String options = String.join(" ", "-c wal_level=logical", "-c max_wal_senders=4", "-c max_replication_slots=4",
                "-c listen_addresses=127.0.0.1", "-p " + port, "-k " + dir, "-c fsync=off", "-c synchronous_commit=off",
                "-c full_page_writes=off");
        asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l", dir.resolve("server.log").toString(),
                "-o", options, "-w", "-t", "60", "start"));
    }

    int port() {
        return port;
    }

    Path log() {
        return dir.resolve("server.log");
    }

    /** Runs SQL in {@code postgres} (as the superuser, over TCP); returns psql's unaligned, tuples-only output. */
    String sql(String statements) throws IOException, InterruptedException {
        return run(List.of(bin.resolve("psql").toString(), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-h", "127.0.0.1", "-p",
                Integer.toString(port), "-U", "postgres", "-d", "postgres", "-c", statements), true);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        asUser(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "immediate", "-w", "stop"));
        run(List.of("rm", "-rf", dir.toString()), false);
    }

    private void asUser(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(asUser);
        full.addAll(command);
        run(full, true);
    }

    private static String run(List<String> command, boolean check) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("timed out: " + command);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (check && p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed (" + p.exitValue() + "): " + text);
        }
        return p.exitValue() == 0 ? text : "";
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
