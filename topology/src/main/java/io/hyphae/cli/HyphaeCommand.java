package io.hyphae.cli;

import io.hyphae.edge.EdgeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code hyphae}: validate, describe and run route files; produce to and tap topics. */
@Command(name = "hyphae",
        mixinStandardHelpOptions = true,
        version = "hyphae 0.1.0",
        description = {
            "Declarative enrichment-and-routing routes on Kafka Streams.",
            "A route file (YAML) declares routes: ordered stages (validate, filter, transform, enrich, route) whose output "
                + "each lands on its own topic <application>.<route>.<stage>. Without bootstrap servers, commands use a local "
                + "Kafka broker that Hyphae starts itself (see 'hyphae local')."},
        subcommands = {
            ValidateCommand.class,
            TestCommand.class,
            DescribeCommand.class,
            RunCommand.class,
            DemoCommand.class,
            ProduceCommand.class,
            TapCommand.class,
            DlqCommand.class,
            AclsCommand.class,
            SchemasCommand.class,
            ConnectorsCommand.class,
            ReceiveCommand.class,
            ServeCommand.class,
            LocalCommand.class,
            EdgeCommand.class,
            CommandLine.HelpCommand.class},
        footer = {"", "Run 'hyphae help <command>' for a command's options. See README.md for the route file reference."})
public final class HyphaeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HyphaeCommand());
        cli.setUsageHelpAutoWidth(true);
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println(cmd.getColorScheme().errorText("error: " + (e.getMessage() == null ? e.toString() : e.getMessage())));
            return 1;
        });
        return cli;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
