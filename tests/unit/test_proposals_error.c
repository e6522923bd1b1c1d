/*
 * test_proposals_error.c - the error codes, their API strings and statuses,
 * and the helpers that build validation details.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "json-strict.h"

static void codes_map_to_the_api_strings_and_statuses(void **state)
{
    static const struct {
        int code;
        const char *name;
        int status;
    } want[] = {
        {PT_EINVALID_JSON, "invalid_json", 400},
        {PT_EVALIDATION, "validation_failed", 422},
        {PT_ENOTFOUND, "not_found", 404},
        {PT_ETRANSITION, "invalid_transition", 409},
        {PT_EVERSION, "version_conflict", 412},
        {PT_EUNAUTHORIZED, "unauthorized", 401},
        {PT_EFORBIDDEN, "forbidden", 403},
        {PT_ETOOLARGE, "payload_too_large", 413},
        {PT_EMEDIA, "unsupported_media_type", 415},
        {PT_EIDEMPOTENCY, "idempotency_conflict", 422},
        {PT_ESTORAGE, "storage_error", 503},
        {PT_EBADREQUEST, "bad_request", 400},
        {PT_EHEADERS, "headers_too_large", 431},
        {PT_EMETHOD, "method_not_allowed", 405},
        {PT_ECONFLICT, "conflict", 409},
        {PT_ENOMEM, "storage_error", 503},
        {PT_EINTERNAL, "internal_error", 500},
        {PT_ECONFIG, "config_error", 500},
        {PT_ESHUTDOWN, "shutting_down", 503},
        {PT_EPLUGIN, "plugin_error", 500},
    };

    (void)state;
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        assert_string_equal(pt_strerror(want[i].code), want[i].name);
        assert_int_equal(pt_error_http_status(want[i].code), want[i].status);
    }
}

static void unknown_codes_are_internal_errors(void **state)
{
    (void)state;
    assert_string_equal(pt_strerror(-999), "internal_error");
    assert_int_equal(pt_error_http_status(-999), 500);
    assert_string_equal(pt_strerror(5), "internal_error");
}

static void set_formats_the_message_and_keeps_details(void **state)
{
    pt_error_t err = {0};

    (void)state;
    err.details = cJSON_CreateObject();
    cJSON_AddNumberToObject(err.details, "current_version", 7);
    assert_int_equal(pt_error_set(&err, PT_EVERSION, "version %d is old", 6), PT_EVERSION);
    assert_int_equal(err.code, PT_EVERSION);
    assert_string_equal(err.message, "version 6 is old");
    assert_non_null(cJSON_GetObjectItem(err.details, "current_version"));
    pt_error_clear(&err);
    assert_int_equal(err.code, PT_OK);
    assert_null(err.details);
    assert_string_equal(err.message, "");
}

static void add_field_collects_fields_and_makes_a_validation_error(void **state)
{
    pt_error_t err = {0};
    cJSON *fields;

    (void)state;
    pt_error_add_field(&err, "title", "required");
    pt_error_add_field(&err, "kind", "must be one of %s", "suggestion, motion");
    assert_int_equal(err.code, PT_EVALIDATION);
    assert_string_equal(err.message, "title: required");
    fields = cJSON_GetObjectItem(err.details, "fields");
    assert_int_equal(cJSON_GetArraySize(fields), 2);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 1), "field")->valuestring,
                        "kind");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetArrayItem(fields, 1), "message")->valuestring,
                        "must be one of suggestion, motion");
    pt_error_clear(&err);
}

static void to_json_merges_details_after_code_and_message(void **state)
{
    pt_error_t err = {0};
    cJSON *j, *e;

    (void)state;
    pt_error_set(&err, PT_ETRANSITION, "not allowed");
    err.details = cJSON_CreateObject();
    cJSON_AddStringToObject(err.details, "state", "assigned");
    cJSON_AddStringToObject(err.details, "code", "must not override");
    j = pt_error_to_json(&err);
    e = cJSON_GetObjectItem(j, "error");
    assert_string_equal(cJSON_GetObjectItem(e, "code")->valuestring, "invalid_transition");
    assert_string_equal(cJSON_GetObjectItem(e, "message")->valuestring, "not allowed");
    assert_string_equal(cJSON_GetObjectItem(e, "state")->valuestring, "assigned");
    assert_int_equal(cJSON_GetArraySize(e), 3);
    cJSON_Delete(j);
    pt_error_clear(&err);
}

static void move_hands_over_details_and_clears_the_source(void **state)
{
    pt_error_t a = {0}, b = {0};

    (void)state;
    pt_error_add_field(&a, "title", "required");
    pt_error_set(&b, PT_ENOTFOUND, "old");
    pt_error_move(&b, &a);
    assert_int_equal(b.code, PT_EVALIDATION);
    assert_non_null(b.details);
    assert_int_equal(a.code, PT_OK);
    assert_null(a.details);
    pt_error_clear(&b);
}

static void a_truncated_chinese_message_stays_valid_utf8(void **state)
{
    pt_error_t err = {0};
    char big[2000];
    size_t len;

    (void)state;
    big[0] = '\0';
    /* 400 three-byte characters: far more than the 512-byte message holds,
     * and 511 is not a multiple of 3, so the cut falls inside a character. */
    for (int i = 0; i < 400; i++)
        strcat(big, "办");
    pt_error_set(&err, PT_EVALIDATION, "%s", big);
    len = strlen(err.message);
    assert_true(len <= 511);
    assert_int_equal(len % 3, 0);
    assert_memory_equal(err.message + len - 3, "办", 3);
    pt_error_clear(&err);
}

