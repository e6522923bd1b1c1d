/*
 * test_proposals_workflow_load.c - the default workflow as docs/api.md
 * describes it, its JSON, and the loader's refusal of broken documents.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "workflow.h"

static void the_default_workflow_loads(void **state)
{
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};

    (void)state;
    if (pt_workflow_load_default(&wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    assert_string_equal(pt_workflow_name(wf), "default");
    assert_string_equal(pt_workflow_default_state(wf), "submitted");
    pt_workflow_free(wf);
}

static void the_default_states_have_the_flags_of_product_md(void **state)
{
    static const struct {
        const char *name, *zh;
        bool terminal, initial, clock;
    } want[] = {
        {"draft", "草稿", false, true, false},
        {"submitted", "已提出", false, true, false},
        {"reviewing", "审查中", false, false, false},
        {"filed", "已立案", false, false, false},
        {"not_filed", "不予立案", true, false, false},
        {"merged", "并案", true, false, false},
        {"converted", "转为意见建议", true, false, false},
        {"assigned", "已交办", false, false, true},
        {"returned", "退回", false, false, false}, /* waits for the office */
        {"handling", "办理中", false, false, true},
        {"replied", "已答复", false, false, false},
        {"rehandling", "重新办理", false, false, true},
        {"closed", "办结", true, false, false},
        {"withdrawn", "撤回", true, false, false},
    };
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *j, *states;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    j = pt_workflow_to_json(wf);
    states = cJSON_GetObjectItem(j, "states");
    assert_int_equal(cJSON_GetArraySize(states), 14);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cJSON *s = cJSON_GetArrayItem(states, (int)i);

        assert_string_equal(cJSON_GetObjectItem(s, "name")->valuestring, want[i].name);
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "label"), "zh")->valuestring,
                            want[i].zh);
        assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(s, "label"), "en")->valuestring);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(s, "terminal")), want[i].terminal);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(s, "initial")), want[i].initial);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(s, "clock")), want[i].clock);
        assert_int_equal(cJSON_IsTrue(cJSON_GetObjectItem(s, "default")),
                         strcmp(want[i].name, "submitted") == 0);
        assert_int_equal(pt_workflow_is_terminal(wf, want[i].name), want[i].terminal);
        assert_int_equal(pt_workflow_is_initial(wf, want[i].name), want[i].initial);
        assert_int_equal(pt_workflow_clock_runs(wf, want[i].name), want[i].clock);
        assert_true(pt_workflow_has_state(wf, want[i].name));
    }
    assert_false(pt_workflow_has_state(wf, "handlng"));
    cJSON_Delete(j);
    pt_workflow_free(wf);
}

static void the_default_actions_have_their_labels_and_moves(void **state)
{
    static const struct {
        const char *name, *zh, *to;
    } want[] = {
        {"submit", "提交", "submitted"},
        {"review", "审查", "reviewing"},
        {"file", "立案", "filed"},
        {"reject", "不予立案", "not_filed"},
        {"merge", "并案", "merged"},
        {"convert", "转为意见建议", "converted"},
        {"assign", "交办", "assigned"},
        {"sign", "签收", "(status)"},
        {"return", "退回", "returned"},
        {"reassign", "重新交办", "assigned"},
        {"opinion", "协办意见", NULL},
        {"extend", "延期", NULL},
        {"reply", "答复", "replied"},
        {"feedback", "评价", "(map)"},
        {"close", "办结", "closed"},
        {"follow_up", "补充答复", NULL},
        {"reopen", "重新办理", "rehandling"},
        {"withdraw", "撤回", "withdrawn"},
        {"supervise", "督办", NULL},
    };
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *j, *actions;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    j = pt_workflow_to_json(wf);
    actions = cJSON_GetObjectItem(j, "actions");
    assert_int_equal(cJSON_GetArraySize(actions), 19);
    for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        cJSON *a = cJSON_GetArrayItem(actions, (int)i), *to = cJSON_GetObjectItem(a, "to");

        assert_string_equal(cJSON_GetObjectItem(a, "name")->valuestring, want[i].name);
        assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(a, "label"), "zh")->valuestring,
                            want[i].zh);
        assert_true(pt_workflow_has_action(wf, want[i].name));
        if (want[i].to == NULL)
            assert_true(cJSON_IsNull(to));
        else if (strcmp(want[i].to, "(map)") == 0)
            assert_true(cJSON_IsObject(cJSON_GetObjectItem(to, "map")));
        else if (strcmp(want[i].to, "(status)") == 0)
            assert_string_equal(
                cJSON_GetObjectItem(cJSON_GetObjectItem(to, "status"), "assigned")->valuestring,
                "handling");
        else
            assert_string_equal(to->valuestring, want[i].to);
        assert_true(cJSON_IsArray(cJSON_GetObjectItem(a, "fields")));
        assert_true(cJSON_IsArray(cJSON_GetObjectItem(a, "guards")));
    }
    cJSON_Delete(j);
    pt_workflow_free(wf);
}

static cJSON *action_json(cJSON *wfj, const char *name)
{
    cJSON *a;

    cJSON_ArrayForEach(a, cJSON_GetObjectItem(wfj, "actions"))
    {
        if (strcmp(cJSON_GetObjectItem(a, "name")->valuestring, name) == 0)
            return a;
    }
    fail_msg("no action %s", name);
    return NULL;
}

