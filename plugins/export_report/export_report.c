/*
 * export_report.c - the "md" and "html" exporters: a report an office can
 * hand out. A title and the date, the export's filters, the figures (as
 * GET /v1/stats counts them, over the exported proposals), then the
 * proposals grouped by status (the default) or by handling unit, each with
 * its number, title, delegation, lead author, units, deadline, an overdue
 * mark and the reply category. Statuses are shown by their Chinese labels.
 * Grouped by unit, the overdue mark is the unit's own: under a unit that
 * has answered its part (in separate mode, replied while others have not;
 * a co unit, given its opinion) a late proposal is not marked late. The
 * reply category (办理结果) is shown once the proposal is answered, as the
 * figures count it; grouped by unit, a separate-mode proposal shows under
 * each unit that unit's own.
 *
 * The Markdown is GitHub-flavoured (pipe tables). The HTML is one
 * self-contained page: inline CSS, no scripts, no outside resources, and a
 * print style that starts each group on a new page and repeats table
 * headers across pages. Text without spaces (a URL, a long number) breaks
 * anywhere, so that it stays on the page; a date and the mark 超期 stay on
 * one line.
 *
 * Grouping needs every proposal before the first group can be written, and
 * export_next gives one pass. So each proposal's table row is rendered as
 * it streams past and appended to an anonymous temporary file (made with
 * mkstemp under $TMPDIR or /tmp and unlinked at once), and memory keeps only
 * an index entry per (proposal, group): 16 bytes, the group's number and the
 * row's place in the file. The groups are then written in order by reading
 * their rows back. Memory is thus bounded by 16 bytes x proposals x groups
 * per proposal (one for status; one per unit for unit), 3.2 MB for 200,000
 * proposals grouped by status, plus the figures' tallies, which grow with
 * the number of distinct states and units only.
 *
 * The proposals are named by their kind, in the default title, the
 * figures and what says there are none: 提案 when every one is a CPPCC
 * proposal (提案办理情况报告, 提案总数), 议案 when every one is a motion,
 * else 建议 (pt_figures_noun).
 *
 * Query arguments: title (default 建议办理情况报告), group (status or unit),
 * tz (the zone dates are shown in, "+08:00"; default the daemon's local
 * zone).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <ptrack/plugin.h>

#include "figures.h"
#include "labels.h"
#include "plugin-state.h"
#include "record-walk.h"
#include "strbuf.h"
#include "temp-file.h"
#include "times.h"

/* The default title: the proposals' word (pt_figures_noun) and this. */
#define DEFAULT_TITLE "办理情况报告"
/* Output is handed to job_write in pieces of about this size. */
#define FLUSH_AT (32 * 1024)

/* Where one row of one group lies in the spool file. */
typedef struct {
    uint32_t group; /* index in run_t.groups */
    uint32_t len;
    uint64_t offset;
} entry_t;

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    pt_wf_t wf; /* the running workflow's state labels and order */
    int html;
    int by_unit;
    pt_zone_t zone;
    pt_str_t out;    /* output not yet written */
    pt_str_t row;    /* the row being rendered */
    int spool;       /* the spool file's descriptor, -1 before it is made */
    const char *dir; /* the directory it is made in */
    uint64_t spool_len;
    entry_t *entries;
    size_t n_entries, cap_entries;
    pt_tallies_t groups; /* status names or unit names; "" for no unit */
    pt_view_t view;
    pt_figures_t fig;
    int rc;
} run_t;

/* ---- Escaping and the document's pieces ------------------------------------ */

/* The length of the noncharacter (U+FDD0..U+FDEF, or U+FFFE and U+FFFF of
 * any plane) that p starts with in UTF-8, or 0. HTML takes none of them. */
static size_t nonchar_len(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == 0xEF && u[1] == 0xB7 && u[2] >= 0x90 && u[2] <= 0xAF)
        return 3;
    if (u[0] == 0xEF && u[1] == 0xBF && (u[2] == 0xBE || u[2] == 0xBF))
        return 3;
    if (u[0] >= 0xF0 && u[0] <= 0xF4 && u[1] && (u[1] & 0x0F) == 0x0F && u[2] == 0xBF &&
        (u[3] == 0xBE || u[3] == 0xBF))
        return 4;
    return 0;
}

/* The length of the bidirectional formatting character (U+061C, U+200E, U+200F,
 * U+202A..U+202E, U+2066..U+2069) that p starts with in UTF-8, or 0. One
 * in a title turns what follows it around: in HTML the rest of its cell
 * (关于<U+202E>加强农村公路管理的建议 reads 关于议建的理管路公村农强加),
 * in Markdown read as text the rest of its table row, deadline and all.
 * Chinese text needs none of them, and ptrack's tables drop them too. */
static size_t bidi_len(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    if (u[0] == 0xD8 && u[1] == 0x9C)
        return 2;
    if (u[0] != 0xE2 || !u[1])
        return 0;
    if (u[1] == 0x80 && (u[2] == 0x8E || u[2] == 0x8F || (u[2] >= 0xAA && u[2] <= 0xAE)))
        return 3;
    if (u[1] == 0x81 && u[2] >= 0xA6 && u[2] <= 0xA9)
        return 3;
    return 0;
}

