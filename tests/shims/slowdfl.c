/*
 * slowdfl.c - an LD_PRELOAD shim for the tests: each time SIGTERM is given
 * back its default action (sigaction with SIG_DFL), it sleeps SLOWDFL_MS
 * milliseconds before it returns, when that variable is set.
 *
 * libuv does that when the last handle of a signal closes, and ptrackd
 * then ignores the signal: the moment in between, when a SIGTERM ends the
 * process, is a few instructions long. The shim makes it long enough for
 * a test to send SIGTERM into it every time.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

int sigaction(int sig, const struct sigaction *act, struct sigaction *old)
{
    static int (*real)(int, const struct sigaction *, struct sigaction *);
    if (!real)
        *(void **)&real = dlsym(RTLD_NEXT, "sigaction");
    int rc = real(sig, act, old);
    const char *ms = getenv("SLOWDFL_MS");
    if (rc == 0 && sig == SIGTERM && act && !(act->sa_flags & SA_SIGINFO) &&
        act->sa_handler == SIG_DFL && ms) {
        long n = atol(ms);
        struct timespec ts = {n / 1000, (n % 1000) * 1000000L};
        nanosleep(&ts, NULL);
    }
    return rc;
}