static void feedback_maps_satisfaction_to_a_state(void **state)
{
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *j, *to, *map;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    j = pt_workflow_to_json(wf);
    to = cJSON_GetObjectItem(action_json(j, "feedback"), "to");
    assert_string_equal(cJSON_GetObjectItem(to, "field")->valuestring, "satisfaction");
    map = cJSON_GetObjectItem(to, "map");
    assert_string_equal(cJSON_GetObjectItem(map, "satisfied")->valuestring, "closed");
    assert_string_equal(cJSON_GetObjectItem(map, "basically_satisfied")->valuestring, "closed");
    assert_string_equal(cJSON_GetObjectItem(map, "unsatisfied")->valuestring, "rehandling");
    cJSON_Delete(j);
    pt_workflow_free(wf);
}

static void supervise_from_star_is_expanded_to_the_non_terminal_states(void **state)
{
    static const char *const want[] = {"draft",    "submitted", "reviewing",
                                       "filed",    "assigned",  "returned",
                                       "handling", "replied",   "rehandling"};
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *j, *from;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    j = pt_workflow_to_json(wf);
    from = cJSON_GetObjectItem(action_json(j, "supervise"), "from");
    assert_int_equal(cJSON_GetArraySize(from), 9);
    for (int i = 0; i < 9; i++)
        assert_string_equal(cJSON_GetArrayItem(from, i)->valuestring, want[i]);
    cJSON_Delete(j);
    pt_workflow_free(wf);
}

static void action_fields_are_described(void **state)
{
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *j, *fields, *cat;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    j = pt_workflow_to_json(wf);
    fields = cJSON_GetObjectItem(action_json(j, "reply"), "fields");
    assert_int_equal(cJSON_GetArraySize(fields), 4);
    cat = cJSON_GetArrayItem(fields, 2);
    assert_string_equal(cJSON_GetObjectItem(cat, "name")->valuestring, "category");
    assert_string_equal(cJSON_GetObjectItem(cat, "type")->valuestring, "enum");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cat, "required")));
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(cat, "values")), 4);
    assert_string_equal(
        cJSON_GetArrayItem(cJSON_GetObjectItem(action_json(j, "return"), "guards"), 0)->valuestring,
        "return_window");
    cJSON_Delete(j);
    pt_workflow_free(wf);
}

/* A small valid workflow that each rejection test breaks in one place. */
#define STATE_NEW                                                                                  \
    "{\"name\": \"new\", \"label\": {\"zh\": \"新\", \"en\": \"New\"}, \"initial\": true}"
#define STATE_DONE                                                                                 \
    "{\"name\": \"done\", \"label\": {\"zh\": \"完\", \"en\": \"Done\"}, \"terminal\": true}"
#define LABEL "\"label\": {\"zh\": \"完成\", \"en\": \"Finish\"}"
#define DOC(states, actions)                                                                       \
    "{\"name\": \"mini\", \"states\": [" states "], \"actions\": [" actions "]}"
#define FINISH(extra)                                                                              \
    "{\"name\": \"finish\", " LABEL                                                                \
    ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"none\"" extra "}"

static void a_small_valid_workflow_loads(void **state)
{
    const char *doc = DOC(STATE_NEW "," STATE_DONE, FINISH(""));
    pt_workflow_t *wf;
    pt_error_t err = {0};

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    /* Without a "default", the first initial state is the default. */
    assert_string_equal(pt_workflow_default_state(wf), "new");
    pt_workflow_free(wf);
}

static void refused(const char *doc, const char *want)
{
    pt_workflow_t *wf = (pt_workflow_t *)1;
    pt_error_t err = {0};

    if (pt_workflow_load(doc, strlen(doc), &wf, &err) == PT_OK) {
        pt_workflow_free(wf);
        fail_msg("accepted: %s", doc);
    }
    assert_null(wf);
    assert_int_equal(err.code, PT_ECONFIG);
    if (strstr(err.message, want) == NULL)
        fail_msg("message \"%s\" lacks \"%s\"", err.message, want);
    pt_error_clear(&err);
}

static void an_action_to_an_unknown_state_is_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL ", \"from\": [\"new\"], \"to\": \"dne\"}"),
            "action \"finish\": unknown state \"dne\" in \"to\"");
}

static void an_action_from_an_unknown_state_is_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL ", \"from\": [\"nwe\"], \"to\": \"done\"}"),
            "action \"finish\": unknown state \"nwe\" in \"from\"");
}

static void an_unreachable_state_is_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE
                          ", {\"name\": \"limbo\", \"label\": {\"zh\": \"悬\", \"en\": \"Limbo\"}}",
                FINISH("")),
            "state \"limbo\": unreachable from any initial state");
}

static void only_a_reopen_leads_out_of_a_terminal_state(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH("") ", {\"name\": \"escape\", " LABEL
                           ", \"from\": [\"done\"], \"to\": \"new\", \"effect\": \"none\"}"),
            "action \"escape\": it leads out of the terminal state \"done\"");
    /* A reopen may, and an action that stays in it may act there. */
    const char *ok =
        DOC(STATE_NEW "," STATE_DONE,
            FINISH("") ", {\"name\": \"reopen\", " LABEL ", \"from\": [\"done\"], \"to\": \"new\","
                       " \"fields\": [{\"name\": \"reason\", \"type\": \"text\","
                       " \"required\": true}]}");
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    if (pt_workflow_load(ok, strlen(ok), &wf, &err) != PT_OK)
        fail_msg("a reopen out of a terminal state was refused: %s", err.message);
    pt_workflow_free(wf);
}

