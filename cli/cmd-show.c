/*
 * cmd-show.c - `ptrack show ID`: one proposal as a card people can read.
 *
 * The card has three parts: a line with the id and the title; a table of
 * the short fields, each labelled in Chinese and English; and sections for
 * what is long or repeated (background, recommendations, units, replies,
 * feedback). The fields every proposal has a place for are always in the
 * table, "-" when unset, so every card has the same shape and a gap shows;
 * what only some have (key supervision, merged into, source, custom) and
 * the sections appear only when set, so a fresh suggestion is a short card
 * and a closed one tells its whole story.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "json.h"
#include "labels.h"
#include "table.h"
#include "times.h"
#include "width.h"

/* Text (the background, the recommendations, a reply's, an opinion, a
 * list of names) wraps at this, or at the card's width where that is
 * narrower (text_width). */
#define WRAP_WIDTH 80
/* A unit or a 文号 wraps at no fewer columns than this (six Chinese
 * characters), however long the other is; so does a unit in the units'
 * table and a person in the feedback's. */
#define NAME_WRAP_MIN 12
/* A delegate's comment wraps at no fewer columns than this. */
#define FEEDBACK_WRAP_MIN 20
/* Co-signers or tags wider than this go below the table, wrapped. */
#define LIST_INLINE 60

static const pt_opt_t opts[] = {
    {"width", PT_OPT_VALUE, "N",
     "fit the card to N columns (default: 100, or a narrower terminal's width)"},
    {0},
};

/* The columns at which the card's text wraps when the card is `width`
 * wide. */
static size_t text_width(size_t width)
{
    return width < WRAP_WIDTH ? width : WRAP_WIDTH;
}

/* What `used` columns leave of `width`, but at least `least`. */
static size_t room_left(size_t width, size_t used, size_t least)
{
    return used + least < width ? width - used : least;
}

static void kv(pt_table_t *t, const char *label, const char *value)
{
    pt_table_row(t);
    pt_table_cell(t, 0, label);
    pt_table_cell(t, 1, value && *value ? value : "-");
}

/* The names of arr (co-signers, tags) joined with sep, or "-" when none:
 * where the value's column wraps (a narrow --width), between two names,
 * never inside one (pt_table_cell_names). */
static void kv_names(pt_table_t *t, const char *label, const cJSON *arr, const char *sep)
{
    size_t n;
    const char **all = pt_json_strings(arr, &n);
    if (n == 0) {
        kv(t, label, NULL);
    } else {
        pt_table_row(t);
        pt_table_cell(t, 0, label);
        pt_table_cell_names(t, 1, all, n, sep);
    }
    free(all);
}

/* "code" and its Chinese name, "建议 suggestion", or "-" when unset. */
static void kv_coded(pt_table_t *t, const char *label, const char *code, const char *zh)
{
    pt_table_row(t);
    pt_table_cell(t, 0, label);
    if (!code || !*code)
        pt_table_cell(t, 1, "-");
    else if (strcmp(code, zh) == 0)
        pt_table_cell(t, 1, code);
    else
        pt_table_cellf(t, 1, "%s %s", zh, code);
}

static void kv_time(pt_table_t *t, const char *label, const char *value)
{
    char buf[40];
    kv(t, label, pt_time_show(value, PT_TIME_MINUTE, buf, sizeof buf));
}

static void section(const char *title)
{
    printf("\n%s\n", title);
}

/* s made fit to print on one line (control characters, which could move
 * the cursor or recolour the terminal, become spaces), in b. */
static const char *one_line(pt_buf_t *b, const char *s)
{
    b->len = 0;
    pt_text_clean(b, s ? s : "");
    return pt_buf_str(b);
}

static void paragraph(const char *text, size_t indent, size_t width)
{
    pt_buf_t b = {0};
    pt_text_wrap(&b, text, indent, text_width(width));
    fputs(pt_buf_str(&b), stdout);
    pt_buf_free(&b);
}

/* An opinion whole: its heading (which it frees), wrapped as the card's
 * width asks, then its text, indented. */
static void opinion_whole(pt_buf_t *head, const char *opinion, size_t width)
{
    pt_buf_t line = {0};
    pt_text_wrap(&line, pt_buf_str(head), 2, width);
    fputs(pt_buf_str(&line), stdout);
    pt_buf_free(&line);
    pt_buf_free(head);
    paragraph(opinion, 4, width);
}

