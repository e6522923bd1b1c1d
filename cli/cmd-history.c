/*
 * cmd-history.c - `ptrack history ID`: who did what to a proposal, and when.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "changes.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "width.h"
#include "times.h"

static const pt_opt_t opts[] = {
    {"width", PT_OPT_VALUE, "N",
     "the note column's width (default: what fits a line of 100 columns or a narrower terminal, 20 "
     "to 40); "
     "longer notes and changes wrap below"},
    {0},
};

/* A change told by its value (a string, a number, a boolean or null);
 * the others are lists and objects, told after them. */
static bool is_scalar(const cJSON *change)
{
    const cJSON *to = pt_json_get(change, "to");
    return !to || !(cJSON_IsArray(to) || cJSON_IsObject(to));
}

/* The lines of the note column, each at most `width` columns. */
typedef struct {
    pt_buf_t *lines;
    size_t n;
    size_t used; /* columns of the last line */
    size_t width;
} note_lines_t;

/* A long part (a reason, a note) wraps onto at most this many lines. */
#define PART_LINES 3

static void new_line(note_lines_t *nl, const char *text, size_t w)
{
    nl->lines = pt_xrealloc(nl->lines, (nl->n + 1) * sizeof *nl->lines);
    nl->lines[nl->n] = (pt_buf_t){0};
    pt_buf_puts(&nl->lines[nl->n++], text);
    nl->used = w;
}

/* A part's names (changes.h), so that the part wraps between them and
 * never inside one. Each name is stood in for by as many U+FDD0 (a
 * noncharacter, which Unicode keeps for a program's own use, one column
 * wide; not a private use character, which is an office's 造字, two
 * columns wide) as it takes columns: pt_text_wrap
 * breaks a run of such characters, as a run of ASCII, only where nothing
 * else fits, which a name no wider than the column never needs; one wider
 * is cut with … first. unmask() puts the names back. */
#define MASK "\xef\xb7\x90"

typedef struct {
    char **names; /* cleaned, cut to the column */
    size_t *widths;
    bool *cut; /* cut with … (wider than the column) */
    size_t n;
} names_t;

/* Appends one name (n bytes at s) to masked as its stand-in, or as text
 * when keep. A name wider than the column is cut with … first, to leave
 * `tail` columns beside it for the 、 that follows it; one that fits is
 * kept whole, and its 、 is left out when it fills the column
 * (drop_leading_comma). */
static void mask_one(const char *s, size_t n, size_t width, size_t tail, bool keep,
                     pt_buf_t *masked, names_t *names)
{
    pt_buf_t one = {0}, cut = {0};
    pt_buf_add(&one, s, n);
    size_t whole = pt_text_width(pt_buf_str(&one));
    size_t room = whole > width && width > tail ? width - tail : width;
    size_t w = pt_text_truncate(&cut, pt_buf_str(&one), room);
    if (w <= 1 && room < width) {
        /* Nothing of it would be left but …: cut to the column. */
        pt_buf_reset(&cut);
        w = pt_text_truncate(&cut, pt_buf_str(&one), width);
    }
    pt_buf_free(&one);
    if (keep || w == 0) {
        pt_buf_puts(masked, pt_buf_str(&cut));
        pt_buf_free(&cut);
        return;
    }
    for (size_t i = 0; i < w; i++)
        pt_buf_puts(masked, MASK);
    names->names = pt_xrealloc(names->names, (names->n + 1) * sizeof *names->names);
    names->widths = pt_xrealloc(names->widths, (names->n + 1) * sizeof *names->widths);
    names->cut = pt_xrealloc(names->cut, (names->n + 1) * sizeof *names->cut);
    names->names[names->n] = pt_buf_take(&cut);
    names->cut[names->n] = w < whole;
    names->widths[names->n++] = w;
}

/* The part with its names stood in for, in *masked, and the names in
 * *names. A name wider than the column (with the 、 after it, which may
 * not start a line) whose pieces (a unit, its role) fit is stood in for
 * piece by piece, with a blank between, where the line then breaks. A part that holds U+FDD0 of its
 * own keeps its names as text (its marks dropped), so that no character of it is taken for one. */
