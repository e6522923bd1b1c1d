/*
 * test_plugin_record.c - records (plugin-record.c) as plugins see them
 * through the host table: reading by path, text of numbers and booleans,
 * printed JSON, building with set/set_json/append, Chinese keys and values,
 * and borrowed text that stays valid until the record changes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "plugins.h"

static const ptrack_host_t *h = &pt_plugin_host;

static ptrack_record_t *parse(const char *json)
{
    ptrack_record_t *r = pt_record_parse(json, strlen(json));
    assert_non_null(r);
    return r;
}

static void get_reads_strings_numbers_and_booleans_by_path(void **s)
{
    (void)s;
    ptrack_record_t *r =
        parse("{\"title\":\"关于加强农村养老服务的建议\",\"id\":12,"
              "\"ratio\":0.25,\"big\":1e21,\"neg\":-7,\"key_supervision\":true,"
              "\"off\":false,\"none\":null,\"units\":[{\"name\":\"民政厅\"},"
              "{\"name\":\"财政厅\"}],\"custom\":{\"联系人\":\"王秘书\",\"2024\":\"x\"}}");
    assert_string_equal(h->rec_get(r, "title"), "关于加强农村养老服务的建议");
    assert_string_equal(h->rec_get(r, "id"), "12");
    assert_string_equal(h->rec_get(r, "ratio"), "0.25");
    assert_string_equal(h->rec_get(r, "big"), "1e+21");
    assert_string_equal(h->rec_get(r, "neg"), "-7");
    assert_string_equal(h->rec_get(r, "key_supervision"), "true");
    assert_string_equal(h->rec_get(r, "off"), "false");
    assert_string_equal(h->rec_get(r, "units.1.name"), "财政厅");
    assert_string_equal(h->rec_get(r, "custom.联系人"), "王秘书");
    /* A digit segment in an object is an ordinary key. */
    assert_string_equal(h->rec_get(r, "custom.2024"), "x");
    assert_null(h->rec_get(r, "none"));
    assert_null(h->rec_get(r, "missing"));
    assert_null(h->rec_get(r, "units"));
    assert_null(h->rec_get(r, "custom"));
    assert_null(h->rec_get(r, "units.2.name"));
    assert_null(h->rec_get(r, "units.01.name"));
    assert_null(h->rec_get(r, "title.x"));
    assert_null(h->rec_get(r, ""));
    assert_null(h->rec_get(r, "units..name"));
    assert_null(h->rec_get(r, "title."));
    h->rec_free(r);
}

static void borrowed_text_stays_until_the_record_changes(void **s)
{
    (void)s;
    ptrack_record_t *r = parse("{\"a\":1,\"b\":2.5}");
    const char *a = h->rec_get(r, "a");
    const char *b = h->rec_get(r, "b");
    /* Asking again gives the same text, not a new copy each time. */
    assert_ptr_equal(h->rec_get(r, "a"), a);
    assert_string_equal(a, "1");
    assert_string_equal(b, "2.5");
    for (int i = 0; i < 1000; i++)
        assert_ptr_equal(h->rec_get(r, "b"), b);
    assert_int_equal(h->rec_set(r, "a", "一"), PTRACK_OK);
    assert_string_equal(h->rec_get(r, "a"), "一");
    assert_string_equal(h->rec_get(r, "b"), "2.5");
    h->rec_free(r);
}

static void count_counts_arrays_and_objects(void **s)
{
    (void)s;
    ptrack_record_t *r =
        parse("{\"tags\":[\"a\",\"b\",\"c\"],\"o\":{\"x\":1,\"y\":2},\"s\":\"t\"}");
    assert_int_equal(h->rec_count(r, "tags"), 3);
    assert_int_equal(h->rec_count(r, "o"), 2);
    assert_int_equal(h->rec_count(r, ""), 3);
    assert_int_equal(h->rec_count(r, "s"), 0);
    assert_int_equal(h->rec_count(r, "nothing"), 0);
    h->rec_free(r);
}

