package org.libnetwork4j.lab;

import java.util.List;

/**
 * What a command run in a lab namespace did.
 *
 * @param command  what was run
 * @param exitCode its exit status
 * @param out      its standard output
 * @param err      its standard error
 */
public record ExecResult(List<String> command, int exitCode, String out, String err) {
    public ExecResult {
        command = List.copyOf(command);
    }

    public boolean ok() {
        return exitCode == 0;
    }

    /** This result, or an {@link IllegalStateException} with the command's output if it failed. */
    public ExecResult check() {
        if (exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode
                    + (err.isBlank() ? "" : ": " + err.strip()) + (out.isBlank() ? "" : "\n" + out.strip()));
        }
        return this;
    }
}
