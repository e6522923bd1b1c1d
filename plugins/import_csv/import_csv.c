/*
 * import_csv.c - the built-in CSV importer (format "csv").
 *
 * The upload flows through three stages, each holding a bounded amount:
 *
 *   job_read (64 KiB) -> iconv to UTF-8 (GBK/GB18030 only) -> csv_reader
 *
 * so a 100 MB file imports in the memory of its largest record. The first
 * 64 KiB decide the encoding when the request does not (`encoding=`): a
 * UTF-8 BOM or UTF-8 text (with at most a few stray bytes: pt_utf8_judged) is
 * UTF-8, anything else is read as GB18030, the
 * superset of GBK that Chinese Excel and WPS write; `encoding=gbk` is read
 * as GB18030 too, and a file that starts with UTF-16's byte order mark
 * (Excel's "Unicode text") as UTF-16 (open_encoding). The separator is the
 * request's (`sep=`), or the one Excel's first line "sep=;" names (the
 * line is skipped; with both, they must agree), or else the most frequent
 * of , ; and TAB outside quotes on the first line.
 *
 * The header row maps columns to fields (csv-columns.c: English field names,
 * Chinese headers and their common variants; `map={"field": "header"}`
 * adds or overrides). A column that maps to nothing is kept in
 * custom.<header>, so an office's own columns survive the import. The
 * exporter's JSON columns (单位明细, 答复记录, 评价记录, 自定义字段) carry
 * units, replies, feedback and custom exactly; without them, the readable
 * columns (主办单位, 协办单位, 答复文号, 办理结果, 答复时间, 满意度) make one
 * unit list, one reply and one feedback entry.
 *
 * A cell that begins with ' and then = + - @ TAB or CR (or more ' and then
 * one of those) loses its first ': the exporter puts it there so that a
 * spreadsheet shows the cell as text rather than running it as a formula
 * (plugins/common/formula-guard.h). Any other ' ('001) is kept.
 *
 * A record that holds what only a stored proposal has (a status past the
 * initial ones, units, replies, feedback, dates) is marked as stored
 * (version 1, which the host replaces), so that the host decodes it as a
 * proposal carried over from elsewhere rather than one a client creates.
 *
 * Errors name the line a record starts on and the column: a row with the
 * wrong number of fields and a cell the importer cannot read are rejected
 * (import_reject); a file that cannot be read on (an unterminated quote, a
 * header without a title column, bytes that are not in the encoding) ends
 * the import with set_error and PTRACK_ERROR. A query argument that is
 * wrong whatever the file holds (a sep or encoding the importer does not
 * read, a map that is not JSON or names no field it fills) ends it with
 * PTRACK_EBADARG (400); one that clashes with the file (map naming a
 * column the header lacks, sep= against the file's own "sep=" line) is
 * the file's: PTRACK_ERROR.
 */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <ptrack/plugin.h>
#include "csv-sep.h"
#include "csv.h"
#include "file-kind.h"
#include "formula-guard.h"
#include "plugin-state.h"
#include "times.h"
#include "utf8.h"

#define CHUNK (64 * 1024)
#define SNIFF_MAX (1024 * 1024)
#define RECORD_MAX (16 * 1024 * 1024)
/* The host's bound on a custom key's characters (PT_CUSTOM_KEY_MAX in the core). */
#define CUSTOM_KEY_MAX 100

/* What a column of this file becomes. */
typedef struct {
    const csv_column_t *col; /* NULL: kept in custom under `custom` */
    char *custom;            /* the custom key, or NULL */
    char *header;            /* as written in the file, for messages */
    bool unnamed;            /* the header's cell was blank (header is 列N) */
} col_t;

typedef struct {
    char *field;
    char *header;
} map_entry_t;

typedef struct {
    const ptrack_host_t *h;
    ptrack_job_t *job;
    pt_wf_t wf;      /* the running workflow: its states' labels, read back */
    char error[640]; /* a whole-file problem, for set_error */

    /* Decoding. */
    iconv_t cd;        /* (iconv_t)-1: the input is UTF-8 */
    const char *asked; /* encoding=, read before the body: "UTF-8", "GBK",
                        * "GB18030"; NULL: judged from the first 64 KiB */
    const char *encoding;
    bool guessed;  /* the encoding was judged from the first 64 KiB alone */
    bool gb;       /* read as GB18030 (GBK or GB18030) */
    size_t n_pend; /* bytes of a character split across chunks, at in[0] */
    bool bom_done;

    /* The first line is held until it is complete: it may be Excel's
     * "sep=;", and without one it decides the separator. */
    char sep; /* 0 until known */
    bool head_done;
    bool head_whole; /* what is held is the whole first line: read it */
    pt_str_t head;

    csv_reader_t rd;
    char in[16 + CHUNK]; /* pend, then a chunk, for iconv */
    char out[CHUNK];

    /* The header. */
    bool have_header;
    col_t *cols;
    size_t n_cols;
    map_entry_t *map;
    size_t n_map;

    /* Per row, reused. */
    pt_str_t lead, co, custom, tmp, replied;
    size_t n_lead, n_co;
} imp_t;

/* ---- Small helpers ---------------------------------------------------- */

