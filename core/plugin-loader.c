/*
 * plugin-loader.c - the plugin registry: instances made from their
 * entries, create/destroy, load/unload/reload/list; the files they share
 * (steps 2 and 3 below: plugin-file.c) and their options (step 4:
 * plugin-options.c).
 *
 * Loading one instance goes through these steps, and any refusal undoes
 * every step before it, so that a failed load leaves nothing behind:
 *
 *   1. The entry ({"instance", "path", "config", "events", "start"}) is checked for
 *      its shape (config.c's pt_config_plugin_entry_check, the same check
 *      the config file gets) and the instance name must be free.
 *   2. The file is opened with O_NOFOLLOW and fstat()ed: a regular file,
 *      owned by root or by ptrackd's effective user, not writable by group
 *      or others. Its content is copied into a sealed memory file, and
 *      dlopen() is given that copy ("/proc/self/fd/N"): the very bytes that
 *      were checked, which nobody can swap between the check and the load,
 *      nor rewrite under a running instance. A file already loaded (same
 *      device, inode, size and times) is shared: one dlopen however many
 *      instances use it. A file changed since is a new file: a SIGHUP makes
 *      the instances loaded from it again. A check of entries
 *      (pt_plugins_check) may keep the files it opened for the loads that
 *      follow it (pt_plugins_keep_checked), as a start and a SIGHUP do.
 *   3. The descriptor is checked (ABI major equal, minor not newer, every
 *      struct at least its 1.0 size, every kind with its ops and function,
 *      the 1.1 args without empty names), and copied: the host keeps its own
 *      copy of the descriptor and of each ops struct, taking min(plugin's
 *      struct_size, host's sizeof) bytes, so it never reads past what the
 *      plugin declared and never depends on the plugin's copy staying put.
 *      What a smaller (1.0) struct lacks stays zero in the copy: an
 *      importer's or exporter's args NULL, "not declared".
 *   4. The instance's `config` is checked against the option table and the
 *      defaults filled in; `events` and `start` are kept for notifiers.
 *   5. create() runs on the loop; a notifier's worker is started.
 *
 * The registry lives on the loop thread. Notifier workers and job threads
 * reach an instance only through the pointers the registry gave them, and
 * an instance is freed only after its notifier has been stopped and while
 * no job runs on it (inst->jobs is counted by plugin-jobs.c on the loop).
 */
#include "plugin-file.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "config.h"
#include "json-strict.h"
#include "log.h"
#include "signals.h"
#include "timefmt.h"

/* How long pt_plugins_shutdown() waits, for all notifiers together, for
 * their deliver() in progress before it gives up on them. */
#define SHUTDOWN_DEADLINE_MS 3000
/* How long a SIGHUP's change of a notifier waits for its deliver() in
 * progress (polled, while the loop goes on) before the instance is left as
 * it was: the instance's own timeout and a margin (pt_notifier_wait_ms),
 * at least RELOAD_WAIT_MS, which is all a plugin without a `timeout` option
 * gets, and at most RELOAD_WAIT_MAX_MS. A delivery that its own timeout
 * ends is waited for, so that a reload is not called off for a receiver
 * that is merely slow; one longer than the cap is not worth holding the
 * change for, and the operator is told. */
#define RELOAD_WAIT_MS 10000
#define RELOAD_WAIT_MAX_MS 300000
#define RELOAD_POLL_MS 100
/* A create() or destroy() that takes this long has held up every request
 * (they run on the loop): said in the log, since nothing else would tell
 * the plugin's author why the API stalled. */
#define SLOW_CALLBACK_MS 500

/* A reload's change of an instance that could not be stopped at once: an
 * importer or exporter with jobs running, changed once the last of them
 * has ended, however long that takes; a notifier inside deliver(), changed
 * once deliver() returns, or left as it is after wait_ms (see
 * pt_plugins_reload). */
typedef struct pending_s {
    char *name;
    uint64_t serial;       /* the instance's (pt_instance_t.serial) when the change began */
    cJSON *entry;          /* the new entry; NULL when the instance goes */
    bool builtin;          /* entry is a built-in format plugin's */
    bool for_jobs;         /* waits for the instance's jobs to end (no deadline) */
    pt_instance_t *staged; /* entry's instance, made (create() succeeded) but
                              not linked: swapped in for the running one */
    uint64_t until;        /* then for deliver(): uv_now() after which the instance is
                              left as it is */
    uint64_t wait_ms;      /* how long that wait is (pt_notifier_wait_ms) */
    struct pending_s *next;
} pending_t;

struct pt_plugins_s {
    uv_loop_t *loop;
    pt_store_t *store;
    const pt_workflow_t *workflow;
    char *plugin_dir;
    pt_instance_t *instances; /* in load order */
    pt_plugin_file_t **files;
    size_t n_files, cap_files;
    bool shut_down;
    bool keep_checked;    /* the files a check opens stay open (pt_plugins_keep_checked) */
    bool stopping;        /* ptrackd is stopping: no reload's change is made any more */
    uint64_t stop_at_ms;  /* when it began to (uv_hrtime in ms); 0: not stopping */
    uint64_t serials;     /* the last pt_instance_t.serial given */
    uint64_t load_errors; /* loads refused since the start, for /metrics */
    pending_t *pending;
    uv_timer_t *pending_timer; /* made on first use; closed at shutdown */
    cJSON *failed;             /* [{instance, error}]: the configuration's instances that the
                                  last reload could not load, or could not change (they run
                                  with their earlier entry); NULL: none */
};

/* ---- The registry ----------------------------------------------------- */

int pt_plugins_new(const pt_plugins_options_t *opts, pt_plugins_t **out)
{
    pt_plugins_t *p = calloc(1, sizeof(*p));
    if (!p)
        return PT_ENOMEM;
    p->loop = opts->loop;
    p->store = opts->store;
    p->workflow = opts->workflow;
    p->plugin_dir = strdup(opts->plugin_dir ? opts->plugin_dir : ".");
    if (!p->plugin_dir) {
        free(p);
        return PT_ENOMEM;
    }
    pt_plugins_set_store(p, opts->store, opts->data_dir);
    *out = p;
    return PT_OK;
}

void pt_plugins_set_store(pt_plugins_t *p, pt_store_t *store, const char *data_dir)
{
    p->store = store;
    /* Only the daemon that runs notifiers keeps the record of their
     * crashes (a --check-config has no store and delivers nothing). */
    if (data_dir && store) {
        pt_error_t err = {0};
        if (pt_plugin_crash_record_open(data_dir, &err) != PT_OK)
            pt_warn("%s: " PT_PLUGIN_CRASHES_UNRECORDED, err.message);
        pt_error_clear(&err);
    }
}

void pt_plugins_free(pt_plugins_t *p)
{
    if (!p)
        return;
    pt_plugins_shutdown(p);
    cJSON_Delete(p->failed);
    free(p->files);
    free(p->plugin_dir);
    free(p);
}

uv_loop_t *pt_plugins_loop(pt_plugins_t *p)
{
    return p->loop;
}

pt_store_t *pt_plugins_store(pt_plugins_t *p)
{
    return p->store;
}

const pt_workflow_t *pt_plugins_workflow(const pt_plugins_t *p)
{
    return p->workflow;
}

pt_instance_t *pt_plugins_find(pt_plugins_t *p, const char *instance)
{
    if (!p || !instance)
        return NULL;
    for (pt_instance_t *i = p->instances; i; i = i->next)
        if (strcmp(i->name, instance) == 0)
            return i;
    return NULL;
}

static bool has_format(const char *const *formats, const char *format)
{
    for (size_t i = 0; formats && formats[i]; i++)
        if (strcmp(formats[i], format) == 0)
            return true;
    return false;
}

/* Whether a reload waits to remove this instance (its notifier is inside
 * deliver()): it stays loaded until then, but serves no new job and holds
 * no format against another instance. */
static bool going(const pt_plugins_t *p, const pt_instance_t *inst)
{
    for (const pending_t *q = p->pending; q; q = q->next)
        if (!q->entry && strcmp(q->name, inst->name) == 0)
            return true;
    return false;
}

