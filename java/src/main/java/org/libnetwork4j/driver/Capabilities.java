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
        LOCAL, GLOBAL;

        /** As Docker writes it: "local", "global". */
        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** A local driver whose networks get subnets: bridge, macvlan. */
    public static Capabilities local() {
        return new Capabilities(Scope.LOCAL, Scope.LOCAL, false, true, false);
    }
}
