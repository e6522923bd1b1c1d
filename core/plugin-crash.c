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
 * then lets the signal do what it does by default (a core dump), so that
 * nothing of the usual crash handling is lost.
 *
 * The handler uses write(2) and strlen only (async-signal-safe), and the
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

static void on_fatal(int sig)
{
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
    /* SA_RESETHAND has put back the default action: raised again, the
     * signal takes it once the handler returns. */
    raise(sig);
}

void pt_plugin_crash_install(void)
{
    static const int sigs[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_fatal;
    sa.sa_flags = (int)SA_RESETHAND;
    sigemptyset(&sa.sa_mask);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        sigaction(sigs[i], &sa, NULL);
}
