/*
 * notify_email.c - a notifier that mails each event through an SMTP server
 * with libcurl: a subject and a plain-text body in Chinese naming the
 * proposal, the change, the units and the deadline.
 *
 * Options:
 *   smtp_url  (string, required)  smtp://host:port (plain, or STARTTLS) or
 *                                 smtps://host:port (TLS from the start)
 *   from      (string, required)  "建议办 <office@example.org>" or a bare address
 *   to        (strings, required) recipients, each as `from`
 *   starttls  (bool, false)       smtp:// only: require STARTTLS (the mail is
 *                                 not sent when the server does not offer
 *                                 it); false sends in clear text on smtp://
 *   username (string)             SMTP AUTH user name
 *   password (secret)             SMTP AUTH password: read with opt_string,
 *                                 never shown by GET /v1/plugins nor logged
 *   timeout   (duration, "30s")   one delivery: the SMTP conversation with
 *                                 every recipient of one event
 *
 * The message is MIME: Subject and display names as RFC 2047 encoded words
 * (=?UTF-8?B?...?=, 75 characters at most), every header folded between
 * its words to keep its lines within 76 characters, Date, a Message-ID
 * made from the seq, the instance and the store (a repeat of an event
 * after a restart has the same Message-ID, so that mail programs can
 * tell; another store's event of the same seq has another),
 * Auto-Submitted: auto-generated (RFC 3834: no out-of-office reply comes
 * back for it), MIME-Version, text/plain; charset=UTF-8 and the body in
 * base64 at 76 columns, so that no 8-bit text crosses a server that does
 * not take it.
 *
 * Each recipient gets the mail in a transaction of its own, on one
 * connection, so that the server answers for each, and what each made of
 * the event being delivered is kept until the event is done with: a retry
 * sends only to the recipients that have not taken the mail.
 *
 * What the answers mean: a recipient taken → it has the mail; a recipient
 * refused for good (5xx but 503, at RCPT TO or the end of DATA) → logged
 * at error, it does not get this event's mail, the others do (when every
 * one is refused, the event is dropped); a recipient refused for now (4xx,
 * 503) → the others are served, then PTRACK_RETRY naming it; a 5xx before
 * any recipient is named (login, MAIL FROM) → logged and dropped; anything
 * else (no connection, a timeout, TLS trouble) → tried again after the
 * host's back-off. A failure that is tried again is logged at debug alone,
 * its reason (the server's reply) for ptrackd's warning to quote
 * (notify-attempt.h). After any failure the connection is dropped: the
 * next transaction starts on a new one, never in a state the server left
 * behind (503 "nested MAIL command"). A connection kept from an earlier
 * transaction that fails before RCPT TO (the server closed it for being
 * idle) is not a failure: the transaction is made again on a new one.
 * Closing a connection waits for the answer to QUIT a second at most, not
 * at all after a timeout or in destroy(), which runs on the loop.
 *
 * Thread: create() and destroy() on the loop thread, which is not blocked:
 * the curl handle is made on the first deliver(), on the instance's worker,
 * and used by that thread alone.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>

#include <ptrack/plugin.h>

#include "digest-text.h"
#include "event-view.h"
#include "labels.h"
#include "notify-attempt.h"
#include "notify-curl.h"
#include "strbuf.h"
#include "times.h"
#include "utf8.h"

/* An address as configured: "name <addr>" or "addr". */
typedef struct {
    char *name; /* NULL: none */
    char *addr; /* "office@example.org" */
} address_t;

/* One instance. */
typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;
    const char *smtp_url; /* options: borrowed from the host until destroy() */
    const char *username, *password;
    int starttls;
    int64_t timeout_ms;
    address_t from;
    address_t *to;
    size_t n_to;
    char domain[128]; /* of `from`, for the Message-ID */

    pt_curl_t curl; /* no handle until the first deliver() */
    bool kept;      /* the handle keeps the connection of a transaction that succeeded */

    /* What each recipient (m->to[i]) made of the event rcpt_seq, which is
     * being delivered (rcpt_held) and will be offered again after a
     * PTRACK_RETRY: RCPT_*. Memory only: after a restart, a recipient
     * that took the event before may get it again. */
    unsigned char *rcpt;
    bool rcpt_held;
    int64_t rcpt_seq;
    pt_attempts_t attempts; /* the failed attempts on the event being delivered */

    /* The transaction in progress, as on_debug() sees it. */
    char reply[256]; /* the server's last reply line */
    bool rcpt_sent;  /* RCPT TO has been sent */
    bool quit_sent;  /* QUIT has been sent: the replies are not kept */

    /* The connection in use, as on_debug() sees it: whether it was
     * greeted (EHLO), whether the server's answer offered AUTH, and
     * whether libcurl logged in. libcurl sends without logging in, and
     * says nothing, when the server offers no AUTH. */
    bool greeted, auth_offered, auth_sent;
    bool warned_no_auth; /* the mail went without the login: said once */
} email_t;

enum {
    RCPT_PENDING = 0, /* not yet taken: sent to on the next try */
    RCPT_TAKEN,       /* the server took the mail for it */
    RCPT_REFUSED,     /* refused for good (5xx): not sent to again for this event */
};

/* The reading side of the upload: the message, handed to libcurl in
 * pieces. */
