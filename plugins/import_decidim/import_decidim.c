/*
 * import_decidim.c - the "decidim" importer: proposals from the exports of
 * Decidim, the open-source participation platform.
 *
 * Decidim exports proposals as CSV (';' between fields, nested keys
 * flattened with '/': title/en, category/name/ca) or as JSON (an array of
 * objects with the same keys nested). The first byte that is not white
 * space tells which: '[' is JSON, anything else CSV. Both readers give rows
 * of (key, text) with '/' keys (decidim_csv.c, decidim_json.c), and one
 * mapping turns a row into a proposal:
 *
 *   title/<locale>        title         (locale= picks one, case and - or _
 *   body/<locale>         background     aside, else one of its language,
 *                                        else the first present; HTML made
 *                                        plain text)
 *   category/name/<loc>,  category      (taxonomies/... in the open-data
 *   taxonomies/name/<loc>                export of Decidim 0.28 and later)
 *   author/name           lead_author,  (the first of the coauthors, and
 *                         co_signers     the others; an official
 *                                        proposal's organization or
 *                                        meeting, as given)
 *   reference             source.ref    (else url), source.format "decidim"
 *   (kind= in the query)  kind          (suggestion, motion, proposal or other,
 *                                        or 建议, 议案, 提案, 其他; else unset:
 *                                        Decidim has no such field)
 *   id, state, answer, supports|votes, endorsements|likes/total_count,
 *   comments, published_at, withdrawn_at, url, scope
 *                                        custom.decidim_* (withdrawn true,
 *                                        in the open-data export, is the
 *                                        state withdrawn)
 *
 * The Decidim state (accepted, rejected, evaluating, withdrawn, ...) is
 * kept as custom.decidim_state and not mapped to ptrack's workflow: a
 * proposal answered in Decidim has not been assigned, answered or closed
 * by a handling unit here, so it comes in as every import does, in the
 * workflow's first state (submitted). Numeric path segments are ignored
 * when matching (taxonomies/0/name/en is taxonomies/name/en), so the JSON
 * arrays and CSV columns of several taxonomies read alike; the first
 * non-empty one wins.
 *
 * A broken row (wrong number of fields, a bad quote, no title, invalid
 * UTF-8) is rejected with its line and the reading goes on; a CSV without
 * a title column, or JSON that is not JSON, fails the import as a whole.
 * A query argument the importer does not take (a sep it does not read, a
 * kind that is none, a locale that is not a locale tag) fails it before
 * the file is read, with PTRACK_EBADARG: 400, the request's fault.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <ptrack/plugin.h>

#include "csv-sep.h"
#include "decidim_csv.h"
#include "decidim_html.h"
#include "decidim_input.h"
#include "decidim_json.h"
#include "file-kind.h"
#include "labels.h"
#include "plugin-state.h"
#include "utf8.h"

/* A row as the mapping sees it: keys with their numeric segments taken
 * out, and the texts. Both borrowed from the reader. */
typedef struct {
    size_t n;
    char **keys;
    const char **vals;
} fields_t;

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    const char *locale; /* job_arg("locale"), or NULL */
    const char *kind;   /* job_arg("kind") as the API's name, or NULL */
} map_t;

/* The key without numeric segments: "taxonomies/0/name/en" →
 * "taxonomies/name/en". Ownership: the caller frees. */
static char *key_norm(const char *key)
{
    size_t n = strlen(key);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    const char *p = key;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t sl = e ? (size_t)(e - p) : strlen(p);
        int digits = sl > 0;
        for (size_t i = 0; i < sl; i++)
            digits &= p[i] >= '0' && p[i] <= '9';
        if (!digits) {
            if (o)
                out[o++] = '/';
            memcpy(out + o, p, sl);
            o += sl;
        }
        p += sl;
        if (*p == '/')
            p++;
    }
    out[o] = '\0';
    return out;
}

/* The first non-empty value of key. */
static const char *get(const fields_t *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (f->keys[i] && strcmp(f->keys[i], key) == 0 && f->vals[i][0])
            return f->vals[i];
    return NULL;
}

/* Whether key is prefix itself or prefix/<one segment> (a locale), not a
 * machine translation. */
