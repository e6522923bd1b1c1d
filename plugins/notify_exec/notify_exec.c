/*
 * notify_exec.c - a notifier that runs a command for each event, with the
 * event's JSON on its standard input: the glue to an SMS gateway's client,
 * a script that files a ticket, anything the office already has.
 *
 * Options:
 *   command  (strings, required)  the argv to run, no shell: ["/usr/local/bin/sms",
 *                                 "--to", "13800000000"]; a first element
 *                                 without a slash is looked up in /usr/bin
 *                                 and /bin (the child's PATH); a file
 *                                 the kernel cannot run (no #! line, a
 *                                 missing interpreter) refuses the load
 *   timeout  (duration, "30s")    the longest a run may take; then the
 *                                 command's process group is killed
 *
 * The child runs in a process group of its own, in the daemon's working
 * directory, with no file of the daemon open but its three pipes (stdin,
 * stdout, stderr), default signal dispositions, an empty signal mask and a
 * minimal environment:
 *   PATH=/usr/bin:/bin  LANG=C.UTF-8  PTRACK_EVENT=<type>  PTRACK_SEQ=<seq>
 * and ptrackd's TZ when it has one, so that the command's local time is
 * ptrackd's (without it, both read /etc/localtime).
 * Its output (at most OUTPUT_MAX bytes of each stream, as much as fits in
 * one log line; the rest is read and thrown away so that the child never
 * blocks on a full pipe) goes to the daemon's log: at info for a run that
 * delivers, at error for one that drops the event, at debug for one that
 * is tried again, whose reason ends with the output's last line
 * (output_reason(), notify-attempt.h).
 *
 * What the run means:
 *   exit 0              delivered
 *   exit 75             (EX_TEMPFAIL, sysexits.h) tried again after the
 *                       host's back-off
 *   timeout             the group is killed with SIGKILL; tried again
 *   ended by SIGTERM,   (from outside: a stop of the service, kill, the
 *   SIGKILL, SIGINT or  OOM killer) tried again
 *   SIGHUP
 *   other exit codes,
 *   death by another
 *   signal              logged with the output; the event is dropped
 *   cannot start it     tried again (the file may be installed later)
 * The child is always reaped before deliver() returns: no zombie is left.
 * When ptrackd exits while a command runs (a stop gives up on a deliver()
 * that has not returned), the command's group gets SIGTERM as the plugin's
 * code is unloaded, rather than running on without a parent: the event
 * comes again after the restart. However ptrackd ends, kill -9 and crashes
 * included, the command itself gets SIGKILL as ptrackd's process goes
 * (PR_SET_PDEATHSIG). The kernel passes that signal to no process the
 * command starts: those run on, in the command's group, unless they exit
 * with it (exec, or setpriv --pdeathsig) or a service manager ends them.
 *
 * Thread: create() and destroy() run on the loop thread; deliver() on the
 * instance's worker, which blocks in poll(2) while the command runs. The
 * state is read-only after create() but for the count of failed runs,
 * which the worker alone uses, so it needs no lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <ptrack/plugin.h>

#include "notify-attempt.h"
#include "utf8.h"

/* The most of each of stdout and stderr kept for the log, and the most of
 * it (escaped) put in one log line, which the host takes up to 4 KiB. */
#define OUTPUT_MAX 3072
#define LOGGED_MAX 3072
/* The most of a run's last line of output (escaped) put in the reason of a
 * run that is tried again, which the host keeps to 383 bytes in all. */
#define REASON_OUTPUT_MAX 200
/* The most of a stream's end kept past OUTPUT_MAX, where its last line is
 * (a long traceback's exception). */
#define TAIL_MAX 512
/* The exit code that asks for a retry (EX_TEMPFAIL of sysexits.h). */
#define EXIT_TEMPFAIL 75
/* The child's PATH, and where a bare command name is looked up. */
#define CHILD_PATH "/usr/bin:/bin"

/* One instance. */
typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;
    size_t argc;
    /* argv[0] is the resolved file; the others are borrowed from the
     * host's options, valid until destroy(). NULL-terminated. */
    char **argv;
    char *file; /* the resolved path of the command, owned */
    char *tz;   /* "TZ=..." of ptrackd's environment, owned; NULL when it has none */
    int64_t timeout_ms;
    pt_attempts_t attempts; /* the failed runs of the event being delivered: the worker's */
} exec_t;