typedef struct {
    const char *data;
    size_t len, off;
} upload_t;

/* ---- Strings ----------------------------------------------------------- */

static bool is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return false;
    return true;
}

/* Appends data in base64; with `wrap`, in lines of 76 characters ending in
 * CRLF (RFC 2045), each line 57 bytes of data. */
static void buf_base64(pt_str_t *b, const void *data, size_t len, bool wrap)
{
    const unsigned char *p = data;
    unsigned char line[80];
    size_t step = wrap ? 57 : 48;
    for (size_t off = 0; off < len; off += step) {
        size_t n = len - off < step ? len - off : step;
        int out = EVP_EncodeBlock(line, p + off, (int)n);
        pt_str_append(b, (const char *)line, (size_t)out);
        if (wrap)
            pt_str_puts(b, "\r\n");
    }
}

/* The most characters a header line holds, CRLF not counted: RFC 5322
 * 2.1.1 asks for 78 at most, and RFC 2047 2 for 76 at most on a line that
 * holds an encoded word, which most of ours do. */
#define LINE_CHARS 76

/* The most bytes of text one encoded word holds: 52 characters of base64,
 * so that the word, 64 characters, is within RFC 2047's 75 and fits on a
 * line after "Subject: " (9 + 64 = 73). */
#define WORD_BYTES 39

/* A header being written, as words: each goes on the line after a space,
 * or on a line of its own (folded: CRLF and a space, RFC 5322 2.2.3) when
 * it would take the line past LINE_CHARS. Only a word longer than a line
 * (a very long address) makes a longer one. */
typedef struct {
    pt_str_t *b;
    size_t col; /* the characters on the line so far */
    bool empty; /* no word yet: the first stays on the field name's line */
} header_t;

static void header_begin(header_t *h, pt_str_t *b, const char *name)
{
    pt_str_printf(b, "%s:", name);
    *h = (header_t){.b = b, .col = strlen(name) + 1, .empty = true};
}

static void header_word(header_t *h, const char *word, size_t n)
{
    if (!h->empty && h->col + 1 + n > LINE_CHARS) {
        pt_str_puts(h->b, "\r\n ");
        h->col = 1;
    } else {
        pt_str_puts(h->b, " ");
        h->col++;
    }
    pt_str_append(h->b, word, n);
    h->col += n;
    h->empty = false;
}

static void header_end(header_t *h)
{
    pt_str_puts(h->b, "\r\n");
}

/* Puts text as RFC 2047 encoded words (=?UTF-8?B?...?=), each holding at
 * most WORD_BYTES bytes of whole UTF-8 characters. A reader joins adjacent
 * encoded words without the space or fold between them (RFC 2047 6.2). */
static void header_encoded(header_t *h, const char *text)
{
    size_t len = strlen(text), off = 0;
    pt_str_t word = {0};
    while (off < len) {
        /* Back up to the start of a character: never split one. */
        size_t n = pt_utf8_prefix(text + off, WORD_BYTES);
        pt_str_clear(&word);
        pt_str_puts(&word, "=?UTF-8?B?");
        buf_base64(&word, text + off, n, false);
        pt_str_puts(&word, "?=");
        header_word(h, pt_str_get(&word), word.len);
        h->b->oom |= word.oom;
        off += n;
    }
    pt_str_free(&word);
}

/* Puts an address, followed by a comma unless it is the last: `"name"
 * <addr>` for an ASCII name that fits on a line, encoded words and
 * `<addr>` for another name, `addr` without one. The fold, where one is
 * needed, comes between two words: never inside a quoted name. */
static void header_address(header_t *h, const address_t *a, bool last)
{
    pt_str_t word = {0};
    if (a->name && is_ascii(a->name)) {
        pt_str_puts(&word, "\"");
        for (const char *p = a->name; *p; p++) {
            if (*p == '"' || *p == '\\')
                pt_str_puts(&word, "\\");
            pt_str_append(&word, p, 1);
        }
        pt_str_puts(&word, "\"");
    }
    if (word.len && word.len + 1 < LINE_CHARS)
        header_word(h, pt_str_get(&word), word.len);
    else if (a->name)
        header_encoded(h, a->name);
    pt_str_clear(&word);
    pt_str_printf(&word, a->name ? "<%s>%s" : "%s%s", a->addr, last ? "" : ",");
    header_word(h, pt_str_get(&word), word.len);
    h->b->oom |= word.oom;
    pt_str_free(&word);
}

/* Splits "name <addr>" or "addr" into a. Returns false when there is no
 * usable address (no "@", or characters that would break a header, or any
 * that is not ASCII: an address goes into the envelope and the headers as
 * it is, and neither takes one; most often it is a full-width ＜＞, ，or ＠
 * that an input method typed, and "张科长＜zhang@example.org＞" would be
 * refused by the server at each event). */
/* Whether url ("smtp://user:password@host") holds a password in its login,
 * which libcurl sends as the password option's. */
static bool url_has_password(const char *url)
{
    const char *s = strstr(url, "://");
    if (!s)
        return false;
    s += 3;
    size_t auth = strcspn(s, "/?#");
    const char *at = NULL;
    for (const char *c = s; c < s + auth; c++)
        if (*c == '@')
            at = c;
    const char *colon = at ? memchr(s, ':', (size_t)(at - s)) : NULL;
    return colon && colon + 1 < at;
}