static void mask(const char *part, size_t width, pt_buf_t *masked, names_t *names)
{
    bool keep = strstr(part, MASK) != NULL;
    while (*part) {
        if (*part != PT_CHANGE_NAME_OPEN) {
            if (*part != PT_CHANGE_NAME_CLOSE && *part != PT_CHANGE_NAME_BREAK)
                pt_buf_putc(masked, *part);
            part++;
            continue;
        }
        const char *end = strchr(++part, PT_CHANGE_NAME_CLOSE);
        size_t len = end ? (size_t)(end - part) : strlen(part);
        const char *brk = memchr(part, PT_CHANGE_NAME_BREAK, len);
        pt_buf_t whole = {0};
        pt_buf_add(&whole, part, len);
        if (brk)
            pt_buf_replace(&whole, (char[]){PT_CHANGE_NAME_BREAK, '\0'}, "");
        /* A 、 after it may not start the next line: it counts with it. */
        const char *after = end ? end + 1 : "";
        size_t tail = strncmp(after, "、", strlen("、")) == 0 ? 2 : 0;
        if (brk && pt_text_width(pt_buf_str(&whole)) + tail > width) {
            mask_one(part, (size_t)(brk - part), width, 0, keep, masked, names);
            pt_buf_putc(masked, ' ');
            mask_one(brk + 1, len - (size_t)(brk + 1 - part), width, tail, keep, masked, names);
        } else {
            mask_one(pt_buf_str(&whole), whole.len, width, tail, keep, masked, names);
        }
        pt_buf_free(&whole);
        part += len + (end ? 1 : 0);
    }
}

/* Appends s to out with its stand-ins (mask) replaced by the names, in
 * order; line breaks are kept. */
static void unmask(const char *s, const names_t *names, pt_buf_t *out)
{
    size_t next = 0, left = 0;
    while (*s) {
        if (strncmp(s, MASK, strlen(MASK)) != 0) {
            pt_buf_putc(out, *s++);
            continue;
        }
        s += strlen(MASK);
        if (left > 0) {
            left--;
        } else if (next < names->n) {
            pt_buf_puts(out, names->names[next]);
            left = names->widths[next++] - 1;
        }
    }
}

static void names_free(names_t *names)
{
    for (size_t i = 0; i < names->n; i++)
        free(names->names[i]);
    free(names->names);
    free(names->widths);
    free(names->cut);
}

static bool at_mask(const char *s)
{
    return strncmp(s, MASK, strlen(MASK)) == 0;
}

/* The lines of wrapped text (pt_text_wrap), each without its newline, in
 * *n buffers. */
static pt_buf_t *split_lines(const char *s, size_t *n)
{
    pt_buf_t *lines = NULL;
    *n = 0;
    while (*s) {
        size_t len = strcspn(s, "\n");
        lines = pt_xrealloc(lines, (*n + 1) * sizeof *lines);
        lines[*n] = (pt_buf_t){0};
        pt_buf_add(&lines[(*n)++], s, len);
        s += len + (s[len] ? 1 : 0);
    }
    return lines;
}

/* A 、 after a name may not start a line: pt_text_wrap puts it there
 * only when the name alone fills the column (one wider is cut short
 * enough to keep it, mask_one), and there it is left out: the line's end
 * parts the names as well, and hanging it past the column, as Chinese
 * typesetting hangs punctuation, would take the line past the terminal's
 * 100 columns. A line it leaves empty goes. */
static void drop_leading_comma(pt_buf_t *lines, size_t *n)
{
    const char *comma = "、";
    for (size_t k = 1; k < *n; k++) {
        const char *prev = pt_buf_str(&lines[k - 1]), *s = pt_buf_str(&lines[k]);
        size_t plen = strlen(prev), m = strlen(MASK);
        if (strncmp(s, comma, strlen(comma)) != 0 || plen < m || !at_mask(prev + plen - m))
            continue;
        s += strlen(comma);
        while (*s == ' ')
            s++;
        pt_buf_t rest = {0};
        pt_buf_puts(&rest, s);
        pt_buf_free(&lines[k]);
        if (rest.len > 0) {
            lines[k] = rest;
        } else {
            pt_buf_free(&rest);
            memmove(&lines[k], &lines[k + 1], (*n - k - 1) * sizeof *lines);
            (*n)--;
            k--;
        }
    }
}

/* How many names (runs of stand-ins) s holds. */
static size_t count_names(const char *s)
{
    size_t count = 0;
    bool in = false;
    while (*s) {
        bool m = at_mask(s);
        count += m && !in;
        in = m;
        s += m ? strlen(MASK) : 1;
    }
    return count;
}

