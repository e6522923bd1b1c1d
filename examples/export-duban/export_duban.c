/*
 * export_duban.c - an example ptrack exporter: writes a 督办清单 (format
 * "duban"), the plain-text list an office sends round before a supervision
 * meeting or posts in the units' group chat: for each handling unit, the
 * proposals it still owes a reply, most urgent first, each with its
 * deadline and how late it is.
 *
 *   建议办理督办清单
 *   截至 2025年7月1日（UTC+08:00），未办结 2 件，涉及 3 个承办单位；其中已逾期 1 件，7 日内到期 1
 * 件。 筛选：代表团 太原代表团
 *
 *   一、省水利厅（2 件，逾期 1 件）
 *     1. 【已逾期 1 天】关于加强农村饮水安全保障的建议
 *        编号 1001｜主办｜已交办｜办理期限 2025-06-30｜领衔代表 张建国（太原代表团）
 *     2. 【3 天后到期】关于完善城市公交线网的建议
 *        ...
 *
 * It is written to be read and copied. It shows what an exporter needs:
 *
 *   - export_begin once, with the content type and the file name the
 *     client saves (ptrack export saves 督办清单.txt);
 *   - export_next, which hands the proposals that match the request's
 *     filters (?unit=, ?delegation=, ?overdue=true, ...: ptrackd reads
 *     and applies them) one at a time, in id order, from one snapshot, and
 *     rec_get / rec_count to read each one by path;
 *   - job_write in pieces of a few KiB (it blocks while the client is
 *     slower: back-pressure);
 *   - failing before the first byte (set_error, then PTRACK_EINVAL: the
 *     client gets 400 with the reason) when the request asks for too much;
 *   - the instance's options (create()) and a query parameter of its own
 *     (?title=), declared in the ops' `args`; the filters are read with
 *     job_arg too, to say in the heading what the list covers (a state
 *     by its label: workflow_item);
 *   - the workflow ptrackd runs (workflow_item): which states still owe a
 *     reply (the deadline runs in them) and what the office calls them;
 *   - the host's times (time_parse, time_format): a deadline's date in the
 *     office's zone and the days to it, with no calendar code here.
 *
 * Memory. A list grouped by unit cannot be written until every proposal is
 * read, and export_next gives them once, in id order. So the entries are
 * kept, one short text per (proposal, unit), and written at the end; the
 * option max_items bounds them. A 督办清单 lists the open proposals of one
 * session, hundreds, which is little. An exporter that must group a store
 * of any size spools its rows to a temporary file instead (ptrack's own
 * md/html report does).
 *
 * Which proposals and units. A proposal is listed when its state is one
 * in which the deadline runs (已交办, 办理中, 重新办理 in the default
 * workflow); it is listed under each of its units that has not done its
 * part: a 协办 unit that gave its opinion, and a 分办 unit that replied
 * for itself, are left out. With ?unit=, only that unit's part is listed.
 *
 * Options (in the instance's `config`):
 *   title      (string, default 建议办理督办清单)  the heading
 *   soon       (duration, default 7d)  a deadline this close is marked
 *              "N 天后到期"
 *   tz         (string, default +08:00)  the zone dates are shown in: an
 *              offset ±HH:MM, UTC, or local (the zone ptrackd runs in)
 *   windows    (bool, default false)  CRLF line ends and a UTF-8 BOM, for
 *              Notepad of older Windows
 *   max_items  (int, default 5000)  the most entries a list may hold
 * Query parameters (`ptrack export --format duban --arg title=...`):
 *   title      the heading of this list (it wins over the option)
 *
 * Thread: create() and destroy() run on the loop thread; export() on a job
 * thread per request, several at once, so it keeps what it builds on its
 * own stack and heap and only reads the instance state.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ptrack/plugin.h>

/* Output is gathered and handed to job_write in pieces of about this. */
#define OUT_PIECE (16 * 1024)
/* Where a proposal without units is listed. */
#define NO_UNIT "未定承办单位"
/* The longest text of one entry (two lines). */
#define ENTRY_MAX 4096

/* ---- The instance ------------------------------------------------------ */