static bool parse_address(const char *text, address_t *a)
{
    memset(a, 0, sizeof(*a));
    const char *lt = strrchr(text, '<');
    const char *addr = text, *addr_end = text + strlen(text);
    if (lt) {
        const char *gt = strchr(lt, '>');
        if (!gt || gt[1] != '\0')
            return false;
        addr = lt + 1;
        addr_end = gt;
        const char *ns = text, *ne = lt;
        while (ns < ne && *ns == ' ')
            ns++;
        while (ne > ns && ne[-1] == ' ')
            ne--;
        /* One pair of quotes around the whole name goes; quotes inside it
         * (建议办公室 "主任") stay. */
        if (ne - ns >= 2 && *ns == '"' && ne[-1] == '"') {
            ns++;
            ne--;
        }
        if (ne > ns && !(a->name = strndup(ns, (size_t)(ne - ns))))
            return false;
    }
    while (addr < addr_end && *addr == ' ')
        addr++;
    while (addr_end > addr && addr_end[-1] == ' ')
        addr_end--;
    for (const char *p = addr; p < addr_end; p++)
        if (*p == '\r' || *p == '\n' || *p == '<' || *p == '>' || *p == ' ' || *p == ',' ||
            (unsigned char)*p >= 0x80)
            goto bad;
    /* A name with < or > in it holds another address: two recipients in
     * one element ("李四 <li@example.org>，王五 <wang@example.org>"), of
     * which only the last would get the mail. */
    if (a->name)
        for (const char *p = a->name; *p; p++)
            if (*p == '\r' || *p == '\n' || *p == '<' || *p == '>')
                goto bad;
    if (!memchr(addr, '@', (size_t)(addr_end - addr)))
        goto bad;
    if (!(a->addr = strndup(addr, (size_t)(addr_end - addr))))
        goto bad;
    return true;
bad:
    free(a->name);
    a->name = NULL;
    return false;
}

static void address_free(address_t *a)
{
    free(a->name);
    free(a->addr);
}

/* The subject's tag of an event type. */
static const char *type_tag(const char *type)
{
    static const char *const types[][2] = {
        {"proposal.created", "新建议"},
        {"proposal.updated", "建议更新"},
        {"proposal.status_changed", "办理进展"},
        {"proposal.deleted", "建议删除"},
        {"proposal.due_soon", "即将到期"},
        {"proposal.overdue", "超期催办"},
        {"digest.daily", "每日摘要"},
        {"store.restored", "数据恢复"},
    };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(types[i][0], type) == 0)
            return types[i][1];
    return "建议动态";
}

/* ---- The message ------------------------------------------------------- */

/* The subject: "【超期催办】关于……的建议（1001）". */
static void make_subject(pt_str_t *b, const pt_wf_t *wf, const ptrack_event_t *ev)
{
    const ptrack_host_t *h = wf->host;
    const char *title = h->rec_get(ev->record, "proposal.title");
    const char *number = h->rec_get(ev->record, "proposal.number");
    const char *action = h->rec_get(ev->record, "action");
    if (strcmp(ev->type, "digest.daily") == 0) {
        const char *date = h->rec_get(ev->record, "data.date");
        const char *late = h->rec_get(ev->record, "data.overdue_count");
        const char *soon = h->rec_get(ev->record, "data.due_this_week_count");
        pt_str_printf(b, "【每日摘要】%s 超期 %s 件，七日内到期 %s 件", date ? date : "",
                      late ? late : "0", soon ? soon : "0");
        return;
    }
    if (strcmp(ev->type, "store.restored") == 0) {
        pt_str_printf(b, "【%s】%s", type_tag(ev->type), PT_RESTORED_HEADING);
        return;
    }
    if (strcmp(ev->type, "proposal.status_changed") == 0 && action)
        pt_str_printf(b, "【%s】", pt_wf_action_label(wf, action));
    else
        pt_str_printf(b, "【%s】", type_tag(ev->type));
    pt_str_puts(b, title ? title : "（无标题）");
    if (number)
        pt_str_printf(b, "（%s）", number);
}