/* The strings of arr joined with sep (、 or ", ") and wrapped as the
 * card's text (text_width), each line indented, a line breaking only
 * between two names (pt_text_wrap_names). */
static void names(const cJSON *arr, const char *sep, size_t indent, size_t width)
{
    size_t n;
    const char **all = pt_json_strings(arr, &n);
    pt_buf_t b = {0};
    pt_text_wrap_names(&b, all, n, sep, indent, text_width(width));
    fputs(pt_buf_str(&b), stdout);
    pt_buf_free(&b);
    free(all);
}

/* Why the proposal is in its state: the history entry that brought it
 * there (a return, withdrawal, rejection, conversion or reopening) holds
 * the reason, which the proposal itself does not keep. */
typedef struct {
    const char *action;      /* the action of that entry, or NULL */
    const char *reason;      /* its reason, or NULL */
    const char *returned_by; /* the unit that returned it, or NULL */
} why_t;

static why_t state_reason(const cJSON *history, const char *status)
{
    why_t w = {0};
    const cJSON *h;
    if (!status)
        return w;
    cJSON_ArrayForEach(h, pt_json_get(history, "items"))
    {
        const char *from = pt_json_str(h, "from"), *to = pt_json_str(h, "to");
        if (!to || strcmp(to, status) != 0 || (from && strcmp(from, to) == 0))
            continue;
        /* The last entry that entered the state counts. */
        const cJSON *changes = pt_json_get(h, "changes");
        w.action = pt_json_str(h, "action");
        w.reason = pt_json_str(pt_json_get(changes, "reason"), "to");
        w.returned_by = pt_json_str(pt_json_get(changes, "returned_by"), "to");
    }
    return w;
}

/* A reason wider than this goes below the table, wrapped. */
#define REASON_INLINE 60
/* The labels of the fields wrap at this when a custom field's name is
 * wider and leaves its value too little of the line: the width of the
 * widest of the card's own labels, 重点督办 Key supervision. */
#define LABEL_WRAP 24

/* Makes the fields' table fit `width` at an indent of 2: a custom
 * field's long name wraps in the labels' column, down to LABEL_WRAP, and
 * then a long value (a 代表团, a 督办 unit, a custom field's text) wraps in
 * its own, on lines below its row, down to NAME_WRAP_MIN; neither is cut. */
static void fit_fields(pt_table_t *t, size_t width)
{
    size_t label = pt_table_width(t, 0), value = pt_table_width(t, 1);
    if (2 + label + 2 + value <= width)
        return;
    if (label > LABEL_WRAP) {
        size_t room = room_left(width, 4 + value, LABEL_WRAP);
        if (label > room) {
            pt_table_set_wrap(t, 0, room);
            label = pt_table_width(t, 0);
        }
    }
    if (2 + label + 2 + value > width)
        pt_table_set_wrap(t, 1, room_left(width, 4 + label, NAME_WRAP_MIN));
}

