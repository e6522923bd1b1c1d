/*
 * ptrackd.c - the daemon's main: configuration, the store, the HTTP
 * listeners and the signals that stop it.
 *
 * On SIGINT or SIGTERM ptrackd stops accepting, lets every request in
 * flight finish (writes are answered after their commit), ends long polls
 * and event streams, closes the store and exits 0. Imports and exports are
 * cancelled, and one whose plugin does not return within 3 s is left
 * behind (plugin-jobs.c); the notifiers are asked to stop at the same time
 * and share 3 s from the signal for a deliver() in progress
 * (plugin-loader.c), so a stop ends within systemd's TimeoutStopSec=10 with
 * the cursors flushed. A signal that comes during the start waits until
 * the start is done, unless a plugin's create() holds the start up 3 s
 * past a SIGTERM (start_watch_main). Every thread but the loop's blocks
 * the signals ptrackd handles (signals.h).
 *
 * Under systemd (Type=notify) it reports READY=1 once it listens, RELOADING=1
 * and READY=1 around a SIGHUP, and STOPPING=1 when asked to stop; see
 * sd-notify.h. For other init systems --pidfile writes its pid once it
 * listens, and --syslog sends the log to syslog(3).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "api.h"
#include "buf.h"
#include "config.h"
#include "data-dir.h"
#include "http-server.h"
#include "log.h"
#include "plugin-file.h"
#include "plugin-jobs.h"
#include "plugins.h"
#include "sd-notify.h"
#include "signals.h"
#include "store.h"
#include "proposal.h"
#include "workflow.h"

#ifndef PT_WORKFLOW_DIR
#define PT_WORKFLOW_DIR "/usr/share/ptrack"
#endif
#ifndef PT_PLUGIN_DIR
#define PT_PLUGIN_DIR "/usr/lib/ptrack/plugins"
#endif

typedef struct {
    uv_loop_t *loop;
    pt_config_t config;
    pt_workflow_t *workflow;
    pt_store_t *store;
    pt_plugins_t *plugins;
    pt_deadline_engine_t *deadlines;
    pt_api_t *api;
    pt_http_server_t *server;
    uv_signal_t sigint, sigterm, sighup;
    uv_work_t pool_start;  /* starts libuv's thread pool during the start */
    uv_timer_t reads_wait; /* a stop's wait for the reads in flight */
    uint64_t reads_wait_since, reads_interrupted_at; /* uv_now() of each, or 0 */
    bool reads_stuck_said;
    uv_timer_t watchdog; /* WATCHDOG=1 to the service manager */
    bool watchdog_made;  /* watchdog is initialised */
    /* What SIGHUP needs to read the configuration again as at the start. */
    const char *config_path;
    const char *flag_data, *flag_socket, *flag_listen, *flag_level, *flag_plugin_dir;
    bool check_only;     /* --check-config: validate and exit */
    bool socket_made;    /* the socket is this start's: removed if it fails */
    bool signals_made;   /* sigint, sigterm and sighup are initialised */
    const char *pidfile; /* --pidfile: written once listening, removed at exit */
    bool use_syslog;     /* --syslog: log to syslog(3) instead of stderr */
    bool stopping;
    int exit_code;
    char ready[512]; /* READY=1 and the status, for the service manager */
} daemon_t;

static void usage(FILE *out)
{
    fprintf(out, "usage: ptrackd [options]\n"
                 "\n"
                 "Serves the ptrack API on a Unix socket (and on loopback TCP with --listen),\n"
                 "keeping every proposal in an SQLite database under the data directory.\n"
                 "\n"
                 "  --config FILE      read the JSON configuration FILE (see docs/config.md)\n"
                 "  --data-dir DIR     keep the database in DIR (default: var)\n"
                 "  --socket PATH      listen on the Unix socket PATH (default: DIR/ptrack.sock)\n"
                 "  --listen HOST:PORT also listen on TCP, e.g. 127.0.0.1:8470\n"
                 "  --log-level LEVEL  debug, info, warn or error (default: info)\n"
                 "  --plugin-dir DIR   where a plugin path without a slash is looked up\n"
                 "                     (default: " PT_PLUGIN_DIR ")\n"
                 "  --pidfile PATH     write the pid to PATH once listening; removed at exit\n"
                 "  --syslog           log to syslog (ident ptrackd, facility daemon)\n"
                 "                     instead of stderr\n"
                 "  --check-config FILE  check FILE as a start would, touching no data (the\n"
                 "                     config, its listen address, socket group and workflow,\n"
                 "                     the data and socket directories, the database, the\n"
                 "                     record of notifiers' crashes, the pid file and its\n"
                 "                     directory as they are now, and the files, options\n"
                 "                     and create() of its plugin instances) and exit: 0\n"
                 "                     when it is good; give it the flags the service\n"
                 "                     starts with, as its user\n"
                 "  --version          print the version and exit\n"
                 "  --help             print this help and exit\n"
                 "\n"
                 "Flags override the configuration file. SIGHUP reads the configuration again\n"
                 "(tokens, socket users, limits, deadlines, log level, plugin instances); a\n"
                 "configuration with an error is refused and the running one stays. SIGINT and\n"
                 "SIGTERM stop ptrackd after the requests in flight have been answered.\n"
                 "Under systemd (NOTIFY_SOCKET set) ptrackd reports its state with sd_notify.\n");
}

/* Two states, or two actions, with one Chinese label are allowed (an
 * office may have two ways to withdraw), but where a person types the
 * label (ptrack --status 初审中, ptrack do 12 撤回, a CSV's 状态 column) the
 * first is taken: said at start, so that it is meant. Labels are compared
 * as ptrack compares what is typed with them: fullwidth forms and spaces
 * folded, the blanks around dropped (暂缓　办理 is 暂缓 办理), the English
 * in any case. */
static void warn_shared_labels(const char *path, const pt_workflow_t *wf)
{
    static const char *const lists[] = {"states", "actions"};
    cJSON *j = pt_workflow_to_json(wf);
    for (size_t l = 0; j && l < 2; l++) {
        /* The names and labels are read out of the tree once, and folded
         * once: each entry is compared with every one before it, and a
         * workflow of thousands of states would otherwise spend seconds in
         * lookups. */
        const cJSON *arr = cJSON_GetObjectItemCaseSensitive(j, lists[l]), *it;
        size_t n = (size_t)cJSON_GetArraySize(arr), k = 0;
        const char **names = calloc(n ? 3 * n : 1, sizeof(*names)), **zh = names + n,
                   **en = names + 2 * n;
        char **folded = calloc(n ? 2 * n : 1, sizeof(*folded)), **fz = folded, **fe = folded + n;
        if (names == NULL || folded == NULL) {
            free(names);
            free(folded);
            continue;
        }
        cJSON_ArrayForEach(it, arr)
        {
            const cJSON *label = cJSON_GetObjectItemCaseSensitive(it, "label");
            names[k] = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "name"));
            zh[k] = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(label, "zh"));
            en[k] = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(label, "en"));
            fz[k] = zh[k] ? pt_text_clean(zh[k], true) : NULL;
            fe[k] = en[k] ? pt_text_clean(en[k], true) : NULL;
            k++;
        }
        for (size_t a = 0; a < k; a++) {
            for (size_t b = 0; b < a; b++) {
                const char *shared = fz[a] && fz[b] && strcmp(fz[a], fz[b]) == 0       ? zh[b]
                                     : fe[a] && fe[b] && strcasecmp(fe[a], fe[b]) == 0 ? en[b]
                                                                                       : NULL;
                if (!shared)
                    continue;
                pt_warn("workflow %s: %s %s and %s share the label %s; where a person types it, "
                        "%s is taken",
                        path, lists[l], names[b], names[a], shared, names[b]);
                break;
            }
        }
        for (size_t i = 0; i < k; i++) {
            free(fz[i]);
            free(fe[i]);
        }
        free(folded);
        free(names);
    }
    cJSON_Delete(j);
}

/* A state that is not terminal and that no action leads out of is allowed
 * (an office may mean it), but a proposal that comes there stays for good,
 * for every unit and delegate: said at start and by --check-config, as a
 * state an action was forgotten for usually is. */
static void warn_dead_ends(const char *path, const pt_workflow_t *wf)
{
    char *ends = pt_workflow_dead_ends(wf), *save = NULL;
    for (char *st = ends ? strtok_r(ends, ",", &save) : NULL; st; st = strtok_r(NULL, ",", &save))
        pt_warn("workflow %s: state %s is not terminal, and no action leads out of it: a "
                "proposal there stays there; add an action from it, or make it terminal",
                path, st);
    free(ends);
}

/* What a workflow that loads may still hold by mistake. */
static void warn_workflow(const char *path, const pt_workflow_t *wf)
{
    warn_shared_labels(path, wf);
    warn_dead_ends(path, wf);
}

static int load_workflow(const char *name, pt_workflow_t **out, pt_error_t *err)
{
    const char *path = name;
    char installed[4096];
    if (strcmp(name, "default") == 0) {
        snprintf(installed, sizeof(installed), "%s/workflow.json", PT_WORKFLOW_DIR);
        if (access(installed, R_OK) != 0)
            return pt_workflow_load_default(out, err);
        path = installed;
    }
    FILE *f = fopen(path, "rb");
    if (!f)
        return pt_error_set(err, PT_ECONFIG, "workflow %s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
        fclose(f);
        return pt_error_set(err, PT_ECONFIG, "workflow %s: not a file (%s)", path,
                            S_ISDIR(st.st_mode) ? "a directory" : "not a regular file");
    }
    char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len + 4096 > cap) {
            cap = cap ? cap * 2 : 65536;
            char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return pt_error_set(err, PT_ECONFIG, "workflow %s: out of memory", path);
            }
            buf = nb;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    fclose(f);
    int rc = pt_workflow_load(buf, len, out, err);
    free(buf);
    if (rc != PT_OK) {
        char msg[sizeof(err->message)];
        snprintf(msg, sizeof(msg), "%s", err->message);
        pt_error_set(err, PT_ECONFIG, "workflow %s: %s", path, msg);
    }
    return rc;
}

/* Logs each signal that came while the stop held the loop, and that the
 * closing of the signal handles is about to discard: a second signal while
 * stopping is said at any moment of a stop. Thread: loop, with the
 * signals blocked. */
static void say_pending_signals(void)
{
    sigset_t pending;
    if (sigpending(&pending) != 0)
        return;
    static const struct {
        int sig;
        const char *name;
    } sigs[] = {{SIGTERM, "SIGTERM"}, {SIGINT, "SIGINT"}, {SIGHUP, "SIGHUP"}};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        if (sigismember(&pending, sigs[i].sig) == 1)
            pt_warn("%s while stopping: ignored; the stop is done, and ptrackd exits now",
                    sigs[i].name);
}

/* Closes what a start made, once no request and no read is left (a stop),
 * or nothing was served (a refused start): no job runs on a plugin any
 * more; the notifiers stop here and their last cursors are queued to the
 * store, whose close then commits them and removes the database's -wal
 * and -shm files. What has a libuv handle (the API's and the deadline
 * engine's timers, the store's async handle, the signal handlers) is
 * freed by its close callback, when the loop runs next. */
