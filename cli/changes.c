/*
 * changes.c - what one history entry changed, in words (see changes.h).
 */
#include "changes.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "json.h"
#include "labels.h"
#include "times.h"
#include "width.h"

static bool ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), k = strlen(tail);
    return n >= k && strcmp(s + n - k, tail) == 0;
}

static const char *label_or_key(const char *key)
{
    const char *zh = pt_label_field(key);
    return zh ? zh : key;
}

/* Marks what is appended between them as a name (changes.h). */
static void name_open(pt_buf_t *b)
{
    pt_buf_putc(b, PT_CHANGE_NAME_OPEN);
}
static void name_close(pt_buf_t *b)
{
    pt_buf_putc(b, PT_CHANGE_NAME_CLOSE);
}
/* Appends s cleaned, marked as a name. */
static void name(pt_buf_t *b, const char *s)
{
    name_open(b);
    pt_text_clean(b, s ? s : "?");
    name_close(b);
}

static void emit(pt_change_part_fn fn, void *ctx, pt_buf_t *b)
{
    if (b->len)
        fn(ctx, pt_buf_str(b));
    pt_buf_reset(b);
}

/* "原因: 我厅仅为协办", "期限: 2027-02-27 10:00", "重点督办: 是": a field
 * by its new value; "-" when it was cleared. */
static void scalar(const char *key, const cJSON *to, pt_buf_t *b)
{
    char when[40];
    pt_buf_printf(b, "%s: ", label_or_key(key));
    if (cJSON_IsString(to)) {
        const char *v = to->valuestring;
        if (ends_with(key, "_at"))
            v = pt_time_show(v, PT_TIME_MINUTE, when, sizeof when);
        else if (strcmp(key, "handling_mode") == 0)
            v = pt_label_mode(v);
        else if (strcmp(key, "kind") == 0)
            v = pt_label_kind(v);
        else if (strcmp(key, "submitter_type") == 0)
            v = pt_label_submitter(v);
        if (strcmp(key, "returned_by") == 0 && *v) {
            name(b, v);
        } else if (strcmp(key, "awaiting_replies") == 0 && *v) {
            /* The units that have not replied, joined with 、 by ptrackd. */
            for (const char *u = v; *u;) {
                const char *sep = strstr(u, "、");
                size_t len = sep ? (size_t)(sep - u) : strlen(u);
                char *one = pt_xstrndup(u, len);
                name(b, one);
                free(one);
                u += len;
                if (sep) {
                    pt_buf_puts(b, "、");
                    u += strlen("、");
                }
            }
        } else
            pt_text_clean(b, *v ? v : "\"\"");
    } else if (cJSON_IsBool(to)) {
        pt_buf_puts(b, cJSON_IsTrue(to) ? "是" : "否");
    } else if (cJSON_IsNumber(to)) {
        pt_buf_printf(b, strcmp(key, "merged_into") == 0 ? "#%.0f" : "%.15g", to->valuedouble);
    } else {
        pt_buf_puts(b, "-"); /* cleared */
    }
}

/* The string s in list, or NULL. */
static const cJSON *find_string(const cJSON *list, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        if (cJSON_IsString(e) && strcmp(e->valuestring, s) == 0)
            return e;
    }
    return NULL;
}

/* The object of list whose member field is s, or NULL. */
static const cJSON *find_by(const cJSON *list, const char *field, const char *s)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, list)
    {
        const char *v = pt_json_str(e, field);
        if (v && s && strcmp(v, s) == 0)
            return e;
    }
    return NULL;
}

/* Appends the strings of a that are not in b, "、"-separated, each marked
 * as a name when `names`; returns how many. */
static size_t strings_missing(pt_buf_t *out, const cJSON *a, const cJSON *b, bool names)
{
    const cJSON *e;
    size_t n = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (!cJSON_IsString(e) || find_string(b, e->valuestring))
            continue;
        if (n++)
            pt_buf_puts(out, "、");
        if (names)
            name(out, e->valuestring);
        else
            pt_text_clean(out, e->valuestring);
    }
    return n;
}

/* Tags, co-signers: "标签: 民生、教育" when the list was empty, else
 * "标签 增加: 民生" and "标签 去掉: 教育". */
static void strings(const char *key, const cJSON *from, const cJSON *to, pt_change_part_fn fn,
                    void *ctx, pt_buf_t *b)
{
    const char *zh = label_or_key(key);
    bool names = strcmp(key, "co_signers") == 0;
    if (cJSON_GetArraySize(from) == 0) {
        pt_buf_printf(b, "%s: ", zh);
        if (!strings_missing(b, to, from, names))
            pt_buf_reset(b);
        emit(fn, ctx, b);
        return;
    }
    pt_buf_printf(b, "%s 增加: ", zh);
    if (!strings_missing(b, to, from, names))
        pt_buf_reset(b);
    emit(fn, ctx, b);
    pt_buf_printf(b, "%s 去掉: ", zh);
    if (!strings_missing(b, from, to, names))
        pt_buf_reset(b);
    emit(fn, ctx, b);
}

