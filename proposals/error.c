/*
 * error.c - the error value: codes, their API strings and HTTP statuses, and
 * the helpers that build messages and validation details.
 *
 * The strings and statuses here are part of the API (docs/api.md, Errors): clients
 * switch on the code string, so a string must never change once released.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json-strict.h"

/* One row per code, indexed by the negated code. PT_ENOMEM deliberately
 * reports "storage_error": to a client, running out of memory is the same
 * kind of transient server trouble as a full disk, and 503 invites a retry. */
static const struct {
    const char *name;
    int status;
} codes[] = {
    {"ok", 200},                     /* PT_OK */
    {"invalid_json", 400},           /* PT_EINVALID_JSON */
    {"validation_failed", 422},      /* PT_EVALIDATION */
    {"not_found", 404},              /* PT_ENOTFOUND */
    {"invalid_transition", 409},     /* PT_ETRANSITION */
    {"version_conflict", 412},       /* PT_EVERSION */
    {"unauthorized", 401},           /* PT_EUNAUTHORIZED */
    {"forbidden", 403},              /* PT_EFORBIDDEN */
    {"payload_too_large", 413},      /* PT_ETOOLARGE */
    {"unsupported_media_type", 415}, /* PT_EMEDIA */
    {"idempotency_conflict", 422},   /* PT_EIDEMPOTENCY */
    {"storage_error", 503},          /* PT_ESTORAGE */
    {"bad_request", 400},            /* PT_EBADREQUEST */
    {"headers_too_large", 431},      /* PT_EHEADERS */
    {"method_not_allowed", 405},     /* PT_EMETHOD */
    {"conflict", 409},               /* PT_ECONFLICT */
    {"storage_error", 503},          /* PT_ENOMEM */
    {"internal_error", 500},         /* PT_EINTERNAL */
    {"config_error", 500},           /* PT_ECONFIG */
    {"shutting_down", 503},          /* PT_ESHUTDOWN */
    {"plugin_error", 500},           /* PT_EPLUGIN */
};

#define N_CODES ((int)(sizeof(codes) / sizeof(codes[0])))

/* An unknown code is a bug in the caller; it is reported as an internal
 * error rather than crashing, so that the client still gets an answer. */
static int code_index(int code)
{
    if (code > 0 || -code >= N_CODES)
        return -PT_EINTERNAL;
    return -code;
}

const char *pt_strerror(int code)
{
    return codes[code_index(code)].name;
}

int pt_error_http_status(int code)
{
    return codes[code_index(code)].status;
}

/* vsnprintf() cuts at a byte count, which may split a multi-byte UTF-8
 * character of a Chinese message in two and leave an invalid tail that would
 * then poison the JSON of the response. Backing up over continuation bytes
 * to the start of the cut character and dropping it keeps the text valid. */
