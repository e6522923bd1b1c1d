/*
 * export-shared.c - labels, the flat view of a proposal, tallies, figures,
 * times and strings shared by the report-style exporters (see the header).
 */
#include "export-shared.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Strings ------------------------------------------------------------ */

static int str_reserve(pt_str_t *s, size_t more)
{
    if (s->oom)
        return -1;
    if (s->len + more + 1 <= s->cap)
        return 0;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->len + more + 1)
        cap *= 2;
    char *p = realloc(s->p, cap);
    if (!p) {
        s->oom = 1;
        return -1;
    }
    s->p = p;
    s->cap = cap;
    return 0;
}

void pt_str_clear(pt_str_t *s)
{
    s->len = 0;
    if (s->p)
        s->p[0] = '\0';
}

void pt_str_free(pt_str_t *s)
{
    free(s->p);
    memset(s, 0, sizeof(*s));
}

void pt_str_append(pt_str_t *s, const char *text, size_t len)
{
    if (str_reserve(s, len) != 0)
        return;
    memcpy(s->p + s->len, text, len);
    s->len += len;
    s->p[s->len] = '\0';
}

void pt_str_puts(pt_str_t *s, const char *text)
{
    if (text)
        pt_str_append(s, text, strlen(text));
}

void pt_str_printf(pt_str_t *s, const char *fmt, ...)
{
    char small[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof(small), fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n < sizeof(small)) {
        pt_str_append(s, small, (size_t)n);
        return;
    }
    if (str_reserve(s, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(s->p + s->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    s->len += (size_t)n;
}

const char *pt_str_get(const pt_str_t *s)
{
    return s->p ? s->p : "";
}

/* ---- Labels ---------------------------------------------------------------
 * The default workflow's states (proposals/workflow-default.json), in its
 * order. The plugin ABI gives no access to the active workflow, so this
 * table is a copy: keep it in step with that file. An office that renames
 * or adds states sees their raw names in reports. */
static const pt_state_info_t states[] = {
    {"draft", "草稿", "Draft", 0},
    {"submitted", "已提出", "Submitted", 0},
    {"reviewing", "审查中", "Under review", 0},
    {"filed", "已立案", "Filed", 0},
    {"not_filed", "不予立案", "Not filed", 0},
    {"merged", "并案", "Merged", 0},
    {"converted", "转为意见建议", "Converted to an opinion", 0},
    {"assigned", "已交办", "Assigned", 1},
    {"returned", "退回", "Returned", 1},
    {"handling", "办理中", "Handling", 1},
    {"replied", "已答复", "Replied", 0},
    {"rehandling", "重新办理", "Rehandling", 1},
    {"closed", "办结", "Closed", 0},
    {"withdrawn", "撤回", "Withdrawn", 0},
};
#define N_STATES (sizeof(states) / sizeof(states[0]))

const pt_state_info_t *pt_state_find(const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < N_STATES; i++)
        if (strcmp(states[i].name, name) == 0)
            return &states[i];
    return NULL;
}

const char *pt_state_label(const char *name)
{
    const pt_state_info_t *s = pt_state_find(name);
    return s ? s->zh : name ? name : "";
}

int pt_state_order(const char *name)
{
    const pt_state_info_t *s = pt_state_find(name);
    return s ? (int)(s - states) : (int)N_STATES;
}

const char *pt_kind_label(const char *kind)
{
    static const char *const map[][2] = {
        {"suggestion", "建议"}, {"motion", "议案"}, {"proposal", "提案"}, {"other", "其他"}};
    for (size_t i = 0; kind && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], kind) == 0)
            return map[i][1];
    return kind;
}

const char *pt_satisfaction_label(const char *satisfaction)
{
    static const char *const map[][2] = {
        {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"unsatisfied", "不满意"}};
    for (size_t i = 0; satisfaction && i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(map[i][0], satisfaction) == 0)
            return map[i][1];
    return satisfaction;
}

const char *pt_category_meaning(char category)
{
    /* The categories offices use for a handling result. */
    switch (category) {
    case 'A':
        return "所提问题已经解决或基本解决";
    case 'B':
        return "正在解决或列入计划逐步解决";
    case 'C':
        return "因条件限制需以后解决";
    case 'D':
        return "留作参考";
    default:
        return "";
    }
}