static void close_parts(daemon_t *d)
{
    /* From here the loop's thread waits without running the loop (for a
     * notifier's deliver(), three seconds at most, and for the store's
     * last commit), so a signal that came meanwhile was dropped unsaid
     * when its handle closed: held in the kernel instead, blocked here as
     * on every other thread, it is said below before it is ignored. */
    sigset_t mask;
    sigemptyset(&mask);
    if (d->signals_made)
        pt_signals_block(&mask);
    pt_plugins_shutdown(d->plugins);
    pt_deadline_engine_stop(d->deadlines);
    d->deadlines = NULL;
    if (d->api)
        pt_api_tokens_flush(d->api);
    pt_store_close(d->store);
    d->store = NULL;
    pt_api_free(d->api);
    d->api = NULL;
    if (d->watchdog_made) {
        uv_close((uv_handle_t *)&d->watchdog, NULL);
        d->watchdog_made = false;
    }
    if (d->signals_made) {
        /* libuv gives a signal back its default action when its last
         * handle closes, and the default of these is to end the process:
         * a second SIGTERM from here on ended ptrackd with 143, before it
         * removed its pid file and its socket. It is ignored instead, as
         * it was until now. Between the two, it is blocked on this thread
         * as on every other (signals.h): one that comes then waits in the
         * kernel, and ignoring it discards it. */
        if (d->stopping)
            say_pending_signals();
        uv_close((uv_handle_t *)&d->sigint, NULL);
        uv_close((uv_handle_t *)&d->sigterm, NULL);
        uv_close((uv_handle_t *)&d->sighup, NULL);
        d->signals_made = false;
        signal(SIGINT, SIG_IGN);
        signal(SIGTERM, SIG_IGN);
        signal(SIGHUP, SIG_IGN);
        pt_signals_restore(&mask);
    }
}

/* The rest of a stop, once every request has been answered and every read
 * has ended. */
static void finish_stop(daemon_t *d)
{
    close_parts(d);
    pt_info("ptrackd stopped");
}

/* How long a start waits for another ptrackd starting on its port to
 * listen. */
#define PORT_WAIT_MS 10000

/* Set by main while the start waits for that (start): a SIGTERM or SIGINT
 * then ends ptrackd at once (start_watch_main), as it has made nothing
 * yet, where it had made its data directory and store once the wait was
 * over, and only then stopped. */
static int port_waiting;

/* How long a stop lets the reads whose client has gone run before it
 * interrupts them (a read takes a second at most, the figures of a large
 * store), and how long after that it waits before it says that one has
 * not ended. */
#define READS_GRACE_MS 1000
#define READS_STUCK_MS 2000

static void on_reads_wait(uv_timer_t *t)
{
    daemon_t *d = t->data;
    unsigned reads = pt_store_reads_in_flight(d->store);
    if (reads == 0) {
        if (d->reads_interrupted_at)
            pt_info("stopping: the interrupted reads have ended");
        uv_close((uv_handle_t *)t, NULL);
        finish_stop(d);
        return;
    }
    uint64_t now = uv_now(d->loop);
    char what[256];
    if (!d->reads_interrupted_at && now - d->reads_wait_since >= READS_GRACE_MS) {
        /* Nobody waits for their answers, and a read writes nothing: an
         * interrupted one loses nothing, and a stop need not wait for a
         * large one (or one a slow disk holds up) to finish. */
        pt_store_reads_describe(d->store, what, sizeof(what));
        pt_warn("stopping: %u read%s whose client has gone (%s) still run%s %d ms later; "
                "interrupted, as nobody waits for %s answer",
                reads, reads == 1 ? "" : "s", what, reads == 1 ? "s" : "", READS_GRACE_MS,
                reads == 1 ? "its" : "their");
        pt_store_interrupt_reads(d->store);
        d->reads_interrupted_at = now;
    } else if (d->reads_interrupted_at && !d->reads_stuck_said &&
               now - d->reads_interrupted_at >= READS_STUCK_MS) {
        /* A read stops at its query's next step; one that has not is held
         * in a system call (a disk that does not answer). Its thread is
         * libuv's, which the process cannot exit without, so there is
         * nothing to do but wait: what was acknowledged is in the
         * database already, and only the notifiers' last cursors, saved
         * after this, would be lost to a kill (their events are then
         * delivered again). */
        pt_store_reads_describe(d->store, what, sizeof(what));
        pt_error("stopping: %u interrupted read%s (%s) %s not ended %d ms later: held up by "
                 "the disk, it seems; ptrackd waits for %s (every acknowledged write is "
                 "stored already)",
                 reads, reads == 1 ? "" : "s", what, reads == 1 ? "has" : "have", READS_STUCK_MS,
                 reads == 1 ? "it" : "them");
        d->reads_stuck_said = true;
    }
}

/* Every connection has closed. One that a client reset before its answer
 * (or a long poll of the feed that its client left) was closed at once,
 * but not the read its request had started: that runs on the thread pool
 * with the store, and its callback answers into the API, so the store and
 * the API are freed only after it. It is given READS_GRACE_MS, then
 * interrupted. */
static void on_server_closed(pt_http_server_t *srv, void *arg)
{
    (void)srv;
    daemon_t *d = arg;
    unsigned reads = pt_store_reads_in_flight(d->store);
    if (reads == 0) {
        finish_stop(d);
        return;
    }
    pt_info("stopping: waiting for %u read%s whose client has gone", reads, reads == 1 ? "" : "s");
    uv_timer_init(d->loop, &d->reads_wait);
    d->reads_wait.data = d;
    d->reads_wait_since = uv_now(d->loop);
    uv_timer_start(&d->reads_wait, on_reads_wait, 5, 5);
}

static void on_signal(uv_signal_t *h, int signum)
{
    daemon_t *d = h->data;
    if (d->stopping) {
        pt_warn("%s while stopping: ignored; waiting for the requests in flight",
                signum == SIGINT ? "SIGINT" : "SIGTERM");
        return;
    }
    d->stopping = true;
    pt_sd_notify("STOPPING=1\nSTATUS=stopping after the requests in flight");
    pt_info("%s: stopping after the requests in flight", signum == SIGINT ? "SIGINT" : "SIGTERM");
    /* Running imports and exports are cancelled (an import stores nothing),
     * so that stopping does not wait for a large file, nor longer than a
     * few seconds for a plugin that does not ask whether it was. */
    pt_plugins_stopping(d->plugins);
    pt_jobs_shutdown(d->loop);
    /* An all-or-nothing import being moved into the store gives up too,
     * rather than hold the stop for as long as its move takes. */
    pt_store_cancel_imports(d->store);
    pt_api_shutdown(d->api);
    pt_http_server_shutdown(d->server, on_server_closed, d);
}

static int setting_refused(const daemon_t *d, const char *flag, pt_error_t *err);

/* A Unix socket's path fits in sun_path: the file's `socket` is held to it
 * when the file is read, but --socket, and the default ptrack.sock inside a
 * long data directory, were not, so that --check-config called such a
 * configuration good and a start made the data directory and the database
 * before bind(2) refused the path as "name too long". Said of the setting
 * that gave the path: the flag, or the data directory of the flag or of
 * the file (derived: no socket was given). */
static int socket_length_check(const daemon_t *d, pt_config_t *c, bool derived, pt_error_t *err)
{
    size_t len = strlen(c->socket);
    if (len <= PT_SOCKET_PATH_MAX)
        return PT_OK;
    if (!derived) {
        pt_error_set(err, PT_ECONFIG,
                     "socket: the path %s is %zu bytes; a Unix socket path can have at most %zu: "
                     "give --socket a shorter one",
                     c->socket, len, (size_t)PT_SOCKET_PATH_MAX);
        /* The file's socket is checked when it is read: only the flag is here. */
        return err->code;
    }
    pt_error_set(err, PT_ECONFIG,
                 "data_dir: the socket in it, %s, would be %zu bytes; a Unix socket path can have "
                 "at most %zu: give a shorter socket path (socket, --socket) or a shorter data "
                 "directory",
                 c->socket, len, (size_t)PT_SOCKET_PATH_MAX);
    return setting_refused(d, d->flag_data, err);
}

/* Reads the configuration: the file (if any), then the flags over it. On
 * failure c is left as pt_config_init made it. What the file says that is
 * not used (root's role) is said by the caller: at a start at once, at a
 * reload once the configuration is taken. */
static int read_config(const daemon_t *d, pt_config_t *c, pt_error_t *err)
{
    if (d->config_path && pt_config_load_file(c, d->config_path, err) != PT_OK)
        return err->code;
    if (d->flag_data)
        pt_config_set_str(&c->data_dir, d->flag_data);
    if (d->flag_socket)
        pt_config_set_str(&c->socket, d->flag_socket);
    if (d->flag_listen)
        pt_config_set_str(&c->listen, d->flag_listen);
    if (d->flag_level)
        pt_config_set_str(&c->log_level, d->flag_level);
    if (d->flag_plugin_dir)
        pt_config_set_str(&c->plugin_dir, d->flag_plugin_dir);
    bool derived = c->socket == NULL;
    pt_config_finish(c);
    return socket_length_check(d, c, derived, err);
}

