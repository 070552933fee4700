package org.libnetwork4j;

/**
 * Run in a JVM of its own by AddressTypesTest: prints what IpAddresses.parse makes of its
 * argument, or the refusal's class.
 */
public final class ParseAddressMain {
    private ParseAddressMain() {
    }

    public static void main(String[] args) {
        try {
            System.out.println(IpAddresses.format(IpAddresses.parse(args[0])));
        } catch (InvalidParameterException refused) {
            System.out.println("refused");
        }
    }
}
