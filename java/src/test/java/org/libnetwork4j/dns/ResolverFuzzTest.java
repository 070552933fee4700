package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.List;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.code_intelligence.jazzer.mutation.annotation.NotNull;
import com.code_intelligence.jazzer.mutation.annotation.WithLength;
import org.xbill.DNS.Message;

/**
 * DNS queries as any container (or a spoofer) may send them to a network's resolver: the
 * resolver answers, forwards or drops, never throws; an answer parses, carries the query's id
 * and fits the transport's limit. Pure Java: no socket, no namespace.
 */
class ResolverFuzzTest {
    private static final Resolver RESOLVER;

    static {
        Names names = new Names();
        names.addNetwork("net1", "n1", false);
        names.addSandbox("sb1", List.of(), false, null);
        names.addSandbox("sb2", List.of(), false, null);
        try {
            names.join("net1", "ep1", "sb1", List.of("c1", "web", "sb1"), InetAddress.getByName("10.0.0.2"),
                    InetAddress.getByName("fd00::2"));
            names.join("net1", "ep2", "sb2", List.of("c2"), InetAddress.getByName("10.0.0.3"), null);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
        RESOLVER = new Resolver(names);
    }

    /**
     * input: a first byte of flags (1: over TCP, 2: from a container of the network, else
     * from an outsider), then the query as it came; raw bytes, so that the corpus kept beside
     * this test starts from real queries.
     */
    @FuzzTest(maxDuration = "8s")
    void queries(byte @NotNull @WithLength(max = 1024) [] input) throws Exception {
        if (input.length == 0) {
            return;
        }
        boolean tcp = (input[0] & 1) != 0;
        boolean fromAContainer = (input[0] & 2) != 0;
        byte[] wire = java.util.Arrays.copyOfRange(input, 1, input.length);
        InetAddress source = InetAddress.getByName(fromAContainer ? "10.0.0.2" : "192.0.2.1");
        Resolver.Outcome o = RESOLVER.answer("net1", source, wire, tcp);
        if (o instanceof Resolver.Reply r) {
            assertTrue(r.wire().length <= (tcp ? Resolver.MAX_TCP : Resolver.MAX_UDP), "size " + r.wire().length);
            Message m = new Message(r.wire()); // throws if it is no DNS message
            if (wire.length >= 2) {
                assertEquals(((wire[0] & 0xff) << 8) | (wire[1] & 0xff), m.getHeader().getID(), "the query's id");
            }
        }
    }
}
