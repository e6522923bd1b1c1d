/*
 * notify-text.c - the notifiers' shared text helpers (notify-text.h).
 */
#include "notify-text.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void nt_buf_add(nt_buf_t *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 512;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->s, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->s = p;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void nt_buf_puts(nt_buf_t *b, const char *s)
{
    nt_buf_add(b, s, strlen(s));
}

void nt_buf_printf(nt_buf_t *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *tmp = n >= 0 ? malloc((size_t)n + 1) : NULL;
    if (!tmp) {
        b->oom = true;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(tmp, (size_t)n + 1, fmt, ap);
    va_end(ap);
    nt_buf_add(b, tmp, (size_t)n);
    free(tmp);
}

void nt_buf_free(nt_buf_t *b)
{
    free(b->s);
    memset(b, 0, sizeof(*b));
}

static const char *const state_zh[][2] = {
    {"draft", "草稿"},
    {"submitted", "已提出"},
    {"reviewing", "审查中"},
    {"filed", "已立案"},
    {"not_filed", "不予立案"},
    {"merged", "并案"},
    {"converted", "转为意见建议"},
    {"assigned", "已交办"},
    {"returned", "退回"},
    {"handling", "办理中"},
    {"replied", "已答复"},
    {"rehandling", "重新办理"},
    {"closed", "办结"},
    {"withdrawn", "撤回"},
};

static const char *const action_zh[][2] = {
    {"submit", "提交"},        {"review", "审查"},      {"file", "立案"},
    {"reject", "不予立案"},    {"merge", "并案"},       {"convert", "转为意见建议"},
    {"assign", "交办"},        {"sign", "签收"},        {"return", "退回"},
    {"reassign", "重新交办"},  {"opinion", "协办意见"}, {"extend", "延期"},
    {"reply", "答复"},         {"feedback", "评价"},    {"close", "办结"},
    {"follow_up", "补充答复"}, {"reopen", "重新办理"},  {"withdraw", "撤回"},
    {"supervise", "督办"},
};

static const char *label(const char *const (*table)[2], size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(table[i][0], name) == 0)
            return table[i][1];
    return name;
}

const char *nt_state_zh(const char *name)
{
    return label(state_zh, sizeof(state_zh) / sizeof(state_zh[0]), name);
}

const char *nt_action_zh(const char *name)
{
    return label(action_zh, sizeof(action_zh) / sizeof(action_zh[0]), name);
}

const char *nt_role_zh(const char *role)
{
    if (!role)
        return "承办";
    if (strcmp(role, "lead") == 0)
        return "主办";
    if (strcmp(role, "co") == 0)
        return "协办";
    if (strcmp(role, "separate") == 0)
        return "分办";
    return role;
}

void nt_local_time(const char *rfc3339, const char *fmt, char *out, size_t size)
{
    struct tm tm = {0};
    int y, mo, d, h, mi, s;
    if (sscanf(rfc3339, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &s) == 6) {
        tm.tm_year = y - 1900;
        tm.tm_mon = mo - 1;
        tm.tm_mday = d;
        tm.tm_hour = h;
        tm.tm_min = mi;
        tm.tm_sec = s;
        time_t t = timegm(&tm);
        struct tm local;
        if (t != (time_t)-1 && localtime_r(&t, &local) && strftime(out, size, fmt, &local))
            return;
    }
    snprintf(out, size, "%s", rfc3339);
}

/* Proposals named per unit in a digest; the rest are counted. */
#define DIGEST_NAMED 5

static void digest_part(nt_buf_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                        const char *name, const char *heading, const char *quote, const char *eol)
{
    char path[96];
    snprintf(path, sizeof(path), "data.%s_count", name);
    const char *total = h->rec_get(rec, path);
    nt_buf_printf(b, "%s：共 %s 件%s", heading, total ? total : "0", eol);
    snprintf(path, sizeof(path), "data.%s", name);
    size_t units = h->rec_count(rec, path);
    for (size_t u = 0; u < units; u++) {
        snprintf(path, sizeof(path), "data.%s.%zu.unit", name, u);
        const char *unit = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "data.%s.%zu.count", name, u);
        const char *count = h->rec_get(rec, path);
        nt_buf_printf(b, "%s%s（%s 件）：", quote, unit ? unit : "", count ? count : "0");
        snprintf(path, sizeof(path), "data.%s.%zu.items", name, u);
        size_t n = h->rec_count(rec, path);
        for (size_t i = 0; i < n && i < DIGEST_NAMED; i++) {
            snprintf(path, sizeof(path), "data.%s.%zu.items.%zu.number", name, u, i);
            const char *number = h->rec_get(rec, path);
            snprintf(path, sizeof(path), "data.%s.%zu.items.%zu.title", name, u, i);
            const char *title = h->rec_get(rec, path);
            snprintf(path, sizeof(path), "data.%s.%zu.items.%zu.due_at", name, u, i);
            const char *due = h->rec_get(rec, path);
            char date[32] = "";
            if (due)
                nt_local_time(due, "%m-%d", date, sizeof(date));
            nt_buf_printf(b, "%s%s%s%s（%s）", i ? "；" : "", number ? number : "",
                          number ? " " : "", title ? title : "", date);
        }
        if (n > DIGEST_NAMED)
            nt_buf_printf(b, "等 %zu 件", n);
        nt_buf_puts(b, eol);
    }
}

void nt_digest_text(nt_buf_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                    const char *quote, const char *eol)
{
    digest_part(b, h, rec, "overdue", "超期未答复", quote, eol);
    digest_part(b, h, rec, "due_this_week", "七日内到期", quote, eol);
}
