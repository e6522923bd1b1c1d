/*
 * sd-notify.c - the sd_notify(3) protocol, spoken without libsystemd.
 *
 * A message is one datagram sent with sendto(2) on an AF_UNIX SOCK_DGRAM
 * socket to the address in NOTIFY_SOCKET. An address that starts with '@'
 * names a socket in the abstract namespace: the '@' stands for the leading
 * NUL byte, and the address length then covers exactly the name, with no
 * terminating NUL (abstract names may contain any byte, and a trailing NUL
 * would be part of the name).
 *
 * The socket is opened for each message and closed after it. ptrackd sends
 * a handful of messages in its life (ready, reloading, stopping) and, when
 * the unit has a watchdog, one every half of its interval (15 s for
 * WatchdogSec=30s), so keeping a descriptor open would save little and
 * would leak one into every child a plugin starts.
 */
#include "sd-notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

int pt_sd_notify(const char *state)
{
    const char *path = getenv("NOTIFY_SOCKET");
    if (path == NULL || path[0] == '\0' || state == NULL)
        return 0;
    /* Only a path or an abstract name is understood; systemd also allows
     * "vsock:" addresses, which a local daemon has no use for. */
    if (path[0] != '/' && path[0] != '@')
        return -EAFNOSUPPORT;

    struct sockaddr_un addr;
    memset(&addr, 0, sizeof(addr));
    addr.sun_family = AF_UNIX;
    size_t len = strlen(path);
    if (len >= sizeof(addr.sun_path))
        return -ENAMETOOLONG;
    memcpy(addr.sun_path, path, len);
    socklen_t addrlen;
    if (path[0] == '@') {
        addr.sun_path[0] = '\0';
        addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
    } else {
        addrlen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len + 1);
    }

    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    size_t n = strlen(state);
    ssize_t sent;
    do {
        sent = sendto(fd, state, n, MSG_NOSIGNAL, (const struct sockaddr *)&addr, addrlen);
    } while (sent < 0 && errno == EINTR);
    int rc = sent < 0 ? -errno : (size_t)sent == n ? 0 : -EMSGSIZE;
    close(fd);
    return rc;
}

int pt_sd_notify_reloading(const char *status)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    unsigned long long usec =
        (unsigned long long)ts.tv_sec * 1000000ULL + (unsigned long long)ts.tv_nsec / 1000ULL;
    char msg[512];
    snprintf(msg, sizeof(msg), "RELOADING=1\nMONOTONIC_USEC=%llu%s%s", usec,
             status ? "\nSTATUS=" : "", status ? status : "");
    return pt_sd_notify(msg);
}

uint64_t pt_sd_watchdog_usec(void)
{
    const char *usec = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (usec == NULL || *usec < '0' || *usec > '9')
        return 0;
    if (pid != NULL && *pid != '\0') {
        char *end;
        errno = 0;
        unsigned long long p = strtoull(pid, &end, 10);
        if (errno != 0 || *end != '\0' || p != (unsigned long long)getpid())
            return 0;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(usec, &end, 10);
    if (errno != 0 || *end != '\0')
        return 0;
    return (uint64_t)v;
}
