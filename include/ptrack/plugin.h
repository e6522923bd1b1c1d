/*
 * ptrack/plugin.h - the plugin ABI of ptrack, version 1.6.
 *
 * A plugin is a shared object that adds notifiers (it is told of every
 * committed change: chat robots, SMS gateways, mail), importers (it reads a
 * file and hands proposals to ptrack) or exporters (it writes the proposals
 * ptrack hands it as a file). This header is all a plugin is built against;
 * it includes standard C headers only, and nothing of ptrack's own.
 *
 * How a plugin is found and started:
 *
 *   1. ptrackd checks the file (a regular file owned by root or by
 *      ptrackd's user and not writable by group or others), copies it
 *      into memory of its own, opens that copy with dlopen(RTLD_NOW |
 *      RTLD_LOCAL) and looks up one symbol, PTRACK_PLUGIN_ENTRY_NAME. It
 *      calls it and gets the plugin's descriptor (ptrack_plugin_t). What
 *      runs is the copy, not the file: $ORIGIN in the plugin's RUNPATH
 *      names no directory of yours, so a library it links against is found
 *      where the dynamic linker looks, or by an absolute RUNPATH, never
 *      beside the plugin's file.
 *   2. It checks the descriptor: the ABI major must equal the host's; the
 *      ABI minor must not be newer than the host's; every struct must be at
 *      least as large as its version 1.0 layout. The instance's options are
 *      checked against the descriptor's option table (unknown keys, missing
 *      required ones and wrong types are refused) before create() is called.
 *   3. It calls create() once per configured instance. One plugin may run as
 *      several instances, each with its own options and its own state: keep
 *      all state in what create() returns, never in globals.
 *   4. For a notifier, each instance gets a thread of its own and deliver()
 *      is called on it, one event at a time, in order. For importers and
 *      exporters, import() and export() run on a job thread per request.
 *   5. On unload, the host stops calling in, joins the instance's threads,
 *      calls destroy(), and only then dlclose()s the file.
 *
 * Compatibility: every shared struct starts with its size (struct_size).
 * Structs and the host table only ever grow by appending members; a plugin
 * built against an older minor keeps working, and a plugin asks whether a
 * newer host function exists with PTRACK_HOST_HAS() before calling it.
 * Members marked "(1.1)" are new in ABI 1.1: the `args` of the importer and
 * exporter ops, and the host's import_ignore. Those marked "(1.2)" are new
 * in ABI 1.2: the host's workflow_item and the ptrack_workflow_item_t it
 * fills in. "(1.3)" marks what is new in ABI 1.3: escapes in record paths,
 * the kinds of the proposal's fields that rec_set makes, the host's
 * time_parse and time_format, and the status code PTRACK_EBADARG.
 * "(1.4)" marks the host's store_id, "(1.5)" its retry_in, "(1.6)" the
 * option type PTRACK_OPT_SECRET.
 *
 * Every function below says on which thread it runs or may be called
 * (Thread:) and who owns the memory it takes or gives (Ownership:).
 * "Borrowed" memory belongs to the other side and is valid only for the
 * duration stated; copy it to keep it.
 */
#ifndef PTRACK_PLUGIN_H
#define PTRACK_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define PTRACK_ABI_MAJOR 1
#define PTRACK_ABI_MINOR 6

/* The one symbol a plugin exports. Define it with PTRACK_PLUGIN_EXPORT. */
#define PTRACK_PLUGIN_ENTRY ptrack_plugin_entry
#define PTRACK_PLUGIN_ENTRY_NAME "ptrack_plugin_entry"

#if defined(__GNUC__)
#define PTRACK_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define PTRACK_PLUGIN_EXPORT
#endif

/* Status codes. Plugin functions return PTRACK_OK or a negative code; host
 * functions too. */
enum {
    PTRACK_OK = 0,
    PTRACK_ERROR = -1,     /* failed; the message was logged or set */
    PTRACK_RETRY = -2,     /* a passing failure, try again later: a notifier's
                            * event is offered again; an import or export is
                            * answered 503 storage_error (no room for a
                            * temporary file, say) */
    PTRACK_EINVAL = -3,    /* a bad argument or a bad record */
    PTRACK_ENOMEM = -4,    /* out of memory */
    PTRACK_ECANCELED = -5, /* the job was cancelled: return at once */
    PTRACK_ENOTFOUND = -6, /* no such option, field or argument */
    PTRACK_EBADARG = -7,   /* (1.3) a query argument of the job (job_arg) is
                            * not one the plugin takes */
};

/* What a plugin provides (ptrack_plugin_t.kinds, a bit set). */
#define PTRACK_KIND_NOTIFIER 0x1u
#define PTRACK_KIND_IMPORTER 0x2u
#define PTRACK_KIND_EXPORTER 0x4u

