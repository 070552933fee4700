package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.io.Writer;
import java.util.List;
import java.util.Map;

import org.libnetwork4j.quickstart.Quickstart;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Loads the classes an lnw command loads, for the launcher's class data sharing archive: the
 * quickstart (controller, store read and write, firewall, probes, in throwaway namespaces; the
 * machine's network is not touched), every command's model and help, and the output writers.
 */
@Command(name = "cds-training", hidden = true)
final class CdsTrainingCommand implements java.util.concurrent.Callable<Integer> {
    @Override
    public Integer call() {
        PrintWriter none = new PrintWriter(Writer.nullWriter());
        boolean ok = new Quickstart(none).run();
        CommandLine all = new CommandLine(new Lnw());
        all.usage(none);
        for (CommandLine sub : all.getSubcommands().values()) {
            sub.usage(none);
            sub.getSubcommands().values().forEach(s -> s.usage(none));
        }
        Output.table(none, List.of("A", "B"), List.of(List.of("1", "2")));
        Output.json(none, List.of(Map.of("Name", "x", "List", List.of(1))));
        Output.jsonLines(none, List.of(Map.of("Name", "x")));
        return ok ? 0 : 1;
    }
}
