/*
 * plugins.h - the plugin host: loads plugin files, makes and keeps their
 * instances, and runs notifiers and jobs (docs/plugins.md,
 * include/ptrack/plugin.h).
 *
 * Parts, one file each:
 *   plugin-loader.c   the registry: instances, create/destroy,
 *                     load/unload/reload/list
 *   plugin-file.c     a plugin file: its checks, dlopen, the descriptor's
 *                     checks and the host's copy (plugin-file.h)
 *   plugin-options.c  an instance's config against the option table
 *   plugin-host.c     the ptrack_host_t table handed to plugins
 *   plugin-record.c   records (ptrack_record_t): JSON objects by path
 *   plugin-notifier.c notifier instances: a worker thread each, the event
 *                     filter, durable cursors, retries with back-off
 *   plugin-jobs.c     import and export jobs on threads of their own
 *   plugin-crash.c    names the plugin a thread was in when ptrackd dies
 *                     of a fatal signal
 *
 * Unless a function says otherwise, Thread: loop.
 */
#ifndef PT_PLUGINS_H
#define PT_PLUGINS_H

#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <uv.h>
#include <cjson/cJSON.h>
#include <ptrack/plugin.h>
#include "error.h"
#include "store.h"

typedef struct pt_plugins_s pt_plugins_t;
typedef struct ptrack_instance pt_instance_t;
typedef struct pt_notifier_s pt_notifier_t;

/* One plugin file, opened once however many instances use it. */
typedef struct pt_plugin_file_s {
    char *path; /* as resolved (absolute or relative to the daemon's cwd) */
    dev_t dev;  /* the file that was checked and opened, */
    ino_t ino;
    off_t size; /* as it was then: ptrackd runs a copy of that content */
    struct timespec mtime, ctime;
    unsigned char sha256[32]; /* of that content */
    void *handle;             /* dlopen's */
    const ptrack_plugin_t *desc;
    int refs;  /* instances using it, and a check's hold; dlclose at 0 */
    bool held; /* a check keeps it open for the load that follows
                  (pt_plugins_keep_checked): one of refs */
} pt_plugin_file_t;

/* One configured instance; the ABI's opaque ptrack_instance_t. */
struct ptrack_instance {
    pt_plugins_t *host;
    char *name; /* "wecom" */
    pt_plugin_file_t *file;
    cJSON *entry;                  /* the config entry as given: {instance, path, config} */
    cJSON *options;                /* `config` checked against the option table, defaults filled */
    void *state;                   /* create()'s */
    char **events;                 /* notifiers: the event types wanted ("proposal.*" allowed); */
    size_t n_events;               /*   NULL/0: every event */
    bool start_oldest;             /* notifiers: a new one starts with the oldest event the
                                      store holds ("start": "oldest"), not after the newest */
    pt_notifier_t *notifier;       /* set while a notifier runs */
    unsigned jobs;                 /* import and export jobs running on this instance */
    _Atomic bool opt_misread_told; /* an option getter's misuse was logged (plugin-host.c) */
    bool runtime;                  /* loaded through POST /v1/plugins, not named by the
                                      configuration: a reload leaves it as it is */
    uint64_t serial;               /* one more than the last instance made's: tells an instance
                                      from a later one of the same name */
    bool builtin;                  /* a built-in format plugin loaded because builtin_plugins
                                      is on, not named by anyone: any other instance may
                                      take its formats over (see pt_plugins_importer) */
    bool replaced;                 /* a reload in progress changes or removes it: the instances
                                      it makes do not clash with its formats */
    pt_instance_t *next;
};

/* The host table handed to every plugin (plugin-host.c). */
extern const ptrack_host_t pt_plugin_host;

typedef struct {
    uv_loop_t *loop;
    pt_store_t *store;
    const pt_workflow_t *workflow; /* what workflow_item reads; must outlive the registry */
    const char *plugin_dir;        /* where a path without a slash is looked up */
    const char *data_dir;          /* where the record of crashes in deliver() is kept
                                      (plugin-crash.c); NULL: none */
} pt_plugins_options_t;

int pt_plugins_new(const pt_plugins_options_t *opts, pt_plugins_t **out);
/* Gives a registry made without a store its store and data directory
 * (pt_plugins_options_t's), before any instance is loaded: a start checks
 * the configuration's instances before the store is made, in the registry
 * that then loads them. */
