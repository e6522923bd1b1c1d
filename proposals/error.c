/*
 * error.c - the error value: codes, their API strings and HTTP statuses, and
 * the helpers that build messages and validation details.
 *
 * The strings and statuses here are part of the API (docs/api.md, Errors): clients
 * switch on the code string, so a string must never change once released.
 */
#include <stdio.h>
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

int pt_error_vset(pt_error_t *err, int code, const char *fmt, va_list ap)
{
    if (err == NULL)
        return code;
    err->code = code;
    vsnprintf(err->message, sizeof(err->message), fmt, ap);
    trim_utf8_tail(err->message, sizeof(err->message));
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
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    trim_utf8_tail(msg, sizeof(msg));
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