/* Output captured from one stream of the child. */
typedef struct {
    int fd; /* -1 once closed */
    char data[OUTPUT_MAX];
    size_t len;
    size_t dropped;      /* bytes read past OUTPUT_MAX */
    char tail[TAIL_MAX]; /* the last of them */
    size_t tail_len;
} capture_t;

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Commands running ---------------------------------------------------- */

/* The process groups of the commands running now, of every instance, so
 * that they can be ended when the plugin's code goes (at exit). */
static pthread_mutex_t running_mu = PTHREAD_MUTEX_INITIALIZER;
static pid_t *running;
static size_t n_running, cap_running;

/* Thread: a worker. Returns false when memory is short. */
static bool running_add(pid_t pgid)
{
    pthread_mutex_lock(&running_mu);
    bool ok = true;
    if (n_running == cap_running) {
        size_t cap = cap_running ? cap_running * 2 : 8;
        pid_t *grown = realloc(running, cap * sizeof(*grown));
        if (grown) {
            running = grown;
            cap_running = cap;
        } else {
            ok = false;
        }
    }
    if (ok)
        running[n_running++] = pgid;
    pthread_mutex_unlock(&running_mu);
    return ok;
}

/* Thread: a worker. */
static void running_remove(pid_t pgid)
{
    pthread_mutex_lock(&running_mu);
    for (size_t i = 0; i < n_running; i++)
        if (running[i] == pgid) {
            running[i] = running[--n_running];
            break;
        }
    pthread_mutex_unlock(&running_mu);
}

/* Runs when the plugin's code is unloaded: at dlclose, which happens only
 * when no worker is inside deliver(), or at the process's exit, when one
 * may be. */
__attribute__((destructor)) static void end_running(void)
{
    pthread_mutex_lock(&running_mu);
    for (size_t i = 0; i < n_running; i++)
        if (running[i] > 1)
            kill(-running[i], SIGTERM);
    n_running = 0;
    free(running);
    running = NULL;
    cap_running = 0;
    pthread_mutex_unlock(&running_mu);
}

/* ---- Options ----------------------------------------------------------- */

static const ptrack_option_t exec_options[] = {
    {"command", PTRACK_OPT_STRINGS, 1, NULL,
     "the argv to run for each event, no shell; the event's JSON is on its stdin"},
    {"timeout", PTRACK_OPT_DURATION, 0, "30s",
     "the longest a run may take before its process group is killed (then retried)"},
    PTRACK_OPTION_END,
};

/* Whether path is a regular file this process may execute (access(2)
 * alone says yes to a directory). */
static bool runnable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

/* Why the kernel could not run the file at path, which runnable() passed,
 * into why (size bytes), or false when it can: a file that is neither a
 * program (ELF) nor a script whose first line is "#!" and an interpreter
 * that is an executable file, when it is text. execve(2) answers ENOEXEC for the first (a
 * shell runs a script without "#!" itself, ptrackd runs no shell) and
 * ENOENT for a script whose interpreter is missing, which read as if the
 * script itself were; either way every event was tried again, for ever,
 * and the events behind it waited. A file that cannot be read is left to
 * the run. */
static bool cannot_run(const char *path, char *why, size_t size)
{
    char head[256];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    ssize_t n;
    while ((n = read(fd, head, sizeof(head) - 1)) < 0 && errno == EINTR)
        ;
    close(fd);
    if (n < 0)
        return false;
    head[n] = '\0';
    if (n >= 4 && memcmp(head, "\177ELF", 4) == 0)
        return false;
    if (n < 2 || head[0] != '#' || head[1] != '!') {
        /* Only text is judged: another binary format may be the kernel's
         * through binfmt_misc (a .jar, a .pyc), and is left to the run. */
        for (ssize_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)head[i];
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') || c == 0x7f)
                return false;
        }
        snprintf(why, size,
                 "is neither a program nor a script whose first line is #! and its "
                 "interpreter (a shell script begins with #!/bin/sh)");
        return true;
    }
    /* The interpreter: after "#!" and blanks, up to a blank or the line's
     * end, as the kernel reads it. */
    char *interp = head + 2;
    while (*interp == ' ' || *interp == '\t')
        interp++;
    /* The kernel ends the name at a blank or the newline only: a "\r"
     * before it (a script saved with Windows line ends) is part of it. */
    size_t len = strcspn(interp, " \t\n");
    if (interp[len] == '\0' && (size_t)n == sizeof(head) - 1)
        return false; /* a line longer than read here: left to the run */
    if (len == 0) {
        snprintf(why, size, "begins with #! but names no interpreter on that line");
        return true;
    }
    interp[len] = '\0';
    if (len > 1 && interp[len - 1] == '\r') {
        interp[len - 1] = '\0';
        snprintf(why, size,
                 "is a script whose #! line ends with a carriage return after %.160s (Windows line "
                 "ends), which the kernel takes as part of the interpreter's name: save it with "
                 "Unix line ends",
                 interp);
        return true;
    }
    if (!runnable(interp)) {
        snprintf(why, size, "is a script for %.160s, which is not an executable file", interp);
        return true;
    }
    return false;
}