static int parse_flags(daemon_t *d, int argc, char **argv, pt_error_t *err)
{
    enum {
        O_CONFIG = 1,
        O_DATA,
        O_SOCKET,
        O_LISTEN,
        O_LOG,
        O_PLUGIN_DIR,
        O_CHECK,
        O_PIDFILE,
        O_SYSLOG,
        O_VERSION,
        O_HELP
    };
    static const struct option opts[] = {
        {"config", required_argument, NULL, O_CONFIG},
        {"data-dir", required_argument, NULL, O_DATA},
        {"socket", required_argument, NULL, O_SOCKET},
        {"listen", required_argument, NULL, O_LISTEN},
        {"log-level", required_argument, NULL, O_LOG},
        {"plugin-dir", required_argument, NULL, O_PLUGIN_DIR},
        {"check-config", required_argument, NULL, O_CHECK},
        {"pidfile", required_argument, NULL, O_PIDFILE},
        {"syslog", no_argument, NULL, O_SYSLOG},
        {"version", no_argument, NULL, O_VERSION},
        {"help", no_argument, NULL, O_HELP},
        {NULL, 0, NULL, 0},
    };
    /* The config file is read first, whatever the order of the flags, so
     * that every other flag overrides it. */
    /* What each flag's value is, for the message when a flag stands where
     * its value should. */
    static const char *const values[] = {
        [O_CONFIG] = "FILE", [O_DATA] = "DIR",       [O_SOCKET] = "PATH", [O_LISTEN] = "HOST:PORT",
        [O_LOG] = "LEVEL",   [O_PLUGIN_DIR] = "DIR", [O_CHECK] = "FILE",  [O_PIDFILE] = "PATH",
    };
    int c;
    int li = -1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, &li)) != -1) {
        /* "--check-config --data-dir var": getopt takes the next flag as
         * the value, and then calls "var" unexpected. No value of these
         * flags begins with "--" (a file of such a name is ./--name), so
         * that is a flag, and the one before it lacks its value. */
        if (c >= O_CONFIG && c <= O_PIDFILE && optarg != NULL && strncmp(optarg, "--", 2) == 0) {
            const char *flag = li >= 0 ? opts[li].name : "?";
            if (c == O_CHECK)
                return pt_error_set(err, PT_ECONFIG,
                                    "--check-config needs a FILE, the configuration file to "
                                    "check: \"%s\" is a flag, not a file (ptrackd "
                                    "--check-config FILE [flags])",
                                    optarg);
            return pt_error_set(err, PT_ECONFIG,
                                "--%s needs a %s: \"%s\" is a flag, not its value (ptrackd --%s "
                                "%s)",
                                flag, values[c], optarg, flag, values[c]);
        }
        li = -1;
        switch (c) {
        case O_CONFIG:
            d->config_path = optarg;
            break;
        case O_DATA:
            d->flag_data = optarg;
            break;
        case O_SOCKET:
            d->flag_socket = optarg;
            break;
        case O_LISTEN:
            d->flag_listen = optarg;
            break;
        case O_LOG:
            d->flag_level = optarg;
            break;
        case O_PLUGIN_DIR:
            d->flag_plugin_dir = optarg;
            break;
        case O_CHECK:
            d->config_path = optarg;
            d->check_only = true;
            break;
        case O_PIDFILE:
            d->pidfile = optarg;
            break;
        case O_SYSLOG:
            d->use_syslog = true;
            break;
        case O_VERSION:
            printf("ptrackd %s\n", PT_VERSION);
            exit(0);
        case O_HELP:
            usage(stdout);
            exit(0);
        default:
            /* getopt says '?' for an option it does not know and for one
             * whose value is missing: for the second, say which value. */
            if (strcmp(argv[optind - 1], "--check-config") == 0)
                return pt_error_set(err, PT_ECONFIG,
                                    "--check-config takes the configuration file to check: "
                                    "ptrackd --check-config FILE");
            return pt_error_set(err, PT_ECONFIG, "unknown or incomplete option \"%s\"; see --help",
                                argv[optind - 1]);
        }
    }
    if (optind < argc)
        return pt_error_set(err, PT_ECONFIG, "unexpected argument \"%s\"; see --help",
                            argv[optind]);
    if (read_config(d, &d->config, err) != PT_OK)
        return err->code;
    pt_config_warn_root_role(&d->config, NULL, d->config_path);
    pt_config_warn_deadlines(&d->config, NULL, d->config_path);
    return PT_OK;
}

