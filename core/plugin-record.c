/*
 * plugin-record.c - records (ptrack_record_t): JSON objects that plugins
 * read and build by path, without a JSON library of their own.
 *
 * A record owns one cJSON object. A path names a value inside it: segments
 * are split on '.', and a segment of decimal digits indexes an array (in an
 * object it is an ordinary key, so "custom.2024" still works). A '.' or a
 * backslash inside a key is written with a backslash before it: the path
 * custom.v1\.2 (in C, "custom.v1\\.2") names the key "v1.2" of custom. Any
 * other backslash is an ordinary character, so that a path without "\." or
 * "\\" names what it named before there were escapes. Keys are compared
 * byte for byte, so Chinese keys need nothing special.
 *
 * A set makes the containers missing on its way. One that is a field of
 * the proposal gets the kind the proposal gives it (custom an object,
 * units an array: made_for), so that "custom.2024" makes the key that the
 * same path reads; any other is an array when the next segment is an
 * index, an object when it is not.
 *
 * rec_get and rec_json hand out text that the record owns. Strings are the
 * cJSON node's own buffer; numbers, booleans and printed JSON are made on
 * demand and kept in a cache inside the record, keyed by the node they were
 * made from, so that asking twice for the same value does not grow the
 * record. Every change to the record frees the whole cache: the plugin
 * header promises that borrowed text stays valid "until the record is freed
 * or changed", and no longer, which is what lets a change replace or delete
 * any node without checking who still looks at it.
 *
 * Thread: a record is used by one thread at a time (the plugin header says
 * so), so nothing here locks.
 */
#include "plugins.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "json-strict.h"

/* One text made from a node: rec_get's rendering of a scalar (as_json
 * false) or rec_json's printed JSON (as_json true). */
typedef struct {
    const cJSON *node;
    bool as_json;
    char *text;
    size_t len;
} cached_t;

struct ptrack_record {
    cJSON *json; /* always an object */
    cached_t *cache;
    size_t n_cache, cap_cache;
};

/* The longest path segment; longer keys are refused rather than cut, so a
 * path never silently names another value. */
#define SEGMENT_MAX 1024

static void cache_clear(ptrack_record_t *rec)
{
    for (size_t i = 0; i < rec->n_cache; i++)
        free(rec->cache[i].text);
    rec->n_cache = 0;
}

static const cached_t *cache_find(const ptrack_record_t *rec, const cJSON *node, bool as_json)
{
    for (size_t i = 0; i < rec->n_cache; i++)
        if (rec->cache[i].node == node && rec->cache[i].as_json == as_json)
            return &rec->cache[i];
    return NULL;
}

/* Keeps text (taking it) for node. Returns the kept entry, or NULL (and
 * frees text) when memory runs out. */
static const cached_t *cache_put(ptrack_record_t *rec, const cJSON *node, bool as_json, char *text)
{
    if (rec->n_cache == rec->cap_cache) {
        size_t cap = rec->cap_cache ? rec->cap_cache * 2 : 4;
        cached_t *nc = realloc(rec->cache, cap * sizeof(*nc));
        if (!nc) {
            free(text);
            return NULL;
        }
        rec->cache = nc;
        rec->cap_cache = cap;
    }
    cached_t *c = &rec->cache[rec->n_cache++];
    c->node = node;
    c->as_json = as_json;
    c->text = text;
    c->len = strlen(text);
    return c;
}

/* ---- Paths ------------------------------------------------------------ */

/* A path cursor: each call of next_segment() copies one segment into seg,
 * its escapes undone: a backslash before '.' or before a backslash stands
 * for that character inside the key (备注\.1 is the key "备注.1"), and a
 * backslash before anything else, or at the end, is itself (C:\temp is
 * the key it always was). Returns 1 with a segment, 0 at the end, -1 for
 * an empty or too long segment ("a..b", "a.", ".a"). */
typedef struct {
    const char *p;
    bool done;
} path_iter_t;