/* Appends text escaped for the output. In HTML the five special characters
 * become entities and control characters and noncharacters (not allowed in
 * HTML text) spaces.
 * In Markdown every ASCII punctuation mark that could start markup is
 * escaped with a backslash (CommonMark allows it for any of them), `|` of
 * course, which would end a table cell, and line breaks and other control
 * characters become spaces so that a cell stays on its row. `#` starts a
 * heading only at the start of a line, where no escaped text is put, and
 * is left alone elsewhere (a proposal without a number is #12 in its row);
 * but in a heading's text, `hashes`, it is escaped: at the end of a
 * heading a run of them after a space is its closing sequence, which is
 * not shown (a report titled 第一季度报告 # would be headed 第一季度报告,
 * and one titled # would have an empty heading). In both, the
 * bidirectional formatting characters are dropped (bidi_len). */
static void esc_as(const run_t *r, pt_str_t *s, const char *text, int hashes)
{
    if (!text)
        return;
    const char *start = text;
    for (const char *p = text; *p; p++) {
        const char *rep = NULL;
        size_t len = 1; /* of what rep replaces */
        char two[3] = {'\\', *p, '\0'};
        if (bidi_len(p)) {
            rep = "";
            len = bidi_len(p);
        } else if (r->html) {
            switch (*p) {
            case '&':
                rep = "&amp;";
                break;
            case '<':
                rep = "&lt;";
                break;
            case '>':
                rep = "&gt;";
                break;
            case '"':
                rep = "&quot;";
                break;
            case '\'':
                rep = "&#39;";
                break;
            default:
                /* Control characters and noncharacters are not allowed
                 * in HTML text. */
                if (((unsigned char)*p < 0x20 && !strchr("\t\n\r", *p)) || *p == 0x7F) {
                    rep = " ";
                } else if (nonchar_len(p)) {
                    rep = " ";
                    len = nonchar_len(p);
                }
                break;
            }
        } else {
            if (strchr("\\`*_[]<>|~&", *p) || (hashes && *p == '#'))
                rep = two;
            else if ((unsigned char)*p < 0x20 || *p == 0x7F)
                rep = " ";
        }
        if (rep) {
            pt_str_append(s, start, (size_t)(p - start));
            pt_str_puts(s, rep);
            p += len - 1;
            start = p + 1;
        }
    }
    pt_str_puts(s, start);
}

static void esc(const run_t *r, pt_str_t *s, const char *text)
{
    esc_as(r, s, text, 0);
}

/* A heading; in HTML of the class cls (NULL: none). */
static void heading(run_t *r, int level, const char *cls, const char *text)
{
    if (r->html) {
        if (cls)
            pt_str_printf(&r->out, "<h%d class=\"%s\">", level, cls);
        else
            pt_str_printf(&r->out, "<h%d>", level);
        esc(r, &r->out, text);
        pt_str_printf(&r->out, "</h%d>\n", level);
    } else {
        pt_str_printf(&r->out, "\n%.*s ", level, "######");
        esc_as(r, &r->out, text, 1);
        pt_str_puts(&r->out, "\n");
    }
}

static void para(run_t *r, const char *cls, const char *text)
{
    if (r->html) {
        pt_str_printf(&r->out, "<p class=\"%s\">", cls);
        esc(r, &r->out, text);
        pt_str_puts(&r->out, "</p>\n");
    } else {
        pt_str_puts(&r->out, "\n");
        esc(r, &r->out, text);
        pt_str_puts(&r->out, "\n");
    }
}

/* A table's head; `numeric` marks the columns aligned right. */
static void table_begin(run_t *r, const char *cls, const char *const *heads, size_t n,
                        unsigned numeric)
{
    if (r->html) {
        pt_str_printf(&r->out, "<table class=\"%s\">\n<thead><tr>", cls);
        for (size_t i = 0; i < n; i++) {
            pt_str_puts(&r->out, numeric & (1u << i) ? "<th class=\"num\">" : "<th>");
            esc(r, &r->out, heads[i]);
            pt_str_puts(&r->out, "</th>");
        }
        pt_str_puts(&r->out, "</tr></thead>\n<tbody>\n");
    } else {
        pt_str_puts(&r->out, "\n|");
        for (size_t i = 0; i < n; i++) {
            pt_str_puts(&r->out, " ");
            esc(r, &r->out, heads[i]);
            pt_str_puts(&r->out, " |");
        }
        pt_str_puts(&r->out, "\n|");
        for (size_t i = 0; i < n; i++)
            pt_str_puts(&r->out, numeric & (1u << i) ? " ---: |" : " --- |");
        pt_str_puts(&r->out, "\n");
    }
}

/* A table's row; in HTML the row may have a class, the cell at `mark`
 * (-1: none) the class "mark", and those of the columns in `keep` the
 * class "keep" (kept on one line, as the mark is). */
