/*
 * api-tokens.c - tokens made at run time: POST /v1/tokens, GET /v1/tokens
 * and DELETE /v1/tokens/{name} (admin), and the copy of them in memory that
 * every TCP request is authenticated against.
 *
 * A token is 32 random bytes from the kernel (getrandom), shown once, in
 * the answer to the POST that made it; only its sha256 is stored and kept.
 * The copy in memory is loaded at start and changed only after the store
 * has committed a create or a revoke, and before that request is answered:
 * a token works from the moment its creator reads it, and a revoked one
 * stops working before the revoke is acknowledged. A token's last use is
 * written through the store at most once a minute, so that busy clients do
 * not turn every read into a write.
 *
 * Nothing here logs a token or its hash. Thread: loop, all of it.
 */
#include "api-internal.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include "buf.h"
#include "json-strict.h"
#include "log.h"
#include "proposal-fields.h"
#include "timefmt.h"

/* How long a token's last use may go unwritten. */
#define USED_WRITE_INTERVAL_MS (60 * 1000)
/* "ptk_" and 32 bytes in base64url without padding. */
#define TOKEN_PREFIX "ptk_"
#define TOKEN_TEXT_MAX 64

typedef struct {
    int64_t created_at;
    int64_t last_used_at;  /* as known here (ms; 0: never) */
    int64_t used_saved_at; /* the last use that was sent to the store */
} token_meta_t;

/* The last use of a config file's token, by its name. */
typedef struct {
    char *name;
    token_meta_t meta; /* created_at stays 0: the config has no such time */
} config_use_t;

typedef struct create_s create_t;

/* The tokens in force, in two arrays of the same order: v is what
 * pt_auth_identify compares against, meta what only this file needs; the
 * last uses of the config's tokens, which a reload may rename or remove (a
 * use is kept by name; one of a name no longer configured is merely not
 * shown); and the tokens being made (queued to the store, not answered
 * yet), whose names a reload may not give to a config token either. */
struct pt_token_cache_s {
    pt_token_t *v;
    token_meta_t *meta;
    size_t n, cap;
    config_use_t *uses;
    size_t n_uses, cap_uses;
    create_t *making;
};

/* A token being made: the request, the token shown once, its row. */
struct create_s {
    pt_call_t *call;
    char token[TOKEN_TEXT_MAX];
    pt_stored_token_t t;
    pt_role_t role;
    create_t *next; /* in the cache's making list while the store has it */
};

/* Takes cr out of the making list. Thread: loop. */
static void making_remove(pt_token_cache_t *c, create_t *cr)
{
    for (create_t **p = c ? &c->making : NULL; p && *p; p = &(*p)->next) {
        if (*p == cr) {
            *p = cr->next;
            cr->next = NULL;
            return;
        }
    }
}

static void token_clear(pt_token_t *t)
{
    free(t->name);
    free(t->unit);
    free(t->person);
    OPENSSL_cleanse(t->sha256, sizeof(t->sha256));
}

/* Makes room in c for `more` tokens besides those in force, so that
 * adding that many (cache_put) cannot fail. Returns PT_OK or PT_ENOMEM,
 * and then the tokens in force are as they were. */
static int cache_reserve(pt_token_cache_t *c, size_t more)
{
    if (c->cap - c->n >= more)
        return PT_OK;
    size_t ncap = c->cap ? c->cap : 16;
    while (ncap - c->n < more)
        ncap *= 2;
    pt_token_t *v = realloc(c->v, ncap * sizeof(*v));
    if (!v)
        return PT_ENOMEM;
    c->v = v;
    token_meta_t *m = realloc(c->meta, ncap * sizeof(*m));
    if (!m)
        return PT_ENOMEM; /* v is larger, cap as it was: the cache is whole */
    c->meta = m;
    c->cap = ncap;
    return PT_OK;
}

/* Appends t, whose strings the cache takes, with its times, in the room
 * cache_reserve made. Returns its index. */