static void unknown_guards_effects_and_field_types_are_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE, FINISH(", \"guards\": [\"full_moon\"]")),
            "action \"finish\": unknown guard \"full_moon\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"explode\"}"),
            "action \"finish\": unknown effect \"explode\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"n\", \"type\": \"number\"}]")),
            "action \"finish\": field \"n\": unknown field type \"number\"");
    /* An action without "effect" uses the effect of its name, and there is
     * no built-in "finish". */
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL ", \"from\": [\"new\"], \"to\": \"done\"}"),
            "action \"finish\": no built-in effect has this name");
}

static void duplicate_names_are_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE "," STATE_NEW, FINISH("")),
            "state \"new\": defined twice");
    refused(DOC(STATE_NEW "," STATE_DONE, FINISH("") "," FINISH("")),
            "action \"finish\": defined twice");
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"why\", \"type\": \"text\"},"
                       " {\"name\": \"why\", \"type\": \"string\"}]")),
            "action \"finish\": field \"why\": defined twice");
}

static void a_workflow_without_an_initial_state_is_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW ",{\"name\": \"done\", \"label\": {\"zh\": \"完\", \"en\": \"Done\"}, "
                          "\"terminal\": true, \"initial\": true}",
                FINISH("")),
            "state \"done\": a terminal state cannot be initial");
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\", \"en\": \"New\"}}," STATE_DONE,
                FINISH("")),
            "no state is initial");
}

static void bad_json_is_refused_with_its_offset(void **state)
{
    (void)state;
    refused("{\"name\": \"mini\", \"states\": [}", "workflow: invalid JSON at byte 28");
    refused("", "workflow: invalid JSON at byte 0: empty document");
    refused("[]", "the document must be a JSON object");
}

static void unknown_keys_are_refused_by_name(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE, FINISH(", \"gaurds\": []")),
            "action \"finish\": unknown key \"gaurds\"");
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\", \"en\": \"New\"}, \"initial\": "
                "true, \"colour\": \"red\"}," STATE_DONE,
                FINISH("")),
            "state \"new\": unknown key \"colour\"");
    refused("{\"name\": \"mini\", \"statse\": []}", "workflow: unknown key \"statse\"");
    /* An entry without a name is counted as a person counts them. */
    refused(DOC(STATE_NEW ", {\"label\": {\"zh\": \"完\", \"en\": \"Done\"}}", FINISH("")),
            "state 2 (counted from 1): \"name\" must be a string");
    /* A misspelt "name" is said as the misspelt key it is, not as a name
     * missing. */
    refused(DOC(STATE_NEW ", {\"nmae\": \"done\", \"label\": {\"zh\": \"完\", \"en\": \"Done\"}}",
                FINISH("")),
            "state 2 (counted from 1): unknown key \"nmae\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"nmae\": \"finish\", " LABEL ", \"from\": [\"new\"], \"to\": \"done\"}"),
            "action 1 (counted from 1): unknown key \"nmae\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"Name\": \"why\", \"type\": \"text\"}]")),
            "action \"finish\": field 1 (counted from 1): unknown key \"Name\"");
}

/* An office's workflow of thousands of states, one after the other, with
 * its actions listed from the last step back: the loader follows each
 * state once, so that it loads in a moment. Checked against a clock
 * because a slow loader is the failure: a start, or a reload that holds
 * ptrackd's loop, that takes minutes. */
static void a_long_course_loads_in_a_moment(void **state)
{
    enum { N = 3000 };
    char *doc = malloc((size_t)N * 256);
    size_t len = 0;
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    struct timespec t0, t1;

    (void)state;
    assert_non_null(doc);
    len += (size_t)sprintf(doc + len, "{\"name\": \"long\", \"states\": [");
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(doc + len,
                               "%s{\"name\": \"s%d\", \"label\": {\"zh\": \"第%d步\", \"en\": "
                               "\"Step %d\"}%s}",
                               i ? ", " : "", i, i, i, i ? "" : ", \"initial\": true");
    len += (size_t)sprintf(doc + len, "], \"actions\": [");
    for (int i = N - 2; i >= 0; i--)
        len += (size_t)sprintf(doc + len,
                               "%s{\"name\": \"a%d\", \"label\": {\"zh\": \"动作%d\", \"en\": "
                               "\"Act %d\"}, \"effect\": \"none\", \"from\": [\"s%d\"], "
                               "\"to\": \"s%d\"}",
                               i == N - 2 ? "" : ", ", i, i, i, i, i + 1);
    len += (size_t)sprintf(doc + len, "]}");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pt_workflow_load(doc, len, &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (secs > 10)
        fail_msg("a workflow of %d states took %.1f s to load", N, secs);
    assert_true(pt_workflow_has_state(wf, "s2999"));
    assert_false(pt_workflow_has_state(wf, "s3000"));
    pt_workflow_free(wf);
    free(doc);
}

/* An enum of a hundred thousand values (every unit of a province, say)
 * loads in a moment, and a value given twice among them is named: the
 * first that repeats an earlier one, in the file's order. */
static void a_long_enum_loads_in_a_moment(void **state)
{
    enum { N = 100000 };
    char *doc = malloc((size_t)N * 16 + 1024);
    size_t len = 0;
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    struct timespec t0, t1;

    (void)state;
    assert_non_null(doc);
    len += (size_t)sprintf(doc + len, "%s",
                           "{\"name\": \"mini\", \"states\": [" STATE_NEW "," STATE_DONE
                           "], \"actions\": [{\"name\": \"finish\", " LABEL
                           ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"none\", "
                           "\"fields\": [{\"name\": \"unit_code\", \"type\": \"enum\", "
                           "\"values\": [");
    for (int i = 0; i < N; i++)
        len += (size_t)sprintf(doc + len, "%s\"u%d\"", i ? ", " : "", i);
    len += (size_t)sprintf(doc + len, "]}]}]}");
    clock_gettime(CLOCK_MONOTONIC, &t0);
    if (pt_workflow_load(doc, len, &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    if (secs > 5)
        fail_msg("an enum of %d values took %.1f s to load", N, secs);
    pt_workflow_free(wf);
    free(doc);
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"how\", \"type\": \"enum\", \"values\": "
                       "[\"b\", \"a\", \"c\", \"a\", \"b\"]}]")),
            "action \"finish\": field \"how\": value \"a\" listed twice");
}

