package org.libnetwork4j.kernel;

/**
 * The identity of a network namespace: the device and inode of its nsfs file, as
 * {@code stat -L /proc/PID/ns/net} shows them. Two handles refer to the same namespace exactly
 * when their ids are equal.
 *
 * @param device the nsfs device number ({@code st_dev})
 * @param inode  the namespace's inode number ({@code st_ino}), unsigned
 */
public record NsId(long device, long inode) {
    @Override
    public String toString() {
        return "net:[" + Long.toUnsignedString(inode) + "]";
    }
}