static void print_fields(pt_cli_t *cli, const cJSON *p, const why_t *why, size_t width)
{
    pt_table_t *t = pt_table_new(2, NULL);
    const char *status = pt_json_str(p, "status");
    const cJSON *v;

    pt_table_row(t);
    pt_table_cell(t, 0, "状态 Status");
    pt_buf_t state = {0};
    pt_table_cellf(t, 1, "%s%s", pt_label_state_named(cli, status, &state),
                   pt_json_bool(p, "overdue", false) ? "  已逾期 OVERDUE" : "");
    pt_buf_free(&state);
    /* A unit reading it: its own part (主办·待答复), as its list shows. */
    pt_buf_t part = {0};
    pt_label_unit_part(p, &part);
    if (part.len) {
        pt_table_row(t);
        pt_table_cell(t, 0, "本单位 Your unit");
        const char *unit = pt_json_str(pt_json_get(p, "unit_part"), "name");
        /* The co units whose opinion a lead unit waits for, by name. */
        const cJSON *it;
        size_t named = 0;
        cJSON_ArrayForEach(it, pt_json_get(pt_json_get(p, "unit_part"), "awaiting"))
        {
            if (cJSON_IsString(it))
                pt_buf_printf(&part, "%s%s", named++ ? "、" : "（", it->valuestring);
        }
        if (named)
            pt_buf_puts(&part, "）");
        pt_table_cellf(t, 1, "%s：%s", unit ? unit : "?", pt_buf_str(&part));
    }
    pt_buf_free(&part);
    if (why->returned_by)
        kv(t, "退回单位 Returned by", why->returned_by);
    if (why->reason) {
        pt_table_row(t);
        pt_table_cell(t, 0, "原因 Reason");
        pt_buf_t act = {0};
        pt_label_named(pt_label_action(cli, why->action), why->action, &act);
        if (pt_text_width(why->reason) > REASON_INLINE)
            pt_table_cellf(t, 1, "%s，见下 (below)", pt_buf_str(&act));
        else
            pt_table_cellf(t, 1, "%s：%s", pt_buf_str(&act), why->reason);
        pt_buf_free(&act);
    }
    kv(t, "编号 Number", pt_json_str(p, "number"));
    kv_coded(t, "类型 Kind", pt_json_str(p, "kind"), pt_label_kind(pt_json_str(p, "kind")));
    kv(t, "届次 Session", pt_json_str(p, "session"));
    kv(t, "代表团 Delegation", pt_json_str(p, "delegation"));
    kv(t, "领衔 Lead author", pt_json_str(p, "lead_author"));
    /* Thirty co-signers make one line of hundreds of columns: past the
     * width of a line they are counted here and listed, wrapped, below. */
    char *co = pt_json_join(pt_json_get(p, "co_signers"), "、");
    if (pt_text_width(co) > LIST_INLINE) {
        pt_table_row(t);
        pt_table_cell(t, 0, "联名 Co-signers");
        pt_table_cellf(t, 1, "%d 人，见下 (%d, listed below)",
                       cJSON_GetArraySize(pt_json_get(p, "co_signers")),
                       cJSON_GetArraySize(pt_json_get(p, "co_signers")));
    } else {
        kv_names(t, "联名 Co-signers", pt_json_get(p, "co_signers"), "、");
    }
    free(co);
    kv_coded(t, "提出方式 Submitted as", pt_json_str(p, "submitter_type"),
             pt_label_submitter(pt_json_str(p, "submitter_type")));
    kv(t, "类别 Category", pt_json_str(p, "category"));
    /* Tags are listed below as co-signers are, where a line breaks
     * between two tags rather than inside one. */
    char *tags = pt_json_join(pt_json_get(p, "tags"), ", ");
    if (pt_text_width(tags) > LIST_INLINE) {
        pt_table_row(t);
        pt_table_cell(t, 0, "标签 Tags");
        pt_table_cellf(t, 1, "%d 个，见下 (%d, listed below)",
                       cJSON_GetArraySize(pt_json_get(p, "tags")),
                       cJSON_GetArraySize(pt_json_get(p, "tags")));
    } else {
        kv_names(t, "标签 Tags", pt_json_get(p, "tags"), ", ");
    }
    free(tags);
    kv_coded(t, "办理方式 Handling", pt_json_str(p, "handling_mode"),
             pt_label_mode(pt_json_str(p, "handling_mode")));
    /* A 分办 proposal stays where it is until every unit has replied: who
     * is still awaited, as ptrack do says after a reply and the history
     * names them, so that the state alone does not hide it. */
    size_t n;
    const char **waiting = pt_awaiting_replies(p, &n);
    if (n > 0) {
        /* Wrapped, as the list of co-signers is, between two units. */
        pt_table_row(t);
        pt_table_cell(t, 0, "待答复单位 Awaiting");
        pt_table_cell_names(t, 1, waiting, n, "、");
    }
    free(waiting);
    kv_time(t, "交办 Assigned", pt_json_str(p, "assigned_at"));
    kv_time(t, "重新办理 Rehandling", pt_json_str(p, "rehandling_at"));
    /* Only where an assignment came after a reply: the replies from before
     * it, still listed, answer none of it. */
    if (pt_json_str(p, "replies_from"))
        kv_time(t, "答复起算 Replies from", pt_json_str(p, "replies_from"));
    /* A deadline that does not run in this state (returned, replied,
     * closed) is kept, but it binds no one: said so, where the list leaves
     * it out and ptrack do does not name it. */
    const char *due = pt_json_str(p, "due_at");
    if (due && *due && !pt_state_clock_runs(cli, status)) {
        char when[40];
        pt_table_row(t);
        pt_table_cell(t, 0, "期限 Due");
        pt_table_cellf(t, 1, "%s（%s，不计时 not running）",
                       pt_time_show(due, PT_TIME_MINUTE, when, sizeof when),
                       pt_label_state(cli, status));
    } else {
        kv_time(t, "期限 Due", due);
    }
    if (pt_json_bool(p, "key_supervision", false)) {
        const char *sup = pt_json_str(p, "supervisor");
        pt_table_row(t);
        pt_table_cell(t, 0, "重点督办 Key supervision");
        pt_table_cellf(t, 1, "是 yes%s%s", sup && *sup ? "，督办：" : "", sup && *sup ? sup : "");
    }
    v = pt_json_get(p, "merged_into");
    if (cJSON_IsNumber(v) && v->valuedouble > 0) {
        pt_table_row(t);
        pt_table_cell(t, 0, "并入 Merged into");
        pt_table_cellf(t, 1, "#%.0f", v->valuedouble);
    }
    v = pt_json_get(p, "source");
    if (cJSON_IsObject(v)) {
        const char *fmt = pt_json_str(v, "format"), *ref = pt_json_str(v, "ref");
        pt_table_row(t);
        pt_table_cell(t, 0, "来源 Source");
        pt_table_cellf(t, 1, "%s%s%s", fmt ? fmt : "", fmt && ref ? " " : "", ref ? ref : "");
    }
    /* custom is an object of strings (PRODUCT.md); anything else in an
     * answer is passed over, as other fields of a type they cannot have. */
    v = pt_json_get(p, "custom");
    if (cJSON_IsObject(v)) {
        const cJSON *e;
        cJSON_ArrayForEach(e, v)
        {
            if (!cJSON_IsString(e))
                continue;
            pt_table_row(t);
            pt_table_cellf(t, 0, "%s (custom)", e->string);
            pt_table_cell(t, 1, e->valuestring);
        }
    }
    pt_table_row(t);
    pt_table_cell(t, 0, "版本 Version");
    pt_table_cellf(t, 1, "%.0f", pt_json_num(p, "version", 0));
    kv_time(t, "创建 Created", pt_json_str(p, "created_at"));
    kv_time(t, "更新 Updated", pt_json_str(p, "updated_at"));
    fit_fields(t, width);
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
}