typedef struct {
    const ptrack_host_t *host; /* valid until destroy() returns */
    ptrack_instance_t *inst;   /* ditto */
    const char *title;         /* borrowed from the host until destroy() */
    int64_t soon_ms;
    const char *tz; /* the zone of time_format: "+08:00", "UTC", "local"; borrowed */
    int windows;
    int64_t max_items;
} duban_t;

static const ptrack_option_t duban_options[] = {
    {"title", PTRACK_OPT_STRING, 0, "建议办理督办清单", "the heading of the list"},
    {"soon", PTRACK_OPT_DURATION, 0, "7d", "a deadline this close is marked as coming"},
    {"tz", PTRACK_OPT_STRING, 0, "+08:00",
     "the zone dates are shown in: ±HH:MM, UTC, or local (ptrackd's own)"},
    {"windows", PTRACK_OPT_BOOL, 0, "false", "CRLF line ends and a UTF-8 BOM (older Notepad)"},
    {"max_items", PTRACK_OPT_INT, 0, "5000", "the most entries (proposal and unit) a list holds"},
    PTRACK_OPTION_END,
};

/* Thread: loop. Reads the options; nothing that can block. */
static int duban_create(const ptrack_host_t *host, ptrack_instance_t *inst, void **state)
{
    duban_t *d = calloc(1, sizeof(*d));
    if (!d) {
        host->log(inst, PTRACK_LOG_ERROR, "out of memory");
        return PTRACK_ERROR;
    }
    d->host = host;
    d->inst = inst;
    /* Every option has a default, which the host fills in: these getters
     * answer. The values set first are for a table and code that disagree. */
    d->title = "建议办理督办清单";
    host->opt_string(inst, "title", &d->title);
    d->soon_ms = 7LL * 24 * 3600 * 1000;
    host->opt_duration(inst, "soon", &d->soon_ms);
    host->opt_bool(inst, "windows", &d->windows);
    d->max_items = 5000;
    host->opt_int(inst, "max_items", &d->max_items);
    d->tz = "+08:00";
    host->opt_string(inst, "tz", &d->tz);
    /* The host's times are ABI 1.3, which this file is built for (an older
     * host refuses to load it); asking all the same is what the header
     * asks. time_format refuses a zone it does not know, which checks the
     * option. */
    char now[PTRACK_TIME_MAX];
    const char *bad = NULL;
    if (!PTRACK_HOST_HAS(host, time_parse) || !PTRACK_HOST_HAS(host, time_format))
        bad = "this ptrackd has no time_parse and time_format (ABI 1.3): upgrade it";
    else if (host->time_format(0, d->tz, now, sizeof(now)) != PTRACK_OK)
        bad = "option \"tz\" must be an offset such as +08:00, UTC or local";
    else if (d->max_items < 1)
        bad = "option \"max_items\" must be 1 or more";
    else if (d->title[0] == '\0')
        bad = "option \"title\" must not be empty";
    if (bad) {
        /* The last error create() logs is the reason the load is refused. */
        host->log(inst, PTRACK_LOG_ERROR, "%s", bad);
        free(d);
        return PTRACK_ERROR;
    }
    *state = d;
    return PTRACK_OK;
}

/* Thread: loop, after every job of the instance has ended. */
static void duban_destroy(void *state)
{
    free(state);
}

/* ---- Dates ----------------------------------------------------------------
 * The host writes an instant in the instance's zone and reads a date back:
 * no calendar arithmetic here, and nothing that depends on the thread or
 * on the daemon's zone unless the option asks for it ("local"). */

#define MS_PER_DAY (86400LL * 1000)

/* The date an instant falls on in the instance's zone, as text
 * ("2025-06-30") and as a day number (days since 1970-01-01), which
 * subtract to the days between two dates. Returns 1, or 0 when the host
 * cannot write the instant (a year past 9999). */
static int local_day(const duban_t *d, int64_t ms, char date[11], int64_t *day)
{
    const ptrack_host_t *h = d->host;
    char text[PTRACK_TIME_MAX];
    int64_t midnight;
    if (h->time_format(ms, d->tz, text, sizeof(text)) != PTRACK_OK)
        return 0;
    memcpy(date, text, 10); /* "2025-06-30T23:59:59+08:00": the date in the zone */
    date[10] = '\0';
    if (h->time_parse(date, &midnight) != PTRACK_OK)
        return 0;
    *day = midnight / MS_PER_DAY; /* a midnight UTC divides exactly */
    return 1;
}