/* The formats d imports (kind PTRACK_KIND_IMPORTER) or exports. */
static const char *const *kind_formats(const ptrack_plugin_t *d, unsigned kind)
{
    if (!(d->kinds & kind))
        return NULL;
    if (kind == PTRACK_KIND_IMPORTER)
        return d->importer ? d->importer->formats : NULL;
    return d->exporter ? d->exporter->formats : NULL;
}

/* The instance that serves format on the side kind. Two instances that
 * are not built in never serve one format (a load that would make two is
 * refused), so the rule is: the one that is not built in, else the
 * built-in one. It does not depend on the order of the list, which a
 * reload changes. */
static pt_instance_t *server_of(pt_plugins_t *p, unsigned kind, const char *format)
{
    if (!p || !format)
        return NULL;
    pt_instance_t *builtin = NULL;
    for (pt_instance_t *i = p->instances; i; i = i->next) {
        if (!has_format(kind_formats(i->file->desc, kind), format) || going(p, i))
            continue;
        if (!i->builtin)
            return i;
        if (!builtin)
            builtin = i;
    }
    return builtin;
}

pt_instance_t *pt_plugins_importer(pt_plugins_t *p, const char *format)
{
    return server_of(p, PTRACK_KIND_IMPORTER, format);
}

pt_instance_t *pt_plugins_exporter(pt_plugins_t *p, const char *format)
{
    return server_of(p, PTRACK_KIND_EXPORTER, format);
}

/* A format that a and b both import (*side "import") or both export
 * ("export"); NULL when they share none. */
static const char *shared_format(const ptrack_plugin_t *a, const ptrack_plugin_t *b,
                                 const char **side)
{
    static const unsigned kinds[] = {PTRACK_KIND_IMPORTER, PTRACK_KIND_EXPORTER};
    for (size_t k = 0; k < 2; k++) {
        const char *const *fa = kind_formats(a, kinds[k]);
        const char *const *fb = kind_formats(b, kinds[k]);
        for (size_t i = 0; fa && fb && fa[i]; i++) {
            if (has_format(fb, fa[i])) {
                *side = kinds[k] == PTRACK_KIND_IMPORTER ? "import" : "export";
                return fa[i];
            }
        }
    }
    return NULL;
}

/* The loaded instance, other than the one called name, of the same class
 * as a new one (built in or not) that serves a format of d; NULL when
 * there is none. */
static pt_instance_t *format_clash(pt_plugins_t *p, const char *name, const ptrack_plugin_t *d,
                                   bool builtin, const char **side, const char **format)
{
    for (pt_instance_t *i = p->instances; i; i = i->next) {
        if (i->builtin != builtin || strcmp(i->name, name) == 0 || going(p, i) || i->replaced)
            continue;
        if ((*format = shared_format(d, i->file->desc, side)) != NULL)
            return i;
    }
    /* An instance a reload has made and that waits to take its running
     * predecessor's place counts as loaded. */
    for (const pending_t *q = p->pending; q; q = q->next) {
        pt_instance_t *i = q->staged;
        if (!i || i->builtin != builtin || strcmp(i->name, name) == 0)
            continue;
        if ((*format = shared_format(d, i->file->desc, side)) != NULL)
            return i;
    }
    return NULL;
}

const char *const *pt_instance_job_args(const pt_instance_t *inst, unsigned kind)
{
    const ptrack_plugin_t *d = inst ? inst->file->desc : NULL;
    if (d && kind == PTRACK_KIND_IMPORTER && d->importer)
        return d->importer->args;
    if (d && kind == PTRACK_KIND_EXPORTER && d->exporter)
        return d->exporter->args;
    return NULL;
}

void pt_plugins_committed(pt_plugins_t *p, int64_t last_seq)
{
    if (!p)
        return;
    for (pt_instance_t *i = p->instances; i; i = i->next)
        if (i->notifier)
            pt_notifier_wake(i, last_seq);
}

/* ---- Instances the configuration names but that do not run as it says - */

static void failed_forget(pt_plugins_t *p, const char *name)
{
    const cJSON *f;
    int i = 0;
    cJSON_ArrayForEach(f, p->failed)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(f, "instance");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0) {
            cJSON_DeleteItemFromArray(p->failed, i);
            return;
        }
        i++;
    }
}

/* Notes that the configuration's instance name does not run as the
 * configuration says, and why (the message is copied). */
static void failed_note(pt_plugins_t *p, const char *name, const char *why)
{
    if (!p->failed && !(p->failed = cJSON_CreateArray()))
        return;
    failed_forget(p, name);
    cJSON *f = cJSON_CreateObject();
    if (!f)
        return;
    cJSON_AddStringToObject(f, "instance", name);
    cJSON_AddStringToObject(f, "error", why);
    cJSON_AddItemToArray(p->failed, f);
}

void pt_plugins_note_failed(pt_plugins_t *p, const char *name, const char *why)
{
    failed_note(p, name, why);
}

cJSON *pt_plugins_failed(pt_plugins_t *p)
{
    return p && p->failed ? cJSON_Duplicate(p->failed, true) : cJSON_CreateArray();
}

