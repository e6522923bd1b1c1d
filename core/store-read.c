/*
 * store-read.c - reads: one proposal, lists with filters and cursors,
 * history, the change feed and statistics.
 *
 * Each read runs on a thread of libuv's pool with a read connection of its
 * own, inside one read transaction, so that what it returns is one
 * consistent snapshot even while the writer commits.
 *
 * Lists page with keyset cursors: a cursor holds the sort value and the id
 * of the last item shown (after a letter naming the sort), and the next
 * page starts strictly after that pair. Unlike an offset, this neither repeats nor skips an item
 * when proposals are added or deleted between pages.
 */
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "buf.h"
#include "json-strict.h"
#include "timefmt.h"

static bool is_overdue(sqlite3_stmt *st, int clock_col, int due_col, int64_t now)
{
    return sqlite3_column_int(st, clock_col) && sqlite3_column_type(st, due_col) != SQLITE_NULL &&
           sqlite3_column_int64(st, due_col) < now;
}

/* Appends a stored document with its "overdue" member, and first its
 * "unit_part" when part_col (>= 0) holds one (unit_part_col). */
static void append_doc(pt_buf_t *b, sqlite3_stmt *st, int doc_col, bool overdue, int part_col)
{
    const char *doc = (const char *)sqlite3_column_text(st, doc_col);
    size_t len = (size_t)sqlite3_column_bytes(st, doc_col);
    size_t n;
    char *full = doc ? pt_doc_with_overdue(doc, len, overdue, &n) : NULL;
    if (!full) {
        b->failed = true;
        return;
    }
    const char *part = part_col >= 0 ? (const char *)sqlite3_column_text(st, part_col) : NULL;
    if (part)
        pt_buf_printf(b, "{\"unit_part\":%s,", part);
    /* full is "{\"overdue\":...": after a unit_part, without its brace. */
    pt_buf_append(b, full + (part != NULL), n - (part != NULL));
    free(full);
}

/* ---- Lists ----------------------------------------------------------- */

/* Bound parameters of a list query, in order of their ?N. */
typedef struct {
    enum { P_TEXT, P_INT } type[64];
    const char *text[64];
    char *owned[64];
    int64_t num[64];
    int n;
} params_t;

static int param_text(params_t *p, const char *s)
{
    p->type[p->n] = P_TEXT;
    p->text[p->n] = s;
    p->owned[p->n] = NULL;
    return ++p->n;
}

static int param_owned(params_t *p, char *s)
{
    int i = param_text(p, s);
    p->owned[i - 1] = s;
    return i;
}

static int param_int(params_t *p, int64_t v)
{
    p->type[p->n] = P_INT;
    p->num[p->n] = v;
    p->owned[p->n] = NULL;
    return ++p->n;
}

static void params_free(params_t *p)
{
    for (int i = 0; i < p->n; i++)
        free(p->owned[i]);
}

/* "abc" as an FTS5 string: in double quotes, inner quotes doubled. */
static char *fts_phrase(const char *s, size_t len)
{
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_append(&b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            pt_buf_append(&b, "\"", 1);
        pt_buf_append(&b, &s[i], 1);
    }
    pt_buf_append(&b, "\"", 1);
    return pt_buf_take(&b, NULL);
}

/* "%word%" for LIKE, the word's % _ \ escaped. */
static char *like_pattern(const char *s, size_t len)
{
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_append(&b, "%", 1);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            pt_buf_append(&b, "\\", 1);
        pt_buf_append(&b, &s[i], 1);
    }
    pt_buf_append(&b, "%", 1);
    return pt_buf_take(&b, NULL);
}

static size_t utf8_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xc0) != 0x80;
    return n;
}

/* The length of the space at s that separates search words, or 0: ASCII
 * white space (1), and every other Unicode space (White_Space, as
 * pt_str_blank takes them): the no-break space U+00A0 (2), which a page or
 * a word processor puts between words and a Mac types with Option-Space,
 * U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F and the
 * ideographic space U+3000 (3). The zero-width characters are none: they
 * are folded away inside a word (pt_fold). */
static size_t space_len(const char *s)
{
    const unsigned char *u = (const unsigned char *)s;
    if (u[0] == ' ' || (u[0] >= '\t' && u[0] <= '\r'))
        return 1;
    if (u[0] == 0xc2 && u[1] == 0xa0)
        return 2;
    if (u[0] == 0xe1 && u[1] == 0x9a && u[2] == 0x80) /* U+1680 */
        return 3;
    if (u[0] == 0xe2 && u[1] == 0x80 &&
        ((u[2] >= 0x80 && u[2] <= 0x8a) || u[2] == 0xa8 || u[2] == 0xa9 || u[2] == 0xaf))
        return 3;                                     /* U+2000..U+200A, U+2028, U+2029, U+202F */
    if (u[0] == 0xe2 && u[1] == 0x81 && u[2] == 0x9f) /* U+205F */
        return 3;
    if (u[0] == 0xe3 && u[1] == 0x80 && u[2] == 0x80)
        return 3;
    return 0;
}

/* The length of the quotation mark at s that a search word may be put in
 * (typed around it, or pasted with it): " ' ＂ ＇ “ ” ‘ ’ 「 」 『 』 〝 〞 〟
 * « » ‹ ›, or 0.
 * They are no part of the word: "双减" finds “双减” and 「双减」 alike. */
static size_t quote_len(const char *s, size_t len)
{
    static const char *const quotes[] = {"\"",           "'",
                                         "\xef\xbc\x82", "\xef\xbc\x87",
                                         "\xe2\x80\x9c", "\xe2\x80\x9d",
                                         "\xe2\x80\x98", "\xe2\x80\x99",
                                         "\xe3\x80\x8c", "\xe3\x80\x8d",
                                         "\xe3\x80\x8e", "\xe3\x80\x8f",
                                         "\xe3\x80\x9d", "\xe3\x80\x9e",
                                         "\xe3\x80\x9f", "\xc2\xab",
                                         "\xc2\xbb",     "\xe2\x80\xb9",
                                         "\xe2\x80\xba", NULL};
    for (const char *const *q = quotes; *q; q++) {
        size_t n = strlen(*q);
        if (n <= len && memcmp(s, *q, n) == 0)
            return n;
    }
    return 0;
}

/* Cuts the quotation marks off both ends of the word *s, *len long. */
static void trim_quotes(const char **s, size_t *len)
{
    size_t n;
    while (*len && (n = quote_len(*s, *len)) != 0) {
        *s += n;
        *len -= n;
    }
    for (bool cut = true; cut && *len;) {
        cut = false;
        for (size_t k = 1; k <= 3 && k <= *len; k++)
            if (quote_len(*s + *len - k, k) == k) {
                *len -= k;
                cut = true;
                break;
            }
    }
}

/* The length of the Chinese punctuation at s that separates search words
 * as a space does, or 0: ， 、 ； 。 ： ！ ？ (full-width, as typed between
 * the words of a Chinese search: 饮水，教育 looks for both). ASCII , and ;
 * are none: they stand inside numbers and names (1,000万元). */
static size_t punct_len(const char *s)
{
    static const char *const marks[] = {
        "\xef\xbc\x8c", "\xe3\x80\x81", "\xef\xbc\x9b", "\xe3\x80\x82",
        "\xef\xbc\x9a", "\xef\xbc\x81", "\xef\xbc\x9f", NULL};
    for (const char *const *m = marks; *m; m++)
        if (strncmp(s, *m, 3) == 0)
            return 3;
    return 0;
}

/* Whether the n bytes at s are quotation marks (quote_len) and Chinese
 * punctuation (punct_len) alone. */
static bool marks_only(const char *s, size_t n)
{
    while (n > 0) {
        size_t k = punct_len(s);
        if (!k)
            k = quote_len(s, n);
        if (!k || k > n)
            return false;
        s += k;
        n -= k;
    }
    return true;
}

/* s past the Chinese punctuation there, and past the quotation marks that
 * stand between it and a space or more punctuation: what is left of a
 * word put in quotation marks with the punctuation inside them ("，饮水",
 * 饮水，") is no word of its own. */
