/*
 * notify_webhook.c - a notifier that POSTs each event to an HTTP endpoint:
 * a service of the office's own (format "json"), a WeCom group robot
 * (format "wecom") or a DingTalk group robot (format "dingtalk").
 *
 * Options:
 *   url      (string, required)   http:// or https:// address to POST to
 *   format   (string, "json")     json | wecom | dingtalk
 *   secret   (secret)             json: signs the body (X-Ptrack-Signature);
 *                                 dingtalk: signs the URL (timestamp, sign);
 *                                 wecom robots have no signature: unused;
 *                                 never shown by GET /v1/plugins nor logged
 *   timeout  (duration, "10s")    the whole request, connection included
 *   retries  (int, 0)             failed attempts on one event before it is
 *                                 dropped with a log line; 0 (the default)
 *                                 never drops an event for a failure that is
 *                                 tried again (below): the events wait in the
 *                                 store until the receiver takes them
 *
 * How an answer counts:
 *   2xx                    delivered, unless (wecom, dingtalk) the body is
 *                          the robot's error ({"errcode": N} with N != 0),
 *                          which is a failure that is tried again; a
 *                          robot's "too many messages" (WeCom 45009,
 *                          DingTalk 130101) waits a minute (retry_in) and
 *                          is not counted as an attempt;
 *   5xx, 408               tried again; a 503's Retry-After (as a
 *                          429's) is the wait before the next try;
 *   429                    tried again and not counted as an attempt (the
 *                          receiver's pace, as a robot's limit); its
 *                          Retry-After (seconds or an HTTP date, at most an
 *                          hour) is the host's wait before the next try
 *                          (retry_in), in place of its back-off; a date
 *                          already past, or 0, is taken as no Retry-After;
 *   401, 403, 404          tried again: they speak of the receiver's state
 *                          (its keys, its rights, a route missing during a
 *                          deploy), not of this event;
 *   connection errors,
 *   timeouts               tried again;
 *   other 3xx and 4xx      (400, 405, 410, 413, 415, 422, ...) logged with
 *                          the answer's body and dropped at once, whatever
 *                          `retries` says: the receiver judged this request
 *                          itself, and sending it again would not help; a
 *                          redirect is not followed, and its target's
 *                          scheme and host are named (redirect_target()).
 * Of the answer's body, the first RESPONSE_MAX bytes are read (for the log
 * and the errcode) and the transfer is then stopped: once the status line
 * and the headers of the answer have come, the status counts, however long
 * the rest would take or if it never comes.
 * "Tried again" means PTRACK_RETRY (the host backs off, doubling up to a
 * minute), for as long as it takes unless `retries` is set; each such
 * failure but a 429 and a robot's "too many messages" counts as an
 * attempt.
 *
 * A robot's message is its markdown text, cut (on a character boundary,
 * with a note that it was cut) to what the robot takes: 4096 bytes for
 * WeCom, 20000 for DingTalk. Text from the proposal (title, units, names)
 * and the office's labels goes in one line each: a line break in it becomes
 * a space, and markdown's markup in it shows as text (pt_str_md_line):
 * only the message's own heading, quote marks and highlighted line are
 * markup.
 *
 * Thread: create() and destroy() run on the loop thread and do not block;
 * the curl handle is made on the first deliver(), on the instance's worker,
 * and used by that thread alone, so the state needs no lock.
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <ptrack/plugin.h>

#include "digest-text.h"
#include "event-view.h"
#include "labels.h"
#include "notify-attempt.h"
#include "notify-curl.h"
#include "strbuf.h"
#include "times.h"
#include "utf8.h"

/* The most of an answer's body kept for the log and the errcode check. */
#define RESPONSE_MAX 4096
/* A Retry-After further away than this is taken as this. */
#define RETRY_AFTER_CAP_S 3600
/* How long a robot's "too many messages" is waited out. */
#define ROBOT_LIMIT_WAIT_MS 60000
/* The longest markdown text each robot takes, in bytes. */
#define WECOM_TEXT_MAX 4096
#define DINGTALK_TEXT_MAX 20000

typedef enum { FORMAT_JSON, FORMAT_WECOM, FORMAT_DINGTALK } webhook_format_t;

/* A growable string: the bodies and texts built here. */
/* One instance. */
typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;
    const char *url;    /* borrowed from the host until destroy() */
    const char *secret; /* NULL: none (an empty one is refused) */
    webhook_format_t format;
    int64_t timeout_ms;
    int64_t retries;

    pt_curl_t curl; /* no handle until the first deliver() */

    pt_attempts_t attempts; /* the failed attempts on the event being delivered */
    /* The answer of the request in progress. */
    pt_str_t response;
    int64_t retry_after; /* ms; 0: the answer had no usable Retry-After */
    bool answered;       /* the head of the final answer (status, headers) came */
} webhook_t;

/* The wall clock in milliseconds. */
static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---- Strings ----------------------------------------------------------- */

/* Appends s as the inside of a JSON string (plugins/common/strbuf.h). */
static void buf_json_str(pt_str_t *b, const char *s)
{
    pt_str_json(b, s, strlen(s));
}

