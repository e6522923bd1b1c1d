/*
 * plugin-host.c - the ptrack_host_t table handed to every plugin's create().
 *
 * The table is how a plugin reaches the host: ptrackd exports no symbols of
 * its own for plugins to bind to (RTLD_LOCAL, no -rdynamic), so a plugin
 * built against include/ptrack/plugin.h alone links against nothing of
 * ours. The members forward to the parts that do the work: records to
 * plugin-record.c, jobs to plugin-jobs.c, times to timefmt.c; the log, the
 * option getters and the zones of times live here.
 *
 * Every member may be called from the thread its comment in the plugin
 * header names; the option getters and the log from any thread. They read
 * only what does not change while the instance is loaded (its name and its
 * checked options), so they need no lock.
 */
#include "plugins.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "json-strict.h"
#include "log.h"
#include "plugin-file.h"
#include "timefmt.h"

/* ---- Log ------------------------------------------------------------- */

/* The create() failure capture of the calling thread (see
 * pt_plugin_host_capture). Per thread, so that a notifier logging on its
 * worker while the loop creates another instance is never mistaken for
 * the reason create() failed. */
static _Thread_local struct {
    pt_instance_t *inst;
    char *buf;
    size_t size;
} capture;

void pt_plugin_host_capture(pt_instance_t *inst, char *buf, size_t size)
{
    capture.inst = inst;
    capture.buf = buf;
    capture.size = size;
    if (inst && buf && size)
        buf[0] = '\0';
}

void pt_plugin_vformat(char *buf, size_t size, const char *fmt, va_list ap)
{
    static const char more[] = "…";
    int n = vsnprintf(buf, size, fmt ? fmt : "", ap);
    if (n < 0)
        buf[0] = '\0';
    else if ((size_t)n >= size) {
        size_t keep = pt_utf8_floor(buf, size - sizeof(more));
        memcpy(buf + keep, more, sizeof(more));
    }
}

const char *pt_plugin_rc_name(int rc)
{
    switch (rc) {
    case PTRACK_OK:
        return "PTRACK_OK";
    case PTRACK_ERROR:
        return "PTRACK_ERROR";
    case PTRACK_RETRY:
        return "PTRACK_RETRY";
    case PTRACK_EINVAL:
        return "PTRACK_EINVAL";
    case PTRACK_ENOMEM:
        return "PTRACK_ENOMEM";
    case PTRACK_ECANCELED:
        return "PTRACK_ECANCELED";
    case PTRACK_ENOTFOUND:
        return "PTRACK_ENOTFOUND";
    case PTRACK_EBADARG:
        return "PTRACK_EBADARG";
    default:
        return "an unknown code";
    }
}

/* Makes a plugin's text valid UTF-8 on one line: each byte that does not
 * belong to a valid sequence becomes '?', each control character a space
 * (a tab too). */
static void one_line(char *msg)
{
    pt_utf8_scrub(msg);
    for (char *c = msg; *c; c++)
        if ((unsigned char)*c < 0x20 || *c == 0x7f)
            *c = ' ';
}

static void host_log(ptrack_instance_t *inst, int level, const char *fmt, ...)
{
    char msg[PT_LOG_LINE_MAX]; /* pt_log cuts it to its line, on a character boundary */
    va_list ap;
    va_start(ap, fmt);
    pt_plugin_vformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* A plugin's text is not checked as ours is: a line of a GBK file, a
     * string cut in the middle of a character. The log (and the journal,
     * and whoever reads it as UTF-8), and a create() refusal quoted in a
     * JSON answer, get valid UTF-8: each byte that does not belong to a
     * valid sequence becomes '?', as in an API answer (json-strict.h).
     * Control characters become spaces, so that the message is one line
     * in the reason too (pt_log does the same to the log line). A tab
     * too, as plugin.h says, though pt_log keeps the tabs of ptrackd's own
     * messages: a plugin's text is often a line of the file it reads (a
     * TSV row), and its tabs would stand as columns in a log whose fields
     * are separated by spaces, and in the reason that ptrack plugins list
     * and a refusal quote. */
    one_line(msg);
    pt_log_level_t l = level <= PTRACK_LOG_DEBUG  ? PT_LOG_DEBUG
                       : level == PTRACK_LOG_INFO ? PT_LOG_INFO
                       : level == PTRACK_LOG_WARN ? PT_LOG_WARN
                                                  : PT_LOG_ERROR;
    pt_log(l, "[%s] %s", inst && inst->name ? inst->name : "plugin", msg);
    if (inst && inst == capture.inst && capture.buf && l >= PT_LOG_WARN)
        snprintf(capture.buf, capture.size, "%s", msg);
}