cJSON *pt_plugins_notifiers_failing(pt_plugins_t *p)
{
    cJSON *a = cJSON_CreateArray();
    for (pt_instance_t *i = p ? p->instances : NULL; a && i; i = i->next) {
        int64_t since, behind;
        if (!pt_notifier_failing(i, &since, &behind))
            continue;
        char at[40];
        cJSON *o = cJSON_CreateObject();
        if (!o || !cJSON_AddStringToObject(o, "instance", i->name) ||
            !cJSON_AddStringToObject(o, "since", pt_time_format(since, at, sizeof at)) ||
            !cJSON_AddNumberToObject(o, "behind", (double)behind)) {
            cJSON_Delete(o);
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

/* ---- Files ------------------------------------------------------------ */

static void file_close(pt_plugins_t *p, pt_plugin_file_t *f)
{
    for (size_t i = 0; i < p->n_files; i++) {
        if (p->files[i] == f) {
            p->files[i] = p->files[--p->n_files];
            break;
        }
    }
    pt_plugin_file_unload(f);
}

static void file_release(pt_plugins_t *p, pt_plugin_file_t *f)
{
    if (--f->refs <= 0)
        file_close(p, f);
}

/* Opens, checks and dlopens a plugin file, or shares one already open.
 * Returns PT_OK with *out holding a reference. */
static int file_open(pt_plugins_t *p, const char *path, pt_plugin_file_t **out, pt_error_t *err)
{
    struct stat st;
    int fd = pt_plugin_file_check(path, &st, err);
    if (fd < 0)
        return err->code;
    for (size_t i = 0; i < p->n_files; i++) {
        pt_plugin_file_t *f = p->files[i];
        if (pt_plugin_file_is(f, &st)) {
            close(fd);
            f->refs++;
            *out = f;
            return PT_OK;
        }
    }
    if (p->n_files == p->cap_files) {
        size_t cap = p->cap_files ? p->cap_files * 2 : 8;
        pt_plugin_file_t **nf = realloc(p->files, cap * sizeof(*nf));
        if (!nf) {
            close(fd);
            return pt_error_set(err, PT_ENOMEM, "out of memory loading %s", path);
        }
        p->files = nf;
        p->cap_files = cap;
    }
    pt_plugin_file_t *f;
    if (pt_plugin_file_load(path, fd, &st, &f, err) != PT_OK)
        return err->code;
    p->files[p->n_files++] = f;
    *out = f;
    return PT_OK;
}

/* Reads "events" (at the entry's top level or in its config; the config
 * check has made sure it is an array of strings and not given twice) into
 * inst->events. */
static int entry_events(pt_instance_t *inst, const cJSON *entry, pt_error_t *err)
{
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(entry, "events");
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(entry, "config");
    const cJSON *in_config =
        cJSON_IsObject(config) ? cJSON_GetObjectItemCaseSensitive(config, "events") : NULL;
    const char *field = "events";
    if (in_config && !cJSON_IsNull(in_config)) {
        ev = in_config;
        field = "config.events";
    }
    if (!ev || cJSON_IsNull(ev))
        return PT_OK;
    if (!(inst->file->desc->kinds & PTRACK_KIND_NOTIFIER))
        return pt_plugin_refuse(
            err, field, "\"events\" chooses the events a notifier gets; %s is not a notifier",
            inst->file->desc->name);
    size_t n = (size_t)cJSON_GetArraySize(ev);
    if (n == 0)
        return pt_plugin_refuse(
            err, field,
            "%s: [] would choose no event at all; leave it out for every event, or "
            "name the types (proposal.status_changed, proposal.*, ...)",
            field);
    inst->events = calloc(n, sizeof(char *));
    if (!inst->events)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    /* The types the change feed has (docs/plugins.md, the daily digest, and
     * the mark of a restored store):
     * a filter naming another would silently never match. */
    static const char *const known[] = {"*",
                                        "proposal.*",
                                        "proposal.created",
                                        "proposal.updated",
                                        "proposal.status_changed",
                                        "proposal.deleted",
                                        "proposal.due_soon",
                                        "proposal.overdue",
                                        "digest.*",
                                        "digest.daily",
                                        "store.*",
                                        "store.restored",
                                        NULL};
    const cJSON *e;
    size_t i = 0;
    cJSON_ArrayForEach(e, ev)
    {
        bool ok = false;
        for (const char *const *k = known; *k && !ok; k++)
            ok = strcmp(*k, e->valuestring) == 0;
        if (!ok)
            return pt_plugin_refuse(
                err, field,
                "%s[%zu]: \"%s\" is not an event type (proposal.created, "
                "proposal.updated, proposal.status_changed, proposal.deleted, "
                "proposal.due_soon, proposal.overdue, digest.daily, store.restored, "
                "proposal.*, digest.*, store.* or *)",
                field, i, e->valuestring);
        if (!(inst->events[inst->n_events] = strdup(e->valuestring)))
            return pt_error_set(err, PT_ENOMEM, "out of memory");
        inst->n_events++;
        i++;
    }
    return PT_OK;
}

/* Reads "start" (the entry's; checked to be "latest", "oldest" or absent)
 * into inst->start_oldest. */
static int entry_start(pt_instance_t *inst, const cJSON *entry, pt_error_t *err)
{
    const cJSON *start = cJSON_GetObjectItemCaseSensitive(entry, "start");
    if (!cJSON_IsString(start))
        return PT_OK;
    if (!(inst->file->desc->kinds & PTRACK_KIND_NOTIFIER))
        return pt_plugin_refuse(
            err, "start",
            "\"start\" chooses where a new notifier begins in the change feed; %s is "
            "not a notifier",
            inst->file->desc->name);
    inst->start_oldest = strcmp(start->valuestring, "oldest") == 0;
    return PT_OK;
}

/* ---- Instances -------------------------------------------------------- */

static void instance_free(pt_instance_t *inst)
{
    if (!inst)
        return;
    for (size_t i = 0; i < inst->n_events; i++)
        free(inst->events[i]);
    free(inst->events);
    cJSON_Delete(inst->entry);
    cJSON_Delete(inst->options);
    free(inst->name);
    free(inst);
}

static void unlink_instance(pt_plugins_t *p, pt_instance_t *inst)
{
    for (pt_instance_t **pp = &p->instances; *pp; pp = &(*pp)->next) {
        if (*pp == inst) {
            *pp = inst->next;
            inst->next = NULL;
            return;
        }
    }
}

static void link_instance(pt_plugins_t *p, pt_instance_t *inst)
{
    pt_instance_t **pp = &p->instances;
    while (*pp)
        pp = &(*pp)->next;
    *pp = inst;
}

/* Who asked for an instance: the configuration's `plugins`, POST
 * /v1/plugins, or builtin_plugins. */
typedef enum { ORIGIN_CONFIG, ORIGIN_RUNTIME, ORIGIN_BUILTIN } origin_t;

static int load_instance(pt_plugins_t *p, const cJSON *entry, origin_t origin, pt_error_t *err);

static int load_counted(pt_plugins_t *p, const cJSON *entry, origin_t origin, pt_error_t *err)
{
    int rc = load_instance(p, entry, origin, err);
    if (rc != PT_OK)
        p->load_errors++;
    return rc;
}

int pt_plugins_load(pt_plugins_t *p, const cJSON *entry, pt_error_t *err)
{
    return load_counted(p, entry, ORIGIN_CONFIG, err);
}

int pt_plugins_load_runtime(pt_plugins_t *p, const cJSON *entry, pt_error_t *err)
{
    return load_counted(p, entry, ORIGIN_RUNTIME, err);
}

int pt_plugins_load_builtin(pt_plugins_t *p, const cJSON *entry, pt_error_t *err)
{
    return load_counted(p, entry, ORIGIN_BUILTIN, err);
}

uint64_t pt_plugins_load_errors(const pt_plugins_t *p)
{
    return p->load_errors;
}

/* Everything of a load up to the plugin's own create(): the entry, the
 * file (opened and checked, or shared), the options, events and start.
 * Returns PT_OK with *out an instance not yet created nor linked, which
 * instance_drop undoes. */
static int prepare_instance(pt_plugins_t *p, const cJSON *entry, pt_instance_t **out,
                            pt_error_t *err)
{
    char field[64], why[400];
    *out = NULL;
    if (pt_config_plugin_entry_check(entry, field, sizeof(field), why, sizeof(why)) != 0)
        return pt_plugin_refuse(err, field, "%s: %s", field, why);
    const char *name = cJSON_GetObjectItemCaseSensitive(entry, "instance")->valuestring;
    const char *given = cJSON_GetObjectItemCaseSensitive(entry, "path")->valuestring;
    const cJSON *config = cJSON_GetObjectItemCaseSensitive(entry, "config");

    char path[PATH_MAX];
    int w = strchr(given, '/') ? snprintf(path, sizeof(path), "%s", given)
                               : snprintf(path, sizeof(path), "%s/%s", p->plugin_dir, given);
    if (w < 0 || (size_t)w >= sizeof(path))
        return pt_plugin_refuse(err, "path", "the plugin path is too long");

    pt_plugin_file_t *file = NULL;
    if (file_open(p, path, &file, err) != PT_OK)
        return err->code;
    const ptrack_plugin_t *d = file->desc;

    pt_instance_t *inst = calloc(1, sizeof(*inst));
    if (!inst || !(inst->name = strdup(name)) || !(inst->entry = cJSON_Duplicate(entry, true))) {
        instance_free(inst);
        file_release(p, file);
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    inst->host = p;
    inst->serial = ++p->serials;
    inst->file = file;
    cJSON *empty = NULL;
    if (!cJSON_IsObject(config))
        config = empty = cJSON_CreateObject();
    inst->options = pt_plugin_options_check(d, config, err);
    cJSON_Delete(empty);
    if (!inst->options || entry_events(inst, entry, err) != PT_OK ||
        entry_start(inst, entry, err) != PT_OK) {
        instance_free(inst);
        file_release(p, file);
        return err->code;
    }
    *out = inst;
    return PT_OK;
}

/* Undoes prepare_instance. */
static void instance_drop(pt_plugins_t *p, pt_instance_t *inst)
{
    pt_plugin_file_t *file = inst->file;
    instance_free(inst);
    file_release(p, file);
}

/* Warns when the plugin's create() or destroy() (`what`), which began at
 * `start` (uv_hrtime), held the loop for SLOW_CALLBACK_MS or more. */
static void warn_if_slow(const pt_instance_t *inst, const char *what, uint64_t start)
{
    uint64_t ms = (uv_hrtime() - start) / 1000000;
    if (ms >= SLOW_CALLBACK_MS)
        pt_warn("plugin instance %s: %s() of plugin %s took %llu ms on ptrackd's loop thread, "
                "and every request waited for it; %s() must not block (open files and "
                "connections on first use, in deliver(), import() or export())",
                inst->name, what, inst->file->desc->name, (unsigned long long)ms, what);
}

/* Runs the plugin's destroy() of an instance whose threads have stopped. */
static void destroy_state(pt_instance_t *inst)
{
    uint64_t start = uv_hrtime();
    /* A thread that plugin code makes on the loop's thread takes its mask:
     * it must not take the signals the loop handles (signals.h). */
    sigset_t mask;
    pt_signals_block(&mask);
    pt_plugin_crash_enter(inst->name, inst->file->desc->name, "destroy()");
    inst->file->desc->destroy(inst->state);
    pt_plugin_crash_leave();
    pt_signals_restore(&mask);
    inst->state = NULL;
    warn_if_slow(inst, "destroy", start);
}

/* The plugin code the loop's thread is in (pt_plugins_in_code): what it
 * is, and when it began (uv_hrtime, ns; 0: none). */
static pthread_mutex_t in_code_mu = PTHREAD_MUTEX_INITIALIZER;
static char in_code_what[PT_PLUGIN_CODE_WHAT];
static uint64_t in_code_since;

void pt_plugins_note_code(const char *what)
{
    pthread_mutex_lock(&in_code_mu);
    snprintf(in_code_what, sizeof(in_code_what), "%s", what ? what : "");
    in_code_since = what ? uv_hrtime() : 0;
    pthread_mutex_unlock(&in_code_mu);
}

bool pt_plugins_in_code(char *what, size_t cap, uint64_t *ms)
{
    pthread_mutex_lock(&in_code_mu);
    bool in = in_code_since != 0;
    if (in) {
        snprintf(what, cap, "%s", in_code_what);
        *ms = (uv_hrtime() - in_code_since) / 1000000;
    }
    pthread_mutex_unlock(&in_code_mu);
    return in;
}

/* Runs the plugin's create() for a prepared instance. A refusal carries
 * the last warning or error create() logged. */
static int create_state(pt_instance_t *inst, pt_error_t *err)
{
    const ptrack_plugin_t *d = inst->file->desc;
    char reason[300];
    void *state = NULL;
    pt_plugin_host_capture(inst, reason, sizeof(reason));
    uint64_t start = uv_hrtime();
    /* create() may start threads of the plugin's own (a connection pool, a
     * timer), which take the calling thread's mask (signals.h). */
    sigset_t mask;
    pt_signals_block(&mask);
    char what[PT_PLUGIN_CODE_WHAT];
    snprintf(what, sizeof(what), "the create() of plugin instance %s", inst->name);
    pt_plugins_note_code(what);
    pt_plugin_crash_enter(inst->name, d->name, "create()");
    int rc = d->create(&pt_plugin_host, inst, &state);
    pt_plugin_crash_leave();
    pt_plugins_note_code(NULL);
    pt_signals_restore(&mask);
    warn_if_slow(inst, "create", start);
    pt_plugin_host_capture(NULL, NULL, 0);
    /* The refusal points at `config`: what create() judges is the options
     * (which of them, only its message can say). */
    if (rc != PTRACK_OK && reason[0])
        return pt_plugin_refuse(err, "config",
                                "plugin %s refused to create instance \"%s\": create failed: %s",
                                d->name, inst->name, reason);
    /* Without a reason, the code is all there is to go on: a plugin that
     * returns 1 for success, or PTRACK_ENOMEM, is told apart from one that
     * forgot to log. */
    if (rc != PTRACK_OK)
        return pt_plugin_refuse(err, "config",
                                "plugin %s refused to create instance \"%s\": create failed: it "
                                "returned %d (%s) and logged no reason%s",
                                d->name, inst->name, rc, pt_plugin_rc_name(rc),
                                rc > 0 ? "; create() returns PTRACK_OK (0) when it succeeds" : "");
    inst->state = state;
    return PT_OK;
}

/* Undoes make_instance. */
static void instance_destroy(pt_plugins_t *p, pt_instance_t *inst)
{
    destroy_state(inst);
    instance_drop(p, inst);
}

/* Everything of a load but linking and starting: the entry, the file, the
 * options, the formats (one format, one instance) and create(). Returns
 * PT_OK with *out made but not linked, which instance_destroy undoes, so
 * that a reload can make a changed entry's instance before it stops the
 * one that runs. */
static int make_instance(pt_plugins_t *p, const cJSON *entry, origin_t origin, pt_instance_t **out,
                         pt_error_t *err)
{
    pt_instance_t *inst;
    if (prepare_instance(p, entry, &inst, err) != PT_OK)
        return err->code;
    inst->runtime = origin == ORIGIN_RUNTIME;
    inst->builtin = origin == ORIGIN_BUILTIN;

    /* One format, one instance: a second one would never be reached, and
     * which of them served would depend on the order of loading. Only a
     * built-in instance gives its formats way, to any other. */
    const char *side, *format;
    pt_instance_t *other =
        format_clash(p, inst->name, inst->file->desc, inst->builtin, &side, &format);
    if (other) {
        pt_error_set(err, PT_ECONFLICT,
                     "plugin instance %s would %s the format \"%s\", which instance %s (%s) "
                     "%ss already; one format is served by one instance (unload %s first, or "
                     "load a plugin of other formats)",
                     inst->name, side, format, other->name, other->file->desc->name, side,
                     other->name);
        instance_drop(p, inst);
        return PT_ECONFLICT;
    }
    if (create_state(inst, err) != PT_OK) {
        instance_drop(p, inst);
        return err->code;
    }
    *out = inst;
    return PT_OK;
}

/* Links a made instance and starts its notifier. On failure it is
 * destroyed. */
static int start_instance(pt_plugins_t *p, pt_instance_t *inst, pt_error_t *err)
{
    const ptrack_plugin_t *d = inst->file->desc;
    link_instance(p, inst);
    if ((d->kinds & PTRACK_KIND_NOTIFIER) && pt_notifier_start(inst, err) != PT_OK) {
        unlink_instance(p, inst);
        instance_destroy(p, inst);
        return err->code;
    }
    failed_forget(p, inst->name);
    pt_info("plugin instance %s loaded (%s %s from %s)", inst->name, d->name,
            d->version ? d->version : "", inst->file->path);
    return PT_OK;
}

static int load_instance(pt_plugins_t *p, const cJSON *entry, origin_t origin, pt_error_t *err)
{
    if (p->shut_down)
        return pt_error_set(err, PT_ECONFLICT, "ptrackd is stopping; no plugin can be loaded now");
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(entry, "instance");
    if (cJSON_IsString(n) && pt_plugins_find(p, n->valuestring)) {
        pt_error_set(err, PT_ECONFLICT,
                     "there is a plugin instance \"%s\" already; unload it first or choose "
                     "another name",
                     n->valuestring);
        pt_error_add_field(err, "instance", "is taken");
        return PT_ECONFLICT;
    }
    pt_instance_t *inst = NULL;
    if (make_instance(p, entry, origin, &inst, err) != PT_OK)
        return err->code;
    return start_instance(p, inst, err);
}

int pt_plugins_unload(pt_plugins_t *p, const char *instance, uint64_t deadline_ms, pt_error_t *err)
{
    pt_instance_t *inst = pt_plugins_find(p, instance);
    if (!inst)
        return pt_error_set(err, PT_ENOTFOUND, "there is no plugin instance \"%s\"",
                            instance ? instance : "");
    if (inst->jobs > 0)
        return pt_error_set(err, PT_ECONFLICT,
                            "plugin instance %s has %u import or export job%s running; unload it "
                            "when %s",
                            inst->name, inst->jobs, inst->jobs == 1 ? "" : "s",
                            inst->jobs == 1 ? "it ends" : "they end");
    if (inst->notifier && pt_notifier_stop(inst, deadline_ms, err) != PT_OK) {
        /* At a stop, there is no later: the caller says what happens. */
        if (!p->shut_down) {
            char msg[sizeof(err->message)];
            snprintf(msg, sizeof(msg), "%s", err->message);
            pt_error_set(err, err->code, "%s; try again once the plugin's call returns", msg);
        }
        return err->code;
    }
    unlink_instance(p, inst);
    pt_plugin_file_t *file = inst->file;
    destroy_state(inst);
    pt_info("plugin instance %s unloaded", inst->name);
    instance_free(inst);
    file_release(p, file);
    return PT_OK;
}

/* The entry in entries whose instance is name, or NULL. */
static const cJSON *entry_named(const cJSON *entries, const char *name)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "instance");
        if (cJSON_IsString(n) && strcmp(n->valuestring, name) == 0)
            return e;
    }
    return NULL;
}

/* The first two of the n instances (named names, of the plugins descs)
 * that serve one format, and an instance loaded at run time that a reload
 * with entries keeps and that serves a format of one of them: refused with
 * a message naming both and the format. */
static int check_clashes(pt_plugins_t *p, const cJSON *entries, const char **names,
                         const ptrack_plugin_t **descs, size_t n, pt_error_t *err)
{
    const char *side, *format;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = i + 1; j < n; j++) {
            if ((format = shared_format(descs[j], descs[i], &side)) != NULL)
                return pt_error_set(err, PT_ECONFLICT,
                                    "plugin instances %s and %s would both %s the format "
                                    "\"%s\"; one format is served by one instance (remove one "
                                    "of them, or give it a plugin of other formats)",
                                    names[i], names[j], side, format);
        }
        for (pt_instance_t *r = p->instances; r; r = r->next) {
            if (!r->runtime || entry_named(entries, r->name) || going(p, r))
                continue;
            if ((format = shared_format(descs[i], r->file->desc, &side)) != NULL)
                return pt_error_set(err, PT_ECONFLICT,
                                    "plugin instance %s would %s the format \"%s\", which "
                                    "instance %s, loaded at run time, %ss already; one format is "
                                    "served by one instance (unload %s first, or leave %s out)",
                                    names[i], side, format, r->name, side, r->name, names[i]);
        }
    }
    return PT_OK;
}

