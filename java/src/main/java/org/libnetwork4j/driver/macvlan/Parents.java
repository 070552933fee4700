package org.libnetwork4j.driver.macvlan;

import org.libnetwork4j.InvalidParameterException;

/** The {@code parent} option's value: an interface name as the kernel takes it. */
final class Parents {
    private Parents() {
    }

    static String check(String v) {
        if (v.isEmpty() || v.length() > 15 || v.equals(".") || v.equals("..")
                || v.chars().anyMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c))) {
            throw new InvalidParameterException("invalid value \"" + v + "\" for option \"" + SubInterfaceDriver.PARENT
                    + "\": an interface name (1-15 bytes, no '/', ':' or whitespace)");
        }
        return v;
    }
}