/* ---- Times ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), so that no call depends on the process's zone. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int digits(const char *s, int n, int *out)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return 0;
}

int pt_time_parse(const char *s, int64_t *secs)
{
    int y, mo, d, h = 0, mi = 0, se = 0;
    if (!s || strlen(s) < 10 || digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &mo) ||
        s[7] != '-' || digits(s + 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31)
        return -1;
    const char *p = s + 10;
    int offset = 0;
    if (*p) {
        if ((*p != 'T' && *p != 't' && *p != ' ') || digits(p + 1, 2, &h) || p[3] != ':' ||
            digits(p + 4, 2, &mi) || p[6] != ':' || digits(p + 7, 2, &se))
            return -1;
        p += 9;
        if (*p == '.') {
            p++;
            while (*p >= '0' && *p <= '9')
                p++;
        }
        if (*p == 'Z' || *p == 'z') {
            p++;
        } else if (*p == '+' || *p == '-') {
            int oh, om;
            if (digits(p + 1, 2, &oh) || p[3] != ':' || digits(p + 4, 2, &om))
                return -1;
            offset = (oh * 60 + om) * 60 * (*p == '-' ? -1 : 1);
            p += 6;
        } else {
            return -1;
        }
        if (*p)
            return -1;
    }
    *secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se - offset;
    return 0;
}

int pt_zone_parse(const char *text, pt_zone_t *zone)
{
    zone->fixed = 0;
    zone->offset_sec = 0;
    if (!text || !*text)
        return 0;
    zone->fixed = 1;
    if (strcmp(text, "Z") == 0 || strcmp(text, "UTC") == 0 || strcmp(text, "utc") == 0)
        return 0;
    /* In a query string an unescaped '+' may arrive as a space. */
    if (text[0] != '+' && text[0] != '-' && text[0] != ' ')
        return -1;
    int sign = text[0] == '-' ? -1 : 1, h = 0, m = 0;
    const char *p = text + 1;
    size_t n = strlen(p);
    if (n == 1 || n == 2) {
        if (digits(p, (int)n, &h))
            return -1;
    } else if (n == 4) {
        if (digits(p, 2, &h) || digits(p + 2, 2, &m))
            return -1;
    } else if (n == 5 && p[2] == ':') {
        if (digits(p, 2, &h) || digits(p + 3, 2, &m))
            return -1;
    } else {
        return -1;
    }
    if (h > 14 || m > 59)
        return -1;
    zone->offset_sec = sign * (h * 3600 + m * 60);
    return 0;
}

int pt_zone_offset(const pt_zone_t *zone, int64_t secs)
{
    if (zone->fixed)
        return zone->offset_sec;
    time_t t = (time_t)secs;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return 0;
    return (int)tm.tm_gmtoff;
}

void pt_zone_date(const pt_zone_t *zone, int64_t secs, char buf[16])
{
    /* civil_from_days, the inverse of days_from_civil. */
    int64_t z = secs + pt_zone_offset(zone, secs);
    z = (z >= 0 ? z : z - 86399) / 86400 + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int d = (int)(doy - (153 * mp + 2) / 5 + 1);
    int m = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t y = yoe + era * 400 + (m <= 2);
    snprintf(buf, 16, "%04d-%02d-%02d", (int)(y % 10000), m, d);
}

/* ---- The view -------------------------------------------------------------- */

static void join(pt_str_t *s, const char *item)
{
    if (!item || !*item)
        return;
    if (s->len)
        pt_str_puts(s, "、");
    pt_str_puts(s, item);
}