/* The body, plain text with CRLF line ends. */
static void make_body(pt_str_t *b, const pt_wf_t *wf, const ptrack_event_t *ev)
{
    const ptrack_host_t *h = wf->host;
    const ptrack_record_t *rec = ev->record;
    const char *type = ev->type;
    pt_event_view_t v;
    pt_event_view_read(&v, h, rec);

    if (strcmp(type, "digest.daily") == 0) {
        const char *date = h->rec_get(rec, "data.date");
        pt_str_printf(b, "每日办理情况摘要（%s）\r\n\r\n", date ? date : "");
        pt_digest_text(b, h, rec, "  ", "\r\n");
        return;
    }
    if (strcmp(type, "store.restored") == 0) {
        pt_str_printf(b, "%s。\r\n\r\n", PT_RESTORED_HEADING);
        pt_restored_text(b, h, rec, "", "\r\n");
        return;
    }
    if (strcmp(type, "proposal.overdue") == 0)
        pt_str_puts(b, "以下建议已超过办理期限，尚未答复，请抓紧办理。\r\n\r\n");
    else if (strcmp(type, "proposal.due_soon") == 0)
        pt_str_puts(b, "以下建议即将到期，请在办理期限前答复。\r\n\r\n");
    else
        pt_str_printf(b, "建议动态：%s。\r\n\r\n", type_tag(type));
    if (v.number)
        pt_str_printf(b, "编号：%s\r\n", v.number);
    else if (v.id)
        pt_str_printf(b, "编号：第 %s 号\r\n", v.id);
    pt_str_printf(b, "标题：%s\r\n", v.title ? v.title : "（无标题）");
    if (v.action) {
        pt_str_printf(b, "动作：%s", pt_wf_action_label(wf, v.action));
        if (v.from && v.to && strcmp(v.from, v.to) != 0)
            pt_str_printf(b, "（%s → %s）", pt_wf_state_label(wf, v.from),
                          pt_wf_state_label(wf, v.to));
        pt_str_puts(b, "\r\n");
    }
    if (v.status)
        pt_str_printf(b, "状态：%s\r\n", pt_wf_state_label(wf, v.status));
    size_t n = h->rec_count(rec, "proposal.units");
    for (size_t i = 0; i < n; i++) {
        char path[64];
        snprintf(path, sizeof(path), "proposal.units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "proposal.units.%zu.role", i);
        const char *role = h->rec_get(rec, path);
        if (name)
            pt_str_printf(b, "%s：%s\r\n", pt_role_label(role), name);
    }
    if (v.due_at) {
        char date[64];
        pt_local_time(h, v.due_at, PT_LOCAL_DATE, date, sizeof(date));
        pt_str_printf(b, "办理期限：%s\r\n", date);
    }
    if (v.actor)
        pt_str_printf(b, "操作人：%s\r\n", v.actor);
    if (v.at) {
        char when[64];
        pt_local_time(h, v.at, PT_LOCAL_MINUTE, when, sizeof(when));
        pt_str_printf(b, "时间：%s\r\n", when);
    }
    pt_str_printf(b, "\r\n-- \r\nptrack 建议办理跟踪（事件 %" PRId64 "，%s）\r\n", ev->seq, type);
}

/* Builds the whole message: headers and the base64 body. */
static void make_message(email_t *m, const ptrack_event_t *ev, pt_str_t *msg)
{
    static const char *const days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    /* The date in UTC with names of our own: strftime's %a and %b follow
     * the locale, and a header needs the English ones. */
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    pt_str_printf(msg, "Date: %s, %02d %s %04d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    header_t h;
    header_begin(&h, msg, "From");
    header_address(&h, &m->from, true);
    header_end(&h);
    header_begin(&h, msg, "To");
    for (size_t i = 0; i < m->n_to; i++)
        header_address(&h, &m->to[i], i + 1 == m->n_to);
    header_end(&h);
    pt_str_t subject = {0};
    pt_wf_t wf = {m->host, m->inst};
    make_subject(&subject, &wf, ev);
    header_begin(&h, msg, "Subject");
    if (!subject.oom)
        header_encoded(&h, subject.p);
    header_end(&h);
    msg->oom |= subject.oom;
    pt_str_free(&subject);
    /* The instance's name, cut to what a Message-ID's left part may hold. */
    char inst[64];
    const char *name = m->host->instance_name(m->inst);
    size_t k = 0;
    for (const char *p = name; *p && k < sizeof(inst) - 1; p++)
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            *p == '-' || *p == '_')
            inst[k++] = *p;
    inst[k] = '\0';
    /* And the store's, so that the seqs of a data directory made anew
     * (which start again at 1) do not repeat the IDs of mails already
     * sent, which a mailbox would take for those and drop. */
    const char *store = PTRACK_HOST_HAS(m->host, store_id) ? m->host->store_id(m->inst) : NULL;
    pt_str_printf(msg, "Message-ID: <ptrack.%" PRId64 ".%s%s%.12s@%s>\r\n", ev->seq,
                  k ? inst : "notify", store ? "." : "", store ? store : "", m->domain);
    /* RFC 3834 5.1: made by a program, answering no mail, so that an
     * out-of-office reply of a recipient on leave does not come back to
     * `from` for each reminder. */
    pt_str_puts(msg, "Auto-Submitted: auto-generated\r\n");
    pt_str_puts(msg, "MIME-Version: 1.0\r\n"
                     "Content-Type: text/plain; charset=UTF-8\r\n"
                     "Content-Transfer-Encoding: base64\r\n");
    pt_str_printf(msg, "X-Ptrack-Event: %s\r\nX-Ptrack-Delivery: %" PRId64 "\r\n\r\n", ev->type,
                  ev->seq);
    pt_str_t body = {0};
    make_body(&body, &wf, ev);
    if (!body.oom)
        buf_base64(msg, body.p, body.len, true);
    msg->oom |= body.oom;
    pt_str_free(&body);
}

/* ---- Options ------------------------------------------------------------- */

static const ptrack_option_t email_options[] = {
    {"smtp_url", PTRACK_OPT_STRING, 1, NULL,
     "smtp://host:port (clear text or STARTTLS) or smtps://host:port (TLS)"},
    {"from", PTRACK_OPT_STRING, 1, NULL,
     "the sender: \"建议办 <office@example.org>\" or an address"},
    {"to", PTRACK_OPT_STRINGS, 1, NULL, "the recipients, each as `from`"},
    {"starttls", PTRACK_OPT_BOOL, 0, "false",
     "require STARTTLS on smtp:// (the mail is not sent without it)"},
    {"username", PTRACK_OPT_STRING, 0, NULL, "SMTP AUTH user name"},
    {"password", PTRACK_OPT_SECRET, 0, NULL, "SMTP AUTH password"},
    {"timeout", PTRACK_OPT_DURATION, 0, "30s",
     "the longest one delivery may take (the SMTP conversation with every recipient)"},
    PTRACK_OPTION_END,
};

static void email_free(email_t *m)
{
    address_free(&m->from);
    for (size_t i = 0; i < m->n_to; i++)
        address_free(&m->to[i]);
    free(m->to);
    free(m->rcpt);
    free(m);
}

/* Thread: loop. Reads and checks the options; connects to nothing. */
static int email_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    email_t *m = calloc(1, sizeof(*m));
    if (!m) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    m->host = host;
    m->inst = inst;
    const char *from = NULL;
    if (host->opt_string(inst, "smtp_url", &m->smtp_url) != PTRACK_OK ||
        (strncmp(m->smtp_url, "smtp://", 7) != 0 && strncmp(m->smtp_url, "smtps://", 8) != 0)) {
        /* Only its scheme: the URL may hold a password
         * (smtp://user:password@host), and this message reaches the log
         * and the API's answer. */
        const char *u = m->smtp_url ? m->smtp_url : "";
        size_t n = strspn(u, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
        if (n > 0 && n <= 16 && strncmp(u + n, "://", 3) == 0)
            host->log(inst, PTRACK_LOG_ERROR,
                      "option \"smtp_url\" must be smtp://host:port or smtps://host:port (it "
                      "begins with %.*s://)",
                      (int)n, u);
        else
            host->log(inst, PTRACK_LOG_ERROR,
                      "option \"smtp_url\" must be smtp://host:port or smtps://host:port (it "
                      "begins with no scheme://)");
        goto fail;
    }
    if (host->opt_string(inst, "from", &from) != PTRACK_OK || !parse_address(from, &m->from)) {
        host->log(inst, PTRACK_LOG_ERROR,
                  "option \"from\" must be an address: \"name <office@example.org>\" or "
                  "\"office@example.org\", the address in ASCII, with ASCII < > and @ (got "
                  "\"%s\")",
                  from ? from : "");
        goto fail;
    }
    const char *at = strchr(m->from.addr, '@');
    snprintf(m->domain, sizeof(m->domain), "%s", at + 1);
    if (host->opt_strings_count(inst, "to", &m->n_to) != PTRACK_OK || m->n_to == 0) {
        host->log(inst, PTRACK_LOG_ERROR, "option \"to\" must list at least one recipient");
        goto fail;
    }
    if (!(m->to = calloc(m->n_to, sizeof(*m->to))) || !(m->rcpt = calloc(m->n_to, 1))) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        m->n_to = 0;
        goto fail;
    }
    for (size_t i = 0; i < m->n_to; i++) {
        const char *to = NULL;
        if (host->opt_strings_at(inst, "to", i, &to) != PTRACK_OK ||
            !parse_address(to, &m->to[i])) {
            host->log(inst, PTRACK_LOG_ERROR,
                      "option \"to\": element %zu is not an address: \"name <li@example.org>\" "
                      "or \"li@example.org\", the address in ASCII, with ASCII < > and @, one "
                      "address an element (got \"%s\")",
                      i, to ? to : "");
            goto fail;
        }
    }
    host->opt_bool(inst, "starttls", &m->starttls);
    if (host->opt_string(inst, "username", &m->username) != PTRACK_OK)
        m->username = NULL;
    if (host->opt_string(inst, "password", &m->password) != PTRACK_OK)
        m->password = NULL;
    if ((m->password || url_has_password(m->smtp_url)) && !m->starttls &&
        strncmp(m->smtp_url, "smtp://", 7) == 0)
        host->log(inst, PTRACK_LOG_WARN,
                  "the SMTP password is sent in clear text: use smtps:// or \"starttls\": true");
    if (host->opt_duration(inst, "timeout", &m->timeout_ms) != PTRACK_OK || m->timeout_ms <= 0) {
        host->log(inst, PTRACK_LOG_ERROR, "option \"timeout\" must be a positive duration");
        goto fail;
    }
    if (pt_curl_global_init(host, inst) != PTRACK_OK)
        goto fail;
    *state = m;
    return PTRACK_OK;
fail:
    email_free(m);
    return PTRACK_ERROR;
}

