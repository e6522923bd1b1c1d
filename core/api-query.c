/*
 * api-query.c - query parameters: the list filters, numbers and cursors.
 *
 * A parameter the endpoint does not know is refused rather than ignored:
 * a misspelt filter (`?stauts=closed`) would otherwise return everything and
 * look like an answer; so is one given twice. A list and an export read the same filters with the
 * same checks (query_filters); an export takes its exporter's declared
 * arguments besides.
 */
#include "api-internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "json-strict.h"
#include "timefmt.h"

/* Writes the names of the lists as "a, b and c" into out. */
static void names_text(char *out, size_t size, const char *const *const *lists)
{
    size_t total = 0, done = 0, len = 0;
    out[0] = '\0';
    for (const char *const *const *l = lists; *l; l++)
        for (const char *const *k = *l; *k; k++)
            total++;
    for (const char *const *const *l = lists; *l; l++) {
        for (const char *const *k = *l; *k && len < size; k++) {
            const char *sep = done == 0 ? "" : done + 1 == total ? " and " : ", ";
            int w = snprintf(out + len, size - len, "%s%s", sep, *k);
            len = w < 0 ? size : len + (size_t)w;
            done++;
        }
    }
}

static int hex_digit(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c |= 0x20;
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int pt_query_check(const pt_http_request_t *req, pt_error_t *err)
{
    /* Every %XX is checked on the raw query: decoding keeps a broken
     * escape as it is, which would search for "%" instead of saying that
     * the client's encoding is wrong. */
    const char *q = req->query;
    for (const char *p = q; (p = strchr(p, '%')) != NULL; p++) {
        int hi = hex_digit((unsigned char)p[1]), lo = hi < 0 ? -1 : hex_digit((unsigned char)p[2]);
        if (hi < 0 || lo < 0)
            return pt_error_set(err, PT_EBADREQUEST,
                                "the query has a broken percent-encoding at byte %zu: %% must be "
                                "followed by two hexadecimal digits (%%25 for a %% itself)",
                                (size_t)(p - q) + 1);
        if (hi == 0 && lo == 0)
            return pt_error_set(err, PT_EBADREQUEST, "the query has an encoded NUL (%%00)");
    }
    const char *name, *value;
    for (size_t i = 0; pt_http_query_at(req, i, &name, &value); i++) {
        if (!pt_utf8_valid(name, strlen(name)))
            return pt_error_set(err, PT_EBADREQUEST,
                                "a query parameter's name is not UTF-8 text; text is UTF-8, "
                                "percent-encoded byte by byte");
        if (!pt_utf8_valid(value, strlen(value)))
            return pt_error_set(err, PT_EBADREQUEST,
                                "query parameter \"%.80s\" is not UTF-8 text; text is UTF-8, "
                                "percent-encoded byte by byte (%%E6%%B0%%B4 for 水)",
                                name);
    }
    return PT_OK;
}

/* pt_query_known, and with `others` pt_query_once: a parameter of known
 * given twice is refused, and one of none of them is refused unless
 * `others` lets it through. */
static int query_known(const pt_http_request_t *req, const char *const *const *known,
                       const char *what, bool others, pt_error_t *err)
{
    const char *name, *value;
    for (size_t i = 0; pt_http_query_at(req, i, &name, &value); i++) {
        bool ok = false;
        for (const char *const *const *l = known; *l && !ok; l++)
            for (const char *const *k = *l; *k && !ok; k++)
                ok = strcmp(*k, name) == 0;
        if (ok) {
            /* Which of two values counts would be a guess (limit=5&limit=600). */
            const char *prev, *pv;
            for (size_t k = 0; k < i && pt_http_query_at(req, k, &prev, &pv); k++)
                if (strcmp(prev, name) == 0)
                    return pt_error_set(err, PT_EBADREQUEST,
                                        "query parameter \"%s\" is given twice", name);
            continue;
        }
        if (others)
            continue;
        if (!what)
            return pt_error_set(err, PT_EBADREQUEST, "unknown query parameter \"%s\"", name);
        char taken[400];
        names_text(taken, sizeof(taken), known);
        return pt_error_set(err, PT_EBADREQUEST, "unknown query parameter \"%.80s\"; %s takes %s",
                            name, what, taken[0] ? taken : "none");
    }
    return PT_OK;
}

int pt_query_known(const pt_http_request_t *req, const char *const *const *known, const char *what,
                   pt_error_t *err)
{
    return query_known(req, known, what, false, err);
}

int pt_query_once(const pt_http_request_t *req, const char *const *const *known, pt_error_t *err)
{
    return query_known(req, known, NULL, true, err);
}

int pt_query_only(const pt_http_request_t *req, const char *const *known, pt_error_t *err)
{
    const char *const *lists[] = {known, NULL};
    return pt_query_known(req, lists, NULL, err);
}

int pt_query_int(const pt_http_request_t *req, const char *name, int64_t min, int64_t max,
                 int64_t def, int64_t *out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    *out = def;
    if (!s)
        return PT_OK;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno || v < min || v > max || (*s < '0' || *s > '9'))
        return pt_error_set(err, PT_EBADREQUEST, "%s: \"%s\" is not a number from %lld to %lld",
                            name, s, (long long)min, (long long)max);
    *out = v;
    return PT_OK;
}