static int name_order(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Whether an entry of the configuration's `plugins` loads the file `st`
 * of the plugin directory: its path names that file (looked up in dir
 * without a slash, as the loader does). */
static bool configured_file(const pt_config_t *config, const char *dir, const struct stat *st)
{
    const cJSON *c;
    cJSON_ArrayForEach(c, config->plugins)
    {
        const cJSON *path = cJSON_GetObjectItemCaseSensitive(c, "path");
        if (!cJSON_IsString(path) || !path->valuestring[0])
            continue;
        char full[PATH_MAX];
        if (strchr(path->valuestring, '/'))
            snprintf(full, sizeof(full), "%s", path->valuestring);
        else
            snprintf(full, sizeof(full), "%s/%s", dir, path->valuestring);
        struct stat other;
        if (stat(full, &other) == 0 && other.st_dev == st->st_dev && other.st_ino == st->st_ino)
            return true;
    }
    return false;
}

/* The entries of the built-in format plugins: one instance of every
 * import_*.so and export_*.so in the plugin directory, named after its
 * file, unless the configuration names an instance so already or loads
 * that file itself. The latter is an office's own importer or exporter
 * installed into the plugin directory, as docs/plugins.md says, and named
 * after its kind (import_oa.so): it runs as the instance its entry makes,
 * with its options, and is no built-in one (which would be refused for a
 * required option at every start and SIGHUP, or run a second time).
 * They are in the order of their names, so that a clash between two of
 * them is settled the same way at every start (the first stays). */
/* PENDING is the plugin directory that a reloaded file names in place of
 * DIR, the running one, which it replaces only at the next start (NULL:
 * none); a warning about DIR then says so, rather than to set the key the
 * file has set already. */
static cJSON *builtin_entries(const pt_config_t *config, const char *dir, const char *pending)
{
    cJSON *list = cJSON_CreateArray();
    if (!config->builtin_plugins || !list)
        return list;
    char advice[PATH_MAX + 160];
    if (pending)
        snprintf(advice, sizeof(advice),
                 " (plugin_dir is now %s, which takes effect at the next start; or set "
                 "builtin_plugins to false)",
                 pending);
    else
        snprintf(advice, sizeof(advice),
                 " (set plugin_dir or --plugin-dir, or builtin_plugins to false)");
    /* Said at the start (and at each SIGHUP) rather than at the first
     * import: a tree installed with another prefix than the one it was
     * built for has its plugins elsewhere, and no format would work. */
    DIR *dh = opendir(dir);
    if (!dh) {
        pt_warn("plugin directory %s: %s; the built-in import and export formats are not "
                "loaded%s",
                dir, strerror(errno), advice);
        return list;
    }
    struct stat dst;
    char why_buf[160];
    const char *why = why_buf;
    if (fstat(dirfd(dh), &dst) != 0)
        snprintf(why_buf, sizeof(why_buf), "cannot be examined: %s", strerror(errno));
    else
        why = pt_plugin_untrusted(&dst, why_buf, sizeof(why_buf));
    char **names = NULL;
    size_t n_names = 0;
    struct dirent *e;
    while ((e = readdir(dh)) != NULL) {
        size_t n = strlen(e->d_name);
        if ((strncmp(e->d_name, "import_", 7) != 0 && strncmp(e->d_name, "export_", 7) != 0) ||
            n > 64 || strcmp(e->d_name + n - 3, ".so") != 0)
            continue;
        char **grown = realloc(names, (n_names + 1) * sizeof(*names));
        if (!grown)
            break;
        names = grown;
        if (!(names[n_names] = strdup(e->d_name)))
            break;
        n_names++;
    }
    closedir(dh);
    if (n_names)
        qsort(names, n_names, sizeof(*names), name_order);
    for (size_t i = 0; i < n_names; i++) {
        char name[64];
        snprintf(name, sizeof(name), "%.*s", (int)(strlen(names[i]) - 3), names[i]);
        bool configured = false;
        const cJSON *c;
        cJSON_ArrayForEach(c, config->plugins)
        {
            const cJSON *in = cJSON_GetObjectItemCaseSensitive(c, "instance");
            configured |= cJSON_IsString(in) && strcmp(in->valuestring, name) == 0;
        }
        char full[PATH_MAX];
        struct stat st;
        snprintf(full, sizeof(full), "%s/%s", dir, names[i]);
        if (!configured && stat(full, &st) == 0 && configured_file(config, dir, &st)) {
            pt_debug("%s is loaded by the configuration's plugins; it is not a built-in "
                     "format plugin",
                     full);
            configured = true;
        }
        if (!configured) {
            cJSON *entry = cJSON_CreateObject();
            cJSON_AddStringToObject(entry, "instance", name);
            cJSON_AddStringToObject(entry, "path", names[i]);
            cJSON_AddItemToArray(list, entry);
        }
        free(names[i]);
    }
    free(names);
    /* Each load would refuse its file for this: said once, for them all. */
    if (why && cJSON_GetArraySize(list) > 0) {
        pt_warn("plugin directory %s %s: the built-in import and export formats in it are not "
                "loaded%s",
                dir, why, pending ? advice : "");
        cJSON_Delete(list);
        list = cJSON_CreateArray();
    }
    return list;
}

/* Loads the built-in format plugins. One that cannot be loaded is logged
 * and skipped: the formats are a convenience, and one bad file must not
 * keep the daemon from starting. A format that an instance of the
 * configuration serves too is served by that one (pt_plugins_importer). */
static void load_builtin_plugins(daemon_t *d, const char *dir)
{
    cJSON *list = builtin_entries(&d->config, dir, NULL);
    const cJSON *entry;
    int loaded = 0;
    cJSON_ArrayForEach(entry, list)
    {
        pt_error_t err = {0};
        if (pt_plugins_load_builtin(d->plugins, entry, &err) != PT_OK)
            pt_warn("built-in plugin %s was not loaded: %s",
                    cJSON_GetObjectItemCaseSensitive(entry, "path")->valuestring, err.message);
        else
            loaded++;
        pt_error_clear(&err);
    }
    cJSON_Delete(list);
    if (loaded)
        pt_info("%d built-in format plugins loaded from %s", loaded, dir);
}

/* A group by name or number: one that exists, either way. A number was
 * taken as it was, and as root (who may give a file to any gid) the socket
 * went to a gid that no group has, where a name of no group is refused.
 * Returns 0 or -1. */
static int resolve_group(const char *name, gid_t *gid)
{
    char *end;
    errno = 0;
    unsigned long n = strtoul(name, &end, 10);
    bool number = name[0] >= '0' && name[0] <= '9' && !*end;
    if (number && (errno != 0 || n != (unsigned long)(gid_t)n || (gid_t)n == (gid_t)-1))
        return -1;
    /* A group of many members needs a larger buffer than most. */
    struct group gr, *res = NULL;
    for (size_t size = 4096; size <= (1u << 24); size *= 4) {
        char *buf = malloc(size);
        if (!buf)
            return -1;
        int rc = number ? getgrgid_r((gid_t)n, &gr, buf, size, &res)
                        : getgrnam_r(name, &gr, buf, size, &res);
        if (rc == 0 && res)
            *gid = gr.gr_gid;
        free(buf);
        if (rc != ERANGE)
            return rc == 0 && res ? 0 : -1;
    }
    return -1;
}

/* Whether this process is in the group gid, as its group or a supplementary
 * one: what chown(2) asks of a process that is not root to give a file it
 * owns to that group. */
static bool in_group(gid_t gid)
{
    if (getegid() == gid)
        return true;
    int n = getgroups(0, NULL);
    if (n <= 0)
        return false;
    gid_t *groups = malloc((size_t)n * sizeof(*groups));
    if (!groups)
        return false;
    n = getgroups(n, groups);
    bool found = false;
    for (int i = 0; i < n && !found; i++)
        found = groups[i] == gid;
    free(groups);
    return found;
}

/* socket_group: a group that exists, and one that ptrackd's user may give
 * the socket to. A user other than root may give a file only to a group it
 * is in: a start with any other group made the socket, failed to give it
 * away and stopped, after --check-config and a reload had taken the
 * configuration. So each of them checks it here, as the start does. */
static int check_socket_group(const char *name, gid_t *gid, pt_error_t *err)
{
    if (resolve_group(name, gid) != 0)
        return pt_error_set(err, PT_ECONFIG, "socket_group: there is no group \"%s\"", name);
    if (geteuid() == 0 || in_group(*gid))
        return PT_OK;
    return pt_error_set(err, PT_ECONFIG,
                        "socket_group: ptrackd's user (uid %u) is not in the group \"%s\", so it "
                        "cannot give the socket to it; add the user to the group (under systemd, "
                        "Group=%s in a drop-in of ptrackd.service), or name a group it is in",
                        (unsigned)geteuid(), name, name);
}

/* socket_group lets its members connect to the socket, but only if they
 * can reach it: each directory above it must let them through (search,
 * x, for the group when the directory is the group's, else for others). The
 * default socket is inside the data directory, which ptrackd makes 0700,
 * and the unit's /run/ptrack is 0750 of the unit's Group=: a socket_group
 * there was taken, the socket made 0660 for it, and every member refused
 * by the directory (EACCES), with nothing said. Warns, naming the first
 * directory in the way. */
static void warn_socket_unreachable(const char *socket, const char *group_name, gid_t gid)
{
    char path[4096];
    if (socket[0] == '/') {
        snprintf(path, sizeof(path), "%s", socket);
    } else {
        char cwd[2048];
        if (getcwd(cwd, sizeof(cwd)) == NULL)
            return;
        snprintf(path, sizeof(path), "%s/%s", cwd, socket);
    }
    char *slash;
    while ((slash = strrchr(path, '/')) != NULL) {
        if (slash == path)
            slash[1] = '\0'; /* "/" itself */
        else
            *slash = '\0';
        struct stat st;
        /* A member is let through a directory of the group by the group's
         * bits alone, whatever others may: the kernel looks no further
         * than the class that applies (0705 of the group keeps it out). */
        if (stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
            !(st.st_mode & (st.st_gid == gid ? S_IXGRP : S_IXOTH))) {
            pt_warn("socket_group %s: its members cannot reach the socket %s: the directory %s "
                    "(mode %04o) does not let them through; give the socket a directory they may "
                    "enter (socket, --socket), or let the group through that one (its group "
                    "%s and mode g+x; under systemd, Group=%s in a drop-in gives it /run/ptrack, "
                    "0750)",
                    group_name, socket, path, (unsigned)(st.st_mode & 07777), group_name,
                    group_name);
            return;
        }
        if (slash == path)
            return;
    }
}

/* --check-config run as root passes the checks of permissions that the
 * service's user may fail. That user is, most likely, the owner of an
 * existing data directory (systemd's StateDirectory= gives it to User=):
 * when that is another user, the check says so, and checks socket_group's
 * membership for that user as the start would for itself. */
static void check_as_owner(const pt_config_t *c)
{
    struct stat st;
    if (geteuid() != 0 || stat(c->data_dir, &st) != 0 || st.st_uid == 0)
        return;
    struct passwd *pw = getpwuid(st.st_uid);
    char who[160];
    if (pw)
        snprintf(who, sizeof(who), "%s (uid %u)", pw->pw_name, (unsigned)st.st_uid);
    else
        snprintf(who, sizeof(who), "uid %u", (unsigned)st.st_uid);
    pt_warn("run as root, which passes every check of permissions: the data directory %s "
            "belongs to %s, whom the service presumably runs as; run the check as that user "
            "(sudo -u %s ptrackd --check-config ...) to check what its start will meet",
            c->data_dir, who, pw ? pw->pw_name : "USER");
    gid_t gid;
    if (!pw || !c->socket_group || resolve_group(c->socket_group, &gid) != 0 || gid == pw->pw_gid)
        return;
    int n = 0;
    getgrouplist(pw->pw_name, pw->pw_gid, NULL, &n);
    gid_t *groups = n > 0 ? malloc((size_t)n * sizeof(*groups)) : NULL;
    bool in = false;
    if (groups && getgrouplist(pw->pw_name, pw->pw_gid, groups, &n) >= 0)
        for (int i = 0; i < n && !in; i++)
            in = groups[i] == gid;
    free(groups);
    if (groups && !in)
        pt_warn("socket_group: %s is not in the group \"%s\": if the service runs as that "
                "user, its start stops, since a user may give the socket only to a group it is "
                "in; add the user to the group (Group=%s in a drop-in of ptrackd.service)",
                who, c->socket_group, c->socket_group);
}

/* Puts "config FILE: " before a message about the file's keys that is made
 * outside the config loader (a token's name taken by one made at run time,
 * a listen address, a socket group), as the loader's own messages begin,
 * so that every refusal of the file says which file; one that begins so
 * already is left as it is. */
static void config_prefix(const daemon_t *d, pt_error_t *err)
{
    if (strncmp(err->message, "config ", 7) == 0 || strncmp(err->message, "config:", 7) == 0)
        return;
    char msg[sizeof(err->message)];
    snprintf(msg, sizeof(msg), "%s", err->message);
    if (d->config_path)
        pt_error_set(err, err->code, "config %s: %s", d->config_path, msg);
    else
        pt_error_set(err, err->code, "config: %s", msg);
}

/* Refuses the start (or --check-config) for a setting, said of the file
 * (config_prefix) unless flag, the flag that may give it, gave it: then
 * the message says the setting's name, as the flag does. Returns the
 * error's code. */
static int setting_refused(const daemon_t *d, const char *flag, pt_error_t *err)
{
    if (!flag && err->code == PT_ECONFIG)
        config_prefix(d, err);
    return err->code;
}

/* Refuses the start (or --check-config) for the file's plugin entries,
 * as "config FILE: plugin instance NAME: ...": the words a refused reload
 * logs (refuse_reload), so that an operator who greps the log for a
 * refusal finds it from either. pt_plugins_check() names the instance (or
 * the two instances) in each of its messages, so the key "plugins" is not
 * put before them ("plugins: plugin instance ..." said it twice). */
static int plugins_refused(const daemon_t *d, pt_error_t *err)
{
    if (err->code == PT_ENOMEM)
        return err->code;
    err->code = PT_ECONFIG;
    return setting_refused(d, NULL, err);
}

/* --check-config: checks the configuration's plugin instances as a start
 * does before it makes anything (each file, its options, two instances
 * serving one format), in a registry of their own that has no store:
 * nothing of a plugin needs one before its create(). Each instance is
 * also made with its plugin's create() and destroyed at once: create()
 * may not block nor reach outside (the plugin header says so), and no
 * notifier is started, so nothing is delivered. wf is there for create()
 * to look its labels up. */
static int check_plugins(const daemon_t *d, const pt_workflow_t *wf, pt_error_t *err)
{
    pt_plugins_options_t po = {
        .loop = d->loop,
        .workflow = wf,
        .plugin_dir = d->config.plugin_dir ? d->config.plugin_dir : PT_PLUGIN_DIR,
    };
    pt_plugins_t *plugins = NULL;
    if (pt_plugins_new(&po, &plugins) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    int rc = pt_plugins_check(plugins, d->config.plugins, true, err);
    pt_plugins_free(plugins);
    return rc;
}

/* --check-config: a token of the file named as one made at run time is
 * refused, as the start refuses it (pt_api_check_token_names). The names
 * are read from the database as it is, beside a ptrackd that may be
 * running; one that cannot be read is said and passed over: the start
 * checks them again. */
static int check_token_names(const pt_config_t *c, pt_error_t *err)
{
    char db[4096];
    snprintf(db, sizeof(db), "%s/ptrack.db", c->data_dir);
    if (c->n_tokens == 0 || access(db, F_OK) != 0)
        return PT_OK;
    char **names = NULL;
    size_t n = 0;
    pt_error_t e = {0};
    if (pt_store_token_names_peek(db, &names, &n, &e) != PT_OK) {
        pt_warn("the tokens made at run time were not read (%s): the start checks that the "
                "file's tokens have other names",
                e.message);
        pt_error_clear(&e);
        return PT_OK;
    }
    int rc = PT_OK;
    for (size_t i = 0; i < c->n_tokens && rc == PT_OK; i++)
        for (size_t j = 0; j < n && rc == PT_OK; j++)
            if (strcmp(c->tokens[i].name, names[j]) == 0)
                rc = pt_api_token_name_taken(i, names[j], false, err);
    pt_token_names_free(names, n);
    return rc;
}

/* limits.connections, or its default when the configuration leaves it 0. */
static unsigned connections_allowed(const pt_config_t *c)
{
    pt_http_limits_t d;
    pt_http_limits_default(&d);
    return c->limits.max_connections ? c->limits.max_connections : d.max_connections;
}

/* Descriptors besides the connections': the listeners, the database and
 * the read connections' files, the plugins' files and sockets, an import's
 * or an export's temporary file, sd_notify's socket. */
#define FD_SPARE 256

/* Each connection holds a descriptor. A service manager's soft limit of
 * open files is often no more than limits.connections' default (1024 under
 * systemd), and once it is reached the kernel's accept fails: a new client
 * is dropped without a word, to it or in the log, and nothing else of
 * ptrackd can open a file or a socket. So the soft limit is raised, up to
 * the hard one (524288 under systemd), as far as the connections allowed
 * and the spare need, and no further: a descriptor above 1023 is out of
 * reach of a plugin that uses select(2), and only a daemon that has that
 * many connections open gives one out. A hard limit too low for them is
 * warned about, at the start and at a reload that raises the limit. */
static void fit_fd_limit(unsigned connections)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return;
    rlim_t want = (rlim_t)connections + FD_SPARE;
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want) {
        struct rlimit up = rl;
        up.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > want ? want : rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &up) == 0)
            rl = up;
    }
    if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < want)
        pt_warn("limits.connections is %u, but ptrackd may have only %llu files open "
                "(RLIMIT_NOFILE), which the connections share with its database, plugins and "
                "listeners: once they are all open the system drops new clients, the "
                "administrator's too; raise the limit to %llu (LimitNOFILE= in a drop-in of "
                "ptrackd.service) or lower limits.connections",
                connections, (unsigned long long)rl.rlim_cur, (unsigned long long)want);
}

/* Failed accepts (http-server.h): once when they start, every 5 s at most
 * while they go on, once when they end. A client that ptrackd cannot
 * accept is closed unanswered, the administrator's `ptrack health` too,
 * and nothing else of ptrackd can open a file: said at error, with what
 * to do. */