static void labels_need_both_languages(void **state)
{
    (void)state;
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\"}, \"initial\": true}," STATE_DONE,
                FINISH("")),
            "state \"new\": label: \"en\" must be a non-empty string");
    /* A label shows: blanks alone (the ideographic space too) show as
     * nothing, and a line break or a control character breaks the line
     * it is shown in. A blank between words is a label's own. */
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"\u3000\u3000\", \"en\": \"New\"}, "
                "\"initial\": true}," STATE_DONE,
                FINISH("")),
            "state \"new\": label: \"zh\" is blank");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", \"label\": {\"zh\": \"完成\", \"en\": \" \"}, "
                "\"from\": [\"new\"], \"to\": \"done\", \"effect\": \"none\"}"),
            "action \"finish\": label: \"en\" is blank");
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\\n建\", \"en\": \"New\"}, "
                "\"initial\": true}," STATE_DONE,
                FINISH("")),
            "state \"new\": label: \"zh\" holds the control character U+000A (character 2)");
    refused(DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\", \"en\": \"\\u001b[7mNew\"}, "
                "\"initial\": true}," STATE_DONE,
                FINISH("")),
            "state \"new\": label: \"en\" holds the control character U+001B (character 1)");
    const char *ok = DOC("{\"name\": \"new\", \"label\": {\"zh\": \"新\u3000建\", \"en\": \"New "
                         "one\"}, \"initial\": true}," STATE_DONE,
                         FINISH(""));
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    if (pt_workflow_load(ok, strlen(ok), &wf, &err) != PT_OK)
        fail_msg("a label with a blank between its words was refused: %s", err.message);
    pt_workflow_free(wf);
}

/* A value of an enum field is typed (ptrack do --set method=电话) and
 * shown as a label is, and is held to what a label is. */
static void enum_values_are_words_that_show(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"how\", \"type\": \"enum\", \"values\": "
                       "[\"电话\", \"\u3000\"]}]")),
            "action \"finish\": field \"how\": value 2 (counted from 1) is blank");
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"how\", \"type\": \"enum\", \"values\": "
                       "[\"电\\r话\"]}]")),
            "action \"finish\": field \"how\": value 1 (counted from 1) holds the control "
            "character U+000D (character 2); a value is one line");
}

/* The workflow's name is shown as a label is (the start line, GET
 * /v1/workflow, ptrack workflow). */
static void the_workflow_name_is_words_that_show(void **state)
{
    (void)state;
    refused("{\"name\": \"\u3000\", \"states\": [" STATE_NEW "," STATE_DONE
            "], \"actions\": [" FINISH("") "]}",
            "workflow: \"name\" is blank");
    refused("{\"name\": \"county\\nready\", \"states\": [" STATE_NEW "," STATE_DONE
            "], \"actions\": [" FINISH("") "]}",
            "workflow: \"name\" holds the control character U+000A (character 7)");
}

static void more_than_one_default_is_refused(void **state)
{
    (void)state;
    refused(DOC("{\"name\": \"a\", \"label\": {\"zh\": \"甲\", \"en\": \"A\"}, \"initial\": true, "
                "\"default\": true},"
                "{\"name\": \"new\", \"label\": {\"zh\": \"新\", \"en\": \"New\"}, \"initial\": "
                "true, \"default\": true}," STATE_DONE,
                FINISH("")),
            "state \"new\": marked \"default\", and so is state \"a\"; at most one state is the "
            "default");
}

static void an_effect_without_the_fields_it_reads_is_refused(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"sign\"}"),
            "action \"finish\": effect \"sign\" needs a required field \"unit\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"reply\", \"fields\": ["
                "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"
                "{\"name\": \"doc_no\", \"type\": \"string\", \"required\": true},"
                "{\"name\": \"category\", \"type\": \"enum\", \"required\": true, \"values\": "
                "[\"A\", \"E\"]},"
                "{\"name\": \"text\", \"type\": \"text\", \"required\": true}]}"),
            "field \"category\": value \"E\" is not one effect \"reply\" can record");
    /* The text an effect takes when the action has it is text: a bool
     * comment would be taken, and kept neither in the feedback nor in the
     * history. */
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"feedback\", \"fields\": ["
                "{\"name\": \"person\", \"type\": \"string\", \"required\": true},"
                "{\"name\": \"satisfaction\", \"type\": \"enum\", \"required\": true, \"values\": "
                "[\"satisfied\"]},"
                "{\"name\": \"comment\", \"type\": \"bool\"}]}"),
            "action \"finish\": field \"comment\" cannot be of type bool for effect \"feedback\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": \"done\", \"effect\": \"supervise\", \"fields\": ["
                "{\"name\": \"key_supervision\", \"type\": \"bool\", \"required\": true},"
                "{\"name\": \"supervisor\", \"type\": \"proposal_id\"}]}"),
            "action \"finish\": field \"supervisor\" cannot be of type proposal_id for effect "
            "\"supervise\"");
}