/* ---- The entries of the list ------------------------------------------- */

typedef struct {
    size_t unit; /* index in list_t.units */
    int64_t due; /* ms since the epoch; INT64_MAX without a deadline */
    int64_t id;
    int overdue;
    char *text; /* the entry's two lines, after its number */
} entry_t;

typedef struct {
    char *name;
    size_t n, n_overdue;
    size_t first; /* its index before the units are sorted */
} unit_t;

typedef struct {
    entry_t *entries;
    size_t n_entries, cap_entries;
    unit_t *units;
    size_t n_units, cap_units;
    long proposals, overdue, soon; /* proposals listed, counted once each */
} list_t;

static void list_free(list_t *l)
{
    for (size_t i = 0; i < l->n_entries; i++)
        free(l->entries[i].text);
    for (size_t i = 0; i < l->n_units; i++)
        free(l->units[i].name);
    free(l->entries);
    free(l->units);
}

/* Grows an array of `size`-byte elements to hold one more. */
static int grow(void **arr, size_t *cap, size_t n, size_t size)
{
    if (n < *cap)
        return 1;
    size_t c = *cap ? *cap * 2 : 16;
    void *p = realloc(*arr, c * size);
    if (!p)
        return 0;
    *arr = p;
    *cap = c;
    return 1;
}

/* The index of the unit called name, added if new; (size_t)-1 when out of
 * memory. A list has tens of units, so a linear search does. */
static size_t unit_index(list_t *l, const char *name)
{
    for (size_t i = 0; i < l->n_units; i++)
        if (strcmp(l->units[i].name, name) == 0)
            return i;
    size_t len = strlen(name) + 1;
    char *copy = malloc(len);
    if (!copy || !grow((void **)&l->units, &l->cap_units, l->n_units, sizeof(unit_t))) {
        free(copy);
        return (size_t)-1;
    }
    memcpy(copy, name, len);
    l->units[l->n_units] = (unit_t){.name = copy, .first = l->n_units};
    return l->n_units++;
}

static int add_entry(list_t *l, const char *unit, int64_t id, int64_t due, int overdue,
                     const char *text)
{
    size_t u = unit_index(l, unit);
    size_t len = strlen(text) + 1;
    char *copy = malloc(len);
    if (u == (size_t)-1 || !copy ||
        !grow((void **)&l->entries, &l->cap_entries, l->n_entries, sizeof(entry_t))) {
        free(copy);
        return PTRACK_ENOMEM;
    }
    memcpy(copy, text, len);
    l->entries[l->n_entries++] = (entry_t){u, due, id, overdue, copy};
    l->units[u].n++;
    l->units[u].n_overdue += overdue != 0;
    return PTRACK_OK;
}

/* ---- Text in fixed buffers ----------------------------------------------- */

/* vsnprintf into buf, and when the text is longer than buf holds, the cut
 * moved back to a character's start: a value that does not fit (a lead
 * author of many names) loses its end, never half a character, and the
 * list stays UTF-8. */
