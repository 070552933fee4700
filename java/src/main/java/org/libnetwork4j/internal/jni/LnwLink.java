package org.libnetwork4j.internal.jni;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;

/** Mirrors {@code struct lnw_link} of native/include/lnw.h. */
@JniClass(name = "lnw_link", flags = {ClassFlag.STRUCT})
public final class LnwLink {
    public int index;
    public int flags;
    public int mtu;
    public int master;
    public int group;
    public int link;
    public int link_netnsid;
    public int operstate;
    public int mac_len;
    public byte[] mac = new byte[32];
    public byte[] name = new byte[16];
    public byte[] kind = new byte[16];
}