int pt_query_bool(const pt_http_request_t *req, const char *name, int *out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    *out = -1;
    if (!s)
        return PT_OK;
    if (strcmp(s, "true") == 0 || strcmp(s, "1") == 0)
        *out = 1;
    else if (strcmp(s, "false") == 0 || strcmp(s, "0") == 0)
        *out = 0;
    else
        return pt_error_set(err, PT_EBADREQUEST, "%s: \"%s\" must be true or false (or 1 or 0)",
                            name, s);
    return PT_OK;
}

/* Parses s up to end (NULL: its end) as an int64 written by the server:
 * an optional -, then 1 to 19 digits, nothing else. */
static bool parse_int64(const char *s, const char *end, long long *out)
{
    if (!end)
        end = s + strlen(s);
    const char *d = s < end && *s == '-' ? s + 1 : s;
    if (d == end || end - d > 19)
        return false;
    for (const char *c = d; c < end; c++)
        if (*c < '0' || *c > '9')
            return false;
    char buf[24];
    memcpy(buf, s, (size_t)(end - s));
    buf[end - s] = '\0';
    errno = 0;
    *out = strtoll(buf, NULL, 10);
    return errno == 0;
}

static int query_str(const pt_http_request_t *req, const char *name, char **out, pt_error_t *err)
{
    const char *s = pt_http_query(req, name);
    if (!s)
        return PT_OK;
    /* An empty filter is more likely an empty variable in a script than a
     * wish for everything: it is refused, so that an export never takes in
     * every proposal by mistake. An empty q is an empty search box: no
     * words. */
    if (!*s && strcmp(name, "q") == 0)
        return PT_OK;
    if (!*s)
        return pt_error_set(err, PT_EBADREQUEST,
                            "%s: empty; leave the parameter out to take every value", name);
    /* Told in characters too: a person counts those, and a Chinese one
     * takes three bytes. */
    if (strlen(s) > 1000)
        return pt_error_set(err, PT_EBADREQUEST,
                            "%s: longer than 1000 bytes (%zu bytes, %zu characters; a Chinese "
                            "character takes 3 bytes, so at most 333 of them)",
                            name, strlen(s), pt_utf8_length(s));
    /* Spelt as the proposals keep it (proposal-json.c), so that what a
     * client typed when it created one finds it: a session folded, a
     * person's and a unit's name as they keep those, and a tag, a
     * delegation and a category as labels (pt_name_clean,
     * pt_unit_name_clean, pt_label_clean: 财政厅<U+200B> is 财政厅,
     * 两会<U+200B> is 两会, 山西代表团<U+200B> is 山西代表团). */
    bool session = strcmp(name, "session") == 0 || strcmp(name, "number") == 0;
    bool label = strcmp(name, "tag") == 0 || strcmp(name, "delegation") == 0 ||
                 strcmp(name, "category") == 0;
    *out = strcmp(name, "person") == 0 ? pt_name_clean(s)
           : strcmp(name, "unit") == 0 ? pt_unit_name_clean(s)
           : label                     ? pt_label_clean(s)
           : session                   ? pt_text_clean(s, true)
                                       : strdup(s);
    if (!*out)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    if (!**out)
        return pt_error_set(err, PT_EBADREQUEST,
                            "%s: blank; leave the parameter out to take every value", name);
    return PT_OK;
}

/* The list filters: what GET /v1/proposals and GET /v1/exports both take. */
static const char *const filter_params[] = {
    "status",          "kind",    "session",    "number", "delegation", "unit", "category", "tag",
    "key_supervision", "overdue", "due_before", "q",      "person",     "todo", NULL};
/* What a list takes besides: its order and pages. */
static const char *const page_params[] = {"sort", "limit", "cursor", NULL};

/* Checks a status filter: one state of the workflow, or several separated
 * by commas (handling,rehandling), which a state's name cannot hold. */
