package org.libnetwork4j.driver;

import java.net.InetAddress;
import java.util.List;

import org.libnetwork4j.kernel.Route;

/**
 * What a join made (Docker's JoinResponse).
 *
 * @param iface        the endpoint's interface and where it is
 * @param gatewayV4    the next hop for the default route if this endpoint becomes the
 *                     sandbox's gateway endpoint, null for none (internal networks)
 * @param gatewayV6    likewise for the IPv6 default route, null for none
 * @param staticRoutes more routes through the interface
 * @param afterUp      what the driver must do once the sandbox has brought the interface up
 *                     and before it gives it addresses, for traffic to flow from the first
 *                     packet (the bridge settles its port); runs in the caller's thread
 * @param labelled     the driver stamped {@link JoinRequest#label} on a kernel object it can
 *                     find again after a restart
 * @param finish       what the driver waits for last, once the whole join is done (the
 *                     sandbox's other endpoints, its way out, included): what it started
 *                     asynchronously, a store's answer; if it throws, the caller undoes the
 *                     join with a leave. Runs in the caller's thread
 */
public record JoinResult(Iface iface, InetAddress gatewayV4, InetAddress gatewayV6, List<Route> staticRoutes,
        Runnable afterUp, boolean labelled, Runnable finish) {
    private static final Runnable NOTHING_TO_DO = () -> { };

    /** A join that made nothing (host and null drivers). */
    public static final JoinResult NOTHING = new JoinResult(Iface.NONE, null, null, List.of(), NOTHING_TO_DO, false);

    /**
     * A result with nothing to finish.
     *
     * @param iface        the endpoint's interface, {@link Iface#NONE} for none
     * @param gatewayV4    the IPv4 default route's next hop, or null
     * @param gatewayV6    the IPv6 default route's next hop, or null
     * @param staticRoutes more routes through the interface, not null
     * @param afterUp      work once the interface is up, or null for none
     * @param labelled     whether the join's label is on a kernel object
     */
    public JoinResult(Iface iface, InetAddress gatewayV4, InetAddress gatewayV6, List<Route> staticRoutes,
            Runnable afterUp, boolean labelled) {
        this(iface, gatewayV4, gatewayV6, staticRoutes, afterUp, labelled, null);
    }

    /**
     * Copies staticRoutes into an immutable list; a null afterUp or finish becomes one that
     * does nothing.
     *
     * @param iface        the endpoint's interface, {@link Iface#NONE} for none
     * @param gatewayV4    the IPv4 default route's next hop, or null
     * @param gatewayV6    the IPv6 default route's next hop, or null
     * @param staticRoutes more routes through the interface, not null
     * @param afterUp      work once the interface is up, or null for none
     * @param labelled     whether the join's label is on a kernel object
     * @param finish       what to wait for once the whole join is done, or null for nothing
     */
    public JoinResult {
        staticRoutes = List.copyOf(staticRoutes);
        afterUp = afterUp == null ? NOTHING_TO_DO : afterUp;
        finish = finish == null ? NOTHING_TO_DO : finish;
    }

    /**
     * This result with finish as its last step.
     *
     * @param finish what to wait for once the whole join is done
     * @return the result
     */
    public JoinResult finishingWith(Runnable finish) {
        return new JoinResult(iface, gatewayV4, gatewayV6, staticRoutes, afterUp, labelled, finish);
    }

    /**
     * An interface the driver made inside the sandbox, as it is.
     *
     * @param ifindex   its index in the sandbox's namespace
     * @param ifname    its name there, final (the sandbox does not rename it)
     * @param gatewayV4 the IPv4 default route's next hop, null for none
     * @param gatewayV6 the IPv6 default route's next hop, null for none
     * @param afterUp   work once the interface is up, null for none
     * @param labelled  whether the join's label is on a kernel object the driver finds again
     * @return the result, with no static routes
     */
    public static JoinResult inSandbox(int ifindex, String ifname, InetAddress gatewayV4, InetAddress gatewayV6,
            Runnable afterUp, boolean labelled) {
        return new JoinResult(new Iface.InSandbox(ifindex, ifname), gatewayV4, gatewayV6, List.of(), afterUp, labelled);
    }

    /** The endpoint's interface. */
    public sealed interface Iface {
        /** No interface (host and null drivers). */
        Iface NONE = new None();

        /** None at all. */
        record None() implements Iface {
        }

        /**
         * Made by the driver inside the sandbox's namespace, under its final name.
         *
         * @param index its index in the sandbox's namespace
         * @param name  its name there
         */
        record InSandbox(int index, String name) implements Iface {
        }

        /**
         * In the host namespace, called srcName: the sandbox moves it in and renames it to its
         * next name with dstPrefix ("eth" makes eth0, eth1...), as libnetwork does with a
         * remote driver's interface. It goes back to the host under srcName when the endpoint
         * leaves, before the driver's leave.
         *
         * @param srcName   its name in the host namespace
         * @param dstPrefix the prefix of its name in the sandbox
         */
        record ToMove(String srcName, String dstPrefix) implements Iface {
        }
    }
}