/* Shuts down the socket of the connection the handle keeps, if any, so
 * that closing it does not wait for the answer to libcurl's QUIT: libcurl
 * waits as long as CURLOPT_SERVER_RESPONSE_TIMEOUT, the whole timeout, for
 * a server that stopped answering, or a connection that a firewall dropped
 * while it was idle. The server takes the closed connection as the end of
 * the session. */
static void shut_down(CURL *c)
{
    curl_socket_t fd = CURL_SOCKET_BAD;
    if (c && curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &fd) == CURLE_OK && fd != CURL_SOCKET_BAD)
        shutdown(fd, SHUT_RDWR);
}

/* Thread: loop, after the worker has stopped. The loop must not wait for
 * the server: the connection is closed without a QUIT. */
static void email_destroy(void *state)
{
    email_t *m = state;
    shut_down(m->curl.handle);
    pt_curl_close(&m->curl);
    email_free(m);
}

/* ---- Sending ------------------------------------------------------------ */

static size_t on_read(char *buf, size_t size, size_t nitems, void *ud)
{
    upload_t *u = ud;
    size_t room = size * nitems, left = u->len - u->off;
    size_t n = left < room ? left : room;
    memcpy(buf, u->data + u->off, n);
    u->off += n;
    return n;
}

/* Whether the reply text data[0..size) has a line that offers AUTH
 * ("250-AUTH PLAIN LOGIN", "250 AUTH=LOGIN"). */