/* (1.3) Bytes that always hold the text of ptrack_host_t.time_format,
 * its NUL included ("2025-06-30T23:59:59.250+08:00" is 30). */
#define PTRACK_TIME_MAX 32

/* Log levels of ptrack_host_t.log. */
enum { PTRACK_LOG_DEBUG = 0, PTRACK_LOG_INFO = 1, PTRACK_LOG_WARN = 2, PTRACK_LOG_ERROR = 3 };

/* ---- Options ----------------------------------------------------------
 * A plugin declares its options as a table; the host checks each instance's
 * `config` object against it before create(), GET /v1/plugins (`ptrack
 * plugins list --json`) shows it as help, and a refused option is quoted
 * with its help. The table ends with a row whose key is NULL,
 * PTRACK_OPTION_END (below) in C and C++ alike: {NULL, 0, 0, NULL, NULL}
 * spelled out is refused by a C++ compiler, where a 0 is no
 * ptrack_option_type_t, and warned of by clang's -Wassign-enum. The key
 * "events" is reserved for the host (a
 * notifier instance's event filter, which the host applies before
 * deliver()): a plugin whose table declares it is refused at load. */

typedef enum {
    /* A JSON string. Where the host shows one that is a URL, the password
     * of its login and the values of query parameters named like a key
     * (key, access_token, token, ...) are masked; opt_string gives it as
     * configured. */
    PTRACK_OPT_STRING = 1,
    PTRACK_OPT_INT = 2,      /* a JSON integer */
    PTRACK_OPT_BOOL = 3,     /* true or false */
    PTRACK_OPT_DURATION = 4, /* a string "<number><unit>", units ms s m h d */
    PTRACK_OPT_STRINGS = 5,  /* an array of strings */
    /* (1.6) A JSON string that the host never shows: a password, a
     * signing key. GET /v1/plugins gives its value in `config` as
     * "********" when it is set, and no log line or refusal of the host quotes it; do not put it in
     * a log line or a set_error() text of your own either. Read it with
     * opt_string. A plugin that declares one is built against 1.6 and
     * so refused by an older host, which would show the value. */
    PTRACK_OPT_SECRET = 6,
} ptrack_option_type_t;

typedef struct {
    const char *key; /* "url" */
    ptrack_option_type_t type;
    int required;             /* non-zero: the instance must set it */
    const char *default_text; /* NULL, or the default as config text ("10s", "3", "true") */
    const char *help;         /* one line for GET /v1/plugins and refusals */
} ptrack_option_t;

/* The row that ends an option table. */
#ifdef __cplusplus
#define PTRACK_OPTION_END                                                                          \
    {                                                                                              \
    }
#else
#define PTRACK_OPTION_END                                                                          \
    {                                                                                              \
        NULL, (ptrack_option_type_t)0, 0, NULL, NULL                                               \
    }
#endif

/* ---- Handles ----------------------------------------------------------
 * Opaque to the plugin; they are passed back to host functions. */

typedef struct ptrack_instance ptrack_instance_t; /* one configured instance */
typedef struct ptrack_job ptrack_job_t;           /* one import or export */
typedef struct ptrack_record ptrack_record_t;     /* one JSON object */

/* ---- Events (notifiers) ---------------------------------------------- */

typedef struct {
    size_t struct_size;
    int64_t seq;      /* durable and increasing; a repeat has the same seq */
    const char *type; /* "proposal.created", "proposal.status_changed", ... */
    const char *json; /* the whole event as JSON (docs/plugins.md), NUL-terminated */
    size_t json_len;
    const ptrack_record_t *record; /* the same event, for ptrack_host_t.rec_get */
} ptrack_event_t;

/* (1.2) A state or an action of the workflow ptrackd runs, which an office
 * may have made its own (other labels, states of its own): what
 * workflow_item fills in. The caller sets struct_size. */
typedef enum { PTRACK_WF_STATE = 1, PTRACK_WF_ACTION = 2 } ptrack_wf_kind_t;

typedef struct {
    size_t struct_size;   /* sizeof(ptrack_workflow_item_t), set by the caller */
    const char *label_zh; /* "办理中" */
    const char *label_en; /* "Handling" */
    int terminal;         /* states: it ends the proposal's course (closed, withdrawn) */
    int clock;            /* states: the proposal's deadline runs in it */
    int order;            /* states and actions: the place in the workflow, from 0 */
    const char *name;     /* its name in the API ("handling"): a lookup by label gives it */
} ptrack_workflow_item_t;

/* ---- The host's services ----------------------------------------------
 * The host passes this table to create(); keep the pointer, it stays valid
 * until destroy() returns. Members are only ever appended. */