/* "to": {"status": ...} leads from the states it lists; its keys must be
 * states the action runs in, and it may not lead out of a terminal one. */
/* An action's field that its effect does not set is kept in the history
 * under its name: a proposal field's name there would read as a change of
 * that field. */
static void a_field_named_as_a_proposal_field_must_be_set_by_the_effect(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH(", \"fields\": [{\"name\": \"title\", \"type\": \"text\"}]")),
            "action \"finish\": field \"title\" is named as a field of the proposal, which "
            "effect \"none\" does not set");
}

static void a_move_by_state_names_states_of_its_from(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": {\"status\": {\"done\": \"done\"}}}"),
            "action \"finish\": to: \"status\" key \"done\" is not one of the action's \"from\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": {\"status\": {\"new\": \"gone\"}}}"),
            "action \"finish\": to: \"status\" \"new\": unknown state \"gone\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL ", \"from\": [\"new\"], \"to\": {\"status\": {}}}"),
            "action \"finish\": to: \"status\" must be an object of state: state");
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"finish\", " LABEL
                ", \"from\": [\"new\"], \"to\": {\"status\": {\"new\": \"done\"}, "
                "\"field\": \"x\"}}"),
            "action \"finish\": to: unknown key \"field\"");
    refused(DOC(STATE_NEW "," STATE_DONE,
                FINISH("") ",{\"name\": \"again\", \"label\": {\"zh\": \"再\", \"en\": "
                           "\"Again\"}, \"from\": [\"new\", \"done\"], \"to\": {\"status\": "
                           "{\"done\": \"new\"}}, \"effect\": \"none\"}"),
            "action \"again\": it leads out of the terminal state \"done\"");
}

static void a_satisfaction_map_must_cover_every_value(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE,
                "{\"name\": \"feedback\", " LABEL ", \"from\": [\"new\"],"
                " \"to\": {\"field\": \"satisfaction\", \"map\": {\"satisfied\": \"done\"}},"
                " \"fields\": [{\"name\": \"person\", \"type\": \"string\", \"required\": true},"
                " {\"name\": \"satisfaction\", \"type\": \"enum\", \"required\": true,"
                " \"values\": [\"satisfied\", \"unsatisfied\"]}]}"),
            "action \"feedback\": to: map has no state for satisfaction \"unsatisfied\"");
}

/* The co_opinions guard waits for what only an opinion action gives: a
 * workflow without one where the guarded action runs (as docs/workflow.md's
 * example had it) would never let a lead unit with a co unit reply. */
#define GUARDED FINISH(", \"guards\": [\"co_opinions\"]")
#define OPINION_FROM(name, from)                                                                   \
    ", {\"name\": \"" name "\", " LABEL ", \"effect\": \"opinion\", \"from\": [\"" from "\"],"     \
    " \"to\": null, \"fields\": [{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"  \
    " {\"name\": \"opinion\", \"type\": \"text\", \"required\": true}]}"

static void a_co_opinions_guard_needs_an_opinion_action(void **state)
{
    (void)state;
    refused(DOC(STATE_NEW "," STATE_DONE, GUARDED),
            "action \"finish\": guard \"co_opinions\" waits for the co units' opinions");
    /* An opinion action that runs only elsewhere gives none in time. */
    refused(DOC(STATE_NEW "," STATE_DONE, GUARDED OPINION_FROM("opinion", "done")),
            "no action with effect opinion runs in a state it runs in");
    /* One where the guarded action runs does, whatever its name. */
    const char *ok = DOC(STATE_NEW "," STATE_DONE, GUARDED OPINION_FROM("huiqian", "new"));
    pt_workflow_t *wf = NULL;
    pt_error_t err = {0};
    if (pt_workflow_load(ok, strlen(ok), &wf, &err) != PT_OK)
        fail_msg("a guard with an opinion action of its own name was refused: %s", err.message);
    pt_workflow_free(wf);
}

static void an_office_can_drop_the_review_step(void **state)
{
    /* A workflow of its own: no review, straight from submitted to assigned
     * and on to a plain done state. */
    const char *doc =
        "{\"name\": \"县人大\", \"states\": ["
        "{\"name\": \"submitted\", \"label\": {\"zh\": \"已提出\", \"en\": \"Submitted\"},"
        " \"initial\": true, \"default\": true},"
        "{\"name\": \"assigned\", \"label\": {\"zh\": \"已交办\", \"en\": \"Assigned\"}, "
        "\"clock\": "
        "true},"
        "{\"name\": \"done\", \"label\": {\"zh\": \"办结\", \"en\": \"Done\"}, \"terminal\": "
        "true}],"
        " \"actions\": ["
        "{\"name\": \"assign\", \"label\": {\"zh\": \"交办\", \"en\": \"Assign\"}, \"from\": "
        "[\"submitted\"], \"to\": \"assigned\", \"fields\": ["
        "{\"name\": \"mode\", \"type\": \"enum\", \"required\": true, \"values\": [\"single\"]},"
        "{\"name\": \"units\", \"type\": \"units\", \"required\": true}]},"
        "{\"name\": \"finish\", \"label\": {\"zh\": \"办结\", \"en\": \"Finish\"}, \"from\": "
        "[\"assigned\"], \"to\": \"done\", \"effect\": \"none\"}]}";
    pt_workflow_t *wf;
    pt_error_t err = {0};
    cJSON *allowed;

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    assert_string_equal(pt_workflow_name(wf), "县人大");
    allowed = pt_workflow_allowed(wf, "assigned");
    assert_int_equal(cJSON_GetArraySize(allowed), 1);
    assert_string_equal(cJSON_GetArrayItem(allowed, 0)->valuestring, "finish");
    cJSON_Delete(allowed);
    allowed = pt_workflow_allowed(wf, "nowhere");
    assert_int_equal(cJSON_GetArraySize(allowed), 0);
    cJSON_Delete(allowed);
    pt_workflow_free(wf);
}

