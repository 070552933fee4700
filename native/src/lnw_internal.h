/*
 * Shared by the files of the native core; not part of the public API (lnw.h).
 */
#ifndef LNW_INTERNAL_H
#define LNW_INTERNAL_H

#include <errno.h>
#include <unistd.h>
#include <sys/socket.h>

#include <netlink/netlink.h>
#include <netlink/object.h>
#include <netlink/route/link.h>

#include "lnw.h"

struct rtnl_addr;
struct rtnl_route;
struct rtnl_neigh;

#define LNW_EXTACK_MAX 160

/* An rtnetlink socket bound to one namespace, and what the kernel said last. */
struct lnw_nl {
	struct nl_sock *sk;
	struct nl_cb *cb;
	/* state of the request in flight (the handle is used by one thread at a time) */
	int done;
	int kernel_errno;                  /* raw errno from NLMSG_ERROR, before libnl folds it */
	char extack[LNW_EXTACK_MAX];       /* NLMSGERR_ATTR_MSG of that error */
	void (*on_obj)(struct nl_object *obj, void *arg);
	void *obj_arg;
	int fail_countdown;                /* lnw_nl_fail_request: requests until the failure */
	int fail_errno;
};

/* A dump's result: libnl objects, each holding a reference. */
struct lnw_list {
	int count;
	int cap;
	int oom;          /* an object could not be stored: the dump must fail with ENOMEM */
	struct nl_object **objs;
};

/* ---- err.c ---- */