/* How many bytes of s (a line with names) to keep in `room` columns: a
 * name that does not fit is left out whole, or kept to its end when it is
 * cut already (names->cut). first: the index in names of s's first name. */
static size_t keep_names(const char *s, size_t room, const names_t *names, size_t first)
{
    size_t w = 0, at = 0, start = 0, name = first;
    bool in = false;
    while (s[at]) {
        size_t cw, k = pt_text_cluster(s + at, strlen(s + at), &cw);
        bool m = at_mask(s + at);
        if (m && !in)
            start = at, name++;
        if (w + cw > room) {
            if (m && in && names->cut[name - 1]) {
                while (at_mask(s + at))
                    at += strlen(MASK);
            } else if (m && in) {
                at = start;
            }
            break;
        }
        in = m;
        w += cw;
        at += k;
    }
    while (at > 0 && s[at - 1] == ' ')
        at--;
    return at;
}

/* Whether the first n bytes of s end with t. */
static bool ends_with(const char *s, size_t n, const char *t)
{
    size_t k = strlen(t);
    return n >= k && memcmp(s + n - k, t, k) == 0;
}

/* The last line shown of a part that goes on after it ends with " …", or
 * "…" right after a 、 where there is no room for the blank. A name that
 * leaves it no room is not cut for it but left to what is not shown, so
 * the … comes after the last whole name that leaves room for it (alone on
 * the line when none does): a name cut with … reads as another, longer
 * name. A name already cut with … (wider than the column) ends the line
 * with its one …, which tells both. A line without names (a note, a
 * reason), or of a part without names (names NULL), is cut to the
 * column. first: the index in names of the line's first name. */
static void last_line(pt_buf_t *line, size_t width, const names_t *names, size_t first)
{
    const char *s = pt_buf_str(line);
    pt_buf_t out = {0};
    if (!names || !strstr(s, MASK)) {
        pt_buf_t one = {0};
        pt_buf_printf(&one, "%s …", s);
        pt_text_truncate(&out, pt_buf_str(&one), width);
        pt_buf_free(&one);
    } else if (pt_text_width(s) + 2 <= width) {
        pt_buf_printf(&out, "%s …", s);
    } else {
        const char *more = "…";
        size_t at = keep_names(s, width - 1, names, first);
        if (!ends_with(s, at, "、")) {
            at = keep_names(s, width - 2, names, first);
            more = at > 0 ? " …" : "…";
        }
        /* A name cut already ends the line with its …, without its 、. */
        size_t comma = ends_with(s, at, "、") ? strlen("、") : 0;
        pt_buf_add(&out, s, at - comma);
        size_t last = first + count_names(pt_buf_str(&out));
        if (ends_with(s, at - comma, MASK) && names->cut[last - 1])
            more = "";
        else if (comma)
            pt_buf_puts(&out, "、");
        pt_buf_puts(&out, more);
    }
    pt_buf_free(line);
    *line = out;
}

/* Adds one part (a note, a change): on the last line after "; " when it
 * fits there, else on a line of its own; one wider than the column wraps
 * onto up to PART_LINES lines, between names and never inside one, no
 * line starting with a 、 (drop_leading_comma), the last ending with …
 * when even they do not hold it (last_line). A part without names stood
 * in for, also one that holds U+FDD0 of its own (mask), is text: its
 * U+FDD0 are characters like any other. */
