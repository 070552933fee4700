package org.libnetwork4j.controller;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.libnetwork4j.IpAddresses;
import org.libnetwork4j.PortMapping;
import org.libnetwork4j.driver.Capabilities;
import org.libnetwork4j.driver.EndpointOperInfo;
import org.libnetwork4j.driver.EndpointRequest;
import org.libnetwork4j.driver.EndpointSetup;
import org.libnetwork4j.driver.JoinRequest;
import org.libnetwork4j.driver.JoinResult;
import org.libnetwork4j.driver.NetworkRequest;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.driver.ResolverSite;
import org.libnetwork4j.driver.RestorableDriver;

/**
 * A driver on a {@link FakeKernel}: it makes an interface per join in the sandbox's fake
 * namespace (or in the host's for the sandbox to move in), stamps the join's label on it if
 * labelled, publishes ports as mappings in memory, and logs every call into the kernel's log
 * ("driver:join", ...). Any call can be made to fail once with the kernel's failOn("driver:join").
 */
final class FakeDriver implements RestorableDriver {
    /** What the driver keeps in the "kernel": it survives controllers, as kernel objects do. */
    static final class State {
        final Set<String> networks = new HashSet<>();
        final Map<String, String> labels = new HashMap<>();   // endpoint id -> label on its interface
        final Map<String, Integer> ifaces = new HashMap<>();  // endpoint id -> interface index
        final Map<String, String> sandboxOf = new HashMap<>(); // endpoint id -> sandbox id
        final List<String> recoveryReads = new ArrayList<>();  // "labels" or "recorded", per recovery
    }

    final String type;
    final FakeKernel kernel;
    final State state;
    final boolean labelled;
    final boolean toMove;
    private final Map<String, EndpointRequest> endpoints = new HashMap<>();
    private final Map<String, List<PortMapping>> published = new HashMap<>();
    private final InetAddress gateway = IpAddresses.parse("10.9.0.1");
    /** Set: the resolver site is named only once a network has had a join (an overlay's). */
    volatile boolean siteOnceJoined;
    /** Set: the resolver's addresses, in place of the gateway (an overlay's, one per subnet). */
    volatile List<InetAddress> siteAddresses;
    private final Set<String> joinedNetworks = new HashSet<>();
    private Capabilities capabilities = Capabilities.local();

    FakeDriver(String type, FakeKernel kernel, State state, boolean labelled, boolean toMove) {
        this.type = type;
        this.kernel = kernel;
        this.state = state;
        this.labelled = labelled;
        this.toMove = toMove;
    }

    /** This driver's networks span hosts (an overlay's scope): they go through the cluster store. */
    FakeDriver spanningHosts() {
        capabilities = Capabilities.global();
        return this;
    }

    private void call(String op) {
        kernel.check("driver:" + op);
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return NetworkSettings.NONE;
    }

    @Override
    public void createNetwork(NetworkRequest request) {
        call("createNetwork");
        state.networks.add(request.id());
    }

    /**
     * The gateway, as a bridge's: its networks get the embedded resolver there. With
     * {@link #siteOnceJoined}, as an overlay's: not known before the network's first join.
     */
    @Override
    public Optional<ResolverSite> resolverSite(String networkId) {
        if (!state.networks.contains(networkId)) {
            return Optional.of(ResolverSite.NONE);
        }
        if (siteOnceJoined && !joinedNetworks.contains(networkId)) {
            return Optional.empty();
        }
        // the fake kernel has no namespaces to name
        return Optional.of(new ResolverSite(null, siteAddresses != null ? siteAddresses : List.of(gateway)));
    }

    @Override
    public void deleteNetwork(String networkId) {
        call("deleteNetwork");
        state.networks.remove(networkId);
    }

    @Override
    public EndpointSetup createEndpoint(EndpointRequest request) {
        call("createEndpoint");
        endpoints.put(request.endpointId(), request);
        return new EndpointSetup(null);
    }

    @Override
    public void deleteEndpoint(String networkId, String endpointId) {
        call("deleteEndpoint");
        endpoints.remove(endpointId);
    }

    @Override
    public EndpointOperInfo endpointOperInfo(String networkId, String endpointId) {
        return new EndpointOperInfo(published.getOrDefault(endpointId, List.of()));
    }

