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
 * A notifier that crashes on one event crashes on it again after the
 * restart, since the event is offered again (at least once): under
 * systemd's Restart=on-failure one bad event would keep the whole daemon
 * down. So a crash in deliver() is also recorded, as a line "<instance>
 * <seq>" appended to the file plugin-crashes of the data directory
 * (pt_plugin_crash_record_open), and the notifier asks
 * pt_plugin_crash_count before it offers an event: an event that crashed
 * its instance PT_PLUGIN_CRASHES_TO_DROP times is dropped for it instead,
 * as a PTRACK_ERROR is, and ptrackd starts serving again.
 *
 * Each line is written whole, with one write(2), as pt_log's are (log.c):
 * the other threads go on logging while the handler runs.
 *
 * The signal handler uses write(2), fsync(2), strlen, memcpy, sigaction and
 * raise only (async-signal-safe), and the
 * marks are thread-local pointers to strings that outlive the call: the
 * instance's and the plugin's names, and literals.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
    int64_t seq;        /* the event of a deliver(); -1 for other calls */
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
    mark.seq = -1;
    mark.instance = instance ? instance : "";
}

void pt_plugin_crash_event(int64_t seq)
{
    mark.seq = seq;
}

/* ---- The record of crashes in deliver() ------------------------------
 * Read once at start, before any notifier runs, and only read after: the
 * notifiers' workers ask it without a lock. The handler appends to
 * record_fd. */

#define RECORD_FILE "plugin-crashes"
/* A record larger than this is started afresh: each line is one crash,
 * so it takes thousands of restarts to get there, and the events of the
 * old lines are long past. */
#define RECORD_MAX (64 * 1024)

typedef struct {
    char instance[72];
    int64_t seq;
    int count;
} crash_seen_t;

static int record_fd = -1;
static crash_seen_t *seen;
static size_t n_seen;

static void seen_add(const char *instance, int64_t seq)
{
    for (size_t i = 0; i < n_seen; i++)
        if (seen[i].seq == seq && strcmp(seen[i].instance, instance) == 0) {
            seen[i].count++;
            return;
        }
    crash_seen_t *more = realloc(seen, (n_seen + 1) * sizeof(*seen));
    if (!more)
        return;
    seen = more;
    snprintf(seen[n_seen].instance, sizeof(seen[n_seen].instance), "%s", instance);
    seen[n_seen].seq = seq;
    seen[n_seen].count = 1;
    n_seen++;
}

/* Reads the record at path: each line "<instance> <seq>" into seen when
 * keep, and says what a start would find wrong with it, in the same words
 * for the start and for --check-config: that it cannot be read (its
 * crashes are not known), or that lines of it are not such lines (they are
 * passed over). A record that does not exist is a new one. Returns
 * whether the record is past RECORD_MAX (a start begins it afresh). */
static bool record_read(const char *path, bool keep)
{
    FILE *f = fopen(path, "re");
    if (!f) {
        if (errno != ENOENT)
            pt_warn("cannot read %s: %s; the crashes of notifiers' deliver() recorded there "
                    "are not known, so an event that crashed one %d times is offered to it "
                    "again; give the file to the user ptrackd runs as",
                    path, strerror(errno), PT_PLUGIN_CRASHES_TO_DROP);
        return false;
    }
    char line[128];
    long bad = 0, first_bad = 0, n = 0;
    /* A line longer than the buffer is read in pieces: only its first
     * piece counts, as one line. */
    bool whole = true;
    while (fgets(line, sizeof(line), f)) {
        bool begins = whole;
        whole = strchr(line, '\n') != NULL;
        if (!begins)
            continue;
        n++;
        char instance[72];
        long long seq;
        if (sscanf(line, "%71s %lld", instance, &seq) == 2 && seq > 0) {
            if (keep)
                seen_add(instance, seq);
        } else if (line[strspn(line, " \t\r\n")] && bad++ == 0) {
            first_bad = n; /* a blank line is nothing */
        }
    }
    bool restart = ftell(f) > RECORD_MAX;
    fclose(f);
    if (bad)
        pt_warn("%s: %ld line%s (the first is line %ld) %s not \"<instance> <seq>\", and %s", path,
                bad, bad == 1 ? "" : "s", first_bad, bad == 1 ? "is" : "are",
                bad == 1 ? "it is passed over: the crash it records is not counted, and its "
                           "event is offered to its notifier again"
                         : "they are passed over: the crashes they record are not counted, and "
                           "their events are offered to their notifiers again");
    return restart;
}

int pt_plugin_crash_record_open(const char *data_dir, pt_error_t *err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/" RECORD_FILE, data_dir);
    bool restart = record_read(path, true);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | (restart ? O_TRUNC : 0), 0600);
    if (fd < 0)
        return pt_error_set(err, PT_ESTORAGE, "cannot open %s: %s", path, strerror(errno));
    if (record_fd >= 0)
        close(record_fd);
    record_fd = fd;
    return PT_OK;
}

void pt_plugin_crash_record_check(const char *data_dir)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/" RECORD_FILE, data_dir);
    struct stat st;
    if (stat(path, &st) != 0)
        return; /* made by the start, in the data directory checked before */
    record_read(path, false);
    /* As the start opens it to append, judged by the effective ids. */
    int e = S_ISDIR(st.st_mode)                                ? EISDIR
            : faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) != 0 ? errno
                                                               : 0;
    if (e)
        pt_warn("cannot open %s: %s: " PT_PLUGIN_CRASHES_UNRECORDED, path, strerror(e));
}