int pt_view_read(pt_view_t *v, const ptrack_host_t *h, const ptrack_record_t *rec)
{
    pt_str_t lead = v->lead_units, co = v->co_units, signers = v->co_signers;
    memset(v, 0, sizeof(*v));
    v->lead_units = lead;
    v->co_units = co;
    v->co_signers = signers;
    pt_str_clear(&v->lead_units);
    pt_str_clear(&v->co_units);
    pt_str_clear(&v->co_signers);

    v->id = h->rec_get(rec, "id");
    v->number = h->rec_get(rec, "number");
    v->title = h->rec_get(rec, "title");
    v->kind = h->rec_get(rec, "kind");
    v->session = h->rec_get(rec, "session");
    v->delegation = h->rec_get(rec, "delegation");
    v->lead_author = h->rec_get(rec, "lead_author");
    v->category = h->rec_get(rec, "category");
    v->status = h->rec_get(rec, "status");
    v->created_at = h->rec_get(rec, "created_at");
    v->assigned_at = h->rec_get(rec, "assigned_at");
    v->due_at = h->rec_get(rec, "due_at");
    v->updated_at = h->rec_get(rec, "updated_at");
    const char *b = h->rec_get(rec, "overdue");
    v->overdue = b && strcmp(b, "true") == 0;
    b = h->rec_get(rec, "key_supervision");
    v->key_supervision = b && strcmp(b, "true") == 0;

    char path[64];
    v->n_co_signers = h->rec_count(rec, "co_signers");
    for (size_t i = 0; i < v->n_co_signers; i++) {
        snprintf(path, sizeof(path), "co_signers.%zu", i);
        join(&v->co_signers, h->rec_get(rec, path));
    }
    v->n_units = h->rec_count(rec, "units");
    for (size_t i = 0; i < v->n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.role", i);
        const char *role = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        join(role && strcmp(role, "co") == 0 ? &v->co_units : &v->lead_units, name);
    }
    /* The formal answer is the latest reply that is not a supplementary
     * one, as GET /v1/stats counts it. */
    v->n_replies = h->rec_count(rec, "replies");
    for (size_t i = v->n_replies; i > 0; i--) {
        snprintf(path, sizeof(path), "replies.%zu.kind", i - 1);
        const char *kind = h->rec_get(rec, path);
        if (kind && strcmp(kind, "supplementary") == 0)
            continue;
        snprintf(path, sizeof(path), "replies.%zu.unit", i - 1);
        v->reply_unit = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "replies.%zu.doc_no", i - 1);
        v->reply_doc_no = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "replies.%zu.category", i - 1);
        v->reply_category = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "replies.%zu.replied_at", i - 1);
        v->replied_at = h->rec_get(rec, path);
        break;
    }
    size_t n_feedback = h->rec_count(rec, "feedback");
    if (n_feedback) {
        snprintf(path, sizeof(path), "feedback.%zu.satisfaction", n_feedback - 1);
        v->satisfaction = h->rec_get(rec, path);
    }
    if (v->lead_units.oom || v->co_units.oom || v->co_signers.oom)
        return PTRACK_ENOMEM;
    return PTRACK_OK;
}

void pt_view_free(pt_view_t *v)
{
    pt_str_free(&v->lead_units);
    pt_str_free(&v->co_units);
    pt_str_free(&v->co_signers);
}

/* ---- Tallies ---------------------------------------------------------------- */

static size_t hash(const char *s)
{
    size_t h = 1469598103934665603u; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

size_t pt_tallies_find(const pt_tallies_t *t, const char *name)
{
    if (!t->n_slots)
        return (size_t)-1;
    for (size_t i = hash(name) & (t->n_slots - 1);; i = (i + 1) & (t->n_slots - 1)) {
        if (!t->slots[i])
            return (size_t)-1;
        if (strcmp(t->items[t->slots[i] - 1].name, name) == 0)
            return t->slots[i] - 1;
    }
}

static int rehash(pt_tallies_t *t, size_t n_slots)
{
    size_t *slots = calloc(n_slots, sizeof(*slots));
    if (!slots)
        return PTRACK_ENOMEM;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = hash(t->items[k].name) & (n_slots - 1);
        while (slots[i])
            i = (i + 1) & (n_slots - 1);
        slots[i] = k + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return PTRACK_OK;
}

int pt_tallies_add(pt_tallies_t *t, const char *name, size_t *index)
{
    size_t k = pt_tallies_find(t, name);
    if (k == (size_t)-1) {
        /* Keep the table at most half full so that probes stay short. */
        if ((t->n + 1) * 2 > t->n_slots && rehash(t, t->n_slots ? t->n_slots * 2 : 16) != 0)
            return PTRACK_ENOMEM;
        if (t->n == t->cap) {
            size_t cap = t->cap ? t->cap * 2 : 16;
            pt_tally_t *items = realloc(t->items, cap * sizeof(*items));
            if (!items)
                return PTRACK_ENOMEM;
            t->items = items;
            t->cap = cap;
        }
        char *copy = strdup(name);
        if (!copy)
            return PTRACK_ENOMEM;
        k = t->n++;
        t->items[k].name = copy;
        t->items[k].count = 0;
        size_t i = hash(name) & (t->n_slots - 1);
        while (t->slots[i])
            i = (i + 1) & (t->n_slots - 1);
        t->slots[i] = k + 1;
    }
    t->items[k].count++;
    if (index)
        *index = k;
    return PTRACK_OK;
}

void pt_tallies_free(pt_tallies_t *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->items[i].name);
    free(t->items);
    free(t->slots);
    memset(t, 0, sizeof(*t));
}