/* Finds the file a command names: as it is with a slash, else in CHILD_PATH
 * (the child's own PATH, not the daemon's). Returns a malloc'd path or
 * NULL. */
static char *resolve(const char *name)
{
    if (strchr(name, '/'))
        return strdup(name);
    static const char *const dirs[] = {"/usr/bin", "/bin"};
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
        size_t len = strlen(dirs[i]) + 1 + strlen(name) + 1;
        char *path = malloc(len);
        if (!path)
            return NULL;
        snprintf(path, len, "%s/%s", dirs[i], name);
        if (runnable(path))
            return path;
        free(path);
    }
    return NULL;
}

static void exec_destroy(void *state)
{
    exec_t *x = state;
    if (!x)
        return;
    free(x->argv);
    free(x->file);
    free(x->tz);
    free(x);
}

/* Thread: loop. Reads the options and resolves the command; runs nothing. */
static int exec_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    exec_t *x = calloc(1, sizeof(*x));
    if (!x) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    x->host = host;
    x->inst = inst;
    if (host->opt_strings_count(inst, "command", &x->argc) != PTRACK_OK || x->argc == 0) {
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"command\" must be a non-empty array: the program and its arguments");
        goto fail;
    }
    x->argv = calloc(x->argc + 1, sizeof(*x->argv));
    if (!x->argv) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        goto fail;
    }
    for (size_t i = 0; i < x->argc; i++) {
        const char *arg = NULL;
        if (host->opt_strings_at(inst, "command", i, &arg) != PTRACK_OK || !arg) {
            host->log(inst, PTRACK_LOG_ERROR, "option \"command\": element %zu is missing", i);
            goto fail;
        }
        /* execve takes char *const argv[]; the strings are not written
         * to. */
        x->argv[i] = (char *)arg;
    }
    if (x->argv[0][0] == '\0') {
        host->log(inst, PTRACK_LOG_ERROR, "option \"command\": the program name is empty");
        goto fail;
    }
    /* A missing program is refused at load, where the person configuring
     * it sees the reason, rather than retried for ever. */
    x->file = resolve(x->argv[0]);
    if (!x->file || !runnable(x->file)) {
        /* A relative path is ptrackd's working directory's, not that of
         * the shell where `ptrack plugins load` ran or the config was
         * written: say which, or the refusal of a script that is right
         * there read as nonsense. */
        char where[PATH_MAX + 80] = "";
        if (!strchr(x->argv[0], '/')) {
            snprintf(where, sizeof(where), " in /usr/bin or /bin (give a full path)");
        } else if (x->argv[0][0] != '/') {
            char cwd[PATH_MAX];
            snprintf(where, sizeof(where), " in ptrackd's working directory, %s (give a full path)",
                     getcwd(cwd, sizeof(cwd)) ? cwd : "unknown");
        }
        host->log(inst, PTRACK_LOG_ERROR, "option \"command\": %s is not an executable file%s",
                  x->argv[0], where);
        goto fail;
    }
    char why[400];
    if (cannot_run(x->file, why, sizeof(why))) {
        host->log(inst, PTRACK_LOG_ERROR, "option \"command\": %s %s", x->file, why);
        goto fail;
    }
    if (host->opt_duration(inst, "timeout", &x->timeout_ms) != PTRACK_OK || x->timeout_ms <= 0) {
        host->log(inst, PTRACK_LOG_ERROR, "option \"timeout\" must be a positive duration");
        goto fail;
    }
    /* Read here, on the loop thread: getenv is not safe against a thread
     * that changes the environment, and the worker's runs need only the
     * copy. */
    const char *tz = getenv("TZ");
    if (tz) {
        size_t size = strlen("TZ=") + strlen(tz) + 1;
        if (!(x->tz = malloc(size))) {
            host->log(inst, PTRACK_LOG_ERROR, "out of memory");
            goto fail;
        }
        snprintf(x->tz, size, "TZ=%s", tz);
    }
    *state = x;
    return PTRACK_OK;