static const char *past_marks(const char *s)
{
    for (;;) {
        size_t k = punct_len(s), f = 0;
        if (!k)
            while (s[f] && !space_len(s + f) && !punct_len(s + f))
                f++;
        if (!k && !(f > 0 && marks_only(s, f)))
            return s;
        s += k ? k : f;
    }
}

/* The next search word of the text at *cur: into *w and *len, *cur past
 * it; false when there is none. Words are split on spaces of any kind
 * (space_len) and on Chinese punctuation (punct_len). What stands between
 * spaces and holds nothing but punctuation and quotation marks is a word
 * of its own only in a search of nothing else (marks): looked for as it
 * is, without its quotation marks (，, or “，”, looks for ，; quotation
 * marks alone are looked for as they are: add_text_filter). Beside other
 * words it is passed over, as the punctuation between words is: 饮水 ，
 * 教育, typed with spaces around the comma, looks for 饮水 and 教育. */
static bool next_word(const char **cur, const char **w, size_t *len, bool marks)
{
    const char *s = *cur;
    size_t t;
    for (;;) {
        while (space_len(s))
            s += space_len(s);
        if (!*s) {
            *cur = s;
            return false;
        }
        t = 0;
        while (s[t] && !space_len(s + t))
            t++;
        if (!marks_only(s, t))
            break;
        if (marks) {
            *w = s;
            *len = t;
            *cur = s + t;
            return true;
        }
        s += t;
    }
    /* Something else than marks stands here: the word is the next run
     * of it between marks. */
    s = past_marks(s);
    const char *e = s;
    while (*e && !space_len(e) && !punct_len(e))
        e++;
    *w = s;
    *len = (size_t)(e - s);
    *cur = past_marks(e);
    return true;
}

/* The words of q, as next_word reads them: its marks alone are words
 * only when it has no other (*marks). */
static size_t count_words(const char *q, bool *marks)
{
    size_t n = 0, len;
    const char *s = q ? q : "", *w;
    while (next_word(&s, &w, &len, false))
        n++;
    *marks = n == 0;
    if (*marks)
        for (s = q ? q : ""; next_word(&s, &w, &len, true);)
            n++;
    return n;
}

size_t pt_search_words(const char *q)
{
    bool marks;
    return count_words(q, &marks);
}

/* The full-text condition. Each word of q (next_word) must occur,
 * folded as the index holds the text (pt_fold: full-width forms as ASCII,
 * letters in lower case); a word of three characters or more is looked up
 * in the trigram index, a shorter one (which a trigram index cannot find)
 * with LIKE over the same columns. The proposals an import listed for
 * search and the index does not hold yet (store-search.c) are looked
 * through too, every word with LIKE over the same text taken from their
 * documents, folded alike; the list is empty but for a while after an
 * import or an upgrade to schema 18 or 21. */
static void add_text_filter(pt_buf_t *sql, params_t *p, const char *q)
{
    pt_buf_t match, fts_like, pending;
    pt_buf_init(&match);
    pt_buf_init(&fts_like);
    pt_buf_init(&pending);
    const char *s = q, *word, *w;
    size_t wlen, len;
    bool marks;
    count_words(q, &marks);
    while (next_word(&s, &word, &wlen, marks)) {
        w = word;
        len = wlen;
        trim_quotes(&w, &len);
        if (!len) { /* quotation marks alone are looked for as they are */
            w = word;
            len = wlen;
        }
        /* The API refuses more words (pt_search_words); this keeps the
         * statement within its parameters whatever the caller. */
        if (p->n >= 60)
            break;
        size_t flen = 0;
        char *folded = pt_fold(w, len, &flen);
        int i = param_owned(p, folded ? like_pattern(folded, flen) : NULL);
        /* LIKE folds ASCII by itself; a word with other letters that fold
         * (É), or with characters that full-width ones fold into (2025
         * finds ２０２５), has the document's text folded too. */
        const char *f = pt_fold_matters(w, len) ? "pt_fold" : "";
        pt_buf_printf(&pending,
                      " AND (%s(json_extract(d.doc, '$.title')) LIKE ?%d ESCAPE '\\'"
                      " OR %s(json_extract(d.doc, '$.background')) LIKE ?%d ESCAPE '\\'"
                      " OR %s((SELECT group_concat(r.value, char(10))"
                      " FROM json_each(d.doc, '$.recommendations') r)) LIKE ?%d ESCAPE '\\')",
                      f, i, f, i, f, i);
        /* Counted folded: a variation selector is no character of its
         * own to the index. */
        if (folded ? utf8_chars(folded, flen) >= 3 : utf8_chars(w, len) >= 3) {
            char *ph = folded ? fts_phrase(folded, flen) : NULL;
            if (match.len)
                pt_buf_puts(&match, " AND ");
            pt_buf_puts(&match, ph ? ph : "\"\"");
            free(ph);
        } else {
            /* The index's columns hold the text folded already. */
            pt_buf_printf(&fts_like,
                          " AND (title LIKE ?%d ESCAPE '\\'"
                          " OR background LIKE ?%d ESCAPE '\\'"
                          " OR recommendations LIKE ?%d ESCAPE '\\')",
                          i, i, i);
        }
        free(folded);
    }
    if (pending.len) {
        pt_buf_puts(sql, " AND p.id IN (SELECT rowid FROM proposals_fts WHERE 1");
        if (match.len)
            pt_buf_printf(sql, " AND proposals_fts MATCH ?%d",
                          param_owned(p, pt_buf_take(&match, NULL)));
        if (fts_like.len)
            pt_buf_append(sql, fts_like.data, fts_like.len);
        /* CROSS JOIN keeps the list the outer loop, so that an empty
         * list costs nothing. SQLite has no statistics of an empty table
         * and guesses it as large as any; with a plain JOIN it read every
         * proposal's document to look each up in the list (a second a
         * search at 100,000 proposals). */
        pt_buf_puts(sql, " UNION ALL SELECT d.id FROM search_pending s"
                         " CROSS JOIN proposals d ON d.id = s.proposal_id WHERE 1");
        pt_buf_append(sql, pending.data, pending.len);
        pt_buf_puts(sql, ")");
    }
    pt_buf_free(&match);
    pt_buf_free(&fts_like);
    pt_buf_free(&pending);
}

static const char *sort_expr(pt_sort_key_t k)
{
    switch (k) {
    case PT_SORT_CREATED:
        return "p.created_at";
    case PT_SORT_UPDATED:
        return "p.updated_at";
    case PT_SORT_DUE:
        return PT_SQL_DUE_KEY("p.clock", "p.due_at");
    case PT_SORT_ID:
        break;
    }
    return "p.id";
}

/* Whether p's deadline runs, as the reads of q see it (into buf): for the
 * proposal, or, in a unit's scope (a unit's own reads, a list filtered by
 * unit), for that unit (PT_SQL_UNIT_CLOCK). */
static void clock_expr(char *buf, size_t size, params_t *pp, const pt_list_query_t *q)
{
    if (q->unit)
        snprintf(buf, size, PT_SQL_UNIT_CLOCK("?%d"), param_text(pp, q->unit));
    else
        snprintf(buf, size, "p.clock");
}

/* The answer (办复) that the reads of q count, as two columns "replied,
 * reply_category" (into buf): the proposal's, or in a unit's scope the
 * unit's own (proposal_units, pt_proposal_units_replies), with replied
 * NULL where the unit owes no reply: a co unit (lead_co mode), whose part
 * is its opinion (todo_cond). */
static void answer_expr(char *buf, size_t size, params_t *pp, const pt_list_query_t *q)
{
    if (q->unit) {
        int u = param_text(pp, q->unit);
        snprintf(buf, size,
                 "(SELECT CASE WHEN t.role = 'co' THEN NULL ELSE t.replied END"
                 " FROM proposal_units t WHERE t.proposal_id = p.id AND t.name = ?%d) AS replied,"
                 " (SELECT t.reply_category FROM proposal_units t"
                 " WHERE t.proposal_id = p.id AND t.name = ?%d) AS reply_category",
                 u, u);
    } else {
        snprintf(buf, size, "p.replied AS replied, p.reply_category AS reply_category");
    }
}

/* Appends text with each "{clock}" in it written as clock, and each
 * "{answer}" as answer (none when answer is NULL). */
