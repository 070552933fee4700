package org.libnetwork4j.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.libnetwork4j.api.DockerNetworks;

/**
 * The part of Go's text/template that Docker users write in {@code --format}: literal text,
 * field paths ({@code .IPAM.Config}, {@code $}, {@code $v.Name}, {@code (index .X "k").Y}),
 * pipelines ({@code .Name | upper}), {@code range} (with {@code $k, $v :=} and {@code else}),
 * {@code if}/{@code with} with {@code else}, variables ({@code $x := ...}), comments, trim
 * markers ({@code {{- -}}}), and the functions {@code json}, {@code index}, {@code len},
 * {@code join}, {@code split}, {@code upper}, {@code lower}, {@code title}, {@code eq},
 * {@code ne}, {@code not}, {@code and}, {@code or}, {@code print}, {@code println}.
 *
 * <p>No maintained Java implementation of Go templates exists (none in the local Maven
 * repository or its lists), so this is hand-written, to the letter of Go's for what it has:
 * values print as Go's fmt {@code %v} prints them (maps sorted, {@code map[k:v]}, slices
 * {@code [a b]}, structs {@code {a b}}, a missing key {@code <no value>}), and {@code json}
 * writes as Docker's json function does (encoding/json without HTML escaping: struct fields in
 * order, map keys sorted). Anything else (printf, define, template, block, a method with
 * arguments) fails at parse time with an error naming it, never with a wrong output.
 *
 * <p>Data: {@link Map} (a Go map), {@link List} (a slice), {@link Struct} (a Go struct, for
 * typed output as the docker CLI has it), {@link GoTime}, {@link String}, {@link Boolean},
 * {@link Number}, {@link Method} (a method with arguments, such as ls's {@code .Label "k"}),
 * and null (a nil interface).
 */
