/*
 * digest-text.c - the body of a daily digest, and of a restored store's
 * event, in a notifier's message (see digest-text.h).
 */
#include "digest-text.h"

#include <stdio.h>
#include <stdlib.h>

#include "times.h"

/* Proposals named per unit in a digest; the rest are counted. */
#define DIGEST_NAMED 5

/* How a text of the record goes in: pt_str_line or pt_str_md_line. */
typedef void line_fn(pt_str_t *s, const char *text);

static void digest_part(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                        const char *name, const char *heading, const char *quote, const char *eol,
                        line_fn *line)
{
    char path[96];
    snprintf(path, sizeof(path), "data.%s_count", name);
    const char *total = h->rec_get(rec, path);
    pt_str_printf(b, "%s：共 %s 件%s", heading, total ? total : "0", eol);
    snprintf(path, sizeof(path), "data.%s", name);
    size_t units = h->rec_count(rec, path);
    for (size_t u = 0; u < units; u++) {
        snprintf(path, sizeof(path), "data.%s.%zu.unit", name, u);
        const char *unit = h->rec_get(rec, path);
        snprintf(path, sizeof(path), "data.%s.%zu.count", name, u);
        const char *count = h->rec_get(rec, path);
        pt_str_puts(b, quote);
        line(b, unit ? unit : "");
        pt_str_printf(b, "（%s 件）：", count ? count : "0");
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
                pt_local_time(h, due, PT_LOCAL_MONTH_DAY, date, sizeof(date));
            pt_str_puts(b, i ? "；" : "");
            if (number) {
                line(b, number);
                pt_str_puts(b, " ");
            }
            line(b, title ? title : "");
            pt_str_printf(b, "（%s）", date);
        }
        if (n > DIGEST_NAMED)
            pt_str_printf(b, "等 %zu 件", n);
        pt_str_puts(b, eol);
    }
}

static void digest(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                   const char *quote, const char *eol, line_fn *line)
{
    digest_part(b, h, rec, "overdue", "超期未答复", quote, eol, line);
    digest_part(b, h, rec, "due_this_week", "七日内到期", quote, eol, line);
}

void pt_digest_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                    const char *quote, const char *eol)
{
    digest(b, h, rec, quote, eol, pt_str_line);
}

void pt_digest_md_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                       const char *quote, const char *eol)
{
    digest(b, h, rec, quote, eol, pt_str_md_line);
}

void pt_restored_text(pt_str_t *b, const ptrack_host_t *h, const ptrack_record_t *rec,
                      const char *quote, const char *eol)
{
    const char *kept = h->rec_get(rec, "data.last_kept");
    const char *given = h->rec_get(rec, "data.last_given");
    long long first = kept ? strtoll(kept, NULL, 10) + 1 : 0;
    pt_str_puts(b, quote);
    if (first > 0 && given)
        pt_str_printf(b,
                      "第 %lld 至第 %s 号动态不在恢复后的数据中：其间登记和办理的建议请核对，"
                      "缺少的请重新录入。",
                      first, given);
    else
        pt_str_puts(b, "备份之后的动态不在恢复后的数据中：其间登记和办理的建议请核对，"
                       "缺少的请重新录入。");
    pt_str_puts(b, eol);
}