static bool offers_auth(const char *data, size_t size)
{
    for (size_t i = 0; i < size;) {
        size_t n = 0;
        while (i + n < size && data[i + n] != '\n')
            n++;
        const char *l = data + i;
        if (n >= 8 && strncmp(l, "250", 3) == 0 && (l[3] == '-' || l[3] == ' ') &&
            strncasecmp(l + 4, "AUTH", 4) == 0 &&
            (n == 8 || l[8] == ' ' || l[8] == '=' || l[8] == '\r'))
            return true;
        i += n + 1;
    }
    return false;
}

/* Keeps the server's replies of the transaction in progress, whether it
 * has come to RCPT TO yet, and whether the connection's greeting offered
 * AUTH and libcurl logged in. libcurl shows each SMTP command and each
 * reply line here (with CURLOPT_VERBOSE, and nothing written anywhere
 * else); the commands are not kept (AUTH carries the login). */
static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *ud)
{
    (void)c;
    email_t *m = ud;
    if (type == CURLINFO_HEADER_OUT) {
        if (size >= 4 && strncasecmp(data, "EHLO", 4) == 0) {
            m->greeted = true;
            m->auth_offered = m->auth_sent = false;
        }
        if (size >= 4 && strncasecmp(data, "AUTH", 4) == 0)
            m->auth_sent = true;
        if (size >= 4 && strncasecmp(data, "RCPT", 4) == 0)
            m->rcpt_sent = true;
        /* libcurl closes a connection after a refusal within the
         * transfer: the answer to its QUIT is not the one to keep. */
        if (size >= 4 && strncasecmp(data, "QUIT", 4) == 0)
            m->quit_sent = true;
    } else if (type == CURLINFO_HEADER_IN && !m->quit_sent) {
        if (m->greeted && !m->auth_sent && offers_auth(data, size))
            m->auth_offered = true;
        /* The last line that holds something, control characters as
         * spaces, cut to what the buffer holds. */
        while (size > 0 && (data[size - 1] == '\r' || data[size - 1] == '\n'))
            size--;
        size_t start = size;
        while (start > 0 && data[start - 1] != '\n')
            start--;
        if (start == size)
            return 0;
        size_t n = size - start < sizeof(m->reply) - 1 ? size - start : sizeof(m->reply) - 1;
        for (size_t i = 0; i < n; i++) {
            unsigned char ch = (unsigned char)data[start + i];
            m->reply[i] = ch < 0x20 || ch == 0x7f ? ' ' : (char)ch;
        }
        m->reply[n] = '\0';
    }
    return 0;
}

/* The monotonic clock in milliseconds. */
static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* How one SMTP transaction (one recipient) ended. */
typedef struct {
    bool ok;       /* the server took the mail for the recipient */
    bool refused;  /* the server refused it with a code (below) */
    bool at_rcpt;  /* ... at RCPT TO or later: a refusal of this recipient's mail */
    bool stale;    /* it failed before RCPT TO on a connection kept from an earlier
                    * transaction: one the server may have closed while it was idle */
    bool no_login; /* a login is configured, and the server offered no AUTH */
    long code;     /* the server's last reply code; 0: none */
    char why[CURL_ERROR_SIZE + 256]; /* the server's reply line, or libcurl's message */
} tx_t;

/* Whether an SMTP reply code refuses for good: a 5xx but 503 (bad
 * sequence of commands), which speaks of the connection's state, not of
 * the mail. */
static bool code_permanent(long code)
{
    return code >= 500 && code < 600 && code != 503;
}

/* What to check when the server refused the mail for good. A server that
 * takes mail only over TLS answers MAIL FROM with 530 until STARTTLS is
 * issued ("530 5.7.0 Must issue a STARTTLS command first", Postfix with
 * smtpd_tls_security_level = encrypt), which no from, to or login would
 * change; any other refusal says something of those. */
static const char *refusal_hint(const email_t *m, const tx_t *tx)
{
    /* A server that offers AUTH only over TLS (Postfix with
     * smtpd_tls_auth_only) refuses to relay for a client that did not log
     * in ("554 5.7.1 Relay access denied"). */
    if (tx->no_login)
        return !m->starttls && strncasecmp(m->smtp_url, "smtp://", 7) == 0
                   ? "the server offered no AUTH, so the login was not used; if it offers AUTH "
                     "only after STARTTLS, set \"starttls\": true"
                   : "the server offered no AUTH, so the login was not used";
    if (tx->code == 530 && !m->starttls && strncasecmp(m->smtp_url, "smtp://", 7) == 0) {
        for (const char *p = tx->why; *p; p++)
            if (strncasecmp(p, "STARTTLS", 8) == 0)
                return "the server takes mail only after STARTTLS: set \"starttls\": true";
    }
    return "check from, to and the login";
}