static const char *locale_of(const char *key, const char *prefix)
{
    size_t pn = strlen(prefix);
    if (strncmp(key, prefix, pn) != 0)
        return NULL;
    if (key[pn] == '\0')
        return "";
    if (key[pn] != '/' || strchr(key + pn + 1, '/'))
        return NULL;
    return key + pn + 1;
}

/* The length of a locale tag's language (zh of zh-CN or zh_CN). */
static size_t language_len(const char *tag)
{
    return strcspn(tag, "-_");
}

/* Whether two locale tags are one: tags are read without regard to case,
 * and with - and _ alike (zh-cn, zh_CN and zh-CN are Decidim's zh-CN). */
static bool locale_same(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a == '_' ? '-' : *a, y = *b == '_' ? '-' : *b;
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* Whether two locale tags are of one language (zh and zh-CN, zh-TW and
 * zh-CN), case aside. */
static bool locale_same_language(const char *a, const char *b)
{
    size_t n = language_len(a);
    return n > 0 && n == language_len(b) && strncasecmp(a, b, n) == 0;
}

/* A translated value: prefix/<locale> for the locale asked for (its case,
 * and - or _, aside), else the first of its language (locale=zh takes
 * zh-CN, locale=zh-TW takes zh-CN when there is no zh-TW), else the first
 * one present (prefix alone counts as present). */
static const char *get_translated(const fields_t *f, const map_t *m, const char *prefix)
{
    const char *first = NULL, *language = NULL;
    for (size_t i = 0; i < f->n; i++) {
        if (!f->keys[i] || !f->vals[i][0])
            continue;
        const char *loc = locale_of(f->keys[i], prefix);
        if (!loc)
            continue;
        if (m->locale && locale_same(loc, m->locale))
            return f->vals[i];
        if (m->locale && !language && locale_same_language(loc, m->locale))
            language = f->vals[i];
        if (!first)
            first = f->vals[i];
    }
    return language ? language : first;
}

static int has_column(char *const *keys, size_t n, const char *prefix)
{
    for (size_t i = 0; i < n; i++)
        if (keys[i] && locale_of(keys[i], prefix))
            return 1;
    return 0;
}

/* Sets path to the plain text of an HTML value. */
static int set_html(const map_t *m, ptrack_record_t *rec, const char *path, const char *html)
{
    if (!html)
        return PTRACK_OK;
    char *text = dhtml_text(html);
    if (!text)
        return PTRACK_ENOMEM;
    int rc = text[0] ? m->h->rec_set(rec, path, text) : PTRACK_OK;
    free(text);
    return rc;
}

static int set_opt(const map_t *m, ptrack_record_t *rec, const char *path, const char *v)
{
    return v ? m->h->rec_set(rec, path, v) : PTRACK_OK;
}

/* The pieces of s between ", " (1 for s without one). */
static size_t comma_pieces(const char *s)
{
    size_t k = 1;
    for (const char *p = s; (p = strstr(p, ", ")) != NULL; p += 2)
        k++;
    return k;
}

/* The co-signers a proposal may have (api.md): more are refused by the
 * store's check, so one more than these is enough to have it refused. */
#define CO_SIGNERS_MAX 1000

/* Sets lead_author to the first author of the proposal and co_signers to
 * the others, in their order, each once and not the lead again. Decidim's
 * JSON gives each coauthor's name in an array (author/name/0,
 * author/name/1; author/0/name, author/1/name where "author" is an array
 * of them: all are author/name here), each a whole name; its CSV joins
 * them with ", " in one cell, as it joins their ids in author/id: when the
 * ids and the names split into as many pieces, the names are those
 * pieces; a single author's name is kept whole, commas and all. An
 * official proposal's author is the organization, or the meeting it came
 * from, named so: kept as it is given. */
static int set_authors(const map_t *m, ptrack_record_t *rec, const fields_t *f)
{
    const char *names = get_translated(f, m, "author/name");
    if (!names)
        return PTRACK_OK;
    size_t several = 0; /* the JSON's array of names */
    for (size_t i = 0; i < f->n; i++)
        several += f->keys[i] && strcmp(f->keys[i], "author/name") == 0 && f->vals[i][0];
    const char *ids = get(f, "author/id");
    size_t k = several > 1 ? several : ids ? comma_pieces(ids) : 1;
    if (several < 2 && (k < 2 || comma_pieces(names) != k))
        return m->h->rec_set(rec, "lead_author", names);
    const char **v = malloc(k * sizeof(*v));
    char *cell = several > 1 ? NULL : strdup(names);
    if (!v || (several < 2 && !cell)) {
        free(v);
        free(cell);
        return PTRACK_ENOMEM;
    }
    size_t n = 0;
    if (several > 1) {
        for (size_t i = 0; i < f->n; i++)
            if (f->keys[i] && strcmp(f->keys[i], "author/name") == 0 && f->vals[i][0])
                v[n++] = f->vals[i];
    } else {
        for (char *p = cell;;) {
            v[n++] = p;
            char *comma = strstr(p, ", ");
            if (!comma)
                break;
            *comma = '\0';
            p = comma + 2;
        }
    }
    /* The names kept (the lead, then the co-signers) are moved to the
     * front of v, and a name is looked for among them alone: they are at
     * most CO_SIGNERS_MAX + 2, where a proposal of a megabyte may name
     * tens of thousands, mostly again. */
    int rc = PTRACK_OK;
    size_t kept = 0;
    for (size_t i = 0; i < n && rc == PTRACK_OK && kept <= CO_SIGNERS_MAX + 1; i++) {
        if (!v[i][0])
            continue;
        bool again = false;
        for (size_t j = 0; j < kept && !again; j++)
            again = strcmp(v[j], v[i]) == 0;
        if (again)
            continue;
        rc = kept == 0 ? m->h->rec_set(rec, "lead_author", v[i])
                       : m->h->rec_append(rec, "co_signers", v[i]);
        v[kept++] = v[i];
    }
    free(cell);
    free(v);
    return rc;
}

/* Turns a row into a record and hands it over, or rejects the row. */
static int row_import(const map_t *m, const fields_t *f, const char *where)
{
    const ptrack_host_t *h = m->h;
    char reason[200];
    for (size_t i = 0; i < f->n; i++)
        if (!pt_utf8_ok(f->vals[i], strlen(f->vals[i]))) {
            pt_utf8_format(reason, sizeof(reason),
                           "the value of %s is not valid UTF-8 (Decidim exports are UTF-8)",
                           f->keys[i] ? f->keys[i] : "a column");
            return h->import_reject(m->job, where, reason);
        }
    const char *title = get_translated(f, m, "title");
    if (!title)
        return h->import_reject(m->job, where, "no title (every title/<locale> is empty)");
    ptrack_record_t *rec = h->rec_new();
    if (!rec)
        return PTRACK_ENOMEM;
    int rc = set_html(m, rec, "title", title);
    if (rc == PTRACK_OK && !h->rec_get(rec, "title")) {
        h->rec_free(rec);
        return h->import_reject(m->job, where, "no title (the title is only markup)");
    }
    if (rc == PTRACK_OK)
        rc = set_html(m, rec, "background", get_translated(f, m, "body"));
    const char *category = get_translated(f, m, "category/name");
    if (!category)
        category = get_translated(f, m, "taxonomies/name");
    if (rc == PTRACK_OK)
        rc = set_opt(m, rec, "category", category);
    if (rc == PTRACK_OK)
        rc = set_authors(m, rec, f);
    if (rc == PTRACK_OK)
        rc = set_opt(m, rec, "kind", m->kind);
    if (rc == PTRACK_OK)
        rc = h->rec_set(rec, "source.format", "decidim");
    /* The reference (DD-PROP-2024-01-123) names a proposal across a Decidim
     * instance, so a second import of the same export is known; without it
     * the URL does the same. */
    const char *ref = get(f, "reference");
    if (!ref)
        ref = get(f, "url");
    if (rc == PTRACK_OK)
        rc = set_opt(m, rec, "source.ref", ref);

    const char *votes = get(f, "votes");
    if (!votes)
        votes = get(f, "votes/total_count");
    if (!votes)
        votes = get(f, "supports");
    const char *likes = get(f, "likes/total_count");
    if (!likes)
        likes = get(f, "endorsements/total_count");
    if (!likes)
        likes = get(f, "likes");
    if (!likes)
        likes = get(f, "endorsements");
    const char *scope = get_translated(f, m, "scope/name");
    if (!scope)
        scope = get(f, "scope/id");
    const char *category_id = get(f, "category/id");
    if (!category_id)
        category_id = get(f, "taxonomies/id");
    const char *state = get(f, "state");
    if (!state)
        state = get_translated(f, m, "state");
    /* Decidim 0.28 and later say a withdrawal in withdrawn (true) and
     * withdrawn_at, its state no longer "withdrawn" (empty, or the state
     * it had): kept as the state "withdrawn", as the older exports wrote
     * it, where a withdrawn proposal came in as one still open. */
    const char *withdrawn = get(f, "withdrawn");
    if (withdrawn && strcmp(withdrawn, "true") == 0)
        state = "withdrawn";
    const struct {
        const char *path, *value;
    } custom[] = {
        {"custom.decidim_id", get(f, "id")},
        {"custom.decidim_state", state},
        {"custom.decidim_votes", votes},
        {"custom.decidim_likes", likes},
        {"custom.decidim_comments", get(f, "comments")},
        {"custom.decidim_published_at", get(f, "published_at")},
        {"custom.decidim_withdrawn_at", get(f, "withdrawn_at")},
        {"custom.decidim_url", get(f, "url")},
        {"custom.decidim_scope", scope},
        {"custom.decidim_category_id", category_id},
    };
    for (size_t i = 0; rc == PTRACK_OK && i < sizeof(custom) / sizeof(custom[0]); i++)
        rc = set_opt(m, rec, custom[i].path, custom[i].value);
    if (rc == PTRACK_OK)
        rc = set_html(m, rec, "custom.decidim_answer", get_translated(f, m, "answer"));
    if (rc != PTRACK_OK) {
        h->rec_free(rec);
        return rc;
    }
    return h->import_emit(m->job, rec, where);
}

static void keys_free(char **keys, size_t n)
{
    for (size_t i = 0; keys && i < n; i++)
        free(keys[i]);
    free(keys);
}

/* ---- CSV ----------------------------------------------------------------- */

/* The separator: sep= when given (decidim_import has checked that it
 * names one the reader takes), else ';' (Decidim's), or ',' or a tab when
 * the header line has one of those and no ';'. */
static char csv_sep(const ptrack_host_t *h, ptrack_job_t *job, din_t *in)
{
    const char *arg = h->job_arg(job, "sep");
    if (arg && arg[0])
        return pt_csv_sep_parse(arg);
    size_t n;
    const unsigned char *p = din_window(in, &n);
    if (memchr(p, ';', n))
        return ';';
    if (memchr(p, ',', n))
        return ',';
    if (memchr(p, '\t', n))
        return '\t';
    return ';';
}

/* Whether the row repeats the header (raw, as written), cell for cell;
 * the first cell may begin with the UTF-8 BOM of a file joined on. */
static bool header_again(const drow_t *row, char *const *raw, size_t ncols)
{
    for (size_t i = 0; i < ncols; i++) {
        const char *v = drow_value(row, i);
        if (i == 0 && strncmp(v, "\xEF\xBB\xBF", 3) == 0)
            v += 3;
        if (strcmp(v, raw[i]) != 0)
            return false;
    }
    return ncols > 0;
}

static int csv_import(const map_t *m, din_t *in)
{
    const ptrack_host_t *h = m->h;
    char sep = csv_sep(h, m->job, in);
    dcsv_t c;
    dcsv_init(&c, in, sep);
    int rc = dcsv_next(&c);
    if (rc <= 0) {
        dcsv_free(&c);
        if (rc == 0) {
            h->set_error(m->job, "the file is empty: a Decidim CSV export starts with a header "
                                 "line (id;title/en;body/en;...)");
            return PTRACK_ERROR;
        }
        return rc;
    }
    /* The header, kept: the rows are matched against it. */
    size_t ncols = c.row.n;
    char **keys = calloc(ncols ? ncols : 1, sizeof(*keys));
    char **raw = calloc(ncols ? ncols : 1, sizeof(*raw));
    const char **vals = calloc(ncols ? ncols : 1, sizeof(*vals));
    int ok = keys && raw && vals;
    for (size_t i = 0; ok && i < ncols; i++) {
        raw[i] = strdup(drow_value(&c.row, i));
        keys[i] = raw[i] ? key_norm(raw[i]) : NULL;
        ok = raw[i] && keys[i];
    }
    if (!ok) {
        rc = PTRACK_ENOMEM;
    } else if (c.error[0]) {
        h->set_error(m->job, "line %ld (the header): %s", c.rec_line, c.error);
        rc = PTRACK_ERROR;
    } else if (!has_column(keys, ncols, "title")) {
        char list[300], name[34];
        size_t o = 0;
        list[0] = '\0';
        for (size_t i = 0; i < ncols && o + 40 < sizeof(list); i++) {
            /* Each name in 33 bytes at most, cut between characters. */
            pt_utf8_format(name, sizeof(name), "%s", raw[i]);
            o += pt_utf8_format(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", name);
        }
        h->set_error(m->job,
                     "line %ld: the header has no title column (title, or title/<locale> such "
                     "as title/en); its columns are: %s",
                     c.rec_line, list);
        rc = PTRACK_ERROR;
    } else {
        while ((rc = dcsv_next(&c)) > 0) {
            char where[32], reason[300];
            snprintf(where, sizeof(where), "line %ld", c.rec_line);
            if (c.error[0]) {
                pt_utf8_format(reason, sizeof(reason), "line %ld: %s", c.rec_line, c.error);
                rc = h->import_reject(m->job, where, reason);
            } else if (c.row.n != ncols) {
                snprintf(reason, sizeof(reason),
                         "line %ld: %zu fields where the header has %zu (a '%c' in a field "
                         "that is not quoted?)",
                         c.rec_line, c.row.n, ncols, c.sep);
                rc = h->import_reject(m->job, where, reason);
            } else if (PTRACK_HOST_HAS(h, import_ignore) && header_again(&c.row, raw, ncols)) {
                /* Two exports joined into one file (cat): the second
                 * one's header would be a proposal titled "title/en". */
                rc = h->import_ignore(m->job, where, "not a proposal (the header row again)");
            } else {
                for (size_t i = 0; i < ncols; i++)
                    vals[i] = drow_value(&c.row, i);
                fields_t f = {ncols, keys, vals};
                rc = row_import(m, &f, where);
            }
            if (rc != PTRACK_OK)
                break;
            if (h->job_cancelled(m->job)) {
                rc = PTRACK_ECANCELED;
                break;
            }
        }
    }
    keys_free(keys, ncols);
    keys_free(raw, ncols);
    free(vals);
    dcsv_free(&c);
    return rc;
}

/* ---- JSON ---------------------------------------------------------------- */

static int json_import(const map_t *m, din_t *in)
{
    const ptrack_host_t *h = m->h;
    djson_t j;
    int rc = djson_open(&j, in);
    if (rc == PTRACK_EINVAL) {
        h->set_error(m->job, "%s", j.error);
        djson_free(&j);
        return PTRACK_ERROR;
    }
    char **keys = NULL;
    const char **vals = NULL;
    size_t cap = 0;
    while (rc == PTRACK_OK && (rc = djson_next(&j)) > 0) {
        char where[48], reason[300];
        snprintf(where, sizeof(where), "record %ld (line %ld)", j.n, j.rec_line);
        if (j.error[0]) {
            pt_utf8_format(reason, sizeof(reason), "record %ld (line %ld): %s", j.n, j.rec_line,
                           j.error);
            rc = h->import_reject(m->job, where, reason);
            continue;
        }
        if (j.row.n > cap) {
            keys_free(keys, cap);
            free(vals);
            cap = j.row.n * 2;
            keys = calloc(cap, sizeof(*keys));
            vals = calloc(cap, sizeof(*vals));
            if (!keys || !vals) {
                rc = PTRACK_ENOMEM;
                break;
            }
        }
        for (size_t i = 0; i < j.row.n && rc >= 0; i++) {
            free(keys[i]);
            keys[i] = key_norm(drow_key(&j.row, i));
            vals[i] = drow_value(&j.row, i);
            if (!keys[i])
                rc = PTRACK_ENOMEM;
        }
        if (rc < 0)
            break;
        fields_t f = {j.row.n, keys, vals};
        rc = row_import(m, &f, where);
        if (rc == PTRACK_OK && h->job_cancelled(m->job))
            rc = PTRACK_ECANCELED;
    }
    if (rc == PTRACK_EINVAL) {
        h->set_error(m->job, "%s (record %ld)", j.error, j.n);
        rc = PTRACK_ERROR;
    }
    keys_free(keys, cap);
    free(vals);
    djson_free(&j);
    return rc > 0 ? PTRACK_OK : rc;
}

/* Whether s can be the <locale> of title/<locale>: a tag such as en, ca,
 * pt-BR or zh_TW, 2 to 35 ASCII letters, digits, '-' and '_', starting
 * with a letter. Anything else would match no column, and the first
 * locale present would be taken without a word. */
static bool locale_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 2 || n > 35 || !((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '-' || *s == '_'))
            return false;
    return true;
}

/* What the Decidim importer says of a file that is no text (file-kind.h). */
static const pt_file_advice_t not_decidim = {
    .reads = "a Decidim export (CSV or JSON)",
    .sheet = "export the proposals from Decidim as CSV or JSON, not Excel (a sheet of your own is "
             "imported with format=csv)",
    .document = "import a document's text with format=text, saved as plain text (另存为 → 纯文本 "
                ".txt)",
    .pdf = "import a PDF's text with format=text, copied into a plain text file (.txt, UTF-8)",
};

static int decidim_import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const pt_plugin_state_t *ps = state;
    map_t m = {ps->host, job, ps->host->job_arg(job, "locale"), NULL};
    if (m.locale && !m.locale[0])
        m.locale = NULL;
    if (m.locale && !locale_ok(m.locale)) {
        ps->host->set_error(job,
                            "locale: \"%s\" is not a locale; say locale=en, locale=ca or "
                            "locale=pt-BR (the <locale> of the columns title/<locale>)",
                            m.locale);
        return PTRACK_EBADARG;
    }
    /* Checked whatever the file turns out to be (a JSON export has no
     * separator), before a byte of it is read: the request is at fault. */
    const char *sep = ps->host->job_arg(job, "sep");
    if (sep && sep[0] && !pt_csv_sep_parse(sep)) {
        ps->host->set_error(job,
                            "sep: \"%s\" is not a separator the Decidim importer reads: use %s",
                            sep, PT_CSV_SEP_NAMES);
        return PTRACK_EBADARG;
    }
    const char *kind = ps->host->job_arg(job, "kind");
    if (kind && kind[0] && !(m.kind = pt_label_name(pt_kind_labels, kind))) {
        ps->host->set_error(job,
                            "kind=%s: use suggestion, motion, proposal or other (建议, 议案, "
                            "提案, 其他)",
                            kind);
        return PTRACK_EBADARG;
    }
    din_t *in = malloc(sizeof(*in));
    if (!in)
        return PTRACK_ENOMEM;
    din_init(in, ps->host, job);
    /* A workbook or a document sent for Decidim's export is named as what
     * it is, not refused for the NUL bytes of its header. */
    char why[512];
    int first = pt_chunk_fill_to(&in->c, PT_FILE_KIND_SNIFF) < 0 ? -1 : 0;
    bool binary =
        first == 0 && pt_file_not_text(in->c.buf, in->c.len, &not_decidim, why, sizeof(why));
    if (first == 0 && !binary)
        first = din_skip_bom(in, 1);
    int rc;
    if (binary) {
        ps->host->set_error(job, "%s", why);
        rc = PTRACK_ERROR;
    } else if (first < 0 && in->c.status < 0) {
        rc = in->c.status;
    } else if (first < 0) {
        ps->host->set_error(job, "the file is empty: send a Decidim proposals export (CSV or "
                                 "JSON)");
        rc = PTRACK_ERROR;
    } else if (first == '[' || first == '{') {
        rc = json_import(&m, in);
    } else {
        rc = csv_import(&m, in);
    }
    if (rc == PTRACK_OK && in->c.status < 0)
        rc = in->c.status;
    if (rc == PTRACK_ENOMEM)
        ps->host->set_error(job, "out of memory reading the export");
    free(in);
    return rc;
}

static const char *const decidim_formats[] = {"decidim", NULL};

/* The query parameters read with job_arg: the CSV separator, the locale
 * of translated fields and the kind the proposals are given. */
static const char *const decidim_args[] = {"sep", "locale", "kind", NULL};

static const ptrack_importer_ops_t decidim_importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = decidim_formats,
    .import = decidim_import,
    .args = decidim_args,
};

static const ptrack_plugin_t decidim_plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_decidim",
    .version = "1.0",
    .description = "imports proposals from Decidim exports, CSV or JSON (format decidim; "
                   "?locale=ca picks the translation)",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .importer = &decidim_importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &decidim_plugin;
}
