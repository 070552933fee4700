package org.libnetwork4j;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the C library's resolver reads of a resolv.conf: its nameservers in order, its search
 * domains (the last {@code search} or {@code domain} line) and its options. The controller
 * reads the host's through it, and a runtime that writes its containers' resolv.conf itself
 * (a CNI caller) can read a sandbox's ({@link Sandbox#resolvConfPath}).
 *
 * @param nameservers the {@code nameserver} addresses in file order, as written (not checked)
 * @param search      the search domains; empty if there are none
 * @param options     the words of every {@code options} line, in file order
 */
public record ResolvConf(List<String> nameservers, List<String> search, List<String> options) {
    private static final java.util.regex.Pattern LEADING_SPACE = java.util.regex.Pattern.compile("^\\s+");
    // compiled once: String.split compiles a pattern of more than one character at every call,
    // and the host's file is read for every sandbox made
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    /**
     * Parses resolv.conf text. Comments ({@code #} or {@code ;} first), blank lines and other
     * keywords are skipped.
     *
     * @param text the file's content
     * @return what it says, in unmodifiable lists
     */
    public static ResolvConf parse(String text) {
        List<String> ns = new ArrayList<>();
        List<String> search = new ArrayList<>();
        List<String> options = new ArrayList<>();
        for (String raw : text.split("\n")) {
            // whitespace as the C library's isspace has it (\s), at the ends as between words:
            // strip() would also drop control characters such as \x1d, which then stayed inside
            // a word when they were not at the end of the line (found by ParsingFuzzTest)
            String line = LEADING_SPACE.matcher(raw).replaceFirst("");
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            String[] f = SPACES.split(line);
            switch (f[0]) {
                case "nameserver" -> {
                    if (f.length > 1) {
                        ns.add(f[1]);
                    }
                }
                case "search", "domain" -> {
                    // the last search or domain line wins, as in the resolver
                    search.clear();
                    search.addAll(List.of(f).subList(1, f.length));
                }
                case "options" -> options.addAll(List.of(f).subList(1, f.length));
                default -> {
                }
            }
        }
        return new ResolvConf(List.copyOf(ns), List.copyOf(search), List.copyOf(options));
    }

    /**
     * The file parsed; a missing or unreadable one as an empty file.
     *
     * @param file the resolv.conf to read
     * @return what it says; empty lists if it could not be read
     */
    public static ResolvConf read(Path file) {
        try {
            return parse(Files.readString(file));
        } catch (IOException e) {
            return parse(""); // none: the caller's fallback applies
        }
    }
}