static void put_with_clock(pt_buf_t *sql, const char *text, const char *clock, const char *answer)
{
    const char *at;
    while ((at = strchr(text, '{')) != NULL) {
        const char *with = NULL, *name = NULL;
        if (strncmp(at, "{clock}", strlen("{clock}")) == 0)
            with = clock, name = "{clock}";
        else if (answer && strncmp(at, "{answer}", strlen("{answer}")) == 0)
            with = answer, name = "{answer}";
        pt_buf_append(sql, text, (size_t)(at - text) + (with ? 0 : 1));
        if (with)
            pt_buf_puts(sql, with);
        text = at + (with ? strlen(name) : 1);
    }
    pt_buf_puts(sql, text);
}

/* Appends "p.status IN ('a','b')" for the states of the first len bytes
 * of list, "a,b" (none for ""), written into the statement: any number of
 * them, without using up parameters. A state's name is letters, digits,
 * '_' and '-' (workflow.c), and anything else fails the statement. */
static void put_states_n(pt_buf_t *sql, const char *list, size_t len)
{
    size_t n = strspn(list, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "0123456789_-,");
    if (n < len)
        sql->failed = true;
    pt_buf_puts(sql, "p.status IN ('");
    for (size_t i = 0; i < len; i++) {
        if (list[i] == ',')
            pt_buf_puts(sql, "','");
        else
            pt_buf_append(sql, &list[i], 1);
    }
    pt_buf_puts(sql, "')");
}

static void put_states(pt_buf_t *sql, const char *list)
{
    put_states_n(sql, list ? list : "", list ? strlen(list) : 0);
}

/* Whether a state filter of q is checked on the rows that a session's, a
 * delegation's or a category's index finds, rather than read from the
 * indexes that lead with the status. Without statistics SQLite takes
 * every equality as selective, and to spare a sort it walks a state's
 * proposals in the order of the list's time (proposals_status_updated and
 * the like) and checks the other filter on each row it passes. Those
 * columns are in the row, not in the index, so the walk reads a row for
 * each proposal of the state until a page is full: every closed one of
 * ten years (0.17 s at 88,000) for an old session or a delegation that
 * has few of them, where the other filter's index and a sort read only
 * its own proposals (10-25 ms). A unit's, a tag's, a person's list and a
 * search are checked from the index entry alone (the id): their walk
 * costs 6 ms over 88,000 at worst, and is left to SQLite. */
static bool status_follows(const pt_list_query_t *q)
{
    return q->status && (q->session || q->delegation || q->category);
}

/* Appends whether the unit's row t of proposal p still has part k to do:
 * it can be done in p's state (q->todo_states), and the unit has not done
 * it. Each unit signs once. A co unit's part (lead_co mode) is its opinion,
 * and anyone else's a reply; proposal_units.answered says whether the unit
 * has answered its part (a co unit its opinion, a separate-mode unit its
 * reply while others are awaited), and the state whether a reply is still
 * owed at all. */
static void todo_cond(pt_buf_t *sql, const pt_list_query_t *q, pt_todo_t k)
{
    static const char *const undone[PT_TODO_N] = {
        /* A unit that has done its part unsigned (a reply, an opinion)
         * has nothing left to sign for, in that round or any later one: a
         * rehandling round asks the units for a new answer, not for a new
         * signature (each unit signs once), and one that replied unsigned
         * before has taken the proposal up. answered is the round's, so a
         * reply of an earlier round is looked for in the document, only
         * for the few rows that are neither signed nor answered, in a
         * state where a unit signs. A supplementary reply is no answer
         * (pt_proposal_reply_counts), and a reply from before an assignment
         * that came after it does not count (replies_from,
         * pt_proposal_reply_counts): that assignment (an office's
         * reassign after a reply) asks its units to sign anew, and
         * clears their signatures. The times are compared as times:
         * as text, 10:00:00Z would come after 10:00:00.500Z. */
        [PT_TODO_SIGN] = "t.signed = 0 AND t.answered = 0 AND NOT EXISTS (SELECT 1 FROM"
                         " json_each(p.doc, '$.replies') r"
                         " WHERE json_extract(r.value, '$.unit') = t.name"
                         " AND json_extract(r.value, '$.kind') IS NOT 'supplementary'"
                         " AND (json_extract(p.doc, '$.replies_from') IS NULL"
                         " OR julianday(json_extract(r.value, '$.replied_at')) >="
                         " julianday(json_extract(p.doc, '$.replies_from'))))",
        [PT_TODO_OPINION] = "t.role = 'co' AND t.answered = 0",
        [PT_TODO_REPLY] = "t.role != 'co' AND t.answered = 0",
    };
    /* The state first: it is in the row, and rules out most of a unit's
     * proposals (the closed ones) before the document is read. */
    pt_buf_puts(sql, "(");
    put_states(sql, q->todo_states[k]);
    pt_buf_printf(sql, " AND %s)", undone[k]);
}

/* The names of the parts, as the API spells them (todo=sign,reply). */
static const char *const todo_names[PT_TODO_N] = {"sign", "opinion", "reply"};

/* Appends a column: the unit's part in p as a JSON object {name, role,
 * todo: [the parts still to do], awaiting: [co units]}, or NULL when q has
 * no unit. awaiting names, for a lead unit that still has to reply in
 * lead_co mode, the co units whose opinion (协办意见) its reply waits for
 * (the co_opinions guard, in q->awaiting_states), in the order they were
 * assigned: an opinion of an earlier round counts, as the guard counts it
 * (an assignment clears them). Until they have given it the lead cannot
 * reply, and its part says what it waits for rather than only that a
 * reply is owed. */
static void unit_part_col(pt_buf_t *sql, params_t *pp, const pt_list_query_t *q)
{
    if (!q->unit) {
        pt_buf_puts(sql, "NULL");
        return;
    }
    pt_buf_puts(sql, "(SELECT json_object('name', t.name, 'role', t.role, 'todo', json('[' ||"
                     " substr(''");
    for (int k = 0; k < PT_TODO_N; k++) {
        pt_buf_puts(sql, " || CASE WHEN ");
        todo_cond(sql, q, (pt_todo_t)k);
        pt_buf_printf(sql, " THEN ',\"%s\"' ELSE '' END", todo_names[k]);
    }
    /* As the guard judges it: in lead_co mode, in a state where every
     * reply the workflow has waits for the opinions. */
    pt_buf_puts(sql, ", 2) || ']'), 'awaiting', json(CASE WHEN t.role = 'lead' AND ");
    put_states(sql, q->awaiting_states);
    pt_buf_puts(sql, " AND json_extract(p.doc, '$.handling_mode') = 'lead_co' AND ");
    todo_cond(sql, q, PT_TODO_REPLY);
    pt_buf_printf(sql,
                  " THEN (SELECT json_group_array(json_extract(c.value, '$.name'))"
                  " FROM json_each(p.doc, '$.units') c"
                  " WHERE json_extract(c.value, '$.role') = 'co'"
                  " AND json_extract(c.value, '$.opinion_at') IS NULL)"
                  " ELSE '[]' END)) FROM proposal_units t WHERE t.proposal_id = p.id"
                  " AND t.name = ?%d)",
                  param_text(pp, q->unit));
}

/* Appends the conditions of the list filters of q (" AND ..."), with
 * clock saying whether a deadline runs (clock_expr). */
