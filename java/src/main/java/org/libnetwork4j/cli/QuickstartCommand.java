package org.libnetwork4j.cli;

import org.libnetwork4j.quickstart.Quickstart;

import picocli.CommandLine.Command;

@Command(name = "quickstart", mixinStandardHelpOptions = true,
        description = "A tour in a throwaway namespace of its own (the machine's network is not touched): a bridge"
                + " network, two sandboxes, a ping between them, a published port fetched through the host's"
                + " address; then everything removed. Each step is printed with its time.")
final class QuickstartCommand implements java.util.concurrent.Callable<Integer> {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return new Quickstart(spec.commandLine().getOut()).run() ? 0 : 1;
    }
}