static void note_part(note_lines_t *nl, const char *raw)
{
    pt_buf_t masked = {0}, text = {0};
    names_t names = {0};
    mask(raw, nl->width, &masked, &names);
    const char *part = pt_buf_str(&masked);
    size_t w = pt_text_width(part);
    bool has_names = names.n > 0;
    if (has_names)
        unmask(part, &names, &text);
    else
        pt_buf_puts(&text, part);
    if (w == 0) {
        /* nothing to tell */
    } else if (nl->n > 0 && nl->used + 2 + w <= nl->width) {
        pt_buf_printf(&nl->lines[nl->n - 1], "; %s", pt_buf_str(&text));
        nl->used += 2 + w;
    } else if (w <= nl->width) {
        new_line(nl, pt_buf_str(&text), w);
    } else {
        pt_buf_t wrapped = {0}, shown = {0};
        pt_text_wrap(&wrapped, part, 0, nl->width);
        size_t n, first = 0;
        pt_buf_t *lines = split_lines(pt_buf_str(&wrapped), &n);
        if (has_names)
            drop_leading_comma(lines, &n);
        for (size_t k = 0; k < n && k < PART_LINES; k++) {
            if (k == PART_LINES - 1 && k + 1 < n)
                last_line(&lines[k], nl->width, has_names ? &names : NULL, first);
            if (has_names)
                first += count_names(pt_buf_str(&lines[k]));
            pt_buf_printf(&shown, "%s\n", pt_buf_str(&lines[k]));
        }
        for (size_t k = 0; k < n; k++)
            pt_buf_free(&lines[k]);
        free(lines);
        pt_buf_reset(&text);
        if (has_names)
            unmask(pt_buf_str(&shown), &names, &text);
        else
            pt_buf_puts(&text, pt_buf_str(&shown));
        for (const char *line = pt_buf_str(&text); *line;) {
            size_t len = strcspn(line, "\n");
            pt_buf_t one = {0};
            pt_buf_add(&one, line, len);
            new_line(nl, pt_buf_str(&one), pt_text_width(pt_buf_str(&one)));
            pt_buf_free(&one);
            line += len + (line[len] ? 1 : 0);
        }
        pt_buf_free(&shown);
        pt_buf_free(&wrapped);
    }
    names_free(&names);
    pt_buf_free(&masked);
    pt_buf_free(&text);
}

static void part_to_note(void *nl, const char *part)
{
    note_part(nl, part);
}

/* Starts the entry's row with its cells but the note: seq, time, actor,
 * action and state change. */
static void entry_cells(pt_cli_t *cli, pt_table_t *t, const cJSON *h)
{
    const char *action = pt_json_str(h, "action");
    const char *from = pt_json_str(h, "from");
    const char *to = pt_json_str(h, "to");
    char at[40];

    pt_table_row(t);
    pt_table_cellf(t, 0, "%.0f", pt_json_num(h, "seq", 0));
    pt_table_cell(t, 1, pt_time_show(pt_json_str(h, "at"), PT_TIME_MINUTE, at, sizeof at));
    pt_table_cell(t, 2, pt_json_str(h, "actor"));
    if (action) {
        const char *zh = pt_label_action(cli, action);
        if (strcmp(zh, action) != 0)
            pt_table_cellf(t, 3, "%s %s", zh, action);
        else
            pt_table_cell(t, 3, action);
    }
    /* A state change reads 已交办→办理中; an action that keeps the state
     * (opinion, extend, an edit) shows the state once. */
    if (from && to && strcmp(from, to) != 0)
        pt_table_cellf(t, 4, "%s→%s", pt_label_state(cli, from), pt_label_state(cli, to));
    else if (to)
        pt_table_cell(t, 4, pt_label_state(cli, to));
    else if (from)
        pt_table_cell(t, 4, pt_label_state(cli, from));
}

static void add_row(pt_cli_t *cli, pt_table_t *t, const cJSON *h, size_t width)
{
    const char *note = pt_json_str(h, "note");
    const cJSON *changes = pt_json_get(h, "changes");
    const cJSON *c;

    entry_cells(cli, t, h);

    /* The note, then what the entry changed (changes.h): a field that
     * holds a value by its value (the reason of a return, the new
     * deadline), a list by what changed in it (签收: 省水利厅). What fits
     * goes on one line; the rest wraps onto lines of their own below,
     * under the column, and a part wider than the column is cut. The
     * state change has its own column and is not listed again. */
    note_lines_t nl = {.width = width};
    pt_buf_t part = {0};
    if (note && *note) {
        pt_text_clean(&part, note);
        note_part(&nl, pt_buf_str(&part));
    }
    pt_buf_free(&part);
    /* Values first, then lists: a short value stays on the note's line. */
    for (int lists = 0; lists < 2; lists++) {
        cJSON_ArrayForEach(c, changes)
        {
            if (c->string && strcmp(c->string, "status") != 0 && is_scalar(c) != lists)
                pt_change_describe(c->string, c, part_to_note, &nl);
        }
    }
    /* One cell of them all: the note starts on the row's first line and
     * goes on beside a wrapped action or state change. */
    pt_buf_t cell = {0};
    for (size_t i = 0; i < nl.n; i++) {
        pt_buf_printf(&cell, "%s%s", i ? "\n" : "", pt_buf_str(&nl.lines[i]));
        pt_buf_free(&nl.lines[i]);
    }
    free(nl.lines);
    pt_table_cell_lines(t, 5, pt_buf_str(&cell));
    pt_buf_free(&cell);
}