static int next_segment(path_iter_t *it, char *seg)
{
    if (it->done)
        return 0;
    const char *p = it->p;
    size_t n = 0;
    for (;;) {
        char c = *p;
        if (c == '\\' && (p[1] == '.' || p[1] == '\\')) {
            c = p[1];
            p += 2;
        } else if (c == '.' || c == '\0') {
            break;
        } else {
            p++;
        }
        if (n + 1 >= SEGMENT_MAX)
            return -1;
        seg[n++] = c;
    }
    if (n == 0)
        return -1;
    seg[n] = '\0';
    if (*p == '.')
        it->p = p + 1;
    else
        it->done = true;
    return 1;
}

/* A segment is an index when it is a canonical decimal number ("0", "17";
 * not "01" or "+1"), small enough for cJSON's int indexes. */
static bool segment_index(const char *seg, int *index)
{
    size_t n = strlen(seg);
    if (n == 0 || n > 9 || (n > 1 && seg[0] == '0'))
        return false;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (seg[i] < '0' || seg[i] > '9')
            return false;
        v = v * 10 + (seg[i] - '0');
    }
    *index = v;
    return true;
}

/* A segment that reads as a number but is no index ("-1", "+2", "01",
 * "99999999999999999999"): a key no one means, in an object this path
 * would make. */
static bool segment_numeric(const char *seg)
{
    const char *p = seg[0] == '-' || seg[0] == '+' ? seg + 1 : seg;
    if (!*p)
        return false;
    for (; *p; p++)
        if (*p < '0' || *p > '9')
            return false;
    return true;
}

/* The kind of a container that a set makes where its path goes below
 * what exists. */
typedef enum {
    MADE_BY_NEXT, /* an array when the next segment is an index, else an object */
    MADE_OBJECT,  /* an object: the next segment is a key, whatever it looks like */
    MADE_ARRAY,   /* an array: the next segment must be an index */
} made_t;

/* The proposal's fields that hold containers, with the kind the proposal
 * gives them (docs/api.md). Without this, "custom.2024" on a record
 * without custom made custom the array ["x"] (the next segment is digits), which the host
 * then refused or, worse, stored as something else than was meant. */
static const struct {
    const char *name;
    made_t made;
} field_shapes[] = {
    {"custom", MADE_OBJECT},    {"source", MADE_OBJECT},  {"units", MADE_ARRAY},
    {"replies", MADE_ARRAY},    {"feedback", MADE_ARRAY}, {"recommendations", MADE_ARRAY},
    {"co_signers", MADE_ARRAY}, {"tags", MADE_ARRAY},
};

/* Where a path stands among the proposal's fields: depth counts the
 * segments before seg, and in_event says that the first one was
 * "proposal" (an event's shape, {"proposal": {...}}). */
typedef struct {
    size_t depth;
    bool in_event;
} path_pos_t;

/* The kind of container to make for seg when it is missing. A field of
 * the proposal has its own kind: seg is the path's first segment (an
 * importer's or exporter's record is a proposal), or its second after
 * "proposal" (an event's). Anywhere else the next segment decides, as it
 * always did. Advances pos past seg. */
static made_t made_for(path_pos_t *pos, const char *seg)
{
    bool field = pos->depth == 0 || (pos->depth == 1 && pos->in_event);
    if (pos->depth == 0)
        pos->in_event = strcmp(seg, "proposal") == 0;
    pos->depth++;
    if (field)
        for (size_t i = 0; i < sizeof(field_shapes) / sizeof(field_shapes[0]); i++)
            if (strcmp(seg, field_shapes[i].name) == 0)
                return field_shapes[i].made;
    return MADE_BY_NEXT;
}

/* The node one segment below node, or NULL. */
static cJSON *child(const cJSON *node, const char *seg)
{
    int index;
    if (cJSON_IsArray(node)) {
        if (!segment_index(seg, &index))
            return NULL;
        return cJSON_GetArrayItem(node, index);
    }
    if (cJSON_IsObject(node))
        return cJSON_GetObjectItemCaseSensitive(node, seg);
    return NULL;
}

/* The node at path, or NULL when it is missing or the path is malformed.
 * "" is the record itself. */