static void list_filters(pt_buf_t *sql, params_t *pp, const pt_list_query_t *q, int64_t now,
                         const char *clock)
{
    struct {
        const char *col;
        const char *val;
    } eq[] = {{"kind", q->kind},
              {"session", q->session},
              {"delegation", q->delegation},
              {"category", q->category}};
    for (size_t i = 0; i < sizeof(eq) / sizeof(eq[0]); i++)
        if (eq[i].val)
            pt_buf_printf(sql, " AND p.%s = ?%d", eq[i].col, param_text(pp, eq[i].val));
    /* A number without its session would be looked for in every row (the
     * index of numbers leads with the session): the ids are taken from a
     * scan of that index instead, 15 ms where the rows took 0.25-3 s at
     * 100,000. */
    if (q->number)
        pt_buf_printf(sql,
                      " AND p.id IN (SELECT id FROM proposals WHERE number = ?%d"
                      " AND number IS NOT NULL)",
                      param_text(pp, q->number));
    /* One state, or several separated by commas (put_states); a unary +
     * keeps SQLite from reading it from an index (status_follows). */
    if (q->status) {
        pt_buf_puts(sql, status_follows(q) ? " AND +" : " AND ");
        put_states(sql, q->status);
    }
    if (q->unit)
        pt_buf_printf(sql, " AND p.id IN (SELECT proposal_id FROM proposal_units WHERE name = ?%d)",
                      param_text(pp, q->unit));
    /* The unit's own row, looked up by its key for each proposal the
     * unit's index found above. A todo filter without a unit (which the
     * API refuses) finds nothing rather than everything. */
    if (q->todo && !q->unit)
        pt_buf_puts(sql, " AND 0");
    else if (q->todo) {
        pt_buf_printf(sql,
                      " AND EXISTS (SELECT 1 FROM proposal_units t WHERE t.proposal_id = p.id"
                      " AND t.name = ?%d AND (0",
                      param_text(pp, q->unit));
        for (int k = 0; k < PT_TODO_N; k++) {
            if (q->todo & (1u << k)) {
                pt_buf_puts(sql, " OR ");
                todo_cond(sql, q, (pt_todo_t)k);
            }
        }
        pt_buf_puts(sql, "))");
    }
    if (q->tag)
        pt_buf_printf(sql, " AND p.id IN (SELECT proposal_id FROM proposal_tags WHERE tag = ?%d)",
                      param_text(pp, q->tag));
    if (q->person)
        pt_buf_printf(sql,
                      " AND p.id IN (SELECT proposal_id FROM proposal_people WHERE person = ?%d)",
                      param_text(pp, q->person));
    if (q->key_supervision >= 0)
        pt_buf_printf(sql, " AND p.key_supervision = %d", q->key_supervision);
    if (q->overdue >= 0)
        pt_buf_printf(sql, " AND %s(p.due_at IS NOT NULL AND p.due_at < ?%d AND %s = 1)",
                      q->overdue ? "" : "NOT ", param_int(pp, now), clock);
    if (q->due_before)
        pt_buf_printf(sql, " AND p.due_at IS NOT NULL AND p.due_at < ?%d AND %s = 1",
                      param_int(pp, q->due_before), clock);
    if (q->q && *q->q)
        add_text_filter(sql, pp, q->q);
}

static void bind_params(sqlite3_stmt *st, const params_t *p, sqlite3_destructor_type how)
{
    for (int i = 0; i < p->n; i++) {
        if (p->type[i] == P_TEXT)
            sqlite3_bind_text(st, i + 1, p->text[i], -1, how);
        else
            sqlite3_bind_int64(st, i + 1, p->num[i]);
    }
}

/* One proposal. A unit reads whether the deadline runs for it
 * (clock_expr), and its own part (unit_part_col), as in its lists. */