static void the_states_of_an_effect_are_those_its_actions_run_in(void **state)
{
    static const char doc[] =
        "{\"name\": \"office\", \"states\": ["
        "{\"name\": \"in\", \"label\": {\"zh\": \"收到\", \"en\": \"In\"}, \"initial\": true},"
        "{\"name\": \"doing\", \"label\": {\"zh\": \"承办中\", \"en\": \"Doing\"}, \"clock\": "
        "true},"
        "{\"name\": \"done\", \"label\": {\"zh\": \"完成\", \"en\": \"Done\"}, \"terminal\": "
        "true}],"
        "\"actions\": ["
        "{\"name\": \"qianshou\", \"label\": {\"zh\": \"签收登记\", \"en\": \"Sign\"},"
        " \"from\": [\"in\", \"doing\"], \"to\": \"doing\", \"effect\": \"sign\","
        " \"fields\": [{\"name\": \"unit\", \"type\": \"string\", \"required\": true}]},"
        "{\"name\": \"finish\", " LABEL ","
        " \"from\": [\"doing\"], \"to\": \"done\", \"effect\": \"none\"}]}";
    pt_workflow_t *wf;
    pt_error_t err = {0};
    char *s;

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    /* By the effect, whatever the action is called; in the states' order. */
    s = pt_workflow_effect_states(wf, "sign");
    assert_string_equal(s, "in,doing");
    free(s);
    s = pt_workflow_effect_states(wf, "reply");
    assert_string_equal(s, "");
    free(s);
    pt_workflow_free(wf);

    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    s = pt_workflow_effect_states(wf, "opinion");
    assert_string_equal(s, "handling,rehandling");
    free(s);
    s = pt_workflow_effect_states(wf, "assign"); /* assign and reassign */
    assert_string_equal(s, "submitted,filed,returned");
    free(s);
    pt_workflow_free(wf);
}

/* A lead unit's part names the co units it waits for only where the
 * workflow's reply does wait for their opinions: the default's, not an
 * office's reply without the co_opinions guard, nor a state where an
 * office's reply of its own without it runs beside the guarded one. */