/* What a table printed at an indent of 2 leaves of `width` for its
 * last column, after its other columns and the gaps between them: at
 * least `least`, so that a table of very wide names still shows some of
 * it. */
static size_t last_column_room(const pt_table_t *t, size_t ncols, size_t least, size_t width)
{
    size_t used = 2 + 2 * (ncols - 1);
    for (size_t c = 0; c + 1 < ncols; c++)
        used += pt_table_width(t, c);
    return room_left(width, used, least);
}

/* An opinion is cut in the units' table at no more than this, and at
 * less when the other columns leave less of the line. */
#define OPINION_INLINE 40
/* ... but at no fewer than this: its header's width. */
#define OPINION_MIN 12

static void print_units(const cJSON *units, size_t width)
{
    static const char *const header[] = {"单位 unit", "角色 role", "签收 signed", "意见 opinion at",
                                         "意见 opinion"};
    const cJSON *u;
    char a[40], b[40];
    if (cJSON_GetArraySize(units) == 0)
        return;
    pt_table_t *t = pt_table_new(5, header);
    /* The card fits its width: the opinion takes what the unit, its role
     * and the two times leave of the line, up to OPINION_INLINE. */
    pt_table_set_max(t, 4, OPINION_INLINE);
    pt_table_set_fit(t, 4, width, OPINION_MIN);
    cJSON_ArrayForEach(u, units)
    {
        pt_table_row(t);
        pt_table_cell(t, 0, pt_json_str(u, "name"));
        pt_table_cell(t, 1, pt_label_role(pt_json_str(u, "role")));
        pt_table_cell(t, 2, pt_time_show(pt_json_str(u, "signed_at"), PT_TIME_MINUTE, a, sizeof a));
        pt_table_cell(t, 3,
                      pt_time_show(pt_json_str(u, "opinion_at"), PT_TIME_MINUTE, b, sizeof b));
        pt_table_cell(t, 4, pt_json_str(u, "opinion"));
    }
    /* A unit's name that leaves the opinion less than OPINION_MIN wraps
     * in its column, on lines below its row: it is never cut, as it is
     * what a person looks for (内蒙古自治区发展和改革委员会（自治区粮食和物资
     * 储备局）takes 56 columns). */
    size_t others = 2 + 2 * 4 + OPINION_MIN;
    for (size_t c = 1; c < 4; c++)
        others += pt_table_width(t, c);
    size_t unit_room = room_left(width, others, NAME_WRAP_MIN);
    if (pt_table_width(t, 0) > unit_room)
        pt_table_set_wrap(t, 0, unit_room);
    /* As the table cuts it. */
    size_t room = last_column_room(t, 5, OPINION_MIN, width);
    size_t max = room < OPINION_INLINE ? room : OPINION_INLINE;
    section("承办单位 Units");
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
    /* An opinion is often long: the table shows its start, and here it is
     * whole, after the unit's name, which wraps as the card's width asks. */
    cJSON_ArrayForEach(u, units)
    {
        const char *op = pt_json_str(u, "opinion");
        if (op && pt_text_width(op) > max) {
            pt_buf_t line = {0}, head = {0};
            const char *name = pt_json_str(u, "name");
            pt_buf_printf(&head, "%s 的意见 opinion:", one_line(&line, name ? name : "?"));
            opinion_whole(&head, op, width);
            pt_buf_free(&line);
        }
    }
}