static void json_prints_values_and_the_whole_record(void **s)
{
    (void)s;
    ptrack_record_t *r = parse("{\"units\":[{\"name\":\"民政厅\",\"role\":\"lead\"}],\"n\":3}");
    size_t len = 0;
    const char *t = h->rec_json(r, "units", &len);
    assert_string_equal(t, "[{\"name\":\"民政厅\",\"role\":\"lead\"}]");
    assert_int_equal(len, strlen(t));
    assert_ptr_equal(h->rec_json(r, "units", NULL), t);
    assert_string_equal(h->rec_json(r, "n", NULL), "3");
    assert_string_equal(h->rec_json(r, "units.0.name", NULL), "\"民政厅\"");
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"units\":[{\"name\":\"民政厅\",\"role\":\"lead\"}],\"n\":3}");
    assert_null(h->rec_json(r, "nope", NULL));
    h->rec_free(r);
}

/* plugins.md: a notifier builds its receiver's message as a record and
 * sends rec_json(msg, ""), which escapes what snprintf would not. */
static void a_built_record_prints_as_an_escaped_message_body(void **s)
{
    (void)s;
    ptrack_record_t *msg = h->rec_new();
    assert_non_null(msg);
    assert_int_equal(h->rec_set(msg, "msgtype", "text"), PTRACK_OK);
    assert_int_equal(h->rec_set(msg, "text.content", "关于\"引号\"和\\反斜杠\n的建议"), PTRACK_OK);
    assert_int_equal(h->rec_append(msg, "text.mentioned_list", "zhangsan"), PTRACK_OK);
    assert_int_equal(h->rec_set_json(msg, "safe", "0"), PTRACK_OK);
    size_t len = 0;
    const char *body = h->rec_json(msg, "", &len);
    assert_string_equal(body, "{\"msgtype\":\"text\",\"text\":{\"content\":\"关于\\\"引号\\\"和\\\\"
                              "反斜杠\\n的建议\",\"mentioned_list\":[\"zhangsan\"]},\"safe\":0}");
    assert_int_equal(len, strlen(body));
    h->rec_free(msg);
}

static void set_creates_objects_and_arrays_on_the_way(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_non_null(r);
    assert_int_equal(h->rec_set(r, "title", "关于“双减”的建议"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "custom.联系人", "张三"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "units.0.name", "教育厅"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "units.0.role", "lead"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "units.1.name", "财政厅"), PTRACK_OK);
    /* Two past the end is not an append. */
    assert_int_equal(h->rec_set(r, "units.3.name", "x"), PTRACK_EINVAL);
    /* Replacing keeps one member. */
    assert_int_equal(h->rec_set(r, "title", "新标题"), PTRACK_OK);
    /* A string stands where the path goes on: refused, not overwritten. */
    assert_int_equal(h->rec_set(r, "title.sub", "x"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "", "x"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "a..b", "x"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "x", NULL), PTRACK_EINVAL);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"title\":\"新标题\",\"custom\":{\"联系人\":\"张三\"},\"units\":"
                        "[{\"name\":\"教育厅\",\"role\":\"lead\"},{\"name\":\"财政厅\"}]}");
    h->rec_free(r);
}

/* A segment that reads as a number but is no index is no key to make:
 * "units.-1" on a record without units was once an object {"-1": ...}. A
 * refused set leaves nothing behind, not even the containers on its way. */
