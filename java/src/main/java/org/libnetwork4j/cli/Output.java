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

    /**
     * An indented JSON document as the docker CLI prints inspect output (Go's json.Indent of
     * the compact document, four spaces): {@code {}} and {@code []} for empty ones, where
     * Jackson's pretty printer would write {@code { }}.
     */
    static void goJson(PrintWriter out, Object o) {
        out.println(indent(write(JSON, o)));
    }

    /** Go's json.Indent(dst, src, "", "    ") of compact JSON. */
    static String indent(String compact) {
        StringBuilder sb = new StringBuilder();
        int depth = 0;
        boolean needIndent = false;
        boolean inString = false;
        for (int i = 0; i < compact.length(); i++) {
            char c = compact.charAt(i);
            if (inString) {
                sb.append(c);
                if (c == '\\') {
                    sb.append(compact.charAt(++i));
                } else if (c == '"') {
                    inString = false;
                }
                continue;
            }
            if (needIndent && c != ']' && c != '}') {
                needIndent = false;
                depth++;
                newline(sb, depth);
            }
            switch (c) {
                case '"' -> {
                    inString = true;
                    sb.append(c);
                }
                case '{', '[' -> {
                    sb.append(c);
                    needIndent = true; // the line break waits: an empty one stays {} or []
                }
                case ',' -> {
                    sb.append(c);
                    newline(sb, depth);
                }
                case ':' -> sb.append(": ");
                case '}', ']' -> {
                    if (needIndent) {
                        needIndent = false;
                    } else {
                        depth--;
                        newline(sb, depth);
                    }
                    sb.append(c);
                }
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static void newline(StringBuilder sb, int depth) {
        sb.append('\n').append("    ".repeat(depth));
    }

    /**
     * Go's text/tabwriter as the docker CLI sets it up for tables (minimum width 10, padding 3,
     * spaces): each tab-terminated cell padded to its column's widest cell plus 3, a column
     * being the run of consecutive lines that have that cell; the last cell of a line is not
     * padded.
     */
    static String tabwriter(String text) {
        List<List<String>> lines = new ArrayList<>();
        for (String l : text.split("\n", -1)) {
            lines.add(List.of(l.split("\t", -1)));
        }
        boolean trailingNewline = text.endsWith("\n");
        if (trailingNewline) {
            lines.remove(lines.size() - 1);
        }
        StringBuilder sb = new StringBuilder();
        format(sb, new ArrayList<>(), lines, 0, lines.size());
        String s = sb.toString();
        return trailingNewline ? s : s.substring(0, Math.max(0, s.length() - 1));
    }

    /** tabwriter's format: the column blocks of lines [line0, line1) right of widths.size() columns. */
    private static void format(StringBuilder sb, List<Integer> widths, List<List<String>> lines, int line0, int line1) {
        int column = widths.size();
        for (int i = line0; i < line1; i++) {
            if (column >= lines.get(i).size() - 1) {
                continue;
            }
            writeLines(sb, widths, lines, line0, i);
            line0 = i;
            int width = 10;
            for (; i < line1; i++) {
                List<String> line = lines.get(i);
                if (column >= line.size() - 1) {
                    break;
                }
                width = Math.max(width, line.get(column).codePointCount(0, line.get(column).length()) + 3);
            }
            widths.add(width);
            format(sb, widths, lines, line0, i);
            widths.remove(widths.size() - 1);
            line0 = i;
            i--; // the loop's i++ must not skip the line that ended the block
        }
        writeLines(sb, widths, lines, line0, line1);
    }

    private static void writeLines(StringBuilder sb, List<Integer> widths, List<List<String>> lines, int from, int to) {
        for (int i = from; i < to; i++) {
            List<String> line = lines.get(i);
            for (int j = 0; j < line.size(); j++) {
                String cell = line.get(j);
                sb.append(cell);
                if (j < widths.size()) {
                    sb.append(" ".repeat(Math.max(0, widths.get(j) - cell.codePointCount(0, cell.length()))));
                }
            }
            sb.append('\n');
        }
    }

    private static String write(ObjectMapper m, Object o) {
        try {
            return m.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