static cJSON *lookup(const ptrack_record_t *rec, const char *path)
{
    if (!rec || !path)
        return NULL;
    if (!*path)
        return rec->json;
    char seg[SEGMENT_MAX];
    path_iter_t it = {path, false};
    cJSON *node = rec->json;
    int r;
    while ((r = next_segment(&it, seg)) == 1) {
        node = child(node, seg);
        if (!node)
            return NULL;
    }
    return r == 0 ? node : NULL;
}

/* ---- Reading ---------------------------------------------------------- */

/* A number as people write it: integers without a fraction ("12", not
 * "12.0" or "1.2e1"), other numbers with as many digits as round-trip. */
static char *number_text(double d)
{
    char buf[64];
    if (isfinite(d) && d == floor(d) && fabs(d) < 9007199254740992.0) {
        snprintf(buf, sizeof(buf), "%lld", (long long)d);
    } else {
        snprintf(buf, sizeof(buf), "%.15g", d);
        if (strtod(buf, NULL) != d)
            snprintf(buf, sizeof(buf), "%.17g", d);
    }
    return strdup(buf);
}

const char *pt_record_get(const ptrack_record_t *crec, const char *path)
{
    /* The cache is not part of the record's value: filling it from a const
     * reader is what makes borrowed text possible without a copy per call. */
    ptrack_record_t *rec = (ptrack_record_t *)crec;
    if (!path || !*path)
        return NULL;
    cJSON *node = lookup(rec, path);
    if (!node)
        return NULL;
    if (cJSON_IsString(node))
        return node->valuestring;
    if (!cJSON_IsNumber(node) && !cJSON_IsBool(node))
        return NULL;
    const cached_t *c = cache_find(rec, node, false);
    if (c)
        return c->text;
    char *text = cJSON_IsBool(node) ? strdup(cJSON_IsTrue(node) ? "true" : "false")
                                    : number_text(node->valuedouble);
    if (!text)
        return NULL;
    c = cache_put(rec, node, false, text);
    return c ? c->text : NULL;
}

size_t pt_record_count(const ptrack_record_t *rec, const char *path)
{
    cJSON *node = lookup(rec, path ? path : "");
    if (!cJSON_IsArray(node) && !cJSON_IsObject(node))
        return 0;
    return (size_t)cJSON_GetArraySize(node);
}

const char *pt_record_json_text(const ptrack_record_t *crec, const char *path, size_t *len)
{
    ptrack_record_t *rec = (ptrack_record_t *)crec;
    cJSON *node = lookup(rec, path ? path : "");
    if (!node)
        return NULL;
    const cached_t *c = cache_find(rec, node, true);
    if (!c) {
        char *text = cJSON_PrintUnformatted(node);
        if (!text || !(c = cache_put(rec, node, true, text)))
            return NULL;
    }
    if (len)
        *len = c->len;
    return c->text;
}

/* ---- Building --------------------------------------------------------- */

/* Puts item (taken, also on failure) at seg under parent: replaces what is
 * there; in an array, an index one past the end appends. */
static int put(cJSON *parent, const char *seg, cJSON *item)
{
    int index;
    cJSON_bool ok;
    if (cJSON_IsArray(parent)) {
        int size = cJSON_GetArraySize(parent);
        if (!segment_index(seg, &index) || index > size) {
            cJSON_Delete(item);
            return PTRACK_EINVAL;
        }
        ok = index < size ? cJSON_ReplaceItemInArray(parent, index, item)
                          : cJSON_AddItemToArray(parent, item);
    } else if (cJSON_IsObject(parent)) {
        ok = cJSON_GetObjectItemCaseSensitive(parent, seg)
                 ? cJSON_ReplaceItemInObjectCaseSensitive(parent, seg, item)
                 : cJSON_AddItemToObject(parent, seg, item);
    } else {
        cJSON_Delete(item);
        return PTRACK_EINVAL;
    }
    if (!ok) {
        cJSON_Delete(item);
        return PTRACK_ENOMEM;
    }
    return PTRACK_OK;
}

