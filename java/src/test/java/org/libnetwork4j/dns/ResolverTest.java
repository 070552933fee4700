package org.libnetwork4j.dns;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The resolver's decisions, without sockets: dnsjava builds the queries and reads the answers. */
class ResolverTest {
    private final Names names = new Names();
    private final Resolver resolver = new Resolver(names);
    private final InetAddress a1 = ip("10.1.0.2");
    private final InetAddress a2 = ip("10.1.0.3");

    ResolverTest() {
        names.addNetwork("n1", "Front", false);
        names.addNetwork("n2", "back", true);
        names.addSandbox("s1", List.of(new InetSocketAddress("192.0.2.1", 53)), false, null);
        names.addSandbox("s2", List.of(), false, null);
        names.join("n1", "e1", "s1", List.of("web", "www"), a1, null);
        names.join("n1", "e2", "s2", List.of("DB"), a2, ip("fd00::3"));
        names.join("n2", "e3", "s2", List.of("db", "cache"), ip("10.2.0.3"), null);
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    static byte[] query(String name, int type) throws Exception {
        Message q = Message.newQuery(Record.newRecord(Name.fromString(name, Name.root), type, DClass.IN));
        return q.toWire();
    }

    Message ask(InetAddress from, byte[] wire) throws Exception {
        Resolver.Outcome o = resolver.answer("n1", from, wire, false);
        return new Message(assertInstanceOf(Resolver.Reply.class, o).wire());
    }

    @Test
    void anEndpointWithoutNamesAsksAndIsFoundUnderNone() throws Exception {
        // as an overlay container's way out: s3 asks through e4, which brings no name; e5's
        // sandbox shares only that network with it
        names.addNetwork("gw", "docker_gwbridge", false);
        names.addSandbox("s3", List.of(), false, null);
        names.join("n2", "e6", "s3", List.of("ov"), ip("10.2.0.9"), null);
        InetAddress way = ip("172.18.0.2");
        names.join("gw", "e4", "s3", List.of(), way, null);
        names.join("gw", "e5", "s1", List.of(), ip("172.18.0.3"), null);
        Message own = new Message(assertInstanceOf(Resolver.Reply.class,
                resolver.answer("gw", way, query("ov", Type.A), false)).wire());
        assertEquals(Set.of("10.2.0.9"), addresses(own), "it asks, and its own network answers");
        Resolver.Outcome other = resolver.answer("gw", way, query("web", Type.A), false);
        assertInstanceOf(Resolver.Reply.class, other);
        assertEquals(Rcode.SERVFAIL, new Message(((Resolver.Reply) other).wire()).getRcode(),
                "s1's name is not found through the network they share (and s3 has no upstream)");
        Message ptr = new Message(assertInstanceOf(Resolver.Reply.class, resolver.answer("gw", way,
                query(ReverseMap.fromAddress("172.18.0.3").toString(), Type.PTR), false)).wire());
        assertEquals(Rcode.SERVFAIL, ptr.getRcode(), "nor its address");
        names.leave("gw", "e4");
        assertInstanceOf(Resolver.Drop.class, resolver.answer("gw", way, query("ov", Type.A), false),
                "gone, it is nobody's to answer");
    }

    @Test
    void anotherHostsContainerIsFoundByNameButNeverAnswered() throws Exception {
        InetAddress remote = ip("10.1.0.9");
        names.join("n1", "r1", null, List.of("far"), remote, null); // as the cluster's watch tells it
        assertEquals(Set.of("10.1.0.9"), addresses(ask(a1, query("far", Type.A))), "found from here");
        assertInstanceOf(Resolver.Drop.class, resolver.answer("n1", remote, query("web", Type.A), false),
                "its own host's resolver is the one it asks; one that reached this one gets nothing");
        names.leave("n1", "r1");
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, query("far", Type.A), false),
                "gone from the cluster: unknown here");
        names.join("n1", "r2", null, List.of("stale"), a1, null); // a late report of a1's address
        assertEquals(Set.of("10.1.0.3"), addresses(ask(a1, query("db", Type.A))), "a1 still asks as itself");
        names.leave("n1", "r2");
        assertEquals(Set.of("10.1.0.3"), addresses(ask(a1, query("db", Type.A))), "also once that report goes");
    }

    @Test
    void answersWithEveryAddressOfTheNameInTheFirstNetworkThatKnowsIt() throws Exception {
        Message r = ask(a1, query("db", Type.A));
        assertEquals(Rcode.NOERROR, r.getRcode());
        assertTrue(r.getHeader().getFlag(Flags.AA) && r.getHeader().getFlag(Flags.QR));
        assertEquals(List.of("10.1.0.3"), r.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList());
        assertEquals(600, r.getSection(Section.ANSWER).get(0).getTTL());
        assertEquals(List.of("fd00:0:0:0:0:0:0:3"), ask(a1, query("db", Type.AAAA)).getSection(Section.ANSWER)
                .stream().map(x -> ((org.xbill.DNS.AAAARecord) x).getAddress().getHostAddress()).toList());
        Message none = ask(a1, query("www.front", Type.AAAA));
        assertEquals(Rcode.NOERROR, none.getRcode(), "known, no IPv6: an empty NOERROR");
        assertTrue(none.getSection(Section.ANSWER).isEmpty());
        assertEquals(1, ask(a1, query("WWW.FRONT.", Type.A)).getSection(Section.ANSWER).size());
        // s1 is not on n2: its names are not in scope, so "cache" is forwarded
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, query("cache", Type.A), false));
        // s2 is on n1 and then n2 (internal): n1 decides "db"; n2's own name resolves; the
        // sandbox may forward, as n1 lets traffic out
        Message both = ask(a2, query("db", Type.A));
        assertEquals(List.of("10.1.0.3"), both.getSection(Section.ANSWER).stream().map(Record::rdataToString).toList());
        assertEquals(1, ask(a2, query("cache.back", Type.A)).getSection(Section.ANSWER).size());
        assertEquals(Rcode.SERVFAIL, ask(a2, query("example.org", Type.A)).getRcode(), "s2 has no upstream");
    }

    @Test
    void withNdotsSetABareUnknownNameIsAnsweredEmptyNotForwarded() throws Exception {
        names.addSandbox("s5", List.of(new InetSocketAddress("192.0.2.1", 53)), true, null);
        InetAddress s5 = ip("10.1.0.5");
        names.join("n1", "e12", "s5", List.of("c5"), s5, null);
        for (int type : new int[] {Type.A, Type.AAAA}) {
            Message r = new Message(assertInstanceOf(Resolver.Reply.class,
                    resolver.answer("n1", s5, query("printer", type), false)).wire());
            assertEquals(Rcode.NOERROR, r.getRcode(), "the client goes on with its search domains");
            assertTrue(r.getSection(Section.ANSWER).isEmpty());
        }
        assertEquals(Set.of("10.1.0.3"), addresses(new Message(assertInstanceOf(Resolver.Reply.class,
                resolver.answer("n1", s5, query("db", Type.A), false)).wire())), "a known one still answers");
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", s5, query("printer.example", Type.A), false),
                "two labels: forwarded");
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", s5, query("printer", Type.MX), false),
                "neither A nor AAAA: forwarded");
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, query("printer", Type.A), false),
                "s1 has no ndots of its own: forwarded");
    }

    @Test
    void anAddressTheFirstNetworkCannotGiveComesFromTheNext() throws Exception {
        // s4 joined n2 first: "db" there has no IPv6, n1's has
        names.addSandbox("s4", List.of(), false, null);
        InetAddress s4 = ip("10.2.0.7");
        names.join("n2", "e7", "s4", List.of("c4"), s4, null);
        names.join("n1", "e8", "s4", List.of("c4b"), ip("10.1.0.8"), null);
        Message v4 = new Message(((Resolver.Reply) resolver.answer("n2", s4, query("db", Type.A), false)).wire());
        assertEquals(Set.of("10.2.0.3"), addresses(v4), "n2 first");
        Message v6 = new Message(((Resolver.Reply) resolver.answer("n2", s4, query("db", Type.AAAA), false)).wire());
        assertEquals(Set.of("fd00:0:0:0:0:0:0:3"), addresses(v6), "n2 has no IPv6 for it: n1's");
        Message none = new Message(((Resolver.Reply) resolver.answer("n2", s4, query("cache", Type.AAAA), false))
                .wire());
        assertEquals(Rcode.NOERROR, none.getRcode(), "no network has one: empty");
        assertTrue(none.getSection(Section.ANSWER).isEmpty());
        // a name with a dot, known as it is: never split into NAME.NETWORK to find another
        // container's address of the other family
        names.join("n1", "e10", "s1", List.of("api.back"), ip("10.1.0.10"), null);
        names.join("n2", "e11", "s1", List.of("api"), ip("10.2.0.11"), ip("fd00::11"));
        Message split = ask(a2, query("api.back", Type.AAAA));
        assertEquals(Rcode.NOERROR, split.getRcode());
        assertTrue(split.getSection(Section.ANSWER).isEmpty(), split.toString());
    }

    @Test
    void ptrTakesTheFirstNameThatIsALabel() throws Exception {
        // a CNI container's id is 64 digits, one over a label's 63
        String cniId = "0123456789abcdef".repeat(4);
        InetAddress a = ip("10.1.0.9");
        names.join("n1", "e9", "s2", List.of(cniId, "0123456789ab"), a, null);
        Message r = ask(a1, Message.newQuery(Record.newRecord(ReverseMap.fromAddress(a), Type.PTR, DClass.IN))
                .toWire());
        assertEquals(List.of("0123456789ab.front."), r.getSection(Section.ANSWER).stream()
                .map(Record::rdataToString).toList());
    }

    /**
     * A PTR question's name is read back to the address it stands for: every name ReverseMap
     * makes, in any case; nothing else (partial names, leading zeros, labels that are not
     * digits, the wrong count of nibbles, a relative name).
     */
    @Test
    void reverseNamesAreReadBackToTheirAddressesAndNothingElseIs() throws Exception {
        for (String a : List.of("10.1.0.9", "0.0.0.0", "255.255.255.255", "172.18.0.3", "fd00:1::5", "2001:db8::1",
                "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "fe80::a:b0:c")) {
            InetAddress ip = ip(a);
            assertEquals(ip, Names.fromReverse(ReverseMap.fromAddress(ip)), a);
        }
        assertEquals(ip("10.1.0.9"), Names.fromReverse(Name.fromString("9.0.1.10.IN-ADDR.Arpa.")));
        assertEquals(ip("fd00:1::ab"), Names.fromReverse(Name.fromString(
                ReverseMap.fromAddress(ip("fd00:1::ab")).toString().toUpperCase(java.util.Locale.ROOT))));
        String nibbles31 = ReverseMap.fromAddress(ip("fd00::1")).toString().substring(2);
        for (String bad : List.of("0.1.10.in-addr.arpa.", "09.0.1.10.in-addr.arpa.", "256.0.1.10.in-addr.arpa.",
                "x.0.1.10.in-addr.arpa.", "9.0.1.10.example.org.", "1.9.0.1.10.in-addr.arpa.", "in-addr.arpa.",
                "9.0.1.10.in-addr.arpa", nibbles31, "ab." + nibbles31, "g." + nibbles31, "web.")) {
            org.junit.jupiter.api.Assertions.assertNull(Names.fromReverse(Name.fromString(bad)), bad);
        }
    }

    @Test
    void ptrAnswersNameDotNetwork() throws Exception {
        Message r = ask(a1, Message.newQuery(Record.newRecord(ReverseMap.fromAddress(a2), Type.PTR, DClass.IN))
                .toWire());
        assertEquals("db.front.", r.getSection(Section.ANSWER).get(0).rdataToString());
    }

    @Test
    void strangersResponsesAndGarbageGetNothing() throws Exception {
        assertEquals(Resolver.Drop.INSTANCE, resolver.answer("n1", ip("10.1.0.99"), query("web", Type.A), false));
        assertEquals(Resolver.Drop.INSTANCE, resolver.answer("n2", a1, query("web", Type.A), false),
                "a1 is not n2's");
        assertEquals(Resolver.Drop.INSTANCE, resolver.answer("gone", a1, query("web", Type.A), false));
        Message resp = new Message(query("web", Type.A));
        resp.getHeader().setFlag(Flags.QR);
        assertEquals(Resolver.Drop.INSTANCE, resolver.answer("n1", a1, resp.toWire(), false));
        Random rnd = new Random(7);
        for (int i = 0; i < 2000; i++) {
            byte[] junk = new byte[rnd.nextInt(600)];
            rnd.nextBytes(junk);
            Resolver.Outcome o = resolver.answer("n1", a1, junk, false); // never throws
            if (o instanceof Resolver.Reply r) {
                assertTrue(r.wire().length <= Resolver.CLASSIC_UDP);
            }
        }
    }

    @Test
    void otherOpcodesAndQuestionCounts() throws Exception {
        Message q = new Message(query("web", Type.A));
        q.getHeader().setOpcode(Opcode.UPDATE);
        assertEquals(Rcode.NOTIMP, ask(a1, q.toWire()).getRcode());
        Message two = new Message(query("web", Type.A));
        two.addRecord(Record.newRecord(Name.fromString("www."), Type.A, DClass.IN), Section.QUESTION);
        assertEquals(Rcode.FORMERR, ask(a1, two.toWire()).getRcode());
    }

    @Test
    void udpAnswersBeyondTheClientsSizeAreTruncatedWithTc() throws Exception {
        for (int i = 0; i < 60; i++) {
            names.join("n1", "w" + i, "s2", List.of("many"), ip("10.1.1." + (i + 1)), null);
        }
        Message small = ask(a1, query("many", Type.A));
        assertTrue(small.getHeader().getFlag(Flags.TC));
        assertTrue(small.getSection(Section.ANSWER).size() < 60);
        Message q = new Message(query("many", Type.A));
        q.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
        Message edns = ask(a1, q.toWire());
        assertEquals(60, edns.getSection(Section.ANSWER).size());
        assertTrue(edns.getOPT() != null, "EDNS back to an EDNS client");
        Message tcp = new Message(((Resolver.Reply) resolver.answer("n1", a1, query("many", Type.A), true)).wire());
        assertEquals(60, tcp.getSection(Section.ANSWER).size());
        // a leave takes an address out of the name, and the last one the name itself
        for (int i = 0; i < 60; i++) {
            names.leave("n1", "w" + i);
        }
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, query("many", Type.A), false));
    }

    /** The same query with another id, the bytes otherwise untouched. */
    static byte[] withId(byte[] q, int id) {
        byte[] c = q.clone();
        c[0] = (byte) (id >> 8);
        c[1] = (byte) id;
        return c;
    }

    static Set<String> addresses(Message m) {
        return m.getSection(Section.ANSWER).stream().map(Record::rdataToString).collect(Collectors.toSet());
    }

    @Test
    void anAnswerGivenAgainCarriesTheNewQuerysIdAndReadsAsTheCodecsOwn() throws Exception {
        byte[] q = query("web", Type.A);
        byte[] first = ((Resolver.Reply) resolver.answer("n1", a2, withId(q, 0x1234), false)).wire();
        for (int id : new int[] {0xBEEF, 0x0001, 0xFFFF}) {
            byte[] again = ((Resolver.Reply) resolver.answer("n1", a2, withId(q, id), false)).wire();
            Message m = new Message(again);
            assertEquals(id, m.getHeader().getID());
            assertTrue(m.getHeader().getFlag(Flags.QR) && m.getHeader().getFlag(Flags.AA));
            assertEquals(Set.of("10.1.0.2"), addresses(m));
            assertEquals(m.getQuestion(), new Message(q).getQuestion());
            // one address: the same bytes as the first answer but for the id
            assertArrayEquals(Arrays.copyOfRange(first, 2, first.length), Arrays.copyOfRange(again, 2, again.length));
        }
        // what an answer was built for is not changed by a later answer (each its own array)
        assertEquals(0x1234, new Message(first).getHeader().getID());
    }

    @Test
    void rdEdnsTcpAndTheQuestionsCaseAreAnsweredAsAskedEachTime() throws Exception {
        for (int i = 0; i < 16; i++) { // the most a kept name has: each answer here is a kept one
            names.join("n1", "m" + i, "s2", List.of("many"), ip("10.1.1." + (i + 1)), ip("fd00::1:" + (i + 1)));
        }
        for (int round = 0; round < 3; round++) { // the first builds, the others are given again
            Message noRd = new Message(query("many", Type.ANY));
            noRd.getHeader().unsetFlag(Flags.RD);
            Message r = ask(a1, noRd.toWire());
            assertFalse(r.getHeader().getFlag(Flags.RD), "RD as asked");
            assertTrue(r.getHeader().getFlag(Flags.TC), "32 records are more than 512 bytes");
            assertTrue(r.getOPT() == null);
            Message rd = ask(a1, query("many", Type.ANY));
            assertTrue(rd.getHeader().getFlag(Flags.RD) && rd.getHeader().getFlag(Flags.TC));
            Message e = new Message(query("many", Type.ANY));
            e.addRecord(new OPTRecord(4096, 0, 0), Section.ADDITIONAL);
            Message edns = ask(a1, e.toWire());
            assertFalse(edns.getHeader().getFlag(Flags.TC));
            assertEquals(32, edns.getSection(Section.ANSWER).size());
            assertTrue(edns.getOPT() != null, "EDNS back to an EDNS client");
            Message tcp = new Message(((Resolver.Reply) resolver.answer("n1", a1, query("many", Type.ANY), true))
                    .wire());
            assertFalse(tcp.getHeader().getFlag(Flags.TC));
            assertEquals(32, tcp.getSection(Section.ANSWER).size());
            Message upper = ask(a1, query("MANY", Type.A));
            assertEquals("MANY.", upper.getQuestion().getName().toString(), "the question as asked");
            assertEquals(16, upper.getSection(Section.ANSWER).size());
        }
    }

    @Test
    void aJoinOrALeaveIsSeenByTheNextQuery() throws Exception {
        byte[] q = query("web", Type.A);
        assertEquals(Set.of("10.1.0.2"), addresses(ask(a2, q)));
        assertEquals(Set.of("10.1.0.2"), addresses(ask(a2, q))); // kept
        names.join("n1", "e4", "s4", List.of("web"), ip("10.1.0.4"), null);
        assertEquals(Set.of("10.1.0.2", "10.1.0.4"), addresses(ask(a2, q)));
        names.leave("n1", "e1");
        assertEquals(Set.of("10.1.0.4"), addresses(ask(a2, q)));
        names.leave("n1", "e4");
        assertEquals(Rcode.SERVFAIL, ask(a2, q).getRcode(), "gone: not ours any more (and s2 has no upstream)");
        // a PTR answer is kept too, and forgotten with the leave; an asker that left gets nothing
        names.join("n1", "e1", "s1", List.of("web", "www"), a1, null);
        byte[] ptr = Message.newQuery(Record.newRecord(ReverseMap.fromAddress(a2), Type.PTR, DClass.IN)).toWire();
        assertEquals("db.front.", ask(a1, ptr).getSection(Section.ANSWER).get(0).rdataToString());
        assertEquals("db.front.", ask(a1, ptr).getSection(Section.ANSWER).get(0).rdataToString());
        names.leave("n1", "e2");
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, ptr, false));
        assertEquals(Resolver.Drop.INSTANCE, resolver.answer("n1", a2, q, false), "a2 left: no answer for it");
        // another sandbox's answer is its own: s2 is on n2 too, where "cache" is known
        names.join("n1", "e2", "s2", List.of("DB"), a2, null);
        assertEquals(Set.of("10.2.0.3"), addresses(ask(a2, query("cache", Type.A))));
        assertInstanceOf(Resolver.Forward.class, resolver.answer("n1", a1, query("cache", Type.A), false));
    }

    @Test
    void everyAddressComesFirstInTurn() throws Exception {
        names.join("n1", "r1", "s5", List.of("rr"), ip("10.1.2.1"), null);
        names.join("n1", "r2", "s6", List.of("rr"), ip("10.1.2.2"), null);
        names.join("n1", "r3", "s7", List.of("rr"), ip("10.1.2.3"), null);
        byte[] q = query("rr", Type.A);
        Map<String, Integer> firsts = new HashMap<>();
        for (int i = 0; i < 30; i++) {
            Message m = ask(a1, q);
            assertEquals(Set.of("10.1.2.1", "10.1.2.2", "10.1.2.3"), addresses(m));
            firsts.merge(m.getSection(Section.ANSWER).get(0).rdataToString(), 1, Integer::sum);
        }
        assertEquals(Map.of("10.1.2.1", 10, "10.1.2.2", 10, "10.1.2.3", 10), firsts);
    }
}