typedef struct ptrack_host {
    size_t struct_size;
    uint16_t abi_major;
    uint16_t abi_minor;

    /* Writes one line to ptrackd's log, prefixed with the instance's name.
     * The log is UTF-8: a byte of the message that is not part of a valid
     * UTF-8 sequence (text of a GBK file, a string cut mid-character) is
     * written as '?', and a newline or another control character as a
     * space. Thread: any. Ownership: fmt and its arguments are borrowed for
     * the call. */
    void (*log)(ptrack_instance_t *inst, int level, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 3, 4)))
#endif
        ;

    /* The instance's name ("wecom"). Thread: any. Ownership: borrowed,
     * valid until destroy() returns. */
    const char *(*instance_name)(ptrack_instance_t *inst);

    /* The instance's options, checked against the option table, with the
     * table's defaults filled in. Each returns PTRACK_OK, or
     * PTRACK_ENOTFOUND when the option is not set and has no default (or
     * the key is not in the table), or PTRACK_EINVAL when the table
     * declares the option with another type than the getter's (opt_int of
     * a PTRACK_OPT_DURATION option: a bug of the plugin's; opt_string of
     * a duration gives its text, "10s", and (1.6) of a PTRACK_OPT_SECRET
     * its value). ptrackd logs a key the table
     * does not declare and a getter of another type, once per instance.
     * On failure *value is left as it was, so set it to a default first.
     * Durations are in milliseconds. Thread: any. Ownership: strings are
     * borrowed, valid until destroy() returns. */
    int (*opt_string)(ptrack_instance_t *inst, const char *key, const char **value);
    int (*opt_int)(ptrack_instance_t *inst, const char *key, int64_t *value);
    int (*opt_bool)(ptrack_instance_t *inst, const char *key, int *value);
    int (*opt_duration)(ptrack_instance_t *inst, const char *key, int64_t *ms);
    /* An array option: its length in *n, and each element by index
     * (PTRACK_ENOTFOUND for an index at or past the length). */
    int (*opt_strings_count)(ptrack_instance_t *inst, const char *key, size_t *n);
    int (*opt_strings_at)(ptrack_instance_t *inst, const char *key, size_t i, const char **value);

    /* ---- Records: read and build JSON objects without a JSON library.
     * A path names a value inside the record: "title", "proposal.title",
     * "units.0.name" (array elements by index), "custom.联系人". It is
     * split on '.'; a segment of decimal digits is an index in an array
     * and an ordinary key in an object ("custom.2024").
     * (1.3) A '.' or a backslash inside a key is written with a backslash
     * before it: the path custom.备注\.1 (in C, "custom.备注\\.1") names
     * the key "备注.1" of custom, and custom.a\\b the key "a\b". So a path
     * is made of any key by putting a backslash before each '.' and each
     * backslash in it. A backslash before any other character is an
     * ordinary one, as it was before 1.3. A plugin built against 1.3
     * declares abi_minor 3 and is refused by an older host, so it may
     * rely on this; an older host would take the backslash into the key
     * and split at the dot.
     *
     * rec_get: the value at path as text: a string as it is, a number or
     * a boolean written out ("12", "true"); NULL when the value is null,
     * missing, an object or an array. Ownership: borrowed from the record,
     * valid until the record is freed or changed.
     * rec_count: the number of elements of the array (or members of the
     * object) at path; 0 when there is none.
     * rec_json: the JSON text of the value at path ("" or NULL is the
     * whole record), its length in *len unless len is NULL; NULL when
     * missing, or when memory runs out. Of a record made with rec_new it is how
     * a plugin writes JSON without a library of its own: a receiver's
     * message body, its strings escaped. Ownership: as rec_get.
     * Thread: the thread that holds the record. */
    const char *(*rec_get)(const ptrack_record_t *rec, const char *path);
    size_t (*rec_count)(const ptrack_record_t *rec, const char *path);
    const char *(*rec_json)(const ptrack_record_t *rec, const char *path, size_t *len);

    /* rec_new: an empty record, to fill and hand to import_emit.
     * rec_set: sets the string at path, creating the objects and arrays
     * on the way; an array index one past the end appends. What it
     * makes for a field of the proposal (the path's first segment, or
     * its second after "proposal", as in an event) is of the field's
     * kind: custom and source are objects, in which the next segment is
     * a key whatever it looks like ("custom.2024" makes {"2024": ...});
     * units, replies, feedback, recommendations, co_signers and tags are
     * arrays, which take index 0 only ("units.0.name"). Anywhere else it
     * makes an array when the next segment is digits (then only index 0)
     * and an object otherwise. (1.3) Older hosts made custom and source
     * arrays before digits too: a plugin built for one sets
     * rec_set_json(rec, "custom", "{}") first. A path that cannot be set
     * is PTRACK_EINVAL and changes nothing: an empty segment, a scalar
     * where the path goes on, an index past the end, a name where an
     * array takes indexes ("tags.x"), or a segment that reads as a
     * number but is no index ("-1", "01", "99999999999999999999") where
     * an array, or an object made by the rule of digits, would take it
     * (in an object that exists, or in custom and source, it is an
     * ordinary key), or a value that would lie deeper than 64 levels of
     * objects and arrays, the record itself the first, as a request's
     * JSON may not either: a path of 64 segments holds a string, and the
     * value of rec_set_json, or the array rec_append makes, adds its own
     * levels.
     * rec_set_json: sets the value at path from JSON text (an array of
     * units, a number, true, null); PTRACK_EINVAL when it is not JSON.
     * The path "" replaces the whole record, with an object only.
     * rec_append: appends a string to the array at path (created if
     * missing).
     * rec_free: frees a record that was not emitted.
     * rec_new returns NULL when memory runs out; rec_set, rec_set_json and
     * rec_append return PTRACK_OK, PTRACK_EINVAL as above (rec_append:
     * also when the value at path is not an array; all three: also for a
     * NULL value, and then change nothing, so rec_set(msg, "title",
     * rec_get(ev, "proposal.title")) leaves a missing title out) or
     * PTRACK_ENOMEM.
     * Thread: any (a record is used by one thread at a time). Ownership:
     * the caller owns what rec_new returns until it passes it to
     * import_emit or rec_free; strings passed in are copied. */
    ptrack_record_t *(*rec_new)(void);
    int (*rec_set)(ptrack_record_t *rec, const char *path, const char *value);
    int (*rec_set_json)(ptrack_record_t *rec, const char *path, const char *json);
    int (*rec_append)(ptrack_record_t *rec, const char *path, const char *value);
    void (*rec_free)(ptrack_record_t *rec);

    /* ---- Jobs (importers and exporters).
     * A job's handle (ptrack_job_t) is good on the thread that runs its
     * import() or export(), until that returns: ptrackd then answers the
     * request and frees the job. Every job function below (and set_error
     * with a job) called with it from any other thread, a thread of the
     * plugin's own or one that goes on after the job returned, does
     * nothing and says so in ptrackd's log: job_arg returns NULL,
     * job_cancelled non-zero, the others PTRACK_ECANCELED (import_emit
     * still takes rec). Hand a worker of your own the bytes, not the job.
     * job_arg: a query parameter of the request (`?sep=;&encoding=gbk`);
     * NULL when absent. In an export, `unit` and `person` are the filters
     * it applies: for a unit's or a delegate's export, its own unit or
     * person, also when the request left them out. Declare the ones you read in your ops' `args`
     * (1.1), or the host refuses them. Ownership: borrowed, valid until the
     * job ends.
     * job_cancelled: non-zero once the client has gone or the daemon is
     * stopping; return PTRACK_ECANCELED soon after. Ask it in every loop
     * that can wait: a stop waits for a cancelled job at most 3 s, then
     * answers its client, logs the instance's name and exits without it
     * (its thread left in the plugin's code until the process ends; every
     * host function then returns PTRACK_ECANCELED and does nothing).
     * Thread: the job's thread. */
    const char *(*job_arg)(ptrack_job_t *job, const char *name);
    int (*job_cancelled)(ptrack_job_t *job);

    /* Importer: reads the next bytes of the uploaded file into buf. Returns
     * the number of bytes read (> 0), 0 at the end of the file, or
     * PTRACK_ECANCELED; PTRACK_EINVAL for a len of 0 (a full buffer: 0
     * would say the file has ended; ptrackd logs it, naming the instance)
     * or a job that is not an import. Blocks until data arrives. Thread:
     * the job's. */
    ptrdiff_t (*job_read)(ptrack_job_t *job, void *buf, size_t len);

    /* Importer: hands one record to the host, which validates and stores
     * it. `where` names the record's position for the report ("line 17",
     * "第 3 篇"); the report lists rejected records by the line it names
     * ("line N", "lines N-M", "(line N)", "第 N 行"), those that name none
     * after, so records may come in any order. Blocks while the host's
     * queue is full (back-pressure).
     * Returns PTRACK_OK; PTRACK_ECANCELED when the job was cancelled;
     * PTRACK_ERROR once storing the records has failed (a full disk): the
     * import is then answered 503 storage_error whatever import() returns,
     * so stop reading and return it; PTRACK_EINVAL for a NULL rec or a job
     * that is not an import. A record that fails validation is not an
     * error here: it is reported in the job's answer. A record
     * is a new proposal as POST /v1/proposals takes one, or, when it has an
     * `id`, a `version` or a `created_at`, a proposal as it stands elsewhere
     * (any state, units, replies; docs/plugins.md §8). `source.ref` names
     * the row in its system; without `source.format` that is the job's
     * format. A record with the number and session, or the source format
     * and ref, of a stored proposal is skipped. Ownership: takes rec (also
     * on failure); `where` is copied. Thread: the job's. */
    int (*import_emit)(ptrack_job_t *job, ptrack_record_t *rec, const char *where);

    /* Importer: reports a record it could not read itself (a broken
     * line), with its position and the reason (shown on one line: a
     * control character becomes a space, as in import_ignore's and
     * import_emit's `where`). It counts as a rejected record: an
     * all-or-nothing import then stores nothing. Returns PTRACK_OK, or
     * PTRACK_ECANCELED when the job was cancelled (PTRACK_EINVAL for a job
     * that is not an import). `where` and `reason` (here, in import_emit
     * and in import_ignore) are cut to 255 and 511 bytes, on a character's
     * boundary, with "…". Thread: the job's.
     * Ownership: strings are copied. */
    int (*import_reject)(ptrack_job_t *job, const char *where, const char *reason);

    /* Exporter: says what the output is, once, before the first
     * job_write: content_type "text/csv; charset=utf-8" (type/subtype and
     * parameters, printable ASCII, at most 255 bytes), filename
     * "proposals.csv" (NULL: none; else 1 to 255 bytes of UTF-8 without
     * control characters, U+0080..U+009F included, bidirectional
     * formatting characters (U+061C, U+200E, U+200F, U+202A..U+202E,
     * U+2066..U+2069), '/' or '\', and not "." or ".."). Returns
     * PTRACK_OK, or PTRACK_EINVAL when it is called a second time (the
     * first call's values stay) or given a content type or a file name
     * that is not one; a refused content type or file name fails the
     * export (500 plugin_error), and ptrackd's log names the misuse, once
     * per export. Thread: the job's. Ownership: copied. */
    int (*export_begin)(ptrack_job_t *job, const char *content_type, const char *filename);

    /* Exporter: the next proposal matching the request's filters, in id
     * order, from one consistent snapshot. Returns 1 and sets *rec, 0 at
     * the end, or PTRACK_ECANCELED / PTRACK_ERROR. Ownership: *rec is
     * borrowed, valid until the next export_next call. Thread: the job's. */
    int (*export_next)(ptrack_job_t *job, const ptrack_record_t **rec);

    /* Exporter: writes output bytes, streamed to the client. Blocks while
     * the client is slower than the exporter (back-pressure). Returns
     * PTRACK_OK, PTRACK_ECANCELED, or PTRACK_ENOMEM when ptrackd has no
     * memory for the bytes; PTRACK_EINVAL before export_begin has
     * succeeded, which fails the export whatever export() then returns (the
     * output would not be whole). Return what it returned: export()'s
     * PTRACK_ENOMEM is answered 503 storage_error, where a PTRACK_ECANCELED
     * of no cancel is a plugin's bug (500 plugin_error). Ownership: buf is
     * copied. Thread: the job's. */
    int (*job_write)(ptrack_job_t *job, const void *buf, size_t len);

    /* Sets the reason for the error the plugin's import() or export() is
     * about to return ("line 7: unterminated quote"); the last call wins.
     * The host puts it, after the instance's name, in the message of the
     * error answer (which status comes from the return code: see import
     * and export below), and in its log. An export that has sent bytes
     * already cannot be answered any more: its transfer is cut off, and
     * the reason goes to ptrackd's log only. Invalid UTF-8 is replaced,
     * and a control character (a newline) becomes a space;
     * a text of more than 511 bytes (a notifier's reason: 383) is cut at
     * a character's boundary and ends in "…".
     *
     * A notifier calls it with job NULL, on its worker thread during
     * deliver(), before it returns PTRACK_RETRY or PTRACK_ERROR: the text
     * ("HTTP 500 from the receiver") becomes the reason shown in the
     * instance's last_error (GET /v1/plugins), with the host's retry
     * information ("...; next try in 3200 ms"), and in the log line of a
     * dropped event. The last call of the deliver() wins; a deliver()
     * that sets none is shown as having given no reason. Called with job
     * NULL anywhere else (another thread, outside deliver()), it does
     * nothing, as it does on a host older than this rule.
     * Thread: the job's; with job NULL, a notifier's worker in deliver().
     * Ownership: copied. */
    void (*set_error)(ptrack_job_t *job, const char *fmt, ...)
