package org.libnetwork4j;

/** Factories of {@link JoinOption}s, named as libnetwork's JoinOption functions. */
public final class JoinOptions {
    private JoinOptions() {
    }

    public static JoinOption hostname(String name) {
        return new JoinOption.Hostname(name);
    }

    public static JoinOption domainname(String name) {
        return new JoinOption.Domainname(name);
    }

    public static JoinOption priority(int prio) {
        return new JoinOption.Priority(prio);
    }

    public static JoinOption interfaceName(String name) {
        return new JoinOption.InterfaceName(name);
    }
}
