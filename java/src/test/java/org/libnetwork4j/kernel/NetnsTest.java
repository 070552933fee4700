package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

@ExtendWith(NetnsExtension.class)
class NetnsTest {

    @Test
    void anonymousNamespacesAreDistinctAndNotOurs() {
        try (Netns a = Netns.create(); Netns b = Netns.create()) {
            assertNotEquals(a.id(), b.id());
            assertNotEquals(Netns.currentThreadId(), a.id());
            assertTrue(a.path().isEmpty());
        }
    }

    @Test
    void aNamespaceByPathHoldsNoDescriptorAndNeverActsOnAStranger(Namespaces ns) throws Exception {
        Path dir = ns.dir();
        Netns byPath;
        try (Netns n = Netns.createAt(dir, "lnwt-bypath")) {
            byPath = n.byPath();
            assertEquals(n.id(), byPath.id());
        }
        // no fd keeps it: the mount does, and each use opens it
        Sysctl.write(byPath, "net/ipv4/ip_forward", "1");
        assertEquals("1", Oracle.out(NsRef.of(dir.resolve("lnwt-bypath")), "cat", "/proc/sys/net/ipv4/ip_forward")
                .trim());
        // another namespace mounted under its name is not it
        Netns.delete(dir.resolve("lnwt-bypath"));
        try (Netns stranger = Netns.createAt(dir, "lnwt-bypath")) {
            NotFoundException e = assertThrows(NotFoundException.class,
                    () -> Sysctl.write(byPath, "net/ipv4/ip_forward", "0"));
            assertTrue(e.getMessage().contains("is gone"), e.getMessage());
            assertEquals("0", Sysctl.read(stranger, "net/ipv4/ip_forward"));
            stranger.delete();
        }
        byPath.close();
        assertTrue(byPath.isClosed());
        assertThrows(InvalidParameterException.class, () -> Sysctl.read(byPath, "net/ipv4/ip_forward"));
        try (Netns anonymous = Netns.create()) {
            assertThrows(IllegalStateException.class, anonymous::byPath);
        }
    }

    /**
     * Found by a stat (as a restart finds thousands): the same identity as an open gives, and
     * nothing mounted, or nothing at all, is no namespace.
     */
    @Test
    void aNamespaceFoundAtItsPathWithoutOpeningIt(Namespaces ns) throws Exception {
        Path dir = ns.dir();
        Path path = dir.resolve("lnwt-atpath");
        try (Netns n = Netns.createAt(dir, "lnwt-atpath"); Netns found = Netns.atPath(path)) {
            assertEquals(n.id(), found.id());
            // the oracle's identity of the mount: ip netns identify-like, through stat
            String inode = Oracle.out(NsRef.of(path), "readlink", "/proc/self/ns/net").trim();
            assertEquals(inode, found.id().toString());
            Sysctl.write(found, "net/ipv4/ip_forward", "1"); // usable: each use opens and checks it
            assertEquals("1", Oracle.out(NsRef.of(path), "cat", "/proc/sys/net/ipv4/ip_forward").trim());
            n.delete();
        }
        assertThrows(NotFoundException.class, () -> Netns.atPath(path));
        Path plain = Files.createFile(dir.resolve("plain-atpath")); // a mount that is gone leaves this
        try {
            var e = assertThrows(NotFoundException.class, () -> Netns.atPath(plain));
            assertTrue(e.getMessage().contains("nothing is mounted there"), e.getMessage());
        } finally {
            Files.delete(plain);
        }
    }

    @Test
    void namedNamespaceIsABindMountThatNsenterSees(Namespaces ns) throws Exception {
        Path dir = ns.dir();
        try (Netns n = Netns.createAt(dir, "lnwt-named")) {
            Path path = dir.resolve("lnwt-named");
            assertEquals(path, n.path().orElseThrow());
            try (Netns again = Netns.open(path)) {
                assertEquals(n.id(), again.id());
            }
            // the oracle, through the mount: a fresh namespace has only lo, down
            var r = Oracle.run(List.of("nsenter", "--net=" + path, "ip", "-j", "link", "show"));
            assertTrue(r.ok(), r.err());
            var links = Oracle.parse(r.out());
            assertEquals(1, links.size());
            assertEquals("lo", links.get(0).path("ifname").asText());
            assertTrue(findmntShowsNsfs(path));

            n.delete();
            assertFalse(Files.exists(path));
            assertFalse(findmntShowsNsfs(path));
            n.delete(); // deleting twice succeeds
            assertThrows(NotFoundException.class, () -> Netns.delete(path));
            assertThrows(NotFoundException.class, () -> Netns.open(path));
        }
    }

    @Test
    void errors(Namespaces ns) throws Exception {
        Path dir = ns.dir();
        try (Netns n = Netns.createAt(dir, "lnwt-dup")) {
            var e = assertThrows(AlreadyExistsException.class, () -> Netns.createAt(dir, "lnwt-dup"));
            assertTrue(e.getMessage().startsWith("create namespace "), e.getMessage());
            assertTrue(e.getMessage().contains("(EEXIST)"), e.getMessage());
            assertThrows(InvalidParameterException.class, () -> Netns.createAt(dir, "a/b"));
            assertThrows(NotFoundException.class, () -> Netns.open(dir.resolve("lnwt-none")));
            Path plain = Files.createFile(dir.resolve("plain"));
            try {
                var notNs = assertThrows(InvalidParameterException.class, () -> Netns.open(plain));
                assertTrue(notNs.getMessage().contains("not a network namespace"));
            } finally {
                Files.delete(plain);
            }
            n.delete();
        }
    }

    @Test
    void closedNamespaceRefusesUse() {
        Netns n = Netns.create();
        n.close();
        n.close(); // twice is harmless
        assertTrue(n.isClosed());
        var e = assertThrows(InvalidParameterException.class, () -> Netlink.open(n));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
    }

    @Test
    void currentIsTheJvmsNamespace() throws Exception {
        try (Netns cur = Netns.current()) {
            var st = (Long) Files.getAttribute(Path.of("/proc/self/ns/net"), "unix:ino");
            assertEquals(st.longValue(), cur.id().inode());
        }
    }

    private static boolean findmntShowsNsfs(Path path) {
        var r = Oracle.run(List.of("findmnt", "-rn", "-t", "nsfs", "-o", "TARGET"));
        return r.out().lines().anyMatch(l -> l.equals(path.toString()));
    }
}