#if defined(__GNUC__)
        __attribute__((format(printf, 2, 3)))
#endif
        ;

    /* (1.1) Importer: reports a passage of the file that is not a record
     * and not an error: an article between proposals, page furniture worth
     * naming. `where` names it ("lines 12-30"), `reason` says why it is not
     * a record. It is listed in the job's answer under "ignored" and never
     * fails an import, all or nothing included. Returns PTRACK_OK, or
     * PTRACK_ECANCELED (PTRACK_EINVAL for a job that is not an import). Test for it with
     * PTRACK_HOST_HAS(host, import_ignore) before calling it: a 1.0 host does not have it. Thread:
     * the job's. Ownership: strings are copied. */
    int (*import_ignore)(ptrack_job_t *job, const char *where, const char *reason);

    /* (1.2) Looks up the state (PTRACK_WF_STATE) or action
     * (PTRACK_WF_ACTION) `name` in the workflow ptrackd runs, by its name
     * or else by its Chinese or English label (an importer reading 办理中
     * back), and fills in *item: as much of it as item->struct_size
     * holds, which it then sets to what it filled. Returns PTRACK_OK, or
     * PTRACK_ENOTFOUND when the workflow has no such one. Test for it with
     * PTRACK_HOST_HAS(host, workflow_item). Thread: any. Ownership: the
     * strings are the host's, valid until destroy() returns. */
    int (*workflow_item)(ptrack_instance_t *inst, int kind, const char *name,
                         ptrack_workflow_item_t *item);

    /* (1.3) Times, read and written as ptrackd reads and writes them, so
     * that a plugin needs no calendar arithmetic of its own, nor gmtime(),
     * localtime() or setenv("TZ"), none of which is safe on the threads
     * plugins run on. An instant is a count of milliseconds since
     * 1970-01-01T00:00:00Z. Test for them with PTRACK_HOST_HAS(host,
     * time_parse) and PTRACK_HOST_HAS(host, time_format).
     *
     * time_parse: reads text into *ms as ptrackd reads a time of the API:
     * RFC 3339 with its offset ("2025-06-30T15:59:59Z",
     * "2025-06-30T23:59:59.5+08:00"; a 't' or a space for the 'T' and a
     * 'z' for the 'Z' are taken, digits past the millisecond dropped), or
     * a bare date ("2025-06-30", its midnight UTC). Every time a record
     * holds (due_at, replies.0.replied_at, an event's at) reads so.
     * Returns PTRACK_OK, or PTRACK_EINVAL for anything else, leaving *ms as
     * it was: a day the calendar does not have (2025-02-29), a time
     * without an offset (no zone says which instant it is), a leap second,
     * a NULL text (so a time the record does not have, rec_get's NULL for
     * a due_at that is null, needs no test of its own).
     *
     * time_format: writes the instant ms into buf as RFC 3339, in zone:
     *   NULL, "Z" or "UTC"  UTC, as the API writes times:
     *                       "2025-06-30T15:59:59Z"
     *   "+08:00", "-05:30"  that offset (±HH:MM, up to ±23:59, as
     *                       time_parse reads one): "2025-06-30T23:59:59+08:00"
     *   "local"             the zone ptrackd runs in (its TZ), with the
     *                       offset it has at that instant, summer time
     *                       included, in whole minutes
     * with the milliseconds when they are not zero ("...T15:59:59.250Z").
     * time_parse reads the text back as the same instant, and its first 10
     * bytes are the instant's date in the zone ("2025-06-30"): parsed on
     * their own they give that day's midnight UTC, and divided by
     * 86400000 the day's number, to count days between dates with.
     * Returns PTRACK_OK, or PTRACK_EINVAL, with buf "" when size > 0: a
     * zone that is none of these, a size too small for the text
     * (PTRACK_TIME_MAX bytes always hold it), or a year in the zone out of
     * 0000-9999, which RFC 3339 cannot write.
     *
     * Thread: any. Ownership: text and zone are borrowed for the call; buf
     * is the caller's. */
    int (*time_parse)(const char *text, int64_t *ms);
    int (*time_format)(int64_t ms, const char *zone, char *buf, size_t size);

    /* (1.4) The id of the store ptrackd runs on: 32 lower-case hex
     * digits, random, made once with the store and kept in it. It is the
     * same across restarts, reloads, backups and restores of one store,
     * and another in every other store (another office's ptrack, a 人大's
     * and a 政协's). Make of it what must not meet what another
     * installation makes: an iCalendar UID, a Message-ID, a key in a
     * system two offices share. It is no secret (it shows in what you make
     * of it) and no name: do not show it to people. NULL when the host
     * runs no store. Test for it with PTRACK_HOST_HAS(host, store_id).
     * Thread: any. Ownership: borrowed, valid until destroy() returns. */
    const char *(*store_id)(ptrack_instance_t *inst);

    /* (1.5) A notifier's deliver() that is about to return PTRACK_RETRY
     * because the receiver asked it to wait (an HTTP 429's Retry-After, a
     * gateway's "20 messages a minute") says how long: the host offers
     * the same event again after ms instead of its back-off, and the
     * back-off does not grow for that try (it is the receiver's pace, not
     * a failure). ms is taken as at least 100 and at most 3,600,000 (an
     * hour). GET /v1/plugins shows the wait ("next try in ms"). The last
     * call of the deliver() wins; it counts only when that deliver()
     * returns PTRACK_RETRY, and does nothing anywhere else (another
     * thread, outside deliver()). A stop or an unload still ends the wait
     * at once. Test for it with PTRACK_HOST_HAS(host, retry_in).
     * Thread: a notifier's worker, in deliver(). Ownership: none. */
    void (*retry_in)(ptrack_instance_t *inst, int64_t ms);
} ptrack_host_t;