/* Whether s ends with suffix. */
static bool ends_with(const char *s, const char *suffix)
{
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static void a_long_value_is_cut_and_the_reason_kept(void **state)
{
    pt_error_t err = {0};
    static char path[4200];

    (void)state;
    /* A path of some 4000 bytes, as a client may send one. */
    strcpy(path, "/tmp/");
    for (int i = 0; i < 1330; i++)
        strcat(path, "建");
    strcat(path, "/x.so");
    pt_error_set(&err, PT_EVALIDATION, "plugin file %s does not exist (errno %d, %zu bytes)", path,
                 2, strlen(path));
    size_t len = strlen(err.message);
    assert_true(len <= 511);
    assert_true(len > 400); /* what is cut is only what is too much */
    assert_true(pt_utf8_valid(err.message, len));
    assert_true(strncmp(err.message, "plugin file /tmp/建", strlen("plugin file /tmp/建")) == 0);
    assert_true(ends_with(err.message, "建/x.so does not exist (errno 2, 4000 bytes)"));
    assert_non_null(strstr(err.message, "建…建"));

    /* A message in a message: the outer one cuts the inner one's middle
     * (its path), not its reason at the end. */
    char inner[512];
    strcpy(inner, err.message);
    pt_error_set(&err, PT_EVALIDATION, "cannot load plugin instance %s: %s", "x", inner);
    len = strlen(err.message);
    assert_true(len <= 511);
    assert_true(pt_utf8_valid(err.message, len));
    assert_true(strncmp(err.message, "cannot load plugin instance x: plugin file /tmp/",
                        strlen("cannot load plugin instance x: plugin file /tmp/")) == 0);
    assert_true(ends_with(err.message, "/x.so does not exist (errno 2, 4000 bytes)"));

    /* A field's message is fitted the same way. */
    pt_error_clear(&err);
    pt_error_add_field(&err, "path", "%s is not a plugin file: %.*s", path, 6, "reason and more");
    cJSON *j = pt_error_to_json(&err);
    cJSON *f =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "fields"), 0);
    const char *m = cJSON_GetObjectItem(f, "message")->valuestring;
    assert_true(strlen(m) <= 511);
    assert_true(ends_with(m, "/x.so is not a plugin file: reason"));
    cJSON_Delete(j);

    /* A short message is as vsnprintf makes it, "%%" and all. */
    pt_error_set(&err, PT_EVALIDATION, "%s is 100%% %-4d|%5.1f|%c|%lld|%x", "建", 7, 2.25, 'z',
                 -5LL, 255u);
    assert_string_equal(err.message, "建 is 100% 7   |  2.2|z|-5|ff");
    pt_error_clear(&err);
}

static void raw_bytes_from_a_client_become_valid_utf8(void **state)
{
    pt_error_t err = {0};

    (void)state;
    /* \xff, an overlong '/', a cut 中: each bad byte becomes '?'. */
    pt_error_set(&err, PT_EBADREQUEST, "status: \"%s\" is not a state", "\xff\xc0\xaf中\xe4\xb8");
    assert_string_equal(err.message, "status: \"???中??\" is not a state");
    pt_error_clear(&err);
    pt_error_add_field(&err, "\xfe名", "bad \xed\xa0\x80");
    cJSON *j = pt_error_to_json(&err);
    cJSON *f =
        cJSON_GetArrayItem(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "fields"), 0);
    assert_string_equal(cJSON_GetObjectItem(f, "field")->valuestring, "?名");
    assert_string_equal(cJSON_GetObjectItem(f, "message")->valuestring, "bad ???");
    cJSON_Delete(j);
    /* Details a caller added are scrubbed in the answer too. */
    cJSON_AddStringToObject(err.details, "line", "第3行 \x80");
    j = pt_error_to_json(&err);
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "error"), "line")->valuestring,
                        "第3行 ?");
    cJSON_Delete(j);
    pt_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(codes_map_to_the_api_strings_and_statuses),
        cmocka_unit_test(unknown_codes_are_internal_errors),
        cmocka_unit_test(set_formats_the_message_and_keeps_details),
        cmocka_unit_test(add_field_collects_fields_and_makes_a_validation_error),
        cmocka_unit_test(to_json_merges_details_after_code_and_message),
        cmocka_unit_test(move_hands_over_details_and_clears_the_source),
        cmocka_unit_test(a_truncated_chinese_message_stays_valid_utf8),
        cmocka_unit_test(raw_bytes_from_a_client_become_valid_utf8),
        cmocka_unit_test(a_long_value_is_cut_and_the_reason_kept),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