static char *dupn(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

/* ---- The map argument -------------------------------------------------- */

/* Reads a JSON string at *p (after its opening quote) into b. */
static bool json_string(const char **p, pt_str_t *b)
{
    const char *s = *p;
    while (*s && *s != '"') {
        if (*s != '\\') {
            pt_str_append(b, s++, 1);
            continue;
        }
        s++;
        char c = *s++;
        const char *simple = strchr("\"\\/bfnrt", c);
        if (c && simple) {
            static const char out[] = "\"\\/\b\f\n\r\t";
            pt_str_append(b, &out[simple - "\"\\/bfnrt"], 1);
            continue;
        }
        if (c != 'u')
            return false;
        unsigned long cp = 0;
        for (int i = 0; i < 4; i++, s++) {
            char h = *s;
            int v = h >= '0' && h <= '9'   ? h - '0'
                    : h >= 'a' && h <= 'f' ? h - 'a' + 10
                    : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                           : -1;
            if (v < 0)
                return false;
            cp = cp * 16 + (unsigned long)v;
        }
        /* strnlen: the low half may be cut short by the end of the text. */
        if (cp >= 0xD800 && cp <= 0xDBFF && s[0] == '\\' && s[1] == 'u' && strnlen(s, 6) == 6) {
            unsigned long lo = strtoul((char[5]){s[2], s[3], s[4], s[5], 0}, NULL, 16);
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                s += 6;
            }
        }
        char u[4];
        size_t n;
        if (cp < 0x80) {
            u[0] = (char)cp;
            n = 1;
        } else if (cp < 0x800) {
            u[0] = (char)(0xC0 | (cp >> 6));
            u[1] = (char)(0x80 | (cp & 0x3F));
            n = 2;
        } else if (cp < 0x10000) {
            u[0] = (char)(0xE0 | (cp >> 12));
            u[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[2] = (char)(0x80 | (cp & 0x3F));
            n = 3;
        } else {
            u[0] = (char)(0xF0 | (cp >> 18));
            u[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
            u[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
            u[3] = (char)(0x80 | (cp & 0x3F));
            n = 4;
        }
        pt_str_append(b, u, n);
    }
    if (*s != '"')
        return false;
    *p = s + 1;
    return true;
}

static void skip_ws(const char **p)
{
    while (**p == ' ' || **p == '\t' || **p == '\n' || **p == '\r')
        (*p)++;
}

/* Steps over c if *p is at it; never past the end of the text. */
static bool expect(const char **p, char c)
{
    if (**p != c)
        return false;
    (*p)++;
    return true;
}

static bool map_add(imp_t *im, const char *field, size_t fn, const char *header, size_t hn)
{
    map_entry_t *m = realloc(im->map, (im->n_map + 1) * sizeof(*m));
    if (!m)
        return false;
    im->map = m;
    csv_trim(&field, &fn);
    csv_trim(&header, &hn);
    m[im->n_map].field = dupn(field, fn);
    m[im->n_map].header = dupn(header, hn);
    im->n_map++;
    return m[im->n_map - 1].field && m[im->n_map - 1].header;
}

/* Receives one member of a JSON object of strings; returns false to
 * stop. k and v are NUL-terminated. */
typedef bool (*pair_fn)(void *ctx, const pt_str_t *k, const pt_str_t *v);

/* Reads text, a JSON object whose values are strings, calling fn for each
 * member in order. Returns false when it is not one or fn said stop. */
static bool parse_object(const char *text, pair_fn fn, void *ctx)
{
    const char *p = text;
    pt_str_t k = {0}, v = {0};
    bool ok = true;
    skip_ws(&p);
    if (!expect(&p, '{'))
        return false;
    skip_ws(&p);
    if (*p == '}') {
        p++;
    } else {
        for (;;) {
            k.len = v.len = 0;
            skip_ws(&p);
            if (!expect(&p, '"') || !json_string(&p, &k)) {
                ok = false;
                break;
            }
            skip_ws(&p);
            if (!expect(&p, ':')) {
                ok = false;
                break;
            }
            skip_ws(&p);
            if (!expect(&p, '"') || !json_string(&p, &v)) {
                ok = false;
                break;
            }
            pt_str_append(&k, "", 1);
            pt_str_append(&v, "", 1);
            k.len--;
            v.len--;
            if (k.oom || v.oom || !fn(ctx, &k, &v)) {
                ok = false;
                break;
            }
            skip_ws(&p);
            if (*p == ',') {
                p++;
                continue;
            }
            if (!expect(&p, '}'))
                ok = false;
            break;
        }
    }
    skip_ws(&p);
    if (ok && *p)
        ok = false;
    pt_str_free(&k);
    pt_str_free(&v);
    return ok;
}

static bool map_pair(void *ctx, const pt_str_t *k, const pt_str_t *v)
{
    return map_add(ctx, k->p, k->len, v->p, v->len);
}

/* map is a JSON object {"field": "header", ...}; the CLI's --map
 * field=header pairs may also come as "field=header,field=header". */
static bool parse_map(imp_t *im, const char *text)
{
    const char *p = text;
    skip_ws(&p);
    if (*p != '{') {
        while (*p) {
            const char *end = strchr(p, ',');
            size_t n = end ? (size_t)(end - p) : strlen(p);
            const char *eq = memchr(p, '=', n);
            if (!eq) {
                pt_utf8_format(im->error, sizeof(im->error),
                               "map: \"%.*s\" is not field=header; send a JSON object such as "
                               "{\"title\": \"议题名称\"}",
                               (int)n, p);
                return false;
            }
            if (!map_add(im, p, (size_t)(eq - p), eq + 1, n - (size_t)(eq - p) - 1))
                return false;
            p += n + (end ? 1 : 0);
        }
        return true;
    }
    bool ok = parse_object(p, map_pair, im);
    if (!ok)
        pt_utf8_format(im->error, sizeof(im->error),
                       "map: not a JSON object of strings such as {\"title\": \"议题名称\"}");
    return ok;
}

/* The longest refusal of a map that ptrackd passes on whole: its words
 * around it ("the importer <instance> refused the request: ...; nothing
 * was imported") and it share a message of 511 bytes, which ptrackd fits
 * by cutting the middle of the longest part, inside a name of the list. */
#define MAP_REFUSAL_MAX 360
/* The bytes of a map's field that the refusal quotes, at most. */
#define MAP_FIELD_SHOWN 60

/* "map: \"f\" is not a field ...; use one of id, number, ..., or
 * custom.<name>", within MAP_REFUSAL_MAX bytes: the list of the fields is
 * cut between two names, and says how many more there are. */
static void refuse_field(imp_t *im, const char *f)
{
    char shown[MAP_FIELD_SHOWN + 4];
    pt_utf8_format(shown, sizeof(shown), "%s", f);
    char head[160];
    int hn = snprintf(head, sizeof(head),
                      "map: \"%s\" is not a field the CSV importer fills; use one of ", shown);
    static const char tail[] = ", or custom.<name>";
    size_t total = 0, named = 0;
    for (const csv_column_t *k = csv_columns; k->key; k++)
        total += k->kind != CC_IGNORE;
    pt_str_t known = {0};
    for (const csv_column_t *k = csv_columns; k->key; k++) {
        if (k->kind == CC_IGNORE)
            continue;
        /* Room for this name, and for " and N more" unless it is the last. */
        size_t need = (size_t)hn + known.len + 2 + strlen(k->key) + sizeof(tail) - 1 +
                      (named + 1 < total ? sizeof(" and 99 more") - 1 : 0);
        if (need > MAP_REFUSAL_MAX)
            break;
        pt_str_puts(&known, known.len ? ", " : "");
        pt_str_puts(&known, k->key);
        named++;
    }
    if (named < total)
        pt_str_printf(&known, " and %zu more", total - named);
    snprintf(im->error, sizeof(im->error), "%s%s%s", head, known.p ? known.p : "", tail);
    pt_str_free(&known);
}

/* Checks that every map entry names a field the importer knows. */
static bool check_map(imp_t *im)
{
    for (size_t i = 0; i < im->n_map; i++) {
        const char *f = im->map[i].field;
        const csv_column_t *c = csv_column_by_key(f);
        bool custom = strncmp(f, "custom.", 7) == 0 && f[7];
        if ((!c || c->kind == CC_IGNORE) && !custom) {
            refuse_field(im, f);
            return false;
        }
        if (!im->map[i].header[0]) {
            pt_utf8_format(im->error, sizeof(im->error), "map: the header for \"%s\" is empty", f);
            return false;
        }
    }
    return true;
}

/* ---- The header ----------------------------------------------------- */

static const char *column_name(const imp_t *im, size_t i)
{
    return i < im->n_cols ? im->cols[i].header : "?";
}

/* The bytes at s (n left) that are no character, for a message: up to
 * four, in hex ("FF FE"), the first and those after it that may belong to
 * it (not a control character, a space or ASCII punctuation below the
 * digits, which begin the next character; a digit may be the second or
 * fourth byte of a GB18030 character). */
static void hex_bytes(const unsigned char *s, size_t n, char hex[16])
{
    hex[0] = '\0';
    for (size_t i = 0, o = 0; i < n && i < 4 && (i == 0 || s[i] >= 0x30); i++)
        o += (size_t)snprintf(hex + o, 16 - o, "%s%02X", i ? " " : "", s[i]);
}

/* The first bytes of s[0..n) that are no UTF-8 character, in hex as
 * hex_bytes writes them: up to four, to where a character begins. */
static void utf8_bad_bytes(const char *s, size_t n, char hex[16])
{
    size_t i = 0, at = n;
    while (i < n && at == n) {
        size_t k = i;
        if (pt_utf8_next(s, n, &k) < 0)
            at = i;
        i = k;
    }
    size_t end = at;
    while (end < n && end - at < 4) {
        size_t k = end;
        if (end > at && pt_utf8_next(s, n, &k) >= 0)
            break; /* a character begins here */
        end++;
    }
    hex_bytes((const unsigned char *)s + at, end - at, hex);
}

/* Writes to reason why the cell s[0..n) of line `line` and column `name`
 * is not UTF-8 text, in a file read as UTF-8: half of a CESU-8 pair, or
 * bytes that are no character, named in hex so that the cell can be found
 * in a spreadsheet and the file's real encoding guessed. */
static void utf8_reason(const imp_t *im, const char *s, size_t n, long line, const char *name,
                        char *reason, size_t size)
{
    char hex[16];
    utf8_bad_bytes(s, n, hex);
    if (pt_utf8_has_surrogate(s, n))
        /* Half of a CESU-8 pair (csv.h): no GBK file holds ED A0. */
        pt_utf8_format(reason, size,
                       "line %ld, column %s: a UTF-8-encoded surrogate (ED A0..ED BF) without its "
                       "pair: half of a character beyond the BMP as CESU-8 writes it, no character "
                       "alone",
                       line, name);
    else if (im->guessed)
        /* The first 64 KiB were UTF-8 (or nearly: pt_utf8_judged), this cell
         * is not: a stray byte, or a GBK file whose Chinese begins late
         * (English headers, numbers). */
        pt_utf8_format(reason, size,
                       "line %ld, column %s: bytes that are not UTF-8 text (%s), though the file "
                       "was read as UTF-8 from its first 64 KiB; if the file is GBK or GB18030 (a "
                       "\"CSV\" saved by Excel or WPS on Windows), import it with encoding=gbk",
                       line, name, hex);
    else
        pt_utf8_format(
            reason, size,
            "line %ld, column %s: bytes that are not UTF-8 text (%s); say what the file is "
            "with encoding=utf-8, gbk or gb18030",
            line, name, hex);
}

/* 序号 numbers a sheet's rows 1, 2, 3...: it says where a row is, not
 * which proposal it is, so it is read as nothing (as a number it would
 * make two offices' sheets duplicates of each other). */
static const csv_column_t row_serial = {"序号", CC_IGNORE, NULL, NULL};

/* What a column gives, for messages: "the field title", "custom.备注". */
static void column_target(const col_t *c, char *buf, size_t size)
{
    if (c->custom)
        pt_utf8_format(buf, size, "custom.%s", c->custom);
    else
        snprintf(buf, size, "the field %s", c->col->key);
}

/* Two columns that give one field or one custom key would overwrite each
 * other, row after row, without a word: refused at the header. */
static bool check_columns_distinct(imp_t *im, long line)
{
    for (size_t i = 0; i < im->n_cols; i++) {
        const col_t *a = &im->cols[i];
        if (a->col && a->col->kind == CC_IGNORE)
            continue;
        for (size_t j = i + 1; j < im->n_cols; j++) {
            const col_t *b = &im->cols[j];
            bool same =
                a->custom ? b->custom && strcmp(a->custom, b->custom) == 0 : b->col == a->col;
            if (!same)
                continue;
            char what[160];
            column_target(a, what, sizeof(what));
            pt_utf8_format(
                im->error, sizeof(im->error),
                "line %ld: columns %zu (%s) and %zu (%s) both give %s; keep one of them, "
                "or say which column gives it with map= (the other is then kept in custom)",
                line, i + 1, a->header, j + 1, b->header, what);
            return false;
        }
    }
    return true;
}

static int read_header(imp_t *im, const csv_record_t *rec)
{
    /* A header name, kept as a C string, would end at a NUL byte without a
     * word (代\0表团 a custom key 代; "title" of a UTF-16 file without its
     * byte order mark, t\0i\0..., the column "t"), as a cell would: it
     * is refused as a cell is, naming where. */
    for (size_t i = 0; i < rec->n; i++) {
        if (memchr(rec->fields[i], '\0', rec->lens[i])) {
            pt_utf8_format(
                im->error, sizeof(im->error),
                "line %ld, column %zu: the header holds a NUL byte, which is not text (a "
                "file with a NUL byte after each letter is UTF-16 without its byte order "
                "mark: save the sheet as CSV UTF-8)",
                rec->line, i + 1);
            return PTRACK_ERROR;
        }
    }
    /* A header that is not UTF-8 in a file read as such would name its
     * columns, and custom keys, in bytes that are no text. */
    for (size_t i = 0; im->cd == (iconv_t)-1 && i < rec->n; i++) {
        if (!pt_utf8_ok(rec->fields[i], rec->lens[i])) {
            char name[32];
            snprintf(name, sizeof(name), "%zu", i + 1);
            utf8_reason(im, rec->fields[i], rec->lens[i], rec->line, name, im->error,
                        sizeof(im->error));
            return PTRACK_ERROR;
        }
    }
    im->cols = calloc(rec->n, sizeof(*im->cols));
    if (!im->cols)
        return PTRACK_ENOMEM;
    im->n_cols = rec->n;
    for (size_t i = 0; i < rec->n; i++) {
        const char *hd = rec->fields[i];
        size_t hn = rec->lens[i];
        csv_trim(&hd, &hn);
        col_t *c = &im->cols[i];
        if (hn == 0) {
            char name[32];
            snprintf(name, sizeof(name), "列%zu", i + 1);
            c->header = strdup(name);
            c->unnamed = true;
        } else {
            c->header = dupn(hd, hn);
        }
        if (!c->header)
            return PTRACK_ENOMEM;
        /* The map wins over the built-in names. */
        const map_entry_t *m = NULL;
        for (size_t k = 0; k < im->n_map && !m; k++)
            if (strcmp(im->map[k].header, c->header) == 0)
                m = &im->map[k];
        if (m) {
            if (strncmp(m->field, "custom.", 7) == 0) {
                if (!(c->custom = strdup(m->field + 7)))
                    return PTRACK_ENOMEM;
            } else {
                c->col = csv_column_by_key(m->field);
            }
            continue;
        }
        if (strcmp(c->header, row_serial.key) == 0) {
            c->col = &row_serial;
            continue;
        }
        c->col = hn ? csv_column_by_header(hd, hn) : NULL;
        /* A column whose field the map gives to another header steps
         * aside, and is kept as a custom field. */
        for (size_t k = 0; c->col && k < im->n_map; k++)
            if (strcmp(im->map[k].field, c->col->key) == 0)
                c->col = NULL;
        if (!c->col && !(c->custom = strdup(c->header)))
            return PTRACK_ENOMEM;
    }
    /* A column kept in custom gives its key to every row; the host takes
     * keys of CUSTOM_KEY_MAX characters at most. Said once, here. */
    for (size_t i = 0; i < im->n_cols; i++) {
        size_t chars = 0;
        for (const char *p = im->cols[i].custom ? im->cols[i].custom : ""; *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        if (chars > CUSTOM_KEY_MAX) {
            pt_utf8_format(
                im->error, sizeof(im->error),
                "line %ld, column %zu: its custom key would be %zu characters long, and "
                "custom keys are %d characters at most (a header that names no field is "
                "kept in custom under its name: shorten it, or name its field with map=)",
                rec->line, i + 1, chars, CUSTOM_KEY_MAX);
            return PTRACK_ERROR;
        }
    }
    if (!check_columns_distinct(im, rec->line))
        return PTRACK_ERROR;
    for (size_t k = 0; k < im->n_map; k++) {
        bool found = false;
        for (size_t i = 0; i < im->n_cols && !found; i++)
            found = strcmp(im->cols[i].header, im->map[k].header) == 0;
        if (!found) {
            pt_utf8_format(im->error, sizeof(im->error),
                           "line %ld: map: the header has no column \"%s\" (for %s)", rec->line,
                           im->map[k].header, im->map[k].field);
            return PTRACK_ERROR;
        }
    }
    bool title = false;
    for (size_t i = 0; i < im->n_cols; i++)
        title |= im->cols[i].col && strcmp(im->cols[i].col->key, "title") == 0;
    if (!title) {
        pt_str_t names = {0};
        for (size_t i = 0; i < im->n_cols && names.len < 300; i++) {
            pt_str_puts(&names, i ? "、" : "");
            pt_str_puts(&names, im->cols[i].header);
        }
        pt_utf8_format(
            im->error, sizeof(im->error),
            "line %ld: the required column title is missing: the header needs 标题, 案由 or "
            "title (or map={\"title\": \"<your header>\"}); its columns are %s",
            rec->line, names.p ? names.p : "");
        pt_str_free(&names);
        return PTRACK_ERROR;
    }
    im->have_header = true;
    return PTRACK_OK;
}

/* ---- A row ---------------------------------------------------------- */

typedef struct {
    imp_t *im;
    ptrack_record_t *rec;
    const char *path;
    pt_str_t *list;
    size_t *count;
    int rc;
} item_ctx_t;

static int append_item(void *ctx, const char *s, size_t n)
{
    item_ctx_t *ic = ctx;
    char *v = dupn(s, n);
    if (!v)
        return PTRACK_ENOMEM;
    int rc = ic->im->h->rec_append(ic->rec, ic->path, v);
    free(v);
    return rc;
}

/* Collects a unit name into a JSON array's members (without brackets). */
static int collect_name(void *ctx, const char *s, size_t n)
{
    item_ctx_t *ic = ctx;
    if (ic->list->len)
        pt_str_append(ic->list, ",", 1);
    csv_json_str(ic->list, s, n);
    (*ic->count)++;
    return ic->list->oom ? PTRACK_ENOMEM : 0;
}

/* The exporter writes a list that its readable form cannot hold exactly
 * as a JSON array of strings; such a cell is taken whole. */
static bool looks_json_array(const char *s, size_t n)
{
    return n >= 2 && s[0] == '[' && s[n - 1] == ']';
}

typedef struct {
    const char *doc_no, *category, *replied_at, *satisfaction;
    const char *source_format, *source_ref;
    const char *units_json, *replies_json, *feedback_json, *custom_json;
    size_t units_col, replies_col, feedback_col, custom_col;
    bool stored;      /* holds what only a stored proposal has */
    bool has_created; /* created_at is set, which marks it stored already */
    bool has_id;      /* an export's ID is set, which does too */
    bool has_mode;
    const char *mode; /* the handling mode the row names, when it is one */
    size_t mode_col;
} row_t;

/* Rejects the row for a cell it cannot read. Returns what import_reject
 * did. */
static int reject_cell(imp_t *im, long line, size_t col, const char *fmt, const char *value)
{
    char where[32], reason[512];
    snprintf(where, sizeof(where), "line %ld", line);
    size_t n =
        pt_utf8_format(reason, sizeof(reason), "line %ld, column %s: ", line, column_name(im, col));
    pt_utf8_format(reason + n, sizeof(reason) - n, fmt, value);
    return im->h->import_reject(im->job, where, reason);
}

/* Rejects the row with a reason written whole. Returns 1, or the error
 * import_reject gave. */
static int reject_row(imp_t *im, long line, const char *reason)
{
    char where[32];
    snprintf(where, sizeof(where), "line %ld", line);
    int rc = im->h->import_reject(im->job, where, reason);
    return rc == PTRACK_OK ? 1 : rc;
}

/* The header of the column that gives the field key in this file, or the
 * field's own header when none does. */
static const char *header_of(const imp_t *im, const char *key)
{
    for (size_t i = 0; i < im->n_cols; i++)
        if (im->cols[i].col && strcmp(im->cols[i].col->key, key) == 0)
            return im->cols[i].header;
    return pt_field_label(key);
}

/* The units of the readable columns must make an assignment the workflow
 * can carry out: a unit that only assists (协办) needs one that leads
 * (主办), and two or more lead units are handled separately (分办),
 * where none assists. Otherwise the proposal could never be answered.
 * Returns PTRACK_OK, 1 when the row was rejected, or an error. */
static int check_units(imp_t *im, const row_t *row, const char *mode, long line)
{
    const char *lead = header_of(im, "lead_units"), *co = header_of(im, "co_units");
    char reason[640];
    if (row->has_mode && row->mode) {
        const char *label = column_name(im, row->mode_col);
        const char *need = NULL;
        if (strcmp(mode, "single") == 0 && (im->n_lead != 1 || im->n_co))
            need = "takes one unit, in %s, and none in %s";
        else if (strcmp(mode, "lead_co") == 0 && im->n_lead != 1)
            need = "takes exactly one lead unit, in %s (and the co units in %s)";
        else if (strcmp(mode, "separate") == 0 && im->n_co)
            need = "takes the units in %s, and none in %s (separately handled, none assists)";
        if (need) {
            size_t n = pt_utf8_format(reason, sizeof(reason), "line %ld, column %s: %s (%s) ", line,
                                      label, pt_label_zh(pt_mode_labels, mode), mode);
            n += pt_utf8_format(reason + n, sizeof(reason) - n, need, lead, co);
            pt_utf8_format(reason + n, sizeof(reason) - n,
                           "; the row has %zu unit(s) in %s and %zu in %s", im->n_lead, lead,
                           im->n_co, co);
            return reject_row(im, line, reason);
        }
        return PTRACK_OK;
    }
    if (im->n_co && !im->n_lead) {
        pt_utf8_format(
            reason, sizeof(reason),
            "line %ld, column %s: co units (协办) with no lead unit: %s is empty; a co unit "
            "assists the lead unit, so name the lead unit (主办) in %s",
            line, co, lead, lead);
        return reject_row(im, line, reason);
    }
    if (im->n_co && im->n_lead > 1) {
        pt_utf8_format(
            reason, sizeof(reason),
            "line %ld, columns %s and %s: %zu lead units are handled separately (分办), where "
            "no unit is a co unit (协办); name one lead unit in %s, or leave %s empty",
            line, lead, co, im->n_lead, lead, co);
        return reject_row(im, line, reason);
    }
    return PTRACK_OK;
}

/* Reads 1 to max digits at *p into *v. */
static bool read_num(const char **p, const char *end, int max, int *v)
{
    int k = 0;
    *v = 0;
    while (*p < end && k < max && **p >= '0' && **p <= '9') {
        *v = *v * 10 + (**p - '0');
        (*p)++;
        k++;
    }
    return k > 0;
}

/* Steps over one of the separators (ASCII characters or UTF-8 words) in
 * alts, '|'-separated. */
static bool read_sep(const char **p, const char *end, const char *alts)
{
    for (const char *a = alts; *a;) {
        const char *bar = strchr(a, '|');
        size_t an = bar ? (size_t)(bar - a) : strlen(a);
        if ((size_t)(end - *p) >= an && memcmp(*p, a, an) == 0) {
            *p += an;
            return true;
        }
        a += an + (bar ? 1 : 0);
    }
    return false;
}

static int month_days(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

/* Reads a time as spreadsheets write it and people type it into out, in
 * the form the host reads:
 *   - RFC 3339 ("2026-05-20T10:30:00+08:00"), taken as it is;
 *   - a date: 2026-05-20, 2026/5/20, 2026.5.20, 2026年5月20日; as a bare
 *     date "2026-05-20", which the host reads as midnight UTC, so that the
 *     day is the one written, as in every other importer;
 *   - a date and a clock time without a zone (2026/05/20 10:30,
 *     2026-05-20 10:30:00): the office's local time, that is ptrackd's
 *     zone, the one the exporters and reports show times in;
 * in full-width digits and signs (２０２６年５月２０日) as in ASCII.
 * Returns false when text is none of these. */
static bool read_time(const ptrack_host_t *h, const char *text, size_t n, pt_str_t *out)
{
    int64_t ms;
    char buf[64];
    /* Read as ASCII: ２０２６年５月２０日 as 2026年5月20日. */
    out->len = 0;
    pt_str_ascii(out, text, n);
    pt_str_append(out, "", 1);
    out->len--;
    if (out->oom)
        return false;
    /* What the API reads as a time is taken as it is, fraction and
     * offset included; what it refuses (2026-02-30T10:00:00Z, a leap
     * second) is no time either way. */
    if (pt_time_read(h, out->p, &ms) == 0)
        return true;
    text = out->p;
    n = out->len;
    const char *p = text, *end = text + n;
    int y, mo, d, hh = 0, mi = 0, sec = 0;
    bool clock = false;
    if (!read_num(&p, end, 4, &y) || p - text != 4 || !read_sep(&p, end, "-|/|.|年") ||
        !read_num(&p, end, 2, &mo) || !read_sep(&p, end, "-|/|.|月") || !read_num(&p, end, 2, &d))
        return false;
    read_sep(&p, end, "日|号");
    if (p < end && (*p == ' ' || *p == 'T')) {
        while (p < end && (*p == ' ' || *p == 'T'))
            p++;
        if (!read_num(&p, end, 2, &hh) || !read_sep(&p, end, ":|：") || !read_num(&p, end, 2, &mi))
            return false;
        if (read_sep(&p, end, ":|：") && !read_num(&p, end, 2, &sec))
            return false;
        clock = true;
    }
    if (p != end || mo < 1 || mo > 12 || d < 1 || d > month_days(y, mo) || hh > 23 || mi > 59 ||
        sec > 59)
        return false;
    if (!clock) {
        snprintf(buf, sizeof(buf), "%04d-%02d-%02d", y, mo, d);
    } else {
        /* A clock without an offset is no time the host reads (no zone
         * says which instant it is), nor one it writes from the clock:
         * mktime() finds the instant in ptrackd's zone (TZ is set before
         * ptrackd starts and never changed), summer time and its gaps as
         * the C library has them; the host writes it. */
        struct tm tm = {.tm_year = y - 1900,
                        .tm_mon = mo - 1,
                        .tm_mday = d,
                        .tm_hour = hh,
                        .tm_min = mi,
                        .tm_sec = sec,
                        .tm_isdst = -1};
        time_t t = mktime(&tm);
        if (t == (time_t)-1 || !PTRACK_HOST_HAS(h, time_format) ||
            h->time_format((int64_t)t * 1000, NULL, buf, sizeof(buf)) != PTRACK_OK)
            return false;
    }
    out->len = 0;
    pt_str_puts(out, buf);
    return !out->oom;
}

/* Reads a time cell into im->tmp; rejects the row, naming the column, when
 * it is not a time. Returns PTRACK_OK, 1 when rejected, or an error. */
static int time_cell(imp_t *im, size_t col, long line, const char *s, size_t n)
{
    if (read_time(im->h, s, n, &im->tmp))
        return PTRACK_OK;
    if (im->tmp.oom)
        return PTRACK_ENOMEM;
    char *v = dupn(s, n);
    if (!v)
        return PTRACK_ENOMEM;
    int rc =
        reject_cell(im, line, col,
                    "\"%s\" is not a date or a time: write 2026-05-20, 2026/5/20, "
                    "2026年5月20日, 2026-05-20 10:30 (local time) or 2026-05-20T10:30:00+08:00",
                    v);
    free(v);
    return rc == PTRACK_OK ? 1 : rc;
}

/* Whether s is an id: a whole number from 1, in digits only. */
static bool is_id(const char *s, size_t n)
{
    if (n == 0 || n > 18 || s[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

static int set_str(imp_t *im, ptrack_record_t *rec, const char *path, const char *s, size_t n)
{
    char *v = dupn(s, n);
    if (!v)
        return PTRACK_ENOMEM;
    int rc = im->h->rec_set(rec, path, v);
    free(v);
    return rc;
}

/* Reads one cell into the record or the row. Returns PTRACK_OK, a
 * negative code, or 1 when the row was rejected. */
static int read_cell(imp_t *im, ptrack_record_t *rec, row_t *row, size_t i, const char *raw,
                     size_t raw_n, long line)
{
    const ptrack_host_t *h = im->h;
    const col_t *c = &im->cols[i];
    const char *s = raw;
    size_t n = raw_n;
    csv_trim(&s, &n);
    if (c->col && c->col->kind == CC_IGNORE)
        return PTRACK_OK;
    /* An export's ID says where the proposal came from, and lets the host
     * point a merge into it at its new id. Any other ID (an office's own
     * row labels) is for people and read as nothing. */
    if (c->col && c->col->kind == CC_ID) {
        if (!is_id(s, n))
            return PTRACK_OK;
        char *v = dupn(s, n);
        int rc = v ? h->rec_set_json(rec, "id", v) : PTRACK_ENOMEM;
        free(v);
        row->has_id = true;
        return rc;
    }
    /* Stored as a C string, the cell would end at the NUL and lose the
     * rest silently. */
    if (memchr(s, '\0', n)) {
        int rc = reject_cell(im, line, i, "%s", "holds a NUL byte, which is not text");
        return rc == PTRACK_OK ? 1 : rc;
    }
    if (n == 0)
        return PTRACK_OK;
    if (!c->col) {
        if (im->custom.len)
            pt_str_append(&im->custom, ",", 1);
        csv_json_str(&im->custom, c->custom, strlen(c->custom));
        pt_str_append(&im->custom, ":", 1);
        csv_json_str(&im->custom, raw, raw_n);
        return im->custom.oom ? PTRACK_ENOMEM : PTRACK_OK;
    }
    const csv_column_t *col = c->col;
    item_ctx_t ic = {.im = im, .rec = rec, .path = col->path};
    int rc = PTRACK_OK;
    /* The cell is NUL-terminated in the reader's buffer, so s + n may be
     * followed by trailing white space only; copies are made where the
     * trimmed text must end. */
    switch (col->kind) {
    case CC_IGNORE:
    case CC_ID:
        return PTRACK_OK;
    case CC_MERGED_INTO: {
        char *v = dupn(s, n);
        if (!v)
            return PTRACK_ENOMEM;
        if (is_id(s, n)) {
            /* Only a stored proposal is merged: the host reads it so. */
            row->stored = true;
            rc = h->rec_set_json(rec, col->path, v);
        } else {
            rc = reject_cell(im, line, i, "\"%s\" is not the id of a proposal (a whole number)", v);
            rc = rc == PTRACK_OK ? 1 : rc;
        }
        free(v);
        return rc;
    }
    case CC_TEXT:
        return set_str(im, rec, col->path, raw, raw_n);
    case CC_NAME:
        return set_str(im, rec, col->path, s, n);
    case CC_ENUM: {
        char *v = dupn(s, n);
        if (!v)
            return PTRACK_ENOMEM;
        const char *name = col->labels == pt_status_labels ? pt_wf_state_name(&im->wf, v)
                                                           : pt_label_name(col->labels, v);
        rc = h->rec_set(rec, col->path, name ? name : v);
        if (strcmp(col->path, "status") == 0 && name && strcmp(name, "draft") != 0 &&
            strcmp(name, "submitted") != 0)
            row->stored = true;
        if (strcmp(col->path, "status") == 0 && !name)
            row->stored = true; /* an office's own state: the host checks it exists */
        if (strcmp(col->path, "handling_mode") == 0) {
            row->stored = true;
            row->has_mode = true;
            row->mode = name;
            row->mode_col = i;
        }
        free(v);
        return rc;
    }
    case CC_LIST:
    case CC_PEOPLE:
    case CC_RECS:
        if (looks_json_array(s, n)) {
            char *v = dupn(s, n);
            if (!v)
                return PTRACK_ENOMEM;
            rc = h->rec_set_json(rec, col->path, v);
            free(v);
            if (rc == PTRACK_OK)
                return rc;
        }
        if (col->kind == CC_PEOPLE)
            return csv_split_people(s, n, append_item, &ic);
        return col->kind == CC_LIST ? csv_split_names(s, n, append_item, &ic)
                                    : csv_split_recommendations(raw, raw_n, append_item, &ic);
    case CC_LEAD_UNITS:
    case CC_CO_UNITS:
        ic.list = col->kind == CC_LEAD_UNITS ? &im->lead : &im->co;
        ic.count = col->kind == CC_LEAD_UNITS ? &im->n_lead : &im->n_co;
        return csv_split_names(s, n, collect_name, &ic);
    case CC_TIME:
        if ((rc = time_cell(im, i, line, s, n)) != PTRACK_OK)
            return rc;
        if (strcmp(col->path, "created_at") == 0)
            row->has_created = true;
        else
            row->stored = true;
        return h->rec_set(rec, col->path, im->tmp.p);
    case CC_BOOL: {
        static const char *const yes[] = {"是", "true", "TRUE", "True", "1", "yes", "Y", "y", "√"};
        static const char *const no[] = {"否", "false", "FALSE", "False", "0", "no", "N", "n", "×"};
        for (size_t k = 0; k < sizeof(yes) / sizeof(yes[0]); k++) {
            if (strlen(yes[k]) == n && memcmp(yes[k], s, n) == 0)
                return h->rec_set_json(rec, col->path, "true");
            if (strlen(no[k]) == n && memcmp(no[k], s, n) == 0)
                return h->rec_set_json(rec, col->path, "false");
        }
        char *v = dupn(s, n);
        if (!v)
            return PTRACK_ENOMEM;
        rc = reject_cell(im, line, i, "\"%s\" is neither 是 nor 否 (true or false)", v);
        free(v);
        return rc == PTRACK_OK ? 1 : rc;
    }
    case CC_DOC_NO:
        row->doc_no = s;
        break;
    case CC_REPLY_CAT: {
        unsigned char l = (unsigned char)s[0];
        if (l >= 'a' && l <= 'd')
            l = (unsigned char)(l - 'a' + 'A');
        bool ok = l >= 'A' && l <= 'D' && (n == 1 || (n == 4 && memcmp(s + 1, "类", 3) == 0));
        if (!ok) {
            char *v = dupn(s, n);
            if (!v)
                return PTRACK_ENOMEM;
            rc = reject_cell(im, line, i, "\"%s\" is not a reply category A, B, C or D", v);
            free(v);
            return rc == PTRACK_OK ? 1 : rc;
        }
        static const char *const cats[] = {"A", "B", "C", "D"};
        row->category = cats[l - 'A'];
        break;
    }
    case CC_REPLIED_AT:
        if ((rc = time_cell(im, i, line, s, n)) != PTRACK_OK)
            return rc;
        im->replied.len = 0;
        pt_str_puts(&im->replied, im->tmp.p);
        if (im->replied.oom)
            return PTRACK_ENOMEM;
        row->replied_at = im->replied.p;
        break;
    case CC_SATISFACTION: {
        char *v = dupn(s, n);
        if (!v)
            return PTRACK_ENOMEM;
        row->satisfaction = pt_label_name(pt_satisfaction_labels, v);
        if (!row->satisfaction)
            rc = reject_cell(im, line, i,
                             "\"%s\" is not a satisfaction: 满意, 基本满意 or 不满意 "
                             "(satisfied, basically_satisfied, unsatisfied)",
                             v);
        free(v);
        return row->satisfaction ? PTRACK_OK : rc == PTRACK_OK ? 1 : rc;
    }
    case CC_SOURCE_FORMAT:
        row->source_format = s;
        break;
    case CC_SOURCE_REF:
        row->source_ref = s;
        break;
    case CC_JSON_UNITS:
        row->units_json = s;
        row->units_col = i;
        break;
    case CC_JSON_REPLIES:
        row->replies_json = s;
        row->replies_col = i;
        break;
    case CC_JSON_FEEDBACK:
        row->feedback_json = s;
        row->feedback_col = i;
        break;
    case CC_JSON_CUSTOM:
        row->custom_json = s;
        row->custom_col = i;
        break;
    }
    return PTRACK_OK;
}

/* The trimmed cells kept in row_t point into the reader's buffer, where
 * the cell's NUL comes after any trailing white space; this copies the
 * trimmed text. */
static char *cell_copy(const char *s)
{
    size_t n = strlen(s);
    csv_trim(&s, &n);
    return dupn(s, n);
}

/* Sets a JSON value from a cell; a cell that is not JSON (or not the
 * right JSON) rejects the row, naming the column. */
static int set_json_cell(imp_t *im, ptrack_record_t *rec, const char *path, const char *cell,
                         size_t col, long line, const char *what)
{
    char *v = cell_copy(cell);
    if (!v)
        return PTRACK_ENOMEM;
    bool shape = v[0] == (strcmp(path, "custom") == 0 ? '{' : '[');
    int rc = shape ? im->h->rec_set_json(rec, path, v) : PTRACK_EINVAL;
    free(v);
    if (rc == PTRACK_EINVAL) {
        rc = reject_cell(im, line, col, "%s", what);
        return rc == PTRACK_OK ? 1 : rc;
    }
    return rc;
}

typedef struct {
    pt_str_t *out;
    const char *office; /* the office's columns as a JSON object */
    const char *key;    /* has_key: the key looked for */
    bool found;
} custom_merge_t;

static bool match_key(void *ctx, const pt_str_t *k, const pt_str_t *v)
{
    (void)v;
    custom_merge_t *cm = ctx;
    cm->found |= strcmp(k->p, cm->key) == 0;
    return true;
}

/* Keeps a member of the JSON column unless an office column gives its key. */
static bool keep_member(void *ctx, const pt_str_t *k, const pt_str_t *v)
{
    custom_merge_t *cm = ctx;
    cm->key = k->p;
    cm->found = false;
    parse_object(cm->office, match_key, cm);
    if (cm->found)
        return true;
    if (cm->out->len > 1)
        pt_str_append(cm->out, ",", 1);
    csv_json_str(cm->out, k->p, k->len);
    pt_str_append(cm->out, ":", 1);
    csv_json_str(cm->out, v->p, v->len);
    return !cm->out->oom;
}

/* Sets custom: the members of the JSON column (自定义字段), then the
 * office's own columns, which win over a member of the same key. Returns
 * PTRACK_EINVAL when the JSON column is not an object of strings. */
static int merge_custom(imp_t *im, ptrack_record_t *rec, const row_t *row)
{
    pt_str_t office = {0}, out = {0};
    pt_str_append(&office, "{", 1);
    pt_str_append(&office, im->custom.p ? im->custom.p : "", im->custom.len);
    pt_str_append(&office, "}", 1);
    pt_str_append(&out, "{", 1);
    int rc = PTRACK_OK;
    if (office.oom || out.oom) {
        rc = PTRACK_ENOMEM;
    } else if (row->custom_json) {
        char *base = cell_copy(row->custom_json);
        custom_merge_t cm = {.out = &out, .office = office.p};
        if (!base)
            rc = PTRACK_ENOMEM;
        else if (!parse_object(base, keep_member, &cm))
            rc = out.oom ? PTRACK_ENOMEM : PTRACK_EINVAL;
        free(base);
    }
    if (rc == PTRACK_OK) {
        if (out.len > 1 && im->custom.len)
            pt_str_append(&out, ",", 1);
        pt_str_append(&out, im->custom.p ? im->custom.p : "", im->custom.len);
        pt_str_append(&out, "}", 1);
        rc = out.oom ? PTRACK_ENOMEM : im->h->rec_set_json(rec, "custom", out.p);
    }
    pt_str_free(&office);
    pt_str_free(&out);
    return rc;
}

static int finish_row(imp_t *im, ptrack_record_t *rec, row_t *row, long line)
{
    const ptrack_host_t *h = im->h;
    int rc = PTRACK_OK;

    /* custom: the JSON column, then the office's own columns over it. */
    if (row->custom_json || im->custom.len) {
        rc = merge_custom(im, rec, row);
        if (rc == PTRACK_EINVAL) {
            rc = reject_cell(im, line, row->custom_json ? row->custom_col : 0, "%s",
                             "not a JSON object of strings such as {\"联系人\": \"王明\"}");
            return rc == PTRACK_OK ? 1 : rc;
        }
        if (rc != PTRACK_OK)
            return rc;
    }

    /* units: the JSON column is exact; the readable columns make a list. */
    if (row->units_json) {
        row->stored = true;
        rc = set_json_cell(im, rec, "units", row->units_json, row->units_col, line,
                           "not a JSON array of units such as [{\"name\": \"市交通局\", "
                           "\"role\": \"lead\"}]");
        if (rc != PTRACK_OK)
            return rc;
    } else if (im->n_lead || im->n_co) {
        const char *mode = row->has_mode && row->mode ? row->mode
                           : im->n_lead > 1           ? "separate"
                           : im->n_co                 ? "lead_co"
                                                      : "single";
        if ((rc = check_units(im, row, mode, line)) != PTRACK_OK)
            return rc;
        pt_str_t *b = &im->tmp;
        b->len = 0;
        pt_str_append(b, "[", 1);
        /* Each collected name is a JSON string; wrap each in a unit. */
        const char *names[2] = {im->lead.p, im->co.p};
        const char *roles[2] = {strcmp(mode, "separate") == 0 ? "separate" : "lead", "co"};
        bool first = true;
        for (int k = 0; k < 2; k++) {
            const char *p = names[k];
            while (p && *p) {
                /* Each name is a JSON string literal, separated by commas;
                 * find its end, skipping escaped quotes. */
                const char *e = p + 1;
                while (*e && *e != '"')
                    e += *e == '\\' ? 2 : 1;
                pt_str_puts(b, first ? "{\"name\":" : ",{\"name\":");
                pt_str_append(b, p, (size_t)(e - p) + 1);
                pt_str_puts(b, ",\"role\":\"");
                pt_str_puts(b, roles[k]);
                pt_str_puts(b, "\"}");
                first = false;
                p = e + 1;
                if (*p == ',')
                    p++;
            }
        }
        pt_str_append(b, "]", 1);
        if (b->oom)
            return PTRACK_ENOMEM;
        if ((rc = h->rec_set_json(rec, "units", b->p)) != PTRACK_OK)
            return rc;
        if (!row->has_mode && (rc = h->rec_set(rec, "handling_mode", mode)) != PTRACK_OK)
            return rc;
        row->stored = true;
    }

    /* replies and feedback: the JSON columns, or one entry each from the
     * readable columns of the last reply and the last feedback. */
    if (row->replies_json) {
        row->stored = true;
        rc = set_json_cell(im, rec, "replies", row->replies_json, row->replies_col, line,
                           "not a JSON array of replies such as [{\"doc_no\": \"交复〔2025〕3号\", "
                           "\"category\": \"A\"}]");
        if (rc != PTRACK_OK)
            return rc;
    } else if (row->doc_no || row->category || row->replied_at) {
        row->stored = true;
        if (row->doc_no) {
            char *v = cell_copy(row->doc_no);
            rc = v ? h->rec_set(rec, "replies.0.doc_no", v) : PTRACK_ENOMEM;
            free(v);
        }
        if (rc == PTRACK_OK && row->category)
            rc = h->rec_set(rec, "replies.0.category", row->category);
        if (rc == PTRACK_OK && row->replied_at) {
            rc = h->rec_set(rec, "replies.0.replied_at", row->replied_at);
        }
        /* The reply comes from the lead unit, when there is one. */
        if (rc == PTRACK_OK && im->n_lead == 1) {
            const char *p = im->lead.p, *e = p + 1;
            while (*e && *e != '"')
                e += *e == '\\' ? 2 : 1;
            pt_str_t *b = &im->tmp;
            b->len = 0;
            pt_str_append(b, p, (size_t)(e - p) + 1);
            rc = b->oom ? PTRACK_ENOMEM : h->rec_set_json(rec, "replies.0.unit", b->p);
        }
        if (rc == PTRACK_OK)
            rc = h->rec_set(rec, "replies.0.kind", "first");
        if (rc != PTRACK_OK)
            return rc;
    }
    if (row->feedback_json) {
        row->stored = true;
        rc = set_json_cell(im, rec, "feedback", row->feedback_json, row->feedback_col, line,
                           "not a JSON array of feedback such as [{\"satisfaction\": "
                           "\"satisfied\"}]");
        if (rc != PTRACK_OK)
            return rc;
    } else if (row->satisfaction) {
        row->stored = true;
        if ((rc = h->rec_set(rec, "feedback.0.satisfaction", row->satisfaction)) != PTRACK_OK)
            return rc;
    }

    if (row->source_format || row->source_ref) {
        char *f = row->source_format ? cell_copy(row->source_format) : strdup("csv");
        rc = f ? h->rec_set(rec, "source.format", f) : PTRACK_ENOMEM;
        free(f);
        if (rc == PTRACK_OK && row->source_ref) {
            char *r = cell_copy(row->source_ref);
            rc = r ? h->rec_set(rec, "source.ref", r) : PTRACK_ENOMEM;
            free(r);
        }
        if (rc != PTRACK_OK)
            return rc;
    } else if (row->stored && !row->has_id && !row->has_created) {
        /* A row that holds what only a stored proposal has (units, a
         * reply, a state past the initial ones) and came from no ptrack
         * export, an office's sheet, is new here all the same: its source
         * is the csv file, as a row without units gets it from the host,
         * not the null a proposal created through the API keeps. */
        rc = h->rec_set(rec, "source.format", "csv");
        if (rc != PTRACK_OK)
            return rc;
    }
    /* created_at marks a record as stored already; otherwise version
     * does (its value is replaced on insert). */
    if (row->stored && !row->has_created)
        rc = h->rec_set_json(rec, "version", "1");
    return rc;
}

/* The word that begins a sheet's total row (合计, 3件 under the last
 * proposal), or NULL: its first cell that is not blank begins with 合计,
 * 总计, 共计 or 小计, and its title is blank, so that a proposal is never
 * taken for one. */
static const char *total_row(const imp_t *im, const csv_record_t *rec)
{
    static const char *const words[] = {"合计", "总计", "共计", "小计"};
    size_t i = 0;
    while (i < rec->n && csv_blank(rec->fields[i], rec->lens[i]))
        i++;
    if (i == rec->n)
        return NULL;
    const char *s = rec->fields[i];
    size_t n = rec->lens[i];
    csv_trim(&s, &n);
    const char *word = NULL;
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]) && !word; k++)
        if (n >= strlen(words[k]) && memcmp(s, words[k], strlen(words[k])) == 0)
            word = words[k];
    for (size_t j = 0; word && j < rec->n && j < im->n_cols; j++)
        if (im->cols[j].col && strcmp(im->cols[j].col->key, "title") == 0 &&
            !csv_blank(rec->fields[j], rec->lens[j]))
            return NULL;
    return word;
}

/* Whether the row repeats the header, cell for cell: a sheet made by
 * joining files that each begin with it (copy /b 一团.csv+二团.csv, the
 * second one's UTF-8 BOM and all), whose second header would be a
 * proposal titled 标题. */
static bool header_again(const imp_t *im, const csv_record_t *rec)
{
    if (rec->n != im->n_cols)
        return false;
    bool named = false;
    for (size_t i = 0; i < rec->n; i++) {
        const char *s = rec->fields[i];
        size_t n = rec->lens[i];
        if (i == 0 && n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            n -= 3;
        }
        csv_trim(&s, &n);
        const col_t *c = &im->cols[i];
        if (c->unnamed ? n != 0 : (strlen(c->header) != n || memcmp(c->header, s, n) != 0))
            return false;
        named |= !c->unnamed;
    }
    return named;
}

static int read_row(imp_t *im, const csv_record_t *rec)
{
    const ptrack_host_t *h = im->h;
    char where[32];
    snprintf(where, sizeof(where), "line %ld", rec->line);
    /* The header again, and a sheet's total row, are no record and no
     * error: they are listed with the passages the import passed over. */
    if (PTRACK_HOST_HAS(h, import_ignore) && header_again(im, rec))
        return h->import_ignore(im->job, where, "not a proposal (the header row again)");
    const char *total = PTRACK_HOST_HAS(h, import_ignore) ? total_row(im, rec) : NULL;
    if (total) {
        char reason[64];
        pt_utf8_format(reason, sizeof(reason), "not a proposal (a total row: %s)", total);
        return h->import_ignore(im->job, where, reason);
    }
    if (rec->n != im->n_cols) {
        char reason[512];
        if (rec->n < im->n_cols)
            pt_utf8_format(reason, sizeof(reason),
                           "line %ld: %zu fields, the header has %zu (the row ends before column "
                           "%zu, %s)",
                           rec->line, rec->n, im->n_cols, rec->n + 1, column_name(im, rec->n));
        else
            pt_utf8_format(reason, sizeof(reason),
                           "line %ld: %zu fields, the header has %zu (field %zu has no column; the "
                           "last column is %s)",
                           rec->line, rec->n, im->n_cols, im->n_cols + 1,
                           column_name(im, im->n_cols - 1));
        return h->import_reject(im->job, where, reason);
    }
    /* A file read as UTF-8 (a BOM, encoding=utf-8, or valid in its first
     * 64 KiB) may still hold a cell that is not: it is named by its line
     * and column here, where the record's field would name neither. */
    for (size_t i = 0; im->cd == (iconv_t)-1 && i < rec->n; i++) {
        bool ignored = im->cols[i].col &&
                       (im->cols[i].col->kind == CC_IGNORE || im->cols[i].col->kind == CC_ID);
        if (!ignored && !pt_utf8_ok(rec->fields[i], rec->lens[i])) {
            char reason[512];
            utf8_reason(im, rec->fields[i], rec->lens[i], rec->line, column_name(im, i), reason,
                        sizeof(reason));
            return h->import_reject(im->job, where, reason);
        }
    }
    ptrack_record_t *r = h->rec_new();
    if (!r)
        return PTRACK_ENOMEM;
    row_t row = {0};
    im->lead.len = im->co.len = im->custom.len = 0;
    im->n_lead = im->n_co = 0;
    if (im->lead.p)
        im->lead.p[0] = '\0';
    if (im->co.p)
        im->co.p[0] = '\0';
    int rc = PTRACK_OK;
    for (size_t i = 0; i < rec->n && rc == PTRACK_OK; i++) {
        const char *cell = rec->fields[i];
        size_t n = rec->lens[i];
        if (pt_formula_has_guard(cell, n)) {
            cell++;
            n--;
        }
        rc = read_cell(im, r, &row, i, cell, n, rec->line);
    }
    if (rc == PTRACK_OK)
        rc = finish_row(im, r, &row, rec->line);
    if (rc != PTRACK_OK) {
        h->rec_free(r);
        if (rc == 1)
            return PTRACK_OK; /* rejected, with its reason */
        if (rc == PTRACK_EINVAL)
            return h->import_reject(im->job, where, "a cell could not be stored in the record");
        return rc;
    }
    return h->import_emit(im->job, r, where);
}

static int on_record(void *ctx, const csv_record_t *rec)
{
    imp_t *im = ctx;
    if (im->h->job_cancelled(im->job))
        return PTRACK_ECANCELED;
    return im->have_header ? read_row(im, rec) : read_header(im, rec);
}

/* ---- Bytes in ------------------------------------------------------- */

/* The separator most used on the first line, outside quotes. */
static char sniff_sep(const char *s, size_t n)
{
    size_t counts[3] = {0, 0, 0};
    static const char seps[3] = {',', ';', '\t'};
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
            break;
        else if (!quoted)
            for (int k = 0; k < 3; k++)
                counts[k] += s[i] == seps[k];
    }
    int best = 0;
    for (int k = 1; k < 3; k++)
        if (counts[k] > counts[best])
            best = k;
    return seps[best];
}

/* Whether the first line is complete in s: a line break outside quotes. */
static bool first_line_done(const char *s, size_t n)
{
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            quoted = !quoted;
        else if (!quoted && (s[i] == '\n' || s[i] == '\r'))
            return true;
    }
    return false;
}

static int reader_rc(imp_t *im, int rc)
{
    if (rc == CSV_ENOMEM)
        return PTRACK_ENOMEM;
    /* The column by its header's name; in the header itself, whose
     * columns have no name yet, by its number. */
    char number[24];
    snprintf(number, sizeof(number), "%zu", im->rd.err_field + 1);
    const char *column = im->have_header ? column_name(im, im->rd.err_field) : number;
    if (rc == CSV_EUNTERMINATED) {
        pt_utf8_format(
            im->error, sizeof(im->error),
            "line %ld, column %s: a quoted field is never closed (an unterminated quote; "
            "a quote inside a quoted field is written \"\")",
            im->rd.err_line, column);
        return PTRACK_ERROR;
    }
    if (rc == CSV_ETOOBIG) {
        pt_utf8_format(im->error, sizeof(im->error),
                       "line %ld, column %s: the record is longer than %d MiB (an unterminated "
                       "quote?)",
                       im->rd.err_line, column, RECORD_MAX / (1024 * 1024));
        return PTRACK_ERROR;
    }
    return rc;
}

static const char *sep_name(char sep)
{
    return sep == ',' ? "," : sep == ';' ? ";" : "tab";
}

/* Excel's first line "sep=;" names the file's separator: it is taken
 * (the query's sep=, when given too, must say the same) and dropped, and
 * the header is read from line 2. */
static int sep_line(imp_t *im, long *first_line)
{
    char sep;
    size_t len;
    if (!pt_csv_sep_line(im->head.p ? im->head.p : "", im->head.len, &sep, &len))
        return PTRACK_OK;
    if (!sep) {
        pt_utf8_format(im->error, sizeof(im->error),
                       "line 1: \"%.*s\" names a separator the CSV importer does not read: use %s",
                       (int)strcspn(im->head.p, "\r\n"), im->head.p, PT_CSV_SEP_NAMES);
        return PTRACK_ERROR;
    }
    if (im->sep && im->sep != sep) {
        pt_utf8_format(
            im->error, sizeof(im->error),
            "line 1: the file says sep=%s and the request sep=%s; send the file's, or none",
            sep_name(sep), sep_name(im->sep));
        return PTRACK_ERROR;
    }
    im->sep = sep;
    memmove(im->head.p, im->head.p + len, im->head.len - len);
    im->head.len -= len;
    *first_line = 2;
    return PTRACK_OK;
}

/* UTF-8 text in: drops a BOM, holds the first line until the separator is
 * known (from the request, an Excel "sep=" line, or the header itself),
 * then reads records. */
static int feed_utf8(imp_t *im, const char *s, size_t n, bool eof)
{
    if (!im->bom_done) {
        /* The BOM may itself be split across chunks: hold up to 3 bytes. */
        pt_str_append(&im->head, s, n);
        if (im->head.oom)
            return PTRACK_ENOMEM;
        if (im->head.len < 3 && !eof)
            return PTRACK_OK;
        im->bom_done = true;
        size_t skip = im->head.len >= 3 && memcmp(im->head.p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
        memmove(im->head.p, im->head.p + skip, im->head.len - skip);
        im->head.len -= skip;
        s = NULL;
        n = 0;
    }
    long first_line = 1;
    if (!im->head_done) {
        pt_str_append(&im->head, s, n);
        if (im->head.oom)
            return PTRACK_ENOMEM;
        /* A CR at the end may be the first half of a CRLF. */
        if (!eof && !im->head_whole && im->head.len < SNIFF_MAX &&
            (!first_line_done(im->head.p, im->head.len) || im->head.p[im->head.len - 1] == '\r'))
            return PTRACK_OK;
        im->head_done = true;
        int rc = sep_line(im, &first_line);
        if (rc != PTRACK_OK)
            return rc;
        if (!im->sep)
            im->sep = sniff_sep(im->head.p, im->head.len);
        s = NULL;
        n = 0;
    }
    if (!im->rd.sep) {
        csv_reader_init(&im->rd, im->sep, RECORD_MAX);
        im->rd.line = first_line;
    }
    int rc = 0;
    if (im->head.len) {
        rc = csv_reader_feed(&im->rd, im->head.p, im->head.len, on_record, im);
        pt_str_free(&im->head);
    }
    if (rc == 0 && n)
        rc = csv_reader_feed(&im->rd, s, n, on_record, im);
    if (rc == 0 && eof)
        rc = csv_reader_finish(&im->rd, on_record, im);
    return reader_rc(im, rc);
}

/* The message for bytes at s (n left) that are not in the file's
 * encoding: the line and the column they stand in (the record before
 * them has been read), by its header once the header is read, else by
 * its number, and the bytes themselves. */
static void bad_bytes(imp_t *im, const unsigned char *s, size_t n)
{
    char where[200], hex[16];
    size_t field = im->rd.in_record ? im->rd.n_fields : 0;
    if (!im->rd.sep) {
        /* The first line is still held (head): its fields so far, split
         * on the separator it would be read with, tell the column. */
        const char *p = im->head.p ? im->head.p : "";
        char sep = im->sep ? im->sep : sniff_sep(p, im->head.len);
        bool quoted = false;
        long line = 1;
        field = 0;
        for (size_t i = 0; i < im->head.len; i++) {
            if (p[i] == '"')
                quoted = !quoted;
            else if (!quoted && p[i] == sep)
                field++;
            /* A header's cell may hold line breaks, and a CR may end
             * what is held: the bytes come after it. */
            if (p[i] == '\n' || (p[i] == '\r' && (i + 1 == im->head.len || p[i + 1] != '\n'))) {
                line++;
                field = quoted ? field : 0;
            }
        }
        snprintf(where, sizeof(where), "line %ld, column %zu", line, field + 1);
    } else if (im->have_header && field < im->n_cols) {
        pt_utf8_format(where, sizeof(where), "line %ld, column %s", csv_reader_line(&im->rd),
                       column_name(im, field));
    } else {
        /* The header, or a field past its last column: by number. */
        snprintf(where, sizeof(where), "line %ld, column %zu", csv_reader_line(&im->rd), field + 1);
    }
    hex_bytes(s, n, hex);
    if (im->gb)
        pt_utf8_format(im->error, sizeof(im->error),
                       "%s: bytes that are not %s text (%s); say what the file is with "
                       "encoding=utf-8, gbk or gb18030",
                       where, im->encoding, hex);
    else /* UTF-16, as its byte order mark said */
        pt_utf8_format(im->error, sizeof(im->error),
                       "%s: bytes that are not UTF-16 text (%s), such as half of a surrogate pair; "
                       "save the sheet again as Unicode text or as CSV (UTF-8)",
                       where, hex);
}

/* A first line held for an LF after its CR (feed_utf8) gets none when
 * bytes that are no character, or the end of the file, come next: it is
 * read, so that a message names the line where they stand, past the lines
 * held, and their column by its header, as anywhere else in the file. */
static int release_head(imp_t *im)
{
    if (im->head_done || !first_line_done(im->head.p ? im->head.p : "", im->head.len))
        return 0;
    im->head_whole = true;
    return feed_utf8(im, NULL, 0, false);
}

/* Raw bytes in (at most CHUNK): converted to UTF-8 when the file is GBK
 * or GB18030. A character cut by the end of a chunk waits at the start of
 * `in` and is completed by the next chunk. */
static int feed_raw(imp_t *im, const char *s, size_t n, bool eof)
{
    if (im->cd == (iconv_t)-1)
        return feed_utf8(im, s, n, eof);
    if (n)
        memcpy(im->in + im->n_pend, s, n);
    char *in = im->in;
    size_t left = im->n_pend + n;
    im->n_pend = 0;
    while (left) {
        char *o = im->out;
        size_t o_left = sizeof(im->out);
        size_t r = iconv(im->cd, &in, &left, &o, &o_left);
        int e = r == (size_t)-1 ? errno : 0;
        int rc;
        if (o > im->out && (rc = feed_utf8(im, im->out, (size_t)(o - im->out), false)) != 0)
            return rc;
        if (e == EINVAL) {
            memmove(im->in, in, left);
            im->n_pend = left;
            break;
        }
        if (e == EILSEQ && im->gb && (unsigned char)*in == 0x80) {
            /* The euro sign of Windows' code page 936, the "GBK" that
             * Excel and WPS write, which GB18030 moved elsewhere; browsers
             * read it so in either (the WHATWG Encoding Standard). */
            if ((rc = feed_utf8(im, "\xE2\x82\xAC", 3, false)) != 0)
                return rc;
            in++;
            left--;
            continue;
        }
        if (e == EILSEQ) {
            if ((rc = release_head(im)) != 0)
                return rc;
            bad_bytes(im, (const unsigned char *)in, left);
            return PTRACK_ERROR;
        }
    }
    if (!eof)
        return PTRACK_OK;
    if (im->n_pend) {
        int rc = release_head(im);
        if (rc != 0)
            return rc;
        pt_utf8_format(im->error, sizeof(im->error),
                       "line %ld: the file ends inside a %s character (the last bytes are cut off)",
                       im->rd.sep ? csv_reader_line(&im->rd) : 1, im->encoding);
        return PTRACK_ERROR;
    }
    return feed_utf8(im, NULL, 0, true);
}

/* What the CSV importer says of a file that is no text (file-kind.h). */
static const pt_file_advice_t not_csv = {
    .reads = "CSV text",
    .sheet = "save the sheet as CSV (另存为 → CSV UTF-8) and import that",
    .document = "import a document's text with format=text, saved as plain text (另存为 → 纯文本 "
                ".txt)",
    .pdf = "import a PDF's text with format=text, copied into a plain text file (.txt, UTF-8)",
};

/* Reads until buf holds want bytes or the file ends. */
static ptrdiff_t read_full(imp_t *im, char *buf, size_t want)
{
    size_t got = 0;
    while (got < want) {
        ptrdiff_t r = im->h->job_read(im->job, buf + got, want - got);
        if (r < 0)
            return r;
        if (r == 0)
            break;
        got += (size_t)r;
    }
    return (ptrdiff_t)got;
}

/* Reads sep=, encoding= and map=, all before a byte of the body: an
 * argument the importer does not take is refused as the request's fault
 * (PTRACK_EBADARG) however the upload goes, and at once. The converter is
 * opened once the first bytes are known (open_encoding). */
static int read_args(imp_t *im)
{
    const char *sep = im->h->job_arg(im->job, "sep");
    if (sep && *sep && !(im->sep = pt_csv_sep_parse(sep))) {
        pt_utf8_format(im->error, sizeof(im->error),
                       "sep: \"%s\" is not a separator the CSV importer reads: use %s", sep,
                       PT_CSV_SEP_NAMES);
        return PTRACK_EBADARG;
    }
    const char *map = im->h->job_arg(im->job, "map");
    if (map && *map && (!parse_map(im, map) || !check_map(im)))
        return im->error[0] ? PTRACK_EBADARG : PTRACK_ENOMEM;
    const char *enc = im->h->job_arg(im->job, "encoding");
    if (enc && *enc) {
        if (strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0)
            im->asked = "UTF-8";
        else if (strcasecmp(enc, "gbk") == 0 || strcasecmp(enc, "cp936") == 0 ||
                 strcasecmp(enc, "gb2312") == 0)
            im->asked = "GBK";
        else if (strcasecmp(enc, "gb18030") == 0)
            im->asked = "GB18030";
        else {
            pt_utf8_format(im->error, sizeof(im->error),
                           "encoding: \"%s\" is not one the CSV importer reads: use utf-8, gbk or "
                           "gb18030",
                           enc);
            return PTRACK_EBADARG;
        }
    }
    return PTRACK_OK;
}

/* The encoding: the one encoding= asked for, or else judged from the
 * first bytes of the file. */
static int open_encoding(imp_t *im, const char *sample, size_t n, bool eof)
{
    const char *from = NULL;
    bool bom16 =
        n >= 2 && (memcmp(sample, "\xFF\xFE", 2) == 0 || memcmp(sample, "\xFE\xFF", 2) == 0);
    if (bom16) {
        /* UTF-16 with its byte order mark, whatever encoding= said (FF
         * and FE start no character of UTF-8 or of GBK): what Excel and
         * WPS write as "Unicode text" (Unicode 文本), tab-separated, which
         * keeps the rare characters GBK cannot hold. The converter reads
         * the mark. */
        from = "UTF-16";
    } else if (im->asked) {
        from = strcmp(im->asked, "UTF-8") == 0 ? NULL : im->asked;
    } else if (!(n >= 3 && memcmp(sample, "\xEF\xBB\xBF", 3) == 0) &&
               !pt_utf8_judged((const unsigned char *)sample, n, eof)) {
        /* Not UTF-8: Chinese spreadsheets saved as "CSV" by Excel or WPS on
         * Windows are GBK, which GB18030 contains. */
        from = "GB18030";
    }
    im->encoding = from ? from : "UTF-8";
    im->guessed = !im->asked && !bom16 && !(n >= 3 && memcmp(sample, "\xEF\xBB\xBF", 3) == 0);
    im->gb = from && !bom16;
    if (!from)
        return PTRACK_OK;
    /* GBK is read as GB18030, which holds all of it and what GBK's
     * user-defined codes and a few of its own became since: an office's
     * 造字 (AAA1 as U+E000), 𠂇 (FE51) as U+20087. A "GBK" file that holds
     * a rare character is one of these, or GB18030 saved under GBK's name;
     * the converter named GBK refused all of it. */
    im->cd = iconv_open("UTF-8", strcmp(from, "GBK") == 0 ? "GB18030" : from);
    if (im->cd == (iconv_t)-1) {
        pt_utf8_format(im->error, sizeof(im->error), "this system's iconv cannot convert from %s",
                       from);
        return PTRACK_ERROR;
    }
    return PTRACK_OK;
}

static void imp_free(imp_t *im)
{
    if (im->cd != (iconv_t)-1)
        iconv_close(im->cd);
    csv_reader_free(&im->rd);
    for (size_t i = 0; i < im->n_cols; i++) {
        free(im->cols[i].custom);
        free(im->cols[i].header);
    }
    free(im->cols);
    for (size_t i = 0; i < im->n_map; i++) {
        free(im->map[i].field);
        free(im->map[i].header);
    }
    free(im->map);
    pt_str_free(&im->head);
    pt_str_free(&im->lead);
    pt_str_free(&im->co);
    pt_str_free(&im->custom);
    pt_str_free(&im->tmp);
    pt_str_free(&im->replied);
    free(im);
}

static int import(void *state, ptrack_job_t *job, const char *format)
{
    (void)format;
    const pt_plugin_state_t *st = state;
    imp_t *im = calloc(1, sizeof(*im));
    if (!im)
        return PTRACK_ENOMEM;
    im->h = st->host;
    im->wf = (pt_wf_t){st->host, st->inst};
    im->job = job;
    im->cd = (iconv_t)-1;
    char *buf = malloc(CHUNK);
    int rc = buf ? read_args(im) : PTRACK_ENOMEM;
    ptrdiff_t got = 0;
    if (rc == PTRACK_OK) {
        /* The first chunk is read whole: it decides the encoding. */
        got = read_full(im, buf, CHUNK);
        if (got < 0)
            rc = (int)got;
    }
    bool eof = got < CHUNK;
    /* A workbook or a document sent for its CSV is named as what it is,
     * with the way to its CSV, not refused for bytes that are not GB18030
     * text, which sends the clerk to encoding=gbk. */
    if (rc == PTRACK_OK &&
        pt_file_not_text(buf, (size_t)got, &not_csv, im->error, sizeof(im->error)))
        rc = PTRACK_ERROR;
    if (rc == PTRACK_OK)
        rc = open_encoding(im, buf, (size_t)got, eof);
    if (rc == PTRACK_OK)
        rc = feed_raw(im, buf, (size_t)got, eof);
    while (rc == PTRACK_OK && !eof) {
        got = im->h->job_read(job, buf, CHUNK);
        if (got < 0) {
            rc = (int)got;
            break;
        }
        eof = got == 0;
        rc = feed_raw(im, buf, (size_t)got, eof);
    }
    if (rc == PTRACK_OK && !im->have_header) {
        pt_utf8_format(
            im->error, sizeof(im->error),
            "line 1: the file is empty; a CSV import needs a header row (标题, 编号, ...) "
            "and a row per proposal");
        rc = PTRACK_ERROR;
    }
    if (rc == PTRACK_ERROR && im->error[0]) {
        /* The reason goes in the answer's message and, when it names a
         * line, in its list of rejected records, where the office looks
         * for line numbers (a workbook sent for its CSV has no line). */
        char where[32];
        long line;
        if (sscanf(im->error, "line %ld", &line) == 1) {
            snprintf(where, sizeof(where), "line %ld", line);
            im->h->import_reject(job, where, im->error);
        }
        im->h->set_error(job, "%s", im->error);
    } else if (rc == PTRACK_EBADARG) {
        /* The request is at fault, not a line of the file: no rejected
         * record, and the answer is 400. */
        im->h->set_error(job, "%s", im->error);
    } else if (rc == PTRACK_ENOMEM) {
        /* Not the file's fault: returned as it is, it is answered 503
         * storage_error, which a client may try again. */
        im->h->set_error(job, "out of memory reading the CSV file");
    }
    free(buf);
    imp_free(im);
    return rc;
}

static const char *const formats[] = {"csv", NULL};

/* The query parameters read with job_arg (see import()). */
static const char *const args[] = {"sep", "map", "encoding", NULL};

static const ptrack_importer_ops_t importer = {
    .struct_size = sizeof(ptrack_importer_ops_t),
    .formats = formats,
    .import = import,
    .args = args,
};

static const ptrack_plugin_t plugin = {
    .struct_size = sizeof(ptrack_plugin_t),
    .abi_major = PTRACK_ABI_MAJOR,
    .abi_minor = PTRACK_ABI_MINOR,
    .name = "import_csv",
    .version = "1.0",
    .description = "imports proposals from CSV (RFC 4180; , ; or tab; UTF-8, GBK, GB18030; "
                   "English or Chinese headers; query arguments sep, encoding, map)",
    .kinds = PTRACK_KIND_IMPORTER,
    .create = pt_plugin_state_create,
    .destroy = pt_plugin_state_destroy,
    .importer = &importer,
};

PTRACK_PLUGIN_EXPORT const ptrack_plugin_t *PTRACK_PLUGIN_ENTRY(void)
{
    return &plugin;
}