static void trim_utf8_tail(char *s, size_t cap)
{
    size_t len = strlen(s);
    size_t start, need;
    unsigned char c;

    if (len + 1 < cap || len == 0)
        return; /* not truncated */
    start = len;
    while (start > 0 && ((unsigned char)s[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return;
    c = (unsigned char)s[start - 1];
    if (c < 0x80)
        return;
    need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
    if (len - (start - 1) < need)
        s[start - 1] = '\0';
}

/* A message too long for its buffer is fitted by cutting what its %s
 * arguments put in (a path, a name, a message within a message), never its
 * own words: "plugin file /tmp/建建建…建建/x.so does not exist" keeps the
 * reason that a cut at the end would take. */

/* At least this much of a value is kept when it is cut. */
#define VALUE_MIN_KEEP 32
/* What marks a cut: U+2026. */
#define CUT_MARK "\xe2\x80\xa6"
#define CUT_MARK_LEN 3
#define MAX_PIECES 64

typedef struct {
    char *text; /* owned */
    size_t len;
    bool value; /* from a %s, so it may be cut */
} piece_t;

/* Cuts remove bytes or a little more (to character boundaries) out of the
 * middle of p, which must be a value at least VALUE_MIN_KEEP + CUT_MARK_LEN
 * long, and puts CUT_MARK there; the head and the tail of the value stay,
 * since either may say what it was (a path's directory and its file, a
 * message's subject and its reason). Never below VALUE_MIN_KEEP. */
static void cut_middle(piece_t *p, size_t remove)
{
    size_t keep = p->len > remove + CUT_MARK_LEN ? p->len - remove - CUT_MARK_LEN : 0;
    if (keep < VALUE_MIN_KEEP)
        keep = VALUE_MIN_KEEP;
    size_t head = pt_utf8_floor(p->text, keep / 3);
    size_t tail_start = p->len - (keep - keep / 3);
    /* Forward to the start of a character. */
    while (tail_start < p->len && ((unsigned char)p->text[tail_start] & 0xC0) == 0x80)
        tail_start++;
    size_t tail = p->len - tail_start;
    memcpy(p->text + head, CUT_MARK, CUT_MARK_LEN);
    memmove(p->text + head + CUT_MARK_LEN, p->text + tail_start, tail);
    p->len = head + CUT_MARK_LEN + tail;
    p->text[p->len] = '\0';
}

/* Formats fmt into out (cap bytes) as vsnprintf does, but when the text is
 * too long, cuts its longest %s values (cut_middle) until it fits. The
 * format is read here, conversion by conversion, to know which text each
 * argument makes; a format this does not read (more than MAX_PIECES
 * pieces, out of memory) falls back to a cut at the end. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
static void format_fitted(char *out, size_t cap, const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(out, cap, fmt, copy);
    va_end(copy);
    if (n < 0 || (size_t)n < cap)
        return;

    piece_t pieces[MAX_PIECES];
    size_t np = 0;
    bool ok = true;
    const char *f = fmt;
    while (*f && ok) {
        if (np == MAX_PIECES) {
            ok = false;
            break;
        }
        piece_t *pc = &pieces[np];
        pc->text = NULL;
        pc->value = false;
        if (*f != '%' || f[1] == '%') {
            /* Literal text, up to the next conversion ("%%" is one '%'). */
            const char *start = f;
            size_t len;
            if (*f == '%') {
                start = "%";
                len = 1;
                f += 2;
            } else {
                len = strcspn(f, "%");
                f += len;
            }
            pc->text = malloc(len + 1);
            if (!pc->text) {
                ok = false;
                break;
            }
            memcpy(pc->text, start, len);
            pc->text[len] = '\0';
            pc->len = len;
            np++;
            continue;
        }
        /* One conversion: flags, width, precision, length, conversion. */
        char spec[32];
        size_t sl = 0;
        int star[2];
        int nstar = 0;
        spec[sl++] = *f++;
        while (*f && strchr("-+ #0'", *f) && sl < sizeof(spec) - 8)
            spec[sl++] = *f++;
        while (*f && (isdigit((unsigned char)*f) || *f == '.' || *f == '*') &&
               sl < sizeof(spec) - 8) {
            if (*f == '*') {
                if (nstar == 2) {
                    ok = false;
                    break;
                }
                star[nstar++] = va_arg(ap, int);
            }
            spec[sl++] = *f++;
        }
        char lenmod[3] = "";
        size_t ll = 0;
        while (*f && strchr("hlLqjzt", *f) && ll < 2)
            lenmod[ll++] = *f, spec[sl++] = *f++;
        lenmod[ll] = '\0';
        char conv = *f;
        if (!ok || conv == '\0' || !strchr("diouxXcspfFeEgGaA", conv)) {
            ok = false;
            break;
        }
        spec[sl++] = *f++;
        spec[sl] = '\0';
        char small[1];
        int len = -1;
        /* Two passes over one argument: first its length, then its text.
         * The argument is taken once and kept in a union. */
        union {
            long long ll;
            unsigned long long ull;
            long double ld;
            double d;
            const char *s;
            void *p;
        } arg;
        enum {
            A_INT,
            A_UINT,
            A_LL,
            A_ULL,
            A_LONG,
            A_ULONG,
            A_SIZE,
            A_PTRDIFF,
            A_INTMAX,
            A_UINTMAX,
            A_DOUBLE,
            A_LDOUBLE,
            A_STR,
            A_PTR
        } kind;
        bool is_unsigned = strchr("ouxX", conv) != NULL;
        if (conv == 's') {
            kind = A_STR;
            arg.s = va_arg(ap, const char *);
        } else if (conv == 'p') {
            kind = A_PTR;
            arg.p = va_arg(ap, void *);
        } else if (strchr("fFeEgGaA", conv)) {
            if (strcmp(lenmod, "L") == 0) {
                kind = A_LDOUBLE;
                arg.ld = va_arg(ap, long double);
            } else {
                kind = A_DOUBLE;
                arg.d = va_arg(ap, double);
            }
        } else if (strcmp(lenmod, "ll") == 0 || strcmp(lenmod, "q") == 0) {
            kind = is_unsigned ? A_ULL : A_LL;
            if (is_unsigned)
                arg.ull = va_arg(ap, unsigned long long);
            else
                arg.ll = va_arg(ap, long long);
        } else if (strcmp(lenmod, "l") == 0) {
            kind = is_unsigned ? A_ULONG : A_LONG;
            if (is_unsigned)
                arg.ull = va_arg(ap, unsigned long);
            else
                arg.ll = va_arg(ap, long);
        } else if (strcmp(lenmod, "z") == 0) {
            kind = A_SIZE;
            arg.ull = va_arg(ap, size_t);
        } else if (strcmp(lenmod, "t") == 0) {
            kind = A_PTRDIFF;
            arg.ll = va_arg(ap, ptrdiff_t);
        } else if (strcmp(lenmod, "j") == 0) {
            kind = is_unsigned ? A_UINTMAX : A_INTMAX;
            if (is_unsigned)
                arg.ull = va_arg(ap, uintmax_t);
            else
                arg.ll = va_arg(ap, intmax_t);
        } else {
            /* int, and what promotes to it (hh, h, c). */
            kind = is_unsigned ? A_UINT : A_INT;
            if (is_unsigned)
                arg.ull = va_arg(ap, unsigned);
            else
                arg.ll = va_arg(ap, int);
        }
        for (int pass = 0; pass < 2; pass++) {
            char *buf = pass == 0 ? small : pc->text;
            size_t size = pass == 0 ? sizeof(small) : (size_t)len + 1;
#define PT_FMT1(v)                                                                                 \
    (nstar == 2   ? snprintf(buf, size, spec, star[0], star[1], v)                                 \
     : nstar == 1 ? snprintf(buf, size, spec, star[0], v)                                          \
                  : snprintf(buf, size, spec, v))
            switch (kind) {
            case A_INT:
                len = PT_FMT1((int)arg.ll);
                break;
            case A_UINT:
                len = PT_FMT1((unsigned)arg.ull);
                break;
            case A_LL:
                len = PT_FMT1(arg.ll);
                break;
            case A_ULL:
                len = PT_FMT1(arg.ull);
                break;
            case A_LONG:
                len = PT_FMT1((long)arg.ll);
                break;
            case A_ULONG:
                len = PT_FMT1((unsigned long)arg.ull);
                break;
            case A_SIZE:
                len = PT_FMT1((size_t)arg.ull);
                break;
            case A_PTRDIFF:
                len = PT_FMT1((ptrdiff_t)arg.ll);
                break;
            case A_INTMAX:
                len = PT_FMT1((intmax_t)arg.ll);
                break;
            case A_UINTMAX:
                len = PT_FMT1((uintmax_t)arg.ull);
                break;
            case A_DOUBLE:
                len = PT_FMT1(arg.d);
                break;
            case A_LDOUBLE:
                len = PT_FMT1(arg.ld);
                break;
            case A_STR:
                len = PT_FMT1(arg.s);
                break;
            case A_PTR:
                len = PT_FMT1(arg.p);
                break;
            }
#undef PT_FMT1
            if (len < 0) {
                ok = false;
                break;
            }
            if (pass == 0 && !(pc->text = malloc((size_t)len + 1))) {
                ok = false;
                break;
            }
        }
        if (!ok) {
            free(pc->text);
            break;
        }
        pc->len = (size_t)len;
        pc->value = conv == 's';
        np++;
    }

    if (ok) {
        size_t total = 0;
        for (size_t i = 0; i < np; i++)
            total += pieces[i].len;
        /* Cut the longest value by what is too much, then the next, until
         * the text fits or no value is long enough to cut. */
        while (total >= cap) {
            piece_t *longest = NULL;
            for (size_t i = 0; i < np; i++)
                if (pieces[i].value && pieces[i].len > VALUE_MIN_KEEP + CUT_MARK_LEN &&
                    (!longest || pieces[i].len > longest->len))
                    longest = &pieces[i];
            if (!longest)
                break;
            size_t before = longest->len;
            cut_middle(longest, total - cap + 1);
            total -= before - longest->len;
            if (longest->len >= before)
                break;
        }
        size_t o = 0;
        for (size_t i = 0; i < np && o + 1 < cap; i++) {
            size_t take = pieces[i].len < cap - 1 - o ? pieces[i].len : cap - 1 - o;
            memcpy(out + o, pieces[i].text, take);
            o += take;
        }
        out[o] = '\0';
    }
    for (size_t i = 0; i < np; i++)
        free(pieces[i].text);
    /* Fallback (ok == false): out still holds vsnprintf's cut text. */
    trim_utf8_tail(out, cap);
}
#pragma GCC diagnostic pop