static int check_states(const pt_workflow_t *wf, const char *list, pt_error_t *err)
{
    char name[80];
    for (const char *s = list;; s++) {
        size_t n = strcspn(s, ",");
        if (n == 0)
            return pt_error_set(err, PT_EBADREQUEST,
                                "status: \"%s\" has an empty state; states are separated by "
                                "single commas (handling,rehandling)",
                                list);
        snprintf(name, sizeof(name), "%.*s", (int)(n < sizeof(name) ? n : sizeof(name) - 1), s);
        if (n >= sizeof(name) || !pt_workflow_has_state(wf, name))
            return pt_error_set(err, PT_EBADREQUEST,
                                "status: \"%.*s\" is not a state of the workflow", (int)n, s);
        s += n;
        if (!*s)
            return PT_OK;
    }
}

/* Reads todo=sign,opinion,reply (any of them) into q->todo, and the states
 * in which the workflow's actions allow each part into q->todo_states:
 * judged by the actions' effects, so that an office's own names for its
 * actions and states change nothing. Whose part it is (q->unit) is known
 * only with the caller's scope: pt_api_scope_query checks it. */
static const char *const todo_parts[PT_TODO_N] = {"sign", "opinion", "reply"};

int pt_query_todo_states(const pt_workflow_t *wf, pt_list_query_t *q, pt_error_t *err)
{
    for (int k = 0; k < PT_TODO_N; k++)
        if (!q->todo_states[k] &&
            !(q->todo_states[k] = pt_workflow_effect_states(wf, todo_parts[k])))
            return pt_error_set(err, PT_ENOMEM, "out of memory");
    if (!q->awaiting_states && !(q->awaiting_states = pt_workflow_awaiting_states(wf)))
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    return PT_OK;
}

static int query_todo(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                      pt_error_t *err)
{
    const char *const *parts = todo_parts;
    if (pt_query_todo_states(wf, q, err) != PT_OK)
        return err->code;
    const char *list = pt_http_query(req, "todo");
    if (!list)
        return PT_OK;
    for (const char *s = list;; s++) {
        size_t n = strcspn(s, ",");
        int k = 0;
        while (k < PT_TODO_N && !(strlen(parts[k]) == n && strncmp(s, parts[k], n) == 0))
            k++;
        if (k == PT_TODO_N)
            return pt_error_set(err, PT_EBADREQUEST,
                                "todo: \"%.*s\" is not sign, opinion or reply (several are "
                                "separated by single commas: sign,reply)",
                                (int)(n > 80 ? 80 : n), s);
        q->todo |= 1u << k;
        s += n;
        if (!*s)
            return PT_OK;
    }
}

/* Reads and checks the list filters of filter_params into q. */
static int query_filters(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                         pt_error_t *err)
{
    static const char *const strs[] = {"status",   "kind", "session", "delegation", "unit",
                                       "category", "tag",  "q",       "person",     "number"};
    char **dst[] = {&q->status,   &q->kind, &q->session, &q->delegation, &q->unit,
                    &q->category, &q->tag,  &q->q,       &q->person,     &q->number};
    int rc = PT_OK;
    for (size_t i = 0; rc == PT_OK && i < sizeof(strs) / sizeof(strs[0]); i++)
        rc = query_str(req, strs[i], dst[i], err);
    if (rc != PT_OK)
        return rc;
    if (q->q && pt_search_words(q->q) > PT_SEARCH_MAX_WORDS)
        return pt_error_set(err, PT_EBADREQUEST,
                            "q: %zu words, split at spaces and at ，、；。：！？; a search takes "
                            "at most %d (each must occur)",
                            pt_search_words(q->q), PT_SEARCH_MAX_WORDS);
    if (q->status && (rc = check_states(wf, q->status, err)) != PT_OK)
        return rc;
    if ((rc = query_todo(req, wf, q, err)) != PT_OK)
        return rc;
    static const char *const kinds[] = {"suggestion", "motion", "proposal", "other"};
    if (q->kind) {
        bool ok = false;
        for (size_t i = 0; i < 4; i++)
            ok |= strcmp(q->kind, kinds[i]) == 0;
        if (!ok)
            return pt_error_set(err, PT_EBADREQUEST,
                                "kind: \"%s\" must be suggestion, motion, proposal or other",
                                q->kind);
    }
    if ((rc = pt_query_bool(req, "key_supervision", &q->key_supervision, err)) != PT_OK ||
        (rc = pt_query_bool(req, "overdue", &q->overdue, err)) != PT_OK)
        return rc;
    const char *due = pt_http_query(req, "due_before");
    if (due && pt_time_parse(due, &q->due_before) != 0)
        return pt_error_set(err, PT_EBADREQUEST,
                            "due_before: \"%s\" is not a time (use 2026-12-31 or RFC 3339)", due);
    return PT_OK;
}