int pt_plugins_check(pt_plugins_t *p, const cJSON *entries, bool create, pt_error_t *err)
{
    size_t cap = (size_t)cJSON_GetArraySize(entries) + 1;
    pt_instance_t **prepared = calloc(cap, sizeof(*prepared));
    const char **names = calloc(cap, sizeof(*names));
    const ptrack_plugin_t **descs = calloc(cap, sizeof(*descs));
    if (!prepared || !names || !descs) {
        free(prepared);
        free(names);
        free(descs);
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    }
    size_t n = 0;
    int rc = PT_OK;
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(e, "instance");
        pt_instance_t *running =
            cJSON_IsString(name) ? pt_plugins_find(p, name->valuestring) : NULL;
        if (running && cJSON_Compare(e, running->entry, true)) {
            /* unchanged: it stays as it is */
            names[n] = running->name;
            descs[n++] = running->file->desc;
            continue;
        }
        /* Every instance is judged, so that one check names every
         * problem: the first is the answer, the others are logged. */
        pt_instance_t *inst;
        pt_error_t one = {0};
        int irc = prepare_instance(p, e, &inst, &one);
        if (irc == PT_OK) {
            prepared[n] = inst;
            names[n] = inst->name;
            descs[n++] = inst->file->desc;
            /* create() and destroy() at once: no notifier is started, so
             * no event is delivered and no cursor saved. */
            if (create && (irc = create_state(inst, &one)) == PT_OK)
                destroy_state(inst);
        }
        if (irc != PT_OK) {
            const char *shown = cJSON_IsString(name) ? name->valuestring : "?";
            if (rc == PT_OK) {
                rc = irc;
                char msg[sizeof(one.message)];
                snprintf(msg, sizeof(msg), "%s", one.message);
                pt_error_move(err, &one);
                pt_error_set(err, irc, "plugin instance %s: %s", shown, msg);
            } else {
                pt_error("config: plugin instance %s: %s (another problem of the same "
                         "configuration)",
                         shown, one.message);
            }
            pt_error_clear(&one);
        }
    }
    if (rc == PT_OK)
        rc = check_clashes(p, entries, names, descs, n, err);
    for (size_t i = 0; i < n; i++) {
        if (!prepared[i])
            continue;
        pt_plugin_file_t *f = prepared[i]->file;
        if (p->keep_checked && !f->held) {
            f->held = true;
            f->refs++;
        }
        instance_drop(p, prepared[i]);
    }
    free(prepared);
    free(names);
    free(descs);
    return rc;
}