fail:
    exec_destroy(x);
    return PTRACK_ERROR;
}

/* ---- Running the command ------------------------------------------------ */

/* Reads what the pipe has now into c; closes it at its end or on an error.
 * Thread: the worker. */
/* Keeps the last TAIL_MAX bytes of those c drops, p[0..n) the latest. */
static void keep_tail(capture_t *c, const char *p, size_t n)
{
    if (n >= TAIL_MAX) {
        memcpy(c->tail, p + n - TAIL_MAX, TAIL_MAX);
        c->tail_len = TAIL_MAX;
        return;
    }
    size_t stay = c->tail_len + n > TAIL_MAX ? TAIL_MAX - n : c->tail_len;
    memmove(c->tail, c->tail + c->tail_len - stay, stay);
    memcpy(c->tail + stay, p, n);
    c->tail_len = stay + n;
}

static void drain(capture_t *c)
{
    char tmp[4096];
    for (;;) {
        ssize_t n = read(c->fd, tmp, sizeof(tmp));
        if (n > 0) {
            size_t room = OUTPUT_MAX - c->len;
            size_t keep = (size_t)n < room ? (size_t)n : room;
            memcpy(c->data + c->len, tmp, keep);
            c->len += keep;
            c->dropped += (size_t)n - keep;
            if ((size_t)n > keep)
                keep_tail(c, tmp + keep, (size_t)n - keep);
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        close(c->fd);
        c->fd = -1;
        return;
    }
}

/* The length of the first len bytes of data without the character that
 * the end of a capture (OUTPUT_MAX bytes) may have cut: its first bytes
 * alone would be shown as "?" in the log. */
static size_t whole_chars(const char *data, size_t len)
{
    size_t back = 0; /* continuation bytes at the end */
    while (back < len && back < 3 && ((unsigned char)data[len - 1 - back] & 0xC0) == 0x80)
        back++;
    if (back == len)
        return len;
    unsigned char lead = (unsigned char)data[len - 1 - back];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    return back + 1 < need ? len - 1 - back : len;
}

/* Writes data[0..len) to text (max + 1 bytes) with newlines and other
 * control characters escaped (\n, \x01), as much as fits in max bytes,
 * and NUL-terminates it; sets *cut when not all of data fitted. The cut falls between two escapes
 * or characters, never inside one: a line that ended with "\x0" of a \x01, or with the "\" of a \n,
 * would show another byte than the command wrote, and a character's first bytes would be shown as
 * "?". A byte that begins no valid character stands alone (the host shows it as "?"). */
static void escape_output(const char *data, size_t len, char *text, size_t max, bool *cut)
{
    size_t o = 0, i = 0;
    *cut = false;
    while (i < len) {
        unsigned char ch = (unsigned char)data[i];
        char esc[5];
        const char *piece = esc;
        size_t n, next = i + 1;
        if (ch == '\n') {
            n = (size_t)snprintf(esc, sizeof(esc), "\\n");
        } else if (ch < 0x20 || ch == 0x7f) {
            n = (size_t)snprintf(esc, sizeof(esc), "\\x%02x", ch);
        } else {
            next = i;
            if (pt_utf8_next(data, len, &next) < 0)
                next = i + 1;
            piece = data + i;
            n = next - i;
        }
        if (o + n > max) {
            *cut = true;
            break;
        }
        memcpy(text + o, piece, n);
        o += n;
        i = next;
    }
    text[o] = '\0';
}

/* The captured output of c without the character its end may have cut
 * and without the line ends that close it: its length. */
static size_t output_len(const capture_t *c)
{
    size_t len = c->dropped ? whole_chars(c->data, c->len) : c->len;
    while (len > 0 && (c->data[len - 1] == '\n' || c->data[len - 1] == '\r'))
        len--;
    return len;
}

/* Logs the captured output of one stream, one log line, with newlines and
 * other control characters shown escaped so that the log stays one line an
 * entry. */
static void log_output(exec_t *x, int level, const ptrack_event_t *ev, const char *stream,
                       const capture_t *c)
{
    if (c->len == 0)
        return;
    size_t len = output_len(c);
    char *text = malloc(LOGGED_MAX + 1);
    if (!text)
        return;
    bool cut;
    escape_output(c->data, len, text, LOGGED_MAX, &cut);
    x->host->log(x->inst, level, "event %" PRId64 ": %s %s: %s%s", ev->seq, x->argv[0], stream,
                 text, c->dropped || cut ? " [...more output dropped]" : "");
    free(text);
}

/* Writes to reason (size bytes) "; stderr: LINE", the last line the run
 * wrote to stderr (to stdout when stderr has nothing), escaped and cut to
 * REASON_OUTPUT_MAX bytes with "…"; "" when it wrote nothing. Of a stream
 * longer than the log keeps, it is the last line of the tail kept past
 * it, "…" before it when it began before that tail. That line
 * (a gateway's "短信网关繁忙，请稍后再试", a Python exception) is what says
 * why, and the reason of a run that is tried again is what ptrackd's
 * warning quotes: the output's own lines are then at debug. */
static void output_reason(const capture_t cap[2], char *reason, size_t size)
{
    reason[0] = '\0';
    int i = output_len(&cap[1]) > 0 ? 1 : 0;
    const char *data = cap[i].data;
    size_t end = output_len(&cap[i]);
    if (cap[i].dropped) {
        size_t t = cap[i].tail_len;
        while (t > 0 && (cap[i].tail[t - 1] == '\n' || cap[i].tail[t - 1] == '\r'))
            t--;
        if (t > 0)
            data = cap[i].tail, end = t;
    }
    if (end == 0)
        return;
    size_t start = end;
    while (start > 0 && data[start - 1] != '\n')
        start--;
    /* A line that began before the tail: from its first whole character. */
    bool began = start == 0 && data == cap[i].tail;
    while (began && start < end && ((unsigned char)data[start] & 0xC0) == 0x80)
        start++;
    char text[REASON_OUTPUT_MAX + 1];
    bool cut;
    escape_output(data + start, end - start, text, REASON_OUTPUT_MAX, &cut);
    snprintf(reason, size, "; %s: %s%s%s", i ? "stderr" : "stdout", began ? "…" : "", text,
             cut ? "…" : "");
}

/* Makes the pipe pair p with both ends close-on-exec (the child's ends are
 * dup2'ed onto 0, 1 and 2, which clears the flag on those copies only). */
static int make_pipe(int p[2])
{
    return pipe2(p, O_CLOEXEC);
}

static void close_fd(int *fd)
{
    if (*fd >= 0) {
        close(*fd);
        *fd = -1;
    }
}

/* fd, or a copy of it above 2 (close-on-exec) when it is 0, 1 or 2, so
 * that no dup2 onto 0, 1 and 2 overwrites another one still to be copied
 * (ptrackd may have been started with one of them closed). -1 on failure.
 * Async-signal-safe. */
static int above_std(int fd)
{
    return fd > 2 ? fd : fcntl(fd, F_DUPFD_CLOEXEC, 3);
}

/* The child's side of the fork, up to execve(2); never returns. ptrackd
 * has other threads, whose locks the fork may have copied held, so only
 * async-signal-safe calls are made here, on what spawn() made before the
 * fork. fds are the child's stdin, stdout and stderr. When something fails
 * before the command runs, its errno is written to `report` (closed on
 * exec, so spawn() reads nothing when the command runs) and the child
 * exits. */
__attribute__((noreturn)) static void child_exec(const exec_t *x, char *const envp[],
                                                 const int fds[3], int report, pid_t parent)
{
    /* The command dies with ptrackd, however ptrackd ends (kill -9, a
     * crash): the kernel sends SIGKILL when the thread that forked it
     * ends, and this worker stays in deliver() until the child is reaped,
     * so that is when the process ends. A ptrackd gone between the fork
     * and the prctl has already ended: the signal would never come. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0)
        goto fail;
    if (getppid() != parent)
        _exit(127);
    /* A group of its own, so that a timeout kills what it started too. */
    if (setpgid(0, 0) != 0)
        goto fail;
    int src[3];
    for (int i = 0; i < 3; i++)
        if ((src[i] = above_std(fds[i])) < 0)
            goto fail;
    if ((report = above_std(report)) < 0)
        goto fail;
    for (int i = 0; i < 3; i++)
        if (dup2(src[i], i) < 0)
            goto fail;
#ifdef CLOSE_RANGE_CLOEXEC
    /* Whatever the daemon or a library opened without O_CLOEXEC stays out
     * of the command; report too is closed by the exec. Older kernels
     * refuse the flag and leave it to O_CLOEXEC alone. */
    (void)close_range(3, ~0U, CLOSE_RANGE_CLOEXEC);
#endif
    /* Default dispositions (the daemon ignores SIGPIPE) before an empty
     * mask (the worker blocks the signals ptrackd handles, and a child inherits that),
     * so that no signal reaches a handler of the daemon's here. */
    struct sigaction dfl = {.sa_handler = SIG_DFL};
    for (int sig = 1; sig < NSIG; sig++)
        (void)sigaction(sig, &dfl, NULL); /* SIGKILL, SIGSTOP and libc's own refuse */
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) != 0)
        goto fail;
    execve(x->file, x->argv, envp);
