package org.libnetwork4j.kernel;

import java.net.InetAddress;

import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/** Connection tracking of a namespace. */
public final class Conntrack {
    static {
        NativeLoader.ensureLoaded();
    }

    private Conntrack() {
    }

    /**
     * Deletes every entry whose original destination or reply source is {@code ip} (`conntrack
     * -D -d IP; conntrack -D -r IP`); returns how many. What a removed endpoint's published
     * ports leave behind would otherwise keep steering flows to an address that is gone.
     */
    public static int flush(Netns ns, InetAddress ip) {
        byte[] a = ip.getAddress();
        return ns.withFd("flush conntrack", nsfd -> {
            LnwErr err = new LnwErr();
            int n = LnwNative.lnw_ct_flush_addr(nsfd, a, a.length, err);
            if (n < 0) {
                throw Errors.of(err, ip.getHostAddress());
            }
            return n;
        });
    }
}
