/*
 * plugin-crash.c - names the plugin whose code a thread was running when
 * ptrackd dies of a fatal signal.
 *
 * Plugins run inside ptrackd (docs/plugins.md): a NULL dereference in an
 * importer ends the daemon with every request in flight, and without a
 * word the log would end where it was, leaving the operator to guess which
 * of a dozen plugins did it. Each call into plugin code marks the calling
 * thread (pt_plugin_crash_enter/leave); a handler of SIGSEGV, SIGBUS,
 * SIGILL, SIGFPE and SIGABRT writes one line naming the instance, the
 * plugin and the call to stderr (the log, or the journal under systemd),
 * then hands the signal to the action it replaced (the default one, a core
 * dump, or a sanitizer's report), so that nothing of the usual crash
 * handling is lost.
 *
 * A plugin that recurses without end overflows its thread's stack, where
 * no handler could run: each thread that calls plugin code gets an
 * alternate signal stack of its own at its first call (unless it has one,
 * as a sanitizer's threads do), freed when the thread ends, and the line
 * says "stack overflow" when the faulting address is the stack's guard.
 * A plugin that calls exit() ends ptrackd without a signal: a handler
 * registered with atexit() names it the same way.
 *
 * The signal handler uses write(2), strlen, sigaction and raise only
 * (async-signal-safe), and the
 * marks are thread-local pointers to strings that outlive the call: the
 * instance's and the plugin's names, and literals.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "plugins.h"

/* The alternate stack: the handler only writes a line, but a sanitizer's
 * handler, chained after it, needs room of its own. */
#define ALT_STACK_SIZE (64 * 1024)

static _Thread_local struct {
    const char *instance; /* NULL outside plugin code */
    const char *plugin;
    const char *call;
    int prepared;       /* the thread's alternate stack and bounds are set */
    uintptr_t stack_lo; /* the lowest address of the thread's stack, */
    uintptr_t guard_lo; /* and of the guard below it (0: unknown) */
} mark;

static pthread_key_t alt_key;
static pthread_once_t alt_once = PTHREAD_ONCE_INIT;

/* At a thread's end: its alternate stack is turned off, then freed. */
static void alt_free(void *mem)
{
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && !(cur.ss_flags & SS_DISABLE) && cur.ss_sp == mem) {
        stack_t off = {.ss_flags = SS_DISABLE};
        sigaltstack(&off, NULL);
    }
    free(mem);
}

static void alt_key_make(void)
{
    (void)pthread_key_create(&alt_key, alt_free);
}

/* The first call into plugin code on this thread: gives it an alternate
 * signal stack unless it has one, and notes where its stack ends. Each
 * step may fail (memory): the handler then works as before, on the
 * thread's own stack, and does not tell an overflow. */
static void prepare_thread(void)
{
    mark.prepared = 1;
    pthread_once(&alt_once, alt_key_make);
    stack_t cur;
    if (sigaltstack(NULL, &cur) == 0 && (cur.ss_flags & SS_DISABLE)) {
        void *mem = malloc(ALT_STACK_SIZE);
        if (mem) {
            stack_t alt = {.ss_sp = mem, .ss_size = ALT_STACK_SIZE};
            if (sigaltstack(&alt, NULL) == 0 && pthread_setspecific(alt_key, mem) == 0) {
                /* freed by alt_free at the thread's end */
            } else {
                stack_t off = {.ss_flags = SS_DISABLE};
                sigaltstack(&off, NULL);
                free(mem);
            }
        }
    }
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        void *addr;
        size_t size, guard = 0;
        if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
            (void)pthread_attr_getguardsize(&attr, &guard);
            /* The main thread's guard is the kernel's gap below the
             * stack's limit, not a pthread guard: a page or more. */
            size_t below = guard > 64 * 1024 ? guard : 64 * 1024;
            mark.stack_lo = (uintptr_t)addr;
            mark.guard_lo = (uintptr_t)addr > below ? (uintptr_t)addr - below : 0;
        }
        pthread_attr_destroy(&attr);
    }
}

void pt_plugin_crash_enter(const char *instance, const char *plugin, const char *call)
{
    if (!mark.prepared)
        prepare_thread();
    mark.plugin = plugin;
    mark.call = call;
    mark.instance = instance ? instance : "";
}

void pt_plugin_crash_leave(void)
{
    mark.instance = NULL;
}

static void put(const char *s)
{
    size_t n = strlen(s);
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w <= 0)
            return;
        s += w;
        n -= (size_t)w;
    }
}

static const char *signal_name(int sig)
{
    switch (sig) {
    case SIGSEGV:
        return "SIGSEGV";
    case SIGBUS:
        return "SIGBUS";
    case SIGILL:
        return "SIGILL";
    case SIGFPE:
        return "SIGFPE";
    case SIGABRT:
        return "SIGABRT";
    default:
        return "a fatal signal";
    }
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
/* The actions the handlers replaced: the default one, or a sanitizer's
 * (whose report must not be lost). */
static struct sigaction previous[N_FATAL];

/* "plugin P (instance I), in its C()" of the calling thread's mark. */
static void put_where(void)
{
    put(mark.plugin ? mark.plugin : "?");
    if (mark.instance[0]) {
        put(" (instance ");
        put(mark.instance);
        put(")");
    }
    put(", in its ");
    put(mark.call ? mark.call : "?");
}

/* Whether a fault at `addr` is the stack's guard: a stack overflow. */
static int is_overflow(const siginfo_t *info)
{
    if (info == NULL || (info->si_signo != SIGSEGV && info->si_signo != SIGBUS) ||
        mark.stack_lo == 0)
        return 0;
    uintptr_t a = (uintptr_t)info->si_addr;
    return a >= mark.guard_lo && a < mark.stack_lo + 4096;
}

static void on_fatal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (mark.instance) {
        if (pt_log_journal())
            put("<2>"); /* critical, for the journal */
        put("ptrackd: ");
        put(signal_name(sig));
        if (is_overflow(info))
            put(" (stack overflow: a recursion without end, or a very large local array)");
        put(" in the code of plugin ");
        put_where();
        put("; ptrackd ends. A bug of that plugin: run its call under gdb or valgrind "
            "(docs/plugins.md, Testing it)\n");
    }
    /* The action this one replaced takes over: a fault (a bad address, an
     * illegal instruction) happens again when the handler returns, now
     * with it, in its own context; a signal that was sent (abort(),
     * kill) is sent again, and is delivered once the handler returns. */
    for (size_t i = 0; i < N_FATAL; i++)
        if (fatal_signals[i] == sig)
            sigaction(sig, &previous[i], NULL);
    if (info == NULL || info->si_code <= 0)
        raise(sig);
}

/* exit() called by plugin code: ptrackd ends without stopping (requests
 * in flight are not answered, the store is closed by nobody, which the
 * WAL makes safe); the operator is told whose call it was. */
static void on_exit_call(void)
{
    if (mark.instance) {
        put("ptrackd: plugin ");
        put_where();
        put(", called exit(); ptrackd ends without stopping cleanly. A bug of that plugin: "
            "a plugin returns an error code, it never exits (docs/plugins.md)\n");
    }
}

void pt_plugin_crash_install(void)
{
    atexit(on_exit_call);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &sa, &previous[i]);
}
