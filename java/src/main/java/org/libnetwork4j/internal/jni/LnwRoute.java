package org.libnetwork4j.internal.jni;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;

/** Mirrors {@code struct lnw_route} of native/include/lnw.h. */
@JniClass(name = "lnw_route", flags = {ClassFlag.STRUCT})
public final class LnwRoute {
    public int family;
    public int dst_len;
    public int table;
    public int protocol;
    public int scope;
    public int type;
    public int oif;
    public int flags;
    public int priority;
    public int has_gateway;
    public byte[] dst = new byte[16];
    public byte[] gateway = new byte[16];
}
