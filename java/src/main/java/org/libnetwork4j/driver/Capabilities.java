package org.libnetwork4j.driver;

/**
 * What a driver's networks are (GetCapabilities, plus what libnetwork knows of its built-in
 * drivers by name).
 *
 * @param scope              where its networks exist: this host, or every host of a cluster
 * @param connectivityScope  how far its endpoints reach one another
 * @param singleInstance     only one network of this type may exist, and it cannot be deleted
 *                           (host, null)
 * @param usesIpam           its networks get subnets and its endpoints addresses
 * @param joinsHostNamespace its endpoints join the host's own namespace (the host driver)
 *                           rather than a sandbox's
 */
public record Capabilities(Scope scope, Scope connectivityScope, boolean singleInstance, boolean usesIpam,
        boolean joinsHostNamespace) {

    /** Where a driver's networks, or their connectivity, reach. */
    public enum Scope {
        /** This host only. */
        LOCAL,
        /** Every host of a cluster. */
        GLOBAL;

        /**
         * As Docker writes it: "local", "global".
         *
         * @return the lower-case name, as {@link org.libnetwork4j.NetworkInfo#scope} shows it
         */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A local driver whose networks get subnets: bridge, macvlan.
     *
     * @return local scope and connectivity, any number of networks, subnets from IPAM,
     *         endpoints in sandboxes rather than the host's namespace
     */
    public static Capabilities local() {
        return new Capabilities(Scope.LOCAL, Scope.LOCAL, false, true, false);
    }

    /**
     * A driver whose networks span hosts, with subnets allocated across them: overlay.
     *
     * @return global scope and connectivity, any number of networks, subnets from IPAM,
     *         endpoints in sandboxes rather than the host's namespace
     */
    public static Capabilities global() {
        return new Capabilities(Scope.GLOBAL, Scope.GLOBAL, false, true, false);
    }
}
