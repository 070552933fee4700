package org.libnetwork4j.controller;

/**
 * The controller's words for a join that a driver stamps on its kernel object
 * ({@link org.libnetwork4j.driver.JoinRequest#label}): the sandbox and the join's priority,
 * all that recovery needs to take the join up when no record of it was written.
 */
record JoinLabel(String sandboxId, int priority) {
    private static final String SANDBOX = "sandbox=";
    private static final String PRIORITY = " priority=";

    String format() {
        return SANDBOX + sandboxId + PRIORITY + priority;
    }

    /** The label a driver gave back, or null if it is not one of ours. */
    static JoinLabel parse(String s) {
        if (s == null || !s.startsWith(SANDBOX)) {
            return null;
        }
        int p = s.indexOf(PRIORITY);
        if (p < 0) {
            return null;
        }
        try {
            return new JoinLabel(s.substring(SANDBOX.length(), p), Integer.parseInt(s.substring(p + PRIORITY.length())));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
