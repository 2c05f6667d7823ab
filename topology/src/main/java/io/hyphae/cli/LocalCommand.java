package io.hyphae.cli;

import io.hyphae.local.LocalKafka;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.function.Consumer;

@Command(name = "local",
        description = {"Start, stop or inspect the local Kafka broker.",
            "Commands that find no bootstrap servers start it themselves: Apache Kafka's own broker (KRaft, one node) in a "
                + "JVM of its own on 127.0.0.1, its data kept across restarts in a folder (default ~/.hyphae/local, "
                + "or $HYPHAE_LOCAL_DIR)."},
        mixinStandardHelpOptions = true,
        subcommands = {LocalCommand.Start.class, LocalCommand.Stop.class, LocalCommand.Status.class})
final class LocalCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static class DirOption {
        @Option(names = "--dir", paramLabel = "DIR", description = "The local stack's folder (default: $HYPHAE_LOCAL_DIR or ~/.hyphae/local).")
        Path dir;

        LocalKafka kafka(Integer port) {
            Path d = dir != null ? dir : LocalKafka.defaultDirectory();
            return port == null ? LocalKafka.in(d) : new LocalKafka(d, port);
        }
    }

    static Consumer<String> printer(CommandSpec spec) {
        return printer(spec, false);
    }

    /** Progress lines; to stderr when stdout carries data (tap). */
    static Consumer<String> printer(CommandSpec spec, boolean toErr) {
        PrintWriter out = toErr ? spec.commandLine().getErr() : spec.commandLine().getOut();
        return m -> {
            out.println(m);
            out.flush();
        };
    }

    @Command(name = "start", description = "Start the local broker (no-op when it runs already) and print its address.", mixinStandardHelpOptions = true)
    static final class Start implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--port", paramLabel = "PORT", description = "Client port on 127.0.0.1 (default " + LocalKafka.DEFAULT_PORT
                + ", or the port it last ran on); the controller uses PORT+1.")
        Integer port;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            LocalKafka kafka = dir.kafka(port);
            String bootstrap = kafka.start(printer(spec));
            spec.commandLine().getOut().println("bootstrap servers: " + bootstrap);
            spec.commandLine().getOut().println("stop it with: ./hyphae local stop");
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the local broker; its data stays for the next start.", mixinStandardHelpOptions = true)
    static final class Stop implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            boolean stopped = dir.kafka(null).stop(printer(spec));
            spec.commandLine().getOut().println(stopped ? "local Kafka broker stopped" : "no local Kafka broker was running");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether the local broker runs, where it listens, its PID, data folder and log.",
            mixinStandardHelpOptions = true)
    static final class Status implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            LocalKafka.Status s = dir.kafka(null).status();
            PrintWriter out = spec.commandLine().getOut();
            out.println("kafka:     " + (s.running() ? "running, pid " + s.pid().orElseThrow() : "stopped"));
            out.println("listens:   " + s.bootstrapServers() + (s.running() ? "" : " (when running)"));
            out.println("data:      " + s.dataDir());
            out.println("log:       " + s.logFile());
            out.flush();
            return s.running() ? 0 : 3;
        }
    }
}
