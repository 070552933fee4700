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

#endif
