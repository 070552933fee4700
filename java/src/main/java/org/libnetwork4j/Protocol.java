package org.libnetwork4j;

import java.util.Locale;


/** The transport protocols a port can be published for. */
public enum Protocol {
    /** Transmission Control Protocol. */
    TCP,
    /** User Datagram Protocol. */
    UDP,
    /** Stream Control Transmission Protocol. */
    SCTP;

    /**
     * "tcp", "udp", "sctp", as Docker and nft write them.
     *
     * @return the name in lower case
     */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The protocol of a name, as Docker writes it.
     *
     * @param s "tcp", "udp" or "sctp", in any case
     * @return the protocol
     * @throws InvalidParameterException if s is null or names none of them
     */
    public static Protocol parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidParameterException("invalid protocol \"" + s + "\": tcp, udp or sctp");
        }
    }
}