/* The heading of an event type. */
static const char *type_zh(const char *type)
{
    static const char *const types[][2] = {
        {"proposal.created", "新建议登记"},          {"proposal.updated", "建议信息更新"},
        {"proposal.status_changed", "建议办理进展"}, {"proposal.deleted", "建议已删除"},
        {"proposal.due_soon", "建议即将到期提醒"},   {"proposal.overdue", "建议超期催办"},
        {"digest.daily", "每日办理情况摘要"},        {"store.restored", PT_RESTORED_HEADING},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i][0], type) == 0)
            return types[i][1];
    return "建议动态";
}

/* Appends the units of the proposal, one line per role:
 * "主办：山西省水利厅" then "协办：山西省财政厅、山西省发改委". */
static void add_units(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                      const char *prefix, const char *eol)
{
    size_t n = h->rec_count(rec, "proposal.units");
    static const char *const roles[] = {"lead", "co", "separate", NULL};
    /* Known roles first, in that order; a role of another name after. */
    for (int pass = 0; pass < 4; pass++) {
        bool any = false;
        const char *role_name = NULL;
        for (size_t i = 0; i < n; i++) {
            char path[64];
            snprintf(path, sizeof(path), "proposal.units.%zu.role", i);
            const char *role = h->rec_get(rec, path);
            bool match;
            if (pass < 3) {
                match = role && strcmp(role, roles[pass]) == 0;
            } else {
                match = !role ||
                        (strcmp(role, "lead") && strcmp(role, "co") && strcmp(role, "separate"));
            }
            if (!match)
                continue;
            snprintf(path, sizeof(path), "proposal.units.%zu.name", i);
            const char *name = h->rec_get(rec, path);
            if (!name)
                continue;
            if (!any) {
                role_name = pt_role_label(pass < 3 ? roles[pass] : role);
                pt_str_puts(b, prefix);
                pt_str_md_line(b, role_name);
                pt_str_puts(b, "：");
                any = true;
            } else {
                pt_str_puts(b, "、");
            }
            pt_str_md_line(b, name);
        }
        if (any)
            pt_str_puts(b, eol);
    }
}

/* Appends the line "> 状态：<label>", the label as text. */
static void state_line(pt_str_t *b, const char *label, const char *eol)
{
    pt_str_puts(b, "> 状态：");
    pt_str_md_line(b, label);
    pt_str_puts(b, eol);
}

/* Builds the Chinese markdown text of an event for a robot: a heading
 * naming what happened, then the proposal (编号, 标题), the change (动作,
 * 状态 from → to), the units (主办/协办) and the deadline (办理期限).
 * Lines are separated as the robot breaks them: WeCom on "\n", DingTalk
 * on "\n\n". A deadline's reminder is in the robot's orange: WeCom names
 * it (info, comment, warning are its three colours); DingTalk takes only a
 * #RRGGBB, unquoted, which its phone app shows too.
 * Thread: the worker (the record is held by it). */
static void markdown_text(pt_str_t *b, const pt_wf_t *wf, const ptrack_event_t *ev,
                          webhook_format_t robot)
{
    const char *eol = robot == FORMAT_WECOM ? "\n" : "\n\n";
    const char *warn = robot == FORMAT_WECOM ? "<font color=\"warning\">" : "<font color=#FF6A00>";
    const ptrack_host_t *h = wf->host;
    const ptrack_record_t *rec = ev->record;
    const char *type = ev->type;
    pt_event_view_t v;
    pt_event_view_read(&v, h, rec);
    bool overdue = strcmp(type, "proposal.overdue") == 0;
    bool due_soon = strcmp(type, "proposal.due_soon") == 0;

    if (strcmp(type, "digest.daily") == 0) {
        const char *date = h->rec_get(rec, "data.date");
        pt_str_printf(b, "### 每日办理情况摘要（%s）%s", date ? date : "", eol);
        pt_digest_md_text(b, h, rec, "> ", eol);
        return;
    }
    if (strcmp(type, "store.restored") == 0) {
        pt_str_printf(b, "### %s%s", PT_RESTORED_HEADING, eol);
        pt_restored_text(b, h, rec, "> ", eol);
        return;
    }
    pt_str_printf(b, "### %s%s", type_zh(type), eol);
    if (overdue)
        pt_str_printf(b, "**%s该建议已超过办理期限，尚未答复，请抓紧办理</font>**%s", warn, eol);
    else if (due_soon)
        pt_str_printf(b, "**%s该建议即将到期，请在办理期限前答复</font>**%s", warn, eol);
    if (v.number) {
        pt_str_puts(b, "> 编号：");
        pt_str_md_line(b, v.number);
        pt_str_puts(b, eol);
    } else if (v.id) {
        pt_str_printf(b, "> 编号：第 %s 号%s", v.id, eol);
    }
    pt_str_puts(b, "> 标题：");
    pt_str_md_line(b, v.title ? v.title : "（无标题）");
    pt_str_puts(b, eol);
    if (v.action) {
        pt_str_puts(b, "> 动作：");
        pt_str_md_line(b, pt_wf_action_label(wf, v.action));
        if (v.from && v.to && strcmp(v.from, v.to) != 0) {
            pt_str_puts(b, "（");
            pt_str_md_line(b, pt_wf_state_label(wf, v.from));
            pt_str_puts(b, " → ");
            pt_str_md_line(b, pt_wf_state_label(wf, v.to));
            pt_str_puts(b, "）");
        }
        pt_str_puts(b, eol);
    } else if (strcmp(type, "proposal.created") == 0 && v.to) {
        state_line(b, pt_wf_state_label(wf, v.to), eol);
    }
    if (!v.action && v.status && strcmp(type, "proposal.created") != 0)
        state_line(b, pt_wf_state_label(wf, v.status), eol);
    add_units(b, h, rec, "> ", eol);
    if (v.due_at) {
        char date[64];
        pt_local_time(h, v.due_at, PT_LOCAL_DATE, date, sizeof(date));
        pt_str_printf(b, "> 办理期限：%s%s%s", date,
                      overdue    ? "（已超期）"
                      : due_soon ? "（即将到期）"
                                 : "",
                      eol);
    }
    if (v.actor) {
        pt_str_puts(b, "> 操作人：");
        pt_str_md_line(b, v.actor);
        pt_str_puts(b, eol);
    }
}