/* The unit of name in units (an array of {name, ...}), or NULL. */
static const cJSON *unit_named(const cJSON *units, const char *name)
{
    const cJSON *u;
    cJSON_ArrayForEach(u, units)
    {
        const char *n = pt_json_str(u, "name");
        if (n && name && strcmp(n, name) == 0)
            return u;
    }
    return NULL;
}

/* A co unit may give its opinion (协办意见) again, and the proposal keeps
 * the latest, which the units' table shows as the one in force. The ones
 * it replaced are in the history (each opinion's entry holds the units
 * before and after it): listed here, oldest first, each marked with when
 * it was replaced, as a supplementary reply is listed beside the answer,
 * so that nothing a unit gave is lost from the card. */
static void print_earlier_opinions(pt_cli_t *cli, const cJSON *history, size_t width)
{
    const cJSON *h, *u;
    bool any = false;
    cJSON_ArrayForEach(h, pt_json_get(history, "items"))
    {
        const char *action = pt_json_str(h, "action");
        const cJSON *units = pt_json_get(pt_json_get(h, "changes"), "units");
        if (!action || !units || strcmp(pt_action_effect(cli, action), "opinion") != 0)
            continue;
        cJSON_ArrayForEach(u, pt_json_get(units, "from"))
        {
            const char *name = pt_json_str(u, "name"), *op = pt_json_str(u, "opinion");
            const char *at = pt_json_str(u, "opinion_at");
            const cJSON *now = unit_named(pt_json_get(units, "to"), name);
            const char *now_at = pt_json_str(now, "opinion_at");
            if (!op || !at || (now_at && strcmp(now_at, at) == 0))
                continue;
            if (!any)
                section("先前意见 Earlier opinions (replaced 已被替换)");
            any = true;
            char a[40], b[40];
            pt_buf_t line = {0}, head = {0};
            pt_buf_printf(&head, "%s  %s 的意见，%s 由新意见替换 (replaced)",
                          one_line(&line, name ? name : "?"),
                          pt_time_show(at, PT_TIME_MINUTE, a, sizeof a),
                          pt_time_show(pt_json_str(h, "at"), PT_TIME_MINUTE, b, sizeof b));
            opinion_whole(&head, op, width);
            pt_buf_free(&line);
        }
    }
}

