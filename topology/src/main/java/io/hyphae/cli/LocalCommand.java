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
        description = {"Start, stop or inspect the local stack: a Kafka broker, a schema registry and, with --connect, a Kafka"
                + " Connect worker.",
            "Commands that find no bootstrap servers start the broker themselves, and Avro routes without a registry URL the "
                + "registry: Apache Kafka's own broker (KRaft, one node) and Hortonworks Schema Registry (Confluent API), each "
                + "in a JVM of its own on 127.0.0.1, their data kept across restarts in a folder (default ~/.hyphae/local, "
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
            Path d = folder();
            return port == null ? LocalKafka.in(d) : new LocalKafka(d, port);
        }

        io.hyphae.local.LocalSchemaRegistry registry(Integer port) {
            Path d = folder();
            return port == null ? io.hyphae.local.LocalSchemaRegistry.in(d) : new io.hyphae.local.LocalSchemaRegistry(d, port);
        }

        io.hyphae.local.LocalConnect connect(Integer port, java.util.List<Path> pluginPath) {
            io.hyphae.local.LocalConnect c = io.hyphae.local.LocalConnect.in(folder());
            if (port != null) {
                c = new io.hyphae.local.LocalConnect(folder(), port, c.kafka(), c.pluginPath());
            }
            return pluginPath == null || pluginPath.isEmpty() ? c : c.withPluginPath(pluginPath);
        }

        Path folder() {
            return dir != null ? dir : LocalKafka.defaultDirectory();
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

    @Command(name = "start", description = "Start the local broker and registry, and with --connect the Connect worker (no-op for what"
            + " runs already), and print their addresses.",
            mixinStandardHelpOptions = true)
    static final class Start implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Option(names = "--port", paramLabel = "PORT", description = "Client port on 127.0.0.1 (default " + LocalKafka.DEFAULT_PORT
                + ", or the port it last ran on); the controller uses PORT+1.")
        Integer port;

        @Option(names = "--registry-port", paramLabel = "PORT", description = "Registry port on 127.0.0.1 (default "
                + io.hyphae.local.LocalSchemaRegistry.DEFAULT_PORT + ", or the port it last ran on); its admin port is PORT+1.")
        Integer registryPort;

        @Option(names = "--no-registry", description = "Do not start the registry.")
        boolean noRegistry;

        @Option(names = "--connect", description = "Also start a Kafka Connect worker (distributed mode, REST API on 127.0.0.1:"
                + io.hyphae.local.LocalConnect.DEFAULT_PORT + ").")
        boolean connect;

        @Option(names = "--connect-port", paramLabel = "PORT", description = "The Connect worker's REST port on 127.0.0.1 (default "
                + io.hyphae.local.LocalConnect.DEFAULT_PORT + ", or the port it last ran on).")
        Integer connectPort;

        @Option(names = "--plugin-path", paramLabel = "DIR", split = ",", description = "The Connect worker's plugin folders (default: "
                + io.hyphae.local.LocalConnect.WEBHOOK_PLUGIN + " of the source tree). Read when the worker starts.")
        java.util.List<Path> pluginPath;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String bootstrap = dir.kafka(port).start(printer(spec));
            spec.commandLine().getOut().println("bootstrap servers: " + bootstrap);
            if (!noRegistry) {
                spec.commandLine().getOut().println("schema registry:   " + dir.registry(registryPort).start(printer(spec)));
            }
            if (connect) {
                io.hyphae.local.LocalConnect worker = dir.connect(connectPort, pluginPath);
                if (port != null) {
                    worker = new io.hyphae.local.LocalConnect(dir.folder(), worker.port(), dir.kafka(port), worker.pluginPath());
                }
                spec.commandLine().getOut().println("connect worker:    " + worker.start(printer(spec)));
            }
            spec.commandLine().getOut().println("stop them with: ./hyphae local stop");
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop the local Connect worker, registry and broker; their data (and the worker's connectors) stay"
            + " for the next start.", mixinStandardHelpOptions = true)
    static final class Stop implements java.util.concurrent.Callable<Integer> {
        @picocli.CommandLine.Mixin
        DirOption dir = new DirOption();

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            boolean connect = dir.connect(null, null).stop(printer(spec));
            if (connect) {
                spec.commandLine().getOut().println("local Connect worker stopped");
            }
            boolean registry = dir.registry(null).stop(printer(spec));
            spec.commandLine().getOut().println(registry ? "local schema registry stopped" : "no local schema registry was running");
            boolean stopped = dir.kafka(null).stop(printer(spec));
            spec.commandLine().getOut().println(stopped ? "local Kafka broker stopped" : "no local Kafka broker was running");
            return 0;
        }
    }

    @Command(name = "status", description = "Say whether the local broker, registry and Connect worker run, where they listen, their PIDs,"
            + " data folder and logs.",
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
            io.hyphae.local.LocalSchemaRegistry.Status r = dir.registry(null).status();
            out.println("registry:  " + (r.running() ? "running, pid " + r.pid().orElseThrow() : "stopped") + ", " + r.url()
                    + (r.running() ? "" : " (when running)"));
            out.println("registry log: " + r.logFile());
            io.hyphae.local.LocalConnect.Status c = dir.connect(null, null).status();
            out.println("connect:   " + (c.running() ? "running, pid " + c.pid().orElseThrow() : "stopped") + ", " + c.url()
                    + (c.running() ? "" : " (when running)") + (c.running() ? ", plugin.path [" + c.pluginPath() + "]" : ""));
            out.println("connect log: " + c.logFile());
            out.flush();
            return s.running() ? 0 : 3;
        }
    }
}
