/*
 * test_proposals_proposal.c - the proposal model: JSON round trip of every
 * field, validation of a client's body, the merge patch, deep copies, and
 * the estimate of the heap a proposal holds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json-strict.h"
#include "proposal-fields.h"
#include "proposal.h"
#include "timefmt.h"

#define T0 INT64_C(1772668800000) /* 2026-03-05T00:00:00Z */
#define DAY INT64_C(86400000)

static char *xs(const char *s)
{
    char *d = strdup(s);

    assert_non_null(d);
    return d;
}

/* A proposal with every field set to something other than its default, in
 * Chinese where people write Chinese. */
static void fill_everything(pt_proposal_t *p)
{
    pt_proposal_init(p);
    p->id = 42;
    p->number = xs("第1024号");
    p->kind = xs("suggestion");
    p->session = xs("十四届全国人大四次会议");
    p->title = xs("关于加强基层医疗卫生服务能力建设的建议");
    p->background = xs("基层医疗机构人才短缺，设备陈旧。\n“双引号”与\\反斜杠\t制表符");
    pt_strv_push(&p->recommendations, "一是加大财政投入");
    pt_strv_push(&p->recommendations, "二是完善人才激励机制");
    p->submitter_type = xs("joint");
    p->lead_author = xs("王建国");
    pt_strv_push(&p->co_signers, "李梅");
    pt_strv_push(&p->co_signers, "张伟");
    p->delegation = xs("山西代表团");
    p->category = xs("教育科技卫生");
    pt_strv_push(&p->tags, "医疗");
    pt_strv_push(&p->tags, "基层😀");
    p->status = xs("rehandling");
    p->handling_mode = xs("lead_co");
    p->n_units = 2;
    p->units = calloc(2, sizeof(*p->units));
    p->units[0].name = xs("国家卫生健康委");
    p->units[0].role = xs("lead");
    p->units[0].signed_at = T0 + DAY + 123;
    p->units[1].name = xs("财政部");
    p->units[1].role = xs("co");
    p->units[1].opinion_at = T0 + 2 * DAY;
    p->units[1].opinion = xs("同意主办单位意见");
    p->assigned_at = T0;
    p->due_at = T0 + 90 * DAY;
    p->rehandling_at = T0 + 60 * DAY;
    p->replies_from = T0 + 50 * DAY;
    p->key_supervision = true;
    p->supervisor = xs("赵主任");
    p->n_replies = 1;
    p->replies = calloc(1, sizeof(*p->replies));
    p->replies[0].unit = xs("国家卫生健康委");
    p->replies[0].doc_no = xs("国卫建函〔2026〕15号");
    p->replies[0].category = xs("B");
    p->replies[0].text = xs("您提出的关于……的建议收悉，现答复如下。");
    p->replies[0].replied_at = T0 + 30 * DAY;
    p->replies[0].kind = xs("first");
    p->n_feedback = 1;
    p->feedback = calloc(1, sizeof(*p->feedback));
    p->feedback[0].person = xs("王建国");
    p->feedback[0].satisfaction = xs("unsatisfied");
    p->feedback[0].comment = xs("答复未回应第二条");
    p->feedback[0].at = T0 + 35 * DAY;
    p->merged_into = 7;
    p->source_format = xs("csv");
    p->source_ref = xs("第3行");
    p->n_custom = 2;
    p->custom = calloc(2, sizeof(*p->custom));
    p->custom[0].key = xs("承办处室");
    p->custom[0].value = xs("二处");
    p->custom[1].key = xs("oa_id");
    p->custom[1].value = xs("OA-77");
    p->version = 9;
    p->created_at = T0 - DAY;
    p->updated_at = T0 + 35 * DAY + 1;
}

static void str_eq(const char *a, const char *b, const char *what)
{
    if ((a == NULL) != (b == NULL) || (a && strcmp(a, b) != 0))
        fail_msg("%s differs: \"%s\" vs \"%s\"", what, a ? a : "(null)", b ? b : "(null)");
}

static void strv_eq(const pt_strv_t *a, const pt_strv_t *b, const char *what)
{
    assert_int_equal(a->n, b->n);
    for (size_t i = 0; i < a->n; i++)
        str_eq(a->v[i], b->v[i], what);
}

/* Compares two proposals member by member, so that a field the JSON drops
 * is caught even if it is dropped both ways. */
static void assert_same_proposal(const pt_proposal_t *a, const pt_proposal_t *b)
{
    assert_int_equal(a->id, b->id);
    str_eq(a->number, b->number, "number");
    str_eq(a->kind, b->kind, "kind");
    str_eq(a->session, b->session, "session");
    str_eq(a->title, b->title, "title");
    str_eq(a->background, b->background, "background");
    strv_eq(&a->recommendations, &b->recommendations, "recommendations");
    str_eq(a->submitter_type, b->submitter_type, "submitter_type");
    str_eq(a->lead_author, b->lead_author, "lead_author");
    strv_eq(&a->co_signers, &b->co_signers, "co_signers");
    str_eq(a->delegation, b->delegation, "delegation");
    str_eq(a->category, b->category, "category");
    strv_eq(&a->tags, &b->tags, "tags");
    str_eq(a->status, b->status, "status");
    str_eq(a->handling_mode, b->handling_mode, "handling_mode");
    assert_int_equal(a->n_units, b->n_units);
    for (size_t i = 0; i < a->n_units; i++) {
        str_eq(a->units[i].name, b->units[i].name, "units.name");
        str_eq(a->units[i].role, b->units[i].role, "units.role");
        assert_int_equal(a->units[i].signed_at, b->units[i].signed_at);
        assert_int_equal(a->units[i].opinion_at, b->units[i].opinion_at);
        str_eq(a->units[i].opinion, b->units[i].opinion, "units.opinion");
    }
    assert_int_equal(a->assigned_at, b->assigned_at);
    assert_int_equal(a->due_at, b->due_at);
    assert_int_equal(a->rehandling_at, b->rehandling_at);
    assert_int_equal(a->replies_from, b->replies_from);
    assert_int_equal(a->key_supervision, b->key_supervision);
    str_eq(a->supervisor, b->supervisor, "supervisor");
    assert_int_equal(a->n_replies, b->n_replies);
    for (size_t i = 0; i < a->n_replies; i++) {
        str_eq(a->replies[i].unit, b->replies[i].unit, "replies.unit");
        str_eq(a->replies[i].doc_no, b->replies[i].doc_no, "replies.doc_no");
        str_eq(a->replies[i].category, b->replies[i].category, "replies.category");
        str_eq(a->replies[i].text, b->replies[i].text, "replies.text");
        assert_int_equal(a->replies[i].replied_at, b->replies[i].replied_at);
        str_eq(a->replies[i].kind, b->replies[i].kind, "replies.kind");
    }
    assert_int_equal(a->n_feedback, b->n_feedback);
    for (size_t i = 0; i < a->n_feedback; i++) {
        str_eq(a->feedback[i].person, b->feedback[i].person, "feedback.person");
        str_eq(a->feedback[i].satisfaction, b->feedback[i].satisfaction, "feedback.satisfaction");
        str_eq(a->feedback[i].comment, b->feedback[i].comment, "feedback.comment");
        assert_int_equal(a->feedback[i].at, b->feedback[i].at);
    }
    assert_int_equal(a->merged_into, b->merged_into);
    str_eq(a->source_format, b->source_format, "source.format");
    str_eq(a->source_ref, b->source_ref, "source.ref");
    assert_int_equal(a->n_custom, b->n_custom);
    for (size_t i = 0; i < a->n_custom; i++) {
        str_eq(a->custom[i].key, b->custom[i].key, "custom key");
        str_eq(a->custom[i].value, b->custom[i].value, "custom value");
    }
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->created_at, b->created_at);
    assert_int_equal(a->updated_at, b->updated_at);
}

/* Encodes, prints, parses strictly and decodes as the store does. */
static void store_and_load(const pt_proposal_t *p, pt_proposal_t *back, char **printed)
{
    pt_error_t err = {0};
    cJSON *j = pt_proposal_to_json(p, true, T0);
    char *text = cJSON_PrintUnformatted(j);
    cJSON *parsed = pt_json_parse(text, strlen(text), &err);

    assert_non_null(parsed);
    if (pt_proposal_from_json(parsed, PT_DECODE_STORED, NULL, back, &err) != PT_OK)
        fail_msg("stored proposal refused: %s", err.message);
    cJSON_Delete(parsed);
    cJSON_Delete(j);
    *printed = text;
}

/* The message recorded for `field` in details.fields, or NULL. */
static const char *field_message(const pt_error_t *err, const char *field)
{
    const cJSON *f;

    cJSON_ArrayForEach(f, cJSON_GetObjectItem(err->details, "fields"))
    {
        if (strcmp(cJSON_GetObjectItem(f, "field")->valuestring, field) == 0)
            return cJSON_GetObjectItem(f, "message")->valuestring;
    }
    return NULL;
}

static void expect_field(const pt_error_t *err, const char *field, const char *message)
{
    const char *m = field_message(err, field);

    if (m == NULL)
        fail_msg("no problem reported for %s (message: %s)", field, err->message);
    assert_string_equal(m, message);
}