/* Makes the replies' table fit `width` columns at an indent of 2 by
 * wrapping cells in their columns rather than cutting them, the least
 * harmful first: the time onto two lines (the hour under the date), then
 * the category's meaning (a gloss on its letter), in lines of even length
 * so that none holds a last character alone, down to its header's width;
 * only then, when a unit's name and a 文号 are still too wide together,
 * the wider of them in turn, down to NAME_WRAP_MIN each. On an ordinary
 * day both stay whole, as they are what a person looks for and quotes. */
static void fit_replies(pt_table_t *t, size_t line)
{
    enum { UNIT = 1, DOC = 2, AT = 4, CAT = 5, NCOLS = 6 };
    size_t width[NCOLS], wrap[NCOLS] = {0};
    size_t total = 2 + 2 * (NCOLS - 1);
    for (size_t c = 0; c < NCOLS; c++) {
        width[c] = pt_table_width(t, c);
        total += width[c];
    }
    size_t over = total > line ? total - line : 0;
    size_t date = strlen("2026-03-15");
    if (over > 0 && width[AT] > date) {
        /* It breaks at the blank: the column is the date's width then. */
        wrap[AT] = date;
        over = over > width[AT] - date ? over - (width[AT] - date) : 0;
        width[AT] = date;
    }
    size_t cat_min = pt_text_width("类别 category");
    if (over > 0 && width[CAT] > cat_min) {
        size_t room = width[CAT] > over + cat_min ? width[CAT] - over : cat_min;
        size_t lines = (width[CAT] + room - 1) / room;
        size_t even = (width[CAT] + lines - 1) / lines + 1;
        wrap[CAT] = even < room && even >= cat_min ? even : room;
        over = over > width[CAT] - room ? over - (width[CAT] - room) : 0;
    }
    while (over > 0 && (width[UNIT] > NAME_WRAP_MIN || width[DOC] > NAME_WRAP_MIN)) {
        size_t c = width[UNIT] >= width[DOC] && width[UNIT] > NAME_WRAP_MIN ? UNIT : DOC;
        wrap[c] = --width[c];
        over--;
    }
    for (size_t c = 0; c < NCOLS; c++)
        if (wrap[c])
            pt_table_set_wrap(t, c, wrap[c]);
}

/* The replies as a table, so that their units, 文号, kinds, times and
 * categories line up whatever their widths; each one's text follows its
 * line, wrapped. The category, with its meaning the widest cell, comes
 * last. */
static void print_replies(const cJSON *replies, size_t width)
{
    static const char *const header[] = {"#",         "单位 unit", "文号 doc no.",
                                         "种类 kind", "时间 at",   "类别 category"};
    const cJSON *r;
    size_t i = 0;
    char at[40];
    if (cJSON_GetArraySize(replies) == 0)
        return;
    pt_table_t *t = pt_table_new(6, header);
    pt_table_set_right(t, 0);
    /* The text starts under the unit: after the indent, the widest [n]
     * and the gap between columns. */
    char widest[32];
    size_t indent =
        2 + (size_t)snprintf(widest, sizeof widest, "[%d]", cJSON_GetArraySize(replies)) + 2;
    cJSON_ArrayForEach(r, replies)
    {
        const char *cat = pt_json_str(r, "category");
        const char *kind = pt_json_str(r, "kind");
        const char *text = pt_json_str(r, "text");
        const char *unit = pt_json_str(r, "unit");
        pt_table_row(t);
        pt_table_cellf(t, 0, "[%zu]", ++i);
        pt_table_cell(t, 1, unit ? unit : "?");
        pt_table_cell(t, 2, pt_json_str(r, "doc_no"));
        if (kind && *kind)
            pt_table_cell(t, 3, pt_label_reply_kind(kind));
        pt_table_cell(t, 4,
                      pt_time_show(pt_json_str(r, "replied_at"), PT_TIME_MINUTE, at, sizeof at));
        if (cat && *cat)
            pt_table_cellf(t, 5, "%s类（%s）", cat, pt_label_reply_category(cat));
        if (text && *text) {
            pt_buf_t b = {0};
            pt_text_wrap(&b, text, indent, text_width(width));
            pt_table_note(t, pt_buf_str(&b));
            pt_buf_free(&b);
        }
    }
    fit_replies(t, width);
    section("答复 Replies");
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
}