int pt_plugin_crash_count(const char *instance, int64_t seq)
{
    for (size_t i = 0; i < n_seen; i++)
        if (seen[i].seq == seq && strcmp(seen[i].instance, instance) == 0)
            return seen[i].count;
    return 0;
}

void pt_plugin_crash_leave(void)
{
    mark.instance = NULL;
}

/* A line of the handler, built whole before its one write(2): the other
 * threads go on logging while it runs (the loop says it is ready, the
 * store's writer commits), and a line written in pieces had their lines
 * between its pieces, where the operator no longer reads it as one (nor
 * does a grep). At most PT_LOG_LINE_MAX bytes, as pt_log's lines, so that
 * the write lands whole in a pipe too; a longer one (a plugin's path is
 * named whole) is cut on a character's boundary, with "...". */
typedef struct {
    char buf[PT_LOG_LINE_MAX];
    size_t len;
    int cut; /* the line is full: nothing more is added */
} line_t;

static void put(line_t *l, const char *s)
{
    static const char cut_mark[] = "...";
    if (l->cut)
        return;
    size_t n = strlen(s);
    size_t room = sizeof(l->buf) - 1 - l->len; /* one byte is kept for the newline */
    if (n > room) {
        n = room > sizeof(cut_mark) - 1 ? room - (sizeof(cut_mark) - 1) : 0;
        /* Not inside a character: s[n], the first byte left out, must
         * begin one. */
        while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
            n--;
        memcpy(l->buf + l->len, s, n);
        l->len += n;
        n = sizeof(cut_mark) - 1 < room ? sizeof(cut_mark) - 1 : room;
        memcpy(l->buf + l->len, cut_mark, n);
        l->len += n;
        l->cut = 1;
        return;
    }
    memcpy(l->buf + l->len, s, n);
    l->len += n;
}

/* Starts a line: under the journal, each line of the handler is marked
 * critical ("<2>"), the second as the first, where a line without it is
 * recorded at the stream's default level (info). */
static void line_start(line_t *l)
{
    l->len = 0;
    l->cut = 0;
    if (pt_log_journal())
        put(l, "<2>");
}

/* Ends the line with its newline and writes it with one write(2) (the
 * loop only for a write the kernel cuts short, which one of at most
 * PIPE_BUF bytes is not). */
static void put_line(line_t *l)
{
    l->buf[l->len++] = '\n';
    const char *s = l->buf;
    size_t n = l->len;
    while (n > 0) {
        ssize_t w = write(STDERR_FILENO, s, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
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
static void put_where(line_t *l)
{
    put(l, mark.plugin ? mark.plugin : "?");
    if (mark.instance[0]) {
        put(l, " (instance ");
        put(l, mark.instance);
        put(l, ")");
    }
    put(l, ", in its ");
    put(l, mark.call ? mark.call : "?");
}

/* Writes v in decimal into buf (at least 21 bytes). Async-signal-safe. */
static const char *decimal(int64_t v, char *buf)
{
    char *p = buf + 20;
    *p = '\0';
    uint64_t u = v < 0 ? 0 : (uint64_t)v;
    do
        *--p = (char)('0' + u % 10);
    while ((u /= 10) > 0);
    return p;
}

/* Appends "<instance> <seq>" of a deliver() mark to the record. */
static void record_crash(void)
{
    if (record_fd < 0 || mark.seq < 0 || !mark.instance[0])
        return;
    char num[21], line[128];
    const char *d = decimal(mark.seq, num);
    size_t a = strlen(mark.instance), b = strlen(d);
    if (a + b + 2 > sizeof(line))
        return;
    memcpy(line, mark.instance, a);
    line[a] = ' ';
    memcpy(line + a + 1, d, b);
    line[a + 1 + b] = '\n';
    if (write(record_fd, line, a + b + 2) == (ssize_t)(a + b + 2))
        (void)fsync(record_fd);
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
        int saved_errno = errno;
        line_t l;
        line_start(&l);
        put(&l, "ptrackd: ");
        put(&l, signal_name(sig));
        if (is_overflow(info))
            put(&l, " (stack overflow: a recursion without end, or a very large local array)");
        put(&l, " in the code of plugin ");
        put_where(&l);
        if (mark.seq >= 0) {
            char num[21];
            put(&l, " of event ");
            put(&l, decimal(mark.seq, num));
        }
        put(&l, "; ptrackd ends. A bug of that plugin: run its call under gdb or valgrind "
                "(docs/plugins.md, Testing it)");
        put_line(&l);
        if (mark.seq >= 0) {
            /* The record was read at start and is only read since. */
            bool last =
                pt_plugin_crash_count(mark.instance, mark.seq) + 1 >= PT_PLUGIN_CRASHES_TO_DROP;
            char limit[21];
            line_start(&l);
            if (last) {
                put(&l, "ptrackd: its deliver() has now crashed on that event ");
                put(&l, decimal(PT_PLUGIN_CRASHES_TO_DROP, limit));
                put(&l, " times: after the restart the event is dropped for that instance");
            } else {
                put(&l, "ptrackd: after the restart the event is offered to that instance "
                        "again, and dropped for it once its deliver() has crashed on it ");
                put(&l, decimal(PT_PLUGIN_CRASHES_TO_DROP, limit));
                put(&l, " times");
            }
            put_line(&l);
            record_crash();
        }
        errno = saved_errno;
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
        line_t l;
        line_start(&l);
        put(&l, "ptrackd: plugin ");
        put_where(&l);
        put(&l, ", called exit(); ptrackd ends without stopping cleanly. A bug of that plugin: "
                "a plugin returns an error code, it never exits (docs/plugins.md)");
        put_line(&l);
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
