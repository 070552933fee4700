package org.libnetwork4j.internal.jni;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;

/** Mirrors {@code struct lnw_neigh} of native/include/lnw.h. */
@JniClass(name = "lnw_neigh", flags = {ClassFlag.STRUCT})
public final class LnwNeigh {
    public int ifindex;
    public int family;
    public int state;
    public int flags;
    public int dst_len;
    public int lladdr_len;
    public byte[] dst = new byte[16];
    public byte[] lladdr = new byte[32];
}