static void print_feedback(const cJSON *feedback, size_t width)
{
    static const char *const header[] = {"评价人 person", "满意度 satisfaction", "时间 at",
                                         "意见 comment"};
    const cJSON *f;
    char at[40];
    if (cJSON_GetArraySize(feedback) == 0)
        return;
    pt_table_t *t = pt_table_new(4, header);
    cJSON_ArrayForEach(f, feedback)
    {
        const char *s = pt_json_str(f, "satisfaction");
        pt_table_row(t);
        pt_table_cell(t, 0, pt_json_str(f, "person"));
        if (s) {
            pt_buf_t named = {0};
            pt_table_cell(t, 1, pt_label_named(pt_label_satisfaction(s), s, &named));
            pt_buf_free(&named);
        }
        pt_table_cell(t, 2, pt_time_show(pt_json_str(f, "at"), PT_TIME_MINUTE, at, sizeof at));
        pt_table_cell(t, 3, pt_json_str(f, "comment"));
    }
    /* A delegate's comment is often a paragraph: it wraps in its column,
     * on lines below its row, so that the card fits its width and every
     * word of it is there. Where the others leave it less than it needs,
     * up to FEEDBACK_WRAP_MIN (an 80-column terminal), it goes below its
     * row instead, on lines of its own, as a reply's text does. */
    size_t comment = pt_table_width(t, 3);
    if (comment > FEEDBACK_WRAP_MIN)
        comment = FEEDBACK_WRAP_MIN;
    size_t person = pt_table_width(t, 0), least = pt_text_width(header[0]);
    if (least < NAME_WRAP_MIN)
        least = NAME_WRAP_MIN;
    if (person > least)
        person = least;
    size_t beside = 2 + 2 * 3 + person + pt_table_width(t, 1) + pt_table_width(t, 2) + comment;
    size_t others;
    if (beside > width) {
        pt_table_set_below(t, 3, 4, text_width(width));
        /* Narrower still (60 columns), the time goes onto two lines, the
         * hour under the date, as a reply's does. */
        size_t date = strlen("2026-03-15");
        if (2 + 2 * 2 + person + pt_table_width(t, 1) + pt_table_width(t, 2) > width &&
            pt_table_width(t, 2) > date)
            pt_table_set_wrap(t, 2, date);
        others = 2 + 2 * 2 + pt_table_width(t, 1) + pt_table_width(t, 2);
    } else {
        others = 2 + 2 * 3 + pt_table_width(t, 1) + pt_table_width(t, 2) + comment;
    }
    /* A person's name (a delegation's, a group's) that would leave the
     * comment less than it needs, or the row wider than the card, wraps
     * in its column, and is never cut: a short comment (很好) leaves the
     * name the rest of the line, so that it wraps only where the row
     * would not fit. */
    size_t room = room_left(width, others, NAME_WRAP_MIN);
    if (pt_table_width(t, 0) > room)
        pt_table_set_wrap(t, 0, room);
    if (beside <= width) {
        room = last_column_room(t, 4, FEEDBACK_WRAP_MIN, width);
        if (pt_table_width(t, 3) > room)
            pt_table_set_wrap(t, 3, room);
    }
    section("评价 Feedback");
    pt_table_print(t, stdout, 2);
    pt_table_free(t);
}

/* The card, its lines within `width` columns (LINE_WIDTH unless --width
 * says), where a table's columns can give that much up. */