static const char *const header[] = {"seq",         "时间 time",    "操作人 actor",
                                     "操作 action", "状态 from→to", "备注 note"};

/* The actor, a token's name (often a unit's: 山西省水利厅), wraps in its
 * column past this, so that a long one leaves the note its room; it is
 * never cut, as it is what token revoke takes. */
#define ACTOR_WIDTH 20
/* The note column's width when --width does not say: what the other
 * columns leave of a line of LINE_WIDTH columns, between these. */
#define MIN_NOTE_WIDTH 20
#define MAX_NOTE_WIDTH 40

/* The action and the state change are wrapped, when the line with the
 * note would otherwise pass LINE_WIDTH, down to this: an office's
 * workflow may call its states and actions by long names (承办单位签收登记,
 * 已交办→承办单位正在办理中). */
#define MIN_WRAP_WIDTH 14

/* The widths at which the action's and the state change's columns of t
 * (its seq, time, actor, action and state cells set; a note column or
 * not) wrap, in wrap[0] and wrap[1] (0: it need not), for its line to
 * take no more than `line` columns: the wider first, down to
 * MIN_WRAP_WIDTH each. Returns the line's width then. */
static size_t fit_line(const pt_table_t *t, size_t line, size_t *wrap)
{
    static const size_t cols[] = {3, 4};
    return pt_table_fit_wraps(t, 0, line, cols, 2, MIN_WRAP_WIDTH, wrap);
}

/* How many lines s takes wrapped at `width` columns, as a table wraps a
 * cell. */
static size_t wrapped_lines(const char *s, size_t width)
{
    pt_buf_t b = {0}, clean = {0};
    pt_text_clean(&clean, s);
    pt_text_wrap(&b, pt_buf_str(&clean), 0, width);
    size_t n = 0;
    for (const char *c = pt_buf_str(&b); *c; c++)
        n += *c == '\n';
    pt_buf_free(&b);
    pt_buf_free(&clean);
    return n;
}

/* Where the actors of items wrap when they may take `most` columns: at
 * the narrowest width at which none of them takes more lines than at
 * `most`, so that a long one's lines come out even (内蒙古自治区发展 /
 * 和改革委员会驻京 / 联络处收文员, not one 员 alone) and the columns it
 * saves go to the note. No narrower than the widest actor that fits
 * `most` on one line, which is not wrapped. */
static size_t actor_wrap(const cJSON *items, size_t most)
{
    size_t best = most;
    for (size_t w = most - 1; w > 0; w--) {
        const cJSON *h;
        cJSON_ArrayForEach(h, items)
        {
            const char *actor = pt_json_str(h, "actor");
            if (actor && wrapped_lines(actor, w) != wrapped_lines(actor, most))
                return best;
        }
        best = w;
    }
    return best;
}

/* The note column's width when --width does not say. It is known before
 * the rows are made, since the notes are wrapped to it: the other columns
 * are measured first, on a table of their own, where the action and the
 * state change wrap to leave the note MIN_NOTE_WIDTH. Where even so the
 * line would be wider than the terminal's (80 columns), the note goes
 * below its row instead, on lines of their own that start under the time
 * (*below: their indent), and takes what the line leaves of that; then
 * wrap[2] is where the time wraps, 0 where it need not, and wrap[3] where
 * the actors wrap when the line is too narrow for them to take
 * ACTOR_WIDTH (60 columns), down to their header's width; 0 where they
 * may (actor_wrap). */