static void on_accept_report(const pt_http_accept_report_t *rep, void *ud)
{
    daemon_t *d = ud;
    char closed[64] = "";
    if (rep->dropped)
        snprintf(closed, sizeof(closed), "%llu client%s closed unanswered",
                 (unsigned long long)rep->dropped, rep->dropped == 1 ? "" : "s");
    if (rep->state == PT_ACCEPT_WORKS) {
        pt_warn("accepting connections again, after %.1f s in which accept failed (%llu more "
                "time%s%s%s)",
                (double)rep->failing_ms / 1000, (unsigned long long)rep->failures,
                rep->failures == 1 ? "" : "s", rep->dropped ? ", " : "", closed);
        return;
    }
    char what[200], counts[200] = "";
    bool fds = rep->error == UV_EMFILE || rep->error == UV_ENFILE;
    if (rep->error == UV_EMFILE) {
        struct rlimit rl = {0};
        getrlimit(RLIMIT_NOFILE, &rl);
        snprintf(what, sizeof(what),
                 "ptrackd has all the files open it may (%llu, RLIMIT_NOFILE; EMFILE)",
                 (unsigned long long)rl.rlim_cur);
    } else if (rep->error == UV_ENFILE) {
        snprintf(what, sizeof(what),
                 "the system has all the files open it may (fs.file-max; ENFILE)");
    } else {
        snprintf(what, sizeof(what), "%s (%s)", uv_strerror(rep->error), uv_err_name(rep->error));
    }
    /* Only what happened: a pause turns no client away. */
    if (rep->state == PT_ACCEPT_FAILS && rep->dropped)
        snprintf(counts, sizeof(counts), "; %s", closed);
    else if (rep->state == PT_ACCEPT_STILL_FAILS)
        snprintf(counts, sizeof(counts), "; %llu failure%s%s%s in the last 5 s",
                 (unsigned long long)rep->failures, rep->failures == 1 ? "" : "s",
                 rep->dropped ? " and " : "", closed);
    char since[64] = "";
    if (rep->state == PT_ACCEPT_STILL_FAILS)
        snprintf(since, sizeof(since), " still (for %.0f s)", (double)rep->failing_ms / 1000);
    if (fds)
        pt_error("cannot accept connections%s: %s, with %zu connections open%s. New clients "
                 "are closed unanswered until a file is free: raise the limit of open files "
                 "(LimitNOFILE= in a drop-in of ptrackd.service) or lower limits.connections "
                 "(%u) below it",
                 since, what, rep->connections, counts, connections_allowed(&d->config));
    else
        pt_error("cannot accept connections%s: %s, with %zu connections open%s; accepting "
                 "pauses a moment each time",
                 since, what, rep->connections, counts);
}

/* A listener on another address than loopback serves other machines, which
 * must be asked for: the bearer token is then all that stands between the
 * network and the proposals. */
static int check_listen(const pt_config_t *c, pt_error_t *err)
{
    if (!c->listen || pt_listen_is_loopback(c->listen))
        return PT_OK;
    if (!c->allow_remote)
        return pt_error_set(err, PT_ECONFIG,
                            "listen: %s is not a loopback address; set \"allow_remote\": true "
                            "to serve other machines (tokens are then all that protect the API)",
                            c->listen);
    return PT_OK;
}

static bool str_same(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

static bool categories_same(const pt_config_t *a, const pt_config_t *b)
{
    if ((a->categories == NULL) != (b->categories == NULL) || a->n_categories != b->n_categories)
        return false;
    for (size_t i = 0; i < a->n_categories; i++)
        if (strcmp(a->categories[i], b->categories[i]) != 0)
            return false;
    return true;
}

/* Keeps a setting that only a restart can change, warning when the new
 * configuration asks for another value. */
static void keep_setting(char **now, char **next, const char *key)
{
    if (!str_same(*now, *next))
        pt_warn("SIGHUP: %s changed to \"%s\"; it takes effect at the next start", key,
                *next ? *next : "(none)");
    char *t = *next;
    *next = *now;
    *now = t;
}

/* Whether two workflows are the same: what GET /v1/workflow shows, and the
 * effect of each action, which it does not. */
static bool workflow_same(const pt_workflow_t *a, const pt_workflow_t *b)
{
    cJSON *ja = pt_workflow_to_json(a), *jb = pt_workflow_to_json(b);
    bool same = ja && jb && cJSON_Compare(ja, jb, true);
    const cJSON *acts = same ? cJSON_GetObjectItemCaseSensitive(ja, "actions") : NULL, *act;
    cJSON_ArrayForEach(act, acts)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(act, "name");
        const char *ea =
            cJSON_IsString(name) ? pt_workflow_action_effect(a, name->valuestring) : NULL;
        const char *eb =
            cJSON_IsString(name) ? pt_workflow_action_effect(b, name->valuestring) : NULL;
        if (!str_same(ea, eb))
            same = false;
    }
    cJSON_Delete(ja);
    cJSON_Delete(jb);
    return same;
}

/* A changed workflow waits for the next start, as a changed path does
 * (keep_setting): said, so that an office does not take the reload for
 * it, with the running states that the new one lacks, whose proposals
 * could then run no action. `name` is the workflow the configuration now
 * names; when it is another file than the running one's (`running`),
 * keep_setting says the change, and this the states it lacks. */
static void warn_workflow_changed(const pt_workflow_t *now, const pt_workflow_t *next,
                                  const char *running, const char *name)
{
    bool moved = !str_same(running, name);
    if (!moved && workflow_same(now, next))
        return;
    cJSON *j = pt_workflow_to_json(now);
    pt_buf_t gone;
    pt_buf_init(&gone);
    const cJSON *states = j ? cJSON_GetObjectItemCaseSensitive(j, "states") : NULL, *st;
    cJSON_ArrayForEach(st, states)
    {
        const cJSON *sn = cJSON_GetObjectItemCaseSensitive(st, "name");
        if (cJSON_IsString(sn) && !pt_workflow_has_state(next, sn->valuestring))
            pt_buf_printf(&gone, "%s%s", gone.len ? ", " : "", sn->valuestring);
    }
    bool some = gone.len && !pt_buf_failed(&gone);
    if (moved && some)
        pt_warn("SIGHUP: the workflow %s, which takes effect at the next start, has no state %s: "
                "a proposal stored in one will run no action then (docs/workflow.md)",
                name, gone.data);
    else if (!moved && some)
        pt_warn("SIGHUP: the workflow %s changed; it takes effect at the next start. It has no "
                "state %s: a proposal stored in one will run no action then (docs/workflow.md)",
                name, gone.data);
    else if (!moved)
        pt_warn("SIGHUP: the workflow %s changed; it takes effect at the next start", name);
    pt_buf_free(&gone);
    cJSON_Delete(j);
    /* What the start will say of it, said now, while it can be mended
     * before that start. */
    warn_workflow(name, next);
}

/* SIGHUP: reads the configuration again. A configuration with an error is
 * refused with a log line and the running one stays. Otherwise tokens,
 * socket users, limits, deadlines, the log level and plugin instances take
 * effect at once, without dropping a connection; the data directory, the
 * listeners, the socket's group, the workflow and the categories need a
 * restart. */
/* A reload's configuration refused: logged, and kept for GET /v1/health
 * until a reload is applied. Clears err and frees next. */
static void refuse_reload(daemon_t *d, pt_error_t *err, pt_config_t *next)
{
    config_prefix(d, err);
    pt_error("SIGHUP: the configuration was refused, the running one stays: %s", err->message);
    pt_api_note_reload(d->api, err->message);
    pt_error_clear(err);
    pt_config_free(next);
}

static void reload(daemon_t *d)
{
    pt_config_t next;
    pt_config_init(&next);
    pt_error_t err = {0};
    if (read_config(d, &next, &err) != PT_OK) {
        refuse_reload(d, &err, &next);
        return;
    }
    if (pt_api_check_token_names(d->api, &next, &err) != PT_OK) {
        refuse_reload(d, &err, &next);
        return;
    }
    /* The listeners and the socket's group change only at the next start,
     * which would refuse what a start refuses: a non-loopback listen
     * without allow_remote, a group that does not exist or that ptrackd's
     * user is not in. */
    gid_t group;
    if (check_listen(&next, &err) == PT_OK && next.socket_group &&
        !str_same(next.socket_group, d->config.socket_group))
        check_socket_group(next.socket_group, &group, &err);
    if (err.code != PT_OK) {
        refuse_reload(d, &err, &next);
        return;
    }
    pt_log_level_t level;
    if (pt_log_level_parse(next.log_level, &level) != 0) {
        pt_error_set(&err, PT_ECONFIG, "log_level: \"%s\" must be debug, info, warn or error",
                     next.log_level);
        refuse_reload(d, &err, &next);
        return;
    }
    /* The workflow takes effect at the next start, and that start would
     * fail on a workflow that does not load: it is checked now, as a start
     * checks it. */
    pt_workflow_t *wf = NULL;
    int wrc = load_workflow(next.workflow, &wf, &err);
    if (wrc == PT_OK)
        warn_workflow_changed(d->workflow, wf, d->config.workflow, next.workflow);
    pt_workflow_free(wf);
    if (wrc != PT_OK) {
        refuse_reload(d, &err, &next);
        return;
    }
    /* The plugin instances it names are checked before anything changes
     * (all but their plugins' create()). The built-in formats are not: one
     * that cannot be loaded is skipped, as at a start. A file the check
     * opens is kept for the load below, as at a start. */
    pt_plugins_keep_checked(d->plugins, true);
    if (next.plugins && pt_plugins_check(d->plugins, next.plugins, false, &err) != PT_OK) {
        pt_plugins_keep_checked(d->plugins, false);
        refuse_reload(d, &err, &next);
        return;
    }
    /* The file is taken. Said now, not when it was read: a reload refused
     * later on would leave the running configuration, and the file
     * mended would say it a second time against that. */
    pt_config_warn_root_role(&next, &d->config, d->config_path);
    pt_config_warn_deadlines(&next, &d->config, d->config_path);
    const char *dir_running = d->config.plugin_dir ? d->config.plugin_dir : PT_PLUGIN_DIR;
    const char *dir_next = next.plugin_dir ? next.plugin_dir : PT_PLUGIN_DIR;
    cJSON *builtins =
        builtin_entries(&next, dir_running, strcmp(dir_running, dir_next) ? dir_next : NULL);
    keep_setting(&d->config.data_dir, &next.data_dir, "data_dir");
    keep_setting(&d->config.socket, &next.socket, "socket");
    keep_setting(&d->config.listen, &next.listen, "listen");
    keep_setting(&d->config.workflow, &next.workflow, "workflow");
    keep_setting(&d->config.plugin_dir, &next.plugin_dir, "plugin_dir");
    keep_setting(&d->config.socket_group, &next.socket_group, "socket_group");
    /* The store validates against the categories it was opened with. */
    if (!categories_same(&d->config, &next))
        pt_warn("SIGHUP: categories changed; they take effect at the next start");
    char **cats = next.categories;
    size_t ncats = next.n_categories;
    next.categories = d->config.categories;
    next.n_categories = d->config.n_categories;
    d->config.categories = cats;
    d->config.n_categories = ncats;

    /* Everything that reads the configuration runs on this thread, so the
     * swap is seen whole by the next request. */
    unsigned old_connections = connections_allowed(&d->config);
    pt_config_t old = d->config;
    d->config = next;
    pt_config_free(&old);

    pt_log_set_level(level);
    if (connections_allowed(&d->config) > old_connections)
        fit_fd_limit(connections_allowed(&d->config));
    pt_http_server_set_limits(d->server, &d->config.limits);
    pt_store_set_deadlines(d->store, &d->config.deadlines);
    pt_deadline_engine_configure(d->deadlines, &d->config.deadlines);
    /* The built-in formats stay as they are unless the configuration now
     * names them or turns them off. */
    pt_api_note_reload(d->api, NULL);
    int failed = pt_plugins_reload(d->plugins, d->config.plugins, builtins);
    pt_plugins_keep_checked(d->plugins, false);
    cJSON_Delete(builtins);
    pt_info("SIGHUP: configuration reloaded%s", failed ? " (some plugin instances failed; "
                                                         "see above)"
                                                       : "");
}