    @Override
    public JoinResult join(JoinRequest r) {
        call("join");
        int index = kernel.newIndex();
        FakeKernel.Iface iface = new FakeKernel.Iface(toMove ? "fake" + index : r.sandbox().nextInterfaceName(
                r.interfacePrefix()));
        if (toMove) {
            kernel.host.ifaces.put(index, iface);
        } else {
            FakeKernel.Ns ns = kernel.namespaces.get(FakeKernel.NETNS_DIR.resolve(r.sandbox().id().substring(0, 12)));
            if (ns == null) { // an adopted namespace, at the runtime's path
                ns = ((FakeKernel.FakeOs) ((SandboxImpl) r.sandbox()).os()).ns;
            }
            ns.ifaces.put(index, iface);
        }
        state.ifaces.put(r.endpointId(), index);
        state.sandboxOf.put(r.endpointId(), r.sandbox().id());
        joinedNetworks.add(r.networkId());
        if (labelled) {
            state.labels.put(r.endpointId(), r.label());
        }
        Runnable afterUp = () -> call("afterUp");
        return toMove
                ? new JoinResult(new JoinResult.Iface.ToMove(iface.name, r.interfacePrefix()), gateway, null, List.of(),
                        afterUp, labelled)
                : JoinResult.inSandbox(index, iface.name, gateway, null, afterUp, labelled);
    }

    @Override
    public void leave(String networkId, String endpointId, boolean sandboxGone) {
        call("leave");
        Integer index = state.ifaces.remove(endpointId);
        state.labels.remove(endpointId);
        String sb = state.sandboxOf.remove(endpointId);
        if (index != null && !sandboxGone) {
            kernel.host.ifaces.remove(index);
            FakeKernel.Ns ns = sb == null ? null : kernel.namespaces.get(FakeKernel.NETNS_DIR.resolve(sb.substring(0, 12)));
            if (ns != null) {
                ns.ifaces.remove(index);
                ns.routes.removeIf(x -> x.oif() == index);
            }
        }
    }

    @Override
    public void programExternalConnectivity(String networkId, String endpointId) {
        call("program");
        EndpointRequest r = endpoints.get(endpointId);
        if (r != null && !r.ports().isEmpty()) {
            List<PortMapping> l = new ArrayList<>();
            r.ports().forEach(b -> l.add(new PortMapping(null, b.hostPort() == 0 ? 32768 : b.hostPort(),
                    r.ipv4().address(), b.containerPort(), b.protocol())));
            published.put(endpointId, l);
        }
    }

    @Override
    public void revokeExternalConnectivity(String networkId, String endpointId) {
        call("revoke");
        published.remove(endpointId);
    }

    // ---- restart ----

    @Override
    public Map<String, String> networkState(String networkId) {
        return Map.of("fake", "yes");
    }

    @Override
    public void restoreNetwork(NetworkRequest request, Map<String, String> s) {
        call("restoreNetwork");
        state.networks.add(request.id());
    }

    @Override
    public void discardNetwork(NetworkRequest request, Map<String, String> s) {
        call("discardNetwork");
        state.networks.remove(request.id());
    }

    @Override
    public Map<String, String> joinLabels() {
        state.recoveryReads.add("labels");
        return Map.copyOf(state.labels);
    }

    @Override
    public void prepareRecordedJoins(Set<String> endpointIds) {
        state.recoveryReads.add("recorded");
    }

    @Override
    public Optional<JoinResult> restoreJoin(JoinRequest r) {
        call("restoreJoin");
        Integer index = state.ifaces.get(r.endpointId());
        FakeKernel.Ns ns = kernel.namespaces.get(FakeKernel.NETNS_DIR.resolve(r.sandbox().id().substring(0, 12)));
        if (index == null || ns == null || !ns.ifaces.containsKey(index)) {
            discardJoin(r.networkId(), r.endpointId());
            return Optional.empty();
        }
        if (labelled) {
            state.labels.put(r.endpointId(), r.label());
        }
        return Optional.of(JoinResult.inSandbox(index, ns.ifaces.get(index).name, gateway, null, null, labelled));
    }

    @Override
    public void discardJoin(String networkId, String endpointId) {
        call("discardJoin");
        leave(networkId, endpointId, false);
    }

    @Override
    public List<PortMapping> restoreExternalConnectivity(String networkId, String endpointId,
            List<PortMapping> mappings) {
        call("restoreExternalConnectivity");
        if (mappings.isEmpty()) {
            programExternalConnectivity(networkId, endpointId);
        } else {
            published.put(endpointId, mappings);
        }
        return List.of();
    }

    @Override
    public List<String> removeOrphans(Set<String> joined) {
        List<String> removed = new ArrayList<>();
        for (String ep : List.copyOf(state.ifaces.keySet())) {
            if (!joined.contains(ep)) {
                leave(null, ep, false);
                removed.add("fake interface of " + ep);
            }
        }
        return removed;
    }
}