/* Sends msg to recipient i alone, in one transaction on the instance's
 * connection (kept from the last one when it succeeded), taking at most
 * timeout_ms. After a failure the connection is dropped, so that the next
 * transaction starts on a new one. Returns false when no curl handle can
 * be made or memory ran out. Thread: the worker. */
static bool send_to(email_t *m, size_t i, const pt_str_t *msg, int64_t timeout_ms, tx_t *tx)
{
    memset(tx, 0, sizeof(*tx));
    CURL *c = pt_curl_handle(&m->curl, m->host, m->inst);
    if (!c)
        return false;
    char from[512], to[512];
    snprintf(from, sizeof(from), "<%s>", m->from.addr);
    snprintf(to, sizeof(to), "<%s>", m->to[i].addr);
    struct curl_slist *rcpt = NULL;
    if (!pt_curl_list_add(&rcpt, to))
        return false;
    upload_t up = {msg->p, msg->len, 0};
    m->reply[0] = '\0';
    m->rcpt_sent = false;
    m->quit_sent = false;
    pt_curl_setup(&m->curl, m->smtp_url, "smtp,smtps", (long)(CURLPROTO_SMTP | CURLPROTO_SMTPS),
                  timeout_ms);
    /* Also bounds the QUIT when a dropped connection is closed. */
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, (long)((timeout_ms + 999) / 1000));
    curl_easy_setopt(c, CURLOPT_USE_SSL, (long)(m->starttls ? CURLUSESSL_ALL : CURLUSESSL_NONE));
    if (m->username)
        curl_easy_setopt(c, CURLOPT_USERNAME, m->username);
    if (m->password)
        curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)msg->len);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, m);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);

    CURLcode cc = curl_easy_perform(c);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, NULL);
    curl_slist_free_all(rcpt);
    tx->no_login = m->username && m->greeted && !m->auth_offered;
    if (cc == CURLE_OK) {
        tx->ok = true;
        m->kept = true;
        return true;
    }
    long connects = 0;
    curl_easy_getinfo(c, CURLINFO_NUM_CONNECTS, &connects);
    tx->stale = m->kept && connects == 0 && !m->rcpt_sent;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &tx->code);
    /* A refusal is a reply of 4xx or 5xx that ended the transaction; its
     * own text says more than libcurl's ("Weird server reply"). */
    char digits[8];
    snprintf(digits, sizeof(digits), "%ld", tx->code);
    tx->refused = tx->code >= 400 && tx->code < 600;
    if (!tx->refused)
        tx->code = 0; /* the code of an earlier reply, which took what it answered */
    if (tx->refused && strncmp(m->reply, digits, 3) == 0)
        snprintf(tx->why, sizeof(tx->why), "%s", m->reply);
    else
        snprintf(tx->why, sizeof(tx->why), "%s", pt_curl_why(&m->curl, cc));
    tx->at_rcpt = tx->refused && m->rcpt_sent;
    /* Closing the connection sends QUIT and waits for its answer: not at
     * all from a server that has just timed out (which would make the
     * delivery last twice its timeout), a second at most from another. */
    if (cc == CURLE_OPERATION_TIMEDOUT)
        shut_down(c);
    curl_easy_setopt(c, CURLOPT_SERVER_RESPONSE_TIMEOUT, 1L);
    pt_curl_forget(&m->curl);
    m->kept = false;
    m->greeted = false;
    return true;
}

/* Thread: the instance's worker. Ownership: ev is borrowed for the call.
 *
 * The mail goes to each recipient in a transaction of its own, so that the
 * server answers for each. What each recipient made of the event being
 * delivered is kept (m->rcpt) until the event is done with: a retry of it
 * sends only to those that have not taken it. */