static void on_sighup(uv_signal_t *h, int signum)
{
    (void)signum;
    daemon_t *d = h->data;
    if (d->stopping) {
        pt_warn("SIGHUP while stopping: ignored; the configuration is not read again");
        return;
    }
    /* systemd shows the unit reloading from RELOADING=1 until READY=1
     * comes again (a Type=notify-reload unit's `systemctl reload` waits
     * for it too), so every way out of reload(), refused or not, is
     * followed by it. */
    pt_sd_notify_reloading("reloading the configuration");
    reload(d);
    pt_sd_notify(d->ready[0] ? d->ready : "READY=1\nSTATUS=serving");
}

static int check_pidfile(const daemon_t *d, pt_error_t *err);

/* --check-config: the database a start would open, when it is there, read
 * as it is beside a ptrackd that may be running: another program's
 * database, or a file that is no database, is refused as the start
 * refuses it, naming the file (pt_sqlite_check_ours); one that cannot be
 * read now is said and passed over, as the start reads it again. */
static int check_database(const pt_config_t *c, pt_error_t *err)
{
    char db[4096];
    snprintf(db, sizeof(db), "%s/ptrack.db", c->data_dir);
    if (access(db, F_OK) != 0)
        return PT_OK;
    pt_error_t e = {0};
    int rc = pt_store_peek_ours(db, &e);
    if (rc == PT_ECONFIG) {
        pt_error_set(err, PT_ECONFIG, "%s", e.message);
        pt_error_clear(&e);
        return PT_ECONFIG;
    }
    if (rc != PT_OK)
        pt_warn("the database was not read (%s): the start checks that it is ptrack's", e.message);
    pt_error_clear(&e);
    return PT_OK;
}

/* --check-config: everything a start would check before it touches the
 * data: the file, the listen address, the socket's group, the pid file's
 * directory, the data directory, its database, its record of notifiers'
 * crashes and the socket's directory as they are now, the workflow and
 * the plugin instances it names, with their plugins' create(). */
static int check_config(daemon_t *d, pt_error_t *err)
{
    pt_log_level_t level;
    if (pt_log_level_parse(d->config.log_level, &level) != 0) {
        pt_error_set(err, PT_ECONFIG, "log_level: \"%s\" must be debug, info, warn or error",
                     d->config.log_level);
        return setting_refused(d, d->flag_level, err);
    }
    if (check_listen(&d->config, err) != PT_OK)
        return setting_refused(d, d->flag_listen, err);
    gid_t group;
    if (d->config.socket_group && check_socket_group(d->config.socket_group, &group, err) != PT_OK)
        return setting_refused(d, NULL, err);
    if (d->pidfile && check_pidfile(d, err) != PT_OK)
        return err->code;
    /* The default data directory is relative to wherever the check runs,
     * not where the service will: the directories are checked when the
     * file or the flags name them. */
    bool named = d->flag_data || d->flag_socket || strcmp(d->config.data_dir, PT_CONFIG_DATA_DIR);
    if (named && pt_data_dir_check(d->config.data_dir, d->config.socket, err) != PT_OK)
        return err->code;
    if (named)
        check_as_owner(&d->config);
    if (named && check_database(&d->config, err) != PT_OK)
        return err->code;
    /* The record of notifiers' crashes stops no start, but one that the
     * start could not read or append to changes what it does: said. */
    if (named)
        pt_plugin_crash_record_check(d->config.data_dir);
    if (named && check_token_names(&d->config, err) != PT_OK) {
        config_prefix(d, err);
        return err->code;
    }
    /* The start warns when the plugin directory leaves the built-in
     * formats out (not there, as in a tree installed with another prefix
     * than it was built for, or writable by others): so does the check,
     * in the same words, with the same entries left unused. */
    cJSON_Delete(builtin_entries(
        &d->config, d->config.plugin_dir ? d->config.plugin_dir : PT_PLUGIN_DIR, NULL));
    pt_workflow_t *wf = NULL;
    int rc = load_workflow(d->config.workflow, &wf, err);
    if (rc == PT_OK)
        warn_workflow(d->config.workflow, wf);
    /* The start says which stored proposals the workflow strands: so does
     * the check that comes before a restart with a changed workflow. */
    char db[4096];
    snprintf(db, sizeof(db), "%s/ptrack.db", d->config.data_dir);
    if (rc == PT_OK && named && access(db, F_OK) == 0)
        pt_store_peek_states(db, wf);
    if (rc != PT_OK || !d->config.plugins) {
        pt_workflow_free(wf);
        return rc;
    }
    /* Each instance is made with its plugin's create() and destroyed at
     * once, as a start would make it but with no store. */
    rc = check_plugins(d, wf, err);
    pt_workflow_free(wf);
    if (rc != PT_OK)
        return plugins_refused(d, err);
    return rc;
}

/* --pidfile: the pid and a newline, written to PATH.tmp and renamed over
 * PATH, so that a reader never sees a half-written file. A file left by an
 * earlier run is replaced: the socket tells whether a ptrackd runs, not the
 * pid file. */
/* PATH's directory into OUT, as dirname(1) says it: "." for a bare name. */
static void pidfile_dir(const char *path, char *out, size_t size)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        snprintf(out, size, ".");
    else if (slash == path)
        snprintf(out, size, "/");
    else
        snprintf(out, size, "%.*s", (int)(slash - path), path);
}

/* Says why the pid file PATH cannot be made in its directory, naming the
 * pid file and that directory, not the PATH.tmp written first. E is the
 * errno of the attempt. */
static int pidfile_refused(const char *path, int e, pt_error_t *err)
{
    char dir[4096];
    struct stat st;
    pidfile_dir(path, dir, sizeof(dir));
    if (e == ENOENT || (e == ENOTDIR && stat(dir, &st) != 0))
        return pt_error_set(err, PT_ECONFIG,
                            "cannot write the pid file %s: its directory %s does not exist "
                            "(ptrackd does not make it; for a service, systemd's "
                            "RuntimeDirectory= makes one in /run)",
                            path, dir);
    if (e == ENOTDIR || (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)))
        return pt_error_set(err, PT_ECONFIG, "cannot write the pid file %s: %s is not a directory",
                            path, dir);
    return pt_error_set(err, PT_ECONFIG, "cannot write the pid file %s in the directory %s: %s",
                        path, dir, strerror(e));
}

/* The PATH.tmp that the pid is written to before it is renamed to PATH,
 * into OUT. */
static int pidfile_tmp(const char *path, char *out, size_t size, pt_error_t *err)
{
    if ((size_t)snprintf(out, size, "%s.tmp", path) >= size)
        return pt_error_set(err, PT_ECONFIG, "--pidfile %s: the path is too long", path);
    return PT_OK;
}

/* Before the start makes anything (the data directory, the database, the
 * socket): the pid file's directory must be there, this user must be able
 * to make files in it, and the path itself must not be a directory, which
 * rename(2) does not replace, or the start, refused at its very end, would
 * leave those behind. Anything else there (a file left by a run before, a
 * link) is replaced, the link itself and not what it names, but not the
 * socket or a file of the data directory (ptrack.db): the rename would
 * put the pid in its place. Nor may PATH.tmp, written first, be a
 * directory (or a link to one). --check-config checks it so too. */
static int check_pidfile(const daemon_t *d, pt_error_t *err)
{
    const char *path = d->pidfile;
    const char *clash = pt_data_dir_clash(d->config.data_dir, d->config.socket, path);
    if (clash)
        return pt_error_set(err, PT_ECONFIG,
                            "cannot write the pid file %s: it names %s%s, which the pid file "
                            "would replace; give --pidfile a path of its own (such as "
                            "/run/ptrack/ptrackd.pid)",
                            path, clash,
                            strcmp(clash, "the socket") == 0 ? "" : " of the data directory");
    char dir[4096];
    struct stat st;
    pidfile_dir(path, dir, sizeof(dir));
    if (stat(dir, &st) != 0)
        return pidfile_refused(path, errno, err);
    if (!S_ISDIR(st.st_mode))
        return pidfile_refused(path, ENOTDIR, err);
    /* As open(2) judges it: the effective ids. */
    if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) != 0)
        return pidfile_refused(path, errno, err);
    if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return pt_error_set(err, PT_ECONFIG,
                            "cannot write the pid file %s: it is a directory, which ptrackd "
                            "does not replace; give --pidfile the path of a file",
                            path);
    /* PATH.tmp, written first, is replaced as PATH is (write_pidfile):
     * not a directory, nor the socket or a file of the data directory. */
    char tmp[4096];
    if (pidfile_tmp(path, tmp, sizeof(tmp), err) != PT_OK)
        return err->code;
    clash = pt_data_dir_clash(d->config.data_dir, d->config.socket, tmp);
    if (clash)
        return pt_error_set(err, PT_ECONFIG,
                            "cannot write the pid file %s: %s, which ptrackd writes first and "
                            "renames to it, names %s%s; give --pidfile another path",
                            path, tmp, clash,
                            strcmp(clash, "the socket") == 0 ? "" : " of the data directory");
    if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
        return pt_error_set(err, PT_ECONFIG,
                            "cannot write the pid file %s: %s, which ptrackd writes first and "
                            "renames to it, is a directory; move it away, or give --pidfile "
                            "another path",
                            path, tmp);
    return PT_OK;
}

static int write_pidfile(const char *path, pt_error_t *err)
{
    char tmp[4096];
    if (pidfile_tmp(path, tmp, sizeof(tmp), err) != PT_OK)
        return err->code;
    /* What is at PATH.tmp (a file left by a run that was killed, a link)
     * is replaced, the link itself and not what it names, as the rename
     * replaces PATH: written through, a link to a file elsewhere had the
     * pid written over that file, and one that named nothing stopped the
     * start here, once the store was made. */
    if (unlink(tmp) != 0 && errno != ENOENT)
        return pidfile_refused(path, errno, err);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return pidfile_refused(path, e, err);
    }
    int bad = fprintf(f, "%ld\n", (long)getpid()) < 0;
    bad |= fclose(f) != 0;
    if (bad || rename(tmp, path) != 0) {
        int e = errno;
        unlink(tmp);
        return pt_error_set(err, PT_ECONFIG, "cannot write the pid file %s: %s", path, strerror(e));
    }
    return PT_OK;
}

/* Removes the pid file at exit, unless another process has put its own pid
 * there meanwhile (a second ptrackd started by mistake must not lose its
 * file because the first one stopped). */
static void remove_pidfile(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return;
    long pid = 0;
    int n = fscanf(f, "%ld", &pid);
    fclose(f);
    if (n == 1 && pid == (long)getpid())
        unlink(path);
}

static void on_watchdog(uv_timer_t *t)
{
    (void)t;
    int rc = pt_sd_notify("WATCHDOG=1");
    if (rc != 0)
        pt_warn("cannot tell the service manager that ptrackd is alive: %s", strerror(-rc));
}

/* A unit with WatchdogSec= has the service manager end ptrackd when it has
 * not heard WATCHDOG=1 for that long, and restart it (Restart=on-failure):
 * it is sent from the loop, at half the interval, so that it comes as long
 * as the loop answers requests. It says nothing of the writer's thread,
 * which an import's move may hold for minutes. The manager counts from the
 * end of the start, so a long schema move does not count. */