static const char *host_instance_name(ptrack_instance_t *inst)
{
    return inst ? inst->name : NULL;
}

/* ---- Options ----------------------------------------------------------
 * inst->options holds each option as the loader checked it: STRING a JSON
 * string, INT a JSON integer, BOOL true/false, DURATION the duration's text
 * (parsed again here, which is cheap and keeps `ptrack plugins list`
 * showing what the operator wrote), STRINGS an array of strings, SECRET a
 * JSON string (shown masked, see pt_plugins_list). A getter
 * of the wrong type answers PTRACK_EINVAL: the plugin asked for something
 * its own table does not declare. */

static const cJSON *option(ptrack_instance_t *inst, const char *key)
{
    if (!inst || !key)
        return NULL;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(inst->options, key);
    return cJSON_IsNull(v) ? NULL : v;
}

/* Whether the plugin's option table declares key as one of type (opt_string
 * also reads a duration's text, as it always did, and a secret): PTRACK_OK,
 * or PTRACK_ENOTFOUND for a key it does not declare, or PTRACK_EINVAL for
 * one it declares with another type, set or not. Either leaves the
 * plugin's default in place without a word: a key misspelt in the code
 * ("timout"), or a duration read with opt_int, would make an operator's
 * setting do nothing. That is logged, naming the plugin, the instance, the
 * getter and the key, once per instance (a getter in deliver() would say
 * it for every event). Thread: any. */
static int declared(ptrack_instance_t *inst, const char *key, ptrack_option_type_t type,
                    const char *getter)
{
    if (!inst || !key || !inst->file)
        return PTRACK_OK;
    const ptrack_plugin_t *d = inst->file->desc;
    const ptrack_option_t *o = d->options;
    while (o && o->key && strcmp(o->key, key) != 0)
        o++;
    if (o && o->key &&
        (o->type == type || (type == PTRACK_OPT_STRING &&
                             (o->type == PTRACK_OPT_DURATION || o->type == PTRACK_OPT_SECRET))))
        return PTRACK_OK;
    int rc = o && o->key ? PTRACK_EINVAL : PTRACK_ENOTFOUND;
    if (atomic_exchange(&inst->opt_misread_told, true))
        return rc;
    if (rc == PTRACK_ENOTFOUND)
        pt_warn("plugin %s (instance %s) called %s(\"%s\"), which its option table does not "
                "declare: it returns PTRACK_ENOTFOUND and the plugin keeps its own default (a bug "
                "in the plugin; said once per instance)",
                d->name, inst->name, getter, key);
    else
        pt_warn("plugin %s (instance %s) called %s(\"%s\"), which its option table declares as "
                "%s: it returns PTRACK_EINVAL and the plugin keeps its own default (a bug in the "
                "plugin; said once per instance)",
                d->name, inst->name, getter, key, pt_plugin_option_type_name(o->type));
    return rc;
}

/* The option key of inst for a getter of type (named getter in the log),
 * in *v; PTRACK_OK, or PTRACK_EINVAL when the table declares it with
 * another type than the getter's (see declared()), set or not, or when,
 * checked by is, its value is not of that type; else PTRACK_ENOTFOUND
 * when it is not set. */
static int typed_option(ptrack_instance_t *inst, const char *key, ptrack_option_type_t type,
                        const char *getter, cJSON_bool (*is)(const cJSON *), const cJSON **v)
{
    int rc = declared(inst, key, type, getter);
    *v = option(inst, key);
    if (rc == PTRACK_EINVAL)
        return rc;
    if (!*v)
        return PTRACK_ENOTFOUND;
    return rc == PTRACK_OK && is(*v) ? PTRACK_OK : PTRACK_EINVAL;
}

static int host_opt_string(ptrack_instance_t *inst, const char *key, const char **value)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_STRING, "opt_string", cJSON_IsString, &v);
    if (rc == PTRACK_OK)
        *value = v->valuestring;
    return rc;
}

static int host_opt_int(ptrack_instance_t *inst, const char *key, int64_t *value)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_INT, "opt_int", cJSON_IsNumber, &v);
    if (rc == PTRACK_OK)
        *value = (int64_t)v->valuedouble;
    return rc;
}

static int host_opt_bool(ptrack_instance_t *inst, const char *key, int *value)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_BOOL, "opt_bool", cJSON_IsBool, &v);
    if (rc == PTRACK_OK)
        *value = cJSON_IsTrue(v) ? 1 : 0;
    return rc;
}

