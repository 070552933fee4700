package org.libnetwork4j.driver.macvlan;

import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.libnetwork4j.MacAddress;
import org.libnetwork4j.driver.HostContext;
import org.libnetwork4j.driver.NetworkSettings;
import org.libnetwork4j.kernel.Link;
import org.libnetwork4j.kernel.Netlink;

/**
 * Docker's ipvlan driver: each endpoint an ipvlan device on the parent, sharing the parent's
 * MAC. Options: {@code parent} and {@code ipvlan_mode} = l2 (the default), l3 or l3s. See
 * {@link SubInterfaceDriver}.
 *
 * <p>A kernel without ipvlan (CONFIG_IPVLAN) refuses a network at its creation, with the
 * option named, before anything is made: the driver makes a probe device on the parent and
 * deletes it again (one request each; the first network pays for it).
 */
public final class IpvlanDriver extends SubInterfaceDriver {
    /** The driver's type, as networks name it. */
    public static final String TYPE = "ipvlan";
    static final String MODE = "ipvlan_mode";

    /** An ipvlan network's options. */
    record Settings(String parent, Netlink.IpvlanMode mode) implements SubSettings {
    }

    private volatile boolean kernelHasIt;

    /**
     * A driver with no network yet; the kernel is probed for ipvlan at the first network.
     *
     * @param host the host namespace, where parents are found or made
     */
    public IpvlanDriver(HostContext host) {
        super(host);
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Docker's ipvlan_mode values; l2, the default, first. */
    private static final Map<String, Netlink.IpvlanMode> MODES = modes();

    private static Map<String, Netlink.IpvlanMode> modes() {
        Map<String, Netlink.IpvlanMode> m = new java.util.LinkedHashMap<>();
        m.put("l2", Netlink.IpvlanMode.L2);
        m.put("l3", Netlink.IpvlanMode.L3);
        m.put("l3s", Netlink.IpvlanMode.L3S);
        return java.util.Collections.unmodifiableMap(m);
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        return parseOptions(options, MODE, MODES, Settings::new);
    }

    @Override
    void checkKernel(Netlink hostNl, int parentIndex) {
        if (kernelHasIt) {
            return;
        }
        String probe = "ipvprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000000));
        Link l = hostNl.createIpvlan(probe, parentIndex, Netlink.IpvlanMode.L2, null); // NotSupported names the option
        hostNl.deleteLink(l.index());
        kernelHasIt = true;
    }

    @Override
    Link createDevice(Netlink hostNl, String name, int parentIndex, SubSettings settings,
            MacAddress mac, Netlink target) {
        return hostNl.createIpvlan(name, parentIndex, ((Settings) settings).mode(), target);
    }

    /** Its addresses are the parent's to track, and the next endpoint may be given them at once. */
    @Override
    boolean mustRelease(SubEndpoint ep) {
        return true;
    }

    /** Its addresses off: the parent's table of its ipvlans' addresses holds them no more. */
    @Override
    void release(Netlink inside, int index) {
        for (org.libnetwork4j.kernel.Addr a : inside.addrs(index)) {
            inside.delAddr(a);
        }
    }

    @Override
    boolean ownMac() {
        return false;
    }
}
