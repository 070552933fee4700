package org.libnetwork4j.kernel;

import java.nio.charset.StandardCharsets;

import org.libnetwork4j.AlreadyExistsException;
import org.libnetwork4j.ForbiddenException;
import org.libnetwork4j.InternalException;
import org.libnetwork4j.InvalidParameterException;
import org.libnetwork4j.NetworkException;
import org.libnetwork4j.NotFoundException;
import org.libnetwork4j.NotSupportedException;
import org.libnetwork4j.PermissionDeniedException;
import org.libnetwork4j.RetryableException;
import org.libnetwork4j.internal.jni.LnwErr;
import org.libnetwork4j.internal.jni.LnwNative;

/**
 * The one place where an errno becomes a typed exception (netty's Errors, junixsocket's
 * exceptions.c). The errno values come from the C headers through the binding, never from
 * numbers written here.
 */
final class Errors {
    private Errors() {
    }

    /** The exception for a failed native call: message "OP OBJECT: TEXT (ENAME)[: ext-ack]". */
    static NetworkException of(LnwErr err, String object) {
        String op = cString(err.op);
        String msg = cString(err.msg);
        return of(err.code, err.nl_code, op.isEmpty() ? msg : op + " " + msg, op, object);
    }

    /** The exception class for errno, libnetwork-style: what can the caller do about it. */
    static NetworkException of(int errno, String message, String op, String object) {
        return of(errno, 0, message, op, object);
    }

    private static NetworkException of(int errno, int nl, String message, String op, String object) {
        if (errno == LnwNative.EEXIST || errno == LnwNative.EADDRINUSE) {
            return new AlreadyExistsException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.ENOENT || errno == LnwNative.ENODEV || errno == LnwNative.ESRCH
                || errno == LnwNative.ENXIO || errno == LnwNative.EADDRNOTAVAIL
                || errno == LnwNative.ECONNREFUSED || errno == LnwNative.EHOSTUNREACH) {
            return new NotFoundException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.EINVAL || errno == LnwNative.ERANGE || errno == LnwNative.E2BIG
                || errno == LnwNative.ENAMETOOLONG || errno == LnwNative.EBADF
                || errno == LnwNative.ENOTDIR || errno == LnwNative.EMSGSIZE
                || errno == LnwNative.ENETUNREACH || errno == LnwNative.ELOOP) {
            return new InvalidParameterException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.EBUSY || errno == LnwNative.ENOTEMPTY || errno == LnwNative.ENOSPC
                || errno == LnwNative.ENETDOWN) {
            return new ForbiddenException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.EOPNOTSUPP || errno == LnwNative.EAFNOSUPPORT
                || errno == LnwNative.EPROTONOSUPPORT || errno == LnwNative.ENOSYS) {
            return new NotSupportedException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.EPERM || errno == LnwNative.EACCES) {
            return new PermissionDeniedException(message, errno, nl, op, object, null);
        }
        if (errno == LnwNative.EAGAIN || errno == LnwNative.EINTR || errno == LnwNative.ENOBUFS
                || errno == LnwNative.ETIMEDOUT || errno == LnwNative.ENOMEM
                || errno == LnwNative.EMFILE || errno == LnwNative.ENFILE) {
            return new RetryableException(message, errno, nl, op, object, null);
        }
        return new InternalException(message, errno, nl, op, object, null);
    }

    /** A call on a handle that was closed: the caller's mistake, reported as EBADF. */
    static InvalidParameterException closed(String op, String what) {
        return new InvalidParameterException(op + ": " + what + " is closed",
                LnwNative.EBADF, op, what, null);
    }

    /** Text up to the first NUL, as C wrote it. */
    static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.UTF_8);
    }
}
