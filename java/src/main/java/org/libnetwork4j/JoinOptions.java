package org.libnetwork4j;

/** Factories of {@link JoinOption}s, named as libnetwork's JoinOption functions. */
public final class JoinOptions {
    private JoinOptions() {
    }

    /**
     * The hostname of the sandbox the join creates (libnetwork's JoinOptionHostname).
     *
     * @param name a valid host name, checked when the sandbox is created
     * @return the option
     */
    public static JoinOption hostname(String name) {
        return new JoinOption.Hostname(name);
    }

    /**
     * The domain name of the sandbox the join creates (libnetwork's JoinOptionDomainname).
     *
     * @param name a valid host name, checked when the sandbox is created
     * @return the option
     */
    public static JoinOption domainname(String name) {
        return new JoinOption.Domainname(name);
    }

    /**
     * The endpoint's preference as the sandbox's gateway endpoint (libnetwork's
     * JoinOptionPriority).
     *
     * @param prio the priority, highest wins; an endpoint joined without this option has 0
     * @return the option
     */
    public static JoinOption priority(int prio) {
        return new JoinOption.Priority(prio);
    }

    /**
     * The name of the endpoint's interface in the sandbox, instead of the next {@code ethN}.
     *
     * @param name 1 to 15 bytes, not "." or "..", without '/', ':' or whitespace
     * @return the option
     * @throws InvalidParameterException if name is not such a name
     */
    public static JoinOption interfaceName(String name) {
        return new JoinOption.InterfaceName(name);
    }
}