void pt_plugins_set_store(pt_plugins_t *p, pt_store_t *store, const char *data_dir);
/* Unloads everything (see pt_plugins_shutdown) and frees the registry. */
void pt_plugins_free(pt_plugins_t *p);

/* Loads one instance from a config entry {"instance", "path", "config"}
 * (the body of POST /v1/plugins). Refusals are 4xx errors whose message
 * names the reason: PT_EVALIDATION (a bad entry, option or file: not found,
 * not a regular file, wrong owner or mode, not a shared object, no entry
 * symbol, another ABI major, a newer minor, a struct too small, a kind
 * without its ops) and PT_ECONFLICT (the instance name is taken, or an
 * import or export format of the plugin is served by another instance
 * that is not a built-in one: the message names it and the format). On
 * failure nothing stays loaded. */
int pt_plugins_load(pt_plugins_t *p, const cJSON *entry, pt_error_t *err);
/* Notes that the configuration's instance `name` could not be loaded, and
 * why (copied): GET /v1/health and GET /v1/plugins name it until a reload
 * loads it. For a start that goes on without it. Thread: loop. */
void pt_plugins_note_failed(pt_plugins_t *p, const char *name, const char *why);
/* The same for an instance loaded at run time (POST /v1/plugins): a reload
 * keeps it unless the new configuration names it, and a restart does not
 * bring it back. */
int pt_plugins_load_runtime(pt_plugins_t *p, const cJSON *entry, pt_error_t *err);
/* The same for a built-in format plugin (builtin_plugins): it gives way to
 * any instance that is not built in, whatever the order they are loaded
 * in, and is refused (PT_ECONFLICT) only when another built-in instance
 * serves one of its formats. */
int pt_plugins_load_builtin(pt_plugins_t *p, const cJSON *entry, pt_error_t *err);
/* Unloads an instance: stops its notifier (waiting for a deliver() in
 * progress at most deadline_ms), refuses while jobs run on it, calls
 * destroy(), and dlcloses the file when no instance uses it any more.
 * PT_ENOTFOUND when there is no such instance; PT_ECONFLICT when it cannot
 * be stopped now (the message says why); it then stays loaded. */
int pt_plugins_unload(pt_plugins_t *p, const char *instance, uint64_t deadline_ms, pt_error_t *err);
/* Checks a new `plugins` array: each new or changed entry, its file
 * (opened, checked and dlopened; an open one is shared), its options,
 * events and start; and that no two of its instances, nor one of them and
 * an instance loaded at run time that the reload keeps, serve one import
 * or export format. With create, each new or changed instance is also made
 * with its plugin's create() and destroyed again at once (--check-config;
 * create() must not block nor reach outside, include/ptrack/plugin.h says
 * so), without starting a notifier: option values only the plugin can
 * judge are then checked too. Nothing running changes. Returns PT_OK or
 * the first problem, naming the instance (both, and the format, for a
 * clash). Thread: loop. */
int pt_plugins_check(pt_plugins_t *p, const cJSON *entries, bool create, pt_error_t *err);
/* With keep true, each plugin file that pt_plugins_check opens from then on
 * stays open after the check, and the load of an instance that follows
 * (pt_plugins_load, pt_plugins_reload) shares it: the file is dlopened,
 * and its constructors run, once for a check and the load after it, not
 * twice. With keep false, the files so kept that no instance uses are
 * closed (dlclose), as pt_plugins_shutdown closes them too. */
void pt_plugins_keep_checked(pt_plugins_t *p, bool keep);
/* Applies a new `plugins` array (SIGHUP) and the entries of the built-in
 * format plugins (builtins; NULL: none): instances whose entry changed are
 * made again, new ones loaded, missing ones unloaded, except those loaded
 * at run time, which stay unless an entry of `entries` now names them
 * (the configuration's from then on). A changed entry's new instance is
 * made (its create() run) before the running one is stopped: when it
 * cannot be, the running one goes on with its earlier entry. An instance
 * with jobs running, or a notifier inside deliver(), is changed once they
 * end (see pt_plugins_jobs_ended). Errors are logged per instance, and
 * noted for pt_plugins_failed; the others still apply. Returns the number
 * of failures. */
int pt_plugins_reload(pt_plugins_t *p, const cJSON *entries, const cJSON *builtins);

/* The configuration's instances that the last reload could not load, or
 * could not change (they go on with their earlier entry), each
 * {instance, error}; [] when none. A later load of the name takes it off.
 * Ownership: the caller frees. */