static size_t note_width(pt_cli_t *cli, const cJSON *items, size_t *wrap, size_t *below)
{
    const cJSON *h;
    pt_table_t *t = pt_table_new(5, header);
    pt_table_set_wrap(t, 2, actor_wrap(items, ACTOR_WIDTH));
    cJSON_ArrayForEach(h, items) entry_cells(cli, t, h);
    size_t line = pt_out_width();
    size_t used = fit_line(t, line - 2 - MIN_NOTE_WIDTH, wrap) + 2;
    *below = 0;
    wrap[2] = wrap[3] = 0;
    if (used + MIN_NOTE_WIDTH > line) {
        *below = pt_table_width(t, 0) + 2;
        /* Narrower still (60 columns), the time goes onto two lines, the
         * hour under the date. */
        if (fit_line(t, line, wrap) > line && pt_table_width(t, 1) > strlen("2026-03-15")) {
            wrap[2] = strlen("2026-03-15");
            pt_table_set_wrap(t, 1, wrap[2]);
        }
        /* And a long actor, the action and the state change at their
         * least, wraps narrower. */
        if (fit_line(t, line, wrap) > line) {
            static const size_t actor = 2;
            pt_table_set_wrap(t, 3, wrap[0]);
            pt_table_set_wrap(t, 4, wrap[1]);
            pt_table_fit_wraps(t, 0, line, &actor, 1, 0, &wrap[3]);
            if (wrap[3])
                wrap[3] = actor_wrap(items, wrap[3]);
        }
    }
    pt_table_free(t);
    if (*below)
        return line - *below;
    size_t w = used < line ? line - used : 0;
    return w < MIN_NOTE_WIDTH ? MIN_NOTE_WIDTH : w > MAX_NOTE_WIDTH ? MAX_NOTE_WIDTH : w;
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    long long id, width = 0; /* 0: what fits */
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc == PT_EXIT_OK)
        rc = pt_cli_width(cli, args, &width);
    if (rc != PT_EXIT_OK)
        return rc;
    bool asked = width != 0; /* --width N */

    char path[80];
    snprintf(path, sizeof path, "/v1/proposals/%lld/history", id);
    pt_response_t resp;
    rc = pt_cli_call(cli, "GET", path, NULL, &(pt_request_opts_t){.retry_after_send = true}, &resp,
                     NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            const cJSON *h;
            pt_table_t *t = pt_table_new(6, header);
            size_t entries = 0, wrap[4] = {0, 0, 0, 0}, below = 0;
            if (!width)
                width = (long long)note_width(cli, pt_json_get(resp.json, "items"), wrap, &below);
            pt_table_set_right(t, 0);
            pt_table_set_wrap(
                t, 2, wrap[3] ? wrap[3] : actor_wrap(pt_json_get(resp.json, "items"), ACTOR_WIDTH));
            pt_table_set_max(t, 5, (size_t)width);
            cJSON_ArrayForEach(h, pt_json_get(resp.json, "items"))
            {
                add_row(cli, t, h, (size_t)width);
                entries++;
            }
            /* A note of the width asked for: the others wrap to leave it
             * what its widest line takes, unless the line passes
             * LINE_WIDTH all the same (a note wider than what they could
             * leave it), where a wrapped name would buy nothing. */
            if (asked && fit_line(t, pt_out_width(), wrap) > pt_out_width())
                wrap[0] = wrap[1] = 0;
            pt_table_set_wrap(t, 3, wrap[0]);
            pt_table_set_wrap(t, 4, wrap[1]);
            pt_table_set_wrap(t, 1, wrap[2]);
            if (below)
                pt_table_set_below(t, 5, below, (size_t)width + below);
            if (entries == 0)
                printf("#%lld 没有历史记录 (no history)\n", id);
            else
                pt_table_print(t, stdout, 0);
            pt_table_free(t);
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_history = {
    .name = "history",
    .args = "ID",
    .summary = "show a proposal's history: every action, who did it and when",
    .description =
        "Asks GET /v1/proposals/ID/history and prints one line per entry, oldest\n"
        "first: seq, time (local), the actor, the action, the state change and the\n"
        "note, followed by what the entry changed: a field's new value (原因: ...,\n"
        "期限: ...), a list by what changed in it (签收: 省水利厅, 首次答复: 省水利厅\n"
        "晋水函〔2026〕15号 A类, 评价: 张三 满意, 标签 增加: 民生). What does not fit the\n"
        "note column (--width; by default what the others leave of 100 columns, or\n"
        "of a narrower terminal's width) wraps onto lines below it, between names: a\n"
        "unit's, a person's or a 文号 is never split, and one wider than the column\n"
        "is cut with …. An actor past 20 columns wraps in its column, never cut: it\n"
        "is a token's name, which token revoke takes. The state change is not\n"
        "listed again. Where a workflow's long names would leave the note less than\n"
        "20 columns (with --width, less than its widest line, where that makes the\n"
        "line fit), the action and the state change wrap in their columns.\n",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