/* ---- Signatures ----------------------------------------------------------- */

/* HMAC-SHA256 of data with key into mac (32 bytes). Returns false when
 * OpenSSL fails (out of memory). */
static bool hmac_sha256(const char *key, const void *data, size_t len, unsigned char mac[32])
{
    unsigned int mac_len = 0;
    return HMAC(EVP_sha256(), key, (int)strlen(key), data, len, mac, &mac_len) != NULL &&
           mac_len == 32;
}

/* ---- Options ------------------------------------------------------------- */

/* Whether cp is a space other than ASCII's or an invisible format
 * character (U+200B, the U+3000 of Chinese text, a BOM, a bidirectional
 * control such as U+061C or U+2066..U+2069): what a copy from a web page
 * or a chat brings along. */
static bool invisible_char(int32_t cp)
{
    return cp == 0xA0 || cp == 0x061C || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200F) ||
           (cp >= 0x2028 && cp <= 0x202F) || (cp >= 0x205F && cp <= 0x2069) || cp == 0x3000 ||
           cp == 0xFEFF;
}

/* What is wrong with cp in a URL, where a copy from a web page, a chat or
 * a document in Chinese brings it along where ASCII was meant: an
 * invisible character (U+200B after a robot's key) or a full-width form
 * of ASCII (？ for ?, ＝ for =). libcurl sends it as it is, and the robot
 * refused every message for a key it did not know, or the request went to
 * another path. NULL for any other character. */
static const char *pasted_char(int32_t cp)
{
    if (invisible_char(cp))
        return "a space or an invisible character, as a copy from a web page or a chat "
               "brings along";
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        return "a full-width character where ASCII is meant";
    return NULL;
}

/* Whether secret is free of what a copy brings along: blanks at either
 * end (a line's end copied with it) and invisible characters anywhere.
 * Signed with them, every message was refused by a DingTalk robot (sign
 * not match) and every event by a receiver checking X-Ptrack-Signature,
 * for ever; a key of the form never holds them. why (size bytes) says
 * what and where, never quoting the secret. */
static bool secret_ok(const char *secret, char *why, size_t size)
{
    size_t n = strlen(secret);
    if (isspace((unsigned char)secret[0]) || isspace((unsigned char)secret[n - 1])) {
        snprintf(why, size, "begins or ends with a blank: give the key without it");
        return false;
    }
    for (size_t i = 0; i < n;) {
        size_t at = i;
        int32_t cp = pt_utf8_next(secret, n, &i);
        if (invisible_char(cp)) {
            snprintf(why, size,
                     "holds U+%04X at byte %zu, an invisible character or a space other than "
                     "ASCII's, as a copy from a web page or a chat brings along: give the key "
                     "without it",
                     (unsigned)cp, at);
            return false;
        }
    }
    return true;
}

/* Whether url is an absolute http(s) URL with a host, as libcurl parses it;
 * why (size bytes) says what is wrong otherwise, without quoting the URL. */
static bool url_ok(const char *url, char *why, size_t size)
{
    snprintf(why, size, "it is missing");
    if (!url)
        return false;
    for (const char *c = url; *c; c++)
        if ((unsigned char)*c <= 0x20 || *c == 0x7f) {
            snprintf(why, size, "it holds a space or a control character");
            return false;
        }
    size_t n = strlen(url);
    for (size_t i = 0; i < n;) {
        size_t at = i;
        const char *what = pasted_char(pt_utf8_next(url, n, &i));
        if (what) {
            snprintf(why, size, "it holds U+%04X at byte %zu, %s: write the address in ASCII",
                     (unsigned)pt_utf8_next(url, n, &at), at, what);
            return false;
        }
    }
    if (strncasecmp(url, "http://", 7) != 0 && strncasecmp(url, "https://", 8) != 0) {
        snprintf(why, size, "it does not begin with http:// or https://");
        return false;
    }
    CURLU *u = curl_url();
    if (!u) {
        snprintf(why, size, "out of memory");
        return false;
    }
    char *host = NULL;
    bool ok = curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
              curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK && host && host[0];
    if (!ok)
        snprintf(why, size, "libcurl cannot parse it, or it names no host");
    curl_free(host);
    curl_url_cleanup(u);
    return ok;
}

/* The robot whose address url is: FORMAT_WECOM for a WeCom group robot's
 * (qyapi.weixin.qq.com/cgi-bin/webhook/...), FORMAT_DINGTALK for a
 * DingTalk one's (oapi.dingtalk.com/robot/...), FORMAT_JSON for any other
 * address. *unknown is set to the name of a robot ptrack has no format for
 * (a Feishu/Lark or Slack one, which answers a json body with a 200 and an
 * error, or ignores it), NULL otherwise. url has passed url_ok(). */