static size_t cache_put(pt_token_cache_t *c, const pt_token_t *t, int64_t created_at,
                        int64_t last_used_at)
{
    c->v[c->n] = *t;
    c->meta[c->n] = (token_meta_t){
        .created_at = created_at, .last_used_at = last_used_at, .used_saved_at = last_used_at};
    return c->n++;
}

/* Appends a token (its strings copied). Returns PT_OK or PT_ENOMEM, and
 * then the cache is as it was; a row not accepted (below) is left out,
 * with a warning, and PT_OK. At start only: POST /v1/tokens makes room
 * before it stores a token, and measures what it stores (create_token). */
static int cache_add(pt_token_cache_t *c, const pt_stored_token_t *s)
{
    pt_role_t role;
    if (pt_role_parse(s->role, &role) != 0) {
        /* Only this file writes the table; a role it does not know is from
         * a newer ptrackd, and a token of it must not grant anything here. */
        pt_warn("token \"%s\" has the role \"%s\", which this ptrackd does not know; it is "
                "not accepted",
                s->name, s->role);
        return PT_OK;
    }
    /* An identity holds no more (auth.h), and one cut could be another's:
     * such a row was made before POST /v1/tokens measured a person as
     * kept. */
    if (strlen(s->name) > PT_ID_NAME_MAX || (s->unit && strlen(s->unit) > PT_ID_BINDING_MAX) ||
        (s->person && strlen(s->person) > PT_ID_BINDING_MAX)) {
        pt_warn("token \"%s\" has a name longer than %d bytes or a %s longer than %d bytes, "
                "which an identity would hold cut; it is not accepted: revoke it (ptrack token "
                "revoke) and make one anew",
                s->name, PT_ID_NAME_MAX, s->unit ? "unit" : "person", PT_ID_BINDING_MAX);
        return PT_OK;
    }
    if (cache_reserve(c, 1) != PT_OK)
        return PT_ENOMEM;
    pt_token_t t = {.role = role};
    t.name = strdup(s->name);
    t.unit = s->unit ? strdup(s->unit) : NULL;
    t.person = s->person ? strdup(s->person) : NULL;
    if (!t.name || (s->unit && !t.unit) || (s->person && !t.person)) {
        token_clear(&t);
        return PT_ENOMEM;
    }
    memcpy(t.sha256, s->sha256, 32);
    cache_put(c, &t, s->created_at, s->last_used_at);
    return PT_OK;
}

static int cache_find(const pt_token_cache_t *c, const char *name)
{
    for (size_t i = 0; c && i < c->n; i++)
        if (strcmp(c->v[i].name, name) == 0)
            return (int)i;
    return -1;
}

static void cache_remove(pt_token_cache_t *c, int i)
{
    token_clear(&c->v[i]);
    c->n--;
    if ((size_t)i != c->n) {
        c->v[i] = c->v[c->n];
        c->meta[i] = c->meta[c->n];
    }
}

/* The last use of the config token called name, or NULL when it has none
 * here. */
static const token_meta_t *config_use_find(const pt_token_cache_t *c, const char *name)
{
    for (size_t i = 0; c && i < c->n_uses; i++)
        if (strcmp(c->uses[i].name, name) == 0)
            return &c->uses[i].meta;
    return NULL;
}

/* The same, added when missing (NULL when out of memory). */
static token_meta_t *config_use(pt_token_cache_t *c, const char *name)
{
    for (size_t i = 0; i < c->n_uses; i++)
        if (strcmp(c->uses[i].name, name) == 0)
            return &c->uses[i].meta;
    if (c->n_uses == c->cap_uses) {
        size_t ncap = c->cap_uses ? c->cap_uses * 2 : 8;
        config_use_t *grown = realloc(c->uses, ncap * sizeof(*grown));
        if (!grown)
            return NULL;
        c->uses = grown;
        c->cap_uses = ncap;
    }
    config_use_t *u = &c->uses[c->n_uses];
    if (!(u->name = strdup(name)))
        return NULL;
    u->meta = (token_meta_t){0};
    c->n_uses++;
    return &u->meta;
}