static void read_get(sqlite3 *db, pt_read_t *r)
{
    params_t p = {.n = 0};
    pt_buf_t sql;
    pt_buf_init(&sql);
    char clock[512];
    clock_expr(clock, sizeof(clock), &p, &r->query);
    put_with_clock(&sql, "SELECT p.doc, {clock}, p.due_at, p.version, p.updated_at, ", clock, NULL);
    unit_part_col(&sql, &p, &r->query);
    pt_buf_printf(&sql, " FROM proposals p WHERE p.id = ?%d", param_int(&p, r->id));
    sqlite3_stmt *st = NULL;
    if (pt_buf_failed(&sql) ||
        sqlite3_prepare_v2(db, sql.data, (int)sql.len, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(&r->err, db, "reading a proposal");
        pt_buf_free(&sql);
        params_free(&p);
        return;
    }
    pt_buf_free(&sql);
    bind_params(st, &p, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        pt_buf_t b;
        pt_buf_init(&b);
        append_doc(&b, st, 0, is_overdue(st, 1, 2, pt_time_now()), 5);
        r->version = sqlite3_column_int64(st, 3);
        /* overdue changes with time alone, the version with it or not: it
         * is settled when the deadline does not run, or had passed when
         * this version was written. A unit's part is as settled: it
         * changes only with a new version. */
        r->settled = !sqlite3_column_int(st, 1) || sqlite3_column_type(st, 2) == SQLITE_NULL ||
                     sqlite3_column_int64(st, 2) < sqlite3_column_int64(st, 4);
        r->json = pt_buf_take(&b, &r->json_len);
        if (!r->json)
            pt_error_set(&r->err, PT_ENOMEM, "out of memory");
    } else if (rc == SQLITE_DONE) {
        pt_error_set(&r->err, PT_ENOTFOUND, "proposal %lld does not exist", (long long)r->id);
    } else {
        pt_sqlite_error(&r->err, db, "reading a proposal");
    }
    sqlite3_finalize(st);
    params_free(&p);
}

/* pt_store_list_prepare with a head before the SELECT: "WITH scope AS ("
 * makes the filtered proposals a table that the tail's own query reads. */
static sqlite3_stmt *filtered_prepare(sqlite3 *db, const pt_list_query_t *q, int64_t now,
                                      const char *head, const char *cols, const char *tail,
                                      pt_error_t *err)
{
    params_t p = {.n = 0};
    pt_buf_t sql;
    pt_buf_init(&sql);
    char clock[512], answer[512] = "";
    clock_expr(clock, sizeof(clock), &p, q);
    if (strstr(cols, "{answer}"))
        answer_expr(answer, sizeof(answer), &p, q);
    pt_buf_printf(&sql, "%sSELECT ", head);
    put_with_clock(&sql, cols, clock, answer);
    pt_buf_puts(&sql, " FROM proposals p WHERE 1");
    list_filters(&sql, &p, q, now, clock);
    pt_buf_puts(&sql, " ");
    put_with_clock(&sql, tail, clock, NULL);
    sqlite3_stmt *st = NULL;
    if (pt_buf_failed(&sql) ||
        sqlite3_prepare_v2(db, sql.data, (int)sql.len, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(err, db, "selecting proposals");
        st = NULL;
    } else {
        /* Copied: the parameters' own strings are freed below. */
        bind_params(st, &p, SQLITE_TRANSIENT);
    }
    pt_buf_free(&sql);
    params_free(&p);
    return st;
}

sqlite3_stmt *pt_store_list_prepare(sqlite3 *db, const pt_list_query_t *q, int64_t now,
                                    const char *cols, const char *tail, pt_error_t *err)
{
    return filtered_prepare(db, q, now, "", cols, tail, err);
}

char pt_list_cursor_key(pt_sort_key_t sort, bool desc)
{
    /* By pt_sort_key_t. The due sort's letter is 'e': its cursors hold
     * the key of PT_SQL_DUE_KEY, which since schema 16 is the largest
     * value for a deadline that has stopped, and the 'd' of an earlier
     * version, which holds that deadline, would page wrongly (api-query.c
     * refuses it). */
    static const char keys[] = "icue";
    char k = sort >= PT_SORT_ID && sort <= PT_SORT_DUE ? keys[sort] : 'i';
    return desc ? (char)(k - 'a' + 'A') : k;
}

/* Whether a list of several states is read state by state, each part
 * from the index that holds that state's proposals in the list's order,
 * and the parts merged (a UNION ALL with an ORDER BY, which SQLite merges
 * as it reads, without a sort). "status IN (a, b)" is read from whichever
 * index that leads with the status SQLite weighs first, since to it they
 * all cost the same, and unless that index holds each state's proposals in
 * the list's order, SQLite sorts all that it finds: every closed proposal
 * when one of the states is closed. Only when the states are the only
 * filter with an index: beside another (a unit's, a tag's, a search),
 * each part would run that filter again, and SQLite reads that filter's
 * proposals and sorts them, as it does for one state. */
static bool states_merged(const pt_list_query_t *q)
{
    return q->status && strchr(q->status, ',') && !q->unit && !q->person && !q->tag &&
           !(q->q && *q->q) && !q->session && !q->delegation && !q->category;
}

/* Whether a list of every proposal, sorted by its deadline, is read as
 * the merge of every state the store holds (stored_states), each from
 * proposals_status_due, as a list of several states is. No index holds
 * every proposal by that key (proposals_due leads with the clock, and is
 * what the deadline engine and the overdue filters read), so SQLite read
 * and sorted the whole store for each page: 0.2 s at 100,000 proposals.
 * The times and the id have indexes of their own. Only without any filter:
 * a filter that no status index holds would be checked on the rows of
 * every state in the deadline's order until a page is full, which for a
 * rare value is no better than the sort; overdue and due_before are read
 * from proposals_due. */
static bool every_state_merged(const pt_list_query_t *q)
{
    return !q->status && q->sort == PT_SORT_DUE && !q->kind && !q->session && !q->delegation &&
           !q->unit && !q->category && !q->tag && !(q->q && *q->q) && !q->person && !q->todo &&
           q->key_supervision < 0 && q->overdue < 0 && !q->due_before;
}

/* The states the store's proposals are in, "a,b,c" (malloc'd), read from
 * proposals_status one state at a time: a seek per state, not a read of
 * every entry. NULL when there is none, when a stored state is not a name
 * that put_states_n takes (a store written by no workflow), or on an
 * error: the list is then read as it would be without this. It runs in
 * the read's transaction (pt_store_read_run), so the list sees the same
 * states. */
static char *stored_states(sqlite3 *db)
{
    static const char sql[] =
        "WITH RECURSIVE s(status) AS (SELECT min(status) FROM proposals"
        " UNION ALL SELECT (SELECT min(status) FROM proposals WHERE status > s.status)"
        " FROM s WHERE s.status IS NOT NULL)"
        " SELECT status FROM s WHERE status IS NOT NULL";
    static const char name_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                     "0123456789_-";
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    pt_buf_t b;
    pt_buf_init(&b);
    int rc;
    bool ok = true;
    while (ok && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        ok = name && *name && strspn(name, name_chars) == strlen(name);
        if (ok)
            pt_buf_printf(&b, "%s%s", b.len ? "," : "", name);
    }
    sqlite3_finalize(st);
    if (!ok || rc != SQLITE_DONE || b.len == 0 || pt_buf_failed(&b)) {
        pt_buf_free(&b);
        return NULL;
    }
    size_t len;
    return pt_buf_take(&b, &len);
}

/* Whether the state at s (n bytes) of the list "a,b,c" that begins at
 * list is also named before it. */
static bool state_named_before(const char *list, const char *s, size_t n)
{
    for (const char *t = list; t < s; t += strcspn(t, ",") + 1)
        if (strcspn(t, ",") == n && strncmp(t, s, n) == 0)
            return true;
    return false;
}

sqlite3_stmt *pt_store_page_prepare(sqlite3 *db, const pt_list_query_t *q, int64_t now,
                                    pt_error_t *err)
{
    params_t p = {.n = 0};
    pt_buf_t cols, where, sql;
    pt_buf_init(&cols);
    pt_buf_init(&where);
    pt_buf_init(&sql);
    const char *sx = sort_expr(q->sort);
    char clock[512];
    clock_expr(clock, sizeof(clock), &p, q);
    pt_buf_printf(&cols, "SELECT p.id, %s, p.doc, %s, p.due_at, ", sx, clock);
    unit_part_col(&cols, &p, q);
    pt_buf_puts(&cols, " FROM proposals p WHERE ");
    /* The parts of a merged list share the other filters and the cursor,
     * and their parameters, which are numbered: each part has one state. */
    bool merged = states_merged(q);
    const char *states = q->status;
    char *every = NULL;
    if (!merged && every_state_merged(q) && (every = stored_states(db)) != NULL) {
        merged = true;
        states = every;
    }
    pt_list_query_t rest = *q;
    if (merged)
        rest.status = NULL;
    list_filters(&where, &p, &rest, now, clock);
    if (q->has_cursor) {
        const char *op = q->desc ? "<" : ">";
        if (q->sort == PT_SORT_ID) {
            pt_buf_printf(&where, " AND p.id %s ?%d", op, param_int(&p, q->cursor_id));
        } else {
            int v = param_int(&p, q->cursor_value);
            int id = param_int(&p, q->cursor_id);
            pt_buf_printf(&where, " AND (%s %s ?%d OR (%s = ?%d AND p.id %s ?%d))", sx, op, v, sx,
                          v, op, id);
        }
    }
    const char *dir = q->desc ? "DESC" : "ASC";
    if (!merged) {
        pt_buf_append(&sql, cols.data, cols.len);
        pt_buf_puts(&sql, "1");
        pt_buf_append(&sql, where.data, where.len);
        if (q->sort == PT_SORT_ID)
            pt_buf_printf(&sql, " ORDER BY p.id %s", dir);
        else
            pt_buf_printf(&sql, " ORDER BY %s %s, p.id %s", sx, dir, dir);
    } else {
        int parts = 0;
        for (const char *s = states;; s++) {
            size_t n = strcspn(s, ",");
            /* A state named twice has one part, as IN lists it once. */
            if (!state_named_before(states, s, n)) {
                if (parts++)
                    pt_buf_puts(&sql, " UNION ALL ");
                pt_buf_append(&sql, cols.data, cols.len);
                put_states_n(&sql, s, n);
                pt_buf_append(&sql, where.data, where.len);
            }
            s += n;
            if (!*s)
                break;
        }
        /* A compound's ORDER BY names its columns: 1 is the id, 2 the
         * sort's value. */
        if (q->sort == PT_SORT_ID)
            pt_buf_printf(&sql, " ORDER BY 1 %s", dir);
        else
            pt_buf_printf(&sql, " ORDER BY 2 %s, 1 %s", dir, dir);
    }
    pt_buf_printf(&sql, " LIMIT %d", q->limit + 1);
    sqlite3_stmt *st = NULL;
    if (pt_buf_failed(&cols) || pt_buf_failed(&where) || pt_buf_failed(&sql) ||
        sqlite3_prepare_v2(db, sql.data, (int)sql.len, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(err, db, "listing proposals");
        st = NULL;
    } else {
        /* Copied: the parameters' own strings are freed below. */
        bind_params(st, &p, SQLITE_TRANSIENT);
    }
    pt_buf_free(&cols);
    pt_buf_free(&where);
    pt_buf_free(&sql);
    params_free(&p);
    free(every);
    return st;
}

static void read_list(sqlite3 *db, pt_read_t *r)
{
    const pt_list_query_t *q = &r->query;
    int64_t now = pt_time_now();
    sqlite3_stmt *st = pt_store_page_prepare(db, q, now, &r->err);
    if (!st)
        return;
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_puts(&b, "{\"items\":[");
    int n = 0, rc;
    int64_t last_id = 0, last_val = 0;
    bool more = false;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == q->limit) {
            more = true;
            break;
        }
        if (n++)
            pt_buf_append(&b, ",", 1);
        append_doc(&b, st, 2, is_overdue(st, 3, 4, now), 5);
        last_id = sqlite3_column_int64(st, 0);
        last_val = sqlite3_column_int64(st, 1);
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        pt_sqlite_error(&r->err, db, "listing proposals");
        pt_buf_free(&b);
        goto done;
    }
    pt_buf_puts(&b, "],\"next\":");
    if (more)
        pt_buf_printf(&b, "\"%c%lld.%lld\"}", pt_list_cursor_key(q->sort, q->desc),
                      (long long)last_val, (long long)last_id);
    else
        pt_buf_puts(&b, "null}");
    r->count = n;
    r->json = pt_buf_take(&b, &r->json_len);
    if (!r->json)
        pt_error_set(&r->err, PT_ENOMEM, "out of memory");
done:
    sqlite3_finalize(st);
}

/* ---- History and events ---------------------------------------------- */

static void json_col_time(pt_buf_t *b, sqlite3_stmt *st, int col)
{
    if (sqlite3_column_type(st, col) == SQLITE_NULL) {
        pt_buf_puts(b, "null");
        return;
    }
    char t[40];
    pt_time_format(sqlite3_column_int64(st, col), t, sizeof(t));
    pt_buf_json_str(b, t);
}

static void json_col_text(pt_buf_t *b, sqlite3_stmt *st, int col)
{
    pt_buf_json_str(b, (const char *)sqlite3_column_text(st, col));
}

/* A column that holds JSON text, or null. */
static void json_col_raw(pt_buf_t *b, sqlite3_stmt *st, int col)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    pt_buf_puts(b, s ? s : "null");
}

