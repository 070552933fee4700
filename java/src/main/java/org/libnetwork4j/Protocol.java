package org.libnetwork4j;

import java.util.Locale;


/** The transport protocols a port can be published for. */
public enum Protocol {
    TCP, UDP, SCTP;

    /** "tcp", "udp", "sctp", as Docker and nft write them. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Protocol parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidParameterException("invalid protocol \"" + s + "\": tcp, udp or sctp");
        }
    }
}