static void text_vprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    int n = vsnprintf(buf, size, fmt, ap);
    if (n < 0 || (size_t)n < size)
        return;
    size_t len = size - 1, start = len;
    while (start > 0 && len - start < 3 && ((unsigned char)buf[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    unsigned char lead = (unsigned char)buf[start - 1];
    size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
    if (len - (start - 1) < need)
        buf[start - 1] = '\0';
}

static void text_printf(char *buf, size_t size, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void text_printf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(buf, size, fmt, ap);
    va_end(ap);
}

/* ---- Reading one proposal ------------------------------------------------ */

/* What export() needs while it reads. */
typedef struct {
    const duban_t *d;
    const ptrack_host_t *h;
    ptrack_job_t *job;
    const char *only_unit; /* ?unit=, or NULL */
    int64_t today;         /* the day number of now, in the zone (local_day) */
    list_t list;
} run_t;

static const char *role_label(const char *role)
{
    if (role && strcmp(role, "lead") == 0)
        return "主办";
    if (role && strcmp(role, "co") == 0)
        return "协办";
    if (role && strcmp(role, "separate") == 0)
        return "分办";
    return "承办";
}

/* Whether the unit at units.<i> has done its part of the proposal: a co
 * unit that gave its opinion, a separate unit that replied for itself. */
static int part_done(run_t *run, const ptrack_record_t *rec, size_t i, const char *name,
                     const char *role)
{
    const ptrack_host_t *h = run->h;
    char path[64];
    if (role && strcmp(role, "co") == 0) {
        snprintf(path, sizeof(path), "units.%zu.opinion_at", i);
        return h->rec_get(rec, path) != NULL;
    }
    if (role && strcmp(role, "separate") == 0) {
        size_t n = h->rec_count(rec, "replies");
        for (size_t k = 0; k < n; k++) {
            snprintf(path, sizeof(path), "replies.%zu.unit", k);
            const char *u = h->rec_get(rec, path);
            if (u && strcmp(u, name) == 0)
                return 1;
        }
    }
    return 0;
}

/* Adds the entries of one proposal. Returns PTRACK_OK or PTRACK_ENOMEM. */
static int read_proposal(run_t *run, const ptrack_record_t *rec)
{
    const ptrack_host_t *h = run->h;
    const duban_t *d = run->d;

    /* Only the states in which the deadline runs owe a reply. The office's
     * workflow says which they are and what it calls them; a host older
     * than ABI 1.2 cannot say, and then a proposal with a deadline and
     * no reply yet is taken as open. */
    const char *status = h->rec_get(rec, "status");
    const char *label = status ? status : "";
    int open;
    ptrack_workflow_item_t it = {.struct_size = sizeof(it)};
    if (PTRACK_HOST_HAS(h, workflow_item) && status &&
        h->workflow_item(d->inst, PTRACK_WF_STATE, status, &it) == PTRACK_OK) {
        open = it.clock;
        label = it.label_zh ? it.label_zh : status;
    } else {
        open = h->rec_get(rec, "due_at") && h->rec_count(rec, "replies") == 0;
    }
    if (!open)
        return PTRACK_OK;

    /* How urgent: the same for every unit of the proposal. `overdue` is
     * the host's own reckoning (open, past its deadline, no reply). */
    int64_t due = INT64_MAX, due_day;
    const char *od = h->rec_get(rec, "overdue");
    int overdue = od && strcmp(od, "true") == 0;
    char mark[64] = "", due_text[32] = "无";
    if (h->time_parse(h->rec_get(rec, "due_at"), &due) == PTRACK_OK &&
        local_day(d, due, due_text, &due_day)) {
        int64_t days = due_day - run->today;
        if (overdue && days < 0)
            snprintf(mark, sizeof(mark), "【已逾期 %lld 天】", (long long)-days);
        else if (overdue)
            snprintf(mark, sizeof(mark), "【已逾期】");
        else if (days == 0)
            snprintf(mark, sizeof(mark), "【今日到期】");
        else if (days > 0 && days * 86400 * 1000 <= d->soon_ms)
            snprintf(mark, sizeof(mark), "【%lld 天后到期】", (long long)days);
    }
    const char *id_text = h->rec_get(rec, "id");
    int64_t id = id_text ? strtoll(id_text, NULL, 10) : 0;
    const char *number = h->rec_get(rec, "number");
    const char *title = h->rec_get(rec, "title");
    const char *lead = h->rec_get(rec, "lead_author");
    const char *delegation = h->rec_get(rec, "delegation");
    char who[512] = "";
    if (lead && delegation)
        text_printf(who, sizeof(who), "｜领衔代表 %s（%s）", lead, delegation);
    else if (lead || delegation)
        text_printf(who, sizeof(who), "｜%s %s", lead ? "领衔代表" : "代表团",
                    lead ? lead : delegation);
    char num[160];
    if (number)
        text_printf(num, sizeof(num), "编号 %s", number);
    else
        snprintf(num, sizeof(num), "#%lld", (long long)id);

    size_t n_units = h->rec_count(rec, "units");
    size_t before = run->list.n_entries;
    char text[ENTRY_MAX], path[64];
    int rc = PTRACK_OK;
    for (size_t i = 0; i < n_units && rc == PTRACK_OK; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "units.%zu.role", i);
        const char *role = h->rec_get(rec, path);
        if (!name || (run->only_unit && strcmp(name, run->only_unit) != 0) ||
            part_done(run, rec, i, name, role))
            continue;
        text_printf(text, sizeof(text), "%s%s\n     %s｜%s｜%s｜办理期限 %s%s", mark,
                    title ? title : "（无标题）", num, role_label(role), label, due_text, who);
        rc = add_entry(&run->list, name, id, due, overdue, text);
    }
    if (n_units == 0 && !run->only_unit) {
        text_printf(text, sizeof(text), "%s%s\n     %s｜%s｜办理期限 %s%s", mark,
                    title ? title : "（无标题）", num, label, due_text, who);
        rc = add_entry(&run->list, NO_UNIT, id, due, overdue, text);
    }
    /* The heading counts the proposals listed, once each. */
    if (rc == PTRACK_OK && run->list.n_entries > before) {
        run->list.proposals++;
        run->list.overdue += overdue;
        run->list.soon += !overdue && mark[0];
    }
    return rc;
}

/* ---- Writing ---------------------------------------------------------------- */

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    int crlf;
    char buf[OUT_PIECE + 2 * (ENTRY_MAX + 512)]; /* a piece, and one text with \r added */
    size_t len;
    int rc; /* the first job_write failure; later writes do nothing */
} out_t;

