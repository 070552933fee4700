package org.libnetwork4j.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/** Tables aligned as docker prints them, and JSON for scripts. */
final class Output {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Docker's layout: four spaces, {@code "Key": value}. */
    private static final ObjectMapper PRETTY = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .setDefaultPrettyPrinter(new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                    .withArrayIndenter(new DefaultIndenter("    ", "\n"))
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

    private Output() {
    }

    /** Columns padded to their widest cell plus three spaces; the last one is not padded. */
    static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        int[] width = new int[header.size()];
        for (List<String> r : all) {
            for (int i = 0; i < r.size(); i++) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        for (List<String> r : all) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < r.size(); i++) {
                sb.append(r.get(i));
                if (i < r.size() - 1) {
                    sb.append(" ".repeat(width[i] - r.get(i).length() + 3));
                }
            }
            out.println(sb);
        }
    }

    /** One JSON object per line (docker's {@code --format json}). */
    static void jsonLines(PrintWriter out, List<?> objects) {
        for (Object o : objects) {
            out.println(write(JSON, o));
        }
    }

    /** An indented JSON document (docker's inspect). */
    static void json(PrintWriter out, Object o) {
        out.println(write(PRETTY, o));
    }

    private static String write(ObjectMapper m, Object o) {
        try {
            return m.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