/* Decodes JSON text in the given mode and expects it to be refused. */
static void decode_refused(const char *text, pt_decode_mode_t mode, const pt_validate_opts_t *opts,
                           pt_error_t *err)
{
    pt_proposal_t p;
    cJSON *j = pt_json_parse(text, strlen(text), err);

    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, mode, opts, &p, err), PT_EVALIDATION);
    assert_int_equal(err->code, PT_EVALIDATION);
    cJSON_Delete(j);
}

static void every_field_survives_the_store_round_trip(void **state)
{
    pt_proposal_t p, back, again;
    char *first, *second;

    (void)state;
    fill_everything(&p);
    store_and_load(&p, &back, &first);
    assert_same_proposal(&p, &back);
    /* And a second trip writes byte for byte the same text. */
    store_and_load(&back, &again, &second);
    assert_string_equal(first, second);
    assert_same_proposal(&p, &again);
    free(first);
    free(second);
    pt_proposal_free(&p);
    pt_proposal_free(&back);
    pt_proposal_free(&again);
}

static void an_empty_proposal_round_trips_with_nulls_and_empty_arrays(void **state)
{
    pt_proposal_t p, back;
    char *text;

    (void)state;
    pt_proposal_init(&p);
    p.title = xs("标题");
    store_and_load(&p, &back, &text);
    assert_same_proposal(&p, &back);
    assert_string_equal(
        text,
        "{\"id\":null,\"number\":null,\"kind\":null,\"session\":null,\"title\":\"标题\","
        "\"background\":null,\"recommendations\":[],\"submitter_type\":null,"
        "\"lead_author\":null,\"co_signers\":[],\"delegation\":null,\"category\":null,"
        "\"tags\":[],\"status\":null,\"handling_mode\":null,\"units\":[],\"assigned_at\":null,"
        "\"due_at\":null,\"rehandling_at\":null,\"replies_from\":null,\"overdue\":false,"
        "\"key_supervision\":false,"
        "\"supervisor\":null,"
        "\"replies\":[],\"feedback\":[],\"merged_into\":null,\"source\":null,\"custom\":{},"
        "\"version\":0,\"created_at\":null,\"updated_at\":null}");
    free(text);
    pt_proposal_free(&p);
    pt_proposal_free(&back);
}

static void to_json_writes_the_fields_of_product_md_in_order(void **state)
{
    static const char *const order[] = {
        "id",          "number",          "kind",           "session",       "title",
        "background",  "recommendations", "submitter_type", "lead_author",   "co_signers",
        "delegation",  "category",        "tags",           "status",        "handling_mode",
        "units",       "assigned_at",     "due_at",         "rehandling_at", "replies_from",
        "overdue",     "key_supervision", "supervisor",     "replies",       "feedback",
        "merged_into", "source",          "custom",         "version",       "created_at",
        "updated_at"};
    pt_proposal_t p;
    cJSON *j, *m;
    size_t i = 0;

    (void)state;
    fill_everything(&p);
    j = pt_proposal_to_json(&p, true, T0);
    cJSON_ArrayForEach(m, j)
    {
        assert_true(i < sizeof(order) / sizeof(order[0]));
        assert_string_equal(m->string, order[i++]);
    }
    assert_int_equal(i, sizeof(order) / sizeof(order[0]));
    assert_string_equal(cJSON_GetObjectItem(j, "due_at")->valuestring, "2026-06-03T00:00:00Z");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "source"), "ref")->valuestring,
                        "第3行");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(j, "custom"), "承办处室")->valuestring, "二处");
    cJSON_Delete(j);
    pt_proposal_free(&p);
}

static void overdue_is_computed_from_the_clock_and_now(void **state)
{
    pt_proposal_t p;
    cJSON *j;

    (void)state;
    pt_proposal_init(&p);
    p.due_at = T0;
    assert_false(pt_proposal_is_overdue(&p, true, T0));
    assert_true(pt_proposal_is_overdue(&p, true, T0 + 1));
    assert_false(pt_proposal_is_overdue(&p, false, T0 + 1));
    j = pt_proposal_to_json(&p, true, T0 + DAY);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(j, "overdue")));
    cJSON_Delete(j);
    p.due_at = 0;
    assert_false(pt_proposal_is_overdue(&p, true, T0));
}

static void create_accepts_the_client_fields(void **state)
{
    static const char *const cats[] = {"教育科技卫生", "财政经济"};
    const pt_validate_opts_t opts = {cats, 2};
    const char *text =
        "{\"number\": \"第1号\", \"kind\": \"motion\", \"session\": \"十四届四次\","
        " \"title\": \"关于修改教育法的议案\", \"background\": \"背景\","
        " \"recommendations\": [\"一是\", \"二是\"], \"submitter_type\": \"delegation\","
        " \"lead_author\": \"王建国\", \"co_signers\": [\"李梅\"], \"delegation\": \"山西代表团\","
        " \"category\": \"财政经济\", \"tags\": [\"教育\"], \"custom\": {\"处室\": \"一处\"},"
        " \"key_supervision\": true, \"supervisor\": \"赵主任\", \"status\": \"draft\","
        " \"source\": {\"format\": \"xlsx\", \"ref\": \"Sheet1!A3\"}}";
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    if (pt_proposal_from_json(j, PT_DECODE_CREATE, &opts, &p, &err) != PT_OK)
        fail_msg("refused: %s", err.message);
    assert_string_equal(p.title, "关于修改教育法的议案");
    assert_string_equal(p.kind, "motion");
    assert_string_equal(p.status, "draft");
    assert_string_equal(p.category, "财政经济");
    assert_int_equal(p.recommendations.n, 2);
    assert_string_equal(p.custom[0].value, "一处");
    assert_string_equal(p.source_ref, "Sheet1!A3");
    assert_true(p.key_supervision);
    assert_int_equal(p.id, 0);
    assert_int_equal(p.version, 0);
    cJSON_Delete(j);
    pt_proposal_free(&p);
}

static void create_leaves_an_absent_kind_unset(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j = pt_json_parse("{\"title\": \"t\"}", 14, &err);

    (void)state;
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    assert_null(p.kind);
    assert_null(p.status);
    cJSON_Delete(j);
    pt_proposal_free(&p);
}

/* Decodes text in mode (a client's, with bounds) and checks the number and
 * session that come out. */
static void keys_read(const char *text, pt_decode_mode_t mode, const char *number,
                      const char *session)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, mode, NULL, &p, &err), PT_OK);
    str_eq(p.number, number, "number");
    str_eq(p.session, session, "session");
    cJSON_Delete(j);
    pt_proposal_free(&p);
}

static void a_clients_number_and_session_are_kept_as_one_spelling(void **state)
{
    (void)state;
    /* Spaces around (ASCII, U+3000, U+00A0) go; full-width ASCII and U+3000
     * inside become ASCII; Chinese stays. */
    keys_read("{\"title\": \"t\", \"number\": \" １００２\\u3000\","
              " \"session\": \"\\u00a0十四届　四次会议 \"}",
              PT_DECODE_CREATE, "1002", "十四届 四次会议");
    keys_read("{\"title\": \"t\", \"number\": \"Ａ－１２（增）\"}", PT_DECODE_CREATE, "A-12(增)",
              NULL);
    /* Blank is no number at all, so it never collides with another. */
    keys_read("{\"title\": \"t\", \"number\": \" 　\", \"session\": \"\"}", PT_DECODE_CREATE, NULL,
              NULL);
    /* The store's own documents are read as they were written. */
    keys_read("{\"title\": \"t\", \"number\": \" １２ \"}", PT_DECODE_STORED, " １２ ", NULL);
}

static void a_clients_names_are_kept_without_the_spaces_around_them(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"t\", \"delegation\": \"山西代表团 \", \"lead_author\": \"\\u3000李国华\","
        " \"co_signers\": [\" 王秀英\", \"　\", \"张 建军\", \"王秀英\"],"
        " \"tags\": [\"乡村振兴　\", \" 乡村振兴\", \"教育\", \"乡村振兴\"],"
        " \"category\": \"  \", \"supervisor\": \"督办处\\u00a0\"}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.delegation, "山西代表团", "delegation");
    str_eq(p.lead_author, "李国华", "lead_author");
    /* A blank co-signer names nobody; a space inside a name stays; a name
     * given again is kept once, where it first came. */
    assert_int_equal(p.co_signers.n, 2);
    str_eq(p.co_signers.v[0], "王秀英", "co_signers[0]");
    str_eq(p.co_signers.v[1], "张 建军", "co_signers[1]");
    assert_int_equal(p.tags.n, 2);
    str_eq(p.tags.v[0], "乡村振兴", "tags[0]");
    str_eq(p.tags.v[1], "教育", "tags[1]");
    assert_null(p.category);
    str_eq(p.supervisor, "督办处", "supervisor");
    pt_proposal_free(&p);
    /* The store's own documents are read as written. */
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    str_eq(p.delegation, "山西代表团 ", "stored delegation");
    cJSON_Delete(j);
    pt_proposal_free(&p);
}

/* A name, a label, a number or a session of other Unicode spaces alone (an
 * em space, a narrow no-break space) is as blank as ASCII spaces are: none,
 * and a co-signer or a tag so given names nobody. */