/* Checks, before anything is made, that setting a value at path can
 * succeed: each segment names a member of an object, or an index of an
 * array at most one past its end; where the path goes below what exists,
 * each segment is the key of a container that would be made (made_for):
 * an object takes any key, an array index 0 only (a new array is empty),
 * and one the next segment decides takes an index (then 0) or a name, a
 * number that is no index ("a.-1") being refused rather than made a key.
 * So a refused set changes nothing. Returns PTRACK_OK or PTRACK_EINVAL. */
static int check_path(const ptrack_record_t *rec, const char *path, size_t *segments)
{
    char seg[SEGMENT_MAX];
    path_iter_t it = {path, false};
    path_pos_t pos = {0, false};
    const cJSON *node = rec->json; /* NULL once below what exists */
    made_t made = MADE_BY_NEXT;    /* the container seg goes in, when it is made */
    int r, index;
    *segments = 0;
    while ((r = next_segment(&it, seg)) == 1) {
        ++*segments;
        bool is_index = segment_index(seg, &index);
        if (!node) {
            bool ok = made == MADE_OBJECT  ? true
                      : made == MADE_ARRAY ? is_index && index == 0
                                           : (is_index ? index == 0 : !segment_numeric(seg));
            if (!ok)
                return PTRACK_EINVAL;
        } else if (cJSON_IsArray(node)) {
            if (!is_index || index > cJSON_GetArraySize(node))
                return PTRACK_EINVAL;
        } else if (!cJSON_IsObject(node)) {
            return PTRACK_EINVAL; /* a scalar stands where the path goes on */
        }
        made = made_for(&pos, seg);
        if (node)
            node = child(node, seg);
    }
    return r == 0 ? PTRACK_OK : PTRACK_EINVAL;
}

/* Walks path down to the parent of its last segment, making the objects
 * and arrays on the way, each of the kind made_for() says (check_path has
 * made sure that the segments fit them). The last segment is left in last.
 * Returns the parent, or NULL with *rc set. */
static cJSON *make_parent(ptrack_record_t *rec, const char *path, char *last, int *rc)
{
    char seg[SEGMENT_MAX];
    path_iter_t it = {path, false};
    path_pos_t pos = {0, false};
    cJSON *node = rec->json;
    int r = next_segment(&it, seg);
    *rc = PTRACK_EINVAL;
    if (r != 1)
        return NULL;
    for (;;) {
        r = next_segment(&it, last);
        if (r == 0) {
            memcpy(last, seg, strlen(seg) + 1);
            return node;
        }
        if (r < 0)
            return NULL;
        /* seg is an inner segment and last the one after it. */
        made_t made = made_for(&pos, seg);
        cJSON *next = child(node, seg);
        if (!next) {
            int ignored;
            bool array =
                made == MADE_ARRAY || (made == MADE_BY_NEXT && segment_index(last, &ignored));
            next = array ? cJSON_CreateArray() : cJSON_CreateObject();
            if (!next) {
                *rc = PTRACK_ENOMEM;
                return NULL;
            }
            if ((*rc = put(node, seg, next)) != PTRACK_OK)
                return NULL;
        } else if (!cJSON_IsArray(next) && !cJSON_IsObject(next)) {
            /* A scalar stands where the path goes on: refusing keeps the
             * plugin from silently throwing a value away. */
            *rc = PTRACK_EINVAL;
            return NULL;
        }
        node = next;
        memcpy(seg, last, strlen(last) + 1);
    }
}

/* The levels of objects and arrays in item: 0 for a scalar. item was
 * made by rec_set (a string, an empty array) or parsed by rec_set_json,
 * which takes at most PT_JSON_MAX_DEPTH levels, so the recursion is
 * bounded. */
static size_t levels(const cJSON *item)
{
    if (!cJSON_IsArray(item) && !cJSON_IsObject(item))
        return 0;
    size_t most = 0;
    for (const cJSON *c = item->child; c; c = c->next) {
        size_t n = levels(c);
        if (n > most)
            most = n;
    }
    return most + 1;
}

/* Sets item (taken, also on failure) at path. A record may hold at most
 * PT_JSON_MAX_DEPTH levels of objects and arrays, the record itself
 * counted, as a request's JSON may: a path of a hundred thousand
 * segments ("custom.a.a.a...") made a record whose writing out
 * (rec_json, the store) recursed past the end of the job thread's stack
 * and ended ptrackd. The record, and the path's segments but its last,
 * are one level each, and the item adds its own. */
