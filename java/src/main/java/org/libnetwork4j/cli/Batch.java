package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.libnetwork4j.NetworkException;

/** Docker's way with several names: each one is tried, failures are reported, exit 1 if any. */
final class Batch {
    private Batch() {
    }

    static void each(List<String> names, PrintWriter err, Consumer<String> action) {
        List<String> failed = new ArrayList<>();
        for (String n : names) {
            try {
                action.accept(n);
            } catch (NetworkException | Lnw.CliException e) {
                failed.add(e.getMessage());
            }
        }
        if (!failed.isEmpty()) {
            // every failure but the last on its own line now; the last is the command's error
            for (int i = 0; i < failed.size() - 1; i++) {
                err.println("lnw: " + failed.get(i));
            }
            throw new Lnw.CliException(failed.get(failed.size() - 1));
        }
    }
}