static void names_of_unicode_spaces_are_none(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"t\", \"delegation\": \"\\u2003\", \"lead_author\": \"\\u202f\","
        " \"co_signers\": [\"\\u2003\", \"王秀英\", \"\\u2009\\u3000\"],"
        " \"tags\": [\"\\u205f\", \"教育\", \"\\u202f\"], \"category\": \"\\u2002\","
        " \"supervisor\": \"\\u2003\", \"number\": \"\\u2003\", \"session\": \"\\u00a0\\u2003\"}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    assert_null(p.delegation);
    assert_null(p.lead_author);
    assert_null(p.category);
    assert_null(p.supervisor);
    assert_null(p.number);
    assert_null(p.session);
    assert_int_equal(p.co_signers.n, 1);
    str_eq(p.co_signers.v[0], "王秀英", "co_signers[0]");
    assert_int_equal(p.tags.n, 1);
    str_eq(p.tags.v[0], "教育", "tags[0]");
    pt_proposal_free(&p);
    cJSON_Delete(j);

    /* The cleaners say so to every caller (filters, bindings): "". */
    char *t;
    assert_non_null(t = pt_name_clean("\xe2\x80\x83"));
    assert_string_equal(t, "");
    free(t);
    assert_non_null(t = pt_unit_name_clean("\xe2\x80\xaf "));
    assert_string_equal(t, "");
    free(t);
    /* Text beside them is text. A zero-width space is no space, but
     * alone it shows nothing, and is as blank as they are: "". */
    assert_non_null(t = pt_text_clean("\xe2\x80\x83x", true));
    assert_string_not_equal(t, "");
    free(t);
    assert_non_null(t = pt_label_clean("\xe2\x80\x8b"));
    assert_string_equal(t, "");
    free(t);
    /* Around a name they go, as U+00A0 and U+3000 do: "王秀英" and
     * "王秀英" with an em space pasted after it are one person. Inside,
     * they stay, or are an ASCII space where the text is folded. */
    assert_non_null(t = pt_name_clean("\xe2\x80\x83王秀英\xe2\x80\x83"));
    assert_string_equal(t, "王秀英");
    free(t);
    assert_non_null(t = pt_text_clean("\xe2\x80\xaf山西代表团\xe2\x80\x89 ", false));
    assert_string_equal(t, "山西代表团");
    free(t);
    assert_non_null(t = pt_text_clean("农村\xe2\x80\x83公路", false));
    assert_string_equal(t, "农村\xe2\x80\x83公路");
    free(t);
    assert_non_null(t = pt_text_clean("１２\xe2\x80\x83届 \xe2\x80\x83", true));
    assert_string_equal(t, "12 届");
    free(t);
}

/* A person's name padded to the width of three characters, as lists of
 * people align them ("王　芳"), is one person: the spaces between single
 * Chinese characters go, in every field that names a person. Other spaces
 * stay: between names a list separated with a space, in a Latin name, and
 * in the other fields' names. */
static void a_padded_persons_name_is_one_person(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"t\", \"lead_author\": \"王\\u3000芳\","
        " \"co_signers\": [\"李 四\", \"王芳\", \"赵\\u3000 \\u00a0钱\", \"王芳 李四\","
        " \"Li Na\", \"张 建军\", \"周\"],"
        " \"supervisor\": \"督\\u3000办\", \"delegation\": \"港 澳\", \"tags\": [\"教 育\"]}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.lead_author, "王芳", "lead_author");
    assert_int_equal(p.co_signers.n, 7);
    str_eq(p.co_signers.v[0], "李四", "co_signers[0]");
    str_eq(p.co_signers.v[1], "王芳", "co_signers[1]");
    str_eq(p.co_signers.v[2], "赵钱", "co_signers[2]");
    str_eq(p.co_signers.v[3], "王芳 李四", "co_signers[3]");
    str_eq(p.co_signers.v[4], "Li Na", "co_signers[4]");
    str_eq(p.co_signers.v[5], "张 建军", "co_signers[5]");
    str_eq(p.co_signers.v[6], "周", "co_signers[6]");
    str_eq(p.supervisor, "督办", "supervisor");
    str_eq(p.delegation, "港 澳", "delegation");
    str_eq(p.tags.v[0], "教 育", "tags[0]");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    /* The same person padded and not is named once. */
    static const char twice[] = "{\"title\": \"t\", \"co_signers\": [\"王　芳\", \"王芳\"]}";
    j = pt_json_parse(twice, strlen(twice), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    assert_int_equal(p.co_signers.n, 1);
    pt_proposal_free(&p);
    cJSON_Delete(j);
}

/* The dot between the parts of a transliterated name is kept as U+00B7
 * however it was typed, when it stands between two ideographs; elsewhere,
 * and in the fields that name no person, it stays as it came. So do the
 * invisible characters a copy brings along (U+200B, U+FEFF, ...): they go
 * from beside an ideograph in a person's name. And a Kangxi radical, which
 * a name copied from a PDF holds, is the ideograph it stands for. */
static void a_persons_name_is_kept_as_one_however_typed(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"艾力・买买提\", \"lead_author\": \"艾力\\u30fb买买提\","
        " \"co_signers\": [\"阿卜杜拉\\u2022买买提\", \"阿卜杜拉·买买提\", \"王.芳\","
        " \"\\ud883\\udede\\uff0e\\ue000\", \"Li.Na\", \"张三.\", \".王芳\", "
        "\"王\\u30fb\\u30fb芳\"],"
        " \"supervisor\": \"热依拉\\u2027买买提\"}";
    static const char hidden[] =
        "{\"title\": \"王\\u200b芳\", \"lead_author\": \"\\ufeff王\\u200b\\u2060芳\\u00ad\","
        " \"co_signers\": [\"王\\u200d芳\", \"艾力\\u30fb\\u200b买买提\", \"a\\u200bb\"]}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "艾力・买买提", "title");
    str_eq(p.lead_author, "艾力·买买提", "lead_author");
    assert_int_equal(p.co_signers.n, 7);
    str_eq(p.co_signers.v[0], "阿卜杜拉·买买提", "co_signers[0]");
    str_eq(p.co_signers.v[1], "王·芳", "co_signers[1]");
    str_eq(p.co_signers.v[2], "\U00030EDE·\uE000", "co_signers[2]");
    str_eq(p.co_signers.v[3], "Li.Na", "co_signers[3]");
    str_eq(p.co_signers.v[4], "张三.", "co_signers[4]");
    str_eq(p.co_signers.v[5], ".王芳", "co_signers[5]");
    str_eq(p.co_signers.v[6], "王\u30fb\u30fb芳", "co_signers[6]");
    str_eq(p.supervisor, "热依拉·买买提", "supervisor");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    /* Invisible characters beside an ideograph go; a co-signer that is
     * then another is named once. */
    j = pt_json_parse(hidden, strlen(hidden), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "王\u200b芳", "title");
    str_eq(p.lead_author, "王芳", "lead_author");
    assert_int_equal(p.co_signers.n, 3);
    str_eq(p.co_signers.v[0], "王芳", "co_signers[0]");
    str_eq(p.co_signers.v[1], "艾力·买买提", "co_signers[1]");
    str_eq(p.co_signers.v[2], "a\u200bb", "co_signers[2]");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    /* A Kangxi radical is the ideograph it stands for, in a name only. */
    static const char radicals[] = "{\"title\": \"\\u2f2f作\", \"lead_author\": \"\\u2f65\\u2f12\","
                                   " \"co_signers\": [\"\\u2ef3\\u2fa6·\\u2f00\", \"\\u2edb\"]}";
    j = pt_json_parse(radicals, strlen(radicals), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "\u2f2f作", "title");
    str_eq(p.lead_author, "田力", "lead_author");
    str_eq(p.co_signers.v[0], "龟金·一", "co_signers[0]");
    str_eq(p.co_signers.v[1], "\u2edb", "co_signers[1]"); /* ⻛: no ideograph of its own */
    pt_proposal_free(&p);
    cJSON_Delete(j);
}

/* A unit's name is kept as one however it was pasted: without the spaces
 * around it, the invisible characters beside an ideograph and a line
 * separator, with a Kangxi radical as its ideograph; a dot and the spaces
 * inside stay, as a person's padding rule and dot rule are not a unit's.
 * An import's units and replies are kept so; a stored document is read as
 * written. */
static void a_units_name_is_kept_as_one_however_pasted(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"财政厅\u200b", "财政厅"},
        {"\u3000\ufeff财\u200d政厅\u00ad\u3000", "财政厅"},
        {"\u2f2f信厅", "工信厅"},
        {"省交通\u2028运输厅", "省交通运输厅"},
        {"省政府 办公厅", "省政府 办公厅"},
        {"财 政 厅", "财 政 厅"},
        {"中国人民银行.太原中心支行", "中国人民银行.太原中心支行"},
        {"Dept\u200bof Finance", "Dept\u200bof Finance"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = pt_unit_name_clean(cases[i].in);
        str_eq(got, cases[i].out, cases[i].in);
        free(got);
    }
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"关于财政\u200b支持的建议\", \"handling_mode\": \"single\","
        " \"units\": [{\"name\": \"财政厅\u200b\", \"role\": \"lead\"}],"
        " \"replies\": [{\"unit\": \"\u2f65财政厅\"}]}";
    static const pt_validate_opts_t opts = {0};
    cJSON *j = pt_json_parse(text, strlen(text), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, &opts, &p, &err), PT_OK);
    str_eq(p.units[0].name, "财政厅", "units[0].name");
    str_eq(p.replies[0].unit, "田财政厅", "replies[0].unit");
    str_eq(p.title, "关于财政\u200b支持的建议", "title");
    pt_proposal_free(&p);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    str_eq(p.units[0].name, "财政厅\u200b", "a stored document's units[0].name");
    pt_proposal_free(&p);
    cJSON_Delete(j);
}