static int set_item(ptrack_record_t *rec, const char *path, cJSON *item)
{
    if (!item)
        return PTRACK_ENOMEM;
    if (!rec || !path) {
        cJSON_Delete(item);
        return PTRACK_EINVAL;
    }
    size_t segments = 0;
    int rc = check_path(rec, path, &segments);
    if (rc == PTRACK_OK && segments + levels(item) > PT_JSON_MAX_DEPTH)
        rc = PTRACK_EINVAL;
    if (rc != PTRACK_OK) {
        cJSON_Delete(item);
        return rc;
    }
    cache_clear(rec);
    char last[SEGMENT_MAX];
    cJSON *parent = make_parent(rec, path, last, &rc);
    if (!parent) {
        cJSON_Delete(item);
        return rc;
    }
    return put(parent, last, item);
}

ptrack_record_t *pt_record_new(void)
{
    return pt_record_wrap(cJSON_CreateObject());
}

int pt_record_set(ptrack_record_t *rec, const char *path, const char *value)
{
    if (!value)
        return PTRACK_EINVAL;
    return set_item(rec, path, cJSON_CreateString(value));
}

int pt_record_set_json(ptrack_record_t *rec, const char *path, const char *json)
{
    if (!rec || !path || !json)
        return PTRACK_EINVAL;
    pt_error_t err = {0};
    cJSON *item = pt_json_parse(json, strlen(json), &err);
    pt_error_clear(&err);
    if (!item)
        return PTRACK_EINVAL;
    /* The record itself must stay an object: "" may only be given one. */
    if (!*path) {
        if (!cJSON_IsObject(item)) {
            cJSON_Delete(item);
            return PTRACK_EINVAL;
        }
        cache_clear(rec);
        cJSON_Delete(rec->json);
        rec->json = item;
        return PTRACK_OK;
    }
    return set_item(rec, path, item);
}

int pt_record_append(ptrack_record_t *rec, const char *path, const char *value)
{
    if (!rec || !path || !*path || !value)
        return PTRACK_EINVAL;
    cJSON *arr = lookup(rec, path);
    if (arr && !cJSON_IsArray(arr))
        return PTRACK_EINVAL;
    if (!arr) {
        int rc = set_item(rec, path, cJSON_CreateArray());
        if (rc != PTRACK_OK)
            return rc;
        arr = lookup(rec, path);
        if (!arr)
            return PTRACK_EINVAL;
    }
    cache_clear(rec);
    cJSON *s = cJSON_CreateString(value);
    if (!s || !cJSON_AddItemToArray(arr, s)) {
        cJSON_Delete(s);
        return PTRACK_ENOMEM;
    }
    return PTRACK_OK;
}

void pt_record_free(ptrack_record_t *rec)
{
    if (!rec)
        return;
    cache_clear(rec);
    free(rec->cache);
    cJSON_Delete(rec->json);
    free(rec);
}

/* ---- The host's side -------------------------------------------------- */

ptrack_record_t *pt_record_wrap(cJSON *json)
{
    if (!cJSON_IsObject(json)) {
        cJSON_Delete(json);
        return NULL;
    }
    ptrack_record_t *rec = calloc(1, sizeof(*rec));
    if (!rec) {
        cJSON_Delete(json);
        return NULL;
    }
    rec->json = json;
    return rec;
}

ptrack_record_t *pt_record_parse(const char *json, size_t len)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(json, len, &err);
    pt_error_clear(&err);
    return j ? pt_record_wrap(j) : NULL;
}

cJSON *pt_record_json(ptrack_record_t *rec)
{
    if (!rec)
        return NULL;
    /* The host may change the object through this pointer, so the cached
     * texts (keyed by node) can no longer be trusted. */
    cache_clear(rec);
    return rec->json;
}

cJSON *pt_record_release(ptrack_record_t *rec)
{
    if (!rec)
        return NULL;
    cJSON *json = rec->json;
    rec->json = NULL;
    pt_record_free(rec);
    return json;
}