/* True when the host table has member m and it is set: use it before
 * calling a function newer than ABI 1.0. */
#define PTRACK_HOST_HAS(host, m)                                                                   \
    ((host) != NULL && (host)->struct_size >= offsetof(ptrack_host_t, m) + sizeof((host)->m) &&    \
     (host)->m != NULL)

/* ---- What a plugin provides ------------------------------------------ */

typedef struct {
    size_t struct_size;
    /* Delivers one event. Return PTRACK_OK when it was delivered (the host
     * then advances the instance's durable cursor), PTRACK_RETRY for a
     * passing failure (the host tries the same event again after a back-off
     * that doubles up to a cap), or PTRACK_ERROR to drop this event (the
     * host logs it and goes on). Any other code drops the event as
     * PTRACK_ERROR does: a failure that passes, such as memory running
     * out, is PTRACK_RETRY. Events come in seq order; after a restart
     * an event may come again (at least once): the seq tells a repeat.
     * Which events reach an instance is chosen by its `events` option,
     * which the host handles for every notifier.
     * Say why it failed with set_error(NULL, "...") before returning
     * PTRACK_RETRY or PTRACK_ERROR: GET /v1/plugins shows it.
     * Thread: the instance's own thread, never concurrently; it may block
     * (HTTP, SMTP) without holding up anything else, but should honour its
     * own timeout: an unload waits for deliver() only so long. Declare that
     * bound as a PTRACK_OPT_DURATION option named "timeout": a reload's
     * change or an unload of the instance then waits that long for a
     * deliver() in progress, and a margin (docs/plugins.md says how much).
     * Ownership: ev is borrowed for the call. */
    int (*deliver)(void *state, const ptrack_event_t *ev);
} ptrack_notifier_ops_t;

