/*
 * err.c - struct lnw_err: the one way the core reports a failure.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <netlink/errno.h>

#include "lnw_internal.h"

void lnw_err_clear(struct lnw_err *err)
{
	if (err)
		memset(err, 0, sizeof(*err));
}

int lnw_err_set(struct lnw_err *err, int code, const char *op, const char *fmt, ...)
{
	char what[sizeof(err->msg)];
	const char *name;
	va_list ap;

	if (code <= 0)
		code = EIO;
	if (!err)
		return -code;

	err->code = code;
	snprintf(err->op, sizeof(err->op), "%s", op);

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);

	/* strerrorname_np (glibc 2.32) gives the symbolic name, which is what people grep for. */
	name = strerrorname_np(code);
	snprintf(err->msg, sizeof(err->msg), "%s%s%s (%s)", what, what[0] ? ": " : "",
		 strerror(code), name ? name : "?");
	return -code;
}

int lnw_nle_to_errno(int nle)
{
	if (nle < 0)
		nle = nle == INT_MIN ? INT_MAX : -nle; /* INT_MIN has no negation: an unknown code (UBSan) */
	switch (nle) {
	case NLE_SUCCESS:        return 0;
	case NLE_INTR:           return EINTR;
	case NLE_BAD_SOCK:       return EBADF;
	case NLE_AGAIN:          return EAGAIN;
	case NLE_NOMEM:          return ENOMEM;
	case NLE_EXIST:          return EEXIST;
	case NLE_INVAL:          return EINVAL;
	case NLE_RANGE:          return ERANGE;
	case NLE_MSGSIZE:        return EMSGSIZE;
	case NLE_OPNOTSUPP:      return EOPNOTSUPP;
	case NLE_AF_NOSUPPORT:   return EAFNOSUPPORT;
	case NLE_OBJ_NOTFOUND:   return ENOENT;
	case NLE_NOATTR:         return ENOENT;
	case NLE_MISSING_ATTR:   return EINVAL;
	case NLE_AF_MISMATCH:    return EAFNOSUPPORT;
	case NLE_SEQ_MISMATCH:   return EPROTO;
	case NLE_MSG_OVERFLOW:   return EMSGSIZE;
	case NLE_MSG_TRUNC:      return EMSGSIZE;
	case NLE_NOADDR:         return EADDRNOTAVAIL;
	case NLE_SRCRT_NOSUPPORT: return EOPNOTSUPP;
	case NLE_MSG_TOOSHORT:   return EPROTO;
	case NLE_MSGTYPE_NOSUPPORT: return EOPNOTSUPP;
	case NLE_OBJ_MISMATCH:   return EINVAL;
	case NLE_NOCACHE:        return ENOENT;
	case NLE_BUSY:           return EBUSY;
	case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT;
	case NLE_NOACCESS:       return EACCES;
	case NLE_PERM:           return EPERM;
	case NLE_PKTLOC_FILE:    return ENOENT;
	case NLE_PARSE_ERR:      return EPROTO;
	case NLE_NODEV:          return ENODEV;
	case NLE_IMMUTABLE:      return EPERM;
	case NLE_DUMP_INTR:      return EINTR;
	case NLE_ATTRSIZE:       return EINVAL;
	default:                 return EIO;
	}
}