/* A tag is kept as a unit's name is (pt_label_clean): without the spaces
 * around it, the invisible characters beside an ideograph and a line
 * separator, with a Kangxi radical as its ideograph; a dot, the spaces
 * inside and a joiner between characters that are not Chinese stay. On
 * create and import (a client's document) a tag that is then given twice
 * is kept once, where it first came, and a patch that gives the same
 * tags pasted changes nothing; a stored document is read as written. */
static void a_tag_is_kept_as_one_however_pasted(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"两会\u200b", "两会"},
        {"\u3000\ufeff两\u200d会\u00ad ", "两会"},
        {"\u2f63态", "生态"},
        {"乡村\u2028振兴", "乡村振兴"},
        {"Wi-Fi 6", "Wi-Fi 6"},
        {"乡村 振兴", "乡村 振兴"},
        {"工业4.0", "工业4.0"},
        {"艾力.买买提", "艾力.买买提"},
        {"e\u200bgov", "e\u200bgov"},
        /* an emoji's joiner */
        {"\U0001F468\u200d\U0001F469", "\U0001F468\u200d\U0001F469"},
    };
    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *got = pt_label_clean(cases[i].in);
        str_eq(got, cases[i].out, cases[i].in);
        free(got);
    }
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"t\", \"tags\": [\"两会\u200b\", \"\u2f63态\", \"\ufeff两会\","
        " \"生态\", \"两会\", \"乡村 振兴\"]}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    assert_int_equal(p.tags.n, 3);
    str_eq(p.tags.v[0], "两会", "tags[0]");
    str_eq(p.tags.v[1], "生态", "tags[1]");
    str_eq(p.tags.v[2], "乡村 振兴", "tags[2]");
    /* The same tags pasted again: nothing changes. */
    static const char again[] = "{\"tags\": [\"两会\u200b\", \"\u2f63态\", \"乡村 振兴 \"]}";
    cJSON *patch = pt_json_parse(again, strlen(again), &err);
    cJSON *changed = NULL;
    assert_non_null(patch);
    assert_int_equal(pt_proposal_patch(&p, patch, NULL, &changed, &err), PT_OK);
    assert_int_equal(cJSON_GetArraySize(changed), 0);
    cJSON_Delete(changed);
    cJSON_Delete(patch);
    pt_proposal_free(&p);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    assert_int_equal(p.tags.n, 6);
    str_eq(p.tags.v[0], "两会\u200b", "a stored document's tags[0]");
    pt_proposal_free(&p);
    cJSON_Delete(j);
}

/* A delegation and a category are kept as a tag is (pt_label_clean):
 * 山西代表团<U+200B> is 山西代表团 and ⽣态环境 (a Kangxi radical) is
 * 生态环境, on create and import (a client's document), and a category
 * so pasted is one of the configured list, which is kept so too
 * (config.c); a patch that gives them pasted again changes nothing, and
 * the spaces inside stay. A stored document is read as written. */
static void a_delegation_and_category_are_kept_as_one_however_pasted(void **state)
{
    static const char *const cats[] = {"生态环境", "交通运输"};
    const pt_validate_opts_t opts = {cats, 2};
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] = "{\"title\": \"t\", \"delegation\": \"\ufeff山西代表团\u200b\","
                               " \"category\": \"\u2f63态环境\u200b\"}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, &opts, &p, &err), PT_OK);
    str_eq(p.delegation, "山西代表团", "delegation");
    str_eq(p.category, "生态环境", "category, one of the list");
    /* The same pasted again: nothing changes. */
    static const char again[] = "{\"delegation\": \"山西代表团\u2060\","
                                " \"category\": \"生态\u200b环境\"}";
    cJSON *patch = pt_json_parse(again, strlen(again), &err);
    cJSON *changed = NULL;
    assert_non_null(patch);
    assert_int_equal(pt_proposal_patch(&p, patch, &opts, &changed, &err), PT_OK);
    assert_int_equal(cJSON_GetArraySize(changed), 0);
    cJSON_Delete(changed);
    cJSON_Delete(patch);
    pt_proposal_free(&p);
    /* With no list, a category is free text, kept so all the same. */
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.category, "生态环境", "a category of no list");
    pt_proposal_free(&p);
    static const char inside[] = "{\"title\": \"t\", \"delegation\": \"Hong Kong\u3000代表团\","
                                 " \"category\": \"工业4.0\"}";
    cJSON *k = pt_json_parse(inside, strlen(inside), &err);
    assert_non_null(k);
    assert_int_equal(pt_proposal_from_json(k, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.delegation, "Hong Kong\u3000代表团", "the spaces inside stay");
    str_eq(p.category, "工业4.0", "a dot stays");
    pt_proposal_free(&p);
    cJSON_Delete(k);
    /* A value outside the list is still refused. */
    decode_refused("{\"title\": \"t\", \"category\": \"生态\u200b保护\"}", PT_DECODE_CREATE, &opts,
                   &err);
    expect_field(&err, "category", "must be one of 生态环境, 交通运输");
    pt_error_clear(&err);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    str_eq(p.delegation, "\ufeff山西代表团\u200b", "a stored document's delegation");
    str_eq(p.category, "\u2f63态环境\u200b", "a stored document's category");
    pt_proposal_free(&p);
    cJSON_Delete(j);
}

/* A title and a name are kept on one line: a line break (U+2028 and
 * U+2029 too) or a tab inside
 * (a line of a document, a cell of a sheet broken with Alt+Enter) goes
 * between two Chinese characters and is one space beside anything else;
 * spaces alone stay; the spaces around go. */
static void titles_and_names_are_kept_on_one_line(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    static const char text[] =
        "{\"title\": \"  关于加强农村\\r\\n  饮水安全\\t保障的建议（Wi-Fi\\n6 与  5G）\\n\","
        " \"lead_author\": \"欧阳\\n𫟼\", \"delegation\": \"Hong\\tKong\\u3000代表团\","
        " \"co_signers\": [\"王\\n\\n秀英\"], \"background\": \"第一行\\n第二行\"}";
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    (void)state;
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "关于加强农村饮水安全保障的建议（Wi-Fi 6 与  5G）", "title");
    str_eq(p.lead_author, "欧阳𫟼", "lead_author");
    str_eq(p.delegation, "Hong Kong\u3000代表团", "delegation");
    str_eq(p.co_signers.v[0], "王秀英", "co_signers[0]");
    /* Text of several lines stays as it came. */
    str_eq(p.background, "第一行\n第二行", "background");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    /* U+2028 and U+2029, the line and paragraph separators, are breaks. */
    static const char separators[] =
        "{\"title\": \"关于加强\\u2028农村公路\\u2029养护（Wi-Fi\\u20286）的建议\\u2029\","
        " \"lead_author\": \"王\\u2028芳\", \"number\": \"１２\\u2029３\"}";
    j = pt_json_parse(separators, strlen(separators), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "关于加强农村公路养护（Wi-Fi 6）的建议", "title");
    str_eq(p.lead_author, "王芳", "lead_author");
    str_eq(p.number, "12 3", "number");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    /* Only Chinese (and Japanese, and full-width) characters join across a
     * break: other letters get a space, and a full-width digit of a
     * number, which is kept as ASCII, is one. */
    static const char other[] = "{\"title\": \"关于Café\\nétoile和\\n中文的建议\","
                                " \"delegation\": \"Привет\\nмир\", \"number\": \"１２\\n３\"}";
    j = pt_json_parse(other, strlen(other), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "关于Café étoile和中文的建议", "title");
    str_eq(p.delegation, "Привет мир", "delegation");
    str_eq(p.number, "12 3", "number");
    pt_proposal_free(&p);
    /* A title of spaces alone is as blank as none. */
    cJSON_Delete(j);
    static const char blank[] = "{\"title\": \" \\n\\u3000\"}";
    j = pt_json_parse(blank, strlen(blank), &err);
    assert_non_null(j);
    assert_int_not_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    expect_field(&err, "title", "must not be blank");
    pt_error_clear(&err);
    cJSON_Delete(j);
}

