package org.libnetwork4j.dns;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * What to do with one query: answer it from {@link Names}, forward it, or drop it. No I/O;
 * the wire format is dnsjava's. Answers to the names served here are kept ({@link AnswerCache})
 * and given again to the same query with its id copied in, the one part of the wire format
 * written here by hand. Used by one thread at a time (the event loop): the cache is not
 * thread-safe.
 *
 * <p>Semantics are those of Docker 20.10's embedded resolver, scoped by the asker: the query's
 * source address, on the network whose listener got it, names the asking endpoint, and so its
 * sandbox; the names in scope are those of the sandbox's networks, and the first of them that
 * has the name with an address of the asked family answers (as in Docker).
 * {@code NAME.NETWORK} looks in that network only. Differences, and why:
 * <ul>
 *   <li>the networks are searched in the order the sandbox joined them; Docker sorts its
 *       endpoints (by priority, then docker_gwbridge and internal networks last, then by
 *       network name), which differs only for a name known on two of the asker's networks;</li>
 *   <li>a known name asked for a type other than A or AAAA gets an empty NOERROR rather than a
 *       forward: a container's name is never sent to an outside server;</li>
 *   <li>a query from a source that is not a joined endpoint of that network gets no answer at
 *       all (aardvark-dns's rule): the resolver is never an open one;</li>
 *   <li>with no upstream to try, an unknown name gets SERVFAIL rather than a forward to
 *       public servers the user did not name.</li>
 * </ul>
 */
final class Resolver {
    /** Docker's TTL for container names. */
    static final long TTL = 600;
    /** RFC 1035's limit for a UDP answer to a client that did not say (EDNS) it takes more. */
    static final int CLASSIC_UDP = 512;
    /** Larger EDNS sizes are read as this (the DNS flag day's advice; fragments are lost). */
    static final int MAX_UDP = 4096;
    static final int MAX_TCP = 65535;

    /** What the caller does next. */
    sealed interface Outcome {
    }

    /** Send these bytes back. */
    record Reply(byte[] wire) implements Outcome {
    }

    /**
     * Send the query to the sandbox's upstreams; give the client at most maxSize bytes of
     * the answer (truncated, with TC, beyond).
     */
    record Forward(Message query, Names.Sandbox sandbox, int maxSize) implements Outcome {
    }

    /** Not ours to answer: say nothing. */
    enum Drop implements Outcome {
        INSTANCE
    }

    private final Names names;
    private final AnswerCache cache = new AnswerCache();

    Resolver(Names names) {
        this.names = names;
    }

    /**
     * The answers to a local name: one encoding per variant (the rotations of a shuffled
     * order), kept in the cache if keep; the asker gets the first.
     */
    private record Local(byte[][] variants, boolean keep) {
        Local(byte[] one, boolean keep) {
            this(new byte[][] {one}, keep);
        }
    }

    /**
     * @param networkId whose listener got the query
     * @param source    the query's source address
     * @param tcp       over TCP (no size limit but the protocol's)
     */
    Outcome answer(String networkId, InetAddress source, byte[] wire, boolean tcp) {
        // first: everything read below must be at least as new as this (see AnswerCache)
        long generation = names.generation();
        Names.Net net = names.network(networkId);
        Names.Entry asker = net == null ? null : net.byAddress.get(source);
        if (asker == null) { // not ours (another host's container is not an asker here either)
            return Drop.INSTANCE;
        }
        if (wire.length > 12) {
            byte[] kept = cache.get(generation, asker.sandboxId(), tcp, wire);
            if (kept != null) {
                return new Reply(kept);
            }
        }
        Message q;
        try {
            q = new Message(wire);
        } catch (java.io.IOException | RuntimeException malformed) {
            return Drop.INSTANCE; // nothing trustworthy to answer to, not even its id
        }
        if (q.getHeader().getFlag(Flags.QR)) {
            return Drop.INSTANCE; // a response: never answer one (no loops between resolvers)
        }
        int maxSize = tcp ? MAX_TCP : udpLimit(q);
        if (q.getHeader().getOpcode() != Opcode.QUERY) {
            return reply(q, Rcode.NOTIMP, List.of(), maxSize, false);
        }
        Record question = q.getQuestion();
        if (question == null || q.getHeader().getCount(Section.QUESTION) != 1) {
            return reply(q, Rcode.FORMERR, List.of(), maxSize, false);
        }
        Names.Sandbox sb = names.sandbox(asker.sandboxId());
        List<Names.Net> scope = new ArrayList<>();
        if (sb != null) {
            sb.memberships.forEach(m -> scope.add(m.net()));
        }
        if (question.getDClass() == DClass.IN || question.getDClass() == DClass.ANY) {
            Local local = question.getType() == Type.PTR ? reverse(q, question, scope, maxSize)
                    : lookup(q, question, scope, maxSize);
            if (local != null) {
                if (local.keep()) {
                    cache.put(generation, asker.sandboxId(), tcp, wire, local.variants());
                }
                return new Reply(local.variants()[0]);
            }
        }
        if (sb == null || !sb.mayForward()) {
            return reply(q, Rcode.SERVFAIL, List.of(), maxSize, false);
        }
        if (sb.ndotsSet && (question.getType() == Type.A || question.getType() == Type.AAAA)
                && question.getName().labels() <= 2) { // one label and the root
            // not forwarded: the client, told nothing is there, goes on with its search
            // domains, and a bare name does not leave the host (Docker's rule)
            return reply(q, Rcode.NOERROR, List.of(), maxSize, false);
        }
        if (sb.upstreams.isEmpty()) {
            return reply(q, Rcode.SERVFAIL, List.of(), maxSize, false);
        }
        return new Forward(q, sb, maxSize);
    }

    /**
     * A or AAAA (or another type) for a name in scope; null if no network knows the name. The
     * first network that has the name with an address of the asked family answers (as
     * Docker's, which goes on to the asker's next network for an AAAA the first cannot give);
     * if the name is known but none has such an address, the answer is empty.
     */
    private Local lookup(Message q, Record question, List<Names.Net> scope, int maxSize) {
        String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
        List<Record> answers = new ArrayList<>();
        // a name known as it is is never split into NAME.NETWORK
        if (!search(scope, n -> n.byName.get(name), question, answers)
                && !search(scope, n -> inNetwork(n, name), question, answers)) {
            return null;
        }
        Collections.shuffle(answers, ThreadLocalRandom.current()); // round robin
        if (answers.size() > AnswerCache.MAX_VARIANTS) { // a fresh shuffle per answer: not kept
            return new Local(reply(q, Rcode.NOERROR, answers, maxSize, true).wire(), false);
        }
        // each rotation of the shuffled order, to be handed out in turn: every address first
        // as often as every other
        byte[][] variants = new byte[Math.max(1, answers.size())][];
        for (int r = 0; r < variants.length; r++) {
            variants[r] = reply(q, Rcode.NOERROR, answers, maxSize, true).wire();
            Collections.rotate(answers, -1);
        }
        return new Local(variants, true);
    }

    /**
     * Looks the name up with find in each network of scope, in turn; the first that gives
     * records of the asked type puts them in answers. Returns whether any network knew it.
     */
    private static boolean search(List<Names.Net> scope, Function<Names.Net, List<Names.Entry>> find,
            Record question, List<Record> answers) {
        boolean known = false;
        for (Names.Net n : scope) {
            List<Names.Entry> found = find.apply(n);
            if (found != null) {
                known = true;
                if (addRecords(answers, question, found)) {
                    break;
                }
            }
        }
        return known;
    }

    /** NAME of a name NAME.NETWORK for n's name, looked up in n; null if it is not such a name. */
    private static List<Names.Entry> inNetwork(Names.Net n, String name) {
        int cut = name.length() - n.name.length() - 1;
        return cut > 0 && name.endsWith(n.name) && name.charAt(cut) == '.' ? n.byName.get(name.substring(0, cut))
                : null;
    }

    /** Adds found's records of the asked type to answers; true if there was one. */
    private static boolean addRecords(List<Record> answers, Record question, List<Names.Entry> found) {
        int type = question.getType();
        int before = answers.size();
        for (Names.Entry e : found) {
            if ((type == Type.A || type == Type.ANY) && e.ipv4() != null) {
                answers.add(new ARecord(question.getName(), DClass.IN, TTL, e.ipv4()));
            }
            if ((type == Type.AAAA || type == Type.ANY) && e.ipv6() != null) {
                answers.add(new AAAARecord(question.getName(), DClass.IN, TTL, e.ipv6()));
            }
        }
        return answers.size() > before;
    }

    /**
     * PTR for an address of an endpoint in scope: NAME.NETWORK.; null if none has it. NAME is
     * the first of the endpoint's names that makes a valid domain name: the container's, unless
     * it cannot be a label (a runtime's 64-digit id, as CNI gives, is one over the 63 allowed),
     * then an alias or the sandbox id's first 12 digits.
     */
    private Local reverse(Message q, Record question, List<Names.Net> scope, int maxSize) {
        InetAddress address = Names.fromReverse(question.getName());
        if (address == null) {
            return null;
        }
        for (Names.Net n : scope) {
            Names.Entry e = n.byReverse.get(address);
            if (e != null) {
                for (String name : e.names()) {
                    try {
                        Name target = Name.fromString(name + "." + n.name + ".");
                        return new Local(reply(q, Rcode.NOERROR,
                                List.of(new PTRRecord(question.getName(), DClass.IN, TTL, target)), maxSize, true)
                                .wire(), true);
                    } catch (TextParseException notAName) {
                        // the next one
                    }
                }
                return new Local(reply(q, Rcode.SERVFAIL, List.of(), maxSize, false).wire(), false);
            }
        }
        return null;
    }

    /** The largest UDP answer the client takes: 512, or what its EDNS record says, up to 4096. */
    static int udpLimit(Message q) {
        OPTRecord opt = q.getOPT();
        return opt == null ? CLASSIC_UDP : Math.max(CLASSIC_UDP, Math.min(MAX_UDP, opt.getPayloadSize()));
    }

    static Reply reply(Message q, int rcode, List<Record> answers, int maxSize, boolean authoritative) {
        return new Reply(response(q, rcode, answers, authoritative).toWire(maxSize));
    }

    /** A response to q: its id, question and RD; RA; the EDNS record back if it had one. */
    static Message response(Message q, int rcode, List<Record> answers, boolean authoritative) {
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        if (authoritative) {
            r.getHeader().setFlag(Flags.AA);
        }
        r.getHeader().setRcode(rcode);
        if (q.getQuestion() != null) {
            r.addRecord(q.getQuestion(), Section.QUESTION);
        }
        for (Record a : answers) {
            r.addRecord(a, Section.ANSWER);
        }
        if (q.getOPT() != null) {
            r.addRecord(new OPTRecord(MAX_UDP, 0, 0), Section.ADDITIONAL);
        }
        return r;
    }
}
