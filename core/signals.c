/*
 * signals.c - the signals ptrackd handles, kept off every thread but the
 * event loop's (signals.h).
 */
#include "signals.h"

void pt_signals_handled(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
}

void pt_signals_block(sigset_t *old)
{
    sigset_t set;
    pt_signals_handled(&set);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

void pt_signals_restore(const sigset_t *old)
{
    pthread_sigmask(SIG_SETMASK, old, NULL);
}

int pt_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg)
{
    /* Blocked before the thread exists and inherited by it, so that there
     * is no moment when it could take one; the caller's mask is then put
     * back as it was. */
    sigset_t old;
    pt_signals_block(&old);
    int rc = pthread_create(thread, NULL, fn, arg);
    pt_signals_restore(&old);
    return rc;
}