static void read_history(sqlite3 *db, pt_read_t *r)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT seq, at, actor, action, from_state, to_state, note, changes"
                           " FROM history WHERE proposal_id = ?1 ORDER BY seq",
                           -1, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(&r->err, db, "reading history");
        return;
    }
    sqlite3_bind_int64(st, 1, r->id);
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_puts(&b, "{\"items\":[");
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n++)
            pt_buf_append(&b, ",", 1);
        pt_buf_printf(&b, "{\"seq\":%lld,\"at\":", (long long)sqlite3_column_int64(st, 0));
        json_col_time(&b, st, 1);
        static const char *const names[] = {"actor", "action", "from", "to", "note"};
        for (int i = 0; i < 5; i++) {
            pt_buf_printf(&b, ",\"%s\":", names[i]);
            json_col_text(&b, st, 2 + i);
        }
        pt_buf_puts(&b, ",\"changes\":");
        json_col_raw(&b, st, 7);
        pt_buf_append(&b, "}", 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        pt_sqlite_error(&r->err, db, "reading history");
        pt_buf_free(&b);
        return;
    }
    if (n == 0) {
        pt_buf_free(&b);
        pt_error_set(&r->err, PT_ENOTFOUND, "proposal %lld does not exist", (long long)r->id);
        return;
    }
    pt_buf_puts(&b, "]}");
    r->json = pt_buf_take(&b, &r->json_len);
    if (!r->json)
        pt_error_set(&r->err, PT_ENOMEM, "out of memory");
}

/* Writes one event row (seq, type, at, actor, action, from, to, proposal,
 * data, ref_version, ref_overdue) as the change feed shows it. An event
 * that refers to a version of its proposal (an import's, store-writer.c)
 * gets the stored document of that version with "overdue" as it was. */
static void event_json(pt_buf_t *b, sqlite3_stmt *st)
{
    pt_buf_printf(b, "{\"seq\":%lld,\"type\":", (long long)sqlite3_column_int64(st, 0));
    json_col_text(b, st, 1);
    pt_buf_puts(b, ",\"at\":");
    json_col_time(b, st, 2);
    static const char *const names[] = {"actor", "action", "from", "to"};
    for (int i = 0; i < 4; i++) {
        pt_buf_printf(b, ",\"%s\":", names[i]);
        json_col_text(b, st, 3 + i);
    }
    pt_buf_puts(b, ",\"proposal\":");
    const char *doc = (const char *)sqlite3_column_text(st, 7);
    if (doc && sqlite3_column_type(st, 9) != SQLITE_NULL) {
        size_t len;
        char *shown = pt_doc_with_overdue(doc, (size_t)sqlite3_column_bytes(st, 7),
                                          sqlite3_column_int(st, 10) != 0, &len);
        if (shown)
            pt_buf_append(b, shown, len);
        else
            b->failed = true;
        free(shown);
    } else {
        json_col_raw(b, st, 7);
    }
    /* An event of no single proposal (the digest) carries its own data. */
    if (sqlite3_column_type(st, 8) != SQLITE_NULL) {
        pt_buf_puts(b, ",\"data\":");
        json_col_raw(b, st, 8);
    }
    pt_buf_append(b, "}", 1);
}

/* The columns of an event as event_json() takes them, and the rows they
 * come from. */
#define EVENT_COLUMNS                                                                              \
    "SELECT seq, type, at, actor, action, from_state, to_state,"                                   \
    " coalesce(proposal,"                                                                          \
    "  (SELECT doc FROM proposals p WHERE p.id = e.proposal_id"                                    \
    "   AND p.version = e.ref_version),"                                                           \
    "  (SELECT doc FROM proposal_versions v WHERE v.proposal_id = e.proposal_id"                   \
    "   AND v.version = e.ref_version)),"                                                          \
    " data, ref_version, ref_overdue FROM events e"

sqlite3_stmt *pt_store_events_prepare(sqlite3 *db, int64_t after, int limit,
                                      const pt_list_query_t *scope)
{
    const char *within = NULL;
    const char *who = NULL;
    if (scope && scope->unit) {
        within = "SELECT proposal_id FROM proposal_units WHERE name = ?3";
        who = scope->unit;
    } else if (scope && scope->person) {
        within = "SELECT proposal_id FROM proposal_people WHERE person = ?3";
        who = scope->person;
    }
    char sql[1536];
    if (!within)
        snprintf(sql, sizeof(sql), EVENT_COLUMNS " WHERE seq > ?1 ORDER BY seq LIMIT ?2");
    else
        /* The seqs of the page from events_seq, whose entries hold the
         * proposal (+: checked there, whatever other index of the
         * events may lead with it), and the rows, which hold a proposal
         * each, of the page's events alone. Asked for the rows' columns
         * in one query, SQLite walks the table instead of the index. */
        snprintf(sql, sizeof(sql),
                 EVENT_COLUMNS " WHERE seq IN (SELECT seq FROM events WHERE seq > ?1"
                               " AND +proposal_id IN (%s) ORDER BY seq LIMIT ?2) ORDER BY seq",
                 within);
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return NULL;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    if (who)
        sqlite3_bind_text(st, 3, who, -1, SQLITE_STATIC);
    return st;
}

static void read_events(sqlite3 *db, pt_read_t *r)
{
    bool scoped = r->query.unit || r->query.person;
    sqlite3_stmt *st = pt_store_events_prepare(db, r->after, r->limit, &r->query);
    if (!st) {
        pt_sqlite_error(&r->err, db, "reading the change feed");
        return;
    }
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_puts(&b, "{\"items\":[");
    int rc;
    r->count = 0;
    r->last_seq = r->after;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (r->count++)
            pt_buf_append(&b, ",", 1);
        r->last_seq = sqlite3_column_int64(st, 0);
        event_json(&b, st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        pt_sqlite_error(&r->err, db, "reading the change feed");
        pt_buf_free(&b);
        return;
    }
    /* A scoped page that is not full has looked through the whole feed:
     * its reader goes on after the newest event, seen or not. */
    if (scoped && r->count < r->limit) {
        sqlite3_stmt *mx;
        if (sqlite3_prepare_v2(db, "SELECT max(seq) FROM events", -1, &mx, NULL) == SQLITE_OK) {
            if (sqlite3_step(mx) == SQLITE_ROW && sqlite3_column_int64(mx, 0) > r->last_seq)
                r->last_seq = sqlite3_column_int64(mx, 0);
            sqlite3_finalize(mx);
        }
    }
    pt_buf_printf(&b, "],\"last_seq\":%lld}", (long long)r->last_seq);
    r->json = pt_buf_take(&b, &r->json_len);
    if (!r->json)
        pt_error_set(&r->err, PT_ENOMEM, "out of memory");
}

int pt_store_events_each(pt_store_t *s, int64_t after, int limit, pt_event_cb cb, void *ud,
                         pt_error_t *err)
{
    sqlite3 *db = pt_store_take_reader(s);
    if (!db)
        return pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    int result = PT_OK;
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_stmt *st = pt_store_events_prepare(db, after, limit, NULL);
    if (!st) {
        result = pt_sqlite_error(err, db, "reading the change feed");
    } else {
        pt_buf_t b;
        pt_buf_init(&b);
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            b.len = 0;
            event_json(&b, st);
            if (pt_buf_failed(&b)) {
                result = pt_error_set(err, PT_ENOMEM, "out of memory");
                break;
            }
            if (cb(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), b.data,
                   b.len, ud) != 0)
                break;
        }
        if (result == PT_OK && rc != SQLITE_ROW && rc != SQLITE_DONE)
            result = pt_sqlite_error(err, db, "reading the change feed");
        pt_buf_free(&b);
        sqlite3_finalize(st);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    pt_store_give_reader(s, db);
    return result;
}

