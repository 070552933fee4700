package org.libnetwork4j.internal.jni;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;

/** Mirrors {@code struct lnw_addr} of native/include/lnw.h. */
@JniClass(name = "lnw_addr", flags = {ClassFlag.STRUCT})
public final class LnwAddr {
    public int ifindex;
    public int family;
    public int prefixlen;
    public int flags;
    public int scope;
    public byte[] addr = new byte[16];
    public byte[] label = new byte[16];
}