static void out_flush(out_t *o)
{
    if (o->rc == PTRACK_OK && o->len > 0)
        o->rc = o->h->job_write(o->job, o->buf, o->len);
    o->len = 0;
}

/* Appends formatted text, "\n" written as the line end of the list. */
static void out_printf(out_t *o, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
static void out_printf(out_t *o, const char *fmt, ...)
{
    char tmp[ENTRY_MAX + 512];
    va_list ap;
    va_start(ap, fmt);
    text_vprintf(tmp, sizeof(tmp), fmt, ap);
    va_end(ap);
    for (const char *p = tmp; *p; p++) {
        if (*p == '\n' && o->crlf)
            o->buf[o->len++] = '\r';
        o->buf[o->len++] = *p;
    }
    if (o->len >= OUT_PIECE)
        out_flush(o);
}

/* 1 to 99 as Chinese numerals (一, 十二, 九十九), for the units' headings;
 * Arabic beyond. */
static void chinese_number(size_t n, char *buf, size_t size)
{
    static const char *const digit[] = {"", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
    if (n == 0 || n > 99)
        snprintf(buf, size, "%zu", n);
    else if (n < 10)
        snprintf(buf, size, "%s", digit[n]);
    else
        snprintf(buf, size, "%s十%s", n / 10 == 1 ? "" : digit[n / 10], digit[n % 10]);
}

/* The list filters of GET /v1/proposals that the heading names. */
static const struct {
    const char *arg, *label;
} filters[] = {
    {"session", "届次"}, {"delegation", "代表团"},   {"unit", "承办单位"},
    {"status", "状态"},  {"kind", "类型"},           {"category", "类别"},
    {"tag", "标签"},     {"person", "代表"},         {"key_supervision", "重点督办"},
    {"overdue", "逾期"}, {"due_before", "期限早于"}, {"todo", "待办"},
    {"q", "检索"},
};

/* The values of a filter that the heading writes in words, as ptrack's
 * md and html reports do: a part a unit still has to do (?todo=), a
 * kind, and a boolean (true, false, 1 or 0, as the API takes one). Any
 * other value is written as it is. */
static const char *value_label(const char *arg, const char *value)
{
    static const char *const labels[][3] = {
        {"todo", "sign", "签收"},       {"todo", "opinion", "协办意见"},
        {"todo", "reply", "答复"},      {"kind", "suggestion", "建议"},
        {"kind", "motion", "议案"},     {"kind", "proposal", "提案"},
        {"kind", "other", "其他"},      {"overdue", "true", "是"},
        {"overdue", "1", "是"},         {"overdue", "false", "否"},
        {"overdue", "0", "否"},         {"key_supervision", "true", "是"},
        {"key_supervision", "1", "是"}, {"key_supervision", "false", "否"},
        {"key_supervision", "0", "否"},
    };
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(arg, labels[i][0]) == 0 && strcmp(value, labels[i][1]) == 0)
            return labels[i][2];
    return value;
}

/* Writes a filter that is a comma-separated list of names (?status=,
 * ?todo=) as people read it: each name once, and in words, 、-joined:
 * status=assigned,assigned is 已交办, by the label of the office's
 * workflow (a host older than ABI 1.2 cannot say, and the name stays).
 * ptrackd has checked the names: a state's is at most 64 bytes, so one
 * longer than name holds is no state and is written as it is. */
static void out_names(out_t *o, const duban_t *d, const char *list, int todo)
{
    const ptrack_host_t *h = d->host;
    for (const char *c = list; *c; c += *c == ',') {
        size_t n = strcspn(c, ",");
        int seen = 0;
        for (const char *p = list; p < c && !seen; p += strcspn(p, ",") + 1)
            seen = strcspn(p, ",") == n && memcmp(p, c, n) == 0;
        char name[80];
        ptrack_workflow_item_t it = {.struct_size = sizeof(it)};
        if (!seen && n >= sizeof(name)) {
            out_printf(o, "%s%.*s", c == list ? "" : "、", (int)n, c);
        } else if (!seen) {
            memcpy(name, c, n);
            name[n] = '\0';
            const char *label = name;
            if (todo)
                label = value_label("todo", name);
            else if (PTRACK_HOST_HAS(h, workflow_item) &&
                     h->workflow_item(d->inst, PTRACK_WF_STATE, name, &it) == PTRACK_OK &&
                     it.label_zh)
                label = it.label_zh;
            out_printf(o, "%s%s", c == list ? "" : "、", label);
        }
        c += n;
    }
}

/* Sorting: units with the most overdue entries first, then those with the
 * most entries, then by name; each unit's entries by deadline, then id. */
static int cmp_unit(const void *a, const void *b)
{
    const unit_t *x = a, *y = b;
    if (x->n_overdue != y->n_overdue)
        return x->n_overdue > y->n_overdue ? -1 : 1;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return strcmp(x->name, y->name);
}

static int cmp_entry(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->unit != y->unit)
        return x->unit < y->unit ? -1 : 1;
    if (x->due != y->due)
        return x->due < y->due ? -1 : 1;
    return x->id < y->id ? -1 : x->id > y->id;
}