static void a_reply_awaits_opinions_only_with_the_co_opinions_guard(void **state)
{
#define REPLY_FIELDS                                                                               \
    ", \"fields\": ["                                                                              \
    "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"                              \
    "{\"name\": \"doc_no\", \"type\": \"string\", \"required\": true},"                            \
    "{\"name\": \"category\", \"type\": \"enum\", \"required\": true, \"values\": [\"A\"]},"       \
    "{\"name\": \"text\", \"type\": \"text\", \"required\": true}]"
    static const char doc[] =
        "{\"name\": \"office\", \"states\": ["
        "{\"name\": \"doing\", " LABEL ", \"initial\": true, \"clock\": true},"
        "{\"name\": \"answered\", " LABEL ", \"terminal\": true}"
        "], \"actions\": ["
        "{\"name\": \"answer\", " LABEL
        ", \"effect\": \"reply\", \"from\": [\"doing\"], \"to\": \"answered\"" REPLY_FIELDS "}]}";
    /* waiting: only the guarded reply; urgent: an unguarded one beside it;
     * direct: only an unguarded one. */
    static const char mixed[] =
        "{\"name\": \"office\", \"states\": ["
        "{\"name\": \"waiting\", " LABEL ", \"initial\": true, \"clock\": true},"
        "{\"name\": \"urgent\", " LABEL ", \"clock\": true},"
        "{\"name\": \"direct\", " LABEL ", \"clock\": true},"
        "{\"name\": \"answered\", " LABEL ", \"terminal\": true}"
        "], \"actions\": ["
        "{\"name\": \"escalate\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"waiting\"], \"to\": \"urgent\", \"fields\": []},"
        "{\"name\": \"skip\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"waiting\"], \"to\": \"direct\", \"fields\": []},"
        "{\"name\": \"opinion\", " LABEL ", \"effect\": \"opinion\", \"from\": [\"waiting\", "
        "\"urgent\"], \"to\": null, \"fields\": ["
        "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"
        "{\"name\": \"opinion\", \"type\": \"text\", \"required\": true}]},"
        "{\"name\": \"answer\", " LABEL
        ", \"effect\": \"reply\", \"from\": [\"waiting\", \"urgent\"], \"to\": \"answered\","
        " \"guards\": [\"co_opinions\"]" REPLY_FIELDS "},"
        "{\"name\": \"answer_now\", " LABEL ", \"effect\": \"reply\", \"from\": [\"urgent\", "
        "\"direct\"], \"to\": \"answered\"" REPLY_FIELDS "}]}";
#undef REPLY_FIELDS
    pt_workflow_t *wf;
    pt_error_t err = {0};
    char *states;

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    states = pt_workflow_awaiting_states(wf);
    assert_string_equal(states, "handling,rehandling");
    free(states);
    pt_workflow_free(wf);
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    states = pt_workflow_awaiting_states(wf);
    assert_string_equal(states, "");
    free(states);
    pt_workflow_free(wf);
    if (pt_workflow_load(mixed, strlen(mixed), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    states = pt_workflow_awaiting_states(wf);
    assert_string_equal(states, "waiting");
    free(states);
    pt_workflow_free(wf);
}

/* The states a proposal cannot leave though they are not terminal: an
 * action that stays, or picks by a value only the state it is in, is no
 * way out; one that picks another state by a value, or by the state it is
 * in, is. The default workflow has none. */
static void states_with_no_way_out_are_found(void **state)
{
#define PICK_FIELDS                                                                                \
    ", \"fields\": [{\"name\": \"how\", \"type\": \"enum\", \"required\": true, \"values\": "      \
    "[\"a\", \"b\"]}]"
    static const char doc[] =
        "{\"name\": \"office\", \"states\": ["
        "{\"name\": \"in\", " LABEL ", \"initial\": true},"
        "{\"name\": \"stuck\", " LABEL "},"
        "{\"name\": \"looped\", " LABEL "},"
        "{\"name\": \"picked\", " LABEL "},"
        "{\"name\": \"back\", " LABEL "},"
        "{\"name\": \"done\", " LABEL ", \"terminal\": true}"
        "], \"actions\": ["
        "{\"name\": \"go\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"in\"], \"to\": \"stuck\"},"
        "{\"name\": \"note\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"stuck\"], \"to\": null},"
        "{\"name\": \"loop\", " LABEL ", \"effect\": \"none\", \"from\": [\"in\", \"looped\"],"
        " \"to\": {\"field\": \"how\", \"map\": {\"a\": \"looped\", \"b\": \"looped\"}}" PICK_FIELDS
        "},"
        "{\"name\": \"pick\", " LABEL ", \"effect\": \"none\", \"from\": [\"in\", \"picked\"],"
        " \"to\": {\"field\": \"how\", \"map\": {\"a\": \"picked\", \"b\": \"done\"}}" PICK_FIELDS
        "},"
        "{\"name\": \"turn\", " LABEL ", \"effect\": \"none\", \"from\": [\"in\", \"back\"],"
        " \"to\": {\"status\": {\"in\": \"back\", \"back\": \"done\"}}}]}";
#undef PICK_FIELDS
    pt_workflow_t *wf;
    pt_error_t err = {0};
    char *ends;

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    ends = pt_workflow_dead_ends(wf);
    assert_string_equal(ends, "stuck,looped");
    free(ends);
    pt_workflow_free(wf);
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    ends = pt_workflow_dead_ends(wf);
    assert_string_equal(ends, "");
    free(ends);
    pt_workflow_free(wf);
}

static void deadlines_default_to_product_md(void **state)
{
    pt_deadlines_t d;
    const int64_t day = INT64_C(86400000);

    (void)state;
    pt_deadlines_default(&d);
    assert_int_equal(d.reply, 90 * day);
    assert_int_equal(d.ret, 10 * day);
    assert_int_equal(d.rehandle, 30 * day);
    assert_int_equal(d.max, 180 * day);
    assert_int_equal(d.feedback, 30 * day);
    assert_int_equal(d.remind_before, 7 * day);
}

/* What a stored proposal must have in a state follows from the actions
 * that lead there, whatever the states are called: an office's own
 * workflow, in which "parked" is reached both before and after the
 * assignment. */
static void a_stored_state_needs_what_only_its_actions_give(void **state)
{
    static const char doc[] =
        "{\"name\": \"office\", \"states\": ["
        "{\"name\": \"in\", " LABEL ", \"initial\": true},"
        "{\"name\": \"doing\", " LABEL ", \"clock\": true},"
        "{\"name\": \"answered\", " LABEL "},"
        "{\"name\": \"parked\", " LABEL "},"
        "{\"name\": \"joined\", " LABEL ", \"terminal\": true},"
        "{\"name\": \"done\", " LABEL ", \"terminal\": true}"
        "], \"actions\": ["
        "{\"name\": \"hand\", " LABEL
        ", \"effect\": \"assign\", \"from\": [\"in\"], \"to\": \"doing\", \"fields\": ["
        "{\"name\": \"mode\", \"type\": \"enum\", \"required\": true, \"values\": [\"single\"]},"
        "{\"name\": \"units\", \"type\": \"units\", \"required\": true}"
        "]},"
        "{\"name\": \"answer\", " LABEL
        ", \"effect\": \"reply\", \"from\": [\"doing\"], \"to\": \"answered\", \"fields\": ["
        "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"
        "{\"name\": \"doc_no\", \"type\": \"string\", \"required\": true},"
        "{\"name\": \"category\", \"type\": \"enum\", \"required\": true, \"values\": [\"A\"]},"
        "{\"name\": \"text\", \"type\": \"text\", \"required\": true}"
        "]},"
        "{\"name\": \"join\", " LABEL
        ", \"effect\": \"merge\", \"from\": [\"in\"], \"to\": \"joined\", \"fields\": ["
        "{\"name\": \"merged_into\", \"type\": \"proposal_id\", \"required\": true}"
        "]},"
        /* A field of type units on an action that does not assign: it
         * sets none, so parked needs none. */
        "{\"name\": \"park\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"in\", \"doing\"], \"to\": \"parked\", \"fields\": ["
        "{\"name\": \"handlers\", \"type\": \"units\", \"required\": false}"
        "]},"
        "{\"name\": \"finish\", " LABEL
        ", \"effect\": \"none\", \"from\": [\"answered\"], \"to\": \"done\", \"fields\": ["
        "]}"
        "]}";
    static const struct {
        const char *status;
        size_t units;
        int64_t due_at;
        size_t replies;
        int64_t merged_into;
        const char *missing; /* the field named, or NULL: it fits */
    } cases[] = {
        {"in", 0, 0, 0, 0, NULL},
        {"parked", 0, 0, 0, 0, NULL},
        {"doing", 0, 1, 0, 0, "units"},
        {"doing", 1, 0, 0, 0, NULL}, /* no deadline: never overdue, not stuck */
        {"doing", 1, 1, 0, 0, NULL},
        {"answered", 1, 0, 0, 0, "replies"},
        {"answered", 0, 0, 1, 0, "units"},
        {"answered", 1, 0, 1, 0, NULL},
        {"done", 1, 0, 0, 0, "replies"},
        {"done", 1, 0, 1, 0, NULL},
        {"joined", 0, 0, 0, 0, "merged_into"},
        {"joined", 0, 0, 0, 7, NULL},
    };
    pt_workflow_t *wf;
    pt_error_t err = {0};

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &wf, &err) != PT_OK)
        fail_msg("%s", err.message);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        pt_proposal_t p = {0};

        p.status = (char *)cases[i].status;
        p.n_units = cases[i].units;
        p.due_at = cases[i].due_at;
        p.n_replies = cases[i].replies;
        p.merged_into = cases[i].merged_into;
        int rc = pt_workflow_check_stored(wf, &p, &err);
        if (!cases[i].missing) {
            if (rc != PT_OK)
                fail_msg("case %zu (%s): %s", i, cases[i].status, err.message);
            continue;
        }
        assert_int_equal(rc, PT_EVALIDATION);
        if (strncmp(err.message, cases[i].missing, strlen(cases[i].missing)) != 0 ||
            !strstr(err.message, cases[i].status))
            fail_msg("case %zu: want %s, got: %s", i, cases[i].missing, err.message);
        pt_error_clear(&err);
    }
    pt_workflow_free(wf);
}