static void print_card(pt_cli_t *cli, const cJSON *p, const cJSON *history, size_t width)
{
    why_t why = state_reason(history, pt_json_str(p, "status"));
    const char *title = pt_json_str(p, "title");
    const char *bg = pt_json_str(p, "background");
    const cJSON *recs = pt_json_get(p, "recommendations");
    const cJSON *r;

    /* A long title wraps at the card's width, under itself. */
    pt_buf_t line = {0}, head = {0};
    char id[32];
    size_t indent = (size_t)snprintf(id, sizeof id, "#%.0f  ", pt_json_num(p, "id", 0));
    pt_text_wrap(&head, one_line(&line, title), indent, width);
    if (strcspn(pt_buf_str(&head), "\n") >= indent) {
        memcpy(head.s, id, indent);
        printf("%s\n", pt_buf_str(&head));
    } else {
        printf("%.*s\n\n", (int)(indent - 2), id);
    }
    pt_buf_free(&line);
    pt_buf_free(&head);
    print_fields(cli, p, &why, width);
    if (why.reason && pt_text_width(why.reason) > REASON_INLINE) {
        section("原因 Reason");
        paragraph(why.reason, 2, width);
    }
    char *co = pt_json_join(pt_json_get(p, "co_signers"), "、");
    if (pt_text_width(co) > LIST_INLINE) {
        section("联名 Co-signers");
        names(pt_json_get(p, "co_signers"), "、", 2, width);
    }
    free(co);
    char *tags = pt_json_join(pt_json_get(p, "tags"), ", ");
    if (pt_text_width(tags) > LIST_INLINE) {
        section("标签 Tags");
        names(pt_json_get(p, "tags"), ", ", 2, width);
    }
    free(tags);
    if (bg && *bg) {
        section("背景 Background");
        paragraph(bg, 2, width);
    }
    if (cJSON_GetArraySize(recs) > 0) {
        size_t i = 0;
        section("建议内容 Recommendations");
        cJSON_ArrayForEach(r, recs)
        {
            if (!cJSON_IsString(r))
                continue;
            pt_buf_t b = {0};
            char num[16];
            snprintf(num, sizeof num, "%zu.", ++i);
            /* The number hangs in the margin of the first line; the text
             * wraps under itself. Line breaks before the text (as an import
             * may leave them) are no part of it, and an empty one still
             * shows its number: the numbers stay those of the list. */
            const char *text = r->valuestring;
            while (*text == '\n' || *text == '\r')
                text++;
            pt_text_wrap(&b, text, 6, text_width(width));
            if (strcspn(pt_buf_str(&b), "\n") >= 6) {
                memcpy(b.s + 2, num, strlen(num) < 4 ? strlen(num) : 4);
                fputs(pt_buf_str(&b), stdout);
            } else {
                printf("  %s\n", num);
            }
            pt_buf_free(&b);
        }
    }
    print_units(pt_json_get(p, "units"), width);
    print_earlier_opinions(cli, history, width);
    print_replies(pt_json_get(p, "replies"), width);
    print_feedback(pt_json_get(p, "feedback"), width);
}

static int run(pt_cli_t *cli, const pt_args_t *args)
{
    long long id, width = (long long)pt_out_width();
    int rc = pt_cli_id(cli, args->pos[0], &id);
    if (rc == PT_EXIT_OK)
        rc = pt_cli_width(cli, args, &width);
    if (rc != PT_EXIT_OK)
        return rc;
    char path[64];
    snprintf(path, sizeof path, "/v1/proposals/%lld", id);
    pt_response_t resp;
    rc = pt_cli_call(cli, "GET", path, NULL, &(pt_request_opts_t){.retry_after_send = true}, &resp,
                     NULL);
    if (rc == PT_EXIT_OK) {
        if (cli->json) {
            pt_json_print(resp.json, stdout);
        } else {
            /* The reason of a return or withdrawal is in the history. The
             * card is worth showing without it: a failure here is passed
             * over. */
            pt_response_t hist;
            snprintf(path, sizeof path, "/v1/proposals/%lld/history", id);
            if (pt_client_request(pt_cli_client(cli), "GET", path, NULL, NULL, &hist) != 0 ||
                hist.status != 200) {
                cJSON_Delete(hist.json);
                hist.json = NULL;
            }
            print_card(cli, resp.json, hist.json, (size_t)width);
            pt_response_free(&hist);
        }
    }
    pt_response_free(&resp);
    return rc;
}

const pt_command_t pt_cmd_show = {
    .name = "show",
    .args = "ID",
    .summary = "show one proposal: every field, its units, replies and feedback",
    .description = "Asks GET /v1/proposals/ID and prints it as a card, labelled in Chinese and\n"
                   "English. Times are shown in local time. The card fits 100 columns, or a\n"
                   "narrower terminal's width (--width N: N), a cell too wide for its column\n"
                   "going on below it, in its column; text wraps at 80 columns, or at N where\n"
                   "that is narrower. With --json: the proposal as ptrackd sent it.\n",
    .opts = opts,
    .min_pos = 1,
    .max_pos = 1,
    .run = run,
};