/* ---- export() ------------------------------------------------------------- */

/* Thread: a job thread, one per request. */
static int duban_export(void *state, ptrack_job_t *job, const char *format)
{
    const duban_t *d = state;
    const ptrack_host_t *h = d->host;
    (void)format; /* one format: "duban" */

    /* First, once: what the client receives. */
    int rc = h->export_begin(job, "text/plain; charset=utf-8", "督办清单.txt");
    if (rc != PTRACK_OK)
        return rc;

    run_t run = {.d = d, .h = h, .job = job, .only_unit = h->job_arg(job, "unit")};
    int64_t now = (int64_t)time(NULL) * 1000;
    char today[11];
    if (!local_day(d, now, today, &run.today)) {
        h->set_error(job, "today's date cannot be written in the zone %s", d->tz);
        return PTRACK_ERROR;
    }

    /* Read every matching proposal. Nothing is written yet, so a failure
     * here is still an error answer the client reads (after set_error). */
    const ptrack_record_t *rec;
    int next;
    while ((next = h->export_next(job, &rec)) == 1) {
        if ((rc = read_proposal(&run, rec)) != PTRACK_OK) {
            h->set_error(job, "out of memory");
            list_free(&run.list);
            return rc;
        }
        if ((int64_t)run.list.n_entries > d->max_items) {
            h->set_error(job,
                         "the list would hold more than %lld entries (max_items): choose fewer "
                         "proposals with a filter, such as unit=, delegation= or overdue=true",
                         (long long)d->max_items);
            list_free(&run.list);
            return PTRACK_EINVAL; /* 400: the request asks for too much */
        }
    }
    if (next < 0) { /* cancelled, or the store could not be read */
        list_free(&run.list);
        return next;
    }

    /* Units in order of urgency, then their entries by deadline. The
     * entries name their unit by index, which the sort of the units
     * changes: `first` tells each unit's old index, and rank maps it to
     * the new one. */
    list_t *l = &run.list;
    size_t *rank = malloc((l->n_units ? l->n_units : 1) * sizeof(*rank));
    if (!rank) {
        list_free(l);
        h->set_error(job, "out of memory");
        return PTRACK_ENOMEM;
    }
    qsort(l->units, l->n_units, sizeof(*l->units), cmp_unit);
    for (size_t k = 0; k < l->n_units; k++)
        rank[l->units[k].first] = k;
    for (size_t i = 0; i < l->n_entries; i++)
        l->entries[i].unit = rank[l->entries[i].unit];
    free(rank);
    qsort(l->entries, l->n_entries, sizeof(*l->entries), cmp_entry);

    /* Write: the heading, then each unit's entries. */
    out_t *o = malloc(sizeof(*o));
    if (!o) {
        list_free(l);
        h->set_error(job, "out of memory");
        return PTRACK_ENOMEM;
    }
    o->h = h;
    o->job = job;
    o->crlf = d->windows;
    o->len = 0;
    o->rc = PTRACK_OK;
    if (d->windows)
        out_printf(o, "\xEF\xBB\xBF");
    const char *title = h->job_arg(job, "title");
    out_printf(o, "%s\n", title && *title ? title : d->title);
    size_t n_named = l->n_units;
    for (size_t u = 0; u < l->n_units; u++)
        n_named -= strcmp(l->units[u].name, NO_UNIT) == 0;
    /* The date as people write it (2025年7月1日), and the zone as the
     * host wrote now in it: "Z" is UTC itself, else the offset ends the
     * text ("+08:00", ptrackd's own with tz local). */
    char stamp[PTRACK_TIME_MAX];
    const char *zone = "";
    if (h->time_format(now, d->tz, stamp, sizeof(stamp)) == PTRACK_OK)
        zone = stamp[strlen(stamp) - 1] == 'Z' ? "" : stamp + strlen(stamp) - 6;
    out_printf(o, "截至 %d年%d月%d日（UTC%s），未办结 %ld 件，涉及 %zu 个承办单位；", atoi(today),
               atoi(today + 5), atoi(today + 8), zone, l->proposals, n_named);
    out_printf(o, "其中已逾期 %ld 件，%lld 日内到期 %ld 件。\n", l->overdue,
               (long long)(d->soon_ms / (86400 * 1000)), l->soon);
    int any = 0;
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        const char *v = h->job_arg(job, filters[i].arg);
        if (!v || !*v)
            continue;
        out_printf(o, "%s%s ", any ? "；" : "筛选：", filters[i].label);
        if (strcmp(filters[i].arg, "status") == 0 || strcmp(filters[i].arg, "todo") == 0)
            out_names(o, d, v, strcmp(filters[i].arg, "todo") == 0);
        else
            out_printf(o, "%s", value_label(filters[i].arg, v));
        any = 1;
    }
    if (any)
        out_printf(o, "\n");
    if (l->n_entries == 0)
        out_printf(o, "\n（没有需要督办的建议）\n");

    size_t e = 0;
    for (size_t u = 0; u < l->n_units && o->rc == PTRACK_OK; u++) {
        char num[24]; /* "九十九", or the digits of any size_t */
        chinese_number(u + 1, num, sizeof(num));
        out_printf(o, "\n%s、%s（%zu 件", num, l->units[u].name, l->units[u].n);
        if (l->units[u].n_overdue)
            out_printf(o, "，逾期 %zu 件", l->units[u].n_overdue);
        out_printf(o, "）\n");
        for (size_t k = 1; e < l->n_entries && l->entries[e].unit == u; e++, k++)
            out_printf(o, "  %zu. %s\n", k, l->entries[e].text);
    }
    out_flush(o);
    rc = o->rc; /* PTRACK_ECANCELED when the client went away */
    free(o);
    list_free(l);
    return rc;
}

static const char *const duban_formats[] = {"duban", NULL};
/* The query parameters duban_export reads with job_arg besides the list
 * filters (which ptrackd takes itself); ptrackd refuses any other. */
static const char *const duban_args[] = {"title", NULL};

static const ptrack_exporter_ops_t duban_exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = duban_formats,
    .export = duban_export,
    .args = duban_args,
};

static const ptrack_plugin_t duban_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_duban",
    .version = "1.0.0",
    .description = "writes a 督办清单: the open proposals per handling unit, with their deadlines",
    .kinds = PTRACK_KIND_EXPORTER,
    .options = duban_options,
    .create = duban_create,
    .destroy = duban_destroy,
    .exporter = &duban_exporter,
};

/* The one exported symbol. */
PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &duban_plugin;
}