typedef struct {
    size_t struct_size;
    /* The formats served, NULL-terminated: {"csv", "tsv", NULL}. A format
     * name is 1 to 64 lower-case ASCII letters, digits, `_` and `-` (the
     * client lower-cases what a user types, and the host matches names
     * exactly): the host refuses a plugin with any other. One format is
     * served by one instance (see docs/plugins.md). */
    const char *const *formats;
    /* Reads the uploaded file with job_read and emits records with
     * import_emit. Return PTRACK_OK when the file was read to its end,
     * PTRACK_ECANCELED when job_cancelled said so, PTRACK_ERROR (with
     * set_error) when the file is broken as a whole, or (1.3)
     * PTRACK_EBADARG (with set_error naming the argument and what it
     * takes) when a query argument read with job_arg is not one the
     * importer takes, whatever the file holds. The client is then
     * answered: PTRACK_ERROR or PTRACK_EINVAL 422 validation_failed (the
     * file), PTRACK_EBADARG 400 bad_request (the request), PTRACK_ENOMEM
     * or PTRACK_RETRY 503 storage_error (a passing trouble of the
     * server's), PTRACK_ECANCELED after a cancel the cancel's answer (503
     * shutting_down at a stop), any other code 500 plugin_error; the
     * message names the instance and carries set_error's text. An argument that clashes
     * with the file (a column the file lacks) is the file's fault: 422.
     * Thread: a job thread, one per request; several jobs of one instance
     * may run at once. Ownership: nothing is passed. */
    int (*import)(void *state, ptrack_job_t *job, const char *format);
    /* (1.1) The query parameters import() reads with job_arg,
     * NULL-terminated: {"sep", "encoding", NULL}; {NULL} for none. The host
     * takes its own (format, partial) and these, and refuses any other with
     * 400 bad_request before the upload is read. NULL (as in a plugin built
     * against 1.0) means "not declared": every parameter is let through,
     * but format or partial given twice. */
    const char *const *args;
} ptrack_importer_ops_t;