static int host_opt_duration(ptrack_instance_t *inst, const char *key, int64_t *ms)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_DURATION, "opt_duration", cJSON_IsString, &v);
    if (rc == PTRACK_OK && pt_duration_parse(v->valuestring, ms) != 0)
        return PTRACK_EINVAL;
    return rc;
}

static int host_opt_strings_count(ptrack_instance_t *inst, const char *key, size_t *n)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_STRINGS, "opt_strings_count", cJSON_IsArray, &v);
    if (rc == PTRACK_OK)
        *n = (size_t)cJSON_GetArraySize(v);
    return rc;
}

static int host_opt_strings_at(ptrack_instance_t *inst, const char *key, size_t i,
                               const char **value)
{
    const cJSON *v;
    int rc = typed_option(inst, key, PTRACK_OPT_STRINGS, "opt_strings_at", cJSON_IsArray, &v);
    if (rc != PTRACK_OK)
        return rc;
    if (i >= (size_t)cJSON_GetArraySize(v))
        return PTRACK_ENOTFOUND;
    const cJSON *e = cJSON_GetArrayItem(v, (int)i);
    if (!cJSON_IsString(e))
        return PTRACK_EINVAL;
    *value = e->valuestring;
    return PTRACK_OK;
}

/* ---- Jobs ------------------------------------------------------------ */

/* With a job, the job's error (plugin-jobs.c); without one, the reason of
 * the notifier whose deliver() the calling thread is inside
 * (plugin-notifier.c). Either is one line, as plugin.h says: a notifier's
 * reason kept its line breaks, tabs and escapes, which went into
 * GET /v1/plugins' last_error and, the tabs, into ptrackd's log. */
