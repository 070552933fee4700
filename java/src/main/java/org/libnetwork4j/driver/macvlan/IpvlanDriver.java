package org.libnetwork4j.driver.macvlan;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import org.libnetwork4j.InvalidParameterException;
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
    public static final String TYPE = "ipvlan";
    static final String MODE = "ipvlan_mode";

    /** An ipvlan network's options. */
    record Settings(String parent, Netlink.IpvlanMode mode) implements SubSettings {
    }

    private volatile boolean kernelHasIt;

    public IpvlanDriver(HostContext host) {
        super(host);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public NetworkSettings parseNetworkOptions(Map<String, String> options) {
        String parent = null;
        Netlink.IpvlanMode mode = Netlink.IpvlanMode.L2;
        for (Map.Entry<String, String> e : options.entrySet()) {
            switch (e.getKey()) {
                case PARENT -> parent = Parents.check(e.getValue());
                case MODE -> mode = switch (e.getValue().toLowerCase(Locale.ROOT)) {
                    case "l2" -> Netlink.IpvlanMode.L2;
                    case "l3" -> Netlink.IpvlanMode.L3;
                    case "l3s" -> Netlink.IpvlanMode.L3S;
                    default -> throw new InvalidParameterException("invalid value \"" + e.getValue()
                            + "\" for option \"" + MODE + "\": l2, l3 or l3s");
                };
                default -> throw new InvalidParameterException("unknown option \"" + e.getKey()
                        + "\" for driver \"" + TYPE + "\" (" + PARENT + ", " + MODE + ")");
            }
        }
        return new Settings(parent, mode);
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
    Link createDevice(Netlink hostNl, String name, int parentIndex, SubSettings settings, Netlink target) {
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