cJSON *pt_plugins_failed(pt_plugins_t *p);
/* The notifier instances that are failing (pt_notifier_failing), as
 * [{instance, since, behind}], in load order. Ownership: the caller frees;
 * NULL when memory is short. */
cJSON *pt_plugins_notifiers_failing(pt_plugins_t *p);

/* The last import or export job of inst has ended (plugin-jobs.c calls
 * it when inst->jobs comes back to 0): a reload's change that waited for
 * it is made now. inst may be freed by the time it returns. */
void pt_plugins_jobs_ended(pt_instance_t *inst);

/* ptrackd is stopping (SIGTERM): the reload's changes still waiting are
 * dropped, logged, so that a job that ends during the stop starts no new
 * instance; the notifiers are asked to stop, and pt_plugins_shutdown()'s
 * wait for a deliver() in progress runs from now. */
void pt_plugins_stopping(pt_plugins_t *p);
/* Whether the loop's thread is inside a plugin's code that may block: its
 * create(), or the load of its file (its constructors and those of its
 * libraries, and its entry point). Then true, with what it is copied into
 * what (cap bytes: "the create() of plugin instance robot") and how long
 * it has run in *ms. For a start held up there (ptrackd.c). Thread: any. */
bool pt_plugins_in_code(char *what, size_t cap, uint64_t *ms);
/* Says that the loop's thread enters such code (what, as above), or has
 * left it (NULL). Thread: loop. */
#define PT_PLUGIN_CODE_WHAT 4200
void pt_plugins_note_code(const char *what);

/* Whether pt_plugins_stopping has been called. Thread: loop. */
bool pt_plugins_is_stopping(const pt_plugins_t *p);

/* [{instance, plugin, version, description, path, runtime, builtin, kinds,
 *   formats, serves, options (the table, for help), config, events,
 *   notifier: {cursor, queue, delivered, failed, retrying}}]. Ownership:
 *   the caller frees. */
cJSON *pt_plugins_list(pt_plugins_t *p);
/* Which instance serves each format: {"import": {"csv": "import_csv"},
 * "export": {...}}, each format once. Ownership: the caller frees. */
cJSON *pt_plugins_formats(pt_plugins_t *p);

/* One instance as pt_plugins_list shows it; NULL when there is none.
 * Ownership: the caller frees. */
cJSON *pt_plugins_instance_json(pt_plugins_t *p, const char *instance);

pt_instance_t *pt_plugins_find(pt_plugins_t *p, const char *instance);
/* How many loads have been refused since the start (for /metrics). */
uint64_t pt_plugins_load_errors(const pt_plugins_t *p);
/* The instance that imports (exports) this format; NULL if none. At most
 * one instance that is not built in serves a format (a load that would
 * make two is refused), and it serves it rather than a built-in one,
 * whatever the order they were loaded in; an instance that a reload
 * removes and that only waits to go serves nothing new. */
pt_instance_t *pt_plugins_importer(pt_plugins_t *p, const char *format);
pt_instance_t *pt_plugins_exporter(pt_plugins_t *p, const char *format);
/* The query parameters the instance's importer (kind PTRACK_KIND_IMPORTER)
 * or exporter (PTRACK_KIND_EXPORTER) declares, NULL-terminated; NULL when it
 * declares none (a 1.0 plugin) or is not of that kind. Ownership: borrowed
 * from the plugin, valid while the instance is loaded. */
const char *const *pt_instance_job_args(const pt_instance_t *inst, unsigned kind);

/* The store committed events up to last_seq: wakes the notifiers. */
void pt_plugins_committed(pt_plugins_t *p, int64_t last_seq);
/* Stops every notifier (flushing cursors) and unloads every instance. */
void pt_plugins_shutdown(pt_plugins_t *p);

/* The registry's loop, store and workflow (NULL: none given), for the
 * parts. */
uv_loop_t *pt_plugins_loop(pt_plugins_t *p);
pt_store_t *pt_plugins_store(pt_plugins_t *p);
const pt_workflow_t *pt_plugins_workflow(const pt_plugins_t *p);

/* ---- Notifiers (plugin-notifier.c) -------------------------------- */