int pt_api_tokens_load(pt_api_t *api, pt_error_t *err)
{
    pt_token_cache_t *c = calloc(1, sizeof(*c));
    if (!c)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    pt_stored_token_t *v = NULL;
    size_t n = 0;
    int rc = pt_store_tokens_load(api->opts.store, &v, &n, err);
    for (size_t i = 0; rc == PT_OK && i < n; i++)
        if (cache_add(c, &v[i]) != PT_OK)
            rc = pt_error_set(err, PT_ENOMEM, "out of memory");
    pt_stored_tokens_free(v, n);
    api->tokens = c;
    if (rc != PT_OK)
        return rc;
    pt_token_use_t *uses = NULL;
    size_t n_uses = 0;
    rc = pt_store_config_token_uses_load(api->opts.store, &uses, &n_uses, err);
    for (size_t i = 0; rc == PT_OK && i < n_uses; i++) {
        token_meta_t *m = config_use(c, uses[i].name);
        if (!m)
            rc = pt_error_set(err, PT_ENOMEM, "out of memory");
        else
            m->last_used_at = m->used_saved_at = uses[i].last_used_at;
    }
    pt_token_uses_free(uses, n_uses);
    if (rc != PT_OK)
        return rc;
    /* They are rows of the database: a restored one brings back its
     * backup's, a token revoked since (one that leaked, say) with them,
     * and nothing else would tell the administrator. */
    if (c->n && pt_store_was_restored(api->opts.store))
        pt_warn("the database was restored from a backup: its %zu token%s made at run time %s "
                "in force as the backup had %s: a token revoked after the backup works again, "
                "and one made after it is gone; check them (ptrack token list) and revoke again "
                "what was revoked since",
                c->n, c->n == 1 ? "" : "s", c->n == 1 ? "is" : "are", c->n == 1 ? "it" : "them");
    else if (c->n)
        pt_info("%zu token%s made at run time %s in force", c->n, c->n == 1 ? "" : "s",
                c->n == 1 ? "is" : "are");
    return PT_OK;
}

int pt_api_token_name_taken(size_t i, const char *name, bool making, pt_error_t *err)
{
    return pt_error_set(err, PT_ECONFIG,
                        "tokens[%zu]: \"%s\" is the name of a token %s at run time (ptrack token "
                        "list); rename this one, or first revoke that one (ptrack token revoke, "
                        "with ptrackd running on a config without this one)",
                        i, name, making ? "being made" : "made");
}

int pt_api_check_token_names(const pt_api_t *api, const pt_config_t *cfg, pt_error_t *err)
{
    for (size_t i = 0; i < cfg->n_tokens; i++) {
        const char *name = cfg->tokens[i].name;
        bool making = false;
        for (const create_t *cr = api->tokens ? api->tokens->making : NULL; cr && !making;
             cr = cr->next)
            making = strcmp(cr->t.name, name) == 0;
        if (making || cache_find(api->tokens, name) >= 0)
            return pt_api_token_name_taken(i, name, making, err);
    }
    return PT_OK;
}

void pt_api_tokens_free(pt_api_t *api)
{
    pt_token_cache_t *c = api->tokens;
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        token_clear(&c->v[i]);
    free(c->v);
    free(c->meta);
    for (size_t i = 0; i < c->n_uses; i++)
        free(c->uses[i].name);
    free(c->uses);
    free(c);
    api->tokens = NULL;
}

static void on_used_saved(pt_write_t *w)
{
    if (w->err.code != PT_OK)
        pt_warn("the last use of token \"%s\" was not saved: %s", w->name, w->err.message);
    pt_write_free(w);
}

/* Queues the write of a token's last use (of the config file's, or of
 * one made at run time). */
static void save_use(pt_api_t *api, const char *name, token_meta_t *m, bool configured)
{
    pt_write_t *w = configured ? pt_write_config_token_used(name, m->last_used_at)
                               : pt_write_token_used(name, m->last_used_at);
    if (!w)
        return;
    w->cb = on_used_saved;
    if (pt_store_write(api->opts.store, w) == PT_OK)
        m->used_saved_at = m->last_used_at;
    else
        pt_write_free(w);
}