static void a_missing_title_is_required(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"kind\": \"motion\"}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "title", "required");
    assert_string_equal(err.message, "title: required");
    pt_error_clear(&err);
    decode_refused("{\"title\": null}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "title", "required");
    pt_error_clear(&err);
}

static void a_blank_title_is_refused(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"\"}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "title", "must not be blank");
    pt_error_clear(&err);
    /* The ideographic space of Chinese input methods is blank too. */
    decode_refused("{\"title\": \" \\u3000\\t \"}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "title", "must not be blank");
    pt_error_clear(&err);
    /* So is a title of other Unicode spaces (an em space, a narrow
     * no-break space, the line separator): it shows nothing, as a title
     * of ASCII spaces does. And one of the characters that show nothing
     * alone: a variation selector left from an emoji, a bidirectional
     * mark or control, the Hangul fillers. */
    static const char *const unseen[] = {
        "{\"title\": \"\\u2003\"}",
        "{\"title\": \"\\u00a0\\u202f\"}",
        "{\"title\": \"\\u205f\\u3000\\u2009\"}",
        "{\"title\": \"\\u2029\\u1680\\u200a\"}",
        "{\"title\": \"\\ufe0f\"}",
        "{\"title\": \"\\u200f\\u3000\"}",
        "{\"title\": \" \\u202e\\u061c\\u2068 \"}",
        "{\"title\": \"\\u3164\\uffa0\\u115f\\u1160\"}",
    };
    for (size_t i = 0; i < sizeof(unseen) / sizeof(unseen[0]); i++) {
        decode_refused(unseen[i], PT_DECODE_CREATE, NULL, &err);
        expect_field(&err, "title", "must not be blank");
        pt_error_clear(&err);
    }
    /* The store's own document is read as it was written: a title of an
     * em space was taken before such spaces were blank, and its proposal
     * must still be read to be edited. An empty title never was. */
    static const char stored[] = "{\"title\": \"\\u2003\"}";
    pt_proposal_t p;
    cJSON *j = pt_json_parse(stored, strlen(stored), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    str_eq(p.title, "\xe2\x80\x83", "a stored title of an em space");
    pt_proposal_free(&p);
    cJSON_Delete(j);
    decode_refused("{\"title\": \"\"}", PT_DECODE_STORED, NULL, &err);
    expect_field(&err, "title", "must not be blank");
    pt_error_clear(&err);
    /* A character beside them is a title. */
    assert_false(pt_str_blank("\xe2\x80\x83\xe5\xbb\xba")); /* U+2003 建 */
    assert_false(pt_str_blank("\xc2\xb7"));                 /* U+00B7, a dot */
    assert_true(pt_str_blank("\xe2\x80\x83 \xe3\x80\x80")); /* U+2003, U+3000 */
    /* The characters that show nothing are blank alone or among spaces,
     * not beside a character that shows. */
    assert_true(pt_str_blank("\xe2\x80\x8b"));                           /* U+200B */
    assert_true(pt_str_blank("\xef\xbb\xbf\xe3\x80\x80\xc2\xad"));       /* U+FEFF U+3000 U+00AD */
    assert_true(pt_str_blank(" \xe2\x80\x8c\xe2\x80\x8d\xe2\x81\xa0 ")); /* U+200C..D, U+2060 */
    assert_false(pt_str_blank("\xe2\x80\x8b\xe5\xbb\xba"));              /* U+200B 建 */
    assert_false(pt_str_blank("Li\xe2\x80\x8bNa"));
    assert_false(pt_str_blank("\xe2\x80")); /* a cut character */
    /* The others that show nothing alone are blank too: a variation
     * selector left from an emoji, a bidirectional mark or isolate, the
     * Hangul filler, the combining grapheme joiner, an invisible operator. */
    assert_true(pt_str_blank("\xef\xb8\x8f"));                         /* U+FE0F */
    assert_true(pt_str_blank("\xe2\x80\x8e \xe2\x80\x8f"));            /* U+200E, U+200F */
    assert_true(pt_str_blank("\xe2\x81\xa6\xe3\x80\x80\xe2\x81\xa9")); /* U+2066 U+3000 U+2069 */
    assert_true(pt_str_blank("\xe3\x85\xa4\xe3\x85\xa4"));             /* U+3164 twice */
    assert_true(pt_str_blank("\xcd\x8f\xe2\x81\xa2\xe1\xa0\x8e"));     /* U+034F U+2062 U+180E */
    /* Beside a character that shows, each is kept as it was written. */
    static const char marked[] = "{\"title\": \"关于\\u200e加强农村公路养护的建议\\ufe0f\"}";
    cJSON *m = pt_json_parse(marked, strlen(marked), &err);
    assert_non_null(m);
    assert_int_equal(pt_proposal_from_json(m, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    str_eq(p.title, "关于\xe2\x80\x8e加强农村公路养护的建议\xef\xb8\x8f",
           "a title with an LRM and a VS16");
    pt_proposal_free(&p);
    cJSON_Delete(m);
}

static void the_title_limit_counts_characters_not_bytes(void **state)
{
    char *text = malloc(8 + 501 * 3 + 4);
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j;

    (void)state;
    /* 500 Chinese characters are 1500 bytes and still a valid title. */
    strcpy(text, "{\"title\": \"");
    for (int i = 0; i < 500; i++)
        strcat(text, "案");
    strcat(text, "\"}");
    j = pt_json_parse(text, strlen(text), &err);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    assert_int_equal(pt_utf8_length(p.title), 500);
    pt_proposal_free(&p);
    cJSON_Delete(j);

    text = realloc(text, strlen(text) + 4);
    strcpy(text + strlen(text) - 2, "案\"}");
    decode_refused(text, PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "title", "longer than 500 characters");
    assert_string_equal(err.message, "title: longer than 500 characters");
    pt_error_clear(&err);
    free(text);
}

static void enums_name_their_values(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"kind\": \"bill\", \"submitter_type\": \"team\"}",
                   PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "kind", "must be one of suggestion, motion, proposal, other");
    expect_field(&err, "submitter_type", "must be one of individual, joint, delegation, group");
    pt_error_clear(&err);
}

static void string_arrays_report_the_bad_element(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"co_signers\": \"李梅\"}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "co_signers", "must be an array of strings");
    pt_error_clear(&err);
    decode_refused("{\"title\": \"t\", \"co_signers\": [\"李梅\", \"张伟\", 3]}", PT_DECODE_CREATE,
                   NULL, &err);
    expect_field(&err, "co_signers[2]", "must be a string");
    assert_string_equal(err.message, "co_signers[2]: must be a string");
    pt_error_clear(&err);
}

static void server_fields_cannot_be_set_by_a_client(void **state)
{
    static const char *const names[] = {"id",      "units",     "replies",     "feedback",
                                        "version", "due_at",    "merged_into", "handling_mode",
                                        "overdue", "created_at"};
    char text[256];
    pt_error_t err = {0};

    (void)state;
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        snprintf(text, sizeof(text), "{\"title\": \"t\", \"%s\": 1}", names[i]);
        decode_refused(text, PT_DECODE_CREATE, NULL, &err);
        expect_field(&err, names[i], "cannot be set by a client");
        pt_error_clear(&err);
    }
    decode_refused("{\"title\": \"t\", \"id\": 5}", PT_DECODE_CREATE, NULL, &err);
    assert_string_equal(err.message, "id: cannot be set by a client");
    pt_error_clear(&err);
}

static void unknown_fields_are_named(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"标题\": \"x\"}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "标题", "unknown field");
    pt_error_clear(&err);
    decode_refused("{\"title\": \"t\", \"history\": []}", PT_DECODE_STORED, NULL, &err);
    expect_field(&err, "history", "unknown field");
    pt_error_clear(&err);
}

static void every_problem_is_reported_at_once(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"kind\": 1, \"tags\": [null], \"id\": 3, \"key_supervision\": \"yes\"}",
                   PT_DECODE_CREATE, NULL, &err);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(err.details, "fields")), 5);
    expect_field(&err, "kind", "must be a string");
    expect_field(&err, "tags[0]", "must be a string");
    expect_field(&err, "id", "cannot be set by a client");
    expect_field(&err, "key_supervision", "must be true or false");
    expect_field(&err, "title", "required");
    assert_non_null(strstr(err.message, "5 problems: kind: must be a string; "));
    pt_error_clear(&err);
}

static void categories_follow_the_configured_list(void **state)
{
    static const char *const cats[] = {"甲类", "乙类", "丙类"};
    const pt_validate_opts_t opts = {cats, 3};
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"category\": \"丁类\"}", PT_DECODE_CREATE, &opts, &err);
    expect_field(&err, "category", "must be one of 甲类, 乙类, 丙类");
    pt_error_clear(&err);
}

static cJSON *parse(const char *text);