/* Starts the instance's worker from its durable cursor. */
int pt_notifier_start(pt_instance_t *inst, pt_error_t *err);
/* Stops the worker: asks it to stop, waits at most deadline_ms for a
 * deliver() in progress, and saves the cursor. PT_ECONFLICT (with the
 * reason) when deliver() did not return in time: the worker is left
 * running and the instance must not be unloaded. */
int pt_notifier_stop(pt_instance_t *inst, uint64_t deadline_ms, pt_error_t *err);
/* Asks the worker to stop without waiting (pt_notifier_stop finishes the
 * stop), so that several notifiers can be stopped side by side. */
void pt_notifier_ask_stop(pt_instance_t *inst);
/* Takes back a stop asked while the worker is inside deliver(): it then
 * goes on as before. False when there was nothing to take back, or the
 * worker is already leaving (pt_notifier_stop then finishes soon). */
bool pt_notifier_resume(pt_instance_t *inst);
/* Whether the worker is inside the plugin's deliver() now. */
bool pt_notifier_in_deliver(const pt_instance_t *inst);
/* How long a reload's change or an unload of inst waits for a deliver() in
 * progress: the instance's `timeout` (a PTRACK_OPT_DURATION option of that
 * name, as every built-in notifier declares, taken as the bound of one
 * deliver()) and PT_DELIVER_WAIT_MARGIN_MS, but at least least and at most
 * most; least when its plugin declares no such option. (plugin-options.c) */
#define PT_DELIVER_WAIT_MARGIN_MS 5000
uint64_t pt_notifier_wait_ms(const pt_instance_t *inst, uint64_t least, uint64_t most);
void pt_notifier_wake(pt_instance_t *inst, int64_t last_seq);
/* {cursor, queue, delivered, failed, retrying, failing_since, ...}.
 * Ownership: the caller frees. */
cJSON *pt_notifier_status(const pt_instance_t *inst);
/* Whether the notifier is failing: its deliver() has asked to retry since
 * it last took an event. *since is when that began (wall-clock ms, 0 when
 * it is not failing) and *behind how many events wait after its cursor.
 * Thread: loop. */
bool pt_notifier_failing(const pt_instance_t *inst, int64_t *since, int64_t *behind);
/* What set_error(NULL, msg) does: when the calling thread is a notifier's
 * worker inside deliver(), msg becomes the reason that deliver()'s failure
 * is shown with (last_error, the log) and true is returned; elsewhere it
 * is ignored (false). Thread: any. Ownership: msg is copied. */
bool pt_notifier_set_reason(const char *msg);
/* What retry_in(inst, ms) does: when the calling thread is inst's worker
 * inside deliver(), a PTRACK_RETRY of that deliver() waits ms (clamped to
 * 100 ms .. 1 hour) instead of the back-off, and true is returned; elsewhere
 * it is ignored (false). Thread: any. */
bool pt_notifier_retry_in(const pt_instance_t *inst, int64_t ms);

/* ---- Jobs (plugin-jobs.c) ------------------------------------------
 * What the host table's job members call (plugin-host.c forwards to
 * these; set_error formats its message first). Each behaves as the member
 * of ptrack_host_t of the same name documents in include/ptrack/plugin.h.
 * Thread: the job's thread (pt_job_set_error: the job's or the
 * instance's). Ownership: as documented there. */
const char *pt_job_arg(ptrack_job_t *job, const char *name);
int pt_job_cancelled(ptrack_job_t *job);
ptrdiff_t pt_job_read(ptrack_job_t *job, void *buf, size_t len);
int pt_job_import_emit(ptrack_job_t *job, ptrack_record_t *rec, const char *where);
int pt_job_import_reject(ptrack_job_t *job, const char *where, const char *reason);
int pt_job_import_ignore(ptrack_job_t *job, const char *where, const char *reason);
int pt_job_export_begin(ptrack_job_t *job, const char *content_type, const char *filename);
int pt_job_export_next(ptrack_job_t *job, const ptrack_record_t **rec);
int pt_job_write(ptrack_job_t *job, const void *buf, size_t len);
/* Sets the job's error message (already formatted). Ownership: msg is
 * copied. */
void pt_job_set_error(ptrack_job_t *job, const char *msg);

/* ---- Records (plugin-record.c) ------------------------------------ */

/* A record over a JSON object. Ownership: the record takes json. */
ptrack_record_t *pt_record_wrap(cJSON *json);
/* Parses JSON text into a record; NULL when it is not a JSON object. */
ptrack_record_t *pt_record_parse(const char *json, size_t len);
/* The record's object (borrowed). */
cJSON *pt_record_json(ptrack_record_t *rec);
/* Takes the object out of the record and frees the record. */
cJSON *pt_record_release(ptrack_record_t *rec);