static void a_stored_proposal_of_the_default_workflow_has_what_its_state_implies(void **state)
{
    pt_workflow_t *wf;
    pt_error_t err = {0};
    pt_proposal_t p = {0};

    (void)state;
    assert_int_equal(pt_workflow_load_default(&wf, &err), PT_OK);
    p.status = "handling";
    assert_int_equal(pt_workflow_check_stored(wf, &p, &err), PT_EVALIDATION);
    assert_non_null(strstr(err.message, "units"));
    pt_error_clear(&err);
    p.status = "replied";
    p.n_units = 1;
    assert_int_equal(pt_workflow_check_stored(wf, &p, &err), PT_EVALIDATION);
    assert_non_null(strstr(err.message, "replies"));
    pt_error_clear(&err);
    p.status = "merged";
    p.n_units = 0;
    assert_int_equal(pt_workflow_check_stored(wf, &p, &err), PT_EVALIDATION);
    assert_non_null(strstr(err.message, "merged_into"));
    pt_error_clear(&err);
    p.status = "withdrawn"; /* from anywhere, even a draft */
    assert_int_equal(pt_workflow_check_stored(wf, &p, &err), PT_OK);
    pt_workflow_free(wf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_default_workflow_loads),
        cmocka_unit_test(the_default_states_have_the_flags_of_product_md),
        cmocka_unit_test(the_default_actions_have_their_labels_and_moves),
        cmocka_unit_test(feedback_maps_satisfaction_to_a_state),
        cmocka_unit_test(supervise_from_star_is_expanded_to_the_non_terminal_states),
        cmocka_unit_test(action_fields_are_described),
        cmocka_unit_test(a_small_valid_workflow_loads),
        cmocka_unit_test(an_action_to_an_unknown_state_is_refused),
        cmocka_unit_test(an_action_from_an_unknown_state_is_refused),
        cmocka_unit_test(an_unreachable_state_is_refused),
        cmocka_unit_test(only_a_reopen_leads_out_of_a_terminal_state),
        cmocka_unit_test(unknown_guards_effects_and_field_types_are_refused),
        cmocka_unit_test(duplicate_names_are_refused),
        cmocka_unit_test(a_workflow_without_an_initial_state_is_refused),
        cmocka_unit_test(bad_json_is_refused_with_its_offset),
        cmocka_unit_test(unknown_keys_are_refused_by_name),
        cmocka_unit_test(a_long_course_loads_in_a_moment),
        cmocka_unit_test(a_long_enum_loads_in_a_moment),
        cmocka_unit_test(labels_need_both_languages),
        cmocka_unit_test(enum_values_are_words_that_show),
        cmocka_unit_test(the_workflow_name_is_words_that_show),
        cmocka_unit_test(more_than_one_default_is_refused),
        cmocka_unit_test(an_effect_without_the_fields_it_reads_is_refused),
        cmocka_unit_test(a_move_by_state_names_states_of_its_from),
        cmocka_unit_test(a_field_named_as_a_proposal_field_must_be_set_by_the_effect),
        cmocka_unit_test(a_satisfaction_map_must_cover_every_value),
        cmocka_unit_test(a_co_opinions_guard_needs_an_opinion_action),
        cmocka_unit_test(an_office_can_drop_the_review_step),
        cmocka_unit_test(the_states_of_an_effect_are_those_its_actions_run_in),
        cmocka_unit_test(a_reply_awaits_opinions_only_with_the_co_opinions_guard),
        cmocka_unit_test(states_with_no_way_out_are_found),
        cmocka_unit_test(deadlines_default_to_product_md),
        cmocka_unit_test(a_stored_state_needs_what_only_its_actions_give),
        cmocka_unit_test(a_stored_proposal_of_the_default_workflow_has_what_its_state_implies),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
