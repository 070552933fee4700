/*
 * unpreload.c - preloaded after libasan into a JVM that loads the sanitized JNI library:
 * takes LD_PRELOAD out of the process's environment before the JVM reads it.
 *
 * Why: ASan must be the first library a process maps, so the JVM is started with
 * LD_PRELOAD=libasan.so. Java hands its environment to every process the tests start (ip,
 * nft, dnsmasq, runc...), and some of those hang or fail with ASan in them (dnsmasq does).
 * The dynamic linker has read LD_PRELOAD by the time constructors run; removing it here
 * keeps ASan in the JVM and out of its children.
 */
#include <stdlib.h>

__attribute__((constructor)) static void lnw_unpreload(void)
{
	unsetenv("LD_PRELOAD");
}
