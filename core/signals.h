/*
 * signals.h - the signals ptrackd handles, and the threads that must never
 * take them.
 *
 * ptrackd handles SIGTERM, SIGINT and SIGHUP on its event loop (libuv's
 * signal handles, ptrackd.c). The kernel gives a signal sent to the process
 * to any one of its threads that does not block it, and runs the action in
 * force there: while libuv's handler is installed, it only wakes the loop,
 * but a blocking call of that thread (a plugin's, SQLite's) may see EINTR;
 * and at the end of a stop, once libuv has closed the last handle of a
 * signal and given it back its default action, a SIGTERM that came to any
 * thread but the loop's ended ptrackd with 143 before it could ignore the
 * signal. So every other thread blocks them, from its first instruction:
 *
 *   - ptrackd's own threads (the store's writer and checkpointer, the jobs,
 *     the notifiers) are made by pt_thread_start, with them blocked around
 *     pthread_create, which the new thread inherits;
 *   - the loop's thread blocks them itself while ptrackd starts, so that
 *     libuv's thread pool (started then) and the threads a plugin's
 *     create() makes inherit them, and around each later call into plugin
 *     code that may make threads (dlopen, the entry point, create(),
 *     destroy());
 *   - the threads made from those threads inherit them in turn.
 *
 * The loop's thread takes them once the start is done: a signal that came
 * meanwhile waits in the kernel until then.
 */
#ifndef PT_SIGNALS_H
#define PT_SIGNALS_H

#include <pthread.h>
#include <signal.h>

/* Fills set with the signals ptrackd handles: SIGTERM, SIGINT, SIGHUP. */
void pt_signals_handled(sigset_t *set);

/* Blocks the signals ptrackd handles on the calling thread; *old (may be
 * NULL) receives the mask it had, for pt_signals_restore.
 * Thread: any (its own mask only). */
void pt_signals_block(sigset_t *old);

/* Gives the calling thread back the mask pt_signals_block saved.
 * Thread: the one that called pt_signals_block. */
void pt_signals_restore(const sigset_t *old);

/* pthread_create(thread, NULL, fn, arg), the new thread blocking the
 * signals ptrackd handles from its start. Returns 0 or an errno.
 * Thread: any. */
int pt_thread_start(pthread_t *thread, void *(*fn)(void *), void *arg);

#endif