/* qsort has no context argument in C11: the table being sorted is passed
 * in front of each index instead. */
typedef struct {
    const pt_tallies_t *t;
    size_t i;
} order_item_t;

static int by_count(const void *a, const void *b)
{
    const order_item_t *x = a, *y = b;
    const pt_tally_t *p = &x->t->items[x->i], *q = &y->t->items[y->i];
    if (p->count != q->count)
        return p->count > q->count ? -1 : 1;
    return strcmp(p->name, q->name);
}

static int by_state(const void *a, const void *b)
{
    const order_item_t *x = a, *y = b;
    const pt_tally_t *p = &x->t->items[x->i], *q = &y->t->items[y->i];
    int op = pt_state_order(p->name), oq = pt_state_order(q->name);
    if (op != oq)
        return op < oq ? -1 : 1;
    return strcmp(p->name, q->name);
}

size_t *pt_tallies_order(const pt_tallies_t *t, int count_order)
{
    if (!t->n)
        return NULL;
    order_item_t *items = malloc(t->n * sizeof(*items));
    size_t *out = malloc(t->n * sizeof(*out));
    if (!items || !out) {
        free(items);
        free(out);
        return NULL;
    }
    for (size_t i = 0; i < t->n; i++)
        items[i] = (order_item_t){t, i};
    qsort(items, t->n, sizeof(*items), count_order ? by_count : by_state);
    for (size_t i = 0; i < t->n; i++)
        out[i] = items[i].i;
    free(items);
    return out;
}

/* ---- Figures ------------------------------------------------------------------ */

int pt_figures_add(pt_figures_t *f, const pt_view_t *v, const ptrack_host_t *h,
                   const ptrack_record_t *rec)
{
    f->total++;
    f->overdue += v->overdue;
    f->key_supervision += v->key_supervision;
    if (v->assigned_at) {
        f->assigned++;
        f->replied += v->n_replies > 0;
    }
    if (v->satisfaction) {
        f->rated++;
        f->satisfied += strcmp(v->satisfaction, "satisfied") == 0 ||
                        strcmp(v->satisfaction, "basically_satisfied") == 0;
    }
    if (v->reply_category && v->reply_category[0] >= 'A' && v->reply_category[0] <= 'D' &&
        !v->reply_category[1])
        f->categories[v->reply_category[0] - 'A']++;
    if (pt_tallies_add(&f->by_status, v->status ? v->status : "", NULL) != PTRACK_OK)
        return PTRACK_ENOMEM;
    /* By unit: every unit a proposal is assigned to counts it once, as the
     * proposal_units rows of GET /v1/stats do. */
    char path[64];
    for (size_t i = 0; i < v->n_units; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = h->rec_get(rec, path);
        if (name && *name && pt_tallies_add(&f->by_unit, name, NULL) != PTRACK_OK)
            return PTRACK_ENOMEM;
    }
    return PTRACK_OK;
}

void pt_figures_free(pt_figures_t *f)
{
    pt_tallies_free(&f->by_status);
    pt_tallies_free(&f->by_unit);
}

void pt_rate_text(int64_t num, int64_t den, char buf[16])
{
    if (den <= 0)
        snprintf(buf, 16, "—");
    else
        snprintf(buf, 16, "%.1f%%", 100.0 * (double)num / (double)den);
}

/* ---- UTF-8 ---------------------------------------------------------------------- */

static int wide(uint32_t c)
{
    return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0x303E) ||
           (c >= 0x3041 && c <= 0x33FF) || (c >= 0x3400 && c <= 0x4DBF) ||
           (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0xA000 && c <= 0xA4CF) ||
           (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
           (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
           (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x20000 && c <= 0x3FFFD);
}

size_t pt_utf8_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (p && *p) {
        uint32_t c = *p;
        int n = c < 0x80 ? 0 : c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (n)
            c &= 0x3Fu >> n;
        p++;
        for (; n > 0 && (*p & 0xC0) == 0x80; n--, p++)
            c = (c << 6) | (*p & 0x3F);
        w += wide(c) ? 2 : 1;
    }
    return w;
}

size_t pt_utf8_prefix(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return n;
    /* Back up over continuation bytes to the start of the cut sequence. */
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}