static void watchdog_start(daemon_t *d)
{
    uint64_t usec = pt_sd_watchdog_usec();
    if (usec == 0)
        return;
    uint64_t ms = usec / 2000;
    if (ms == 0)
        ms = 1;
    uv_timer_init(d->loop, &d->watchdog);
    d->watchdog.data = d;
    d->watchdog_made = true;
    uv_timer_start(&d->watchdog, on_watchdog, ms, ms);
    /* It keeps nothing running: a stop ends the loop with it still set. */
    uv_unref((uv_handle_t *)&d->watchdog);
    pt_info("telling the service manager every %" PRIu64 " ms that ptrackd is alive "
            "(its watchdog is %" PRIu64 " ms)",
            ms, usec / 1000);
}

static void pool_start_work(uv_work_t *w)
{
    (void)w;
}

static void pool_started(uv_work_t *w, int status)
{
    (void)w;
    (void)status;
}

/* The socket is served by another process (another ptrackd, on another
 * data directory): it is not taken from it. Said before the start makes
 * anything, and again should that process begin serving meanwhile. */
static int socket_served(const daemon_t *d, pt_error_t *err)
{
    return pt_error_set(err, PT_ECONFIG,
                        "cannot listen on the socket %s: another process serves on it "
                        "(another ptrackd?); stop it, or give this one another socket",
                        d->config.socket);
}

/* The socket's directory does not exist: ptrackd makes none but the data
 * directory. Said before the start makes anything (pt_socket_dir_missing),
 * and at the bind, should it go meanwhile. */
static int socket_dir_missing(const daemon_t *d, pt_error_t *err)
{
    return pt_error_set(err, PT_ECONFIG,
                        "cannot listen on the socket %s: its directory does not exist "
                        "(ptrackd makes the data directory, not the socket's)",
                        d->config.socket);
}

/* The API's handler of requests, for a server made before the API is
 * (start): no request is read before the loop runs, and by then the API
 * is made. */
static void handle_request(pt_http_request_t *req, void *ud)
{
    const daemon_t *d = ud;
    pt_api_handle(req, d->api);
}

