/*
 * plugin-crash.c - names the plugin whose code a thread was running when
 * ptrackd dies of a fatal signal.
 *
 * Plugins run inside ptrackd (PRODUCT.md §5): a NULL dereference in an
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
 * The handler uses write(2), strlen, sigaction and raise only
 * (async-signal-safe), and the
 * marks are thread-local pointers to strings that outlive the call: the
 * instance's and the plugin's names, and literals.
 */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "plugins.h"

static _Thread_local struct {
    const char *instance; /* NULL outside plugin code */
    const char *plugin;
    const char *call;
} mark;

void pt_plugin_crash_enter(const char *instance, const char *plugin, const char *call)
{
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
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "a fatal signal";
    }
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define N_FATAL (sizeof(fatal_signals) / sizeof(fatal_signals[0]))
/* The actions the handlers replaced: the default one, or a sanitizer's
 * (whose report must not be lost). */
static struct sigaction previous[N_FATAL];

static void on_fatal(int sig, siginfo_t *info, void *context)
{
    (void)context;
    if (mark.instance) {
        put("ptrackd: ");
        put(signal_name(sig));
        put(" in the code of plugin ");
        put(mark.plugin ? mark.plugin : "?");
        if (mark.instance[0]) {
            put(" (instance ");
            put(mark.instance);
            put(")");
        }
        put(", in its ");
        put(mark.call ? mark.call : "?");
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

void pt_plugin_crash_install(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < N_FATAL; i++)
        sigaction(fatal_signals[i], &sa, &previous[i]);
}