void pt_plugins_keep_checked(pt_plugins_t *p, bool keep)
{
    p->keep_checked = keep;
    if (keep)
        return;
    /* From the end: a file closed takes the last one's place. */
    for (size_t i = p->n_files; i-- > 0;) {
        pt_plugin_file_t *f = p->files[i];
        if (f->held) {
            f->held = false;
            file_release(p, f);
        }
    }
}

/* ---- Reloading ------------------------------------------------------- */

/* Frees a waiting change, and the instance it made, if any. */
static void pending_free(pt_plugins_t *p, pending_t *q)
{
    if (q->staged)
        instance_destroy(p, q->staged);
    free(q->name);
    cJSON_Delete(q->entry);
    free(q);
}

/* Loads a reload's entry, logging a refusal. Returns 0, or 1 failure. A
 * built-in format plugin that cannot be loaded is skipped with a warning,
 * as at a start, and is not counted. */
static int reload_load(pt_plugins_t *p, const cJSON *entry, origin_t origin)
{
    pt_error_t err = {0};
    if (load_counted(p, entry, origin, &err) == PT_OK)
        return 0;
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(entry, "instance");
    const char *name = cJSON_IsString(n) ? n->valuestring : "?";
    int failed = origin != ORIGIN_BUILTIN;
    if (failed) {
        pt_error("reload: plugin instance %s was not loaded: %s", name, err.message);
        failed_note(p, name, err.message);
    } else {
        pt_warn("reload: built-in plugin %s was not loaded: %s", name, err.message);
    }
    pt_error_clear(&err);
    return failed;
}

/* Puts a made instance in the place of the one of its name, which has
 * just been unloaded. Returns 0, or 1 failure (logged). */
static int swap_in(pt_plugins_t *p, pt_instance_t *staged)
{
    char name[128];
    snprintf(name, sizeof(name), "%s", staged->name);
    pt_error_t err = {0};
    if (start_instance(p, staged, &err) == PT_OK) {
        pt_info("reload: plugin instance %s now runs with its new entry (or its plugin file's new "
                "build)",
                name);
        return 0;
    }
    pt_error("reload: plugin instance %s: %s; it is not running", name, err.message);
    failed_note(p, name, err.message);
    pt_error_clear(&err);
    return 1;
}

/* Makes one waiting change once the instance's last job has ended and its
 * notifier has come out of deliver(), or gives it up when the wait for
 * deliver() is over: the stop is taken back and the instance goes on as it
 * was. Returns true when the change is done with. */
static bool pending_try(pt_plugins_t *p, pending_t *q, uint64_t now)
{
    pt_instance_t *inst = pt_plugins_find(p, q->name);
    if (!inst || inst->serial != q->serial) {
        /* Unloaded meanwhile (DELETE /v1/plugins), or unloaded and loaded
         * again (POST /v1/plugins): that was asked last. */
        pt_info("reload: plugin instance %s was %s meanwhile; it stays so until the next SIGHUP",
                q->name, inst ? "loaded again" : "unloaded");
        return true;
    }
    if (q->for_jobs) {
        if (inst->jobs > 0)
            return false;
        /* The jobs are over; a notifier of the same instance now gets the
         * wait every notifier of a reload gets. */
        q->for_jobs = false;
        q->until = now + q->wait_ms;
        pt_info("reload: the last job of plugin instance %s has ended; it is %s now", q->name,
                q->entry ? "changed" : "unloaded");
        if (inst->notifier)
            pt_notifier_ask_stop(inst);
    }
    if (pt_notifier_in_deliver(inst) && now < q->until)
        return false;
    pt_error_t err = {0};
    if (pt_plugins_unload(p, q->name, 0, &err) != PT_OK) {
        if (now < q->until) {
            pt_error_clear(&err);
            return false;
        }
        if (pt_notifier_resume(inst)) {
            /* The one line about how this ends: the stop is taken back, so
             * the instance is neither stopping nor changed. */
            char why[200];
            snprintf(why, sizeof(why), "its deliver() did not return within %g s of the reload",
                     (double)q->wait_ms / 1000);
            pt_error("reload: plugin instance %s was not %s: %s; it goes on delivering with its "
                     "running configuration (send SIGHUP again once deliver() returns)",
                     q->name, q->entry ? "changed" : "unloaded", why);
            if (q->entry)
                failed_note(p, q->name, why);
            pt_error_clear(&err);
            return true;
        }
        /* deliver() returned just now and the worker is on its way out:
         * the unload can finish. */
        pt_error_clear(&err);
        if (pt_plugins_unload(p, q->name, 0, &err) != PT_OK) {
            pt_error("reload: plugin instance %s: %s", q->name, err.message);
            failed_note(p, q->name, err.message);
            pt_error_clear(&err);
            return true;
        }
    }
    if (q->staged) {
        pt_instance_t *staged = q->staged;
        q->staged = NULL;
        swap_in(p, staged);
    } else if (q->entry) {
        reload_load(p, q->entry, q->builtin ? ORIGIN_BUILTIN : ORIGIN_CONFIG);
    } else {
        pt_info("reload: plugin instance %s unloaded", q->name);
    }
    return true;
}