int pt_api_identify_again(pt_api_t *api, const pt_http_request_t *req, pt_identity_t *who,
                          pt_error_t *err)
{
    pt_token_cache_t *c = api->tokens;
    pt_token_list_t run = {.v = c ? c->v : NULL, .n = c ? c->n : 0};
    return pt_auth_identify(api->opts.config, &run, req, who, err);
}

int pt_api_identify(pt_api_t *api, const pt_http_request_t *req, pt_identity_t *who,
                    pt_error_t *err)
{
    pt_token_cache_t *c = api->tokens;
    int rc = pt_api_identify_again(api, req, who, err);
    if (rc != PT_OK || !c || (who->run_token < 0 && who->config_token < 0))
        return rc;
    bool configured = who->run_token < 0;
    const char *name =
        configured ? api->opts.config->tokens[who->config_token].name : c->v[who->run_token].name;
    token_meta_t *m = configured ? config_use(c, name) : &c->meta[who->run_token];
    if (!m)
        return PT_OK; /* out of memory: the use goes unnoted */
    m->last_used_at = pt_time_now();
    if (m->last_used_at - m->used_saved_at >= USED_WRITE_INTERVAL_MS)
        save_use(api, name, m, configured);
    return PT_OK;
}

void pt_api_tokens_flush(pt_api_t *api)
{
    pt_token_cache_t *c = api->tokens;
    for (size_t i = 0; c && i < c->n; i++)
        if (c->meta[i].last_used_at > c->meta[i].used_saved_at)
            save_use(api, c->v[i].name, &c->meta[i], false);
    for (size_t i = 0; c && i < c->n_uses; i++)
        if (c->uses[i].meta.last_used_at > c->uses[i].meta.used_saved_at)
            save_use(api, c->uses[i].name, &c->uses[i].meta, true);
}

/* ---- Answers -------------------------------------------------------------- */

static void add_time(cJSON *o, const char *key, int64_t ms)
{
    if (!ms) {
        cJSON_AddNullToObject(o, key);
        return;
    }
    char t[40];
    pt_time_format(ms, t, sizeof(t));
    cJSON_AddStringToObject(o, key, t);
}

/* {name, role, unit?, person?, source, created_at, last_used_at}: never the
 * token and never its hash. */
static cJSON *token_json(const pt_token_t *t, const token_meta_t *m, const char *source)
{
    cJSON *o = cJSON_CreateObject();
    if (!o)
        return NULL;
    cJSON_AddStringToObject(o, "name", t->name);
    cJSON_AddStringToObject(o, "role", pt_role_name(t->role));
    if (t->unit)
        cJSON_AddStringToObject(o, "unit", t->unit);
    if (t->person)
        cJSON_AddStringToObject(o, "person", t->person);
    cJSON_AddStringToObject(o, "source", source);
    add_time(o, "created_at", m ? m->created_at : 0);
    add_time(o, "last_used_at", m ? m->last_used_at : 0);
    return o;
}

static void reply_json(pt_call_t *call, int status, cJSON *j, const char *const *headers)
{
    char *text = j ? cJSON_PrintUnformatted(j) : NULL;
    cJSON_Delete(j);
    if (!text) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    pt_api_reply(call, status, text, strlen(text), headers);
    OPENSSL_cleanse(text, strlen(text));
    free(text);
}

/* GET /v1/tokens: the configured tokens (source "config") and those made at
 * run time (source "store"), in force. */
