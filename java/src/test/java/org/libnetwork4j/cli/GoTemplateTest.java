package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/**
 * The Go template subset against what Go's text/template (with the docker CLI's functions)
 * prints for the same template and data: the expected strings are Go's output, and every
 * construct outside the subset is refused by name.
 */
class GoTemplateTest {
    private static final GoTemplate.Struct CONFIG = new GoTemplate.Struct("network.IPAMConfig", List.of(
            new GoTemplate.Field("Subnet", "Subnet", true, "10.1.0.0/24"),
            new GoTemplate.Field("IPRange", "IPRange", true, ""),
            new GoTemplate.Field("Gateway", "Gateway", true, "10.1.0.1"),
            new GoTemplate.Field("AuxAddress", "AuxiliaryAddresses", true, Map.of())));

    private static GoTemplate.Struct doc() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("z", "last");
        labels.put("a", "first");
        Map<String, Object> containers = new LinkedHashMap<>();
        containers.put("sb2", new GoTemplate.Struct("network.EndpointResource", List.of(
                GoTemplate.Field.of("Name", "web"), GoTemplate.Field.of("IPv4Address", "10.1.0.3/24"))));
        containers.put("sb1", new GoTemplate.Struct("network.EndpointResource", List.of(
                GoTemplate.Field.of("Name", "db"), GoTemplate.Field.of("IPv4Address", "10.1.0.2/24"))));
        return new GoTemplate.Struct("network.Inspect", List.of(
                GoTemplate.Field.of("Name", "n1"),
                new GoTemplate.Field("ID", "Id", false, "abc"),
                GoTemplate.Field.of("Created", new GoTemplate.GoTime(Instant.parse("2024-05-01T10:00:00.120Z"))),
                GoTemplate.Field.of("EnableIPv6", false),
                GoTemplate.Field.of("IPAM", new GoTemplate.Struct("network.IPAM", List.of(
                        GoTemplate.Field.of("Driver", "default"), GoTemplate.Field.of("Options", Map.of()),
                        GoTemplate.Field.of("Config", List.of(CONFIG))))),
                GoTemplate.Field.of("Containers", containers),
                GoTemplate.Field.of("Options", Map.of("com.docker.network.bridge.name", "br0")),
                GoTemplate.Field.of("Labels", labels),
                new GoTemplate.Field("Peers", "Peers", true, List.of())));
    }

    private static String run(String template, Object dot) {
        return GoTemplate.parse(template).execute(dot);
    }

    @Test
    void fieldsPrintAsGosFmtDoes() {
        assertEquals("n1 abc false", run("{{.Name}} {{.ID}} {{.EnableIPv6}}", doc()));
        // a struct {v v v}, empty strings included; a map sorted map[k:v]; a slice [a b]
        assertEquals("[{10.1.0.0/24  10.1.0.1 map[]}]", run("{{.IPAM.Config}}", doc()));
        assertEquals("{default map[] [{10.1.0.0/24  10.1.0.1 map[]}]}", run("{{.IPAM}}", doc()));
        assertEquals("map[a:first z:last]", run("{{.Labels}}", doc()));
        assertEquals("2024-05-01 10:00:00.12 +0000 UTC", run("{{.Created}}", doc()));
        assertEquals("2024-05-01 10:00:00 +0000 UTC", new GoTemplate.GoTime(Instant.parse("2024-05-01T10:00:00Z"))
                .toString());
        // a map's key as a field; a missing one is <no value>, through index ""
        assertEquals("first", run("{{.Labels.a}}", doc()));
        assertEquals("<no value>", run("{{.Labels.nope}}", doc()));
        assertEquals("executing {{.Labels.nope}}: map has no entry for key \"nope\"", assertThrows(
                GoTemplate.TemplateException.class, () -> GoTemplate.parse("{{.Labels.nope}}").executeStrict(
                        Map.of("Labels", Map.of()))).getMessage());
        assertEquals("last||", run("{{index .Labels \"z\"}}|{{index .Labels \"nope\"}}|", doc()));
        assertEquals("br0", run("{{index .Options \"com.docker.network.bridge.name\"}}", doc()));
        assertEquals("10.1.0.1", run("{{(index .IPAM.Config 0).Gateway}}", doc()));
        assertEquals("literal only", run("literal only", doc()));
    }

    @Test
    void jsonIsEncodingJsonWithoutHtmlEscaping() {
        // struct fields in order by their JSON names, omitempty ones left out when empty
        assertEquals("{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"10.1.0.0/24\","
                + "\"Gateway\":\"10.1.0.1\"}]}", run("{{json .IPAM}}", doc()));
        assertEquals("{\"a\":\"first\",\"z\":\"last\"}", run("{{json .Labels}}", doc()));
        assertEquals("\"2024-05-01T10:00:00.12Z\"", run("{{json .Created}}", doc()));
        assertEquals("\"<a&b>\"", run("{{json .}}", "<a&b>"));
        String all = run("{{json .}}", doc());
        assertTrue(all.startsWith("{\"Name\":\"n1\",\"Id\":\"abc\",\"Created\":\"2024-05-01T10:00:00.12Z\","), all);
        assertTrue(!all.contains("Peers"), "an empty omitempty slice is left out: " + all);
    }

    @Test
    void rangeOverMapsIsSortedByKeyAndDeclaresVariables() {
        assertEquals("db web ", run("{{range .Containers}}{{.Name}} {{end}}", doc()));
        assertEquals("sb1=db;sb2=web;", run("{{range $k, $v := .Containers}}{{$k}}={{$v.Name}};{{end}}", doc()));
        assertEquals("a:first,z:last,", run("{{range $k, $v := .Labels}}{{$k}}:{{$v}},{{end}}", doc()));
        assertEquals("0:10.1.0.0/24 ", run("{{range $i, $c := .IPAM.Config}}{{$i}}:{{$c.Subnet}} {{end}}", doc()));
        assertEquals("n1/n1 ", run("{{range .IPAM.Config}}{{$.Name}}/{{$.Name}} {{end}}", doc()));
        assertEquals("none", run("{{range .Options.nope}}x{{else}}none{{end}}", doc()));
        assertEquals("none", run("{{range .IPAM.Options}}x{{else}}none{{end}}", doc()));
        assertEquals("a b", run("{{- range $i, $x := .}}{{if $i}} {{end}}{{$x}}{{- end -}}", List.of("a", "b")));
    }

    @Test
    void conditionalsPipelinesAndFunctions() {
        assertEquals("v4", run("{{if .EnableIPv6}}v6{{else}}v4{{end}}", doc()));
        assertEquals("default", run("{{with .IPAM}}{{.Driver}}{{end}}", doc()));
        assertEquals("N1 n1 2", run("{{.Name | upper}} {{lower \"N1\"}} {{len .Labels}}", doc()));
        assertEquals("a,b", run("{{join . \",\"}}", List.of("a", "b")));
        assertEquals("[x y]", run("{{split . \":\"}}", "x:y"));
        assertEquals("yes", run("{{if eq .Name \"n1\" \"n2\"}}yes{{end}}", doc()));
        assertEquals("n1", run("{{$n := .Name}}{{$n}}", doc()));
        assertEquals("Foo Bar", run("{{title .}}", "foo bar"));
        assertEquals("", run("{{/* a comment */}}", doc()));
    }

    @Test
    void whatItDoesNotHaveIsRefusedByName() {
        assertTrue(parseError("{{printf \"%s\" .Name}}").contains("function \"printf\" is not supported"));
        assertTrue(parseError("{{template \"x\"}}").contains("{{template}} is not supported"));
        assertTrue(parseError("{{define \"x\"}}{{end}}").contains("{{define}} is not supported"));
        assertTrue(parseError("{{range .X}}").contains("{{end}} is missing"));
        assertTrue(parseError("{{end}}").contains("unexpected {{end}}"));
        assertTrue(parseError("{{.Name").contains("unclosed action"));
        assertTrue(parseError("{{if .A}}a{{else if .B}}b{{end}}").contains("else if is not supported"));
        assertTrue(parseError("{{.Name \"x\" | foo}}").contains("function \"foo\""));
        // and at run time: a field the type has not, arguments to a field, range over a string
        assertEquals("executing {{.Nope}}: can't evaluate field Nope in type network.Inspect", runError("{{.Nope}}"));
        assertEquals("executing {{.Name \"x\"}}: .Name is not a method but has arguments", runError("{{.Name \"x\"}}"));
        assertTrue(runError("{{range .Name}}{{end}}").contains("range can't iterate over n1"));
        assertTrue(runError("{{index .IPAM.Config 3}}").contains("index out of range: 3"));
    }

    @Test
    void methodsTakeArgumentsAndHeadersBlankTheFunctions() {
        GoTemplate.Struct row = new GoTemplate.Struct("network.networkContext", List.of(
                GoTemplate.Field.of("Name", "n1"),
                GoTemplate.Field.of("Label", GoTemplate.method("Label", k -> k.equals("team") ? "x" : ""))));
        assertEquals("n1 x ", run("{{.Name}} {{.Label \"team\"}} {{.Label \"nope\"}}", row));
        assertEquals("{\"Name\":\"n1\"}", run("{{json .}}", row));
        GoTemplate t = GoTemplate.parse("{{.Name}}\t{{json .}}");
        assertEquals("NAME\t", t.executeHeader(Map.of("Name", "NAME")));
        // an error ends the header where it happened, as the docker CLI leaves it
        assertEquals("NAME ", GoTemplate.parse("{{.Name}} {{.Label \"k\"}} {{.Name}}").executeHeader(Map.of("Name", "NAME")));
    }

    private static String parseError(String template) {
        return assertThrows(GoTemplate.TemplateException.class, () -> GoTemplate.parse(template)).getMessage();
    }

    private static String runError(String template) {
        GoTemplate t = GoTemplate.parse(template);
        return assertThrows(GoTemplate.TemplateException.class, () -> t.execute(doc())).getMessage();
    }
}