static int start(daemon_t *d, pt_error_t *err)
{
    /* The signals are taken first. A start may take a while (a schema to
     * move, a plugin's create() that connects to its server), and a signal
     * that came meanwhile did what the kernel does with it: SIGHUP killed
     * ptrackd, SIGTERM stopped it without a word and without saving the
     * notifiers' cursors. Taken here (and blocked on every thread until the
     * start is done, main), it waits until then: a SIGHUP then reads the
     * configuration again, a SIGTERM stops as at any other time. A start
     * that fails closes them unheard. */
    uv_signal_init(d->loop, &d->sigint);
    uv_signal_init(d->loop, &d->sigterm);
    uv_signal_init(d->loop, &d->sighup);
    d->signals_made = true;
    d->sigint.data = d->sigterm.data = d->sighup.data = d;
    uv_signal_start(&d->sigint, on_signal, SIGINT);
    uv_signal_start(&d->sigterm, on_signal, SIGTERM);
    uv_signal_start(&d->sighup, on_sighup, SIGHUP);
    /* libuv starts its thread pool (the reads) at the first work queued,
     * and each of its threads takes the mask of the thread that queued
     * it: queued now, while this thread blocks the signals (main), the
     * pool's threads never take one (signals.h). */
    uv_queue_work(d->loop, &d->pool_start, pool_start_work, pool_started);
    if (check_listen(&d->config, err) != PT_OK)
        return setting_refused(d, d->flag_listen, err);
    if (d->config.listen && !pt_listen_is_loopback(d->config.listen))
        pt_warn("listening on %s, which other machines can reach (allow_remote is set); "
                "every request there needs a token",
                d->config.listen);
    pt_log_level_t level;
    if (pt_log_level_parse(d->config.log_level, &level) != 0)
        return pt_error_set(err, PT_ECONFIG, "log_level: \"%s\" must be debug, info, warn or error",
                            d->config.log_level);
    pt_log_set_level(level);

    /* What can be checked cheaply is, before the data directory and the
     * database are made, so that a start refused for it leaves nothing. */
    if (d->pidfile && check_pidfile(d, err) != PT_OK)
        return err->code;
    if (pt_socket_path_check(d->config.socket, err) != PT_OK)
        return err->code;
    if (pt_http_unix_socket_served(d->config.socket) == UV_EADDRINUSE) {
        /* A second ptrackd on the same data directory is told by its lock,
         * which names the first one's pid. Nothing is made or written for
         * it, as for any start refused here: not the directory, nor a lock
         * file in one that exists (a directory given by mistake). */
        if (pt_data_dir_held(d->config.data_dir, err) != PT_OK)
            return err->code;
        return socket_served(d, err);
    }
    if (pt_socket_dir_missing(d->config.data_dir, d->config.socket))
        return socket_dir_missing(d, err);
    if (pt_socket_dir_check(d->config.data_dir, d->config.socket, err) != PT_OK)
        return err->code;
    /* The socket is ptrackd's alone (0600) unless a group is named whose
     * members may connect (0660): socket_users must be able to reach it,
     * and the kernel then tells ptrackd who each of them is. */
    gid_t group = (gid_t)-1;
    if (d->config.socket_group && check_socket_group(d->config.socket_group, &group, err) != PT_OK)
        return setting_refused(d, NULL, err);
    if (load_workflow(d->config.workflow, &d->workflow, err) != PT_OK)
        return err->code;
    warn_workflow(d->config.workflow, d->workflow);
    /* What the configuration says wrong of its plugin instances (a file
     * that is missing or is no plugin, an option, two instances of one
     * format) stops the start, naming it, as it stops --check-config: so
     * before the start makes anything. Only their create() needs the
     * store (a notifier reads its cursor there), and what create() alone
     * refuses does not stop the start (below). They are checked in the
     * registry that loads them once the store is made, which keeps each
     * file the check opened for that load: a file is dlopened, and its
     * constructors run, once a start. */
    pt_plugins_options_t po = {
        .loop = d->loop,
        .workflow = d->workflow,
        .plugin_dir = d->config.plugin_dir ? d->config.plugin_dir : PT_PLUGIN_DIR,
    };
    if (pt_plugins_new(&po, &d->plugins) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    pt_plugins_keep_checked(d->plugins, true);
    if (d->config.plugins && pt_plugins_check(d->plugins, d->config.plugins, false, err) != PT_OK)
        return plugins_refused(d, err);
    /* The TCP port is bound now, and listened on once the plugins are
     * loaded (a connection is refused meanwhile, as before any bind): a
     * port that another process listens on stops the start before it
     * makes anything. It is not held meanwhile: a server that binds it
     * with SO_REUSEADDR and listens first stops the start at its listen
     * (pt_http_server_bind_tcp). Another ptrackd that has bound it and is
     * starting is told (UV_EBUSY), so that of two started at once on one
     * port the second is refused here too, not at its listen once its
     * store is made. */
    if (pt_http_server_new(d->loop, &d->config.limits, handle_request, d, &d->server) != 0)
        return pt_error_set(err, PT_ENOMEM, "cannot create the HTTP server");
    if (d->config.listen) {
        int rc = pt_http_server_bind_tcp(d->server, d->config.listen);
        /* A second ptrackd on the same data directory is told by its lock,
         * as at the socket above. */
        if ((rc == UV_EADDRINUSE || rc == UV_EBUSY) &&
            pt_data_dir_held(d->config.data_dir, err) != PT_OK)
            return err->code;
        /* Another ptrackd is starting on the port (pt_http_server_bind_tcp
         * holds a port's name until it listens): this start waits for it
         * to listen, and binds then, refused where their addresses
         * overlap, taken where they do not. */
        if (rc == UV_EBUSY) {
            pt_info("another ptrackd is starting on the port of %s: waiting up to %d s for it "
                    "to listen",
                    d->config.listen, PORT_WAIT_MS / 1000);
            __atomic_store_n(&port_waiting, 1, __ATOMIC_RELEASE);
            for (int waited = 0; rc == UV_EBUSY && waited < PORT_WAIT_MS; waited += 100) {
                struct timespec ts = {0, 100 * 1000000L};
                nanosleep(&ts, NULL);
                rc = pt_http_server_bind_tcp(d->server, d->config.listen);
            }
            __atomic_store_n(&port_waiting, 0, __ATOMIC_RELEASE);
            if ((rc == UV_EADDRINUSE || rc == UV_EBUSY) &&
                pt_data_dir_held(d->config.data_dir, err) != PT_OK)
                return err->code;
        }
        if (rc == UV_EBUSY)
            return pt_error_set(
                err, PT_ECONFIG,
                "cannot listen on %s: another ptrackd, starting, holds the port and "
                "has not listened on it within %d s; give this one another port "
                "(listen, --listen)",
                d->config.listen, PORT_WAIT_MS / 1000);
        if (rc != 0)
            return pt_error_set(err, PT_ECONFIG, "cannot listen on %s: %s", d->config.listen,
                                uv_strerror(rc));
    }
    if (pt_data_dir_open(d->config.data_dir, err) != PT_OK)
        return err->code;

    char db[4096];
    snprintf(db, sizeof(db), "%s/ptrack.db", d->config.data_dir);
    pt_data_dir_prepare_db(db);
    if (pt_store_set_temp_dir(d->config.data_dir) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    pt_store_options_t so = {
        .path = db,
        .workflow = d->workflow,
        .deadlines = d->config.deadlines,
        .validate = {.categories = (const char *const *)d->config.categories,
                     .n_categories = d->config.n_categories},
    };
    if (pt_store_open(d->loop, &so, &d->store, err) != PT_OK)
        return err->code;

    pt_plugins_set_store(d->plugins, d->store, d->config.data_dir);
    if (pt_deadline_engine_start(d->loop, d->store, &d->config.deadlines, &d->deadlines) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    pt_api_options_t ao = {.loop = d->loop,
                           .store = d->store,
                           .workflow = d->workflow,
                           .config = &d->config,
                           .plugins = d->plugins,
                           .deadlines = d->deadlines};
    if (pt_api_new(&ao, &d->api) != PT_OK)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    if (pt_api_check_token_names(d->api, &d->config, err) != PT_OK) {
        config_prefix(d, err);
        return err->code;
    }
    /* The configured instances are loaded before the listeners open, so a
     * client never sees a daemon with half its plugins. What the
     * configuration says wrong of them was checked before the store was
     * made. What only the plugin's own create() refuses (its server out
     * of reach, say) does not stop the start, as at a reload: ptrackd
     * serves without that instance, which GET /v1/health names in
     * plugins_failed until a reload loads it, and a notifier then goes on
     * from its saved place, so no event of the meantime is lost to it. */
    const cJSON *entry;
    cJSON_ArrayForEach(entry, d->config.plugins)
    {
        if (pt_plugins_load(d->plugins, entry, err) != PT_OK) {
            const cJSON *n = cJSON_GetObjectItemCaseSensitive(entry, "instance");
            const char *name = cJSON_IsString(n) ? n->valuestring : "?";
            pt_error("plugin instance %s was not loaded: %s; ptrackd serves without it until a "
                     "reload (SIGHUP) loads it (GET /v1/health names it in plugins_failed)",
                     name, err->message);
            pt_plugins_note_failed(d->plugins, name, err->message);
            pt_error_clear(err);
        }
    }
    load_builtin_plugins(d, po.plugin_dir);
    pt_plugins_keep_checked(d->plugins, false);
    fit_fd_limit(connections_allowed(&d->config));
    pt_http_server_set_body_stream(d->server, pt_api_wants_body_stream, d->api, PT_IMPORT_MAX_BODY);
    pt_http_server_set_head_check(d->server, pt_api_head_check, d->api);
    pt_http_server_set_accept_report(d->server, on_accept_report, d);
    int rc = pt_http_server_listen_unix(d->server, d->config.socket,
                                        d->config.socket_group ? 0660 : 0600);
    if (rc == UV_EADDRINUSE)
        return socket_served(d, err);
    if (rc == UV_ENOENT)
        return socket_dir_missing(d, err);
    if (rc != 0)
        return pt_error_set(err, PT_ECONFIG, "cannot listen on the socket %s: %s", d->config.socket,
                            uv_strerror(rc));
    d->socket_made = true;
    if (d->config.socket_group && chown(d->config.socket, (uid_t)-1, group) != 0)
        return pt_error_set(err, PT_ECONFIG, "cannot give the socket %s to group %s: %s",
                            d->config.socket, d->config.socket_group, strerror(errno));
    if (d->config.socket_group)
        warn_socket_unreachable(d->config.socket, d->config.socket_group, group);
    pt_info("listening on %s", d->config.socket);
    char tcp[300] = ""; /* the address served, with the port the system chose for port 0 */
    if (d->config.listen) {
        rc = pt_http_server_listen_bound(d->server);
        if (rc != 0)
            return pt_error_set(err, PT_ECONFIG, "cannot listen on %s: %s", d->config.listen,
                                uv_strerror(rc));
        /* Port 0 lets the system choose one: the log says which, or no
         * one could find it. */
        const char *colon = strrchr(d->config.listen, ':');
        int port = pt_http_server_tcp_port(d->server);
        bool chosen = colon && strcmp(colon, ":0") == 0 && port > 0;
        if (chosen)
            snprintf(tcp, sizeof(tcp), "%.*s:%d", (int)(colon - d->config.listen), d->config.listen,
                     port);
        else
            snprintf(tcp, sizeof(tcp), "%s", d->config.listen);
        pt_info("listening on http://%s%s", tcp, chosen ? " (port 0: the system chose it)" : "");
    }
    if (d->pidfile && write_pidfile(d->pidfile, err) != PT_OK)
        return err->code;
    pt_info("ptrackd %s ready (workflow %s, data in %s)", PT_VERSION, pt_workflow_name(d->workflow),
            d->config.data_dir);
    snprintf(d->ready, sizeof(d->ready), "READY=1\nSTATUS=serving on %s%s%s", d->config.socket,
             tcp[0] ? " and http://" : "", tcp);
    int rc_notify = pt_sd_notify(d->ready);
    if (rc_notify != 0)
        pt_warn("cannot tell the service manager that ptrackd is ready: %s", strerror(-rc_notify));
    watchdog_start(d);
    pt_store_restore_noticed(d->store);
    return PT_OK;
}

/* ---- SIGTERM while the start is held up ---------------------------------
 *
 * While ptrackd starts, the signals it handles are blocked (main) and wait
 * until the loop runs. A start that a plugin's create() holds up for ever
 * (a server that never answers, in a plugin that connects there) would
 * so hold a SIGTERM until the service manager's start timeout killed it.
 * A thread of its own takes SIGTERM and SIGINT during the start: when the
 * start ends, it hands the signal back to the loop, which stops as at any
 * other time; when the loop's thread is still in a plugin's create()
 * START_HOLD_MS after the signal, ptrackd ends there and then, by the
 * signal. That is as safe as a crash, which the store is made for: no
 * request has been answered yet, a write is in the database whole or not
 * at all (SQLite's WAL), and a notifier started meanwhile delivers again
 * after the restart what it had not saved. ptrackd's own work (a schema
 * being moved) is waited for, as the stop waits for a job's batch. A
 * start that waits for another ptrackd to listen on its port (start) has
 * made nothing yet: the signal ends it at once.
 * --check-config runs with the signals blocked too, and runs the plugins'
 * create(): the same thread ends it at the first SIGTERM, SIGINT or SIGHUP
 * (start_watch_t's check). */
#define START_HOLD_MS 3000

typedef struct {
    pthread_t thread;
    bool started;
    /* --check-config: it touches no data and answers nothing, so a signal
     * ends it at once, by the signal, as one did before they were blocked
     * (a plugin's create() that never returns held it up for good). */
    bool check;
    int done; /* the start is over: set by main, atomically */
} start_watch_t;

static uint64_t mono_ms(void)
{
    return uv_hrtime() / 1000000;
}

/* Ends ptrackd by sig, as a process without a handler is: the service
 * manager counts that as a stop. Thread: the start's watch. */
static void end_by_signal(int sig)
{
    signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    pthread_sigmask(SIG_UNBLOCK, &one, NULL);
    raise(sig);
    _exit(128 + sig);
}

static void *start_watch_main(void *arg)
{
    start_watch_t *w = arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    if (w->check)
        sigaddset(&set, SIGHUP);
    const struct timespec tick = {0, 100 * 1000 * 1000};
    int sig = 0;
    uint64_t at = 0;
    while (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)) {
        if (!sig) {
            /* Taken here (it is blocked on every thread), or not at all. */
            int s = sigtimedwait(&set, NULL, &tick);
            if (s > 0 && w->check)
                end_by_signal(s);
            if (s > 0) {
                sig = s;
                at = mono_ms();
                pt_info("%s during the start: ptrackd stops once the start is done",
                        sig == SIGINT ? "SIGINT" : "SIGTERM");
            }
            continue;
        }
        if (__atomic_load_n(&port_waiting, __ATOMIC_ACQUIRE)) {
            pt_info("%s while waiting for another ptrackd to listen on the port: ptrackd ends "
                    "now; it has made nothing",
                    sig == SIGINT ? "SIGINT" : "SIGTERM");
            end_by_signal(sig);
        }
        char what[PT_PLUGIN_CODE_WHAT];
        uint64_t ms;
        if (mono_ms() - at >= START_HOLD_MS && pt_plugins_in_code(what, sizeof(what), &ms)) {
            pt_error("%s: the start is held up in %s (for %.1f s); ptrackd ends now, without "
                     "stopping cleanly: it has answered no request yet, and the database is as "
                     "after a crash, which it is made for. A plugin must not block in its "
                     "create() nor as it is loaded (docs/plugins.md)",
                     sig == SIGINT ? "SIGINT" : "SIGTERM", what, (double)ms / 1000);
            end_by_signal(sig);
        }
        nanosleep(&tick, NULL);
    }
    /* The start is over: the loop takes the signal once main unblocks it. */
    if (sig)
        kill(getpid(), sig);
    return NULL;
}

/* Thread: main, with the signals blocked (they are inherited). */
static void start_watch_begin(start_watch_t *w)
{
    w->started = pthread_create(&w->thread, NULL, start_watch_main, w) == 0;
}

static void start_watch_end(start_watch_t *w)
{
    __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    if (w->started)
        pthread_join(w->thread, NULL);
}

/* Undoes what a start that was refused had made, as a stop does
 * (close_parts), and frees it. Instances loaded before the failing one
 * have notifier threads; they are stopped before the process goes. The
 * listeners' handles close too, and the loop runs until every close is
 * done. */
static void stop_refused(daemon_t *d)
{
    if (d->server)
        pt_http_server_shutdown(d->server, NULL, NULL);
    close_parts(d);
    uv_run(d->loop, UV_RUN_DEFAULT);
    pt_http_server_free(d->server);
    pt_plugins_free(d->plugins);
    pt_workflow_free(d->workflow);
    pt_config_free(&d->config);
    uv_loop_close(d->loop);
}

/* The message of a refused start, on one line as the log writes its
 * lines: it may quote a flag's value or the file's, which may hold a
 * newline (under systemd, the rest would be an entry of its own, without
 * the error's priority) or a terminal's escape. */
static const char *one_line(pt_error_t *err)
{
    err->message[pt_log_blank(err->message, strlen(err->message))] = '\0';
    return err->message;
}

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN);
    /* The signals ptrackd handles are blocked on this thread until the
     * start is done, so that every thread made meanwhile (the store's, the
     * thread pool's, the notifiers', a plugin's) inherits that and never
     * takes one; a signal that comes meanwhile waits in the kernel, and is
     * taken by the loop once it runs (signals.h). */
    sigset_t mask;
    pt_signals_block(&mask);
    /* First, so that every line says its level to the journal (--syslog,
     * read later, sends the lines elsewhere and needs none). */
    pt_log_detect_journal();
    pt_plugin_crash_install();
    daemon_t d;
    memset(&d, 0, sizeof(d));
    d.loop = uv_default_loop();
    pt_config_init(&d.config);
    pt_error_t err = {0};
    if (parse_flags(&d, argc, argv, &err) == PT_OK && d.check_only) {
        start_watch_t watch = {.check = true};
        start_watch_begin(&watch);
        int rc = check_config(&d, &err);
        start_watch_end(&watch);
        if (rc == PT_OK)
            printf("ptrackd: %s is a good configuration\n", d.config_path);
        else
            fprintf(stderr, "ptrackd: %s\n", one_line(&err));
        pt_error_clear(&err);
        pt_config_free(&d.config);
        return rc == PT_OK ? 0 : 1;
    }
    /* Also when the flags or the configuration were refused: that message
     * goes to syslog too, where the operator of a --syslog ptrackd reads. */
    if (d.use_syslog)
        pt_log_use_syslog("ptrackd");
    start_watch_t watch = {0};
    start_watch_begin(&watch);
    int started = err.code == PT_OK ? start(&d, &err) : err.code;
    start_watch_end(&watch);
    if (started != PT_OK) {
        /* A start that fails is told on stderr, where whoever started
         * ptrackd looks, and also to syslog when the log goes there. */
        if (d.use_syslog)
            pt_error("%s", err.message);
        fprintf(stderr, "%sptrackd: %s\n", pt_log_journal() ? "<3>" : "", one_line(&err));
        pt_error_clear(&err);
        /* A socket this start made, that nothing will serve. */
        if (d.socket_made)
            unlink(d.config.socket);
        stop_refused(&d);
        return 1;
    }
    pt_signals_restore(&mask);
    uv_run(d.loop, UV_RUN_DEFAULT);
    if (d.pidfile)
        remove_pidfile(d.pidfile);
    pt_http_server_free(d.server);
    /* A job the stop gave up on may still come back into the host table,
     * which reads the registry and the workflow: they are left to the
     * process's exit, with that thread. */
    if (pt_jobs_abandoned() == 0) {
        pt_plugins_free(d.plugins);
        pt_workflow_free(d.workflow);
        pt_config_free(&d.config);
    }
    uv_loop_close(d.loop);
    return d.exit_code;
}