static void list_tokens(pt_call_t *call)
{
    pt_error_t err = {0};
    static const char *const none[] = {NULL};
    if (pt_query_only(call->req, none, &err) != PT_OK) {
        pt_api_fail(call, &err);
        return;
    }
    const pt_config_t *cfg = call->api->opts.config;
    const pt_token_cache_t *c = call->api->tokens;
    cJSON *j = cJSON_CreateObject();
    cJSON *items = cJSON_AddArrayToObject(j, "items");
    for (size_t i = 0; items && i < cfg->n_tokens; i++)
        cJSON_AddItemToArray(
            items, token_json(&cfg->tokens[i], config_use_find(c, cfg->tokens[i].name), "config"));
    for (size_t i = 0; items && c && i < c->n; i++)
        cJSON_AddItemToArray(items, token_json(&c->v[i], &c->meta[i], "store"));
    reply_json(call, 200, items ? j : (cJSON_Delete(j), NULL), NULL);
}

/* ---- POST /v1/tokens -------------------------------------------------------- */

static void create_free(create_t *cr)
{
    OPENSSL_cleanse(cr->token, sizeof(cr->token));
    free(cr->t.name);
    free(cr->t.role);
    free(cr->t.unit);
    free(cr->t.person);
    free(cr);
}

/* base64url without padding of 32 bytes: 43 characters. */
static void base64url(const unsigned char *in, size_t n, char *out)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    uint32_t acc = 0;
    int bits = 0;
    for (size_t i = 0; i < n; i++) {
        acc = acc << 8 | in[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = abc[(acc >> bits) & 63];
        }
    }
    if (bits > 0)
        out[o++] = abc[(acc << (6 - bits)) & 63];
    out[o] = '\0';
}

/* Makes a new token: 32 bytes from getrandom(), which blocks only until the
 * kernel's pool is first seeded (long before a daemon serves). */
static int make_token(char *out, size_t size, unsigned char sha256[32], pt_error_t *err)
{
    unsigned char raw[32];
    size_t got = 0;
    while (got < sizeof(raw)) {
        ssize_t r = getrandom(raw + got, sizeof(raw) - got, 0);
        if (r < 0)
            return pt_error_set(err, PT_EINTERNAL, "the system gave no random bytes");
        got += (size_t)r;
    }
    char enc[48];
    base64url(raw, sizeof(raw), enc);
    OPENSSL_cleanse(raw, sizeof(raw));
    snprintf(out, size, "%s%s", TOKEN_PREFIX, enc);
    OPENSSL_cleanse(enc, sizeof(enc));
    unsigned int dlen = 0;
    if (!EVP_Digest(out, strlen(out), sha256, &dlen, EVP_sha256(), NULL))
        return pt_error_set(err, PT_EINTERNAL, "sha256 failed");
    return PT_OK;
}

static void on_created(pt_write_t *w)
{
    create_t *cr = w->data;
    pt_call_t *call = cr->call;
    making_remove(call->api->tokens, cr);
    if (w->err.code != PT_OK) {
        pt_api_fail(call, &w->err);
        pt_write_free(w);
        create_free(cr);
        return;
    }
    cr->t.created_at = w->seq;
    pt_write_free(w);
    /* Room was made, and the row measured, before it was stored
     * (create_token): it goes in without a failure, and the answer is of
     * the token it made. The cache takes the strings. */
    pt_token_cache_t *c = call->api->tokens;
    pt_token_t t = {
        .name = cr->t.name, .role = cr->role, .unit = cr->t.unit, .person = cr->t.person};
    memcpy(t.sha256, cr->t.sha256, 32);
    size_t i = cache_put(c, &t, cr->t.created_at, 0);
    cr->t.name = cr->t.unit = cr->t.person = NULL;
    pt_info("%s made token \"%s\" (role %s)", call->who.name, c->v[i].name, cr->t.role);
    cJSON *j = token_json(&c->v[i], &c->meta[i], "store");
    if (j)
        cJSON_AddStringToObject(j, "token", cr->token);
    pt_buf_t loc;
    pt_buf_init(&loc);
    pt_buf_puts(&loc, "Location: /v1/tokens/");
    pt_buf_pct(&loc, c->v[i].name);
    const char *headers[3];
    size_t h = 0;
    if (!pt_buf_failed(&loc))
        headers[h++] = loc.data;
    headers[h++] = "Cache-Control: no-store";
    headers[h] = NULL;
    reply_json(call, 201, j, headers);
    pt_buf_free(&loc);
    create_free(cr);
}