static void a_number_that_is_no_index_is_refused_and_changes_nothing(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_non_null(r);
    assert_int_equal(h->rec_set(r, "units.-1", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.99999999999999999999", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.+1", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.01", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "a.b.c.-1", "v"), PTRACK_EINVAL);
    /* A new array is empty: only index 0 can be set in it. */
    assert_int_equal(h->rec_set(r, "tags.2", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.0.name.-1", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "units.-1", "{}"), PTRACK_EINVAL);
    assert_int_equal(h->rec_append(r, "units.-1", "v"), PTRACK_EINVAL);
    assert_string_equal(h->rec_json(r, "", NULL), "{}");

    /* An existing array takes indexes only, up to one past its end. */
    assert_int_equal(h->rec_set(r, "units.0.name", "教育厅"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "units.-1", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.99999999999999999999", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "units.1.name.x", "v"), PTRACK_OK);
    /* In an object that exists, such a segment is an ordinary key. */
    assert_int_equal(h->rec_set(r, "custom.联系人", "张三"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "custom.-1", "负一"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"units\":[{\"name\":\"教育厅\"},{\"name\":{\"x\":\"v\"}}],"
                        "\"custom\":{\"联系人\":\"张三\",\"-1\":\"负一\"}}");
    h->rec_free(r);
}

/* A key with a '.' in it (an OA's column 备注.1, a version v1.2) is named
 * with a backslash before the dot, and a backslash in a key with another;
 * the same path reads back what it wrote. */
static void a_backslash_names_a_dot_or_a_backslash_inside_a_key(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_non_null(r);
    assert_int_equal(h->rec_set(r, "custom.备注\\.1", "见附件"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "custom.v1\\.2", "x"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "custom.a\\\\b", "y"), PTRACK_OK);
    /* A key that ends with a backslash, then a dot that splits. */
    assert_int_equal(h->rec_set(r, "custom.末尾\\\\", "z"), PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "obj.末尾\\\\.n", "1"), PTRACK_OK);
    /* A backslash before anything else is itself, as it always was. */
    assert_int_equal(h->rec_set(r, "custom.C:\\temp", "w"), PTRACK_OK);
    assert_int_equal(h->rec_append(r, "list\\.of", "t"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"custom\":{\"备注.1\":\"见附件\",\"v1.2\":\"x\",\"a\\\\b\":\"y\","
                        "\"末尾\\\\\":\"z\",\"C:\\\\temp\":\"w\"},\"obj\":{\"末尾\\\\\":{\"n\":1}},"
                        "\"list.of\":[\"t\"]}");
    assert_string_equal(h->rec_get(r, "custom.备注\\.1"), "见附件");
    assert_string_equal(h->rec_get(r, "custom.a\\\\b"), "y");
    assert_string_equal(h->rec_get(r, "custom.末尾\\\\"), "z");
    assert_string_equal(h->rec_get(r, "custom.C:\\temp"), "w");
    assert_string_equal(h->rec_json(r, "custom.v1\\.2", NULL), "\"x\"");
    assert_string_equal(h->rec_get(r, "obj.末尾\\\\.n"), "1");
    assert_int_equal(h->rec_count(r, "list\\.of"), 1);
    /* Without its backslash the dot splits, as before. */
    assert_null(h->rec_get(r, "custom.备注.1"));
    assert_null(h->rec_get(r, "list.of"));
    /* An escaped dot is no separator, and no empty segment either. */
    assert_int_equal(h->rec_set(r, "\\.", "dot"), PTRACK_OK);
    assert_string_equal(h->rec_get(r, "\\."), "dot");
    assert_int_equal(h->rec_set(r, "a.\\", "v"), PTRACK_OK);
    assert_string_equal(h->rec_get(r, "a.\\"), "v");
    h->rec_free(r);

    /* A record read from JSON: both keys, each by its own path. */
    r = parse("{\"custom\":{\"备注.1\":\"a\",\"备注\":\"b\"},"
              "\"units\":[{\"name\":\"民政厅\"}],\"x\":{\"y.z\":{\"0\":\"c\"}}}");
    assert_string_equal(h->rec_get(r, "custom.备注\\.1"), "a");
    assert_string_equal(h->rec_get(r, "custom.备注"), "b");
    assert_string_equal(h->rec_get(r, "x.y\\.z.0"), "c");
    assert_null(h->rec_get(r, "x.y.z.0"));
    /* An escaped dot does not make "0.name" an index. */
    assert_null(h->rec_get(r, "units.0\\.name"));
    assert_string_equal(h->rec_get(r, "units.0.name"), "民政厅");
    h->rec_free(r);
}

/* A container that a set makes on its way has the kind the proposal gives
 * the field (docs/api.md, The proposal): custom.2024 on a record without custom makes
 * the object {"2024": ...}, as the same path reads in a record that has
 * custom, and not the array ["x"] that the digits alone would make. */
static void a_made_field_of_the_proposal_takes_its_own_kind(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_non_null(r);
    assert_int_equal(h->rec_set(r, "custom.2024", "届次"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "source.0", "y"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"custom\":{\"2024\":\"届次\"},\"source\":{\"0\":\"y\"}}");
    assert_string_equal(h->rec_get(r, "custom.2024"), "届次");
    h->rec_free(r);

    /* In custom any segment is a key, as it is in an object that exists. */
    r = h->rec_new();
    assert_int_equal(h->rec_set(r, "custom.-1", "负一"), PTRACK_OK);
    h->rec_free(r);
    r = h->rec_new();
    assert_int_equal(h->rec_set_json(r, "custom.01", "\"零一\""), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL), "{\"custom\":{\"01\":\"零一\"}}");
    h->rec_free(r);

    /* The proposal's arrays are made arrays, as before, and take indexes
     * only. */
    r = h->rec_new();
    assert_int_equal(h->rec_set(r, "units.0.name", "教育厅"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "recommendations.0", "一是"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "co_signers.0", "李四"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "replies.0.unit", "教育厅"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "feedback.0.person", "张三"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "tags.x", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "tags.1", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "tags.0", "农业"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"units\":[{\"name\":\"教育厅\"}],\"recommendations\":[\"一是\"],"
                        "\"co_signers\":[\"李四\"],\"replies\":[{\"unit\":\"教育厅\"}],"
                        "\"feedback\":[{\"person\":\"张三\"}],\"tags\":[\"农业\"]}");
    h->rec_free(r);

    /* An event holds the proposal under "proposal": its fields there have
     * the same kinds, as the event ptrackd sends reads. */
    r = h->rec_new();
    assert_int_equal(h->rec_set(r, "proposal.custom.2024", "x"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "proposal.tags.x", "v"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set(r, "proposal.units.0.name", "民政厅"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL), "{\"proposal\":{\"custom\":{\"2024\":\"x\"},"
                                                  "\"units\":[{\"name\":\"民政厅\"}]}}");
    h->rec_free(r);
    r = parse("{\"seq\":1,\"proposal\":{\"custom\":{\"2024\":\"x\"},\"tags\":[\"t\"]}}");
    assert_string_equal(h->rec_get(r, "proposal.custom.2024"), "x");
    assert_string_equal(h->rec_get(r, "proposal.tags.0"), "t");
    h->rec_free(r);

    /* Anywhere else the next segment decides, as it always did: a name
     * "custom" below the top is no field of the proposal. */
    r = h->rec_new();
    assert_int_equal(h->rec_set(r, "extra.0", "v"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "x.custom.0", "v"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "x.units.y", "v"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "y.-1", "v"), PTRACK_EINVAL);
    assert_string_equal(h->rec_json(r, "", NULL),
                        "{\"extra\":[\"v\"],\"x\":{\"custom\":[\"v\"],\"units\":{\"y\":\"v\"}}}");
    h->rec_free(r);
}

static void set_json_takes_strict_json_only(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_int_equal(h->rec_set_json(r, "units", "[{\"name\":\"民政厅\",\"role\":\"lead\"}]"),
                     PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "key_supervision", "true"), PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "n", "42"), PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "gone", "null"), PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "units.0.role", "\"co\""), PTRACK_OK);
    /* Not JSON, or JSON that cJSON alone would accept. */
    assert_int_equal(h->rec_set_json(r, "bad", "{"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "bad", "01"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "bad", "[1,]"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "bad", "\"\xff\""), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "bad", "1 2"), PTRACK_EINVAL);
    assert_null(h->rec_get(r, "bad"));
    assert_string_equal(h->rec_get(r, "n"), "42");
    assert_string_equal(h->rec_get(r, "key_supervision"), "true");
    assert_null(h->rec_get(r, "gone"));
    assert_string_equal(h->rec_get(r, "units.0.role"), "co");
    /* The whole record may be replaced, by an object only. */
    assert_int_equal(h->rec_set_json(r, "", "[1]"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, "", "{\"title\":\"标题\"}"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "", NULL), "{\"title\":\"标题\"}");
    h->rec_free(r);
}

/* A record holds at most 64 levels of objects and arrays, the record
 * counted, as a request's JSON does: a path of 100,000 segments made a
 * record whose writing out (rec_json, the store) overran the job thread's
 * stack and ended ptrackd. Deeper is PTRACK_EINVAL and changes nothing. */
static void a_record_is_at_most_64_levels_deep(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    /* custom, then a.a.a...: the record, custom and 62 objects are 64
     * levels, the string in the last of them. */
    char path[2 * 100000 + 16] = "custom";
    size_t n = strlen(path);
    for (int i = 0; i < 63; i++) {
        memcpy(path + n, ".a", 3);
        n += 2;
    }
    assert_int_equal(h->rec_set(r, path, "v"), PTRACK_OK);
    assert_string_equal(h->rec_get(r, path), "v");
    memcpy(path + n, ".b", 3);
    assert_int_equal(h->rec_set(r, path, "deeper"), PTRACK_EINVAL);
    assert_int_equal(h->rec_set_json(r, path, "\"deeper\""), PTRACK_EINVAL);
    /* A value of JSON adds its own levels, and so does the array that
     * append makes. */
    path[n - 1] = 'c';
    path[n] = '\0';
    assert_int_equal(h->rec_set_json(r, path, "[\"x\"]"), PTRACK_EINVAL);
    assert_int_equal(h->rec_append(r, path, "x"), PTRACK_EINVAL);
    assert_null(h->rec_get(r, path));
    assert_int_equal(h->rec_set_json(r, path, "\"x\""), PTRACK_OK);
    assert_int_equal(h->rec_set_json(r, "custom.b", "[[[1]]]"), PTRACK_OK);
    path[n - 1] = 'a';
    assert_string_equal(h->rec_get(r, path), "v");
    /* The path that ended ptrackd. */
    for (int i = 0; i < 100000 - 64; i++) {
        memcpy(path + n, ".a", 3);
        n += 2;
    }
    assert_int_equal(h->rec_set(r, path, "v"), PTRACK_EINVAL);
    size_t len = 0;
    assert_non_null(h->rec_json(r, NULL, &len));
    h->rec_free(r);
}

static void append_makes_and_grows_arrays(void **s)
{
    (void)s;
    ptrack_record_t *r = h->rec_new();
    assert_int_equal(h->rec_append(r, "co_signers", "李四"), PTRACK_OK);
    assert_int_equal(h->rec_append(r, "co_signers", "王五"), PTRACK_OK);
    assert_int_equal(h->rec_append(r, "deep.list", "x"), PTRACK_OK);
    assert_int_equal(h->rec_count(r, "co_signers"), 2);
    assert_string_equal(h->rec_get(r, "co_signers.1"), "王五");
    assert_string_equal(h->rec_get(r, "deep.list.0"), "x");
    assert_int_equal(h->rec_set(r, "title", "t"), PTRACK_OK);
    assert_int_equal(h->rec_append(r, "title", "x"), PTRACK_EINVAL);
    assert_int_equal(h->rec_append(r, "", "x"), PTRACK_EINVAL);
    /* Array elements by index, including an append one past the end. */
    assert_int_equal(h->rec_set(r, "co_signers.2", "赵六"), PTRACK_OK);
    assert_int_equal(h->rec_set(r, "co_signers.0", "李四四"), PTRACK_OK);
    assert_string_equal(h->rec_json(r, "co_signers", NULL), "[\"李四四\",\"王五\",\"赵六\"]");
    h->rec_free(r);
}

static void host_side_wrap_parse_and_release(void **s)
{
    (void)s;
    assert_null(pt_record_parse("[1]", 3));
    assert_null(pt_record_parse("{", 1));
    assert_null(pt_record_wrap(cJSON_CreateString("x")));
    assert_null(pt_record_wrap(NULL));
    ptrack_record_t *r = pt_record_wrap(cJSON_Parse("{\"a\":\"b\"}"));
    assert_non_null(r);
    assert_string_equal(h->rec_get(r, "a"), "b");
    cJSON *j = pt_record_json(r);
    cJSON_AddNumberToObject(j, "n", 5);
    assert_string_equal(h->rec_get(r, "n"), "5");
    cJSON *out = pt_record_release(r);
    assert_true(cJSON_IsObject(out));
    assert_int_equal(cJSON_GetArraySize(out), 2);
    cJSON_Delete(out);
    h->rec_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(get_reads_strings_numbers_and_booleans_by_path),
        cmocka_unit_test(borrowed_text_stays_until_the_record_changes),
        cmocka_unit_test(count_counts_arrays_and_objects),
        cmocka_unit_test(json_prints_values_and_the_whole_record),
        cmocka_unit_test(a_built_record_prints_as_an_escaped_message_body),
        cmocka_unit_test(set_creates_objects_and_arrays_on_the_way),
        cmocka_unit_test(a_number_that_is_no_index_is_refused_and_changes_nothing),
        cmocka_unit_test(a_backslash_names_a_dot_or_a_backslash_inside_a_key),
        cmocka_unit_test(a_made_field_of_the_proposal_takes_its_own_kind),
        cmocka_unit_test(set_json_takes_strict_json_only),
        cmocka_unit_test(a_record_is_at_most_64_levels_deep),
        cmocka_unit_test(append_makes_and_grows_arrays),
        cmocka_unit_test(host_side_wrap_parse_and_release),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
