package org.libnetwork4j;

import java.util.List;

/**
 * What a controller found and did when it opened its state directory: the reconciliation of
 * the store with the kernel. Empty lists after a clean close.
 *
 * @param restored     objects taken up as they were ("network n1", "sandbox of container c1")
 * @param rolledBack   interrupted creates and joins undone
 * @param finished     interrupted deletes and leaves completed
 * @param dropped      objects whose kernel part is gone (a sandbox whose namespace vanished,
 *                     as after a reboot, with its endpoints) and that were removed
 * @param orphans      kernel objects of ours that no record claims, removed
 * @param quarantined  records that could not be read, kept aside with the reason; what they
 *                     held (subnets, addresses) stays reserved
 * @param warnings     what could not be put back exactly (a host port another program took)
 */
public record RecoveryReport(List<String> restored, List<String> rolledBack, List<String> finished,
        List<String> dropped, List<String> orphans, List<String> quarantined, List<String> warnings) {

    /**
     * Copies the lists into immutable ones.
     *
     * @param restored    objects taken up as they were, not null
     * @param rolledBack  interrupted creates and joins undone, not null
     * @param finished    interrupted deletes and leaves completed, not null
     * @param dropped     objects whose kernel part is gone, removed; not null
     * @param orphans     kernel objects no record claims, removed; not null
     * @param quarantined unreadable records kept aside, not null
     * @param warnings    what could not be put back exactly, not null
     */
    public RecoveryReport {
        restored = List.copyOf(restored);
        rolledBack = List.copyOf(rolledBack);
        finished = List.copyOf(finished);
        dropped = List.copyOf(dropped);
        orphans = List.copyOf(orphans);
        quarantined = List.copyOf(quarantined);
        warnings = List.copyOf(warnings);
    }

    /**
     * Nothing was interrupted, lost or unreadable.
     *
     * @return true if every list but {@code restored} is empty
     */
    public boolean clean() {
        return rolledBack.isEmpty() && finished.isEmpty() && dropped.isEmpty() && orphans.isEmpty()
                && quarantined.isEmpty() && warnings.isEmpty();
    }
}