/* A name is what the history shows as the actor: 1 to 64 characters of
 * printable text, without '/' (it is a path segment). */
/* Whether s holds a control character: C0 (U+0000-U+001F), DEL, or a C1
 * control (U+0080-U+009F, the bytes C2 80 to C2 9F), which no one types
 * and which a terminal or a log reader may act on (U+0085 is a line break
 * to some). A token's name, unit and person are shown in the history, in
 * tables and in the log, so none may hold one. */
static bool has_control(const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        if (*p < 0x20 || *p == 0x7f || (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F))
            return true;
    return false;
}

static bool name_ok(const char *s)
{
    size_t chars = 0;
    if (has_control(s))
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '/')
            return false;
        chars += (*p & 0xc0) != 0x80;
    }
    return chars >= 1 && chars <= 64 && !pt_str_blank(s);
}

/* Whether the body has key with a value other than null. */
static bool given(const cJSON *body, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    return v && !cJSON_IsNull(v);
}

#define NAME_RULE                                                                                  \
    "must be 1 to 64 characters, not blank, without control characters (U+0000-U+001F, "           \
    "U+007F-U+009F) or '/'"
#define ROLE_RULE "must be one of viewer, clerk, unit, delegate, admin"

static const char *str_member(const cJSON *body, const char *key, pt_error_t *err)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(body, key);
    if (!v || cJSON_IsNull(v))
        return NULL;
    if (!cJSON_IsString(v) || pt_str_blank(v->valuestring) ||
        strlen(v->valuestring) > PT_ID_BINDING_MAX) {
        /* Each says its own rule: a blank or a long name is told the
         * name's 1 to 64 characters, not the bindings' 500 bytes. */
        if (strcmp(key, "name") == 0)
            pt_error_add_field(err, key, NAME_RULE);
        else if (strcmp(key, "role") == 0)
            pt_error_add_field(err, key, ROLE_RULE);
        else
            pt_error_add_field(err, key, "must be a non-empty string of at most %d bytes",
                               PT_ID_BINDING_MAX);
        return NULL;
    }
    /* The name's own message says this too, with its other rules. */
    if (strcmp(key, "name") != 0 && has_control(v->valuestring)) {
        pt_error_add_field(err, key,
                           "must not contain control characters (U+0000-U+001F, "
                           "U+007F-U+009F)");
        return NULL;
    }
    return v->valuestring;
}

/* Whether a person's name given for a token is longer, as the proposals
 * keep it (pt_name_clean), than an identity holds (auth.h): a full stop
 * between ideographs is kept as U+00B7, two bytes for one, and a name cut
 * where the identity ends could be another person's, whose proposals the
 * token would read. (A unit's name is never longer kept than given.) Out
 * of memory, it says no: the copy kept is made again below, and fails. */
static bool kept_too_long(const char *s)
{
    char *kept = pt_name_clean(s);
    bool too_long = kept && strlen(kept) > PT_ID_BINDING_MAX;
    free(kept);
    return too_long;
}