void lnw_err_clear(struct lnw_err *err);
/* Fills err with code (positive errno), op and "<what>: <strerror> (<ENAME>)". Returns -code. */
int lnw_err_set(struct lnw_err *err, int code, const char *op, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* Maps a libnl NLE_* code (positive or negative) to the closest errno. */
int lnw_nle_to_errno(int nle);

/* ---- ns_thread.c ---- */

/* A new fd of the namespace nl is bound to (for IFLA_NET_NS_FD), which the caller closes;
 * or -errno. */
int lnw_nl_ns_fd(struct lnw_nl *nl, struct lnw_err *err);

/* Closes fd if it is one, keeping errno: for cleanup paths that report an earlier error. */
static inline void close_quietly(int fd)
{
	int saved = errno;

	if (fd >= 0)
		close(fd);
	errno = saved;
}

/* Runs fn(arg, err) on a private pthread that first enters the namespace nsfd refers to
 * (nsfd >= 0) or a brand new one (nsfd < 0), then dies. Returns fn's result. */
int lnw_ns_run(int nsfd, int (*fn)(void *arg, struct lnw_err *err), void *arg,
               struct lnw_err *err);

/* ---- sysctl.c ---- */

/* Writes "key=value" lines (sysctls may be NULL) in the calling thread's namespace. */
int lnw_sysctl_apply_here(const char *sysctls, const char *op, struct lnw_err *err);

/* ---- nl.c ---- */

/* Sends msg (always freed) on nl and reads the answer up to the ACK or the end of a dump,
 * handing every object the kernel returns to on_obj. On a kernel error it fills err with the
 * raw errno and the extended ack, prefixed by op and the printf-style object description. */
int lnw_nl_transact(struct lnw_nl *nl, struct nl_msg *msg,
                    void (*on_obj)(struct nl_object *obj, void *arg), void *obj_arg,
                    struct lnw_err *err, const char *op, const char *fmt, ...)
	__attribute__((format(printf, 7, 8)));

/* Reads a netlink error message h (NLMSG_ERROR, h->nlmsg_len bytes readable): returns the
 * positive errno it carries (EPROTO if it is too short to carry one) and puts the kernel's
 * extended-ack text, if any, into extack (cap bytes, always NUL-terminated). Trusts nothing of
 * it: a fuzz target (native/fuzz/). */
int lnw_nl_parse_error(const struct nlmsghdr *h, char *extack, size_t cap);

/* A copy of sk's callbacks, for one receive with a handler of its own (the caller puts it).
 * nl_socket_get_cb hands out a reference that nl_cb_clone does not consume: dropped here, or
 * the socket's callbacks outlive it (224 bytes per call, found by LeakSanitizer). */
struct nl_cb *lnw_nl_clone_cb(struct nl_sock *sk);

/* The same, for an error libnl returned before anything was sent (e.g. building msg). */
int lnw_nl_fail(struct lnw_err *err, int nle, const char *op, const char *what);

/* ---- list.c ---- */

struct lnw_list *lnw_list_new(void);
/* Sends a dump request (msg is always freed) and collects every object of the answer. */
struct lnw_list *lnw_list_dump(struct lnw_nl *nl, struct nl_msg *msg, struct lnw_err *err,
                               const char *op);
/* The i-th object of list if it is of libnl type `type` ("route/link", ...), else NULL. */
struct nl_object *lnw_list_at(const struct lnw_list *list, int i, const char *type);
/* Keeps the objects for which keep(obj, arg) is true, in order; drops the others. For the
 * filters a dump request cannot carry on every kernel. */
void lnw_list_keep(struct lnw_list *list, int (*keep)(struct nl_object *obj, void *arg), void *arg);

/* ---- link.c ---- */

/* Checks a name for the kernel's rules (1..15 bytes, no '/', ':' or whitespace, not "." or
 * ".."). Returns 0 or fills err with EINVAL naming `field`. */
int lnw_ifname_check(const char *name, const char *field, const char *op, struct lnw_err *err);
void lnw_link_fill(struct rtnl_link *l, struct lnw_link *out);
/* Gives the link object l the hardware address mac (mac_len bytes, 1..LNW_MAX_ADDR; the caller
 * checks the length). Returns 0 or -ENOMEM. */
int lnw_link_obj_set_mac(struct rtnl_link *l, const unsigned char *mac, int mac_len);
/* Creates the link l describes (named `name`; RTM_NEWLINK, NLM_F_CREATE|NLM_F_EXCL), then
 * re-reads it through read_nl, the handle of the namespace it was created in, into out. If
 * the re-read fails the link is deleted again. Returns its ifindex. */
int lnw_link_create(struct lnw_nl *nl, struct rtnl_link *l, const char *name,
                    struct lnw_nl *read_nl, struct lnw_link *out, struct lnw_err *err,
                    const char *op, const char *what);
/* The same for a request built by the caller (msg is always freed). */
int lnw_link_create_msg(struct lnw_nl *nl, struct nl_msg *msg, const char *name, int master,
                        struct lnw_nl *read_nl, struct lnw_link *out, struct lnw_err *err,
                        const char *op, const char *what);
/* Creates l (allocated by the caller, its kind's fields set; not freed here) as `name` on link
 * `parent` of nl's namespace, born in target_nl's namespace when that is not NULL (IFLA_LINK
 * names the parent in nl's, IFLA_NET_NS_FD puts the device in the target at birth, which
 * avoids the slow move), then re-read from the namespace it is in. For macvlan, ipvlan, vlan. */
int lnw_link_create_on_parent(struct lnw_nl *nl, struct rtnl_link *l, const char *name, int parent,
                              struct lnw_nl *target_nl, struct lnw_link *out, struct lnw_err *err,
                              const char *op);
/* Deletes link `index`, keeping err as it is (cleanup after a failure must not mask it). */
void lnw_link_delete_quietly(struct lnw_nl *nl, int index);
/* Sends a link add/change request built from l (RTM_NEWLINK with nlflags). */
int lnw_link_send_new(struct lnw_nl *nl, struct rtnl_link *l, int nlflags,
                      struct lnw_err *err, const char *op, const char *what);

/* ---- addr.c, route.c, neigh.c: the libnl objects the requests are built from ---- */

/* Each checks what Java sent (family, lengths, ranges of the fields that become u8/u16 in
 * the message) and builds the object, or fills err with EINVAL naming the field. `what` is
 * the object's description for messages (lnw_*_describe, which never overruns len). Kept
 * apart from sending so that native/fuzz/fuzz_attrs.c can build and read back. */
void lnw_addr_describe(const struct lnw_addr *a, char *buf, size_t len);
int lnw_addr_build(const struct lnw_addr *a, const char *op, const char *what,
                   struct rtnl_addr **out, struct lnw_err *err);
void lnw_route_describe(const struct lnw_route *r, char *buf, size_t len);
int lnw_route_build(const struct lnw_route *r, const char *op, const char *what,
                    struct rtnl_route **out, struct lnw_err *err);
void lnw_neigh_describe(const struct lnw_neigh *n, char *buf, size_t len);
/* family: AF_INET or AF_INET6 for a neighbour, AF_BRIDGE for an FDB entry */
int lnw_neigh_build(const struct lnw_neigh *n, int family, const char *op, const char *what,
                    struct rtnl_neigh **out, struct lnw_err *err);

/* ---- nft.c: libnftables' text ---- */

/* The first lines of libnftables' error text, without its "^^^" marker lines, in buf. */
void lnw_nft_error_text(const char *text, char *buf, size_t len);
/* The errno an error text stands for (saved: errno after the call); EINVAL when none. */
int lnw_nft_classify(const char *text, int saved);
/* Whether cmd may make libnftables resolve an interface name in the calling thread's netns. */
int lnw_nft_names_ifindex(const char *cmd);

/* ---- sock.c ---- */

/* Checks an address of family (4 or 16 bytes; NULL: the wildcard) and a port, naming op. */
int lnw_sockaddr_check(int family, const unsigned char *addr, int addr_len, int port, const char *op,
		       struct lnw_err *err);
/* That address and port as a sockaddr (checked first); returns its length. */
socklen_t lnw_sockaddr(struct sockaddr_storage *ss, int family, const unsigned char *addr, int port);

#endif /* LNW_INTERNAL_H */