final class GoTemplate {
    /** A failure to parse or to run a template, with Go's idea of what went wrong. */
    static final class TemplateException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TemplateException(String message) {
            super(message);
        }
    }

    /** A Go struct: its type's name and its fields, in declaration order. */
    record Struct(String type, List<Field> fields) {
        Field field(String name) {
            for (Field f : fields) {
                if (f.name().equals(name)) {
                    return f;
                }
            }
            return null;
        }
    }

    /**
     * A struct field: its Go name (what templates use), its JSON name, and whether encoding/json
     * leaves it out when empty ({@code omitempty}).
     */
    record Field(String name, String json, boolean omitEmpty, Object value) {
        static Field of(String name, Object value) {
            return new Field(name, name, false, value);
        }
    }

    /** Go's time.Time: printed by its String method, written to JSON as RFC 3339 with nanoseconds. */
    record GoTime(Instant instant) {
        private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss")
                .withZone(ZoneOffset.UTC);

        /** Go's "2006-01-02 15:04:05.999999999 -0700 MST", in UTC: trailing zeros of the fraction dropped. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder(SECONDS.format(instant));
            int nanos = instant.getNano();
            if (nanos != 0) {
                String f = String.format("%09d", nanos);
                sb.append('.').append(f.replaceAll("0+$", ""));
            }
            return sb.append(" +0000 UTC").toString();
        }
    }

    /** A method that takes arguments ({@code {{.Label "k"}}}): not a field, not in {@code json .}. */
    @FunctionalInterface
    interface Method {
        Object call(List<Object> args);
    }

    /** What a missing map key or a field of nothing evaluates to (Go's invalid reflect.Value). */
    static final Object NO_VALUE = new Object() {
        @Override
        public String toString() {
            return "<no value>";
        }
    };

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String source;
    private final List<Node> nodes;

    private GoTemplate(String source, List<Node> nodes) {
        this.source = source;
        this.nodes = nodes;
    }

    /**
     * Parses a template.
     *
     * @param text the template, as given (no {@code \t} replacement: see callers)
     * @return the template
     * @throws TemplateException if it is malformed or uses what is not supported (named)
     */
    static GoTemplate parse(String text) {
        Parser p = new Parser(text);
        List<Node> nodes = p.list(Parser.END_OF_INPUT);
        return new GoTemplate(text, nodes);
    }

    /**
     * Runs the template on a value.
     *
     * @param dot the value {@code .} and {@code $} start as
     * @return the output
     * @throws TemplateException if a field does not exist or a function gets what it cannot take
     */
    String execute(Object dot) {
        return execute(dot, false);
    }

    /**
     * Runs the template with Go's {@code missingkey=error}: a map without the key is an error,
     * not {@code <no value>} (the docker CLI's inspect, when it falls back to the raw JSON).
     */
    String executeStrict(Object dot) {
        StringBuilder out = new StringBuilder();
        Scope vars = new Scope(null);
        vars.put("$", dot);
        Exec e = new Exec(out, false);
        e.strict = true;
        e.walk(nodes, dot, vars);
        return out.toString();
    }

    /**
     * Runs the template for a table's header, as the docker CLI does: on a map of the column
     * names, the functions (json, join...) giving "", and what was written before an error
     * kept (the CLI does not check the header's error: {@code .Label "k"} on the map of names
     * ends the header there).
     */
    String executeHeader(Object headers) {
        StringBuilder out = new StringBuilder();
        try {
            execute(headers, true, out);
        } catch (TemplateException e) {
            // the header so far, as docker prints it
        }
        return out.toString();
    }

    private String execute(Object dot, boolean header) {
        StringBuilder out = new StringBuilder();
        execute(dot, header, out);
        return out.toString();
    }

    private void execute(Object dot, boolean header, StringBuilder out) {
        Scope vars = new Scope(null);
        vars.put("$", dot);
        new Exec(out, header).walk(nodes, dot, vars);
    }

    @Override
    public String toString() {
        return source;
    }

    // ---- the tree ----

    private sealed interface Node permits Text, Print, Range, If {
    }

    private record Text(String text) implements Node {
    }

    /** {{pipeline}}, or {{$x := pipeline}} (decl non-null: prints nothing). */
    private record Print(Pipeline pipeline, String decl, String source) implements Node {
    }

    private record Range(String keyVar, String valueVar, Pipeline pipeline, List<Node> body, List<Node> otherwise,
            String source) implements Node {
    }

    /** if, or with (with: dot becomes the value). */
    private record If(boolean with, Pipeline pipeline, List<Node> body, List<Node> otherwise, String source)
            implements Node {
    }

    private record Pipeline(List<Command> commands) {
    }

    private record Command(List<Operand> operands) {
    }

    private sealed interface Operand permits FieldPath, Variable, Literal, Func, Paren {
    }

    /** .A.B (empty path: dot itself). */
    private record FieldPath(List<String> path) implements Operand {
    }

    private record Variable(String name, List<String> path) implements Operand {
    }

    private record Literal(Object value) implements Operand {
    }

    private record Func(String name) implements Operand {
    }

    private record Paren(Pipeline pipeline, List<String> path) implements Operand {
    }

    // ---- parsing ----

    private static final class Parser {
        static final String END_OF_INPUT = "";
        private static final List<String> FUNCTIONS = List.of("json", "index", "len", "join", "split", "upper",
                "lower", "title", "eq", "ne", "not", "and", "or", "print", "println");

        private final String text;
        private int pos;
        /** The action being read: its text, for messages. */
        private String action;
        /** The tokens of the action being read, and the next one's index. */
        private List<String> tokens;
        private int next;

        Parser(String text) {
            this.text = text;
        }

        /** Nodes until an action {{end}} or {{else}} (returned through the last keyword read) or the end. */
        private String ended;

        List<Node> list(String until) {
            List<Node> out = new ArrayList<>();
            while (true) {
                int open = text.indexOf("{{", pos);
                String literal = open < 0 ? text.substring(pos) : text.substring(pos, open);
                if (open >= 0 && text.startsWith("{{- ", open)) {
                    literal = literal.stripTrailing();
                }
                if (!literal.isEmpty()) {
                    out.add(new Text(literal));
                }
                if (open < 0) {
                    if (!until.equals(END_OF_INPUT)) {
                        throw error("unexpected EOF: {{" + until + "}} is missing");
                    }
                    pos = text.length();
                    return out;
                }
                int start = open + 2;
                if (text.startsWith("- ", start)) {
                    start += 2;
                }
                int close = findClose(start);
                if (close < 0) {
                    throw error("unclosed action: " + text.substring(open));
                }
                int end = close;
                boolean trimRight = close >= 1 && text.startsWith(" -", close - 2) && close - 2 >= start;
                if (trimRight) {
                    end = close - 2;
                }
                action = text.substring(open, close + 2);
                pos = close + 2;
                if (trimRight) {
                    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                        pos++;
                    }
                }
                String inside = text.substring(start, end).strip();
                if (inside.startsWith("/*")) {
                    if (!inside.endsWith("*/")) {
                        throw error("unclosed comment in " + action);
                    }
                    continue;
                }
                tokens = tokenize(inside);
                next = 0;
                if (tokens.isEmpty()) {
                    throw error("missing value for command in " + action);
                }
                String first = tokens.get(0);
                switch (first) {
                    case "end", "else" -> {
                        if (tokens.size() > 1) {
                            throw error("{{" + first + "}} takes nothing after it (else if is not supported): "
                                    + action);
                        }
                        if (until.equals(END_OF_INPUT)) {
                            throw error("unexpected {{" + first + "}}");
                        }
                        ended = first;
                        return out;
                    }
                    case "range" -> out.add(range());
                    case "if", "with" -> out.add(conditional(first.equals("with")));
                    case "define", "template", "block", "break", "continue" -> throw error("{{" + first
                            + "}} is not supported by lnw's templates");
                    default -> out.add(print());
                }
            }
        }

        /** The "}}" closing an action starting at from, skipping quoted strings. */
        private int findClose(int from) {
            int i = from;
            while (i < text.length() - 1) {
                char ch = text.charAt(i);
                if (ch == '"' || ch == '`') {
                    int j = i + 1;
                    while (j < text.length() && text.charAt(j) != ch) {
                        j += ch == '"' && text.charAt(j) == '\\' ? 2 : 1;
                    }
                    i = j + 1;
                    continue;
                }
                if (text.startsWith("}}", i)) {
                    return i;
                }
                i++;
            }
            return -1;
        }

        private Node range() {
            String src = action;
            next = 1;
            String[] vars = declaration(true);
            Pipeline p = pipeline();
            List<Node> body = list("end");
            return new Range(vars[0], vars[1], p, body, otherwise(src), src);
        }

        private Node conditional(boolean with) {
            String src = action;
            next = 1;
            Pipeline p = pipeline();
            List<Node> body = list("end");
            return new If(with, p, body, otherwise(src), src);
        }

        /** After a body that ended: the {{else}} branch up to {{end}}, or none. */
        private List<Node> otherwise(String src) {
            if (!ended.equals("else")) {
                return List.of();
            }
            List<Node> otherwise = list("end");
            if (ended.equals("else")) {
                throw error("a second {{else}} in " + src);
            }
            return otherwise;
        }

        private Node print() {
            String src = action;
            String[] vars = declaration(false);
            return new Print(pipeline(), vars[1], src);
        }

        /** [$k ,] $v := at the current token, or nothing; {key, value}. */
        private String[] declaration(boolean twoAllowed) {
            if (next + 1 < tokens.size() && tokens.get(next).startsWith("$") && !tokens.get(next).contains(".")) {
                if (tokens.get(next + 1).equals(":=") || tokens.get(next + 1).equals("=")) {
                    if (tokens.get(next + 1).equals("=")) {
                        throw error("assignment (=) is not supported by lnw's templates, only := : " + action);
                    }
                    String v = tokens.get(next);
                    next += 2;
                    return new String[] {null, v};
                }
                if (twoAllowed && tokens.get(next + 1).equals(",") && next + 3 < tokens.size()
                        && tokens.get(next + 3).equals(":=")) {
                    String k = tokens.get(next);
                    String v = tokens.get(next + 2);
                    next += 4;
                    return new String[] {k, v};
                }
            }
            return new String[] {null, null};
        }

        private Pipeline pipeline() {
            List<Command> cmds = new ArrayList<>();
            while (true) {
                List<Operand> ops = new ArrayList<>();
                while (next < tokens.size() && !tokens.get(next).equals("|") && !tokens.get(next).equals(")")) {
                    ops.add(operand());
                }
                if (ops.isEmpty()) {
                    throw error("missing value for command in " + action);
                }
                if (ops.size() > 1 && !(ops.get(0) instanceof Func)) {
                    Operand o = ops.get(0);
                    boolean method = o instanceof FieldPath || o instanceof Variable || o instanceof Paren;
                    if (!method) {
                        throw error("can't give argument to non-function " + tokens.get(0) + " in " + action);
                    }
                }
                cmds.add(new Command(ops));
                if (next < tokens.size() && tokens.get(next).equals("|")) {
                    next++;
                    continue;
                }
                return new Pipeline(cmds);
            }
        }

        private Operand operand() {
            String t = tokens.get(next++);
            if (t.equals("(")) {
                Pipeline p = pipeline();
                if (next >= tokens.size() || !tokens.get(next).equals(")")) {
                    throw error("unclosed left paren in " + action);
                }
                next++;
                List<String> path = List.of();
                if (next < tokens.size() && tokens.get(next).startsWith(".") && tokens.get(next).length() > 1) {
                    path = path(tokens.get(next++));
                }
                return new Paren(p, path);
            }
            if (t.equals(".")) {
                return new FieldPath(List.of());
            }
            if (t.startsWith(".")) {
                return new FieldPath(path(t));
            }
            if (t.startsWith("$")) {
                int dot = t.indexOf('.');
                return dot < 0 ? new Variable(t, List.of()) : new Variable(t.substring(0, dot), path(t.substring(dot)));
            }
            if (t.startsWith("\"")) {
                return new Literal(unquote(t));
            }
            if (t.startsWith("`")) {
                return new Literal(t.substring(1, t.length() - 1));
            }
            if (t.equals("true") || t.equals("false")) {
                return new Literal(Boolean.valueOf(t));
            }
            if (t.equals("nil")) {
                return new Literal(null);
            }
            if (t.matches("-?[0-9]+")) {
                return new Literal(Long.parseLong(t));
            }
            if (t.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                if (!FUNCTIONS.contains(t)) {
                    throw error("function \"" + t + "\" is not supported by lnw's templates (it has "
                            + String.join(", ", FUNCTIONS) + ")");
                }
                return new Func(t);
            }
            throw error("unexpected \"" + t + "\" in " + action);
        }

        private List<String> path(String t) {
            List<String> out = new ArrayList<>();
            for (String part : t.substring(1).split("\\.", -1)) {
                if (!part.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw error("bad field path \"" + t + "\" in " + action);
                }
                out.add(part);
            }
            return out;
        }

        private List<String> tokenize(String s) {
            List<String> out = new ArrayList<>();
            int i = 0;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (c == '"' || c == '`') {
                    int j = i + 1;
                    while (j < s.length() && s.charAt(j) != c) {
                        j += c == '"' && s.charAt(j) == '\\' ? 2 : 1;
                    }
                    if (j >= s.length()) {
                        throw error("unterminated quoted string in " + action);
                    }
                    out.add(s.substring(i, j + 1));
                    i = j + 1;
                } else if (c == '(' || c == ')' || c == '|' || c == ',') {
                    out.add(String.valueOf(c));
                    i++;
                    // a path right after ")" belongs to the parenthesis: (index .X "k").Name
                } else if (s.startsWith(":=", i)) {
                    out.add(":=");
                    i += 2;
                } else if (c == '=') {
                    out.add("=");
                    i++;
                } else {
                    int j = i;
                    while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && "()|,\"`=".indexOf(s.charAt(j)) < 0
                            && !s.startsWith(":=", j)) {
                        j++;
                    }
                    if (j == i) {
                        throw error("unexpected \"" + c + "\" in " + action);
                    }
                    out.add(s.substring(i, j));
                    i = j;
                }
            }
            return out;
        }

        private String unquote(String q) {
            StringBuilder sb = new StringBuilder();
            for (int i = 1; i < q.length() - 1; i++) {
                char c = q.charAt(i);
                if (c != '\\') {
                    sb.append(c);
                    continue;
                }
                char e = q.charAt(++i);
                switch (e) {
                    case 'n' -> sb.append('\n');
                    case 't' -> sb.append('\t');
                    case 'r' -> sb.append('\r');
                    case '\\' -> sb.append('\\');
                    case '"' -> sb.append('"');
                    default -> throw error("escape \\" + e + " is not supported by lnw's templates, in " + action);
                }
            }
            return sb.toString();
        }

        private TemplateException error(String message) {
            return new TemplateException(message);
        }
    }

    // ---- running ----

    /** Variables, each scope a block's ({@code range}, {@code if}, {@code with}). */
    private static final class Scope {
        private final Scope parent;
        private final Map<String, Object> vars = new HashMap<>();

        Scope(Scope parent) {
            this.parent = parent;
        }

        void put(String name, Object value) {
            vars.put(name, value);
        }

        Object get(String name) {
            for (Scope s = this; s != null; s = s.parent) {
                if (s.vars.containsKey(name)) {
                    return s.vars.get(name);
                }
            }
            throw new TemplateException("undefined variable: " + name);
        }
    }

    private static final class Exec {
        private final StringBuilder out;
        private final boolean header;
        private boolean strict;
        private String at = "";

        Exec(StringBuilder out, boolean header) {
            this.out = out;
            this.header = header;
        }

        void walk(List<Node> nodes, Object dot, Scope vars) {
            for (Node n : nodes) {
                if (n instanceof Text t) {
                    out.append(t.text());
                } else if (n instanceof Print p) {
                    at = p.source();
                    Object v = pipeline(p.pipeline(), dot, vars);
                    if (p.decl() != null) {
                        vars.put(p.decl(), v);
                    } else {
                        out.append(print(v));
                    }
                } else if (n instanceof If c) {
                    at = c.source();
                    Object v = pipeline(c.pipeline(), dot, vars);
                    if (truth(v)) {
                        walk(c.body(), c.with() ? v : dot, new Scope(vars));
                    } else {
                        walk(c.otherwise(), dot, new Scope(vars));
                    }
                } else if (n instanceof Range r) {
                    at = r.source();
                    range(r, pipeline(r.pipeline(), dot, vars), dot, vars);
                }
            }
        }

        private void range(Range r, Object v, Object dot, Scope vars) {
            List<Object[]> items = new ArrayList<>();
            if (v instanceof List<?> l) {
                for (int i = 0; i < l.size(); i++) {
                    items.add(new Object[] {(long) i, l.get(i)});
                }
            } else if (v instanceof Map<?, ?> m) {
                for (Map.Entry<String, Object> e : sorted(m).entrySet()) {
                    items.add(new Object[] {e.getKey(), e.getValue()});
                }
            } else if (v != null && v != NO_VALUE) {
                // Go ranges over nothing for a nil map or slice; a struct or string is an error
                throw fail("range can't iterate over " + print(v));
            }
            if (items.isEmpty()) {
                walk(r.otherwise(), dot, new Scope(vars));
                return;
            }
            for (Object[] kv : items) {
                Scope s = new Scope(vars);
                if (r.keyVar() != null) {
                    s.put(r.keyVar(), kv[0]);
                }
                if (r.valueVar() != null) {
                    s.put(r.valueVar(), kv[1]);
                }
                walk(r.body(), kv[1], s);
            }
        }

        private Object pipeline(Pipeline p, Object dot, Scope vars) {
            Object last = null;
            boolean first = true;
            for (Command c : p.commands()) {
                last = command(c, dot, vars, first ? null : new Object[] {last});
                first = false;
            }
            return last;
        }

        private Object command(Command c, Object dot, Scope vars, Object[] piped) {
            Operand head = c.operands().get(0);
            List<Object> args = new ArrayList<>();
            for (Operand o : c.operands().subList(1, c.operands().size())) {
                args.add(operand(o, dot, vars));
            }
            if (piped != null) {
                args.add(piped[0]);
            }
            if (head instanceof Func f) {
                return function(f.name(), args);
            }
            Object v = operand(head, dot, vars);
            if (v instanceof Method m) {
                return m.call(args);
            }
            if (!args.isEmpty()) {
                throw fail(describe(head) + " is not a method but has arguments");
            }
            return v;
        }

        private Object operand(Operand o, Object dot, Scope vars) {
            if (o instanceof Literal l) {
                return l.value();
            }
            if (o instanceof FieldPath f) {
                return path(dot, f.path());
            }
            if (o instanceof Variable v) {
                return path(vars.get(v.name()), v.path());
            }
            if (o instanceof Paren p) {
                return path(pipeline(p.pipeline(), dot, vars), p.path());
            }
            Func f = (Func) o;
            return function(f.name(), List.of());
        }

        private Object path(Object v, List<String> path) {
            for (String name : path) {
                v = field(v, name);
            }
            return v;
        }

        private Object field(Object receiver, String name) {
            if (receiver instanceof Struct s) {
                Field f = s.field(name);
                if (f == null) {
                    throw fail("can't evaluate field " + name + " in type " + s.type());
                }
                return f.value();
            }
            if (receiver instanceof Map<?, ?> m) {
                if (!m.containsKey(name) && strict) {
                    throw fail("map has no entry for key \"" + name + "\"");
                }
                return m.containsKey(name) ? m.get(name) : NO_VALUE;
            }
            if (receiver == NO_VALUE) {
                return NO_VALUE;
            }
            if (receiver == null) {
                throw fail("nil pointer evaluating interface {}." + name);
            }
            throw fail("can't evaluate field " + name + " in type " + goType(receiver));
        }

        private Object function(String name, List<Object> args) {
            if (header && List.of("json", "join", "split", "upper", "lower", "title").contains(name)) {
                return ""; // the docker CLI's HeaderFunctions
            }
            switch (name) {
                case "json" -> {
                    arity(name, args, 1);
                    return json(args.get(0));
                }
                case "index" -> {
                    if (args.isEmpty()) {
                        throw fail("wrong number of args for index: want at least 1 got 0");
                    }
                    Object v = args.get(0);
                    for (Object k : args.subList(1, args.size())) {
                        v = index(v, k);
                    }
                    return v;
                }
                case "len" -> {
                    arity(name, args, 1);
                    Object v = args.get(0);
                    if (v instanceof Collection<?> c) {
                        return (long) c.size();
                    }
                    if (v instanceof Map<?, ?> m) {
                        return (long) m.size();
                    }
                    if (v instanceof String s) {
                        return (long) s.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    }
                    throw fail("len of type " + goType(v));
                }
                case "join" -> {
                    arity(name, args, 2);
                    if (!(args.get(0) instanceof List<?> l)) {
                        throw fail("wrong type for value; expected []string; got " + goType(args.get(0)));
                    }
                    List<String> parts = new ArrayList<>();
                    l.forEach(x -> parts.add(print(x)));
                    return String.join(string(args.get(1)), parts);
                }
                case "split" -> {
                    arity(name, args, 2);
                    String sep = string(args.get(1));
                    String s = string(args.get(0));
                    return sep.isEmpty() ? List.copyOf(s.codePoints().mapToObj(Character::toString).toList())
                            : List.of(s.split(java.util.regex.Pattern.quote(sep), -1));
                }
                case "upper" -> {
                    arity(name, args, 1);
                    return string(args.get(0)).toUpperCase(Locale.ROOT);
                }
                case "lower" -> {
                    arity(name, args, 1);
                    return string(args.get(0)).toLowerCase(Locale.ROOT);
                }
                case "title" -> {
                    arity(name, args, 1);
                    StringBuilder sb = new StringBuilder();
                    boolean start = true;
                    for (char ch : string(args.get(0)).toCharArray()) {
                        sb.append(start ? Character.toTitleCase(ch) : ch);
                        start = !Character.isLetterOrDigit(ch) && ch != '_' && ch != '\'';
                    }
                    return sb.toString();
                }
                case "eq", "ne" -> {
                    if (args.size() < 2) {
                        throw fail("missing argument for comparison");
                    }
                    boolean eq = false;
                    for (Object b : args.subList(1, args.size())) {
                        eq |= equal(args.get(0), b);
                    }
                    return name.equals("eq") == eq;
                }
                case "not" -> {
                    arity(name, args, 1);
                    return !truth(args.get(0));
                }
                case "and", "or" -> {
                    if (args.isEmpty()) {
                        throw fail("wrong number of args for " + name + ": want at least 1 got 0");
                    }
                    for (Object a : args) {
                        if (truth(a) != name.equals("and")) {
                            return a;
                        }
                    }
                    return args.get(args.size() - 1);
                }
                case "print", "println" -> {
                    // fmt.Sprint: a space between operands when neither is a string
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < args.size(); i++) {
                        if (i > 0 && (name.equals("println")
                                || !(args.get(i - 1) instanceof String) && !(args.get(i) instanceof String))) {
                            sb.append(' ');
                        }
                        sb.append(print(args.get(i)));
                    }
                    return name.equals("println") ? sb.append('\n').toString() : sb.toString();
                }
                default -> throw fail("function \"" + name + "\" not defined");
            }
        }

        private Object index(Object v, Object key) {
            if (v instanceof Map<?, ?> m) {
                if (!(key instanceof String)) {
                    throw fail("value has type " + goType(key) + "; should be string");
                }
                if (m.containsKey(key)) {
                    return m.get(key);
                }
                // Go gives the element type's zero value: "" for Docker's map[string]string
                return m.values().stream().allMatch(x -> x instanceof String) ? "" : NO_VALUE;
            }
            if (v instanceof List<?> l) {
                if (!(key instanceof Long i)) {
                    throw fail("cannot index slice/array with type " + goType(key));
                }
                if (i < 0 || i >= l.size()) {
                    throw fail("index out of range: " + i);
                }
                return l.get(i.intValue());
            }
            if (v == null || v == NO_VALUE) {
                throw fail("index of untyped nil");
            }
            throw fail("can't index item of type " + goType(v));
        }

        private void arity(String name, List<Object> args, int n) {
            if (args.size() != n) {
                throw fail("wrong number of args for " + name + ": want " + n + " got " + args.size());
            }
        }

        private String string(Object v) {
            if (v instanceof String s) {
                return s;
            }
            throw fail("wrong type for value; expected string; got " + goType(v));
        }

        private TemplateException fail(String message) {
            return new TemplateException("executing " + at + ": " + message);
        }

        private static String describe(Operand o) {
            if (o instanceof FieldPath f) {
                return "." + String.join(".", f.path());
            }
            if (o instanceof Variable v) {
                return v.name() + (v.path().isEmpty() ? "" : "." + String.join(".", v.path()));
            }
            return "the value";
        }
    }

    // ---- Go's values ----

    /** Go's truth: false, 0, nil and empty strings, maps and slices are false. */
    static boolean truth(Object v) {
        if (v == null || v == NO_VALUE) {
            return false;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof Number n) {
            return n.doubleValue() != 0;
        }
        if (v instanceof String s) {
            return !s.isEmpty();
        }
        if (v instanceof Collection<?> c) {
            return !c.isEmpty();
        }
        if (v instanceof Map<?, ?> m) {
            return !m.isEmpty();
        }
        return true;
    }

    private static boolean equal(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        if (a != null && b != null && a.getClass() != b.getClass() && !(a instanceof String && b instanceof String)) {
            throw new TemplateException("incompatible types for comparison");
        }
        return Objects.equals(a, b);
    }

    /** fmt's %v. */
    static String print(Object v) {
        if (v == null) {
            return "<nil>";
        }
        if (v instanceof Map<?, ?> m) {
            StringBuilder sb = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<String, Object> e : sorted(m).entrySet()) {
                sb.append(first ? "" : " ").append(e.getKey()).append(':').append(print(e.getValue()));
                first = false;
            }
            return sb.append(']').toString();
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(print(x)));
            return "[" + String.join(" ", parts) + "]";
        }
        if (v instanceof Struct s) {
            List<String> parts = new ArrayList<>();
            s.fields().forEach(f -> parts.add(print(f.value())));
            return "{" + String.join(" ", parts) + "}";
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e21 ? Long.toString(d.longValue()) : d.toString();
        }
        return v.toString();
    }

    /** Docker's json function: encoding/json, HTML left as it is, no trailing newline. */
    static String json(Object v) {
        try {
            return JSON.writeValueAsString(jsonValue(v));
        } catch (JsonProcessingException e) {
            throw new TemplateException("json: " + e.getOriginalMessage());
        }
    }

    /** The value as Jackson is to write it for encoding/json's output. */
    private static Object jsonValue(Object v) {
        if (v == NO_VALUE || v instanceof Method) {
            return null;
        }
        if (v instanceof GoTime t) {
            return DockerNetworks.rfc3339Nano(t.instant());
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new TreeMap<>();
            sorted(m).forEach((k, x) -> out.put(k, jsonValue(x)));
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(jsonValue(x)));
            return out;
        }
        if (v instanceof Struct s) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : s.fields()) {
                if (f.value() instanceof Method || f.omitEmpty() && !truth(f.value())) {
                    continue;
                }
                out.put(f.json(), jsonValue(f.value()));
            }
            return out;
        }
        return v;
    }

    /** A map's entries by key, as Go's fmt and encoding/json order them (byte order of the keys). */
    private static Map<String, Object> sorted(Map<?, ?> m) {
        Map<String, Object> out = new TreeMap<>();
        m.forEach((k, x) -> out.put(String.valueOf(k), x));
        return out;
    }

    private static String goType(Object v) {
        if (v == null || v == NO_VALUE) {
            return "<nil>";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof Long || v instanceof Integer) {
            return "int";
        }
        if (v instanceof Number) {
            return "float64";
        }
        if (v instanceof Map) {
            return "map[string]interface {}";
        }
        if (v instanceof List) {
            return "[]interface {}";
        }
        if (v instanceof Struct s) {
            return s.type();
        }
        if (v instanceof GoTime) {
            return "time.Time";
        }
        return v.getClass().getSimpleName();
    }

    /** Function, for callers building {@link Method}s from one-argument lookups. */
    static Method method(String name, Function<String, Object> f) {
        return args -> {
            if (args.size() != 1 || !(args.get(0) instanceof String s)) {
                throw new TemplateException("wrong number of args for " + name + ": want 1 string got " + args.size());
            }
            return f.apply(s);
        };
    }
}