int pt_store_cursor_get(pt_store_t *s, const char *instance, int64_t *seq, bool *found,
                        pt_error_t *err)
{
    *seq = 0;
    if (found)
        *found = false;
    sqlite3 *db = pt_store_take_reader(s);
    if (!db)
        return pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    sqlite3_stmt *st;
    int result = PT_OK;
    if (sqlite3_prepare_v2(db, "SELECT seq FROM notifier_cursors WHERE instance = ?1", -1, &st,
                           NULL) != SQLITE_OK) {
        result = pt_sqlite_error(err, db, "reading a notifier cursor");
    } else {
        sqlite3_bind_text(st, 1, instance, -1, SQLITE_STATIC);
        int rc = sqlite3_step(st);
        if (rc == SQLITE_ROW) {
            *seq = sqlite3_column_int64(st, 0);
            if (found)
                *found = true;
        } else if (rc != SQLITE_DONE) {
            result = pt_sqlite_error(err, db, "reading a notifier cursor");
        }
        sqlite3_finalize(st);
    }
    pt_store_give_reader(s, db);
    return result;
}

/* ---- Statistics ------------------------------------------------------
 * Every figure counts the proposals of the read's scope: a unit's (assigned
 * to it in any role) or a delegate's (led or co-signed), put into the
 * query's unit or person by the API, and chosen by the same conditions as
 * their lists (list_filters). A read without a scope (the ranked roles,
 * /metrics) counts them all. */

typedef struct {
    sqlite3 *db;
    pt_read_t *r;
    int64_t now;
} stats_t;

/* The columns of `proposals` that the figures read: the scope is copied
 * once (a materialized CTE) and read by every grouping, so it holds these
 * only, not the documents. In a unit's scope the deadline runs and the
 * answer counts by the unit's part (clock_expr, answer_expr). */
#define STATS_COLS                                                                                 \
    "p.id, p.status, p.category, p.delegation, {clock} AS clock, p.due_at, p.assigned_at,"         \
    " p.satisfaction, {answer}"

/* Prepares "WITH scope AS <how> (the proposals in scope) <sql>": sql reads
 * the table `scope` (the columns STATS_COLS) and may use :now and
 * :week_end (now and 7 days later). NULL with r->err set on failure. */
static sqlite3_stmt *stats_prepare(stats_t *s, const char *how, const char *sql)
{
    pt_read_t *r = s->r;
    pt_buf_t head, tail;
    pt_buf_init(&head);
    pt_buf_init(&tail);
    pt_buf_printf(&head, "WITH scope AS %s(", how);
    pt_buf_printf(&tail, ") %s", sql);
    pt_error_t err = {0};
    sqlite3_stmt *st = NULL;
    if (pt_buf_failed(&head) || pt_buf_failed(&tail))
        pt_error_set(&err, PT_ENOMEM, "out of memory");
    else
        st = filtered_prepare(s->db, &r->query, s->now, head.data, STATS_COLS, tail.data, &err);
    pt_buf_free(&head);
    pt_buf_free(&tail);
    if (!st) {
        if (r->err.code == PT_OK)
            r->err = err;
        else
            pt_error_clear(&err);
        return NULL;
    }
    const int64_t week = 7LL * 24 * 3600 * 1000;
    int i = sqlite3_bind_parameter_index(st, ":now");
    if (i)
        sqlite3_bind_int64(st, i, s->now);
    if ((i = sqlite3_bind_parameter_index(st, ":week_end")))
        sqlite3_bind_int64(st, i, s->now + week);
    return st;
}

/* Steps a statement of stats_prepare; on a failure sets r->err (unless an
 * earlier one did). Returns SQLITE_ROW, SQLITE_DONE or an error. */
static int stats_step(stats_t *s, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE && s->r->err.code == PT_OK)
        pt_sqlite_error(&s->r->err, s->db, "computing statistics");
    return rc;
}