static void host_set_error(ptrack_job_t *job, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    pt_plugin_vformat(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (job) {
        pt_job_set_error(job, msg);
    } else {
        one_line(msg);
        pt_notifier_set_reason(msg);
    }
}

/* Reads only the workflow, which does not change while ptrackd runs (a
 * SIGHUP takes a new one at the next start): safe from any thread. */
static int host_workflow_item(ptrack_instance_t *inst, int kind, const char *name,
                              ptrack_workflow_item_t *item)
{
    if (!inst || !name || !item || item->struct_size < offsetof(ptrack_workflow_item_t, label_en))
        return PTRACK_EINVAL;
    pt_wf_info_t info;
    const pt_workflow_t *wf = pt_plugins_workflow(inst->host);
    bool found = kind == PTRACK_WF_STATE    ? pt_workflow_state_info(wf, name, &info)
                 : kind == PTRACK_WF_ACTION ? pt_workflow_action_info(wf, name, &info)
                                            : false;
    if (!found)
        return PTRACK_ENOTFOUND;
    /* Only as much as the caller's struct holds: an older plugin's is
     * shorter. */
    ptrack_workflow_item_t full = {
        .struct_size = item->struct_size,
        .label_zh = info.zh,
        .label_en = info.en,
        .terminal = info.terminal,
        .clock = info.clock,
        .order = info.order,
        .name = info.name,
    };
    size_t n = item->struct_size < sizeof(full) ? item->struct_size : sizeof(full);
    full.struct_size = n; /* what was filled in */
    memcpy(item, &full, n);
    return PTRACK_OK;
}

/* The store's id is read when the store opens and never changes: safe
 * from any thread. */
static const char *host_store_id(ptrack_instance_t *inst)
{
    return inst ? pt_store_id(pt_plugins_store(inst->host)) : NULL;
}

/* Only a notifier's worker inside deliver() is heard (plugins.h). */
static void host_retry_in(ptrack_instance_t *inst, int64_t ms)
{
    pt_notifier_retry_in(inst, ms);
}

/* ---- Times ------------------------------------------------------------
 * The same parser and writer as the API's (timefmt.c), so that a plugin
 * reads a time exactly as ptrackd does. Neither touches anything shared:
 * the daemon's zone is read with localtime_r, which is safe on any thread
 * (the zone is loaded once, from TZ, and not changed while ptrackd runs). */

#define MS_PER_DAY INT64_C(86400000)
/* 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the instants RFC 3339 can
 * write lie between them. */
#define TIME_MIN_MS INT64_C(-62167219200000)
#define TIME_END_MS INT64_C(253402300800000)

static int host_time_parse(const char *text, int64_t *ms)
{
    int64_t v;
    if (!text || !ms || pt_time_parse(text, &v) != 0)
        return PTRACK_EINVAL;
    *ms = v;
    return PTRACK_OK;
}

/* The offset of zone at the instant ms, in minutes east of UTC, into
 * *minutes; *utc says that the zone is UTC itself, written 'Z'. Returns
 * false when zone is none of time_format's. */
static bool zone_offset(const char *zone, int64_t ms, int *minutes, bool *utc)
{
    *minutes = 0;
    *utc = !zone || strcmp(zone, "Z") == 0 || strcmp(zone, "UTC") == 0;
    if (*utc)
        return true;
    if (strcmp(zone, "local") == 0) {
        /* Floor division: an instant before 1970 is in the second that
         * began before it. */
        time_t t = (time_t)(ms / 1000 - (ms % 1000 < 0));
        struct tm tm;
        if (!localtime_r(&t, &tm))
            return false;
        /* An offset is written in whole minutes; a zone's local mean time
         * of old (Shanghai's +08:05:43 until 1901) is cut to them, and the
         * clock follows, so that the text still names the instant. */
        *minutes = (int)(tm.tm_gmtoff / 60);
        return true;
    }
    if (strlen(zone) != 6 || (zone[0] != '+' && zone[0] != '-') || zone[3] != ':')
        return false;
    for (int i = 1; i < 6; i++)
        if (i != 3 && (zone[i] < '0' || zone[i] > '9'))
            return false;
    int h = (zone[1] - '0') * 10 + (zone[2] - '0'), m = (zone[4] - '0') * 10 + (zone[5] - '0');
    if (h > 23 || m > 59)
        return false;
    *minutes = (zone[0] == '-' ? -1 : 1) * (h * 60 + m);
    return true;
}

static int host_time_format(int64_t ms, const char *zone, char *buf, size_t size)
{
    if (!buf || size == 0)
        return PTRACK_EINVAL;
    buf[0] = '\0';
    /* Far outside the years RFC 3339 writes, before adding an offset that
     * could then overflow. */
    if (ms < TIME_MIN_MS - MS_PER_DAY || ms >= TIME_END_MS + MS_PER_DAY)
        return PTRACK_EINVAL;
    int minutes;
    bool utc;
    if (!zone_offset(zone, ms, &minutes, &utc))
        return PTRACK_EINVAL;
    /* The clock in the zone is the instant moved by the offset, written
     * as UTC's; its 'Z' is then replaced by the offset. */
    int64_t clock = ms + (int64_t)minutes * 60000;
    if (clock < TIME_MIN_MS || clock >= TIME_END_MS)
        return PTRACK_EINVAL;
    char text[PTRACK_TIME_MAX];
    pt_time_format(clock, text, sizeof(text));
    size_t n = strlen(text);
    if (!utc) {
        int a = minutes < 0 ? -minutes : minutes;
        snprintf(text + n - 1, sizeof(text) - (n - 1), "%c%02d:%02d", minutes < 0 ? '-' : '+',
                 a / 60, a % 60);
        n = strlen(text);
    }
    if (n >= size)
        return PTRACK_EINVAL;
    memcpy(buf, text, n + 1);
    return PTRACK_OK;
}

const ptrack_host_t pt_plugin_host = {
    .struct_size = sizeof(ptrack_host_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .log = host_log,
    .instance_name = host_instance_name,
    .opt_string = host_opt_string,
    .opt_int = host_opt_int,
    .opt_bool = host_opt_bool,
    .opt_duration = host_opt_duration,
    .opt_strings_count = host_opt_strings_count,
    .opt_strings_at = host_opt_strings_at,
    .rec_get = pt_record_get,
    .rec_count = pt_record_count,
    .rec_json = pt_record_json_text,
    .rec_new = pt_record_new,
    .rec_set = pt_record_set,
    .rec_set_json = pt_record_set_json,
    .rec_append = pt_record_append,
    .rec_free = pt_record_free,
    .job_arg = pt_job_arg,
    .job_cancelled = pt_job_cancelled,
    .job_read = pt_job_read,
    .import_emit = pt_job_import_emit,
    .import_reject = pt_job_import_reject,
    .export_begin = pt_job_export_begin,
    .export_next = pt_job_export_next,
    .job_write = pt_job_write,
    .set_error = host_set_error,
    .import_ignore = pt_job_import_ignore,
    .workflow_item = host_workflow_item,
    .time_parse = host_time_parse,
    .time_format = host_time_format,
    .store_id = host_store_id,
    .retry_in = host_retry_in,
};
