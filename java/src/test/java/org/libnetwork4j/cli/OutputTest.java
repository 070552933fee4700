package org.libnetwork4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** Go's tabwriter (as the docker CLI sets it up), json.Indent, and the CLI's natural sort of names. */
class OutputTest {
    @Test
    void tabwriterPadsToTheWidestCellPlusThreeAtLeastTen() {
        // NAME's column: "n1" and "NAME" are short, so the minimum width (10) holds
        assertEquals("NETWORK ID     NAME      DRIVER    SCOPE\n"
                + "0123456789ab   n1        bridge    local\n",
                Output.tabwriter("NETWORK ID\tNAME\tDRIVER\tSCOPE\n0123456789ab\tn1\tbridge\tlocal\n"));
        // the last cell is not padded; a wide cell widens its column only
        assertEquals("a                 b\nlonger-than-ten   c\n", Output.tabwriter("a\tb\nlonger-than-ten\tc\n"));
        // a line without the column ends the block: the columns after it are measured anew
        assertEquals("a         b\nno tabs\nxxxxxxxxxx   y\n", Output.tabwriter("a\tb\nno tabs\nxxxxxxxxxx\ty\n"));
        assertEquals("", Output.tabwriter(""));
    }

    @Test
    void indentIsGosJsonIndent() {
        assertEquals("[\n    {\n        \"a\": {},\n        \"b\": [],\n        \"c\": [\n            1,\n            \"x,{\"\n"
                + "        ]\n    }\n]", Output.indent("[{\"a\":{},\"b\":[],\"c\":[1,\"x,{\"]}]"));
        assertEquals("[]", Output.indent("[]"));
        assertEquals("\"q\\\"{\"", Output.indent("\"q\\\"{\""));
    }

    @Test
    void namesSortNaturally() {
        List<String> names = new ArrayList<>(List.of("n10", "n2", "bridge", "n1", "n01", "host", "N3", "a"));
        names.sort(NetworkCommand::naturalCompare);
        assertEquals(List.of("N3", "a", "bridge", "host", "n1", "n01", "n2", "n10"), names);
    }
}