static void custom_must_map_strings_to_strings(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"custom\": {\"a\": \"ok\", \"b\": 2}}", PT_DECODE_CREATE,
                   NULL, &err);
    expect_field(&err, "custom.b", "must be a string");
    pt_error_clear(&err);
    decode_refused("{\"title\": \"t\", \"custom\": [\"a\"]}", PT_DECODE_CREATE, NULL, &err);
    expect_field(&err, "custom", "must be an object of strings");
    pt_error_clear(&err);
    /* A key of spaces alone names nothing, as an empty one does. */
    decode_refused("{\"title\": \"t\", \"custom\": {\"\\u3000\": \"v\"}}", PT_DECODE_CREATE, NULL,
                   &err);
    expect_field(
        &err, "custom",
        "keys must not be blank (spaces or characters that show nothing, alone, name nothing)");
    pt_error_clear(&err);
    decode_refused("{\"title\": \"t\", \"custom\": {\" \\u2003\": \"v\"}}", PT_DECODE_CREATE, NULL,
                   &err);
    expect_field(
        &err, "custom",
        "keys must not be blank (spaces or characters that show nothing, alone, name nothing)");
    pt_error_clear(&err);

    /* One stored before the rule is still read, and a patch removes it. */
    static const char stored[] =
        "{\"id\": 3, \"title\": \"t\", \"status\": \"submitted\", "
        "\"version\": 1, \"custom\": {\"\\u3000\": \"v\", \"联系人\": \"刘\"}}";
    cJSON *j = parse(stored);
    pt_proposal_t p;
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    cJSON_Delete(j);
    assert_int_equal(p.n_custom, 2);
    cJSON *patch = parse("{\"custom\": {\"\\u3000\": null}}"), *changed = NULL;
    assert_int_equal(pt_proposal_patch(&p, patch, NULL, &changed, &err), PT_OK);
    assert_int_equal(p.n_custom, 1);
    assert_string_equal(p.custom[0].key, "联系人");
    cJSON_Delete(patch);
    cJSON_Delete(changed);
    pt_proposal_free(&p);
}

static cJSON *parse(const char *text)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    if (j == NULL)
        fail_msg("%s", err.message);
    return j;
}

/* A body with n entries in a list field (or n keys of custom): {"title":
 * "t", "FIELD": [...]} built as a tree. */
static cJSON *body_with(const char *field, int n, bool object)
{
    cJSON *j = cJSON_CreateObject();
    cJSON *v = object ? cJSON_CreateObject() : cJSON_CreateArray();
    char s[32];

    cJSON_AddStringToObject(j, "title", "关于限制条目数的建议");
    for (int i = 0; i < n; i++) {
        snprintf(s, sizeof(s), "代表%d", i);
        if (object)
            cJSON_AddStringToObject(v, s, "值");
        else
            cJSON_AddItemToArray(v, cJSON_CreateString(s));
    }
    cJSON_AddItemToObject(j, field, v);
    return j;
}

static void lists_and_custom_are_bounded(void **state)
{
    static const char *const lists[] = {"recommendations", "co_signers", "tags"};
    pt_error_t err = {0};
    pt_proposal_t p;
    char msg[64];

    (void)state;
    for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++) {
        cJSON *ok = body_with(lists[i], PT_LIST_MAX, false);
        cJSON *big = body_with(lists[i], PT_LIST_MAX + 1, false);
        assert_int_equal(pt_proposal_from_json(ok, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
        pt_proposal_free(&p);
        assert_int_equal(pt_proposal_from_json(big, PT_DECODE_CREATE, NULL, &p, &err),
                         PT_EVALIDATION);
        snprintf(msg, sizeof(msg), "at most %d entries, not %d", PT_LIST_MAX, PT_LIST_MAX + 1);
        expect_field(&err, lists[i], msg);
        pt_error_clear(&err);
        /* The store's own documents are read as they are. */
        assert_int_equal(pt_proposal_from_json(big, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
        pt_proposal_free(&p);
        cJSON_Delete(ok);
        cJSON_Delete(big);
    }
    cJSON *ok = body_with("custom", PT_CUSTOM_MAX, true);
    cJSON *big = body_with("custom", PT_CUSTOM_MAX + 1, true);
    /* A key of PT_CUSTOM_KEY_MAX characters is taken, one more is not. */
    for (int len = PT_CUSTOM_KEY_MAX; len <= PT_CUSTOM_KEY_MAX + 1; len++) {
        char key[4 * (PT_CUSTOM_KEY_MAX + 1) + 1] = "";
        for (int k = 0; k < len; k++)
            strcat(key, "键");
        cJSON *j = cJSON_CreateObject();
        cJSON_AddStringToObject(j, "title", "关于自定义字段的建议");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(j, "custom"), key, "值");
        pt_proposal_t q;
        int rc = pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &q, &err);
        if (len <= PT_CUSTOM_KEY_MAX) {
            assert_int_equal(rc, PT_OK);
            pt_proposal_free(&q);
        } else {
            assert_int_equal(rc, PT_EVALIDATION);
            snprintf(msg, sizeof(msg), "keys are at most %d characters", PT_CUSTOM_KEY_MAX);
            expect_field(&err, "custom", msg);
            pt_error_clear(&err);
        }
        cJSON_Delete(j);
    }
    pt_proposal_t refused;
    assert_int_equal(pt_proposal_from_json(big, PT_DECODE_CREATE, NULL, &refused, &err),
                     PT_EVALIDATION);
    assert_int_equal(pt_proposal_from_json(ok, PT_DECODE_CREATE, NULL, &p, &err), PT_OK);
    snprintf(msg, sizeof(msg), "at most %d keys, not %d", PT_CUSTOM_MAX, PT_CUSTOM_MAX + 1);
    expect_field(&err, "custom", msg);
    pt_error_clear(&err);

    /* A patch that would take custom past the bound is refused and leaves
     * the proposal as it was; one that removes as many as it adds is not. */
    cJSON *add = cJSON_CreateObject();
    cJSON_AddItemToObject(add, "custom", cJSON_Duplicate(cJSON_GetObjectItem(big, "custom"), true));
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(add, "custom"), "代表0");
    cJSON_AddStringToObject(cJSON_GetObjectItem(add, "custom"), "新键", "值");
    cJSON *changed = NULL;
    assert_int_equal(pt_proposal_patch(&p, add, NULL, &changed, &err), PT_EVALIDATION);
    /* 代表0..代表199 kept, 代表200 and 新键 added. */
    snprintf(msg, sizeof(msg), "at most %d keys, not %d", PT_CUSTOM_MAX, PT_CUSTOM_MAX + 2);
    expect_field(&err, "custom", msg);
    assert_int_equal(p.n_custom, PT_CUSTOM_MAX);
    pt_error_clear(&err);
    cJSON_Delete(changed);
    changed = NULL;
    cJSON *swap = cJSON_CreateObject();
    cJSON *c = cJSON_AddObjectToObject(swap, "custom");
    cJSON_AddNullToObject(c, "代表1");
    cJSON_AddStringToObject(c, "新键", "值");
    if (pt_proposal_patch(&p, swap, NULL, &changed, &err) != PT_OK)
        fail_msg("%s", err.message);
    assert_int_equal(p.n_custom, PT_CUSTOM_MAX);
    cJSON_Delete(changed);
    cJSON_Delete(swap);
    cJSON_Delete(add);
    pt_proposal_free(&p);

    /* A proposal stored before the bounds, with 201 keys, one of them too
     * long: it may be patched as long as custom does not grow, and the
     * long key may be removed. */
    char longkey[4 * (PT_CUSTOM_KEY_MAX + 1) + 1] = "";
    for (int k = 0; k <= PT_CUSTOM_KEY_MAX; k++)
        strcat(longkey, "键");
    cJSON *old = cJSON_Duplicate(big, true);
    cJSON_DeleteItemFromObject(cJSON_GetObjectItem(old, "custom"), "代表0");
    cJSON_AddStringToObject(cJSON_GetObjectItem(old, "custom"), longkey, "旧值");
    assert_int_equal(pt_proposal_from_json(old, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    assert_int_equal(p.n_custom, PT_CUSTOM_MAX + 1);
    cJSON *set = parse("{\"custom\": {\"代表1\": \"新值\"}}");
    if (pt_proposal_patch(&p, set, NULL, &changed, &err) != PT_OK)
        fail_msg("setting a key of an old proposal: %s", err.message);
    cJSON_Delete(changed);
    cJSON *grow = parse("{\"custom\": {\"又一个\": \"值\"}}");
    assert_int_equal(pt_proposal_patch(&p, grow, NULL, &changed, &err), PT_EVALIDATION);
    pt_error_clear(&err);
    cJSON *drop = cJSON_CreateObject();
    cJSON_AddNullToObject(cJSON_AddObjectToObject(drop, "custom"), longkey);
    if (pt_proposal_patch(&p, drop, NULL, &changed, &err) != PT_OK)
        fail_msg("removing a long key: %s", err.message);
    assert_int_equal(p.n_custom, PT_CUSTOM_MAX);
    cJSON_Delete(changed);
    cJSON_Delete(set);
    cJSON_Delete(grow);
    cJSON_Delete(drop);
    cJSON_Delete(old);
    pt_proposal_free(&p);
    cJSON_Delete(ok);
    cJSON_Delete(big);
}

static void strings_must_be_valid_utf8_even_from_cjson(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j = cJSON_CreateObject();

    (void)state;
    /* cJSON stores whatever bytes it is given; an overlong '/' must not
     * slip into a proposal that way. */
    cJSON_AddStringToObject(j, "title", "bad \xc0\xaf title");
    cJSON_AddStringToObject(j, "session", "\xe4\xb8");
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_EVALIDATION);
    expect_field(&err, "title", "must be valid UTF-8");
    expect_field(&err, "session", "must be valid UTF-8");
    cJSON_Delete(j);
    pt_error_clear(&err);
}

static void stored_mode_checks_nested_objects_and_times(void **state)
{
    pt_error_t err = {0};

    (void)state;
    decode_refused("{\"title\": \"t\", \"assigned_at\": \"next week\", \"id\": -1,"
                   " \"units\": [{\"name\": \"财政部\", \"role\": \"boss\", \"x\": 1}, {}],"
                   " \"replies\": [{\"category\": \"E\"}], \"source\": {\"ref\": 3}}",
                   PT_DECODE_STORED, NULL, &err);
    expect_field(&err, "assigned_at", "must be an RFC 3339 time such as 2026-03-05T09:00:00Z");
    expect_field(&err, "id", "must be a positive integer");
    expect_field(&err, "units[0].role", "must be one of lead, co, separate");
    expect_field(&err, "units[0].x", "unknown field");
    expect_field(&err, "units[1].name", "required");
    expect_field(&err, "replies[0].category", "must be one of A, B, C, D");
    expect_field(&err, "source.format", "required");
    expect_field(&err, "source.ref", "must be a string");
    pt_error_clear(&err);
}

static void the_body_must_be_an_object(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;
    cJSON *j = cJSON_CreateArray();

    (void)state;
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_CREATE, NULL, &p, &err), PT_EVALIDATION);
    expect_field(&err, "body", "must be a JSON object");
    cJSON_Delete(j);
    pt_error_clear(&err);
}

