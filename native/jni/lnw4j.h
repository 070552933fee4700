/*
 * lnw4j.h - included by the C that HawtJNI generates from org.libnetwork4j.internal.jni:
 * the core's API and the system headers of the constants the binding reads.
 */
#ifndef LNW4J_H
#define LNW4J_H

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <net/if.h>
#include <linux/if.h>   /* after net/if.h: IFF_LOWER_UP, IF_OPER_* */
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>

#include "lnw.h"

/*
 * HawtJNI looks a struct's field IDs up on the first conversion of that struct and keeps the
 * class meanwhile as a *local* reference in a global, without a lock: two threads converting
 * the same struct for the first time at once can look fields up through the other thread's
 * local reference, dead by then, and the JVM crashes (it did, in a CrashTest child creating
 * endpoints on 8 threads: SIGSEGV in jni_GetFieldID). NativeLoader calls this once, on one
 * thread, right after loading the library: every struct goes through its conversion here, so
 * every cache is full before anybody else can call in. Nothing to do in C.
 */
static inline int lnw4j_cache_structs(const struct lnw_addr *a, const struct lnw_route *r,
				      const struct lnw_link *l, const struct lnw_neigh *n,
				      const struct lnw_err *e)
{
	(void)a; (void)r; (void)l; (void)n; (void)e;
	return 0;
}

#endif