static void table_row(const run_t *r, pt_str_t *s, const char *cls, const char *const *cells,
                      size_t n, unsigned numeric, unsigned keep, int mark)
{
    if (r->html) {
        if (cls)
            pt_str_printf(s, "<tr class=\"%s\">", cls);
        else
            pt_str_puts(s, "<tr>");
        for (size_t i = 0; i < n; i++) {
            pt_str_puts(s, (int)i == mark        ? "<td class=\"mark\">"
                           : numeric & (1u << i) ? "<td class=\"num\">"
                           : keep & (1u << i)    ? "<td class=\"keep\">"
                                                 : "<td>");
            esc(r, s, cells[i]);
            pt_str_puts(s, "</td>");
        }
        pt_str_puts(s, "</tr>\n");
    } else {
        pt_str_puts(s, "|");
        for (size_t i = 0; i < n; i++) {
            pt_str_puts(s, " ");
            esc(r, s, cells[i] && *cells[i] ? cells[i] : " ");
            pt_str_puts(s, " |");
        }
        pt_str_puts(s, "\n");
    }
}

static void table_end(run_t *r)
{
    if (r->html)
        pt_str_puts(&r->out, "</tbody>\n</table>\n");
}

static int flush(run_t *r, int force)
{
    if (r->rc != PTRACK_OK)
        return r->rc;
    if (r->out.oom) {
        r->h->set_error(r->job, "out of memory");
        return r->rc = PTRACK_ENOMEM;
    }
    if (r->out.len && (force || r->out.len >= FLUSH_AT)) {
        r->rc = r->h->job_write(r->job, r->out.p, r->out.len);
        pt_str_clear(&r->out);
    }
    return r->rc;
}

/* ---- The parts of the report ------------------------------------------------- */

static const char css[] =
    "body{font-family:\"Noto Sans CJK SC\",\"Source Han Sans SC\",\"PingFang SC\","
    "\"Microsoft YaHei\",\"SimSun\",sans-serif;margin:2em;color:#111;line-height:1.5}\n"
    "h1{text-align:center;font-size:1.6em;margin-bottom:.2em}\n"
    "p.date,p.filters{text-align:center;color:#444;margin:.2em}\n"
    "h2{border-bottom:2px solid #333;padding-bottom:.2em;margin-top:1.5em}\n"
    "table{border-collapse:collapse;width:100%;margin:.6em 0 1.2em;font-size:.92em}\n"
    "table.figures{width:auto;min-width:40%}\n"
    "th,td{border:1px solid #555;padding:.25em .5em;vertical-align:top;text-align:left}\n"
    /* Text without a place to break (a URL, a long number, a document
     * number) breaks anywhere rather than running past the page's edge,
     * on screen and in print alike: outside @media, so both take it.
     * word-break:break-word does the same for table cells in engines that
     * lack overflow-wrap:anywhere (Safari before 15.4), where
     * overflow-wrap:break-word alone would widen the table instead. */
    "body,h1,h2,h3,p,th,td{overflow-wrap:anywhere}\n"
    "th,td{word-break:break-word}\n"
    "th{background:#eee}\n"
    "td.num,th.num{text-align:right;white-space:nowrap}\n"
    /* A date and the mark 超期 stay on one line. Breaking anywhere (above)
     * lets a cell be as narrow as one character, and a table too wide for
     * the page, as long titles and units make it, takes the width it
     * lacks from every column in proportion: 2026-06-30 would print as
     * 2026-0 over 6-30. */
    "td.keep,td.mark{white-space:nowrap}\n"
    "tr.overdue td{background:#fdecea}\n"
    "tr.overdue td.mark{color:#b00020;font-weight:bold}\n"
    "p.empty{color:#666}\n"
    /* In print each group starts a page, and so does the part they are
     * in, whose heading the first group follows on that page: a break
     * before the first group would leave the heading alone at the foot
     * of the figures' page, as a forced break wins over h2's
     * break-after:avoid. */
    /* On A4, the paper of every office here, whatever the browser's
     * locale would give (US Letter cuts the foot of each page). */
    "@page{size:A4;margin:18mm 15mm}\n"
    "@media print{body{margin:0;font-size:10.5pt}"
    "h2.groups,section.group{break-before:page;page-break-before:always}"
    "h2.groups+section.group{break-before:auto;page-break-before:auto}"
    "thead{display:table-header-group}"
    "tr{break-inside:avoid;page-break-inside:avoid}"
    "h2,h3{break-after:avoid;page-break-after:avoid}"
    "th{background:#eee;-webkit-print-color-adjust:exact;print-color-adjust:exact}}\n";

static void begin_document(run_t *r, const char *title, const char *date, const char *filters)
{
    if (r->html) {
        pt_str_puts(&r->out, "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n"
                             "<meta charset=\"utf-8\">\n"
                             /* Opened on a phone (a file passed on in a
                              * chat), the page is laid out as wide as the
                              * screen, not as a desktop page shrunk. */
                             "<meta name=\"viewport\" content=\"width=device-width, "
                             "initial-scale=1\">\n<title>");
        esc(r, &r->out, title);
        pt_str_puts(&r->out, "</title>\n<style>\n");
        pt_str_puts(&r->out, css);
        pt_str_puts(&r->out, "</style>\n</head>\n<body>\n");
        heading(r, 1, NULL, title);
    } else {
        pt_str_puts(&r->out, "# ");
        esc_as(r, &r->out, title, 1);
        pt_str_puts(&r->out, "\n");
    }
    char line[64];
    snprintf(line, sizeof(line), "生成日期：%s", date);
    para(r, "date", line);
    if (filters && *filters)
        para(r, "filters", filters);
}