/* The host table's record members (ptrack_host_t.rec_*), for the host's
 * own parts too. They behave as include/ptrack/plugin.h documents.
 * Thread: the thread that holds the record. Ownership: as there. */
const char *pt_record_get(const ptrack_record_t *rec, const char *path);
size_t pt_record_count(const ptrack_record_t *rec, const char *path);
const char *pt_record_json_text(const ptrack_record_t *rec, const char *path, size_t *len);
ptrack_record_t *pt_record_new(void);
int pt_record_set(ptrack_record_t *rec, const char *path, const char *value);
int pt_record_set_json(ptrack_record_t *rec, const char *path, const char *json);
int pt_record_append(ptrack_record_t *rec, const char *path, const char *value);
void pt_record_free(ptrack_record_t *rec);

/* ---- The host table's log (plugin-host.c) -------------------------- */

/* While set, the last warning or error that inst logs on the calling thread
 * is copied into buf (the loader uses it to say why create() failed).
 * Pass inst NULL to stop. Thread: any; the capture is per thread.
 * Ownership: buf is borrowed until the capture is stopped. */
void pt_plugin_host_capture(pt_instance_t *inst, char *buf, size_t size);

/* Writes a plugin's message (fmt and ap, as vsnprintf takes them) into buf
 * of size bytes (at least 4). A message too long for it is cut on a
 * character's boundary and ends in "…": cut where vsnprintf cuts, half a
 * character would become '?' once the text is made valid UTF-8, and
 * nothing would say that the rest is missing. Thread: any. Ownership:
 * buf is the caller's. */
void pt_plugin_vformat(char *buf, size_t size, const char *fmt, va_list ap);
/* The name of a plugin's return code ("PTRACK_ENOMEM"), or "an unknown
 * code", for messages. Thread: any. */
const char *pt_plugin_rc_name(int rc);

/* ---- Crashes in plugin code (plugin-crash.c) ------------------------ */

/* Installs the handlers of SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT
 * that write which plugin's code the crashing thread was in, then hand the
 * signal to the action they replaced (a core dump, or a sanitizer's
 * report). Thread: main, at start. */
void pt_plugin_crash_install(void);
/* Marks the calling thread as running `call` ("import()") of plugin
 * `plugin`, for instance `instance` (NULL: no instance yet, the entry
 * point), until pt_plugin_crash_leave. Thread: the caller's own.
 * Ownership: the strings are borrowed and must outlive the mark. */
void pt_plugin_crash_enter(const char *instance, const char *plugin, const char *call);
void pt_plugin_crash_leave(void);
/* Names the event the marked deliver() is given, for the crash line and
 * the record of crashes. Thread: the caller's own, inside its mark. */
void pt_plugin_crash_event(int64_t seq);

/* How many crashes of its deliver() on one event make a notifier's
 * instance drop that event rather than offer it again. */
#define PT_PLUGIN_CRASHES_TO_DROP 2
/* Reads the record of crashes in deliver() of data_dir (the file
 * plugin-crashes) and opens it for the handler to append the next.
 * A record it cannot read, and lines of it that are not "<instance>
 * <seq>", are warned about and passed over: they do not stop the start.
 * Returns PT_OK, or an error when the file cannot be opened (crashes are
 * then named but not recorded: the caller warns, ending its message with
 * PT_PLUGIN_CRASHES_UNRECORDED). Thread: the loop, at start, before any
 * notifier runs. */
int pt_plugin_crash_record_open(const char *data_dir, pt_error_t *err);
#define PT_PLUGIN_CRASHES_UNRECORDED                                                               \
    "a crash in a notifier's deliver() is named but not recorded, so an event that crashes it "    \
    "is offered again after every restart"
/* --check-config: warns, in the start's words, of what the start would
 * warn of in data_dir's record of crashes as it is now (one it could not
 * read, or not append to, lines that are not a crash), reading it only.
 * Thread: main. */
void pt_plugin_crash_record_check(const char *data_dir);
/* How many times the recorded crashes of instance's deliver() were on
 * event seq. Thread: any, after pt_plugin_crash_record_open. */
int pt_plugin_crash_count(const char *instance, int64_t seq);

#endif
