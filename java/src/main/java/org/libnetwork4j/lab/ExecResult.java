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
    /**
     * Keeps an unmodifiable copy of command.
     *
     * @param command  what was run, one element per argument
     * @param exitCode its exit status, 0 for success
     * @param out      its standard output
     * @param err      its standard error
     * @throws NullPointerException if command is null or holds a null
     */
    public ExecResult {
        command = List.copyOf(command);
    }

    /**
     * Whether the command succeeded.
     *
     * @return true if its exit status is 0
     */
    public boolean ok() {
        return exitCode == 0;
    }

    /**
     * This result, or an {@link IllegalStateException} with the command's output if it failed.
     *
     * @return this result, when the exit status is 0
     * @throws IllegalStateException if it is not 0; the message holds the command, its exit
     *         status, its standard error and its standard output
     */
    public ExecResult check() {
        if (exitCode != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + exitCode
                    + (err.isBlank() ? "" : ": " + err.strip()) + (out.isBlank() ? "" : "\n" + out.strip()));
        }
        return this;
    }
}
