package org.libnetwork4j.internal.jni;

import org.fusesource.hawtjni.runtime.ClassFlag;
import org.fusesource.hawtjni.runtime.JniClass;

/** Mirrors {@code struct lnw_err} of native/include/lnw.h. */
@JniClass(name = "lnw_err", flags = {ClassFlag.STRUCT})
public final class LnwErr {
    public int code;
    public int nl_code;
    public byte[] op = new byte[32];
    public byte[] msg = new byte[256];
}
