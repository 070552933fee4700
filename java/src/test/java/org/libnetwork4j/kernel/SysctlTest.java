package org.libnetwork4j.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.Oracle;
import org.libnetwork4j.testing.TestNs;

@ExtendWith(NetnsExtension.class)
class SysctlTest {

    @Test
    void writesLandInTheTargetNamespaceOnly(Namespaces ns) throws Exception {
        TestNs host = ns.host();
        String mine = Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim();
        String flipped = mine.equals("1") ? "0" : "1";

        Sysctl.write(host.netns(), "net/ipv4/ip_forward", flipped);
        assertEquals(flipped, Oracle.out(host, "cat", "/proc/sys/net/ipv4/ip_forward").trim());
        assertEquals(flipped, Sysctl.read(host.netns(), "net/ipv4/ip_forward"));
        assertEquals(mine, Files.readString(Path.of("/proc/sys/net/ipv4/ip_forward")).trim(),
                "the JVM's own namespace changed");

        Link br = host.netlink().createBridge(BridgeSpec.of("lnwt-br0"));
        Sysctl.setAcceptRa(host.netns(), br.name(), 0);
        Sysctl.setRouteLocalnet(host.netns(), br.name(), true);
        assertEquals("0", Oracle.out(host, "sysctl", "-n", "net.ipv6.conf.lnwt-br0.accept_ra").trim());
        assertEquals("1", Oracle.out(host, "sysctl", "-n", "net.ipv4.conf.lnwt-br0.route_localnet").trim());
    }

    @Test
    void errors(Namespaces ns) {
        TestNs host = ns.host();
        assertThrows(NotFoundException.class, () -> Sysctl.write(host.netns(), "net/ipv4/conf/nope0/forwarding", "1"));
        assertThrows(InvalidParameterException.class, () -> Sysctl.write(host.netns(), "../../etc/passwd", "x"));
        assertThrows(InvalidParameterException.class, () -> Sysctl.write(host.netns(), "net/ipv4/ip_forward", "banana"));
    }
}