typedef struct {
    size_t struct_size;
    /* NULL-terminated, named as an importer's formats are. */
    const char *const *formats;
    /* Calls export_begin once, then export_next until it returns 0,
     * writing with job_write. Return PTRACK_OK when the output is complete;
     * any other return makes the host end the response as failed, so the
     * client never takes a truncated file for a whole one. Before the first
     * byte that is an error answer: PTRACK_EINVAL or (1.3) PTRACK_EBADARG
     * 400 bad_request (the request's parameters are wrong), PTRACK_ENOMEM
     * or PTRACK_RETRY 503 storage_error, PTRACK_ECANCELED after a cancel
     * the cancel's answer, any other code 500 plugin_error (export_next's own
     * failure to read the store: 503 storage_error), with the instance's
     * name and set_error's text; after it, the transfer is cut off and the
     * text goes to the log. Thread: a job thread, one per request. */
#ifndef __cplusplus
    int (*export)(void *state, ptrack_job_t *job, const char *format);
#else
    /* `export` is a C++ keyword: C++ code names the member export_ (same
     * place, same type). */
    int (*export_)(void *state, ptrack_job_t *job, const char *format);
#endif
    /* (1.1) The query parameters export() reads with job_arg besides the
     * list filters, NULL-terminated: {"lang", NULL}; {NULL} for none. The
     * host takes format, the filters of GET /v1/proposals (which an
     * exporter may read too) and these, and refuses any other with 400
     * bad_request before the export starts. NULL (as in a plugin built
     * against 1.0) means "not declared": every parameter is let through,
     * but format or a filter given twice. */
    const char *const *args;
} ptrack_exporter_ops_t;

