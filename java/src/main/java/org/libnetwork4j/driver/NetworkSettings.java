package org.libnetwork4j.driver;

/** A driver's typed network settings, parsed from options by {@link Driver#parseNetworkOptions}. */
public interface NetworkSettings {
    /** Settings of a driver that takes no options. */
    NetworkSettings NONE = new NetworkSettings() {
        @Override
        public String toString() {
            return "none";
        }
    };
}
