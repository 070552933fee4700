package org.libnetwork4j.driver.macvlan;

import java.util.Map;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.MacvlanSpec;
import org.libnetwork4j.kernel.Netlink;

/**
 * Docker's macvlan driver: each endpoint a macvlan device on the parent, with a MAC of its own:
 * the one asked for, else a random one. (Docker 20.10 derives it from the IPv4 address, 02:42
 * and the address. Here an address is given again as soon as it is released, and a deleted
 * sandbox's device keeps its MAC on the parent until the kernel frees the namespace, later;
 * the next container with the same address would then be refused with EADDRINUSE, or pay
 * ~10 ms (an RCU wait) for the old device to give its MAC up. A random MAC needs neither.) Options: {@code parent} and
 * {@code macvlan_mode} = bridge (the default: endpoints on one parent reach each other inside
 * the kernel), private (they do not), vepa (only through an external switch that hairpins)
 * or passthru (one endpoint takes the parent over). See {@link SubInterfaceDriver}.
 */
public final class MacvlanDriver extends SubInterfaceDriver {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "macvlan";
    static final String MODE = "macvlan_mode";

    /** A macvlan network's options. */
    record Settings(String parent, MacvlanSpec.Mode mode) implements SubSettings {
    }

    /**
     * A driver with no network yet.
     *
     * @param host the host namespace, where parents are found or made
     */
    public MacvlanDriver(HostContext host) {
        super(host);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Docker's macvlan_mode values; bridge, the default, first. */
    private static final Map<String, MacvlanSpec.Mode> MODES = modes();

    private static Map<String, MacvlanSpec.Mode> modes() {
        Map<String, MacvlanSpec.Mode> m = new java.util.LinkedHashMap<>();
        m.put("bridge", MacvlanSpec.Mode.BRIDGE);
        m.put("private", MacvlanSpec.Mode.PRIVATE);
        m.put("vepa", MacvlanSpec.Mode.VEPA);
        m.put("passthru", MacvlanSpec.Mode.PASSTHRU);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return parseOptions(options, MODE, MODES, Settings::new);
    }

    @Override
    Link createDevice(Netlink hostNl, String name, int parentIndex, SubSettings settings,
            MacAddress mac, Netlink target) {
        return hostNl.createMacvlan(MacvlanSpec.of(name, parentIndex).mode(((Settings) settings).mode()).mac(mac)
                .in(target));
    }

    @Override
    boolean exclusive(SubSettings settings) {
        return ((Settings) settings).mode() == MacvlanSpec.Mode.PASSTHRU;
    }

    /** A MAC the user chose may well be asked for again at once; a random one will not. */
    @Override
    boolean mustRelease(SubEndpoint ep) {
        return ep.macAskedFor;
    }

    /** Another MAC: the parent's table of its macvlans' MACs holds this one's no more. */
    @Override
    void release(Netlink inside, int index) {
        inside.setMac(index, MacAddress.random());
    }

    @Override
    boolean ownMac() {
        return true;
    }
}