/* A count: the one value of a one-row query (0 after a failure). */
static int64_t stats_count(stats_t *s, const char *sql)
{
    sqlite3_stmt *st = stats_prepare(s, "", sql);
    if (!st)
        return 0;
    int64_t v = 0;
    if (stats_step(s, st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void rate(pt_buf_t *b, const char *name, int64_t num, int64_t den)
{
    if (den == 0)
        pt_buf_printf(b, ",\"%s\":null", name);
    else
        /* Ten digits: 20,000 replied of 20,001 is 0.99995..., not 1. */
        pt_buf_printf(b, ",\"%s\":%.10g", name, (double)num / (double)den);
}

/* The figures come from one statement over one copy of the scope (a
 * materialized CTE): the filters, a search's full-text query and the read
 * of the rows, which hold the documents, run once. Its rows are the
 * groupings in stats_groups' order (the first column), each ordered by
 * count (most first) then key; the rows of by_status also carry, in the
 * columns from STATS_SUMS on, the counts of that state's proposals that
 * the other figures sum (enum below). 办复率: of the proposals ever
 * assigned, how many have a reply (one answered counts as assigned
 * though it has no assignment time: a ledger imported without its 交办时间
 * would otherwise count in the reply categories and not in 办复率). 满意率: of those rated, how
 * many were satisfied or basically so, by their latest rating. The reply categories: of the
 * proposals answered (办复), by their latest reply; one that a separate-mode unit has answered
 * while others have not is not answered yet. In a unit's scope both count the unit's own
 * answer (answer_expr): in separate mode its own reply, which answers its part while the
 * others are awaited, and its category; none of a co unit's, which owes no reply (replied
 * NULL: neither assigned nor answered to it). */
enum { C_OVERDUE, C_DUE_7D, C_ASSIGNED, C_REPLIED, C_RATED, C_SATISFIED, C_A, C_N = C_A + 4 };
#define STATS_SUMS 3
static const char *const stats_groups[] = {"by_status", "by_unit", "by_category", "by_delegation",
                                           "overdue_by_unit"};
/* The columns a grouping other than by_status fills in for the sums. */
#define STATS_NO_SUMS ", 0, 0, 0, 0, 0, 0, 0, 0, 0, 0"
/* "%s" twice: where the unit groupings keep to the scope's proposals (left
 * out when the scope is every proposal: looking each one up cost more than
 * the rest of the figures together, 0.3 s at 100,000). */
static const char stats_sql[] =
    "SELECT 0, status, count(*),"
    " total(clock = 1 AND due_at IS NOT NULL AND due_at < :now),"
    " total(clock = 1 AND due_at >= :now AND due_at < :week_end),"
    " total(replied IS NOT NULL AND (assigned_at IS NOT NULL OR replied = 1)),"
    " total(replied = 1),"
    " total(satisfaction IS NOT NULL),"
    " total(satisfaction IN ('satisfied', 'basically_satisfied')),"
    " total(replied = 1 AND reply_category = 'A'), total(replied = 1 AND reply_category = 'B'),"
    " total(replied = 1 AND reply_category = 'C'), total(replied = 1 AND reply_category = 'D')"
    " FROM scope GROUP BY status"
    " UNION ALL SELECT 1, name, count(*)" STATS_NO_SUMS " FROM proposal_units u"
    "  WHERE 1%s GROUP BY name"
    " UNION ALL SELECT 2, category, count(*)" STATS_NO_SUMS " FROM scope"
    "  WHERE category IS NOT NULL GROUP BY category"
    " UNION ALL SELECT 3, delegation, count(*)" STATS_NO_SUMS " FROM scope"
    "  WHERE delegation IS NOT NULL GROUP BY delegation"
    /* Each unit's overdue proposals, by its own part: in separate mode a
     * unit that has answered is not late while the others are. */
    " UNION ALL SELECT 4, u.name, count(*)" STATS_NO_SUMS " FROM proposal_units u"
    "  JOIN proposals p ON p.id = u.proposal_id"
    "  WHERE p.clock = 1 AND p.due_at < :now AND u.answered = 0%s GROUP BY u.name"
    " ORDER BY 1, 3 DESC, 2";
#define STATS_IN_SCOPE " AND u.proposal_id IN (SELECT id FROM scope)"

/* Whether q chooses among the proposals (any filter, a unit's or a
 * delegate's scope among them), as list_filters writes its conditions. */
static bool stats_filtered(const pt_list_query_t *q, int64_t now)
{
    params_t p = {.n = 0};
    pt_buf_t sql;
    pt_buf_init(&sql);
    char clock[512];
    clock_expr(clock, sizeof(clock), &p, q);
    list_filters(&sql, &p, q, now, clock);
    bool filtered = sql.len > 0 || pt_buf_failed(&sql);
    pt_buf_free(&sql);
    params_free(&p);
    return filtered;
}

static void read_stats(sqlite3 *db, pt_read_t *r)
{
    stats_t s = {.db = db, .r = r, .now = pt_time_now()};
    const char *in_scope = stats_filtered(&r->query, s.now) ? STATS_IN_SCOPE : "";
    char sql[sizeof(stats_sql) + 2 * sizeof(STATS_IN_SCOPE)];
    snprintf(sql, sizeof(sql), stats_sql, in_scope, in_scope);
    int64_t total = 0, c[C_N] = {0};
    pt_buf_t groups;
    pt_buf_init(&groups);
    sqlite3_stmt *st = stats_prepare(&s, "MATERIALIZED ", sql);
    int rc = st ? stats_step(&s, st) : SQLITE_ERROR;
    for (int g = 0; g < (int)(sizeof(stats_groups) / sizeof(stats_groups[0])); g++) {
        pt_buf_printf(&groups, ",\"%s\":{", stats_groups[g]);
        for (int n = 0; rc == SQLITE_ROW && sqlite3_column_int(st, 0) == g; n++) {
            if (n)
                pt_buf_append(&groups, ",", 1);
            json_col_text(&groups, st, 1);
            pt_buf_printf(&groups, ":%lld", (long long)sqlite3_column_int64(st, 2));
            if (g == 0) {
                total += sqlite3_column_int64(st, 2);
                for (int i = 0; i < C_N; i++)
                    c[i] += sqlite3_column_int64(st, STATS_SUMS + i);
            }
            rc = stats_step(&s, st);
        }
        pt_buf_append(&groups, "}", 1);
    }
    sqlite3_finalize(st);
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_printf(&b, "{\"total\":%lld", (long long)total);
    if (pt_buf_failed(&groups))
        b.failed = true;
    else
        pt_buf_append(&b, groups.data, groups.len);
    pt_buf_free(&groups);
    pt_buf_printf(&b, ",\"overdue\":%lld", (long long)c[C_OVERDUE]);
    pt_buf_printf(&b, ",\"due_within_7d\":%lld", (long long)c[C_DUE_7D]);
    rate(&b, "reply_rate", c[C_REPLIED], c[C_ASSIGNED]);
    rate(&b, "satisfaction_rate", c[C_SATISFIED], c[C_RATED]);
    /* Each of A, B, C, D, also when none has it. */
    pt_buf_printf(&b, ",\"reply_categories\":{\"A\":%lld,\"B\":%lld,\"C\":%lld,\"D\":%lld}}",
                  (long long)c[C_A], (long long)c[C_A + 1], (long long)c[C_A + 2],
                  (long long)c[C_A + 3]);
    if (r->err.code != PT_OK) {
        pt_buf_free(&b);
        return;
    }
    r->json = pt_buf_take(&b, &r->json_len);
    if (!r->json)
        pt_error_set(&r->err, PT_ENOMEM, "out of memory");
}

/* The number of proposals, for /v1/health: never scoped, and counted the
 * quickest way (a scope's CTE would step through every row). */
static void count_all(sqlite3 *db, pt_read_t *r)
{
    if (r->query.unit || r->query.person) {
        /* A unit's or a delegate's count: the proposals in its scope, as
         * its lists and statistics count them. */
        stats_t s = {.db = db, .r = r, .now = pt_time_now()};
        r->count = stats_count(&s, "SELECT count(*) FROM scope");
        return;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM proposals", -1, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(&r->err, db, "counting proposals");
        return;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        r->count = sqlite3_column_int64(st, 0);
    else
        pt_sqlite_error(&r->err, db, "counting proposals");
    sqlite3_finalize(st);
}

/* The figures of /metrics: the proposals by status and the overdue ones,
 * as read_stats counts them without a scope, in the same JSON. Each is
 * counted from an index that holds what it needs (proposals_status,
 * proposals_due), never from the rows: a scraper asks every few seconds
 * for years, and the rows, documents and all, are most of the store
 * (reading them cost a second a scrape at 100,000 proposals). */
static void read_figures(sqlite3 *db, pt_read_t *r)
{
    sqlite3_stmt *st = NULL;
    pt_buf_t b;
    pt_buf_init(&b);
    pt_buf_puts(&b, "{\"by_status\":{");
    int rc = sqlite3_prepare_v2(db, "SELECT status, count(*) FROM proposals GROUP BY status", -1,
                                &st, NULL);
    for (int n = 0; rc == SQLITE_OK && (rc = sqlite3_step(st)) == SQLITE_ROW; n++, rc = SQLITE_OK) {
        if (n)
            pt_buf_append(&b, ",", 1);
        json_col_text(&b, st, 0);
        pt_buf_printf(&b, ":%lld", (long long)sqlite3_column_int64(st, 1));
    }
    sqlite3_finalize(st);
    st = NULL;
    if (rc == SQLITE_DONE)
        rc = sqlite3_prepare_v2(db,
                                "SELECT count(*) FROM proposals"
                                " WHERE clock = 1 AND due_at IS NOT NULL AND due_at < ?1",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_int64(st, 1, pt_time_now());
        if ((rc = sqlite3_step(st)) == SQLITE_ROW)
            pt_buf_printf(&b, "},\"overdue\":%lld}", (long long)sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW) {
        pt_sqlite_error(&r->err, db, "counting proposals");
        pt_buf_free(&b);
        return;
    }
    r->json = pt_buf_take(&b, &r->json_len);
    if (!r->json)
        pt_error_set(&r->err, PT_ENOMEM, "out of memory");
}

/* For a GET or history read with a scope (a unit's, a delegate's): true
 * when the proposal is in it. A proposal outside it is answered as one that
 * does not exist, with the same message, so that a unit or a delegate
 * cannot learn which ids are taken. One lookup of the unit's or the
 * person's row for the proposal, not a list of all of theirs. */
static bool in_scope(sqlite3 *db, pt_read_t *r)
{
    const pt_list_query_t *q = &r->query;
    if (!q->unit && !q->person)
        return true;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(
            db,
            "SELECT 1 WHERE (?2 IS NULL OR EXISTS (SELECT 1 FROM proposal_units"
            " WHERE proposal_id = ?1 AND name = ?2)) AND (?3 IS NULL OR EXISTS"
            " (SELECT 1 FROM proposal_people WHERE proposal_id = ?1 AND person = ?3))",
            -1, &st, NULL) != SQLITE_OK) {
        pt_sqlite_error(&r->err, db, "reading a proposal");
        return false;
    }
    sqlite3_bind_int64(st, 1, r->id);
    if (q->unit)
        sqlite3_bind_text(st, 2, q->unit, -1, SQLITE_STATIC);
    if (q->person)
        sqlite3_bind_text(st, 3, q->person, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        pt_error_set(&r->err, PT_ENOTFOUND, "proposal %lld does not exist", (long long)r->id);
    else
        pt_sqlite_error(&r->err, db, "reading a proposal");
    return false;
}

void pt_store_read_run(pt_store_t *s, sqlite3 *db, pt_read_t *r)
{
    (void)s;
    /* One read transaction: every query of this read sees one snapshot. */
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    if ((r->op == PT_READ_GET || r->op == PT_READ_HISTORY) && !in_scope(db, r)) {
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        return;
    }
    switch (r->op) {
    case PT_READ_GET:
        read_get(db, r);
        break;
    case PT_READ_LIST:
        read_list(db, r);
        break;
    case PT_READ_HISTORY:
        read_history(db, r);
        break;
    case PT_READ_EVENTS:
        read_events(db, r);
        break;
    case PT_READ_STATS:
        read_stats(db, r);
        break;
    case PT_READ_COUNT:
        count_all(db, r);
        break;
    case PT_READ_FIGURES:
        read_figures(db, r);
        break;
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
}
