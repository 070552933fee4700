package org.libnetwork4j.driver;

/**
 * The alias a driver stamps on the kernel object it makes for a join (a veth end), so that a
 * restarted controller finds the join by it: {@code lnw4j endpoint=ID LABEL}, the label being
 * the controller's words for the join ({@link JoinRequest#label}). Shared by the drivers whose
 * joins survive a restart (bridge, overlay).
 */
public final class EndpointAlias {
    private static final String PREFIX = "lnw4j endpoint=";

    private EndpointAlias() {
    }

    /**
     * The alias of an endpoint's interface.
     *
     * @param endpointId the endpoint
     * @param label      the join's label, or null/empty for none
     * @return the alias
     */
    public static String of(String endpointId, String label) {
        return PREFIX + endpointId + (label == null || label.isEmpty() ? "" : " " + label);
    }

    /**
     * The endpoint id and label an alias of ours holds.
     *
     * @param alias an interface's alias, or null
     * @return {endpoint id, label (possibly empty)}, or null for no alias or one not ours
     */
    public static String[] parse(String alias) {
        if (alias == null || !alias.startsWith(PREFIX)) {
            return null;
        }
        String rest = alias.substring(PREFIX.length());
        int space = rest.indexOf(' ');
        return space < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, space), rest.substring(space + 1)};
    }
}
