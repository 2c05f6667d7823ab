package io.hyphae.it;

import io.hyphae.cli.HyphaeCommand;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The hyphae command line run in-process, as a user runs it: its exit code and what it printed. */
record Cli(int code, String out, String err) {

    static Cli run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = HyphaeCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Cli(code, out.toString(), err.toString());
    }
}
