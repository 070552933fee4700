package org.libnetwork4j.kernel;

import java.nio.file.Path;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * Small files rewritten in place, keeping their inode: a sandbox's hosts and resolv.conf,
 * which a runtime bind-mounts into its container (a rename would leave the mount on the old
 * file). One native call opens, writes, trims and closes: through NIO the same four system
 * calls cost twice as much again in the JVM (a channel, its file descriptor object and the
 * cleaner registered for it, the options' set), ~9 us a write on a VM with costly system
 * calls, paid by every join that changes the sandbox's resolvers.
 */
public final class InPlaceFile {
    static {
        NativeLoader.ensureLoaded();
    }

    private InPlaceFile() {
    }

    /**
     * Writes content over file from its start, and cuts off what is left of the old content
     * beyond it; makes the file (mode 0666 less the umask, as the JDK would) if it is missing.
     * System calls a signal interrupts are asked again, as the JDK's are. Never truncates
     * to zero first (on ext4 that costs ~120 us against ~2). Not atomic: a reader may see the
     * old content's tail for a moment.
     *
     * @param file    the file; its directory must exist
     * @param content the whole new content
     * @throws org.libnetwork4j.NotFoundException if the directory is missing
     * @throws org.libnetwork4j.NetworkException of the errno's kind if the kernel refuses the
     *         open, a write, or the trim (a full disk, a read-only mount)
     */
    public static void rewrite(Path file, byte[] content) {
        String path = file.toString();
        LnwErr err = new LnwErr();
        if (LnwNative.lnw_file_rewrite(path, content, content.length, err) < 0) {
            throw Errors.of(err, path);
        }
    }
}