/* Recommendations are long texts: their count ("建议内容: 2→3 条"), or
 * "建议内容: 已修改" when the count stays. */
static void recommendations(const cJSON *from, const cJSON *to, pt_buf_t *b)
{
    int n0 = cJSON_GetArraySize(from), n1 = cJSON_GetArraySize(to);
    if (n0 == n1)
        pt_buf_printf(b, "%s: 已修改", label_or_key("recommendations"));
    else
        pt_buf_printf(b, "%s: %d→%d 条", label_or_key("recommendations"), n0, n1);
}

/* "省水利厅(主办)" */
static void unit_name_role(pt_buf_t *b, const cJSON *u)
{
    const char *unit = pt_json_str(u, "name"), *role = pt_json_str(u, "role");
    name_open(b);
    pt_text_clean(b, unit ? unit : "?");
    if (role)
        pt_buf_printf(b, "%c(%s)", PT_CHANGE_NAME_BREAK, pt_label_role(role));
    name_close(b);
}

/* Whether member field of u is set (not null, not missing). */
static bool set(const cJSON *u, const char *field)
{
    const cJSON *v = pt_json_get(u, field);
    return v && !cJSON_IsNull(v);
}

/* The units: those assigned or added ("承办单位: 省水利厅(主办)、省财政厅
 * (协办)", "增加承办单位: ..."), those no longer among them ("去掉承办单位:
 * 省交通运输厅"), a new role ("省财政厅: 协办→主办"), who signed ("签收:
 * 省水利厅") and who gave an opinion ("协办意见: 省财政厅: 同意"). */
static void units(const cJSON *from, const cJSON *to, pt_change_part_fn fn, void *ctx, pt_buf_t *b)
{
    const cJSON *u;
    size_t n = 0;
    bool fresh = cJSON_GetArraySize(from) == 0;

    pt_buf_puts(b, fresh ? "承办单位: " : "增加承办单位: ");
    cJSON_ArrayForEach(u, to)
    {
        if (find_by(from, "name", pt_json_str(u, "name")))
            continue;
        if (n++)
            pt_buf_puts(b, "、");
        unit_name_role(b, u);
    }
    if (!n)
        pt_buf_reset(b);
    emit(fn, ctx, b);

    n = 0;
    pt_buf_puts(b, "去掉承办单位: ");
    cJSON_ArrayForEach(u, from)
    {
        const char *unit = pt_json_str(u, "name");
        if (!unit || find_by(to, "name", unit))
            continue;
        if (n++)
            pt_buf_puts(b, "、");
        name(b, unit);
    }
    if (!n)
        pt_buf_reset(b);
    emit(fn, ctx, b);

    /* What changed in the units that stay. */
    n = 0;
    pt_buf_puts(b, "签收: ");
    cJSON_ArrayForEach(u, to)
    {
        const cJSON *was = find_by(from, "name", pt_json_str(u, "name"));
        if (!was || !set(u, "signed_at") || set(was, "signed_at"))
            continue;
        if (n++)
            pt_buf_puts(b, "、");
        name(b, pt_json_str(u, "name"));
    }
    if (!n)
        pt_buf_reset(b);
    emit(fn, ctx, b);

    cJSON_ArrayForEach(u, to)
    {
        const cJSON *was = find_by(from, "name", pt_json_str(u, "name"));
        if (!was)
            continue;
        const char *r0 = pt_json_str(was, "role"), *r1 = pt_json_str(u, "role");
        if (r0 && r1 && strcmp(r0, r1) != 0) {
            name(b, pt_json_str(u, "name"));
            pt_buf_printf(b, ": %s→%s", pt_label_role(r0), pt_label_role(r1));
            emit(fn, ctx, b);
        }
        const char *o0 = pt_json_str(was, "opinion_at"), *o1 = pt_json_str(u, "opinion_at");
        if (o1 && (!o0 || strcmp(o0, o1) != 0)) {
            const char *text = pt_json_str(u, "opinion");
            pt_buf_puts(b, "协办意见: ");
            name(b, pt_json_str(u, "name"));
            if (text && *text) {
                pt_buf_puts(b, ": ");
                pt_text_clean(b, text);
            }
            emit(fn, ctx, b);
        }
    }
}