static webhook_format_t robot_of_url(const char *url, const char **unknown)
{
    *unknown = NULL;
    webhook_format_t robot = FORMAT_JSON;
    CURLU *u = curl_url();
    char *host = NULL, *path = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK) {
        if (strcasecmp(host, "qyapi.weixin.qq.com") == 0 &&
            strncmp(path, "/cgi-bin/webhook/", 17) == 0)
            robot = FORMAT_WECOM;
        else if (strcasecmp(host, "oapi.dingtalk.com") == 0 && strncmp(path, "/robot/", 7) == 0)
            robot = FORMAT_DINGTALK;
        else if ((strcasecmp(host, "open.feishu.cn") == 0 ||
                  strcasecmp(host, "open.larksuite.com") == 0) &&
                 strncmp(path, "/open-apis/bot/", 15) == 0)
            *unknown = "Feishu/Lark";
        else if (strcasecmp(host, "hooks.slack.com") == 0 && strncmp(path, "/services/", 10) == 0)
            *unknown = "Slack";
    }
    curl_free(host);
    curl_free(path);
    curl_url_cleanup(u);
    return robot;
}

/* "timestamp" or "sign" when url's query holds that parameter (the
 * signature of one request to a DingTalk robot), NULL otherwise. url has
 * passed url_ok(). */
static const char *signature_in_query(const char *url)
{
    const char *found = NULL;
    CURLU *u = curl_url();
    char *query = NULL;
    if (u && curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_QUERY, &query, 0) == CURLUE_OK && query) {
        for (const char *p = query; p && !found;) {
            size_t len = strcspn(p, "=&");
            if (len == 9 && strncmp(p, "timestamp", 9) == 0)
                found = "timestamp";
            else if (len == 4 && strncmp(p, "sign", 4) == 0)
                found = "sign";
            p = strchr(p, '&');
            if (p)
                p++;
        }
    }
    curl_free(query);
    curl_url_cleanup(u);
    return found;
}

static const ptrack_option_t webhook_options[] = {
    {"url", PTRACK_OPT_STRING, 1, NULL, "the http:// or https:// address to POST each event to"},
    {"format", PTRACK_OPT_STRING, 0, "json",
     "json (the event as it is), wecom (WeCom robot markdown), dingtalk (DingTalk robot markdown)"},
    {"secret", PTRACK_OPT_SECRET, 0, NULL,
     "json: HMAC-SHA256 key of X-Ptrack-Signature; dingtalk: the robot's signing secret"},
    {"timeout", PTRACK_OPT_DURATION, 0, "10s", "the longest one request may take"},
    /* A help is one line of at most 100 bytes (plugin.h): a refusal
     * quotes no more of it. */
    {"retries", PTRACK_OPT_INT, 0, "0",
     "failed attempts on one event before it is dropped (0: never; other 3xx and 4xx drop it at "
     "once)"},
    PTRACK_OPTION_END,
};

/* Thread: loop. Reads and checks the options; opens nothing. */
static int webhook_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    webhook_t *w = calloc(1, sizeof(*w));
    if (!w) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    w->host = host;
    w->inst = inst;
    if (!PTRACK_HOST_HAS(host, retry_in)) {
        host->log(inst, PTRACK_LOG_ERROR,
                  "this ptrackd is too old for this plugin: its host has no retry_in (ABI 1.5)");
        goto fail;
    }
    const char *format = "json";
    char why[200];
    if (host->opt_string(inst, "url", &w->url) != PTRACK_OK)
        w->url = NULL;
    if (!url_ok(w->url, why, sizeof(why))) {
        /* Not the URL itself: a robot's key is in it, and this message
         * reaches the log and the API's answer. */
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"url\" must be an http:// or https:// address with a host (%s)", why);
        goto fail;
    }
    host->opt_string(inst, "format", &format);
    if (strcmp(format, "json") == 0) {
        w->format = FORMAT_JSON;
    } else if (strcmp(format, "wecom") == 0) {
        w->format = FORMAT_WECOM;
    } else if (strcmp(format, "dingtalk") == 0) {
        w->format = FORMAT_DINGTALK;
    } else {
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"format\" must be json, wecom or dingtalk (got \"%s\")", format);
        goto fail;
    }
    const char *unknown;
    webhook_format_t robot = robot_of_url(w->url, &unknown);
    if (unknown) {
        /* The robot answers json with a 200 and an error code, or ignores
         * it: every event counted as delivered, none shown. */
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"url\" is a %s robot's address, for which ptrack has no format: "
                  "use notify_exec with a script that sends the robot's message",
                  unknown);
        goto fail;
    }
    if (robot != FORMAT_JSON && robot != w->format) {
        /* The robot answers another format's body with a 200 and an
         * errcode, which format json does not read: every event counted as
         * delivered, none shown, nothing logged. Not the URL: its key. */
        const char *name = robot == FORMAT_WECOM ? "wecom" : "dingtalk";
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"url\" is a %s group robot's address (%s), which takes format %s, "
                  "not %s: set \"format\": \"%s\"",
                  robot == FORMAT_WECOM ? "WeCom" : "DingTalk",
                  robot == FORMAT_WECOM ? "qyapi.weixin.qq.com" : "oapi.dingtalk.com", name, format,
                  name);
        goto fail;
    }
    const char *signed_part = w->format == FORMAT_DINGTALK ? signature_in_query(w->url) : NULL;
    if (signed_part) {
        /* A URL copied from a signed request: its signature is an hour's
         * at most, and ptrack's own came after it, a second timestamp and
         * sign: a robot that reads the first refused every message. */
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"url\" holds a signature's %s: give the robot's address without "
                  "timestamp and sign, and its signing secret (SEC...) as \"secret\": each "
                  "message is signed when it is sent",
                  signed_part);
        goto fail;
    }
    if (host->opt_string(inst, "secret", &w->secret) != PTRACK_OK) {
        w->secret = NULL;
    } else if (w->secret[0] == '\0') {
        /* Taken as none, it signed nothing while GET /v1/plugins showed
         * the secret as set ("********"): a signed DingTalk robot refused
         * every message, and a receiver checking X-Ptrack-Signature every
         * event, with nothing on ptrack's side to say why. */
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"secret\" is empty: give the signing key, or leave the option out "
                  "to sign nothing");
        goto fail;
    }
    if (w->secret && !secret_ok(w->secret, why, sizeof(why))) {
        /* Never the secret itself, nor a part of it. */
        host->log(inst, PTRACK_LOG_ERROR, "option \"secret\" %s", why);
        goto fail;
    }
    if (w->secret && w->format == FORMAT_WECOM)
        host->log(inst, PTRACK_LOG_WARN,
                  "option \"secret\" is not used with format wecom (WeCom robots are not signed)");
    if (host->opt_duration(inst, "timeout", &w->timeout_ms) != PTRACK_OK || w->timeout_ms <= 0) {
        host->log(inst, PTRACK_LOG_ERROR, "option \"timeout\" must be a positive duration");
        goto fail;
    }
    if (host->opt_int(inst, "retries", &w->retries) != PTRACK_OK || w->retries < 0) {
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"retries\" must be 0 (never drop) or a positive number of attempts");
        goto fail;
    }
    if (pt_curl_global_init(host, inst) != PTRACK_OK)
        goto fail;
    *state = w;
    return PTRACK_OK;
