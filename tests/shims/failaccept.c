/*
 * failaccept.c - an LD_PRELOAD shim for the tests: the first
 * FAILACCEPT_COUNT calls of accept4(2) fail with the errno
 * FAILACCEPT_ERRNO (a number; ENOBUFS when unset), as a kernel short of
 * memory or of buffers makes them fail, without a client being lost.
 * Later calls are the real ones.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT, accept4 */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>

static atomic_long failed;

int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags)
{
    static int (*real)(int, struct sockaddr *, socklen_t *, int);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "accept4");
    const char *count = getenv("FAILACCEPT_COUNT");
    if (count && atomic_fetch_add(&failed, 1) < atol(count)) {
        const char *e = getenv("FAILACCEPT_ERRNO");
        errno = e ? atoi(e) : ENOBUFS;
        return -1;
    }
    return real(fd, addr, len, flags);
}