fail:;
    int e = errno;
    ssize_t n = write(report, &e, sizeof(e));
    (void)n; /* the parent sees the exit alone */
    _exit(127);
}

/* Starts the command with fds as its stdin, stdout and stderr (left open
 * here). Returns 0 with *pid set once the command runs, or the errno of
 * what kept it from running (the child, if any, reaped).
 * Thread: the worker. */
static int spawn(exec_t *x, char *const envp[], const int fds[3], pid_t *pid)
{
    int report[2];
    if (pipe2(report, O_CLOEXEC) != 0)
        return errno;
    pid_t parent = getpid();
    pid_t child = fork();
    if (child == 0)
        child_exec(x, envp, fds, report[1], parent);
    int e = child < 0 ? errno : 0;
    close(report[1]);
    if (child < 0) {
        close(report[0]);
        return e;
    }
    /* As the child does: the group is there before either side goes on,
     * whichever runs first (EACCES once the child has run execve). */
    (void)setpgid(child, child);
    /* The command runs when the exec closes the pipe; an errno comes
     * instead when it could not be started. */
    ssize_t n;
    while ((n = read(report[0], &e, sizeof(e))) < 0 && errno == EINTR)
        ;
    close(report[0]);
    if (n == (ssize_t)sizeof(e)) {
        while (waitpid(child, NULL, 0) < 0 && errno == EINTR)
            ;
        return e;
    }
    *pid = child;
    return 0;
}