int pt_query_export(const pt_http_request_t *req, const pt_workflow_t *wf, const char *format,
                    const char *const *args, pt_list_query_t *q, pt_error_t *err)
{
    static const char *const own[] = {"format", NULL};
    if (args) {
        const char *const *known[] = {own, filter_params, args, NULL};
        char what[120];
        snprintf(what, sizeof(what), "an export of %.80s", format);
        if (pt_query_known(req, known, what, err) != PT_OK)
            return err->code;
    } else {
        /* The exporter's own are let through, as it declares none; the
         * filters are ptrackd's, and one given twice is refused as a
         * list refuses it. */
        const char *const *known[] = {own, filter_params, NULL};
        if (pt_query_once(req, known, err) != PT_OK)
            return err->code;
    }
    return query_filters(req, wf, q, err);
}

int pt_query_stats(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                   pt_error_t *err)
{
    const char *const *known[] = {filter_params, NULL};
    int rc = pt_query_known(req, known, "GET /v1/stats", err);
    return rc != PT_OK ? rc : query_filters(req, wf, q, err);
}

int pt_query_list(const pt_http_request_t *req, const pt_workflow_t *wf, pt_list_query_t *q,
                  pt_error_t *err)
{
    const char *const *known[] = {filter_params, page_params, NULL};
    int rc = pt_query_known(req, known, NULL, err);
    if (rc != PT_OK || (rc = query_filters(req, wf, q, err)) != PT_OK)
        return rc;
    int64_t limit;
    if ((rc = pt_query_int(req, "limit", 1, 500, 50, &limit, err)) != PT_OK)
        return rc;
    q->limit = (int)limit;
    const char *sort = pt_http_query(req, "sort");
    if (sort) {
        q->desc = sort[0] == '-';
        const char *key = sort + q->desc;
        if (strcmp(key, "id") == 0)
            q->sort = PT_SORT_ID;
        else if (strcmp(key, "created_at") == 0)
            q->sort = PT_SORT_CREATED;
        else if (strcmp(key, "updated_at") == 0)
            q->sort = PT_SORT_UPDATED;
        else if (strcmp(key, "due_at") == 0)
            q->sort = PT_SORT_DUE;
        else
            return pt_error_set(err, PT_EBADREQUEST,
                                "sort: \"%s\" must be id, created_at, updated_at or due_at, "
                                "with - in front for descending",
                                sort);
    }
    const char *cursor = pt_http_query(req, "cursor");
    /* An empty cursor is a script's lost one, not the first page: taken
     * as the first page, a loop that follows next would start again for
     * ever. */
    if (cursor && !*cursor)
        return pt_error_set(err, PT_EBADREQUEST,
                            "cursor: empty; give the next of the page before, or leave the "
                            "parameter out for the first page");
    if (cursor) {
        /* "<key><value>.<id>" as the server writes it: the sort's letter,
         * digits (the value may be negative), nothing else, within int64. */
        long long v = 0, id = 0;
        const char *dot = strchr(cursor, '.');
        const char *keys = "icueICUE"; /* pt_list_cursor_key's letters */
        if (dot && parse_int64(cursor, dot, &v) && parse_int64(dot + 1, NULL, &id))
            return pt_error_set(err, PT_EBADREQUEST,
                                "cursor: \"%s\" is a cursor of an earlier version, which names "
                                "no sort; start the list again from its first page",
                                cursor);
        /* 'd' paged the due sort by the deadline whether it ran or not,
         * before schema 16: its value may be a stopped deadline's, which
         * the due sort now orders last. */
        if (dot && (*cursor == 'd' || *cursor == 'D') && parse_int64(cursor + 1, dot, &v) &&
            parse_int64(dot + 1, NULL, &id) && id >= 0)
            return pt_error_set(err, PT_EBADREQUEST,
                                "cursor: \"%s\" is a cursor of an earlier version, which sorted "
                                "by due_at also the proposals whose deadline has stopped; start "
                                "the list again from its first page",
                                cursor);
        /* A proposal's id is 1 or more, and the id sort's value is the
         * id: i0.0 or i7.5 were never given out, and listed from the
         * start or from another place than the one they seem to name. */
        if (!dot || !*cursor || !strchr(keys, *cursor) || !parse_int64(cursor + 1, dot, &v) ||
            !parse_int64(dot + 1, NULL, &id) || id < 1 ||
            ((*cursor == 'i' || *cursor == 'I') && v != id))
            return pt_error_set(err, PT_EBADREQUEST,
                                "cursor: \"%s\" is not a cursor this server gave out", cursor);
        if (*cursor != pt_list_cursor_key(q->sort, q->desc))
            return pt_error_set(err, PT_EBADREQUEST,
                                "cursor: \"%s\" pages a list in another order; give it with "
                                "the sort it came with",
                                cursor);
        q->has_cursor = true;
        q->cursor_value = v;
        q->cursor_id = id;
    }
    return PT_OK;
}
