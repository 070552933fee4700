package org.libnetwork4j.cli;

import picocli.CommandLine.Option;

/** What every {@code ls} takes: {@code -q} and {@code --format json}. */
final class ListOptions {
    @Option(names = {"-q", "--quiet"}, description = "only the ids (networks) or names (sandboxes)")
    boolean quiet;

    @Option(names = "--format", paramLabel = "json", description = "json: one object per line")
    String format;

    /** True for JSON lines; refuses other formats. */
    boolean json() {
        if (format != null && !format.equals("json")) {
            throw new Lnw.CliException("invalid --format \"" + format + "\": only json is known");
        }
        return format != null;
    }
}