/* Whether a command that died of sig was ended from outside rather than
 * failing on its event: SIGTERM and SIGKILL as a service manager ends the
 * service's processes (systemd sends ptrackd and the command SIGTERM
 * together at `systemctl stop`), an operator's kill, the OOM killer;
 * SIGINT and SIGHUP as asked to end. Its run was cut short, so the event
 * is tried again: dropped, its cursor was saved past it at the stop, and
 * the event never came after the restart. A command that dies of another
 * signal (SIGSEGV, SIGABRT) failed on the event, and drops it. */
static bool ended_from_outside(int sig)
{
    return sig == SIGTERM || sig == SIGKILL || sig == SIGINT || sig == SIGHUP;
}

/* Thread: the instance's worker. Ownership: ev is borrowed for the call. */
static int exec_deliver(void *state, const ptrack_event_t *ev)
{
    exec_t *x = state;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
    capture_t *cap = calloc(2, sizeof(*cap)); /* [0] stdout, [1] stderr: 16 KiB, off the stack */
    if (!cap) {
        x->host->log(x->inst, PTRACK_LOG_WARN, "out of memory running event %" PRId64, ev->seq);
        x->host->set_error(NULL, "out of memory running %s", x->argv[0]);
        return PTRACK_RETRY;
    }
    cap[0].fd = cap[1].fd = -1;

    char env_event[256], env_seq[64];
    snprintf(env_event, sizeof(env_event), "PTRACK_EVENT=%s", ev->type);
    snprintf(env_seq, sizeof(env_seq), "PTRACK_SEQ=%" PRId64, ev->seq);
    char *envp[] = {"PATH=" CHILD_PATH, "LANG=C.UTF-8", env_event, env_seq, x->tz, NULL};

    int rc = PTRACK_RETRY;
    pid_t pid = -1;

    if (make_pipe(in) != 0 || make_pipe(out) != 0 || make_pipe(err) != 0) {
        x->host->log(x->inst, PTRACK_LOG_WARN, "event %" PRId64 ": cannot make pipes: %s", ev->seq,
                     strerror(errno));
        x->host->set_error(NULL, "cannot make pipes for %s: %s", x->argv[0], strerror(errno));
        goto out;
    }
    const int fds[3] = {in[0], out[1], err[1]};
    int e = spawn(x, envp, fds, &pid);
    /* Short of memory, the command runs unlisted: it is then not sent
     * SIGTERM when ptrackd exits, only the SIGKILL of its parent's death. */
    if (e == 0)
        running_add(pid);
    if (e != 0) {
        pid = -1;
        /* The file changed since the load: say what is wrong with it
         * rather than "No such file or directory" of a script that is
         * there. */
        char why[400];
        if (!((e == ENOEXEC || e == ENOENT) && cannot_run(x->file, why, sizeof(why))))
            snprintf(why, sizeof(why), "%s", strerror(e));
        char reason[sizeof(why) + PATH_MAX + 16];
        snprintf(reason, sizeof(reason), "cannot run %s: %s", x->file, why);
        rc = pt_attempt_failed(&x->attempts, x->host, x->inst, ev, 0, reason);
        goto out;
    }
    close_fd(&in[0]);
    close_fd(&out[1]);
    close_fd(&err[1]);
    cap[0].fd = out[0];
    cap[1].fd = err[0];
    out[0] = err[0] = -1;
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    fcntl(cap[0].fd, F_SETFL, O_NONBLOCK);
    fcntl(cap[1].fd, F_SETFL, O_NONBLOCK);

    /* Feed stdin, collect stdout and stderr, and watch for the exit, until
     * all three are done or the time is up. */
    int64_t deadline = now_ms() + x->timeout_ms;
    size_t written = 0;
    int status = 0;
    bool exited = false, timed_out = false;
    /* The JSON and a newline: a shell's `read` takes a last line only
     * when it ends in one (`while read -r line` would see nothing). */
    size_t to_write = ev->json_len ? ev->json_len + 1 : 0;
    if (to_write == 0)
        close_fd(&in[1]);
    for (;;) {
        if (!exited) {
            pid_t w = waitpid(pid, &status, WNOHANG);
            if (w == pid)
                exited = true;
        }
        if (exited) {
            /* Take what is in the pipes now and stop: a process the
             * command left behind may hold them open for ever. */
            for (int i = 0; i < 2; i++)
                if (cap[i].fd >= 0)
                    drain(&cap[i]);
            break;
        }
        int64_t left = deadline - now_ms();
        if (left <= 0) {
            timed_out = true;
            break;
        }
        struct pollfd pfd[3];
        int nfd = 0, idx_in = -1, idx_cap[2] = {-1, -1};
        if (in[1] >= 0) {
            idx_in = nfd;
            pfd[nfd++] = (struct pollfd){.fd = in[1], .events = POLLOUT};
        }
        for (int i = 0; i < 2; i++)
            if (cap[i].fd >= 0) {
                idx_cap[i] = nfd;
                pfd[nfd++] = (struct pollfd){.fd = cap[i].fd, .events = POLLIN};
            }
        /* With the pipes done the child is only waited for: check its exit
         * every 10 ms (there is no portable way to poll a pid). */
        int wait_ms = nfd ? (left < 100 ? (int)left : 100) : (left < 10 ? (int)left : 10);
        int n = poll(pfd, (nfds_t)nfd, wait_ms);
        if (n < 0 && errno != EINTR) {
            x->host->log(x->inst, PTRACK_LOG_WARN, "event %" PRId64 ": poll: %s", ev->seq,
                         strerror(errno));
            timed_out = true; /* treat as a failed run: kill, reap, retry */
            break;
        }
        if (n <= 0)
            continue;
        if (idx_in >= 0 && pfd[idx_in].revents) {
            if (pfd[idx_in].revents & (POLLERR | POLLHUP)) {
                close_fd(&in[1]); /* it closed its stdin: it wants no more */
            } else {
                ssize_t w = written < ev->json_len
                                ? write(in[1], ev->json + written, ev->json_len - written)
                                : write(in[1], "\n", 1);
                if (w > 0)
                    written += (size_t)w;
                else if (w < 0 && errno != EAGAIN && errno != EINTR)
                    close_fd(&in[1]); /* EPIPE: as above */
                if (written == to_write)
                    close_fd(&in[1]); /* end of input */
            }
        }
        for (int i = 0; i < 2; i++)
            if (idx_cap[i] >= 0 && pfd[idx_cap[i]].revents)
                drain(&cap[i]);
    }

    /* A run that is tried again is a failed attempt: its lines, the
     * output's too, at debug; its reason, which ptrackd's warning quotes,
     * with the last line of its output (notify-attempt.h). */
    char reason[768] = "";
    if (timed_out) {
        /* The whole group: a shell script's children go with it. */
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
        for (int i = 0; i < 2; i++)
            if (cap[i].fd >= 0)
                drain(&cap[i]);
        snprintf(reason, sizeof(reason),
                 "%s did not finish within %" PRId64 " ms; its process group was killed",
                 x->argv[0], x->timeout_ms);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
        log_output(x, PTRACK_LOG_INFO, ev, "stdout", &cap[0]);
        log_output(x, PTRACK_LOG_INFO, ev, "stderr", &cap[1]);
        rc = PTRACK_OK;
    } else if (WIFSIGNALED(status) && ended_from_outside(WTERMSIG(status))) {
        snprintf(reason, sizeof(reason),
                 "%s was ended by signal %d from outside (a stop of the service, kill, the OOM "
                 "killer)",
                 x->argv[0], WTERMSIG(status));
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_TEMPFAIL) {
        snprintf(reason, sizeof(reason), "%s exited with 75 (EX_TEMPFAIL)", x->argv[0]);
    } else {
        if (WIFEXITED(status)) {
            x->host->log(x->inst, PTRACK_LOG_ERROR,
                         "event %" PRId64 ": %s exited with %d: the event is dropped (exit 75 "
                         "asks for a retry)",
                         ev->seq, x->argv[0], WEXITSTATUS(status));
            x->host->set_error(NULL, "%s exited with %d (75 asks for a retry)", x->argv[0],
                               WEXITSTATUS(status));
        } else {
            x->host->log(x->inst, PTRACK_LOG_ERROR,
                         "event %" PRId64 ": %s was killed by signal %d: the event is dropped",
                         ev->seq, x->argv[0], WIFSIGNALED(status) ? WTERMSIG(status) : 0);
            x->host->set_error(NULL, "%s was killed by signal %d", x->argv[0],
                               WIFSIGNALED(status) ? WTERMSIG(status) : 0);
        }
        log_output(x, PTRACK_LOG_ERROR, ev, "stdout", &cap[0]);
        log_output(x, PTRACK_LOG_ERROR, ev, "stderr", &cap[1]);
        rc = PTRACK_ERROR;
    }
    if (reason[0]) {
        size_t n = strlen(reason);
        output_reason(cap, reason + n, sizeof(reason) - n);
        rc = pt_attempt_failed(&x->attempts, x->host, x->inst, ev, 0, reason);
        log_output(x, PTRACK_LOG_DEBUG, ev, "stdout", &cap[0]);
        log_output(x, PTRACK_LOG_DEBUG, ev, "stderr", &cap[1]);
    }

out:
    if (pid > 0)
        running_remove(pid); /* reaped above */
    close_fd(&in[0]);
    close_fd(&in[1]);
    close_fd(&out[0]);
    close_fd(&out[1]);
    close_fd(&err[0]);
    close_fd(&err[1]);
    close_fd(&cap[0].fd);
    close_fd(&cap[1].fd);
    free(cap);
    return rc;
}

static const ptrack_notifier_ops_t exec_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = exec_deliver,
};

static const ptrack_plugin_t exec_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_exec",
    .version = "1.0.0",
    .description = "runs a command for each event with the event's JSON on its stdin",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = exec_options,
    .create = exec_create,
    .destroy = exec_destroy,
    .notifier = &exec_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &exec_plugin;
}