fail:
    free(w);
    return PTRACK_ERROR;
}

/* Thread: loop, after the worker has stopped. */
static void webhook_destroy(void *state)
{
    webhook_t *w = state;
    pt_curl_close(&w->curl);
    pt_str_free(&w->response);
    free(w);
}

/* ---- The request ----------------------------------------------------- */

static size_t on_body(char *data, size_t size, size_t nmemb, void *ud)
{
    webhook_t *w = ud;
    size_t n = size * nmemb;
    /* Keep the head of the answer only: enough for the log and the
     * robot's errcode; one byte more, to tell whether RESPONSE_MAX falls
     * inside a character (answer_prefix()). */
    if (w->response.len < RESPONSE_MAX + 1) {
        size_t room = RESPONSE_MAX + 1 - w->response.len;
        pt_str_append(&w->response, data, n < room ? n : room);
    }
    /* With that kept, the status has said everything that counts: the
     * rest is not waited for. Read to its end, an answer larger than the
     * timeout lets through (or one that never ends) made a receiver that
     * had taken the event with a 2xx get it again at every try, for ever,
     * and a 422 with a long error page was retried instead of dropped.
     * Returning short makes libcurl stop with CURLE_WRITE_ERROR, which
     * deliver() takes as the answer come (answered). */
    if (w->response.len >= RESPONSE_MAX + 1)
        return 0;
    return n;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *ud)
{
    webhook_t *w = ud;
    size_t n = size * nmemb;
    /* The empty line that ends a head: once that of the final answer (not
     * a 1xx) is here, the answer counts by its status whatever becomes of
     * its body. A receiver that stalled after it (a body that never ends
     * or never comes) had the request end in a timeout, and the event sent
     * again at every try, for ever, after a 2xx that had taken it. */
    if ((n == 2 && data[0] == '\r' && data[1] == '\n') || (n == 1 && data[0] == '\n')) {
        long status = 0;
        curl_easy_getinfo(w->curl.handle, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200)
            w->answered = true;
        return n;
    }
    static const char name[] = "retry-after:";
    if (n > sizeof(name) - 1 && strncasecmp(data, name, sizeof(name) - 1) == 0) {
        char value[128];
        size_t len = n - (sizeof(name) - 1);
        if (len >= sizeof(value))
            len = sizeof(value) - 1;
        memcpy(value, data + sizeof(name) - 1, len);
        value[len] = '\0';
        char *v = value;
        while (*v == ' ' || *v == '\t')
            v++;
        for (char *e = v + strlen(v); e > v && isspace((unsigned char)e[-1]); e--)
            e[-1] = '\0';
        int64_t now = now_ms();
        char *end;
        long secs = strtol(v, &end, 10);
        if (*v && *end == '\0' && secs >= 0) {
            /* "Retry-After: 0" asks for no wait, as a past date does: it is
             * left to the back-off (below). */
            if (secs > 0)
                w->retry_after =
                    now + (int64_t)(secs > RETRY_AFTER_CAP_S ? RETRY_AFTER_CAP_S : secs) * 1000;
        } else {
            /* An HTTP date ("Wed, 21 Oct 2026 07:28:00 GMT"). One that
             * is past already (a receiver whose clock is behind ours, a
             * cached 429 page) says nothing of its pace: taken as a wait,
             * it made the next try come after the host's least wait, again
             * and again, with no back-off; it is left to the back-off. */
            time_t at = curl_getdate(v, NULL);
            if (at != (time_t)-1 && (int64_t)at * 1000 > now) {
                int64_t at_ms = (int64_t)at * 1000;
                int64_t cap = now + (int64_t)RETRY_AFTER_CAP_S * 1000;
                w->retry_after = at_ms > cap ? cap : at_ms;
            }
        }
    }
    return n;
}