static void pending_tick(uv_timer_t *t);

/* The timer polls the changes that wait for a deliver(); those that wait
 * for jobs are tried when a job ends (pt_plugins_jobs_ended). */
static void pending_arm(pt_plugins_t *p)
{
    bool polled = false;
    for (const pending_t *q = p->pending; q && !polled; q = q->next)
        polled = !q->for_jobs;
    if (!p->pending_timer)
        return;
    if (!polled)
        uv_timer_stop(p->pending_timer);
    else if (!uv_is_active((uv_handle_t *)p->pending_timer))
        uv_timer_start(p->pending_timer, pending_tick, RELOAD_POLL_MS, RELOAD_POLL_MS);
}

/* Tries the waiting changes (only the one of the instance named only, when
 * it is given). only is the caller's own copy: a change that is made frees
 * the instance it names. */
static void pending_run(pt_plugins_t *p, const char *only)
{
    uint64_t now = uv_now(p->loop);
    for (pending_t **at = &p->pending; *at;) {
        pending_t *q = *at;
        if ((!only || strcmp(q->name, only) == 0) && pending_try(p, q, now)) {
            /* pending_try may have loaded an instance, but never adds to
             * or takes from the list. */
            *at = q->next;
            pending_free(p, q);
        } else {
            at = &q->next;
        }
    }
    pending_arm(p);
}

static void pending_tick(uv_timer_t *t)
{
    pending_run(t->data, NULL);
}

void pt_plugins_jobs_ended(pt_instance_t *inst)
{
    if (!inst || inst->jobs != 0 || inst->host->stopping)
        return;
    pt_plugins_t *p = inst->host;
    char *name = strdup(inst->name);
    if (!name) {
        pt_error("reload: out of memory; the changes waiting for plugin instance %s wait for "
                 "the next job to end",
                 inst->name);
        return;
    }
    pending_run(p, name);
    free(name);
}

static void pending_timer_closed(uv_handle_t *h)
{
    free(h);
}

/* Ends every waiting change (at shutdown, or when a new reload decides). */
static void pending_clear(pt_plugins_t *p)
{
    while (p->pending) {
        pending_t *q = p->pending;
        p->pending = q->next;
        pending_free(p, q);
    }
}

void pt_plugins_stopping(pt_plugins_t *p)
{
    p->stopping = true;
    p->stop_at_ms = uv_hrtime() / 1000000;
    for (const pending_t *q = p->pending; q; q = q->next)
        pt_info("reload: plugin instance %s is not %s: ptrackd is stopping", q->name,
                q->entry ? "changed" : "unloaded");
    pending_clear(p);
    pending_arm(p);
    /* The notifiers are asked to stop now, while the requests in flight
     * are answered and the jobs wind down, and their wait for a deliver()
     * in progress runs from now (pt_plugins_shutdown): waited for after
     * the rest, it came on top of the jobs' wait and of the last clients'
     * answers, eight seconds and more of systemd's ten. An event that a
     * write in flight commits from now on waits in the store for the next
     * start, as any event not yet delivered at a stop does. */
    for (pt_instance_t *i = p->instances; i; i = i->next)
        pt_notifier_ask_stop(i);
}

bool pt_plugins_is_stopping(const pt_plugins_t *p)
{
    return p->stopping;
}

/* Waits for inst's jobs to end, or for its deliver() on a timer, then
 * unloads it and swaps staged in (NULL: only unloads). The change owns
 * staged from now on. Returns 0, or 1 failure (logged). */
static int pending_add(pt_plugins_t *p, pt_instance_t *inst, pt_instance_t *staged)
{
    pending_t *q = calloc(1, sizeof(*q));
    bool ok = q && (q->name = strdup(inst->name)) != NULL &&
              (!staged || (q->entry = cJSON_Duplicate(staged->entry, true)) != NULL);
    if (q) {
        q->serial = inst->serial;
        q->builtin = staged && staged->builtin;
        q->for_jobs = inst->jobs > 0;
        q->staged = staged;
    }
    if (ok && !p->pending_timer) {
        p->pending_timer = malloc(sizeof(*p->pending_timer));
        if (p->pending_timer && uv_timer_init(p->loop, p->pending_timer) == 0) {
            p->pending_timer->data = p;
        } else {
            free(p->pending_timer);
            p->pending_timer = NULL;
            ok = false;
        }
    }
    if (!ok) {
        if (q)
            pending_free(p, q);
        else if (staged)
            instance_destroy(p, staged);
        if (inst->jobs == 0)
            pt_notifier_resume(inst);
        pt_error("reload: plugin instance %s: out of memory; it goes on as it was", inst->name);
        failed_note(p, inst->name, "out of memory");
        return 1;
    }
    q->wait_ms = pt_notifier_wait_ms(inst, RELOAD_WAIT_MS, RELOAD_WAIT_MAX_MS);
    q->until = uv_now(p->loop) + q->wait_ms;
    q->next = p->pending;
    p->pending = q;
    pending_arm(p);
    bool change = staged != NULL;
    if (q->for_jobs)
        pt_info("reload: plugin instance %s has %u import or export job%s running; it goes on "
                "with its running configuration for %s and is %s when the last one ends%s",
                inst->name, inst->jobs, inst->jobs == 1 ? "" : "s", inst->jobs == 1 ? "it" : "them",
                change ? "changed" : "unloaded", change ? "" : " (it takes no new job meanwhile)");
    else
        pt_info("reload: plugin instance %s is inside deliver(); it is %s once that returns, "
                "if within %g s",
                inst->name, change ? "changed" : "unloaded", (double)q->wait_ms / 1000);
    return 0;
}

/* The entry of a reload that names inst: the configuration's (entries),
 * else a built-in format plugin's (builtins), which never takes over an
 * instance loaded at run time; NULL when none does. *builtin says which. */
static const cJSON *reload_entry(const cJSON *entries, const cJSON *builtins,
                                 const pt_instance_t *inst, bool *builtin)
{
    const cJSON *e = entry_named(entries, inst->name);
    *builtin = false;
    if (e || inst->runtime)
        return e;
    e = entry_named(builtins, inst->name);
    *builtin = e != NULL;
    return e;
}

/* Whether a reload with these entries changes or removes inst. An
 * instance loaded at run time is not the configuration's to remove: an
 * operator who added a notifier with `ptrack plugins load` and then
 * reloads for another reason keeps it. */
static bool reload_changes(const cJSON *entries, const cJSON *builtins, const pt_instance_t *inst)
{
    bool builtin;
    const cJSON *e = reload_entry(entries, builtins, inst, &builtin);
    if (!e)
        return !inst->runtime;
    /* A new build installed at its path is a change too: the instance
     * runs a copy of the file as it was loaded (plugin-file.c). */
    return !cJSON_Compare(e, inst->entry, true) || pt_plugin_file_changed(inst->file);
}