/* Each reply the entry added: "首次答复: 省水利厅 晋水函〔2026〕15号 A类". */
static void replies(const cJSON *from, const cJSON *to, pt_change_part_fn fn, void *ctx,
                    pt_buf_t *b)
{
    int i = 0, known = cJSON_GetArraySize(from);
    const cJSON *r;
    cJSON_ArrayForEach(r, to)
    {
        if (i++ < known)
            continue;
        const char *kind = pt_json_str(r, "kind"), *unit = pt_json_str(r, "unit");
        const char *doc = pt_json_str(r, "doc_no"), *cat = pt_json_str(r, "category");
        pt_buf_printf(b, "%s:", kind ? pt_label_reply_kind(kind) : label_or_key("replies"));
        if (unit) {
            pt_buf_puts(b, " ");
            name(b, unit);
        }
        if (doc && *doc) {
            pt_buf_puts(b, " ");
            name(b, doc); /* a 文号 is quoted whole too */
        }
        if (cat && *cat) {
            pt_buf_puts(b, " ");
            pt_text_clean(b, cat);
            pt_buf_puts(b, "类");
        }
        emit(fn, ctx, b);
    }
}

/* Each rating the entry added: "评价: 张建国 不满意: 答复内容空泛". */
static void feedback(const cJSON *from, const cJSON *to, pt_change_part_fn fn, void *ctx,
                     pt_buf_t *b)
{
    int i = 0, known = cJSON_GetArraySize(from);
    const cJSON *f;
    cJSON_ArrayForEach(f, to)
    {
        if (i++ < known)
            continue;
        const char *person = pt_json_str(f, "person"), *sat = pt_json_str(f, "satisfaction");
        const char *comment = pt_json_str(f, "comment");
        pt_buf_printf(b, "%s:", label_or_key("feedback"));
        if (person) {
            pt_buf_puts(b, " ");
            name(b, person);
        }
        if (sat)
            pt_buf_printf(b, " %s", pt_label_satisfaction(sat));
        if (comment && *comment) {
            pt_buf_puts(b, ": ");
            pt_text_clean(b, comment);
        }
        emit(fn, ctx, b);
    }
}

/* custom, key by key: "自定义.联系人: 张三", "-" for a key taken out. */
static void custom(const cJSON *from, const cJSON *to, pt_change_part_fn fn, void *ctx, pt_buf_t *b)
{
    const cJSON *e;
    cJSON_ArrayForEach(e, to)
    {
        const cJSON *was = e->string ? cJSON_GetObjectItemCaseSensitive(from, e->string) : NULL;
        if (!e->string || (was && cJSON_Compare(was, e, true)))
            continue;
        pt_buf_printf(b, "%s.", label_or_key("custom"));
        pt_text_clean(b, e->string);
        pt_buf_puts(b, ": ");
        if (cJSON_IsString(e)) {
            pt_text_clean(b, e->valuestring);
        } else {
            char *json = cJSON_PrintUnformatted(e);
            pt_text_clean(b, json ? json : "?");
            cJSON_free(json);
        }
        emit(fn, ctx, b);
    }
    cJSON_ArrayForEach(e, from)
    {
        if (!e->string || cJSON_GetObjectItemCaseSensitive(to, e->string))
            continue;
        pt_buf_printf(b, "%s.", label_or_key("custom"));
        pt_text_clean(b, e->string);
        pt_buf_puts(b, ": -");
        emit(fn, ctx, b);
    }
}

void pt_change_describe(const char *key, const cJSON *change, pt_change_part_fn fn, void *ctx)
{
    const cJSON *from = pt_json_get(change, "from"), *to = pt_json_get(change, "to");
    pt_buf_t b = {0};
    bool list =
        cJSON_IsArray(to) || cJSON_IsObject(to) || cJSON_IsArray(from) || cJSON_IsObject(from);

    if (!list) {
        scalar(key, to, &b);
    } else if (strcmp(key, "units") == 0 && !cJSON_IsObject(to)) {
        units(from, to, fn, ctx, &b);
    } else if (strcmp(key, "replies") == 0 && !cJSON_IsObject(to)) {
        replies(from, to, fn, ctx, &b);
    } else if (strcmp(key, "feedback") == 0 && !cJSON_IsObject(to)) {
        feedback(from, to, fn, ctx, &b);
    } else if ((strcmp(key, "tags") == 0 || strcmp(key, "co_signers") == 0) &&
               !cJSON_IsObject(to)) {
        strings(key, from, to, fn, ctx, &b);
    } else if (strcmp(key, "recommendations") == 0 && !cJSON_IsObject(to)) {
        recommendations(from, to, &b);
    } else if (strcmp(key, "custom") == 0 && !cJSON_IsArray(to) && !cJSON_IsArray(from)) {
        custom(from, to, fn, ctx, &b);
    } else {
        pt_buf_printf(&b, "[%s]", key);
    }
    emit(fn, ctx, &b);
    pt_buf_free(&b);
}