/* The length of the answer's first max bytes or fewer that ends on a
 * whole character: a Chinese error page cut inside one would show its
 * first bytes as "?" in the log and last_error. */
static int answer_prefix(const char *answer, size_t max)
{
    return (int)pt_utf8_prefix(answer, max);
}

/* The robot's own error in a 2xx answer: {"errcode": 310000, "errmsg":
 * "sign not match"}. Returns the errcode, 0 when there is none. A plain
 * scan rather than a JSON parser: the plugin links no JSON library, and the
 * robots' answers are small flat objects. */
static long robot_errcode(const char *body)
{
    const char *p = body ? strstr(body, "\"errcode\"") : NULL;
    if (!p)
        return 0;
    p += strlen("\"errcode\"");
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    if (*p != ':')
        return 0;
    return strtol(p + 1, NULL, 10);
}

/* Builds the URL to POST to: for a signed DingTalk robot, the configured
 * one with &timestamp=<ms>&sign=<urlencoded base64 HMAC> in its query,
 * before a #fragment (which libcurl does not send: after it, the
 * signature never reached the robot, which refused every message).
 * Returns false when memory or OpenSSL failed. Thread: the worker. */
static bool build_url(webhook_t *w, pt_str_t *url)
{
    if (w->format != FORMAT_DINGTALK || !w->secret) {
        pt_str_puts(url, w->url);
        return !url->oom;
    }
    const char *fragment = strchr(w->url, '#');
    size_t base = fragment ? (size_t)(fragment - w->url) : strlen(w->url);
    pt_str_append(url, w->url, base);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    char stamp[32];
    snprintf(stamp, sizeof(stamp), "%lld", (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
    pt_str_t to_sign = {0};
    pt_str_printf(&to_sign, "%s\n%s", stamp, w->secret);
    unsigned char mac[32];
    bool ok = !to_sign.oom && hmac_sha256(w->secret, to_sign.p, to_sign.len, mac);
    pt_str_free(&to_sign);
    if (!ok)
        return false;
    unsigned char b64[64];
    EVP_EncodeBlock(b64, mac, 32);
    char *escaped = curl_easy_escape(w->curl.handle, (const char *)b64, 0);
    if (!escaped)
        return false;
    pt_str_printf(url, "%ctimestamp=%s&sign=%s", memchr(w->url, '?', base) ? '&' : '?', stamp,
                  escaped);
    curl_free(escaped);
    if (fragment)
        pt_str_puts(url, fragment);
    return !url->oom;
}

/* Builds the request body for the instance's format. */
static void build_body(webhook_t *w, const ptrack_event_t *ev, pt_str_t *body)
{
    if (w->format == FORMAT_JSON) {
        pt_str_append(body, ev->json, ev->json_len);
        return;
    }
    pt_str_t text = {0};
    pt_wf_t wf = {w->host, w->inst};
    markdown_text(&text, &wf, ev, w->format);
    /* A robot refuses a longer text (WeCom errcode 40058) for ever, which
     * would hold up every event behind this one: it is cut instead. */
    static const char cut[] = "\n\n……（内容过长，以下从略）";
    size_t max = w->format == FORMAT_WECOM ? WECOM_TEXT_MAX : DINGTALK_TEXT_MAX;
    if (!text.oom && text.len > max) {
        text.len = pt_utf8_prefix(text.p, max - (sizeof(cut) - 1));
        text.p[text.len] = '\0';
        pt_str_puts(&text, cut);
    }
    if (text.oom) {
        body->oom = true;
        pt_str_free(&text);
        return;
    }
    if (w->format == FORMAT_WECOM) {
        pt_str_puts(body, "{\"msgtype\":\"markdown\",\"markdown\":{\"content\":\"");
        buf_json_str(body, text.p);
        pt_str_puts(body, "\"}}");
    } else {
        const char *title = w->host->rec_get(ev->record, "proposal.title");
        pt_str_puts(body, "{\"msgtype\":\"markdown\",\"markdown\":{\"title\":\"");
        buf_json_str(body, type_zh(ev->type));
        if (title) {
            pt_str_puts(body, "：");
            buf_json_str(body, title);
        }
        pt_str_puts(body, "\",\"text\":\"");
        buf_json_str(body, text.p);
        pt_str_puts(body, "\"}}");
    }
    pt_str_free(&text);
}

/* Where a redirect of the last request points, for the operator to give
 * as url: its scheme, host and port ("https://qyapi.weixin.qq.com"), or
 * "another address" when the answer named none. Not its path or query,
 * which may hold a robot's key, as url's does. A 3xx used to be told
 * "check format and secret", which has nothing to do with it: a receiver
 * moved to https:// had every event dropped with that advice.
 * Thread: the worker. */
static void redirect_target(CURL *c, char *to, size_t size)
{
    snprintf(to, size, "another address");
    char *location = NULL;
    if (curl_easy_getinfo(c, CURLINFO_REDIRECT_URL, &location) != CURLE_OK || !location)
        return;
    CURLU *u = curl_url();
    if (!u)
        return;
    char *scheme = NULL, *host = NULL, *port = NULL;
    if (curl_url_set(u, CURLUPART_URL, location, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
        bool has_port = curl_url_get(u, CURLUPART_PORT, &port, 0) == CURLUE_OK && port;
        snprintf(to, size, "%s://%s%s%s", scheme, host, has_port ? ":" : "", has_port ? port : "");
    }
    curl_free(scheme);
    curl_free(host);
    curl_free(port);
    curl_url_cleanup(u);
}

/* Whether an HTTP status speaks of the receiver's state rather than of the
 * request: 401 and 403 (its keys or its rights, being changed during a
 * deploy) and 404 (a route that is not there for the moment). Sending the
 * same event again may well succeed, so these are retried as a 5xx is. */
static bool receiver_state(long status)
{
    return status == 401 || status == 403 || status == 404;
}

/* Counts a failed attempt on ev and answers PTRACK_RETRY, or PTRACK_ERROR
 * once `retries` attempts have failed: each attempt at debug, the last at
 * error, why as the reason (notify-attempt.h). Thread: the worker. */
static int failed_attempt(webhook_t *w, const ptrack_event_t *ev, const char *why)
{
    return pt_attempt_failed(&w->attempts, w->host, w->inst, ev, w->retries, why);
}

/* Thread: the instance's worker. Ownership: ev is borrowed for the call. */
static int webhook_deliver(void *state, const ptrack_event_t *ev)
{
    webhook_t *w = state;
    CURL *c = pt_curl_handle(&w->curl, w->host, w->inst);
    if (!c) {
        w->host->set_error(NULL, "cannot make a curl handle (out of memory?)");
        return PTRACK_RETRY;
    }

    int rc = PTRACK_RETRY;
    pt_str_t url = {0}, body = {0};
    struct curl_slist *headers = NULL;
    char line[512];

    if (!build_url(w, &url)) {
        /* The URL itself is never logged: a robot's key is in it. */
        w->host->log(w->inst, PTRACK_LOG_WARN, "cannot build the URL to sign (out of memory?)");
        w->host->set_error(NULL, "cannot build the URL to sign (out of memory?)");
        goto out;
    }
    build_body(w, ev, &body);
    if (body.oom) {
        w->host->log(w->inst, PTRACK_LOG_WARN, "out of memory building the body of event %" PRId64,
                     ev->seq);
        w->host->set_error(NULL, "out of memory building the body");
        goto out;
    }

    /* An empty "Expect:" saves the 100-continue round trip that libcurl
     * makes for bodies over 1 KiB. */
    if (!pt_curl_list_add(&headers, "Content-Type: application/json; charset=utf-8") ||
        !pt_curl_list_add(&headers, "Expect:"))
        goto oom;
    snprintf(line, sizeof(line), "X-Ptrack-Event: %s", ev->type);
    if (!pt_curl_list_add(&headers, line))
        goto oom;
    snprintf(line, sizeof(line), "X-Ptrack-Delivery: %" PRId64, ev->seq);
    if (!pt_curl_list_add(&headers, line))
        goto oom;
    if (w->format == FORMAT_JSON && w->secret) {
        unsigned char mac[32];
        if (!hmac_sha256(w->secret, body.p, body.len, mac))
            goto oom;
        int n = snprintf(line, sizeof(line), "X-Ptrack-Signature: sha256=");
        for (int i = 0; i < 32; i++)
            n += snprintf(line + n, sizeof(line) - (size_t)n, "%02x", mac[i]);
        if (!pt_curl_list_add(&headers, line))
            goto oom;
    }

    pt_str_free(&w->response);
    w->retry_after = 0;
    w->answered = false;
    pt_curl_setup(&w->curl, url.p, "http,https", (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS),
                  w->timeout_ms);
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.p);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body.len);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "ptrack-notify_webhook/1.0");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, w);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, w);

    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK && w->answered) {
        /* on_body() stopped it once it had the head of the body, or the
         * rest of the body did not come: the status counts. */
        if (cc != CURLE_WRITE_ERROR)
            w->host->log(w->inst, PTRACK_LOG_INFO,
                         "event %" PRId64 " (%s): the receiver's answer came, but not the "
                         "rest of its body (%s); its status counts",
                         ev->seq, ev->type, pt_curl_why(&w->curl, cc));
        cc = CURLE_OK;
    }
    if (cc != CURLE_OK) {
        char why[CURL_ERROR_SIZE + 64];
        snprintf(why, sizeof(why), "POST to the receiver failed: %s", pt_curl_why(&w->curl, cc));
        rc = failed_attempt(w, ev, why);
        goto out;
    }
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    /* The answer as it is shown: RESPONSE_MAX bytes at most, whole
     * characters. */
    if (w->response.p) {
        w->response.len = (size_t)answer_prefix(w->response.p, RESPONSE_MAX);
        w->response.p[w->response.len] = '\0';
    }
    const char *answer = w->response.p ? w->response.p : "";
    char why[RESPONSE_MAX + 128];
    if (status >= 200 && status < 300) {
        long errcode = w->format == FORMAT_JSON ? 0 : robot_errcode(answer);
        if (errcode == 0) {
            rc = PTRACK_OK;
            w->attempts.failed = 0;
            goto out;
        }
        if (errcode == 45009 || errcode == 130101) {
            /* Too many messages for now (WeCom: 20 a minute): no attempt
             * is counted; none is made until the minute is over. */
            w->host->retry_in(w->inst, ROBOT_LIMIT_WAIT_MS);
            /* At debug, as each failed attempt is: ptrackd warns once, with
             * the reason set below; a burst of events kept the robot at
             * its limit for minutes, a warning each. */
            w->host->log(w->inst, PTRACK_LOG_DEBUG,
                         "event %" PRId64 " (%s): the robot takes no more messages for now "
                         "(errcode %ld); trying again in a minute",
                         ev->seq, ev->type, errcode);
            w->host->set_error(NULL,
                               "the robot takes no more messages for now (errcode %ld); waiting "
                               "a minute",
                               errcode);
            rc = PTRACK_RETRY;
            goto out;
        }
        snprintf(why, sizeof(why), "the robot answered errcode %ld: %s", errcode, answer);
        rc = failed_attempt(w, ev, why);
    } else if (status == 429) {
        /* Too many requests for now: the receiver's pace, not this
         * event's fault, so no attempt is counted, as for a robot's
         * "too many messages"; a receiver that keeps a limit for long
         * must not have events dropped by `retries`. */
        rc = PTRACK_RETRY;
        if (w->retry_after) {
            /* Milliseconds, so that the next try comes no sooner than
             * the receiver asked: whole seconds could be up to one early. */
            int64_t wait = w->retry_after - now_ms();
            w->host->retry_in(w->inst, wait);
            w->host->log(w->inst, PTRACK_LOG_DEBUG,
                         "event %" PRId64 " (%s): HTTP 429 (too many requests) from the "
                         "receiver; trying again in %lld ms, as its Retry-After asks (not "
                         "counted as a failed attempt)",
                         ev->seq, ev->type, (long long)(wait > 0 ? wait : 0));
            w->host->set_error(NULL,
                               "HTTP 429 (too many requests) from the receiver, "
                               "Retry-After %lld ms",
                               (long long)(wait > 0 ? wait : 0));
        } else {
            w->host->log(w->inst, PTRACK_LOG_DEBUG,
                         "event %" PRId64 " (%s): HTTP 429 (too many requests) from the "
                         "receiver; will try again (not counted as a failed attempt)",
                         ev->seq, ev->type);
            w->host->set_error(NULL, "HTTP 429 (too many requests) from the receiver: %.*s",
                               answer_prefix(answer, 256), answer);
        }
    } else if (status >= 500 || status == 408 || receiver_state(status)) {
        snprintf(why, sizeof(why), "HTTP %ld from the receiver: %.*s", status,
                 answer_prefix(answer, 512), answer);
        rc = failed_attempt(w, ev, why);
        /* A 503 with a Retry-After says when the receiver expects to be
         * back (a deploy, a maintenance window): the next try waits for
         * that, where the back-off would knock every few seconds and count
         * each knock as an attempt. */
        if (rc == PTRACK_RETRY && status == 503 && w->retry_after) {
            int64_t wait = w->retry_after - now_ms();
            w->host->retry_in(w->inst, wait);
            /* At debug too: a receiver down for an hour's maintenance
             * answers every try so, one line each at the default level. */
            w->host->log(w->inst, PTRACK_LOG_DEBUG,
                         "event %" PRId64 " (%s): the receiver asks for %lld ms before the "
                         "next try (Retry-After)",
                         ev->seq, ev->type, (long long)(wait > 0 ? wait : 0));
        }
    } else if (status >= 300 && status < 400) {
        char to[300];
        redirect_target(c, to, sizeof(to));
        w->host->log(w->inst, PTRACK_LOG_ERROR,
                     "event %" PRId64 " (%s): HTTP %ld, dropped (not retried: the receiver "
                     "sends it to %s, and a redirect is not followed; give url the address "
                     "it redirects to): %.*s",
                     ev->seq, ev->type, status, to, answer_prefix(answer, 512), answer);
        w->host->set_error(NULL,
                           "HTTP %ld from the receiver, not retried (a redirect to %s, which "
                           "is not followed: give url that address): %.*s",
                           status, to, answer_prefix(answer, 256), answer);
        w->attempts.failed = 0;
        rc = PTRACK_ERROR;
    } else {
        w->host->log(w->inst, PTRACK_LOG_ERROR,
                     "event %" PRId64 " (%s): HTTP %ld, dropped (not retried: the receiver "
                     "refused this request itself; check format and secret): %.*s",
                     ev->seq, ev->type, status, answer_prefix(answer, 512), answer);
        w->host->set_error(NULL,
                           "HTTP %ld from the receiver, not retried (check format and "
                           "secret): %.*s",
                           status, answer_prefix(answer, 256), answer);
        w->attempts.failed = 0;
        rc = PTRACK_ERROR;
    }
    goto out;
oom:
    w->host->log(w->inst, PTRACK_LOG_WARN, "out of memory building the request of event %" PRId64,
                 ev->seq);
    w->host->set_error(NULL, "out of memory building the request");
    rc = PTRACK_RETRY;
out:
    curl_slist_free_all(headers);
    pt_str_free(&url);
    pt_str_free(&body);
    return rc;
}

static const ptrack_notifier_ops_t webhook_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = webhook_deliver,
};

static const ptrack_plugin_t webhook_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_webhook",
    .version = "1.0.0",
    .description = "POSTs each event to a URL: JSON (signed), a WeCom or a DingTalk group robot",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = webhook_options,
    .create = webhook_create,
    .destroy = webhook_destroy,
    .notifier = &webhook_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &webhook_plugin;
}