static origin_t origin_of(const pt_instance_t *inst)
{
    return inst->runtime ? ORIGIN_RUNTIME : inst->builtin ? ORIGIN_BUILTIN : ORIGIN_CONFIG;
}

/* A new reload decides anew what an earlier one left waiting. An instance
 * that this one keeps as it runs (the change was taken back) has its stop
 * taken back too; one whose worker has already left is made again from
 * its entry. The others are this reload's to change. Returns failures. */
static int pending_settle(pt_plugins_t *p, const cJSON *entries, const cJSON *builtins)
{
    int failures = 0;
    while (p->pending) {
        pending_t *q = p->pending;
        p->pending = q->next;
        pt_instance_t *inst = pt_plugins_find(p, q->name);
        /* A change that waits for jobs has asked nothing of the instance
         * yet: this reload decides alone. */
        if (inst && !q->for_jobs && !reload_changes(entries, builtins, inst) &&
            !pt_notifier_resume(inst)) {
            cJSON *entry = cJSON_Duplicate(inst->entry, true);
            origin_t origin = origin_of(inst);
            pt_error_t err = {0};
            if (!entry || pt_plugins_unload(p, q->name, 0, &err) != PT_OK) {
                pt_error("reload: plugin instance %s: %s", q->name,
                         entry ? err.message : "out of memory");
                failures++;
            } else {
                failures += reload_load(p, entry, origin);
            }
            pt_error_clear(&err);
            cJSON_Delete(entry);
        }
        pending_free(p, q);
    }
    return failures;
}

/* A changed entry's new instance, made (its create() run) before the
 * running one is stopped: when create() refuses, the running instance goes
 * on with its earlier entry and nothing is lost. */
typedef struct {
    pt_instance_t *running;
    pt_instance_t *made;
} change_t;

int pt_plugins_reload(pt_plugins_t *p, const cJSON *entries, const cJSON *builtins)
{
    int failures = 0;
    pt_error_t err = {0};
    /* What failed at the last reload is judged anew. */
    cJSON_Delete(p->failed);
    p->failed = NULL;
    failures += pending_settle(p, entries, builtins);

    /* The changed instances are made first, each from its new entry. What
     * this reload changes or removes holds no format against them: the
     * configuration is judged as a whole, as --check-config judges it (a
     * format may move from an instance that goes to one that changes). */
    size_t n_changes = 0, cap = 0;
    for (pt_instance_t *i = p->instances; i; i = i->next) {
        i->replaced = reload_changes(entries, builtins, i);
        cap++;
    }
    change_t *changes = calloc(cap + 1, sizeof(*changes));
    if (!changes) {
        for (pt_instance_t *i = p->instances; i; i = i->next)
            i->replaced = false;
        pt_error("reload: out of memory; the plugin instances stay as they are");
        return 1;
    }
    for (pt_instance_t *i = p->instances; i; i = i->next) {
        bool builtin;
        const cJSON *entry = reload_entry(entries, builtins, i, &builtin);
        /* As judged above: the file is not read a second time, which a
         * build installed in between could answer otherwise. */
        if (!i->replaced)
            continue;
        pt_instance_t *made = NULL;
        if (entry && make_instance(p, entry, builtin ? ORIGIN_BUILTIN : ORIGIN_CONFIG, &made,
                                   &err) != PT_OK) {
            pt_error("reload: plugin instance %s was not changed: %s; it goes on with its "
                     "running configuration",
                     i->name, err.message);
            failed_note(p, i->name, err.message);
            pt_error_clear(&err);
            p->load_errors++;
            failures++;
            /* It keeps its formats, against what is made after it and,
             * below, before. */
            i->replaced = false;
            continue;
        }
        changes[n_changes].running = i;
        changes[n_changes++].made = made;
    }
    /* An instance made before another's change failed was judged without
     * the formats that one keeps: judged again, until no clash is left (a
     * change dropped here keeps its formats too). */
    for (bool again = true; again;) {
        again = false;
        for (size_t c = 0; c < n_changes; c++) {
            pt_instance_t *made = changes[c].made;
            const char *side, *format;
            pt_instance_t *other =
                made ? format_clash(p, made->name, made->file->desc, made->builtin, &side, &format)
                     : NULL;
            if (!other)
                continue;
            char why[300];
            snprintf(why, sizeof(why),
                     "its new entry would %s the format \"%s\", which instance %s %ss", side,
                     format, other->name, side);
            pt_error("reload: plugin instance %s was not changed: %s; it goes on with its running "
                     "configuration",
                     made->name, why);
            failed_note(p, made->name, why);
            p->load_errors++;
            failures++;
            changes[c].running->replaced = false;
            instance_destroy(p, made);
            changes[c] = changes[--n_changes];
            again = true;
            break;
        }
    }
    for (pt_instance_t *i = p->instances; i; i = i->next)
        i->replaced = false;
    /* The notifiers that go or change are asked to stop all at once, so
     * that they wind down side by side. */
    for (size_t c = 0; c < n_changes; c++)
        if (changes[c].running->jobs == 0)
            pt_notifier_ask_stop(changes[c].running);
    /* Then what goes or changes is stopped and unloaded, and a changed one's
     * new instance put in its place. The loop does not wait for a
     * deliver() in progress, nor for jobs: that change waits (pending_add),
     * on a timer for deliver(), for the last job's end for jobs. */
    for (size_t c = 0; c < n_changes; c++) {
        pt_instance_t *i = changes[c].running, *made = changes[c].made;
        char name[128];
        snprintf(name, sizeof(name), "%s", i->name);
        if (pt_plugins_unload(p, name, 0, &err) == PT_OK) {
            if (made)
                failures += swap_in(p, made);
            continue;
        }
        if (err.code == PT_ECONFLICT && (i->jobs > 0 || pt_notifier_in_deliver(i))) {
            pt_error_clear(&err);
            failures += pending_add(p, i, made);
            continue;
        }
        pt_error("reload: plugin instance %s: %s", name, err.message);
        if (made) {
            failed_note(p, name, err.message);
            instance_destroy(p, made);
        }
        pt_error_clear(&err);
        failures++;
    }
    free(changes);
    /* Then what is new: the configuration's instances, then the built-in
     * ones. Which of them serves a format does not depend on this order
     * (see server_of). */
    const cJSON *e;
    cJSON_ArrayForEach(e, entries)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "instance");
        pt_instance_t *inst = cJSON_IsString(n) ? pt_plugins_find(p, n->valuestring) : NULL;
        if (inst) {
            /* unchanged, waiting, or a changed one that could not be
             * stopped; named by the configuration, it is the
             * configuration's now, also when it was loaded at run time or
             * built in */
            inst->runtime = false;
            inst->builtin = false;
            continue;
        }
        failures += reload_load(p, e, ORIGIN_CONFIG);
    }
    cJSON_ArrayForEach(e, builtins)
    {
        const cJSON *n = cJSON_GetObjectItemCaseSensitive(e, "instance");
        if (!cJSON_IsString(n) || entry_named(entries, n->valuestring))
            continue;
        pt_instance_t *inst = pt_plugins_find(p, n->valuestring);
        if (!inst)
            failures += reload_load(p, e, ORIGIN_BUILTIN);
        else if (!inst->runtime && cJSON_Compare(e, inst->entry, true))
            inst->builtin = true;
    }
    return failures;
}