typedef struct {
    size_t struct_size; /* sizeof(ptrack_plugin_t) */
    uint16_t abi_major; /* PTRACK_ABI_MAJOR */
    uint16_t abi_minor; /* PTRACK_ABI_MINOR */
    const char *name;   /* "notify_file" */
    const char *version;
    const char *description;
    /* name, version and description are shown in ptrackd's log and in
     * GET /v1/plugins: write them in UTF-8, on one line. A byte that is
     * not part of valid UTF-8 is shown as '?', a control character (a
     * newline) as a space. The text of the option table is shown with
     * such a byte as '?' too, but GET /v1/plugins keeps its control
     * characters (a newline in a help, escaped in the JSON), and only the
     * help that a refusal quotes has them as spaces: write keys, defaults
     * and help in UTF-8, on one line, as well. */
    unsigned kinds;                 /* PTRACK_KIND_* */
    const ptrack_option_t *options; /* ends with a NULL key; may be NULL */

    /* Makes an instance: reads its options from host, prepares what it
     * needs, and returns its state in *state. Return PTRACK_OK, or
     * PTRACK_ERROR after logging why (the load is refused with that
     * reason; any code but PTRACK_OK refuses it). destroy() is not called
     * for an instance whose create() failed: free what it made before
     * returning. Thread: the loop thread; do not block here (open files and
     * connections on first use, on the worker; ptrackd logs a create() or
     * destroy() that holds the loop half a second or more). Ownership:
     * host and inst stay valid until destroy() returns; *state is the
     * plugin's, handed back to every call of the instance and to
     * destroy(). */
    int (*create)(const ptrack_host_t *host, ptrack_instance_t *inst, void **state);
    /* Frees the instance. Called after every thread of the instance that
     * ptrackd runs has stopped. A thread the plugin started itself (a
     * timer, a connection pool) must be stopped and joined here, before
     * it returns: ptrackd then forgets host and inst and may dlclose()
     * the file, and a thread still in the plugin's code, or calling
     * host->log(inst, ...), would crash ptrackd. Thread: the loop thread.
     * Ownership: frees state. */
    void (*destroy)(void *state);

    const ptrack_notifier_ops_t *notifier; /* with PTRACK_KIND_NOTIFIER */
    const ptrack_importer_ops_t *importer; /* with PTRACK_KIND_IMPORTER */
    const ptrack_exporter_ops_t *exporter; /* with PTRACK_KIND_EXPORTER */
} ptrack_plugin_t;

/* The entry point's type: returns the descriptor, which must stay valid
 * while the plugin is loaded (a static const object). Thread: the loop. */
typedef const ptrack_plugin_t *(*ptrack_plugin_entry_fn)(void);

/* The entry point a plugin defines, declared here so that its definition
 * has C linkage in C++ too (and a prototype in C). */
PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void);

#ifdef __cplusplus
}
#endif

#endif /* PTRACK_PLUGIN_H */