static int email_deliver(void *state, const ptrack_event_t *ev)
{
    email_t *m = state;
    if (!m->rcpt_held || m->rcpt_seq != ev->seq) {
        memset(m->rcpt, RCPT_PENDING, m->n_to);
        m->rcpt_held = true;
        m->rcpt_seq = ev->seq;
    }

    int rc = PTRACK_RETRY;
    pt_str_t msg = {0};
    make_message(m, ev, &msg);
    if (msg.oom) {
        m->host->log(m->inst, PTRACK_LOG_WARN, "out of memory building the mail of event %" PRId64,
                     ev->seq);
        m->host->set_error(NULL, "out of memory building the mail");
        goto out;
    }

    int64_t deadline = mono_ms() + m->timeout_ms;
    size_t n_later = 0, later = 0;
    tx_t tx = {0}, later_tx = {0};
    char why[sizeof(tx.why) + 512]; /* a failed attempt's reason */
    for (size_t i = 0; i < m->n_to; i++) {
        if (m->rcpt[i] != RCPT_PENDING)
            continue;
        int64_t left = deadline - mono_ms();
        if (left <= 0) {
            snprintf(why, sizeof(why),
                     "sending the mail failed: the timeout (%" PRId64
                     " ms) ran out before it went to %s",
                     m->timeout_ms, m->to[i].addr);
            rc = pt_attempt_failed(&m->attempts, m->host, m->inst, ev, 0, why);
            goto out;
        }
        bool made = send_to(m, i, &msg, left, &tx);
        /* A server closes a connection left idle (Postfix after 300 s, 10
         * s when busy; "421 4.4.2 idle timeout"), and libcurl finds out
         * only when it sends on it: before any recipient is named, the
         * server has taken nothing, so the transaction is made once more
         * on a new connection (send_to() dropped the old one) rather than
         * counted as a failure. */
        if (made && tx.stale && (left = deadline - mono_ms()) > 0)
            made = send_to(m, i, &msg, left, &tx);
        if (!made) {
            m->host->set_error(NULL, "cannot make a curl handle or its list (out of memory?)");
            rc = PTRACK_RETRY;
            goto out;
        }
        if (tx.ok) {
            m->rcpt[i] = RCPT_TAKEN;
            if (tx.no_login && !m->warned_no_auth) {
                m->warned_no_auth = true;
                m->host->log(m->inst, PTRACK_LOG_WARN,
                             "the SMTP server offered no AUTH, so the mail went without logging "
                             "in as \"%s\"%s (said once)",
                             m->username,
                             !m->starttls && strncasecmp(m->smtp_url, "smtp://", 7) == 0
                                 ? "; if it offers AUTH only after STARTTLS, set \"starttls\": true"
                                 : "");
            }
            continue;
        }
        if (!tx.at_rcpt) {
            /* Before any recipient was named (no connection, TLS, the
             * login, MAIL FROM) or without a refusal (a timeout, a
             * connection lost): not about this recipient, and the others
             * would fare no better now. */
            if (tx.refused && code_permanent(tx.code)) {
                m->host->log(m->inst, PTRACK_LOG_ERROR,
                             "event %" PRId64 " (%s): the SMTP server refused the mail for good "
                             "(%ld): %s; dropped (%s)",
                             ev->seq, ev->type, tx.code, tx.why, refusal_hint(m, &tx));
                m->host->set_error(NULL,
                                   "the SMTP server refused the mail for good (%ld): %s; not "
                                   "retried (%s)",
                                   tx.code, tx.why, refusal_hint(m, &tx));
                rc = PTRACK_ERROR;
            } else {
                snprintf(why, sizeof(why), "sending the mail failed%s%.0ld: %s",
                         tx.code ? " with SMTP " : "", tx.code, tx.why);
                rc = pt_attempt_failed(&m->attempts, m->host, m->inst, ev, 0, why);
            }
            goto out;
        }
        if (code_permanent(tx.code)) {
            m->rcpt[i] = RCPT_REFUSED;
            m->host->log(m->inst, PTRACK_LOG_ERROR,
                         "event %" PRId64 " (%s): the SMTP server refused the mail to %s for good "
                         "(%ld): %s; it does not get this event's mail%s%s%s",
                         ev->seq, ev->type, m->to[i].addr, tx.code, tx.why, tx.no_login ? " (" : "",
                         tx.no_login ? refusal_hint(m, &tx) : "", tx.no_login ? ")" : "");
        } else {
            if (n_later++ == 0) {
                later = i;
                later_tx = tx;
            }
            /* At debug, as each failed attempt: the reason below names the
             * first such recipient for ptrackd's warning. */
            m->host->log(m->inst, PTRACK_LOG_DEBUG,
                         "event %" PRId64 " (%s): the SMTP server refused the mail to %s for now "
                         "(%ld): %s; will try again for it",
                         ev->seq, ev->type, m->to[i].addr, tx.code, tx.why);
        }
    }

    size_t n_taken = 0;
    for (size_t i = 0; i < m->n_to; i++)
        n_taken += m->rcpt[i] == RCPT_TAKEN;
    if (n_later) {
        snprintf(why, sizeof(why),
                 "the SMTP server refused the mail to %s for now (%ld): %s; %zu of %zu "
                 "recipients have it, %zu will be tried again",
                 m->to[later].addr, later_tx.code, later_tx.why, n_taken, m->n_to, n_later);
        rc = pt_attempt_failed(&m->attempts, m->host, m->inst, ev, 0, why);
    } else if (n_taken == 0) {
        /* Every recipient refused for good: the mail, not one address. */
        m->host->set_error(NULL,
                           "the SMTP server refused the mail for good (%ld): %s; not retried "
                           "(%s)",
                           tx.code, tx.why, refusal_hint(m, &tx));
        rc = PTRACK_ERROR;
    } else {
        rc = PTRACK_OK;
    }
out:
    if (rc != PTRACK_RETRY)
        m->rcpt_held = false; /* done with this event */
    pt_str_free(&msg);
    return rc;
}

static const ptrack_notifier_ops_t email_ops = {
    .struct_size = sizeof(ptrack_notifier_ops_t),
    .deliver = email_deliver,
};

static const ptrack_plugin_t email_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "notify_email",
    .version = "1.0.0",
    .description = "mails each event through SMTP, in Chinese (UTF-8, RFC 2047 headers)",
    .kinds = PTRACK_KIND_NOTIFIER,
    .options = email_options,
    .create = email_create,
    .destroy = email_destroy,
    .notifier = &email_ops,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &email_plugin;
}