static char *print_proposal(const pt_proposal_t *p)
{
    cJSON *j = pt_proposal_to_json(p, false, 0);
    char *s = cJSON_PrintUnformatted(j);

    cJSON_Delete(j);
    return s;
}

static void patch_changes_fields_and_reports_from_and_to(void **state)
{
    pt_proposal_t p;
    pt_error_t err = {0};
    cJSON *patch =
        parse("{\"title\": \"新标题\", \"background\": null, \"kind\": \"suggestion\","
              " \"tags\": [\"卫生\"], \"custom\": {\"承办处室\": null, \"新键\": \"值\"}}");
    cJSON *changed = NULL, *c;

    (void)state;
    fill_everything(&p);
    if (pt_proposal_patch(&p, patch, NULL, &changed, &err) != PT_OK)
        fail_msg("%s", err.message);
    assert_string_equal(p.title, "新标题");
    assert_null(p.background);
    assert_int_equal(p.tags.n, 1);
    assert_int_equal(p.n_custom, 2);
    assert_string_equal(p.custom[0].key, "oa_id");
    assert_string_equal(p.custom[1].key, "新键");

    c = cJSON_GetObjectItem(changed, "title");
    assert_string_equal(cJSON_GetObjectItem(c, "from")->valuestring,
                        "关于加强基层医疗卫生服务能力建设的建议");
    assert_string_equal(cJSON_GetObjectItem(c, "to")->valuestring, "新标题");
    assert_true(
        cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(changed, "background"), "to")));
    assert_non_null(cJSON_GetObjectItem(changed, "tags"));
    assert_non_null(cJSON_GetObjectItem(changed, "custom"));
    /* kind was already "suggestion": nothing changed, nothing reported. */
    assert_null(cJSON_GetObjectItem(changed, "kind"));
    assert_int_equal(cJSON_GetArraySize(changed), 4);
    cJSON_Delete(changed);
    cJSON_Delete(patch);
    pt_proposal_free(&p);
}

static void a_refused_patch_leaves_the_proposal_untouched(void **state)
{
    static const char *const patches[] = {
        "{\"title\": \"好标题\", \"status\": \"closed\"}",
        "{\"title\": null}",
        "{\"tags\": [\"ok\"], \"kind\": \"bill\"}",
        "{\"version\": 10}",
        "{\"custom\": {\"a\": 1}}",
        "{\"key_supervision\": false}",
        "[\"not\", \"an\", \"object\"]",
    };
    static const char *const fields[] = {"status",   "title",           "kind", "version",
                                         "custom.a", "key_supervision", "body"};

    (void)state;
    for (size_t i = 0; i < sizeof(patches) / sizeof(patches[0]); i++) {
        pt_proposal_t p;
        pt_error_t err = {0};
        cJSON *patch = parse(patches[i]), *changed = (cJSON *)1;
        char *before, *after;

        fill_everything(&p);
        before = print_proposal(&p);
        assert_int_equal(pt_proposal_patch(&p, patch, NULL, &changed, &err), PT_EVALIDATION);
        assert_null(changed);
        assert_non_null(field_message(&err, fields[i]));
        after = print_proposal(&p);
        assert_string_equal(before, after);
        free(before);
        free(after);
        cJSON_Delete(patch);
        pt_error_clear(&err);
        pt_proposal_free(&p);
    }
}

static void patch_names_why_a_field_is_not_editable(void **state)
{
    pt_proposal_t p;
    pt_error_t err = {0};
    cJSON *patch = parse("{\"status\": \"closed\", \"title\": null, \"foo\": 1}"), *changed;

    (void)state;
    fill_everything(&p);
    assert_int_equal(pt_proposal_patch(&p, patch, NULL, &changed, &err), PT_EVALIDATION);
    expect_field(&err, "status", "cannot be edited; it changes only through workflow actions");
    expect_field(&err, "title", "cannot be cleared");
    expect_field(&err, "foo", "unknown field");
    cJSON_Delete(patch);
    pt_error_clear(&err);
    pt_proposal_free(&p);
}

static void an_empty_patch_changes_nothing(void **state)
{
    pt_proposal_t p;
    pt_error_t err = {0};
    cJSON *patch = parse("{}"), *changed = NULL;

    (void)state;
    fill_everything(&p);
    assert_int_equal(pt_proposal_patch(&p, patch, NULL, &changed, &err), PT_OK);
    assert_non_null(changed);
    assert_int_equal(cJSON_GetArraySize(changed), 0);
    assert_int_equal(p.version, 9); /* the caller bumps the version */
    cJSON_Delete(changed);
    cJSON_Delete(patch);
    pt_proposal_free(&p);
}

/* Every string a proposal holds counts in its heap estimate: one made 4 KB
 * longer, wherever it is, raises the estimate by at least 4 KB. */
static void the_heap_estimate_counts_every_string(void **state)
{
    (void)state;
    pt_proposal_t empty;
    pt_proposal_init(&empty);
    assert_int_equal(pt_proposal_heap_bytes(&empty), 0);

    pt_proposal_t p;
    fill_everything(&p);
    char **members[] = {
        &p.number,
        &p.kind,
        &p.session,
        &p.title,
        &p.background,
        &p.recommendations.v[1],
        &p.submitter_type,
        &p.lead_author,
        &p.co_signers.v[0],
        &p.delegation,
        &p.category,
        &p.tags.v[1],
        &p.status,
        &p.handling_mode,
        &p.units[1].name,
        &p.units[1].role,
        &p.units[1].opinion,
        &p.supervisor,
        &p.replies[0].unit,
        &p.replies[0].doc_no,
        &p.replies[0].category,
        &p.replies[0].text,
        &p.replies[0].kind,
        &p.feedback[0].person,
        &p.feedback[0].satisfaction,
        &p.feedback[0].comment,
        &p.source_format,
        &p.source_ref,
        &p.custom[1].key,
        &p.custom[1].value,
    };
    char big[4097];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    for (size_t i = 0; i < sizeof(members) / sizeof(members[0]); i++) {
        size_t before = pt_proposal_heap_bytes(&p);
        assert_true(before > strlen(*members[i]));
        free(*members[i]);
        *members[i] = xs(big);
        if (pt_proposal_heap_bytes(&p) < before + 4000)
            fail_msg("member %zu is not counted", i);
    }
    /* Never less than the text it holds. */
    assert_true(pt_proposal_heap_bytes(&p) > 30 * 4096);
    pt_proposal_free(&p);
}

static void copy_is_deep(void **state)
{
    pt_proposal_t p, c;

    (void)state;
    fill_everything(&p);
    assert_int_equal(pt_proposal_copy(&c, &p), PT_OK);
    assert_same_proposal(&p, &c);
    assert_ptr_not_equal(p.title, c.title);
    assert_ptr_not_equal(p.units, c.units);
    assert_ptr_not_equal(p.units[1].opinion, c.units[1].opinion);
    assert_ptr_not_equal(p.custom[0].key, c.custom[0].key);
    pt_proposal_free(&p);
    /* c still holds everything after p is gone (valgrind checks this). */
    assert_string_equal(c.replies[0].doc_no, "国卫建函〔2026〕15号");
    pt_proposal_free(&c);
}

static void units_are_found_by_name(void **state)
{
    pt_proposal_t p;

    (void)state;
    fill_everything(&p);
    assert_ptr_equal(pt_proposal_find_unit(&p, "财政部"), &p.units[1]);
    assert_null(pt_proposal_find_unit(&p, "教育部"));
    assert_null(pt_proposal_find_unit(&p, NULL));
    pt_proposal_free(&p);
}

/* Whether a reply answers the proposal: an imported 分办 proposal whose
 * ledger dates its replies by the day (2026-05-20, midnight UTC) and its
 * assignment by the hour (10:30 Beijing time, later that day) was
 * answered by them, and is: a reply before assigned_at counts unless an
 * assignment came after it (replies_from). Once one did, only the replies
 * from then on count, one at that very moment too. */
