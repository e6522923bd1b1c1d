/*
 * decidim_json.c - the streaming JSON flattener (see decidim_json.h).
 */
#include "decidim_json.h"

#include <stdio.h>
#include <string.h>

#define DEPTH_MAX 32

/* A syntax error: sets the message and returns PTRACK_EINVAL. */
static int syntax(djson_t *j, const char *what)
{
    if (j->in->c.status < 0)
        return j->in->c.status;
    snprintf(j->error, sizeof(j->error), "line %ld: %s", j->in->line, what);
    return PTRACK_EINVAL;
}

static int skip_ws(djson_t *j)
{
    int c;
    while ((c = din_peek(j->in)) == ' ' || c == '\t' || c == '\r' || c == '\n')
        din_get(j->in);
    return c;
}

static void put_utf8(drow_t *r, unsigned long cp)
{
    char b[4];
    size_t n;
    if (cp < 0x80) {
        b[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        b[0] = (char)(0xC0 | (cp >> 6));
        b[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        b[0] = (char)(0xE0 | (cp >> 12));
        b[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        b[0] = (char)(0xF0 | (cp >> 18));
        b[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        b[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        b[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    drow_put(r, b, n);
}

static int hex4(djson_t *j, unsigned long *v)
{
    *v = 0;
    for (int i = 0; i < 4; i++) {
        int c = din_get(j->in);
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return syntax(j, "a \\u escape needs four hex digits");
        *v = *v * 16 + (unsigned long)d;
    }
    return PTRACK_OK;
}

/* Reads a string (the opening quote consumed) into the row's current
 * text, or into key (cap bytes, the NUL included) when key is not NULL:
 * a key's place in the path. */
static int string_in(djson_t *j, char *key, size_t cap, size_t *klen)
{
    drow_t *r = &j->row;
    size_t kn = 0;
    for (;;) {
        int c = din_get(j->in);
        if (c < 0)
            return syntax(j, "the file ends inside a string");
        if (c == '"')
            break;
        if (c < 0x20)
            return syntax(j, "a control character inside a string (escape it)");
        char out[4];
        size_t on = 0;
        if (c != '\\') {
            out[on++] = (char)c;
        } else {
            c = din_get(j->in);
            unsigned long cp;
            switch (c) {
            case '"':
                out[on++] = '"';
                break;
            case '\\':
                out[on++] = '\\';
                break;
            case '/':
                out[on++] = '/';
                break;
            case 'b':
                out[on++] = '\b';
                break;
            case 'f':
                out[on++] = '\f';
                break;
            case 'n':
                out[on++] = '\n';
                break;
            case 'r':
                out[on++] = '\r';
                break;
            case 't':
                out[on++] = '\t';
                break;
            case 'u': {
                int rc = hex4(j, &cp);
                if (rc != PTRACK_OK)
                    return rc;
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    unsigned long lo;
                    if (din_get(j->in) != '\\' || din_get(j->in) != 'u')
                        return syntax(j, "a lone surrogate in a \\u escape");
                    if ((rc = hex4(j, &lo)) != PTRACK_OK)
                        return rc;
                    if (lo < 0xDC00 || lo > 0xDFFF)
                        return syntax(j, "a lone surrogate in a \\u escape");
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    return syntax(j, "a lone surrogate in a \\u escape");
                }
                if (key) {
                    drow_t tmp = {0};
                    put_utf8(&tmp, cp);
                    if (tmp.oom)
                        return PTRACK_ENOMEM;
                    memcpy(out, tmp.buf, tmp.len);
                    on = tmp.len;
                    drow_free(&tmp);
                } else {
                    put_utf8(r, cp);
                }
                break;
            }
            default:
                return syntax(j, "an unknown escape in a string");
            }
        }
        if (key) {
            if (kn + on >= cap)
                return syntax(j, "a key too long: with the keys it is nested in, more than "
                                 "1023 bytes");
            memcpy(key + kn, out, on);
            kn += on;
        } else {
            drow_put(r, out, on);
        }
    }
    if (key) {
        key[kn] = '\0';
        *klen = kn;
    }
    return PTRACK_OK;
}

/* Adds the pair (current path, text started at value). */
static void pair_add(djson_t *j, size_t value)
{
    drow_end(&j->row);
    size_t key = drow_begin(&j->row);
    drow_put(&j->row, j->path, j->plen);
    drow_end(&j->row);
    drow_pair(&j->row, key, value);
}

/* Appends a segment to the path; returns the length to restore. */
static int path_push(djson_t *j, const char *seg, size_t n, size_t *saved)
{
    *saved = j->plen;
    if (j->plen + n + 2 > sizeof(j->path))
        return syntax(j, "keys nested too deep");
    if (j->plen)
        j->path[j->plen++] = '/';
    memcpy(j->path + j->plen, seg, n);
    j->plen += n;
    j->path[j->plen] = '\0';
    return PTRACK_OK;
}

static int value_in(djson_t *j, int depth);

static int object_in(djson_t *j, int depth)
{
    din_get(j->in); /* { */
    int c = skip_ws(j);
    if (c == '}') {
        din_get(j->in);
        return PTRACK_OK;
    }
    for (;;) {
        if (skip_ws(j) != '"')
            return syntax(j, "expected a key in quotes");
        din_get(j->in);
        /* The key is read into its place in the path, after a '/', as
         * long as the path has room: a key is not held to a length of
         * its own, which a valid export would be refused for. A path of
         * 1023 bytes already has no room for a '/' and a key, not even
         * an empty one: its NUL would be written past the path. */
        size_t saved = j->plen, at = j->plen + (j->plen > 0), kn;
        if (at >= sizeof(j->path))
            return syntax(j, "a key too long: with the keys it is nested in, more than "
                             "1023 bytes");
        int rc = string_in(j, j->path + at, sizeof(j->path) - at, &kn);
        if (rc != PTRACK_OK)
            return rc;
        if (saved)
            j->path[saved] = '/';
        j->plen = at + kn;
        if (skip_ws(j) != ':')
            return syntax(j, "expected ':' after a key");
        din_get(j->in);
        if ((rc = value_in(j, depth + 1)) != PTRACK_OK)
            return rc;
        j->plen = saved;
        j->path[j->plen] = '\0';
        c = skip_ws(j);
        din_get(j->in);
        if (c == '}')
            return PTRACK_OK;
        if (c != ',')
            return syntax(j, "expected ',' or '}' in an object");
    }
}

static int array_in(djson_t *j, int depth)
{
    din_get(j->in); /* [ */
    int c = skip_ws(j);
    if (c == ']') {
        din_get(j->in);
        return PTRACK_OK;
    }
    for (long i = 0;; i++) {
        char seg[24];
        size_t saved;
        int n = snprintf(seg, sizeof(seg), "%ld", i);
        int rc = path_push(j, seg, (size_t)n, &saved);
        if (rc == PTRACK_OK)
            rc = value_in(j, depth + 1);
        if (rc != PTRACK_OK)
            return rc;
        j->plen = saved;
        j->path[j->plen] = '\0';
        c = skip_ws(j);
        din_get(j->in);
        if (c == ']')
            return PTRACK_OK;
        if (c != ',')
            return syntax(j, "expected ',' or ']' in an array");
    }
}

static int value_in(djson_t *j, int depth)
{
    if (depth > DEPTH_MAX)
        return syntax(j, "values nested too deep");
    int c = skip_ws(j);
    if (c == '{')
        return object_in(j, depth);
    if (c == '[')
        return array_in(j, depth);
    size_t value = drow_begin(&j->row);
    if (c == '"') {
        din_get(j->in);
        int rc = string_in(j, NULL, 0, NULL);
        if (rc != PTRACK_OK)
            return rc;
        pair_add(j, value);
        return PTRACK_OK;
    }
    /* A number, true, false or null: the bytes up to a delimiter. */
    char lit[64];
    size_t n = 0;
    while ((c = din_peek(j->in)) >= 0 && c != ',' && c != '}' && c != ']' && c != ' ' &&
           c != '\n' && c != '\r' && c != '\t') {
        if (n + 1 >= sizeof(lit))
            return syntax(j, "a value that is not JSON");
        lit[n++] = (char)din_get(j->in);
    }
    lit[n] = '\0';
    if (strcmp(lit, "null") == 0)
        return PTRACK_OK;
    int number = n > 0 && (lit[0] == '-' || (lit[0] >= '0' && lit[0] <= '9'));
    for (size_t i = 0; number && i < n; i++)
        number = strchr("0123456789+-.eE", lit[i]) != NULL;
    if (!number && strcmp(lit, "true") != 0 && strcmp(lit, "false") != 0)
        return syntax(j, n ? "a value that is not JSON" : "expected a value");
    drow_put(&j->row, lit, n);
    pair_add(j, value);
    return PTRACK_OK;
}

int djson_open(djson_t *j, din_t *in)
{
    memset(j, 0, sizeof(*j));
    j->in = in;
    int c = din_skip_bom(in, 1);
    if (c != '[') {
        if (in->c.status < 0)
            return in->c.status;
        snprintf(j->error, sizeof(j->error),
                 "line %ld: a Decidim JSON export is an array of proposals ([ ... ])", in->line);
        return PTRACK_EINVAL;
    }
    din_get(in);
    if (skip_ws(j) == ']') {
        din_get(in);
        j->done = 1;
    }
    return PTRACK_OK;
}

int djson_next(djson_t *j)
{
    if (j->done)
        return 0;
    drow_clear(&j->row);
    j->error[0] = '\0';
    j->plen = 0;
    j->path[0] = '\0';
    int c = skip_ws(j);
    j->rec_line = j->in->line;
    j->n++;
    int object = c == '{';
    int rc = value_in(j, 0);
    if (rc != PTRACK_OK)
        return rc;
    if (j->row.oom)
        return PTRACK_ENOMEM;
    c = skip_ws(j);
    din_get(j->in);
    if (c == ']') {
        j->done = 1;
        if (skip_ws(j) >= 0)
            return syntax(j, "text after the closing ']'");
    } else if (c != ',') {
        return syntax(j, "expected ',' or ']' between proposals");
    }
    if (!object)
        snprintf(j->error, sizeof(j->error), "not a JSON object");
    else if (j->row.too_big)
        snprintf(j->error, sizeof(j->error), "the proposal is larger than %d KB", ROW_MAX / 1024);
    return 1;
}

void djson_free(djson_t *j)
{
    drow_free(&j->row);
}