static void create_token(pt_call_t *call)
{
    if (!pt_api_require_json(call))
        return;
    pt_error_t err = {0};
    cJSON *body = pt_json_parse(call->req->body, call->req->body_len, &err);
    if (!body) {
        pt_api_fail(call, &err);
        return;
    }
    if (!cJSON_IsObject(body)) {
        cJSON_Delete(body);
        pt_error_add_field(&err, "(body)", "must be a JSON object {name, role, unit?, person?}");
        pt_error_set(&err, PT_EVALIDATION, "the request body must be a JSON object");
        pt_api_fail(call, &err);
        return;
    }
    const cJSON *m;
    cJSON_ArrayForEach(m, body)
    {
        if (strcmp(m->string, "name") && strcmp(m->string, "role") && strcmp(m->string, "unit") &&
            strcmp(m->string, "person"))
            pt_error_add_field(&err, m->string,
                               "unknown field; a token takes name, role, unit "
                               "and person");
    }
    const char *name = str_member(body, "name", &err);
    const char *role_s = str_member(body, "role", &err);
    const char *unit = str_member(body, "unit", &err);
    const char *person = str_member(body, "person", &err);
    pt_role_t role = PT_ROLE_NONE;
    /* A member given but not usable is said once, by str_member. */
    if (!name && !given(body, "name"))
        pt_error_add_field(&err, "name", "is required: the name history shows for the holder");
    else if (name && !name_ok(name))
        pt_error_add_field(&err, "name", NAME_RULE);
    if (!role_s && !given(body, "role"))
        pt_error_add_field(&err, "role", "is required: viewer, clerk, unit, delegate or admin");
    else if (role_s && pt_role_parse(role_s, &role) != 0)
        pt_error_add_field(&err, "role",
                           "\"%s\" is not a role (viewer, clerk, unit, delegate, "
                           "admin)",
                           role_s);
    if (role == PT_ROLE_UNIT && !unit && !given(body, "unit"))
        pt_error_add_field(&err, "unit", "is required for role unit: the unit it answers for");
    if (role == PT_ROLE_DELEGATE && !person && !given(body, "person"))
        pt_error_add_field(&err, "person", "is required for role delegate: the delegate's name");
    if (person && kept_too_long(person))
        pt_error_add_field(&err, "person",
                           "is longer than %d bytes as names are kept (a dot between Chinese "
                           "characters is kept as U+00B7, two bytes for one)",
                           PT_ID_BINDING_MAX);
    if (role != PT_ROLE_NONE && role != PT_ROLE_UNIT && unit)
        pt_error_add_field(&err, "unit", "only role unit is bound to a unit");
    if (role != PT_ROLE_NONE && role != PT_ROLE_DELEGATE && person)
        pt_error_add_field(&err, "person", "only role delegate is bound to a person");
    if (err.details) {
        cJSON_Delete(body);
        /* The request is at fault, not a token: "the token is not valid"
         * is what a 401 for a bad bearer token says. */
        pt_error_set(&err, PT_EVALIDATION, "cannot make the token: the request is not valid");
        pt_api_fail(call, &err);
        return;
    }
    /* A configured token's name is taken too: two holders with one name
     * could not be told apart in the history. */
    const pt_config_t *cfg = call->api->opts.config;
    for (size_t i = 0; i < cfg->n_tokens; i++) {
        if (strcmp(cfg->tokens[i].name, name) == 0) {
            pt_api_failf(call, PT_ECONFLICT,
                         "\"%s\" is the name of a token of the config file; choose another name",
                         name);
            cJSON_Delete(body);
            return;
        }
    }
    if (cache_find(call->api->tokens, name) >= 0) {
        pt_api_failf(call, PT_ECONFLICT,
                     "a token named \"%s\" exists; revoke it first or choose another name", name);
        cJSON_Delete(body);
        return;
    }
    create_t *cr = calloc(1, sizeof(*cr));
    if (cr) {
        cr->call = call;
        cr->t.name = strdup(name);
        cr->t.role = strdup(pt_role_name(role));
        /* Spelt as the proposals keep a unit's and a person's name:
         * without the spaces around them, and what else pt_unit_name_clean
         * and pt_name_clean fold. */
        cr->t.unit = unit ? pt_unit_name_clean(unit) : NULL;
        cr->t.person = person ? pt_name_clean(person) : NULL;
    }
    cJSON_Delete(body);
    if (!cr || !cr->t.name || !cr->t.role || (unit && !cr->t.unit) || (person && !cr->t.person)) {
        if (cr)
            create_free(cr);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    cr->role = role;
    /* What is stored is what an identity holds whole (cache_add): the
     * person measured above as kept, unless that ran out of memory. */
    if (cr->t.person && strlen(cr->t.person) > PT_ID_BINDING_MAX) {
        create_free(cr);
        pt_error_add_field(&err, "person",
                           "is longer than %d bytes as names are kept (a dot between Chinese "
                           "characters is kept as U+00B7, two bytes for one)",
                           PT_ID_BINDING_MAX);
        pt_error_set(&err, PT_EVALIDATION, "cannot make the token: the request is not valid");
        pt_api_fail(call, &err);
        return;
    }
    /* Room in the tokens in force for this one and for every one being
     * made, before anything is stored: once stored, a token is answered
     * and works, and one that ran out of memory here is not stored. */
    pt_token_cache_t *c = call->api->tokens;
    size_t making = 0;
    for (const create_t *mk = c ? c->making : NULL; mk; mk = mk->next)
        making++;
    if (!c || cache_reserve(c, making + 1) != PT_OK) {
        create_free(cr);
        pt_api_failf(call, PT_ENOMEM, "out of memory; no token was made");
        return;
    }
    if (make_token(cr->token, sizeof(cr->token), cr->t.sha256, &err) != PT_OK) {
        create_free(cr);
        pt_api_fail(call, &err);
        return;
    }
    pt_write_t *w = pt_write_token_create(&cr->t);
    if (!w) {
        create_free(cr);
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    w->cb = on_created;
    w->data = cr;
    /* Until it is answered, a reload may not give its name to a config
     * token (pt_api_check_token_names): the check above would be past.
     * The list is also what the room made above counts. */
    cr->next = c->making;
    c->making = cr;
    if (pt_store_write(call->api->opts.store, w) != PT_OK) {
        making_remove(c, cr);
        pt_write_free(w);
        create_free(cr);
        pt_api_failf(call, PT_ESTORAGE, "the store is closing; no token was made");
    }
}

/* ---- DELETE /v1/tokens/{name} --------------------------------------------- */

static void on_revoked(pt_write_t *w)
{
    pt_call_t *call = w->data;
    if (w->err.code != PT_OK) {
        pt_api_fail(call, &w->err);
        pt_write_free(w);
        return;
    }
    int i = cache_find(call->api->tokens, w->name);
    if (i >= 0)
        cache_remove(call->api->tokens, i);
    pt_info("%s revoked token \"%s\"", call->who.name, w->name);
    pt_api_feed_recheck(call->api);
    pt_api_jobs_recheck(call->api);
    pt_write_free(w);
    pt_api_reply(call, 204, NULL, 0, NULL);
}

static void revoke_token(pt_call_t *call, const char *name)
{
    const pt_config_t *cfg = call->api->opts.config;
    for (size_t i = 0; i < cfg->n_tokens; i++) {
        if (strcmp(cfg->tokens[i].name, name) == 0) {
            pt_api_failf(call, PT_ECONFLICT,
                         "token \"%s\" is in the config file; remove it there and reload "
                         "ptrackd (SIGHUP)",
                         name);
            return;
        }
    }
    /* Not only those in force here: a row that cache_add did not accept
     * (a role of a newer ptrackd, a binding too long) may be revoked too.
     * The store answers 404 for a name that no token in force has. */
    pt_write_t *w = pt_write_token_revoke(name);
    if (!w) {
        pt_api_failf(call, PT_ENOMEM, "out of memory");
        return;
    }
    w->cb = on_revoked;
    w->data = call;
    if (pt_store_write(call->api->opts.store, w) != PT_OK) {
        pt_write_free(w);
        pt_api_failf(call, PT_ESTORAGE, "the store is closing; the token was not revoked");
    }
}

void pt_api_tokens(pt_call_t *call, const char *name)
{
    if (!pt_api_require(call, PT_ROLE_ADMIN))
        return;
    const char *m = call->req->method;
    if (!name && strcmp(m, "GET") == 0)
        list_tokens(call);
    else if (!name && strcmp(m, "POST") == 0)
        create_token(call);
    else if (name && strcmp(m, "DELETE") == 0)
        revoke_token(call, name);
    else
        pt_api_failf(call, PT_EMETHOD, "%s is not allowed on %s", m, call->req->path);
}