int pt_error_vset(pt_error_t *err, int code, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    format_fitted(err->message, sizeof(err->message), fmt, ap);
    /* A message may quote a client's raw bytes (a path, a query). */
    pt_utf8_scrub(err->message);
    return code;
}

int pt_error_set(pt_error_t *err, int code, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    pt_error_vset(err, code, fmt, ap);
    va_end(ap);
    return code;
}

/* Adding a field makes the error a validation error if it was not an error
 * yet, and gives it a message naming the first problem, so that a caller who
 * only collects fields still returns something a person can read. A caller
 * that wants a summary of several problems sets the message afterwards. */
void pt_error_add_field(pt_error_t *err, const char *field, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    cJSON *fields, *item;

    if (err == NULL)
        return;
    va_start(ap, fmt);
    format_fitted(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pt_utf8_scrub(msg);

    if (err->code == PT_OK)
        pt_error_set(err, PT_EVALIDATION, "%s: %s", field, msg);
    if (err->details == NULL)
        err->details = cJSON_CreateObject();
    if (err->details == NULL)
        return; /* out of memory: the code and message still say enough */
    fields = cJSON_GetObjectItemCaseSensitive(err->details, "fields");
    if (!cJSON_IsArray(fields)) {
        cJSON_DeleteItemFromObjectCaseSensitive(err->details, "fields");
        fields = cJSON_AddArrayToObject(err->details, "fields");
        if (fields == NULL)
            return;
    }
    item = cJSON_CreateObject();
    if (item == NULL)
        return;
    cJSON *name = cJSON_AddStringToObject(item, "field", field);
    if (name)
        pt_utf8_scrub(name->valuestring); /* a query parameter's raw name */
    cJSON_AddStringToObject(item, "message", msg);
    cJSON_AddItemToArray(fields, item);
}

void pt_error_clear(pt_error_t *err)
{
    if (err == NULL)
        return;
    cJSON_Delete(err->details);
    err->details = NULL;
    err->code = PT_OK;
    err->message[0] = '\0';
}

void pt_error_move(pt_error_t *dst, pt_error_t *src)
{
    if (dst == NULL || src == NULL || dst == src)
        return;
    pt_error_clear(dst);
    dst->code = src->code;
    memcpy(dst->message, src->message, sizeof(dst->message));
    dst->details = src->details;
    src->details = NULL;
    pt_error_clear(src);
}

/* The details are merged member by member after code and message, and a
 * detail never overrides those two: the code is the contract. */
cJSON *pt_error_to_json(const pt_error_t *err)
{
    cJSON *root, *obj;
    const cJSON *d;
    int code = err ? err->code : PT_EINTERNAL;

    root = cJSON_CreateObject();
    if (root == NULL)
        return NULL;
    obj = cJSON_AddObjectToObject(root, "error");
    if (obj == NULL)
        goto oom;
    if (cJSON_AddStringToObject(obj, "code", pt_strerror(code)) == NULL)
        goto oom;
    if (cJSON_AddStringToObject(obj, "message",
                                err && err->message[0] ? err->message : pt_strerror(code)) == NULL)
        goto oom;
    if (err == NULL || err->details == NULL)
        return root;
    cJSON_ArrayForEach(d, err->details)
    {
        cJSON *copy;

        if (d->string == NULL || strcmp(d->string, "code") == 0 ||
            strcmp(d->string, "message") == 0)
            continue;
        copy = cJSON_Duplicate(d, 1);
        if (copy == NULL)
            goto oom;
        cJSON_AddItemToObject(obj, d->string, copy);
    }
    /* Details may quote what a client or a file sent (an import's
     * rejected lines): the answer is valid UTF-8 whatever they held. */
    pt_json_scrub(obj->child);
    return root;
oom:
    cJSON_Delete(root);
    return NULL;
}