static void end_document(run_t *r)
{
    if (r->html)
        pt_str_puts(&r->out, "</body>\n</html>\n");
}

/* A part a unit still has to do (the todo filter), in words. */
static const char *todo_label(const char *part)
{
    static const char *const labels[][2] = {
        {"sign", "签收"}, {"opinion", "协办意见"}, {"reply", "答复"}};
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(part, labels[i][0]) == 0)
            return labels[i][1];
    return part;
}

/* Whether the n bytes at item, an item of the comma-separated list,
 * stand earlier in it as an item of their own. */
static int listed_before(const char *list, const char *item, size_t n)
{
    for (const char *p = list; p < item; p++) {
        size_t m = strcspn(p, ",");
        if (m == n && memcmp(p, item, n) == 0)
            return 1;
        p += m;
    }
    return 0;
}

/* The export's filters, in words ("状态：办理中；承办单位：山西省水利厅；
 * 待办：答复"), so that a reader knows what the figures cover. */
static void describe_filters(run_t *r, pt_str_t *s)
{
    static const char *const names[][2] = {
        {"status", "状态"},
        {"kind", "类型"},
        {"session", "届次"},
        {"number", "编号"},
        {"delegation", "代表团"},
        {"unit", "承办单位"},
        {"todo", "待办"},
        {"category", "类别"},
        {"tag", "标签"},
        {"q", "关键词"},
        {"key_supervision", "重点督办"},
        {"overdue", "超期"},
        {"due_before", "期限早于"},
        {"person", "代表"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        const char *v = r->h->job_arg(r->job, names[i][0]);
        if (!v || !*v)
            continue;
        int todo = strcmp(names[i][0], "todo") == 0;
        if (todo || strcmp(names[i][0], "status") == 0) {
            /* One state (part) or several, comma-separated: their labels,
             * 、-joined, each once (status=assigned,assigned is 已交办). */
            pt_str_printf(s, "%s%s：", s->len ? "；" : "筛选条件：", names[i][1]);
            for (const char *c = v; *c; c += *c == ',') {
                char item[80];
                size_t n = strcspn(c, ",");
                if (listed_before(v, c, n)) {
                    c += n;
                    continue;
                }
                /* ptrackd has checked each one: a state's name is at most
                 * 64 bytes, a part one of three. One longer than item
                 * holds is neither, and is its own label: written whole. */
                if (n >= sizeof(item)) {
                    pt_str_printf(s, "%s%.*s", c == v ? "" : "、", (int)n, c);
                } else {
                    snprintf(item, sizeof(item), "%.*s", (int)n, c);
                    pt_str_printf(s, "%s%s", c == v ? "" : "、",
                                  todo ? todo_label(item) : pt_wf_state_label(&r->wf, item));
                }
                c += n;
            }
            continue;
        }
        char when[64], instant[40];
        if (strcmp(names[i][0], "kind") == 0) {
            v = pt_kind_label(v);
        } else if (strcmp(names[i][0], "due_before") == 0) {
            /* In the report's zone, as the rest of the report reads,
             * not in the offset the request was written in: before
             * 2026-06-30T16:00:00Z reads 2026-07-01 00:00:00+08:00 in
             * Beijing. A bare date is its midnight UTC to the API, so it
             * is shown as that instant too (2026-07-01 08:00:00+08:00):
             * shown as the date, it would read as the zone's midnight,
             * and the rows would show deadlines of that date inside it. */
            const char *at = v;
            if (strlen(v) == 10) {
                snprintf(instant, sizeof(instant), "%sT00:00:00Z", v);
                at = instant;
            }
            pt_zone_time(r->h, &r->zone, at, when, sizeof(when));
            v = when;
        } else if (strcmp(names[i][0], "key_supervision") == 0 ||
                   strcmp(names[i][0], "overdue") == 0) {
            /* As the API takes a boolean: true, false, 1, 0. */
            v = strcmp(v, "true") == 0 || strcmp(v, "1") == 0 ? "是" : "否";
        }
        pt_str_printf(s, "%s%s：%s", s->len ? "；" : "筛选条件：", names[i][1], v);
    }
}

static void figure_row(run_t *r, const char *label, const char *value)
{
    const char *cells[2] = {label, value};
    table_row(r, &r->out, NULL, cells, 2, 2u, 0, -1);
}

static void figure_count(run_t *r, const char *label, int64_t n)
{
    char num[32];
    snprintf(num, sizeof(num), "%lld", (long long)n);
    figure_row(r, label, num);
}

static void figure_rate(run_t *r, const char *label, int64_t num, int64_t den)
{
    char text[16], full[64];
    pt_rate_text(num, den, text);
    if (den > 0)
        snprintf(full, sizeof(full), "%s（%lld/%lld）", text, (long long)num, (long long)den);
    else
        snprintf(full, sizeof(full), "%s", text);
    figure_row(r, label, full);
}

static int write_figures(run_t *r)
{
    const pt_figures_t *f = &r->fig;
    static const char *const kv[] = {"项目", "数值"};
    heading(r, 2, NULL, "统计");
    table_begin(r, "figures", kv, 2, 2u);
    pt_figure_line_t lines[PT_SUMMARY_LINES];
    pt_figures_summary(f, lines);
    for (size_t i = 0; i < PT_SUMMARY_LINES; i++) {
        if (lines[i].den < 0)
            figure_count(r, lines[i].label, lines[i].num);
        else
            figure_rate(r, lines[i].label, lines[i].num, lines[i].den);
    }
    table_end(r);

    static const char *const by_status[] = {"状态", "件数"};
    heading(r, 3, NULL, "按状态");
    size_t *order = NULL;
    if (!f->by_status.n) {
        /* No table of a head and no rows: an export that matches nothing
         * (nothing overdue) is a common report too. */
        pt_str_t none = {0};
        pt_str_printf(&none, "（没有符合条件的%s）", pt_figures_noun(f));
        para(r, "empty", none.oom ? "" : pt_str_get(&none));
        pt_str_free(&none);
    } else {
        table_begin(r, "figures", by_status, 2, 2u);
        order = pt_tallies_order(&f->by_status, 0, &r->wf);
        if (!order)
            return PTRACK_ENOMEM;
        for (size_t i = 0; i < f->by_status.n; i++)
            figure_count(r, pt_wf_state_label(&r->wf, f->by_status.items[order[i]].name),
                         f->by_status.items[order[i]].count);
        free(order);
        table_end(r);
    }

    static const char *const by_unit[] = {"承办单位", "件数"};
    heading(r, 3, NULL, "按承办单位");
    if (!f->by_unit.n) {
        pt_str_t none = {0};
        pt_str_printf(&none, "（尚无交办的%s）", pt_figures_noun(f));
        para(r, "empty", none.oom ? "" : pt_str_get(&none));
        pt_str_free(&none);
    } else {
        table_begin(r, "figures", by_unit, 2, 2u);
        order = pt_tallies_order(&f->by_unit, 1, &r->wf);
        if (!order)
            return PTRACK_ENOMEM;
        for (size_t i = 0; i < f->by_unit.n; i++)
            figure_count(r, f->by_unit.items[order[i]].name, f->by_unit.items[order[i]].count);
        free(order);
        table_end(r);
    }

    static const char *const cats[] = {"办理结果", "件数"};
    heading(r, 3, NULL, "办理结果");
    table_begin(r, "figures", cats, 2, 2u);
    for (int c = 0; c < 4; c++) {
        char label[96];
        pt_category_label((char)('A' + c), label, sizeof(label));
        figure_count(r, label, f->categories[c]);
    }
    table_end(r);
    return flush(r, 0);
}

/* The fields of a group's table, headed by their brief labels. Grouped by
 * unit, a proposal's status is its own column; grouped by status, the
 * group says it. */
static const char *const row_fields[] = {"number",      "title",          "delegation",
                                         "lead_author", "unit",           "due_at",
                                         "overdue",     "reply_category", "status"};
#define COL_DUE 5
#define COL_OVERDUE 6
/* The columns kept on one line, printed too (see css): the date; and the
 * overdue mark, a cell of the class "mark". */
#define KEEP_COLUMNS (1u << COL_DUE)
#define ROW_COLUMNS_STATUS 8
#define ROW_COLUMNS_UNIT 9

static size_t row_columns(const run_t *r)
{
    return r->by_unit ? ROW_COLUMNS_UNIT : ROW_COLUMNS_STATUS;
}

/* Renders the current proposal's row into r->row, with result as its
 * 办理结果 (NULL: none yet). */
static void render_row(run_t *r, const char *result)
{
    const pt_view_t *v = &r->view;
    pt_str_t units = {0};
    if (v->lead_units.len)
        pt_str_printf(&units, "%s：%s", pt_role_label(v->separate ? "separate" : "lead"),
                      pt_str_get(&v->lead_units));
    if (v->co_units.len)
        pt_str_printf(&units, "%s%s：%s", units.len ? "；" : "", pt_role_label("co"),
                      pt_str_get(&v->co_units));
    char due[16] = "";
    int64_t ms;
    if (pt_time_read(r->h, v->due_at, &ms) == 0)
        pt_zone_date(r->h, &r->zone, ms, due);
    /* A proposal without an office number is named by its id. */
    pt_str_t number = {0};
    if (v->number && *v->number)
        pt_str_puts(&number, v->number);
    else
        pt_str_printf(&number, "#%s", v->id ? v->id : "?");
    const char *cells[ROW_COLUMNS_UNIT] = {
        pt_str_get(&number),
        v->title,
        v->delegation,
        v->lead_author,
        units.len ? pt_str_get(&units) : "—",
        due[0] ? due : (v->due_at ? v->due_at : ""),
        v->overdue ? "超期" : "",
        result,
        pt_wf_state_label(&r->wf, v->status),
    };
    pt_str_clear(&r->row);
    table_row(r, &r->row, v->overdue ? "overdue" : NULL, cells, row_columns(r), 0, KEEP_COLUMNS,
              v->overdue ? COL_OVERDUE : -1);
    if (units.oom || number.oom)
        r->row.oom = 1;
    pt_str_free(&units);
    pt_str_free(&number);
}

static int add_entry(run_t *r, const char *group, uint64_t offset, uint32_t len)
{
    size_t g;
    if (pt_tallies_add(&r->groups, group, &g) != PTRACK_OK)
        return PTRACK_ENOMEM;
    if (r->n_entries == r->cap_entries) {
        size_t cap = r->cap_entries ? r->cap_entries * 2 : 1024;
        entry_t *e = realloc(r->entries, cap * sizeof(*e));
        if (!e)
            return PTRACK_ENOMEM;
        r->entries = e;
        r->cap_entries = cap;
    }
    r->entries[r->n_entries++] = (entry_t){(uint32_t)g, len, offset};
    return PTRACK_OK;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Renders the current proposal's row, with result as its 办理结果, into
 * the spool; its place and length in *offset and *len. */
static int spool_render(run_t *r, const char *result, uint64_t *offset, uint32_t *len)
{
    render_row(r, result);
    if (r->row.oom)
        return PTRACK_ENOMEM;
    *offset = r->spool_len;
    if (write_all(r->spool, r->row.p, r->row.len) != 0) {
        int err = errno;
        char what[160];
        snprintf(what, sizeof(what), "writing the report's temporary file: %s", strerror(err));
        return pt_temp_failed(r->h, r->job, r->dir, "the report's temporary file", err, what);
    }
    r->spool_len += r->row.len;
    *len = (uint32_t)r->row.len;
    return PTRACK_OK;
}

/* Whether the proposal itself is late, whoever exports it: a unit's
 * export shows `overdue` for the unit's own part, and grouped by unit the
 * other units' parts count too. */
static int proposal_late(const run_t *r)
{
    const pt_view_t *v = &r->view;
    int64_t due;
    if (v->overdue)
        return 1;
    return v->status && pt_wf_state_clock(&r->wf, v->status) && v->due_at &&
           pt_time_read(r->h, v->due_at, &due) == 0 && due < (int64_t)time(NULL) * 1000;
}

/* The category of the formal answer (the latest reply that is not a
 * supplementary one) that the unit name gave, or NULL: none from before
 * an assignment that came after it, which the unit has yet to answer
 * (pt_record_reply_counts). */
static const char *unit_result(const run_t *r, const ptrack_record_t *rec, const char *name)
{
    char path[64];
    for (size_t i = r->view.n_replies; i > 0; i--) {
        snprintf(path, sizeof(path), "replies.%zu.unit", i - 1);
        const char *unit = r->h->rec_get(rec, path);
        if (!unit || strcmp(unit, name) != 0 || !pt_record_reply_counts(r->h, rec, i - 1))
            continue;
        snprintf(path, sizeof(path), "replies.%zu.category", i - 1);
        return r->h->rec_get(rec, path);
    }
    return NULL;
}

/* Spools the current proposal's row and files it under its groups. Its
 * 办理结果 is the category of its answer once it is answered (办复), as
 * the figures count it: a separate-mode (分办) proposal only once every
 * unit has replied. Grouped by unit, such a proposal shows under each unit
 * the category of that unit's own reply, none under one that has not
 * replied. */
static int spool_row(run_t *r, const ptrack_record_t *rec)
{
    uint64_t offset[2];
    uint32_t len[2] = {0, 0}; /* [0] marked in time, [1] late; 0: not spooled */
    int own = r->view.overdue, rc = PTRACK_OK;
    const char *result = r->view.answered ? r->view.reply_category : NULL;
    if (!r->by_unit || r->view.n_units == 0) {
        if ((rc = spool_render(r, result, &offset[0], &len[0])) != PTRACK_OK)
            return rc;
        const char *group = r->by_unit ? "" : r->view.status ? r->view.status : "";
        return add_entry(r, group, offset[0], len[0]);
    }
    /* Grouped by unit, a proposal is listed under each of its units (once,
     * should a unit be named twice), or under "" (not assigned) if none,
     * marked late under a unit whose part is late: the proposal is late
     * and the unit has not answered its part (pt_view_unit_answered). */
    int late = proposal_late(r);
    const char *mode = r->h->rec_get(rec, "handling_mode");
    int separate = mode && strcmp(mode, "separate") == 0;
    char path[64], other[64];
    size_t listed = 0;
    for (size_t i = 0; i < r->view.n_units && rc == PTRACK_OK; i++) {
        snprintf(path, sizeof(path), "units.%zu.name", i);
        const char *name = r->h->rec_get(rec, path);
        if (!name || !*name)
            continue;
        int seen = 0;
        for (size_t k = 0; k < i && !seen; k++) {
            snprintf(other, sizeof(other), "units.%zu.name", k);
            const char *o = r->h->rec_get(rec, other);
            seen = o && strcmp(o, name) == 0;
        }
        if (seen)
            continue;
        int mark = late && !pt_view_unit_answered(&r->view, r->h, rec, i);
        /* A separate-mode unit's row is its own; the others' are the same
         * but for the mark, and spooled once for each mark. */
        if (separate || !len[mark]) {
            r->view.overdue = mark;
            rc = spool_render(r, separate ? unit_result(r, rec, name) : result, &offset[mark],
                              &len[mark]);
            r->view.overdue = own;
            if (rc != PTRACK_OK)
                break;
        }
        if (add_entry(r, name, offset[mark], len[mark]) != PTRACK_OK)
            rc = PTRACK_ENOMEM;
        listed++;
    }
    if (rc == PTRACK_OK && !listed) {
        r->view.overdue = own;
        if ((rc = spool_render(r, result, &offset[0], &len[0])) == PTRACK_OK)
            rc = add_entry(r, "", offset[0], len[0]);
    }
    return rc;
}

/* Sorts entries by their group's place in the report, then by where the
 * row lies in the spool (which is id order). qsort has no context argument,
 * so each entry's group is first replaced by its rank. */
static int by_rank(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;
    if (x->group != y->group)
        return x->group < y->group ? -1 : 1;
    return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int write_groups(run_t *r)
{
    /* Its page break only when groups follow it (see css). */
    heading(r, 2, r->n_entries ? "groups" : NULL, r->by_unit ? "按承办单位分列" : "按办理状态分列");
    if (!r->n_entries) {
        pt_str_t none = {0};
        pt_str_printf(&none, "没有符合条件的%s。", pt_figures_noun(&r->fig));
        para(r, "empty", none.oom ? "" : pt_str_get(&none));
        pt_str_free(&none);
        return flush(r, 0);
    }
    size_t n = r->groups.n;
    size_t *order = pt_tallies_order(&r->groups, r->by_unit, &r->wf);
    uint32_t *rank = malloc(n * sizeof(*rank));
    if (!order || !rank) {
        free(order);
        free(rank);
        return PTRACK_ENOMEM;
    }
    /* Proposals without a unit come last when grouped by unit. */
    size_t next = 0, none = pt_tallies_find(&r->groups, "");
    for (size_t i = 0; i < n; i++)
        if (order[i] != none)
            rank[order[i]] = (uint32_t)next++;
    if (none != (size_t)-1)
        rank[none] = (uint32_t)next++;
    for (size_t i = 0; i < r->n_entries; i++)
        r->entries[i].group = rank[r->entries[i].group];
    qsort(r->entries, r->n_entries, sizeof(*r->entries), by_rank);
    /* Back from ranks to groups. */
    uint32_t *group_of = malloc(n * sizeof(*group_of));
    if (!group_of) {
        free(order);
        free(rank);
        return PTRACK_ENOMEM;
    }
    for (size_t g = 0; g < n; g++)
        group_of[rank[g]] = (uint32_t)g;
    free(order);
    free(rank);

    const char *row_heads[ROW_COLUMNS_UNIT];
    for (size_t i = 0; i < ROW_COLUMNS_UNIT; i++)
        row_heads[i] = pt_field_brief(row_fields[i]);
    char *buf = NULL;
    size_t cap = 0;
    int rc = PTRACK_OK;
    for (size_t i = 0; i < r->n_entries && rc == PTRACK_OK;) {
        uint32_t rk = r->entries[i].group;
        const pt_tally_t *g = &r->groups.items[group_of[rk]];
        const char *name =
            r->by_unit ? (*g->name ? g->name : "未交办") : pt_wf_state_label(&r->wf, g->name);
        pt_str_t title = {0};
        pt_str_printf(&title, "%s（%lld件）", name, (long long)g->count);
        if (title.oom) {
            rc = PTRACK_ENOMEM;
            break;
        }
        if (r->html)
            pt_str_puts(&r->out, "<section class=\"group\">\n");
        heading(r, 3, NULL, pt_str_get(&title));
        pt_str_free(&title);
        table_begin(r, "proposals", row_heads, row_columns(r), 0);
        for (; i < r->n_entries && r->entries[i].group == rk; i++) {
            const entry_t *e = &r->entries[i];
            if (e->len > cap) {
                char *grown = realloc(buf, e->len);
                if (!grown) {
                    rc = PTRACK_ENOMEM;
                    break;
                }
                buf = grown;
                cap = e->len;
            }
            ssize_t got = pread(r->spool, buf, e->len, (off_t)e->offset);
            if (got != (ssize_t)e->len) {
                r->h->set_error(r->job, "reading the report's temporary file back: %s",
                                got < 0 ? strerror(errno) : "short read");
                rc = PTRACK_ERROR;
                break;
            }
            pt_str_append(&r->out, buf, e->len);
            if ((rc = flush(r, 0)) != PTRACK_OK)
                break;
        }
        table_end(r);
        if (r->html)
            pt_str_puts(&r->out, "</section>\n");
        if (rc == PTRACK_OK && r->h->job_cancelled(r->job))
            rc = PTRACK_ECANCELED;
    }
    free(buf);
    free(group_of);
    return rc == PTRACK_OK ? flush(r, 0) : rc;
}

/* ---- The export ---------------------------------------------------------------- */

static int open_spool(run_t *r)
{
    const char *dir = r->dir = pt_temp_dir();
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/ptrack-report-XXXXXX", dir) >= sizeof(path)) {
        r->h->set_error(r->job, "the temporary directory's name is too long: %s", dir);
        return PTRACK_ERROR;
    }
    r->spool = mkstemp(path);
    if (r->spool < 0) {
        int err = errno;
        char what[PT_TEMP_WHAT_MAX];
        snprintf(what, sizeof(what), "cannot make a temporary file in %s: %s", dir, strerror(err));
        return pt_temp_failed(r->h, r->job, dir, "the report's temporary file", err, what);
    }
    /* Nothing but this descriptor needs the file: remove its name now, so
     * that it goes away however the export ends. */
    unlink(path);
    return PTRACK_OK;
}

/* One proposal of the walk: counted, and its row spooled. */
static int add_proposal(void *ctx, const ptrack_record_t *rec)
{
    run_t *r = ctx;
    int rc = pt_figures_add(&r->fig, &r->view, r->h, rec);
    return rc == PTRACK_OK ? spool_row(r, rec) : rc;
}

static int run(run_t *r)
{
    r->fig.kind = r->h->job_arg(r->job, "kind");
    r->fig.unit = r->h->job_arg(r->job, "unit");
    char date[16];
    pt_zone_date(r->h, &r->zone, (int64_t)time(NULL) * 1000, date);
    pt_str_t filters = {0};
    describe_filters(r, &filters);
    if (filters.oom)
        return PTRACK_ENOMEM;

    int rc = open_spool(r);
    if (rc == PTRACK_OK)
        rc = pt_records_walk(r->h, r->job, &r->view, add_proposal, r);
    if (rc == PTRACK_OK)
        rc = r->h->export_begin(
            r->job, r->html ? "text/html; charset=utf-8" : "text/markdown; charset=utf-8",
            r->html ? "report.html" : "report.md");
    if (rc == PTRACK_OK) {
        /* The default title names the proposals by their kind, which the
         * walk has counted: 提案办理情况报告 for a CPPCC office's. */
        const char *title = r->h->job_arg(r->job, "title");
        pt_str_t named = {0};
        if (!title || !*title) {
            pt_str_printf(&named, "%s%s", pt_figures_noun(&r->fig), DEFAULT_TITLE);
            title = named.oom ? "" : pt_str_get(&named);
        }
        begin_document(r, title, date, pt_str_get(&filters));
        pt_str_free(&named);
        rc = write_figures(r);
    }
    pt_str_free(&filters);
    if (rc == PTRACK_OK)
        rc = write_groups(r);
    if (rc == PTRACK_OK) {
        end_document(r);
        rc = flush(r, 1);
    }
    return rc;
}

static int export(void *state, ptrack_job_t *job, const char *format)
{
    const pt_plugin_state_t *ps = state;
    run_t r = {.h = ps->host, .job = job, .wf = {ps->host, ps->inst}, .spool = -1};
    r.html = strcmp(format, "html") == 0;
    const char *group = r.h->job_arg(job, "group");
    if (group && *group && strcmp(group, "status") != 0 && strcmp(group, "unit") != 0) {
        r.h->set_error(job, "group: \"%s\" is not a grouping; say group=status or group=unit",
                       group);
        return PTRACK_EBADARG;
    }
    r.by_unit = group && strcmp(group, "unit") == 0;
    int rc = pt_zone_arg(r.h, job, &r.zone);
    if (rc != PTRACK_OK)
        return rc;
    rc = run(&r);
    if (rc == PTRACK_ENOMEM)
        r.h->set_error(job, "out of memory");
    if (r.spool >= 0)
        close(r.spool);
    free(r.entries);
    pt_tallies_free(&r.groups);
    pt_view_free(&r.view);
    pt_figures_free(&r.fig);
    pt_str_free(&r.out);
    pt_str_free(&r.row);
    return rc;
}

static const char *const formats[] = {"md", "html", NULL};

/* The query parameters read with job_arg besides the list filters (which
 * the report names in its heading, see describe_filters). */
static const char *const args[] = {"title", "group", "tz", NULL};

static const ptrack_exporter_ops_t exporter = {
    .struct_size = sizeof(ptrack_exporter_ops_t),
    .formats = formats,
    .export = export,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "export_report",
    .version = "1.0",
    .description = "exports a report of the proposals and their figures, grouped by status or "
                   "unit, as Markdown (md) or self-contained HTML (html) (args: title, "
                   "group=status|unit, tz)",
    .kinds = PTRACK_KIND_EXPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .exporter = &exporter,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}