void pt_plugins_shutdown(pt_plugins_t *p)
{
    if (!p)
        return;
    p->shut_down = true;
    pending_clear(p);
    if (p->pending_timer) {
        uv_close((uv_handle_t *)p->pending_timer, pending_timer_closed);
        p->pending_timer = NULL;
    }
    pt_error_t err = {0};
    /* Every notifier is asked at once and they share one deadline, so that
     * several stuck in deliver() cost it once, not each in turn. */
    for (pt_instance_t *i = p->instances; i; i = i->next)
        pt_notifier_ask_stop(i);
    uint64_t deadline =
        (p->stop_at_ms ? p->stop_at_ms : uv_hrtime() / 1000000) + SHUTDOWN_DEADLINE_MS;
    /* Last loaded, first unloaded. */
    while (p->instances) {
        pt_instance_t *last = p->instances;
        while (last->next)
            last = last->next;
        uint64_t now = uv_hrtime() / 1000000;
        uint64_t left = now < deadline ? deadline - now : 0;
        if (pt_plugins_unload(p, last->name, left, &err) == PT_OK)
            continue;
        /* An instance kept by a job the stop gave up on (plugin-jobs.c)
         * may be a notifier too: its worker is stopped all the same, so
         * that its cursor is saved and it reads nothing of the store,
         * which is closed next. */
        if (last->jobs > 0 && last->notifier) {
            pt_error_t nerr = {0};
            if (pt_notifier_stop(last, left, &nerr) != PT_OK)
                pt_error("%s", nerr.message);
            pt_error_clear(&nerr);
        }
        /* A deliver() that never returns, or a job still running: its code
         * may be executing, so the file stays mapped (leaked on purpose)
         * and the instance is only taken off the list. Its state is not
         * destroyed either, since its thread may still use it. */
        pt_error("plugin instance %s cannot be stopped (%s); ptrackd stops without it (the "
                 "event it is on is offered to it again at the next start)",
                 last->name, err.message);
        pt_error_clear(&err);
        unlink_instance(p, last);
        last->file->refs++; /* never reaches 0: never dlclosed */
        file_release(p, last->file);
    }
    pt_plugins_keep_checked(p, false);
}

/* ---- Listing ---------------------------------------------------------- */

static cJSON *strings_json(const char *const *v)
{
    cJSON *a = cJSON_CreateArray();
    for (size_t i = 0; a && v && v[i]; i++)
        cJSON_AddItemToArray(a, cJSON_CreateString(v[i]));
    return a;
}

static cJSON *instance_json(pt_instance_t *inst)
{
    const ptrack_plugin_t *d = inst->file->desc;
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "instance", inst->name);
    cJSON_AddStringToObject(o, "plugin", d->name);
    if (d->version)
        cJSON_AddStringToObject(o, "version", d->version);
    else
        cJSON_AddNullToObject(o, "version");
    if (d->description)
        cJSON_AddStringToObject(o, "description", d->description);
    else
        cJSON_AddNullToObject(o, "description");
    cJSON_AddStringToObject(o, "path", inst->file->path);
    cJSON_AddBoolToObject(o, "runtime", inst->runtime);
    cJSON_AddBoolToObject(o, "builtin", inst->builtin);
    cJSON *kinds = cJSON_AddArrayToObject(o, "kinds");
    if (d->kinds & PTRACK_KIND_NOTIFIER)
        cJSON_AddItemToArray(kinds, cJSON_CreateString("notifier"));
    if (d->kinds & PTRACK_KIND_IMPORTER)
        cJSON_AddItemToArray(kinds, cJSON_CreateString("importer"));
    if (d->kinds & PTRACK_KIND_EXPORTER)
        cJSON_AddItemToArray(kinds, cJSON_CreateString("exporter"));
    cJSON *formats = cJSON_AddObjectToObject(o, "formats");
    if (d->importer)
        cJSON_AddItemToObject(formats, "import", strings_json(d->importer->formats));
    if (d->exporter)
        cJSON_AddItemToObject(formats, "export", strings_json(d->exporter->formats));
    /* The formats this instance is the one to serve: all of its own but
     * those that another instance has taken from a built-in one. */
    cJSON *serves = cJSON_AddObjectToObject(o, "serves");
    static const unsigned sides[] = {PTRACK_KIND_IMPORTER, PTRACK_KIND_EXPORTER};
    for (size_t k = 0; k < 2; k++) {
        const char *const *f = kind_formats(d, sides[k]);
        if (!f)
            continue;
        cJSON *a = cJSON_AddArrayToObject(serves, k == 0 ? "import" : "export");
        for (size_t i = 0; f[i]; i++)
            if (server_of(inst->host, sides[k], f[i]) == inst)
                cJSON_AddItemToArray(a, cJSON_CreateString(f[i]));
    }
    /* The job arguments each side declares; null when not declared (1.0). */
    cJSON *args = cJSON_AddObjectToObject(o, "args");
    if (d->importer)
        cJSON_AddItemToObject(args, "import",
                              d->importer->args ? strings_json(d->importer->args)
                                                : cJSON_CreateNull());
    if (d->exporter)
        cJSON_AddItemToObject(args, "export",
                              d->exporter->args ? strings_json(d->exporter->args)
                                                : cJSON_CreateNull());
    cJSON *options = cJSON_AddArrayToObject(o, "options");
    for (const ptrack_option_t *op = d->options; op && op->key; op++) {
        cJSON *row = cJSON_CreateObject();
        cJSON_AddStringToObject(row, "key", op->key);
        cJSON_AddStringToObject(row, "type", pt_plugin_option_type_name(op->type));
        cJSON_AddBoolToObject(row, "required", op->required != 0);
        if (op->default_text)
            cJSON_AddStringToObject(row, "default", op->default_text);
        else
            cJSON_AddNullToObject(row, "default");
        if (op->help)
            cJSON_AddStringToObject(row, "help", op->help);
        else
            cJSON_AddNullToObject(row, "help");
        cJSON_AddItemToArray(options, row);
    }
    /* As configured, but never a secret's value (PTRACK_OPT_SECRET): this
     * answer ends up in support tickets. */
    cJSON_AddItemToObject(o, "config", pt_plugin_options_shown(d, inst->options));
    if (inst->n_events) {
        cJSON *ev = cJSON_AddArrayToObject(o, "events");
        for (size_t i = 0; i < inst->n_events; i++)
            cJSON_AddItemToArray(ev, cJSON_CreateString(inst->events[i]));
    } else {
        cJSON_AddNullToObject(o, "events");
    }
    if (d->kinds & PTRACK_KIND_NOTIFIER)
        cJSON_AddStringToObject(o, "start", inst->start_oldest ? "oldest" : "latest");
    if (d->kinds & PTRACK_KIND_NOTIFIER) {
        cJSON *st = inst->notifier ? pt_notifier_status(inst) : NULL;
        if (st)
            cJSON_AddItemToObject(o, "notifier", st);
        else
            cJSON_AddNullToObject(o, "notifier");
    }
    cJSON_AddNumberToObject(o, "jobs", inst->jobs);
    /* The option table's keys, help and defaults, and the argument names,
     * are the plugin's text as it wrote it: an answer is UTF-8. */
    pt_json_scrub(o);
    return o;
}

cJSON *pt_plugins_list(pt_plugins_t *p)
{
    cJSON *a = cJSON_CreateArray();
    if (!a)
        return NULL;
    for (pt_instance_t *i = p ? p->instances : NULL; i; i = i->next) {
        cJSON *o = instance_json(i);
        if (!o) {
            cJSON_Delete(a);
            return NULL;
        }
        cJSON_AddItemToArray(a, o);
    }
    return a;
}

cJSON *pt_plugins_formats(pt_plugins_t *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *side[2] = {cJSON_AddObjectToObject(o, "import"), cJSON_AddObjectToObject(o, "export")};
    if (!o || !side[0] || !side[1]) {
        cJSON_Delete(o);
        return NULL;
    }
    static const unsigned kinds[] = {PTRACK_KIND_IMPORTER, PTRACK_KIND_EXPORTER};
    for (pt_instance_t *i = p ? p->instances : NULL; i; i = i->next) {
        for (size_t k = 0; k < 2; k++) {
            const char *const *f = kind_formats(i->file->desc, kinds[k]);
            for (size_t j = 0; f && f[j]; j++) {
                if (cJSON_GetObjectItemCaseSensitive(side[k], f[j]))
                    continue;
                pt_instance_t *server = server_of(p, kinds[k], f[j]);
                if (server)
                    cJSON_AddStringToObject(side[k], f[j], server->name);
            }
        }
    }
    return o;
}

cJSON *pt_plugins_instance_json(pt_plugins_t *p, const char *instance)
{
    pt_instance_t *i = pt_plugins_find(p, instance);
    return i ? instance_json(i) : NULL;
}
