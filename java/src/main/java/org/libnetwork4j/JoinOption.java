package org.libnetwork4j;

/**
 * One option of {@link Endpoint#join}. Made by {@link JoinOptions}: {@code
 * ep.join("container1", JoinOptions.hostname("test"), JoinOptions.domainname("docker.io"))}.
 * Hostname and domain name apply when the join creates the container's sandbox.
 */
public sealed interface JoinOption {
    /**
     * The sandbox's hostname, when the join creates it.
     *
     * @param value a valid host name, checked when the sandbox is created
     */
    record Hostname(String value) implements JoinOption {
    }

    /**
     * The sandbox's domain name, when the join creates it.
     *
     * @param value a valid host name, checked when the sandbox is created
     */
    record Domainname(String value) implements JoinOption {
    }

    /**
     * Preference of this endpoint as the sandbox's gateway endpoint (libnetwork's
     * JoinOptionPriority): the highest wins; see {@link Sandbox}.
     *
     * @param value the priority; an endpoint joined without this option has 0
     */
    record Priority(int value) implements JoinOption {
    }

    /**
     * The name of the endpoint's interface in the sandbox, instead of the network's next
     * ({@code eth0}, {@code eth1}, ...): what a CNI runtime asks for with CNI_IFNAME.
     *
     * @param value the interface name
     */
    record InterfaceName(String value) implements JoinOption {
        /**
         * Checks that value is a name the kernel takes: 1 to 15 bytes of UTF-8, not
         * {@code "."} or {@code ".."}, without '/', ':' or whitespace.
         *
         * @param value the interface name, not null
         * @throws InvalidParameterException if it is not
         */
        public InterfaceName {
            if (value == null || value.isEmpty() || value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 15
                    || value.equals(".") || value.equals("..")
                    || value.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
                throw new InvalidParameterException("invalid interface name \"" + value
                        + "\": 1-15 bytes, no '/', ':' or whitespace");
            }
        }
    }
}
