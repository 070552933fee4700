package org.libnetwork4j.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.libnetwork4j.Endpoint;
import org.libnetwork4j.Network;
import org.libnetwork4j.NetworkOptions;
import org.libnetwork4j.Sandbox;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.Driver;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.ipam.DefaultIpam;
import org.libnetwork4j.kernel.VethSpec;
import org.libnetwork4j.store.DeferredWrites;
import org.libnetwork4j.store.SqliteStore;
import org.libnetwork4j.testing.Namespaces;
import org.libnetwork4j.testing.NetnsExtension;
import org.libnetwork4j.testing.NsRef;
import org.libnetwork4j.testing.Oracle;

/**
 * The join path of drivers that make their interface in the host and let the sandbox move it
 * in (Docker's SrcName and DstPrefix: remote plugins), on the kernel: the interface arrives
 * renamed, gets its address and comes up; on leave it goes back to the host under its own
 * name before the driver's leave.
 */
@ExtendWith(NetnsExtension.class)
@Timeout(60)
class MovedInterfaceTest {

    /** Makes a veth pair in the host per join; its peer is what the sandbox moves in. */
    private static final class HostSideDriver implements Driver {
        private final KernelHost host;
        final List<String> left = new java.util.ArrayList<>();

        HostSideDriver(KernelHost host) {
            this.host = host;
        }

        @Override
        public String type() {
            return "hostside";
        }

        @Override
        public Capabilities capabilities() {
            return Capabilities.local();
        }

        @Override
        public NetworkSettings parseNetworkOptions(Map<String, String> options) {
            return NetworkSettings.NONE;
        }

        @Override
        public void createNetwork(NetworkRequest request) {
        }

        @Override
        public void deleteNetwork(String networkId) {
        }

        @Override
        public EndpointSetup createEndpoint(EndpointRequest request) {
            return new EndpointSetup(null);
        }

        @Override
        public void deleteEndpoint(String networkId, String endpointId) {
        }

        @Override
        public JoinResult join(JoinRequest r) {
            String src = "lnwt-m" + r.endpointId().substring(0, 6);
            host.namespace.withNetlink(nl -> nl.createVeth(VethSpec.of("lnwt-h" + r.endpointId().substring(0, 6), src)));
            return new JoinResult(new JoinResult.Iface.ToMove(src, "net"), null, null, List.of(), null, false);
        }

        @Override
        public void leave(String networkId, String endpointId, boolean sandboxGone) {
            // the interface is back in the host by now: its name says so
            String src = "lnwt-m" + endpointId.substring(0, 6);
            left.add(host.namespace.withNetlink(nl -> nl.findLink(src).isPresent() ? "back" : "missing"));
            host.namespace.withNetlink(nl -> {
                nl.findLink(src).ifPresent(l -> nl.deleteLink(l.index()));
                return null;
            });
        }
    }

    @Test
    void anInterfaceMadeInTheHostIsMovedInRenamedAndBackOnLeave(Namespaces ns) throws Exception {
        Path dir = ns.dir();
        KernelHost host = new KernelHost(ns.host().path(), dir.resolve("run/netns"));
        HostSideDriver driver = new HostSideDriver(host);
        SqliteStore store = SqliteStore.open(dir.resolve("state"));
        Context ctx = new Context(new DeferredWrites(store),
                new DefaultIpam(DefaultIpam.LOCAL_DEFAULTS, p -> false), host, new DriverRegistry(List.of(driver)),
                new Context.Paths(dir.resolve("run/sandboxes"), Path.of("/etc/resolv.conf")),
                org.libnetwork4j.dns.NameService.none());
        try (DefaultController c = new DefaultController(ctx, store::close)) {
            Network n = c.newNetwork("hostside", "moved", NetworkOptions.builder().subnet("10.57.0.0/24").build());
            Sandbox sb = c.newSandbox("c1");
            Endpoint e = n.createEndpoint("e1");
            e.join(sb);
            String src = "lnwt-m" + e.id().substring(0, 6);
            assertTrue(Oracle.link(ns.host(), src).isEmpty(), "moved out of the host");
            var in = Oracle.link(NsRef.of(sb), "net0").orElseThrow();
            assertTrue(in.path("flags").toString().contains("\"UP\""), in.toString());
            assertEquals(List.of("10.57.0.2/24"), Oracle.addrs(NsRef.of(sb), "net0", "inet"));
            assertEquals("net0", e.info().interfaceName());

            e.leave(sb);
            assertEquals(List.of("back"), driver.left, "back in the host before the driver's leave");
            assertFalse(Oracle.linkNames(NsRef.of(sb)).contains("net0"));
            assertTrue(Oracle.link(ns.host(), src).isEmpty(), "and the driver removed it");
            e.delete();
            sb.delete();
            n.delete();
        }
    }
}