static void a_reply_counts_unless_an_assignment_came_after_it(void **state)
{
    static const char doc[] =
        "{\"title\": \"关于推进城乡供水一体化的建议\", \"status\": \"closed\","
        " \"handling_mode\": \"separate\", \"units\": ["
        "{\"name\": \"省水利厅\", \"role\": \"separate\"},"
        "{\"name\": \"省住建厅\", \"role\": \"separate\"}],"
        " \"assigned_at\": \"2026-05-20T10:30:00+08:00\", \"replies\": ["
        "{\"unit\": \"省水利厅\", \"doc_no\": \"水函〔2026〕12号\", \"category\": \"A\","
        " \"replied_at\": \"2026-05-20\", \"kind\": \"first\"},"
        "{\"unit\": \"省住建厅\", \"doc_no\": \"建函〔2026〕7号\", \"category\": \"B\","
        " \"replied_at\": \"2026-05-20\", \"kind\": \"first\"}]}";
    pt_error_t err = {0};
    pt_proposal_t p;
    bool answered[2];

    (void)state;
    cJSON *j = pt_json_parse(doc, strlen(doc), &err);
    assert_non_null(j);
    assert_int_equal(pt_proposal_from_json(j, PT_DECODE_STORED, NULL, &p, &err), PT_OK);
    cJSON_Delete(j);
    assert_true(p.replies[0].replied_at < p.assigned_at);
    assert_int_equal(p.replies_from, 0);
    assert_true(pt_proposal_reply_counts(&p, &p.replies[0]));
    assert_true(pt_proposal_unit_replied(&p, "省水利厅"));
    assert_true(pt_proposal_answered(&p));

    /* An assignment after the replies: none of them answers it. */
    p.replies_from = p.assigned_at;
    assert_false(pt_proposal_reply_counts(&p, &p.replies[0]));
    assert_false(pt_proposal_unit_replied(&p, "省水利厅"));
    assert_false(pt_proposal_answered(&p));
    pt_proposal_units_answered(&p, answered);
    assert_false(answered[0]);
    assert_false(answered[1]);

    /* 省住建厅 answered it at its moment: it has, 省水利厅 still owes. */
    p.replies[1].replied_at = p.replies_from;
    assert_true(pt_proposal_unit_replied(&p, "省住建厅"));
    assert_false(pt_proposal_answered(&p));
    pt_proposal_units_answered(&p, answered);
    assert_false(answered[0]);
    assert_true(answered[1]);
    assert_true(pt_proposal_unit_answered(&p, "省住建厅"));
    assert_false(pt_proposal_unit_answered(&p, "省水利厅"));
    p.replies[0].replied_at = p.replies_from + 1;
    assert_true(pt_proposal_answered(&p));
    pt_proposal_free(&p);
}

/* An imported record's replies_from is one an assignment after a reply
 * could have set: with replies, and no later than its assigned_at or a
 * millisecond after its latest reply (a clock that stepped back). A reply
 * made while the clock is behind replies_from is dated replies_from, so
 * one of 2099, or one without replies, would date the replies to come. */
static void an_imported_replies_from_follows_a_reply(void **state)
{
    pt_error_t err = {0};
    pt_proposal_t p;

    (void)state;
    pt_proposal_init(&p);
    assert_true(pt_proposal_replies_from_fits(&p, &err));
    assert_int_equal(pt_time_parse("2026-05-20T02:30:00Z", &p.assigned_at), 0);
    p.replies_from = p.assigned_at;
    assert_false(pt_proposal_replies_from_fits(&p, &err));
    assert_non_null(
        strstr(err.message, "replies_from: only an assignment that came after a reply"));
    pt_error_clear(&err);

    p.replies = calloc(1, sizeof(*p.replies));
    assert_non_null(p.replies);
    p.n_replies = 1;
    p.replies[0].replied_at = p.assigned_at - 86400000;
    assert_true(pt_proposal_replies_from_fits(&p, &err));
    /* The reply was dated after the assignment's clock: just after it. */
    p.replies[0].replied_at = p.assigned_at + 5000;
    p.replies_from = p.replies[0].replied_at + 1;
    assert_true(pt_proposal_replies_from_fits(&p, &err));
    p.replies_from++;
    assert_false(pt_proposal_replies_from_fits(&p, &err));
    pt_error_clear(&err);
    assert_int_equal(pt_time_parse("2099-01-01T00:00:00Z", &p.replies_from), 0);
    assert_false(pt_proposal_replies_from_fits(&p, &err));
    assert_non_null(strstr(err.message, "replies_from: later than the record's assigned_at"));
    pt_error_clear(&err);
    pt_proposal_free(&p);
}

/* The text encoder writes exactly what cJSON prints for the tree encoder,
 * for a proposal with every field set (Chinese, quotes, control characters),
 * for an empty one, and for one whose id, version and merge target are past
 * 10^15 (where cJSON would print a number with 15 digits), with and without
 * "overdue". */
static void to_text_matches_the_tree_encoder(void **state)
{
    (void)state;
    pt_proposal_t p, empty;
    pt_proposal_init(&p);
    pt_proposal_init(&empty);
    fill_everything(&p);
    free(p.background);
    p.background = xs("引号\"和反斜杠\\，换行\n制表\t响铃\a结束");
    pt_proposal_t big;
    pt_proposal_init(&big);
    big.title = xs("关于编号很大的建议");
    big.id = 9007199254740992LL; /* 2^53, the largest id */
    big.version = 1000000000000001LL;
    big.merged_into = 7999899999999999LL; /* once printed as 7.9999e+15 */
    const pt_proposal_t *cases[] = {&p, &empty, &big};
    for (size_t i = 0; i < 3; i++) {
        for (int with = 0; with < 2; with++) {
            cJSON *tree = pt_proposal_to_json(cases[i], true, INT64_MAX);
            if (!with)
                cJSON_DeleteItemFromObjectCaseSensitive(tree, "overdue");
            char *want = cJSON_PrintUnformatted(tree);
            size_t len = 0;
            char *got = pt_proposal_to_text(cases[i], with, true, INT64_MAX, &len);
            assert_non_null(got);
            assert_string_equal(got, want);
            assert_int_equal(len, strlen(want));
            free(got);
            free(want);
            cJSON_Delete(tree);
        }
    }
    char *text = pt_proposal_to_text(&big, false, true, 0, NULL);
    assert_non_null(strstr(text, "\"id\":9007199254740992,"));
    assert_non_null(strstr(text, "\"merged_into\":7999899999999999,"));
    assert_non_null(strstr(text, "\"version\":1000000000000001,"));
    free(text);
    pt_proposal_free(&big);
    pt_proposal_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_field_survives_the_store_round_trip),
        cmocka_unit_test(to_text_matches_the_tree_encoder),
        cmocka_unit_test(an_empty_proposal_round_trips_with_nulls_and_empty_arrays),
        cmocka_unit_test(to_json_writes_the_fields_of_product_md_in_order),
        cmocka_unit_test(overdue_is_computed_from_the_clock_and_now),
        cmocka_unit_test(create_accepts_the_client_fields),
        cmocka_unit_test(create_leaves_an_absent_kind_unset),
        cmocka_unit_test(a_clients_number_and_session_are_kept_as_one_spelling),
        cmocka_unit_test(a_clients_names_are_kept_without_the_spaces_around_them),
        cmocka_unit_test(a_padded_persons_name_is_one_person),
        cmocka_unit_test(a_persons_name_is_kept_as_one_however_typed),
        cmocka_unit_test(a_units_name_is_kept_as_one_however_pasted),
        cmocka_unit_test(a_tag_is_kept_as_one_however_pasted),
        cmocka_unit_test(a_delegation_and_category_are_kept_as_one_however_pasted),
        cmocka_unit_test(titles_and_names_are_kept_on_one_line),
        cmocka_unit_test(a_missing_title_is_required),
        cmocka_unit_test(a_blank_title_is_refused),
        cmocka_unit_test(names_of_unicode_spaces_are_none),
        cmocka_unit_test(the_title_limit_counts_characters_not_bytes),
        cmocka_unit_test(enums_name_their_values),
        cmocka_unit_test(string_arrays_report_the_bad_element),
        cmocka_unit_test(server_fields_cannot_be_set_by_a_client),
        cmocka_unit_test(unknown_fields_are_named),
        cmocka_unit_test(every_problem_is_reported_at_once),
        cmocka_unit_test(categories_follow_the_configured_list),
        cmocka_unit_test(custom_must_map_strings_to_strings),
        cmocka_unit_test(lists_and_custom_are_bounded),
        cmocka_unit_test(strings_must_be_valid_utf8_even_from_cjson),
        cmocka_unit_test(stored_mode_checks_nested_objects_and_times),
        cmocka_unit_test(the_body_must_be_an_object),
        cmocka_unit_test(patch_changes_fields_and_reports_from_and_to),
        cmocka_unit_test(a_refused_patch_leaves_the_proposal_untouched),
        cmocka_unit_test(patch_names_why_a_field_is_not_editable),
        cmocka_unit_test(an_empty_patch_changes_nothing),
        cmocka_unit_test(copy_is_deep),
        cmocka_unit_test(the_heap_estimate_counts_every_string),
        cmocka_unit_test(units_are_found_by_name),
        cmocka_unit_test(a_reply_counts_unless_an_assignment_came_after_it),
        cmocka_unit_test(an_imported_replies_from_follows_a_reply),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
