/*
 * test_proposals_workflow_apply.c - running the default workflow's actions:
 * which state allows which action (the table in docs/api.md, written out
 * here independently of workflow-default.json), the guards, the effects, the
 * history entry, and that a refused action changes nothing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fixture-base.h"
#include "json-strict.h"
#include "timefmt.h"
#include "workflow.h"

#define DAY INT64_C(86400000)
#define NOW INT64_C(1772668800000) /* 2026-03-05T00:00:00Z */

static const char *const states[] = {"draft",   "submitted",  "reviewing", "filed",    "not_filed",
                                     "merged",  "converted",  "assigned",  "returned", "handling",
                                     "replied", "rehandling", "closed",    "withdrawn"};
#define N_STATES (sizeof(states) / sizeof(states[0]))

static const char *const actions[] = {"submit",    "review", "file",     "reject",   "merge",
                                      "convert",   "assign", "sign",     "return",   "reassign",
                                      "opinion",   "extend", "reply",    "feedback", "close",
                                      "follow_up", "reopen", "withdraw", "supervise"};
#define N_ACTIONS (sizeof(actions) / sizeof(actions[0]))

/* The default workflow, state by state: the actions each one allows, in
 * the order of the action table; and sign where handling has begun, for the units
 * that have not signed yet (it stays there). */
static const char *const allowed_in[N_STATES][8] = {
    /* draft */ {"submit", "withdraw", "supervise"},
    /* submitted */ {"review", "assign", "withdraw", "supervise"},
    /* reviewing */ {"file", "reject", "merge", "convert", "withdraw", "supervise"},
    /* filed */ {"assign", "withdraw", "supervise"},
    /* not_filed */ {NULL},
    /* merged */ {NULL},
    /* converted */ {NULL},
    /* assigned */ {"sign", "return", "withdraw", "supervise"},
    /* returned */ {"reassign", "withdraw", "supervise"},
    /* handling */ {"sign", "opinion", "extend", "reply", "withdraw", "supervise"},
    /* replied */ {"feedback", "close", "supervise"},
    /* rehandling: after a reply, so no withdraw */
    {"sign", "opinion", "extend", "reply", "supervise"},
    /* closed */ {"follow_up", "reopen"},
    /* withdrawn */ {NULL},
};

static bool allowed(size_t s, const char *action)
{
    for (size_t i = 0; allowed_in[s][i]; i++)
        if (strcmp(allowed_in[s][i], action) == 0)
            return true;
    return false;
}

/* A valid body for each action against the fixture below, and the state the
 * action leads to (NULL: it stays). */
static const struct {
    const char *action, *body, *to;
} valid[] = {
    {"submit", "{}", "submitted"},
    {"review", "{}", "reviewing"},
    {"file", "{}", "filed"},
    {"reject", "{\"reason\": \"不属于代表建议范围\"}", "not_filed"},
    {"merge", "{\"merged_into\": 7}", "merged"},
    {"convert", "{\"reason\": \"转为意见建议处理\"}", "converted"},
    {"assign", "{\"mode\": \"single\", \"units\": [{\"name\": \"教育部\", \"role\": \"lead\"}]}",
     "assigned"},
    {"sign", "{\"unit\": \"国家卫生健康委\"}", "handling"},
    {"return", "{\"unit\": \"国家卫生健康委\", \"reason\": \"不属于本单位职责\"}", "returned"},
    {"reassign", "{\"mode\": \"single\", \"units\": [{\"name\": \"教育部\"}]}", "assigned"},
    {"opinion", "{\"unit\": \"财政部\", \"opinion\": \"同意\"}", NULL},
    {"extend", "{\"due_at\": \"2026-06-30T00:00:00+08:00\"}", NULL},
    {"reply",
     "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕1号\", \"category\": \"A\","
     " \"text\": \"答复如下\"}",
     "replied"},
    {"feedback", "{\"person\": \"王建国\", \"satisfaction\": \"satisfied\"}", "closed"},
    {"close", "{}", "closed"},
    {"follow_up",
     "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕9号\", \"category\": \"B\","
     " \"text\": \"补充答复\"}",
     NULL},
    {"reopen", "{\"reason\": \"代表要求重新办理\"}", "rehandling"},
    {"withdraw", "{\"reason\": \"代表撤回\"}", "withdrawn"},
    {"supervise", "{\"key_supervision\": true, \"supervisor\": \"赵主任\"}", NULL},
};

static pt_workflow_t *wf;
static pt_deadlines_t deadlines;

static int setup(void **state)
{
    (void)state;
    fixture_workflow_default(&wf, &deadlines);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pt_workflow_free(wf);
    return 0;
}

/* The other proposals of the store, for merge: 42 is the fixture itself, 7
 * one in handling, the rest one in each state a merge must not go into. */
static const struct {
    int64_t id;
    const char *state;
} others[] = {
    {42, "reviewing"}, {7, "handling"},   {8, "draft"},      {9, "withdrawn"},
    {10, "merged"},    {11, "not_filed"}, {12, "converted"}, {13, "closed"},
    {14, "reviewing"}, {15, "archived"}, /* a state the workflow lacks */
};

static bool state_of(int64_t id, char *state, size_t size, void *ud)
{
    (void)ud;
    for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
        if (others[i].id == id) {
            snprintf(state, size, "%s", others[i].state);
            return true;
        }
    }
    return false;
}

static pt_action_ctx_t ctx_at(int64_t now)
{
    pt_action_ctx_t c = {wf, &deadlines, now, "王秘书", state_of, NULL};

    return c;
}

static char *xs(const char *s)
{
    char *d = strdup(s);

    assert_non_null(d);
    return d;
}

/* A proposal assigned the day before NOW in lead_co mode, whose co unit has
 * already given its opinion, so that every action has what it needs. */
static void fixture(pt_proposal_t *p, const char *status)
{
    pt_proposal_init(p);
    p->id = 42;
    p->title = xs("关于加强基层医疗卫生服务能力建设的建议");
    p->status = xs(status);
    p->handling_mode = xs("lead_co");
    p->n_units = 2;
    p->units = calloc(2, sizeof(*p->units));
    p->units[0].name = xs("国家卫生健康委");
    p->units[0].role = xs("lead");
    p->units[1].name = xs("财政部");
    p->units[1].role = xs("co");
    p->units[1].opinion = xs("同意");
    p->units[1].opinion_at = NOW - DAY / 2;
    p->assigned_at = NOW - DAY;
    p->due_at = NOW + 89 * DAY;
    p->version = 3;
    p->created_at = NOW - 2 * DAY;
    p->updated_at = NOW - DAY;
}

static cJSON *parse(const char *text)
{
    pt_error_t err = {0};
    cJSON *j = pt_json_parse(text, strlen(text), &err);

    if (j == NULL)
        fail_msg("%s: %s", text, err.message);
    return j;
}

/* Runs an action with a body given as text. */
static int run(pt_proposal_t *p, int64_t now, const char *action, const char *body, pt_history_t *h,
               pt_error_t *err)
{
    pt_action_ctx_t c = ctx_at(now);
    cJSON *b = body ? parse(body) : NULL;
    int rc = pt_workflow_apply(&c, p, action, b, h, err);

    cJSON_Delete(b);
    return rc;
}

static void run_ok(pt_proposal_t *p, int64_t now, const char *action, const char *body,
                   pt_history_t *h)
{
    pt_error_t err = {0};

    if (run(p, now, action, body, h, &err) != PT_OK)
        fail_msg("%s refused: %s", action, err.message);
}

/* Runs an action that must succeed when its history entry is of no
 * interest. */
static void run_done(pt_proposal_t *p, int64_t now, const char *action, const char *body)
{
    pt_history_t h;

    run_ok(p, now, action, body, &h);
    pt_history_free(&h);
}

static char *print(const pt_proposal_t *p)
{
    cJSON *j = pt_proposal_to_json(p, false, 0);
    char *s = cJSON_PrintUnformatted(j);

    cJSON_Delete(j);
    return s;
}

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

/* Expects the action to be refused with `code`, with a problem on `field`
 * whose message holds `want`, and the proposal to be exactly as before. */
static void refused(pt_proposal_t *p, int64_t now, const char *action, const char *body, int code,
                    const char *field, const char *want)
{
    pt_error_t err = {0};
    pt_history_t h;
    char *before = print(p), *after;
    int rc = run(p, now, action, body, &h, &err);

    if (rc != code)
        fail_msg("%s: got %d (%s), wanted %d", action, rc, err.message, code);
    if (field) {
        const char *m = field_message(&err, field);

        if (m == NULL || strstr(m, want) == NULL)
            fail_msg("%s: no \"%s\" on %s; message: %s", action, want, field, err.message);
    } else if (strstr(err.message, want) == NULL) {
        fail_msg("%s: message \"%s\" lacks \"%s\"", action, err.message, want);
    }
    after = print(p);
    assert_string_equal(before, after);
    assert_null(h.changes);
    free(before);
    free(after);
    pt_error_clear(&err);
}

static void allowed_lists_follow_the_table(void **state)
{
    (void)state;
    for (size_t s = 0; s < N_STATES; s++) {
        cJSON *list = pt_workflow_allowed(wf, states[s]);
        size_t n = 0;

        while (allowed_in[s][n])
            n++;
        if ((size_t)cJSON_GetArraySize(list) != n)
            fail_msg("state %s allows %d actions, wanted %zu", states[s], cJSON_GetArraySize(list),
                     n);
        for (size_t i = 0; i < n; i++)
            assert_string_equal(cJSON_GetArrayItem(list, (int)i)->valuestring, allowed_in[s][i]);
        cJSON_Delete(list);
    }
}

static void every_action_in_every_state_is_allowed_or_refused_as_the_table_says(void **state)
{
    (void)state;
    assert_int_equal(N_ACTIONS, sizeof(valid) / sizeof(valid[0]));
    for (size_t s = 0; s < N_STATES; s++) {
        for (size_t a = 0; a < N_ACTIONS; a++) {
            pt_proposal_t p;
            pt_error_t err = {0};
            pt_history_t h;
            int rc;

            assert_string_equal(valid[a].action, actions[a]);
            fixture(&p, states[s]);
            rc = run(&p, NOW, actions[a], valid[a].body, &h, &err);
            if (allowed(s, actions[a])) {
                if (rc != PT_OK)
                    fail_msg("%s in %s refused: %s", actions[a], states[s], err.message);
                /* sign leads to handling from assigned only */
                bool moves = valid[a].to && (strcmp(actions[a], "sign") != 0 ||
                                             strcmp(states[s], "assigned") == 0);
                assert_string_equal(p.status, moves ? valid[a].to : states[s]);
                assert_string_equal(h.from, states[s]);
                assert_string_equal(h.to, p.status);
                assert_int_equal(p.version, 4);
                assert_int_equal(p.updated_at, NOW);
                pt_history_free(&h);
            } else {
                cJSON *st, *al;

                if (rc != PT_ETRANSITION)
                    fail_msg("%s in %s: got %d, wanted invalid_transition", actions[a], states[s],
                             rc);
                st = cJSON_GetObjectItem(err.details, "state");
                al = cJSON_GetObjectItem(err.details, "allowed");
                assert_string_equal(st->valuestring, states[s]);
                assert_true(cJSON_IsArray(al));
                assert_string_equal(p.status, states[s]);
                assert_int_equal(p.version, 3);
            }
            pt_error_clear(&err);
            pt_proposal_free(&p);
        }
    }
}

static void a_refused_transition_names_the_state_and_the_allowed_actions(void **state)
{
    pt_proposal_t p;
    pt_error_t err = {0};
    pt_history_t h;
    cJSON *al;

    (void)state;
    fixture(&p, "assigned");
    assert_int_equal(run(&p, NOW, "reply", "{}", &h, &err), PT_ETRANSITION);
    assert_string_equal(err.message, "action \"reply\" is not allowed in state \"assigned\" "
                                     "(已交办); allowed: sign, return, withdraw, supervise");
    assert_string_equal(pt_strerror(err.code), "invalid_transition");
    al = cJSON_GetObjectItem(err.details, "allowed");
    assert_int_equal(cJSON_GetArraySize(al), 4);
    assert_string_equal(cJSON_GetArrayItem(al, 0)->valuestring, "sign");
    pt_error_clear(&err);

    pt_proposal_free(&p);
    fixture(&p, "withdrawn");
    assert_int_equal(run(&p, NOW, "supervise", "{\"key_supervision\": true}", &h, &err),
                     PT_ETRANSITION);
    assert_non_null(strstr(err.message, "allowed: none"));
    pt_error_clear(&err);
    pt_proposal_free(&p);
}

/* Not found: /actions/approve names no action (404, as a path would). */
static void an_unknown_action_is_not_found_on_action(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "handling");
    refused(&p, NOW, "approve", "{}", PT_ENOTFOUND, "action",
            "unknown action \"approve\"; actions: submit, review, file");
    pt_proposal_free(&p);
}

static void unknown_and_missing_body_fields_are_named(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "assigned");
    refused(&p, NOW, "sign", "{\"unit\": \"国家卫生健康委\", \"reason\": \"x\"}", PT_EVALIDATION,
            "reason", "unknown field; action \"sign\" takes unit, note");
    refused(&p, NOW, "sign", "{}", PT_EVALIDATION, "unit", "required");
    refused(&p, NOW, "sign", NULL, PT_EVALIDATION, "unit", "required");
    /* The unit that acts is asked for with the proposal's units. */
    refused(&p, NOW, "sign", "{}", PT_EVALIDATION, "unit",
            "required: the unit that acts, one of the proposal's (assigned: 国家卫生健康委, "
            "财政部)");
    refused(&p, NOW, "sign", "{\"unit\": 12}", PT_EVALIDATION, "unit", "must be a string");
    refused(&p, NOW, "sign", "{\"unit\": \"国家卫生健康委\", \"note\": 5}", PT_EVALIDATION, "note",
            "must be a string");
    refused(&p, NOW, "sign", "[]", PT_EVALIDATION, "body", "must be a JSON object");
    pt_proposal_free(&p);

    fixture(&p, "handling");
    refused(
        &p, NOW, "reply",
        "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"1\", \"category\": \"E\", \"text\": \" \"}",
        PT_EVALIDATION, "category", "must be one of A, B, C, D");
    refused(
        &p, NOW, "reply",
        "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"1\", \"category\": \"E\", \"text\": \" \"}",
        PT_EVALIDATION, "text", "must not be blank");
    refused(&p, NOW, "extend", "{\"due_at\": \"下个月\"}", PT_EVALIDATION, "due_at",
            "must be an RFC 3339 time");
    pt_proposal_free(&p);
}

static void a_unit_that_is_not_assigned_is_refused(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "assigned");
    refused(&p, NOW, "sign", "{\"unit\": \"教育部\"}", PT_EVALIDATION, "unit",
            "\"教育部\" is not assigned to this proposal (assigned: 国家卫生健康委, 财政部)");
    refused(&p, NOW, "return", "{\"unit\": \"教育部\", \"reason\": \"x\"}", PT_EVALIDATION, "unit",
            "is not assigned");
    pt_proposal_free(&p);
    fixture(&p, "handling");
    refused(&p, NOW, "opinion", "{\"unit\": \"国家卫生健康委\", \"opinion\": \"x\"}",
            PT_EVALIDATION, "unit", "is not a co unit");
    pt_proposal_free(&p);
}

/* In lead_co mode a co unit's part is its opinion: one that has given it
 * is not late, the lead unit (which replies for all) is until it replies. */
static void a_co_unit_that_gave_its_opinion_has_answered_its_part(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "handling");
    assert_true(pt_proposal_unit_answered(&p, "财政部"));
    assert_false(pt_proposal_unit_answered(&p, "国家卫生健康委"));
    p.units[1].opinion_at = 0;
    assert_false(pt_proposal_unit_answered(&p, "财政部"));
    pt_proposal_free(&p);
}

static void return_is_allowed_within_the_return_window_only(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "assigned");
    /* The last millisecond of the window still counts. */
    run_ok(&p, p.assigned_at + 10 * DAY, "return",
           "{\"unit\": \"国家卫生健康委\", \"reason\": \"不属于本单位职责\"}", &h);
    assert_string_equal(p.status, "returned");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "reason"), "to")->valuestring,
        "不属于本单位职责");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "returned_by"), "to")->valuestring,
        "国家卫生健康委");
    pt_history_free(&h);
    pt_proposal_free(&p);

    fixture(&p, "assigned");
    refused(&p, p.assigned_at + 10 * DAY + 1, "return",
            "{\"unit\": \"国家卫生健康委\", \"reason\": \"x\"}", PT_EVALIDATION, "action",
            "the return window has closed: a unit may return a proposal within 10 days of its "
            "assignment, which ended 2026-03-14T00:00:00Z; a unit that should not handle it now "
            "asks the office that assigned it to reassign it");
    pt_proposal_free(&p);
}

static void close_without_feedback_waits_for_the_feedback_window(void **state)
{
    const char *reply = "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕1号\","
                        " \"category\": \"B\", \"text\": \"答复如下\"}";
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    run_done(&p, NOW, "reply", reply);
    refused(&p, NOW + 30 * DAY - 1, "close", "{}", PT_EVALIDATION, "action",
            "the feedback window is still open: the delegate may rate the reply until "
            "2026-04-04T00:00:00Z (30 days after it); record the feedback, or close after that");
    /* The window's end itself is past it. */
    run_ok(&p, NOW + 30 * DAY, "close", "{}", &h);
    assert_string_equal(p.status, "closed");
    pt_history_free(&h);
    pt_proposal_free(&p);
}

static void in_lead_co_mode_the_reply_waits_for_every_co_opinion(void **state)
{
    const char *reply = "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕1号\","
                        " \"category\": \"A\", \"text\": \"答复如下\"}";
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    p.units[1].opinion_at = 0;
    free(p.units[1].opinion);
    p.units[1].opinion = NULL;
    refused(&p, NOW, "reply", reply, PT_EVALIDATION, "action",
            "every co unit must give its opinion before the lead unit replies; still missing: "
            "财政部");
    /* A co unit cannot answer for the lead either. */
    refused(&p, NOW, "reply",
            "{\"unit\": \"财政部\", \"doc_no\": \"1\", \"category\": \"A\", \"text\": \"x\"}",
            PT_EVALIDATION, "unit", "in lead_co mode only the lead unit (国家卫生健康委) replies");

    run_ok(&p, NOW, "opinion", "{\"unit\": \"财政部\", \"opinion\": \"同意答复意见\"}", &h);
    assert_int_equal(p.units[1].opinion_at, NOW);
    assert_string_equal(p.units[1].opinion, "同意答复意见");
    assert_string_equal(p.status, "handling");
    assert_non_null(cJSON_GetObjectItem(h.changes, "units"));
    pt_history_free(&h);

    run_ok(&p, NOW + 1, "reply", reply, &h);
    assert_string_equal(p.status, "replied");
    assert_int_equal(p.n_replies, 1);
    assert_string_equal(p.replies[0].kind, "first");
    assert_string_equal(p.replies[0].doc_no, "国卫函〔2026〕1号");
    assert_int_equal(p.replies[0].replied_at, NOW + 1);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* A co unit that replies before its opinion is refused for the one reason
 * that is its own, on unit: only the lead unit replies, and its part is
 * the opinion. The opinions still missing are the lead unit's to wait for
 * and are not named to it; a clerk replying for the lead unit is still
 * told of them. */
static void a_co_units_reply_is_refused_only_because_the_lead_unit_replies(void **state)
{
    const char *co =
        "{\"unit\": \"财政部\", \"doc_no\": \"1\", \"category\": \"A\", \"text\": \"x\"}";
    pt_proposal_t p;
    pt_history_t h;
    pt_error_t err = {0};

    (void)state;
    fixture(&p, "handling");
    p.units[1].opinion_at = 0;
    free(p.units[1].opinion);
    p.units[1].opinion = NULL;
    assert_int_equal(run(&p, NOW, "reply", co, &h, &err), PT_EVALIDATION);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(err.details, "fields")), 1);
    assert_string_equal(
        field_message(&err, "unit"),
        "in lead_co mode only the lead unit (国家卫生健康委) replies; \"财政部\" is "
        "a co unit; its part is its opinion, given with the \"opinion\" action "
        "(协办意见)");
    assert_null(field_message(&err, "action"));
    pt_error_clear(&err);

    /* The same clerk replying for the lead unit is told whose opinion it
     * waits for, and of nothing else. */
    assert_int_equal(run(&p, NOW, "reply",
                         "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"1\", \"category\": "
                         "\"A\", \"text\": \"x\"}",
                         &h, &err),
                     PT_EVALIDATION);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(err.details, "fields")), 1);
    assert_string_equal(field_message(&err, "action"),
                        "every co unit must give its opinion before the lead unit replies; "
                        "still missing: 财政部");
    assert_null(field_message(&err, "unit"));
    pt_error_clear(&err);

    /* Once its opinion is given, it is only told who replies. */
    run_done(&p, NOW, "opinion", "{\"unit\": \"财政部\", \"opinion\": \"同意\"}");
    assert_int_equal(run(&p, NOW, "reply", co, &h, &err), PT_EVALIDATION);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(err.details, "fields")), 1);
    assert_string_equal(
        field_message(&err, "unit"),
        "in lead_co mode only the lead unit (国家卫生健康委) replies; \"财政部\" is "
        "a co unit");
    pt_error_clear(&err);
    pt_proposal_free(&p);
}

/* Unit names are kept without the spaces around them: " 财政部" and
 * "财政部 " are one unit, in assign, in the actions that name a unit and in
 * the reply that records it. */
static void unit_names_are_kept_without_spaces(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "submitted");
    refused(&p, NOW, "assign",
            "{\"mode\": \"separate\", \"units\": [{\"name\": \"财政部\"}, {\"name\": "
            "\"财政部\\u3000\"}]}",
            PT_EVALIDATION, "units[1].name", "is listed twice");
    run_ok(&p, NOW, "assign", "{\"mode\": \"single\", \"units\": [{\"name\": \" 财政部 \"}]}", &h);
    assert_int_equal(p.n_units, 1);
    assert_string_equal(p.units[0].name, "财政部");
    pt_history_free(&h);
    run_done(&p, NOW + 1, "sign", "{\"unit\": \"财政部\\u3000\"}");
    run_ok(&p, NOW + 2, "reply",
           "{\"unit\": \" 财政部\", \"doc_no\": \"财函〔2026〕1号\", \"category\": \"A\", "
           "\"text\": \"已办\"}",
           &h);
    assert_string_equal(p.replies[0].unit, "财政部");
    pt_history_free(&h);
    pt_proposal_free(&p);

    /* A return records the unit as assigned. */
    fixture(&p, "submitted");
    run_done(&p, NOW, "assign", "{\"mode\": \"single\", \"units\": [{\"name\": \"财政部\"}]}");
    run_ok(&p, NOW + 1, "return", "{\"unit\": \" 财政部\\t\", \"reason\": \"不属于本单位职责\"}",
           &h);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "returned_by"), "to")->valuestring,
        "财政部");
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* The supervisor is a name, kept as on create: without the spaces around
 * it, and a blank one is none. */
static void supervise_keeps_the_supervisor_without_spaces(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    run_ok(&p, NOW, "supervise", "{\"key_supervision\": true, \"supervisor\": \" 王主任\\u3000\"}",
           &h);
    assert_string_equal(p.supervisor, "王主任");
    pt_history_free(&h);
    run_ok(&p, NOW + 1, "supervise", "{\"key_supervision\": true, \"supervisor\": \"  \"}", &h);
    assert_null(p.supervisor);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* 分办: each separate unit answers for its part; the proposal is replied
 * when the last of them has, and stays in handling (its deadline running)
 * until then. After rehandling, one answer moves it on again. */
static void in_separate_mode_the_last_reply_moves_it_on(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    free(p.handling_mode);
    p.handling_mode = xs("separate");
    for (size_t i = 0; i < 2; i++) {
        free(p.units[i].role);
        p.units[i].role = xs("separate");
    }
    run_ok(&p, NOW, "reply",
           "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕3号\", \"category\": \"B\","
           " \"text\": \"资金部分的答复\"}",
           &h);
    assert_string_equal(p.status, "handling");
    assert_string_equal(h.to, "handling");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "awaiting_replies"), "to")->valuestring,
        "国家卫生健康委");
    assert_string_equal(p.replies[0].kind, "first");
    /* Not answered (办复) yet: the statistics count it when all are in. */
    assert_false(pt_proposal_answered(&p));
    /* Only the unit still to answer is late. */
    assert_true(pt_proposal_unit_answered(&p, "财政部"));
    assert_false(pt_proposal_unit_answered(&p, "国家卫生健康委"));
    pt_history_free(&h);
    /* But it has an answer: it is no longer withdrawn. */
    refused(&p, NOW, "withdraw", "{\"reason\": \"代表撤回\"}", PT_EVALIDATION, "action",
            "财政部 has already replied; a proposal can be withdrawn only before it is answered");

    /* A unit answers once a round: its second reply while the round waits
     * for another unit is refused ("again" is for after rehandling), and
     * the message points to the supplementary reply. */
    refused(&p, NOW + 1, "reply",
            "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕4号\", \"category\": \"A\","
            " \"text\": \"资金部分的再次答复\"}",
            PT_EVALIDATION, "unit",
            "\"财政部\" has already replied in this round, which still waits for 国家卫生健康委");
    refused(&p, NOW + 1, "reply",
            "{\"unit\": \" 财政部\", \"doc_no\": \"财函〔2026〕4号\", \"category\": \"A\","
            " \"text\": \"资金部分的再次答复\"}",
            PT_EVALIDATION, "unit",
            "a supplementary reply is made with the \"follow_up\" action (补充答复) in state "
            "closed");

    run_ok(&p, NOW + 1, "reply",
           "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕2号\", \"category\": \"A\","
           " \"text\": \"业务部分的答复\"}",
           &h);
    assert_string_equal(p.status, "replied");
    assert_null(cJSON_GetObjectItem(h.changes, "awaiting_replies"));
    assert_string_equal(p.replies[1].kind, "first");
    assert_true(pt_proposal_answered(&p));
    pt_history_free(&h);

    run_ok(&p, NOW + 2, "feedback", "{\"person\": \"张代表\", \"satisfaction\": \"unsatisfied\"}",
           &h);
    assert_string_equal(p.status, "rehandling");
    pt_history_free(&h);
    /* A new round, which any unit's answer ends: every unit owes one. */
    assert_false(pt_proposal_unit_answered(&p, "财政部"));
    assert_false(pt_proposal_unit_answered(&p, "国家卫生健康委"));
    run_ok(&p, NOW + 3, "reply",
           "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕9号\", \"category\": \"A\","
           " \"text\": \"再次答复\"}",
           &h);
    assert_string_equal(p.status, "replied");
    assert_string_equal(p.replies[2].kind, "again");
    pt_history_free(&h);

    /* Each unit may answer again after rehandling, and each such answer
     * moves the proposal on. */
    run_ok(&p, NOW + 4, "feedback", "{\"person\": \"张代表\", \"satisfaction\": \"unsatisfied\"}",
           &h);
    assert_string_equal(p.status, "rehandling");
    pt_history_free(&h);
    run_ok(&p, NOW + 5, "reply",
           "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕8号\", \"category\": \"A\","
           " \"text\": \"再次答复\"}",
           &h);
    assert_string_equal(p.status, "replied");
    assert_null(cJSON_GetObjectItem(h.changes, "awaiting_replies"));
    assert_int_equal(p.n_replies, 4);
    assert_string_equal(p.replies[3].unit, "国家卫生健康委");
    assert_string_equal(p.replies[3].kind, "again");
    /* Rehandling is no assignment: the replies of the first round still
     * count, and one answer ends the round. */
    assert_int_equal(p.replies_from, 0);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* A rehandling that starts late (a reopen months after the assignment)
 * has a deadline past assigned_at + 180 days: its extensions count from
 * when it began, so that it can be extended at all. */
static void rehandling_is_extended_up_to_the_maximum_after_it_began(void **state)
{
    char body[128], tbuf[40], want[160];
    int64_t late = NOW + 200 * DAY;
    pt_proposal_t p;

    (void)state;
    fixture(&p, "closed");
    run_done(&p, late, "reopen", "{\"reason\": \"代表再次反映\"}");
    assert_string_equal(p.status, "rehandling");
    assert_int_equal(p.rehandling_at, late);
    assert_int_equal(p.due_at, late + 30 * DAY);

    snprintf(body, sizeof(body), "{\"due_at\": \"%s\"}",
             pt_time_format(late + 180 * DAY + 1, tbuf, sizeof(tbuf)));
    snprintf(want, sizeof(want),
             "goes past the limit of 180 days after rehandling began; the latest allowed is %s",
             pt_time_format(late + 180 * DAY, tbuf, sizeof(tbuf)));
    refused(&p, late + DAY, "extend", body, PT_EVALIDATION, "due_at", want);
    snprintf(body, sizeof(body), "{\"due_at\": \"%s\"}",
             pt_time_format(late + 180 * DAY, tbuf, sizeof(tbuf)));
    run_done(&p, late + DAY, "extend", body);
    assert_int_equal(p.due_at, late + 180 * DAY);

    /* Unsatisfied feedback starts a round the same way. */
    pt_proposal_free(&p);
    fixture(&p, "replied");
    run_done(&p, late, "feedback", "{\"person\": \"张代表\", \"satisfaction\": \"unsatisfied\"}");
    assert_int_equal(p.rehandling_at, late);
    snprintf(body, sizeof(body), "{\"due_at\": \"%s\"}",
             pt_time_format(late + 100 * DAY, tbuf, sizeof(tbuf)));
    run_done(&p, late + DAY, "extend", body);
    pt_proposal_free(&p);
}

/* Every unit signs for its part, once: the first signature starts the
 * handling, the others are kept while it goes on. */
static void each_unit_signs_once_and_the_first_starts_handling(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "assigned");
    run_ok(&p, NOW, "sign", "{\"unit\": \"财政部\"}", &h);
    assert_string_equal(p.status, "handling");
    assert_string_equal(h.to, "handling");
    assert_int_equal(p.units[1].signed_at, NOW);
    assert_int_equal(p.units[0].signed_at, 0);
    pt_history_free(&h);

    run_ok(&p, NOW + 1, "sign", "{\"unit\": \"国家卫生健康委\"}", &h);
    assert_string_equal(p.status, "handling");
    assert_string_equal(h.from, "handling");
    assert_string_equal(h.to, "handling");
    assert_int_equal(p.units[0].signed_at, NOW + 1);
    pt_history_free(&h);

    refused(&p, NOW + 2, "sign", "{\"unit\": \"财政部\"}", PT_EVALIDATION, "unit",
            "\"财政部\" signed for the proposal at 2026-03-05T00:00:00Z; a unit signs once");
    /* In rehandling too, and it stays there. */
    free(p.status);
    p.status = xs("rehandling");
    refused(&p, NOW + 3, "sign", "{\"unit\": \"国家卫生健康委\"}", PT_EVALIDATION, "unit",
            "a unit signs once");
    p.units[0].signed_at = 0;
    run_ok(&p, NOW + 3, "sign", "{\"unit\": \"国家卫生健康委\"}", &h);
    assert_string_equal(p.status, "rehandling");
    pt_history_free(&h);
    pt_proposal_free(&p);
}

static void extension_is_capped_at_the_maximum_after_assignment(void **state)
{
    char body[128], tbuf[40];
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    snprintf(body, sizeof(body), "{\"due_at\": \"%s\"}",
             pt_time_format(p.assigned_at + 180 * DAY + 1, tbuf, sizeof(tbuf)));
    refused(&p, NOW, "extend", body, PT_EVALIDATION, "due_at",
            "goes past the limit of 180 days after assignment; the latest allowed is "
            "2026-08-31T00:00:00Z");
    refused(&p, NOW, "extend", "{\"due_at\": \"2026-04-01T00:00:00Z\"}", PT_EVALIDATION, "due_at",
            "must be later than the current deadline 2026-06-02T00:00:00Z");
    refused(&p, NOW, "extend", "{\"due_at\": \"2026-03-01T00:00:00Z\"}", PT_EVALIDATION, "due_at",
            "must be in the future");

    snprintf(body, sizeof(body), "{\"due_at\": \"%s\", \"note\": \"情况复杂，申请延期\"}",
             pt_time_format(p.assigned_at + 180 * DAY, tbuf, sizeof(tbuf)));
    run_ok(&p, NOW, "extend", body, &h);
    assert_int_equal(p.due_at, p.assigned_at + 180 * DAY);
    assert_string_equal(h.note, "情况复杂，申请延期");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "due_at"), "from")->valuestring,
        "2026-06-02T00:00:00Z");
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "due_at"), "to")->valuestring,
        "2026-08-31T00:00:00Z");
    assert_null(cJSON_GetObjectItem(h.changes, "status"));
    pt_history_free(&h);
    pt_proposal_free(&p);
}

static void satisfied_feedback_closes_and_unsatisfied_reopens_handling(void **state)
{
    static const struct {
        const char *satisfaction, *to;
    } cases[] = {
        {"satisfied", "closed"}, {"basically_satisfied", "closed"}, {"unsatisfied", "rehandling"}};
    char body[160];

    (void)state;
    for (size_t i = 0; i < 3; i++) {
        pt_proposal_t p;
        pt_history_t h;
        int64_t due;

        fixture(&p, "replied");
        due = p.due_at;
        snprintf(body, sizeof(body),
                 "{\"person\": \"王建国\", \"satisfaction\": \"%s\", \"comment\": \"意见\"}",
                 cases[i].satisfaction);
        run_ok(&p, NOW + 5 * DAY, "feedback", body, &h);
        assert_string_equal(p.status, cases[i].to);
        assert_int_equal(p.n_feedback, 1);
        assert_string_equal(p.feedback[0].person, "王建国");
        assert_string_equal(p.feedback[0].satisfaction, cases[i].satisfaction);
        assert_string_equal(p.feedback[0].comment, "意见");
        assert_int_equal(p.feedback[0].at, NOW + 5 * DAY);
        if (strcmp(cases[i].to, "rehandling") == 0)
            assert_int_equal(p.due_at, NOW + 5 * DAY + 30 * DAY);
        else
            assert_int_equal(p.due_at, due);
        pt_history_free(&h);
        pt_proposal_free(&p);
    }
}

/* Feedback is the rating of one of the proposal's delegates: another name
 * is refused, naming who may rate; a name is kept without the spaces
 * around it; a proposal that names no delegate takes any name. */
static void feedback_comes_from_the_lead_author_or_a_co_signer(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "replied");
    p.lead_author = xs("王建国");
    p.co_signers.v = calloc(2, sizeof(char *));
    p.co_signers.v[0] = xs("李秀英");
    p.co_signers.v[1] = xs("欧阳𫟼");
    p.co_signers.n = 2;
    /* The delegate who rates is asked for with who may. */
    refused(&p, NOW + DAY, "feedback", "{\"satisfaction\": \"satisfied\"}", PT_EVALIDATION,
            "person",
            "required: the delegate who rates, the lead author or a co-signer (王建国, 李秀英, "
            "欧阳𫟼)");
    refused(&p, NOW + DAY, "feedback", "{\"person\": \"路人甲\", \"satisfaction\": \"satisfied\"}",
            PT_EVALIDATION, "person",
            "\"路人甲\" is neither the lead author nor a co-signer of this proposal; the "
            "feedback is one of theirs: 王建国, 李秀英, 欧阳𫟼");
    run_ok(&p, NOW + DAY, "feedback",
           "{\"person\": \"\u3000欧阳𫟼 \", \"satisfaction\": \"unsatisfied\"}", &h);
    assert_string_equal(p.status, "rehandling");
    assert_string_equal(p.feedback[0].person, "欧阳𫟼");
    pt_history_free(&h);
    pt_proposal_free(&p);

    fixture(&p, "replied");
    run_ok(&p, NOW + DAY, "feedback",
           "{\"person\": \"代表团联络员\", \"satisfaction\": \"satisfied\"}", &h);
    assert_string_equal(p.feedback[0].person, "代表团联络员");
    pt_history_free(&h);
    pt_proposal_free(&p);

    /* A name stored before names were kept without the spaces around them
     * is still that person; a long list of who may rate is cut whole. */
    fixture(&p, "replied");
    p.lead_author = xs(" 王建国\u3000");
    p.co_signers.n = 40;
    p.co_signers.v = calloc(40, sizeof(char *));
    for (size_t i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof(name), "联名代表%zu", i + 1);
        p.co_signers.v[i] = xs(name);
    }
    refused(&p, NOW + DAY, "feedback", "{\"person\": \"路人乙\", \"satisfaction\": \"satisfied\"}",
            PT_EVALIDATION, "person", "王建国\u3000, 联名代表1, 联名代表2");
    refused(&p, NOW + DAY, "feedback", "{\"person\": \"路人乙\", \"satisfaction\": \"satisfied\"}",
            PT_EVALIDATION, "person", "… (41 in all)");
    run_ok(&p, NOW + DAY, "feedback", "{\"person\": \"王建国\", \"satisfaction\": \"satisfied\"}",
           &h);
    assert_string_equal(p.status, "closed");
    pt_history_free(&h);
    pt_proposal_free(&p);

    /* The lead author named among the co-signers too (a ledger that
     * lists every delegate there) is named once, and counted once. */
    fixture(&p, "replied");
    p.lead_author = xs("王建国");
    p.co_signers.v = calloc(3, sizeof(char *));
    p.co_signers.v[0] = xs("李秀英");
    p.co_signers.v[1] = xs("王建国 ");
    p.co_signers.v[2] = xs("欧阳𫟼");
    p.co_signers.n = 3;
    refused(&p, NOW + DAY, "feedback", "{\"person\": \"路人甲\", \"satisfaction\": \"satisfied\"}",
            PT_EVALIDATION, "person",
            "\"路人甲\" is neither the lead author nor a co-signer of this proposal; the "
            "feedback is one of theirs: 王建国, 李秀英, 欧阳𫟼");
    pt_proposal_free(&p);
    fixture(&p, "replied");
    p.lead_author = xs("王建国");
    p.co_signers.n = 40;
    p.co_signers.v = calloc(40, sizeof(char *));
    for (size_t i = 0; i < 40; i++) {
        char name[32];
        snprintf(name, sizeof(name), "联名代表%zu", i + 1);
        p.co_signers.v[i] = xs(i == 20 ? "王建国" : name);
    }
    refused(&p, NOW + DAY, "feedback", "{\"person\": \"路人乙\", \"satisfaction\": \"satisfied\"}",
            PT_EVALIDATION, "person", "… (40 in all)");
    pt_proposal_free(&p);
}

static void assign_sets_the_units_and_the_reply_deadline(void **state)
{
    pt_proposal_t p;
    pt_history_t h;
    cJSON *c;

    (void)state;
    fixture(&p, "returned");
    p.units[0].signed_at = NOW - 1;
    run_ok(&p, NOW, "reassign",
           "{\"mode\": \"separate\", \"units\": [{\"name\": \"教育部\", \"role\": \"separate\"},"
           " {\"name\": \"人社部\"}]}",
           &h);
    assert_string_equal(p.status, "assigned");
    assert_string_equal(p.handling_mode, "separate");
    assert_int_equal(p.n_units, 2);
    assert_string_equal(p.units[1].name, "人社部");
    assert_string_equal(p.units[1].role, "separate");
    assert_int_equal(p.units[0].signed_at, 0);
    assert_int_equal(p.units[0].opinion_at, 0);
    assert_null(p.units[0].opinion);
    assert_int_equal(p.assigned_at, NOW);
    assert_int_equal(p.due_at, NOW + 90 * DAY);
    c = cJSON_GetObjectItem(h.changes, "handling_mode");
    assert_string_equal(cJSON_GetObjectItem(c, "from")->valuestring, "lead_co");
    assert_string_equal(cJSON_GetObjectItem(c, "to")->valuestring, "separate");
    assert_non_null(cJSON_GetObjectItem(h.changes, "units"));
    assert_non_null(cJSON_GetObjectItem(h.changes, "assigned_at"));
    /* No reply came before it: every reply will count. */
    assert_int_equal(p.replies_from, 0);
    assert_null(cJSON_GetObjectItem(h.changes, "replies_from"));
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* An office's workflow that assigns a proposal anew while it is handled or
 * once it is replied: handling and replied, assign from both, reply. */
static const char reassigning_office[] =
    "{\"name\": \"office\", \"states\": ["
    "{\"name\": \"handling\", \"label\": {\"zh\": \"办理中\", \"en\": \"Handling\"},"
    " \"initial\": true, \"clock\": true},"
    "{\"name\": \"replied\", \"label\": {\"zh\": \"已答复\", \"en\": \"Replied\"}}],"
    " \"actions\": ["
    "{\"name\": \"assign\", \"label\": {\"zh\": \"交办\", \"en\": \"Assign\"},"
    " \"from\": [\"handling\", \"replied\"], \"to\": \"handling\", \"fields\": ["
    "{\"name\": \"mode\", \"type\": \"enum\", \"required\": true,"
    " \"values\": [\"lead_co\", \"separate\", \"single\"]},"
    "{\"name\": \"units\", \"type\": \"units\", \"required\": true}]},"
    "{\"name\": \"reply\", \"label\": {\"zh\": \"答复\", \"en\": \"Reply\"},"
    " \"from\": [\"handling\"], \"to\": \"replied\", \"fields\": ["
    "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"
    "{\"name\": \"doc_no\", \"type\": \"string\", \"required\": true},"
    "{\"name\": \"category\", \"type\": \"enum\", \"required\": true,"
    " \"values\": [\"A\", \"B\", \"C\", \"D\"]},"
    "{\"name\": \"text\", \"type\": \"text\", \"required\": true}]}]}";

static int office_run(const pt_workflow_t *office, pt_proposal_t *p, int64_t now,
                      const char *action, const char *body, pt_error_t *err)
{
    pt_action_ctx_t c = {office, &deadlines, now, "王秘书", state_of, NULL};
    pt_history_t h;
    cJSON *b = parse(body);
    int rc = pt_workflow_apply(&c, p, action, b, &h, err);

    cJSON_Delete(b);
    if (rc == PT_OK)
        pt_history_free(&h);
    return rc;
}

/* In separate mode (分办) a proposal assigned anew after one unit's reply
 * waits for a reply to the new assignment from each unit it names: the
 * reply of before, which stays in the proposal, answers none of it. It
 * counted: 财政部 was taken as having answered, its reply to the new
 * assignment was refused as a second one in the round, and 教育部's alone
 * made the proposal answered (办复). */
static void a_reply_before_a_reassignment_does_not_answer_it(void **state)
{
    pt_workflow_t *office;
    pt_error_t err = {0};
    pt_proposal_t p;

    (void)state;
    if (pt_workflow_load(reassigning_office, strlen(reassigning_office), &office, &err) != PT_OK)
        fail_msg("%s", err.message);
    fixture(&p, "handling");
    free(p.handling_mode);
    p.handling_mode = xs("separate");
    for (size_t i = 0; i < 2; i++) {
        free(p.units[i].role);
        p.units[i].role = xs("separate");
    }
    assert_int_equal(office_run(office, &p, NOW, "reply",
                                "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕3号\","
                                " \"category\": \"B\", \"text\": \"资金部分的答复\"}",
                                &err),
                     PT_OK);
    assert_true(pt_proposal_unit_answered(&p, "财政部"));

    assert_int_equal(office_run(office, &p, NOW + DAY, "assign",
                                "{\"mode\": \"separate\", \"units\": [{\"name\": \"财政部\"},"
                                " {\"name\": \"教育部\"}]}",
                                &err),
                     PT_OK);
    assert_int_equal(p.replies_from, NOW + DAY);
    assert_int_equal(p.n_replies, 1);
    assert_false(pt_proposal_unit_replied(&p, "财政部"));
    assert_false(pt_proposal_unit_answered(&p, "财政部"));
    assert_false(pt_proposal_answered(&p));

    assert_int_equal(office_run(office, &p, NOW + 2 * DAY, "reply",
                                "{\"unit\": \"教育部\", \"doc_no\": \"教函〔2026〕5号\","
                                " \"category\": \"A\", \"text\": \"教育部分的答复\"}",
                                &err),
                     PT_OK);
    assert_string_equal(p.status, "handling");
    assert_false(pt_proposal_answered(&p));
    assert_true(pt_proposal_unit_answered(&p, "教育部"));
    assert_false(pt_proposal_unit_answered(&p, "财政部"));

    assert_int_equal(office_run(office, &p, NOW + 3 * DAY, "reply",
                                "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕8号\","
                                " \"category\": \"A\", \"text\": \"重新交办后的答复\"}",
                                &err),
                     PT_OK);
    assert_string_equal(p.status, "replied");
    assert_string_equal(p.replies[2].kind, "again");
    assert_true(pt_proposal_answered(&p));
    assert_string_equal(pt_proposal_reply_category(&p), "A");
    pt_proposal_free(&p);

    /* In single mode too, the proposal assigned anew once it was replied
     * is answered again only by a reply to that assignment. */
    fixture(&p, "handling");
    free(p.handling_mode);
    p.handling_mode = xs("single");
    p.n_units = 1;
    free(p.units[1].name);
    free(p.units[1].role);
    free(p.units[1].opinion);
    assert_int_equal(office_run(office, &p, NOW, "reply",
                                "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕1号\","
                                " \"category\": \"C\", \"text\": \"答复如下\"}",
                                &err),
                     PT_OK);
    assert_true(pt_proposal_answered(&p));
    assert_int_equal(office_run(office, &p, NOW + DAY, "assign",
                                "{\"mode\": \"single\", \"units\": [{\"name\": \"教育部\"}]}",
                                &err),
                     PT_OK);
    assert_string_equal(p.status, "handling");
    assert_false(pt_proposal_answered(&p));
    assert_int_equal(office_run(office, &p, NOW + 2 * DAY, "reply",
                                "{\"unit\": \"教育部\", \"doc_no\": \"教函〔2026〕2号\","
                                " \"category\": \"A\", \"text\": \"答复如下\"}",
                                &err),
                     PT_OK);
    assert_true(pt_proposal_answered(&p));
    assert_string_equal(p.replies[1].kind, "first");
    pt_proposal_free(&p);
    pt_workflow_free(office);
}

/* A reply and an assignment in one millisecond, or an assignment on a
 * clock that stepped back behind a reply: the reply of before still does
 * not answer the assignment, and the one after it does. */
static void a_reassignment_comes_after_the_replies_before_it_whatever_the_clock(void **state)
{
    pt_workflow_t *office;
    pt_error_t err = {0};
    pt_proposal_t p;

    (void)state;
    if (pt_workflow_load(reassigning_office, strlen(reassigning_office), &office, &err) != PT_OK)
        fail_msg("%s", err.message);
    fixture(&p, "handling");
    free(p.handling_mode);
    p.handling_mode = xs("single");
    p.n_units = 1;
    free(p.units[1].name);
    free(p.units[1].role);
    free(p.units[1].opinion);
    assert_int_equal(office_run(office, &p, NOW + 5, "reply",
                                "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕1号\","
                                " \"category\": \"C\", \"text\": \"答复如下\"}",
                                &err),
                     PT_OK);
    assert_int_equal(office_run(office, &p, NOW + 3, "assign",
                                "{\"mode\": \"single\", \"units\": [{\"name\": \"教育部\"}]}",
                                &err),
                     PT_OK);
    assert_int_equal(p.replies_from, NOW + 6);
    assert_false(pt_proposal_answered(&p));
    assert_int_equal(office_run(office, &p, NOW + 4, "reply",
                                "{\"unit\": \"教育部\", \"doc_no\": \"教函〔2026〕2号\","
                                " \"category\": \"A\", \"text\": \"答复如下\"}",
                                &err),
                     PT_OK);
    assert_int_equal(p.replies[1].replied_at, NOW + 6);
    assert_true(pt_proposal_answered(&p));
    pt_proposal_free(&p);
    pt_workflow_free(office);
}

static void assign_checks_the_units_against_the_mode(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "submitted");
    refused(&p, NOW, "assign",
            "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"甲\", \"role\": \"lead\"},"
            " {\"name\": \"乙\", \"role\": \"lead\"}]}",
            PT_EVALIDATION, "units", "lead_co mode needs exactly one unit with role lead (got 2)");
    refused(&p, NOW, "assign",
            "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"甲\", \"role\": \"lead\"},"
            " {\"name\": \"乙\"}]}",
            PT_EVALIDATION, "units[1].role", "required in lead_co mode");
    refused(&p, NOW, "assign",
            "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"甲\", \"role\": \"lead\"},"
            " {\"name\": \"乙\", \"role\": \"separate\"}]}",
            PT_EVALIDATION, "units[1].role", "must be lead or co in lead_co mode");
    refused(&p, NOW, "assign",
            "{\"mode\": \"single\", \"units\": [{\"name\": \"甲\"}, {\"name\": \"乙\"}]}",
            PT_EVALIDATION, "units", "single mode takes exactly one unit (got 2)");
    refused(&p, NOW, "assign",
            "{\"mode\": \"single\", \"units\": [{\"name\": \"甲\", \"role\": \"co\"}]}",
            PT_EVALIDATION, "units[0].role", "must be lead in single mode");
    refused(&p, NOW, "assign",
            "{\"mode\": \"separate\", \"units\": [{\"name\": \"甲\", \"role\": \"lead\"}]}",
            PT_EVALIDATION, "units[0].role", "must be separate in separate mode");
    refused(&p, NOW, "assign",
            "{\"mode\": \"separate\", \"units\": [{\"name\": \"甲\"}, {\"name\": \"甲\"}]}",
            PT_EVALIDATION, "units[1].name", "\"甲\" is listed twice");
    refused(&p, NOW, "assign", "{\"mode\": \"separate\", \"units\": []}", PT_EVALIDATION, "units",
            "must be a non-empty array");
    refused(&p, NOW, "assign",
            "{\"mode\": \"separate\", \"units\": [{\"name\": \"甲\", \"level\": 1}]}",
            PT_EVALIDATION, "units[0].level", "unknown field");
    refused(&p, NOW, "assign", "{\"mode\": \"solo\", \"units\": [{\"name\": \"甲\"}]}",
            PT_EVALIDATION, "mode", "must be one of lead_co, separate, single");

    /* At most PT_UNITS_MAX units: one more is refused before any is
     * looked at; exactly that many are taken. */
    char *many = NULL;
    for (int n = PT_UNITS_MAX; n <= PT_UNITS_MAX + 1; n++) {
        size_t cap = 64 + (size_t)n * 40, used = 0;
        many = realloc(many, cap);
        assert_non_null(many);
        used += (size_t)snprintf(many, cap, "{\"mode\": \"separate\", \"units\": [");
        for (int i = 0; i < n; i++)
            used += (size_t)snprintf(many + used, cap - used, "%s{\"name\": \"单位%d\"}",
                                     i ? ", " : "", i);
        snprintf(many + used, cap - used, "]}");
        if (n > PT_UNITS_MAX) {
            char want[64];
            snprintf(want, sizeof(want), "at most %d units, not %d", PT_UNITS_MAX, n);
            refused(&p, NOW, "assign", many, PT_EVALIDATION, "units", want);
        } else {
            pt_proposal_t q;
            pt_history_t h;
            fixture(&q, "submitted");
            run_ok(&q, NOW, "assign", many, &h);
            assert_int_equal(q.n_units, PT_UNITS_MAX);
            pt_history_free(&h);
            pt_proposal_free(&q);
        }
    }
    free(many);
    pt_proposal_free(&p);
}

static void merge_needs_another_existing_proposal(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "reviewing");
    refused(&p, NOW, "merge", "{\"merged_into\": 99}", PT_EVALIDATION, "merged_into",
            "proposal 99 does not exist");
    refused(&p, NOW, "merge", "{\"merged_into\": 42}", PT_EVALIDATION, "merged_into",
            "cannot be merged into itself");
    refused(&p, NOW, "merge", "{\"merged_into\": \"7\"}", PT_EVALIDATION, "merged_into",
            "must be a proposal id");
    refused(&p, NOW, "merge", "{\"merged_into\": 1.5}", PT_EVALIDATION, "merged_into",
            "must be a proposal id");
    run_ok(&p, NOW, "merge", "{\"merged_into\": 7}", &h);
    assert_int_equal(p.merged_into, 7);
    assert_string_equal(p.status, "merged");
    assert_int_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "merged_into"), "to")->valueint, 7);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* 并案: the target must be live. A draft is not handled yet (and may be
 * deleted), a proposal in a terminal state is no longer handled; a merge
 * into either, or into a proposal already merged (a chain), or back into
 * one merged into this (both would end merged), is refused on
 * merged_into, and changes nothing. */
static void merge_goes_only_into_a_live_proposal(void **state)
{
    static const struct {
        int64_t id;
        const char *want;
    } dead[] = {
        {8, "proposal 8 is a draft (草稿), not yet submitted; merge into a proposal that has "
            "been submitted, or submit that one first"},
        {9, "proposal 9 is in state \"withdrawn\" (撤回), a final state where it is no longer "
            "handled; merge into a proposal that is still being handled"},
        {10, "proposal 10 is in state \"merged\" (并案), a final state"},
        {11, "proposal 11 is in state \"not_filed\" (不予立案), a final state"},
        {12, "proposal 12 is in state \"converted\" (转为意见建议), a final state"},
        {13, "proposal 13 is in state \"closed\" (办结), a final state"},
        {15, "proposal 15 is in state \"archived\", which workflow \"default\" does not have"},
    };
    pt_proposal_t p;
    pt_history_t h;
    char body[64];

    (void)state;
    fixture(&p, "reviewing");
    for (size_t i = 0; i < sizeof(dead) / sizeof(dead[0]); i++) {
        snprintf(body, sizeof(body), "{\"merged_into\": %lld}", (long long)dead[i].id);
        refused(&p, NOW, "merge", body, PT_EVALIDATION, "merged_into", dead[i].want);
    }
    /* Another proposal under review is live. */
    run_ok(&p, NOW, "merge", "{\"merged_into\": 14}", &h);
    assert_string_equal(p.status, "merged");
    assert_int_equal(p.merged_into, 14);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

/* An office's workflow is judged by its own flags: there "archived" is
 * terminal and "withdrawn" is not. Its workflow has no follow_up, so a
 * refused second reply does not point to one. */
static void an_office_workflow_is_judged_by_its_flags(void **state)
{
    static const char doc[] =
        "{\"name\": \"county\", \"states\": ["
        "{\"name\": \"reviewing\", \"label\": {\"zh\": \"审查中\", \"en\": \"Reviewing\"},"
        " \"initial\": true},"
        "{\"name\": \"withdrawn\", \"label\": {\"zh\": \"撤回\", \"en\": \"Withdrawn\"}},"
        "{\"name\": \"archived\", \"label\": {\"zh\": \"归档\", \"en\": \"Archived\"},"
        " \"terminal\": true},"
        "{\"name\": \"merged\", \"label\": {\"zh\": \"并案\", \"en\": \"Merged\"},"
        " \"terminal\": true},"
        "{\"name\": \"handling\", \"label\": {\"zh\": \"办理中\", \"en\": \"Handling\"},"
        " \"initial\": true, \"clock\": true},"
        "{\"name\": \"replied\", \"label\": {\"zh\": \"已答复\", \"en\": \"Replied\"}}],"
        " \"actions\": ["
        "{\"name\": \"withdraw\", \"label\": {\"zh\": \"撤回\", \"en\": \"Withdraw\"},"
        " \"from\": [\"reviewing\"], \"to\": \"withdrawn\"},"
        "{\"name\": \"archive\", \"label\": {\"zh\": \"归档\", \"en\": \"Archive\"},"
        " \"from\": [\"reviewing\"], \"to\": \"archived\", \"effect\": \"none\"},"
        "{\"name\": \"merge\", \"label\": {\"zh\": \"并案\", \"en\": \"Merge\"},"
        " \"from\": [\"reviewing\"], \"to\": \"merged\","
        " \"fields\": [{\"name\": \"merged_into\", \"type\": \"proposal_id\", \"required\": "
        "true}]},"
        "{\"name\": \"reply\", \"label\": {\"zh\": \"答复\", \"en\": \"Reply\"},"
        " \"from\": [\"handling\"], \"to\": \"replied\", \"fields\": ["
        "{\"name\": \"unit\", \"type\": \"string\", \"required\": true},"
        "{\"name\": \"doc_no\", \"type\": \"string\", \"required\": true},"
        "{\"name\": \"category\", \"type\": \"enum\", \"required\": true,"
        " \"values\": [\"A\", \"B\", \"C\", \"D\"]},"
        "{\"name\": \"text\", \"type\": \"text\", \"required\": true}]}]}";
    const char *reply = "{\"unit\": \"财政部\", \"doc_no\": \"财函〔2026〕3号\", \"category\": "
                        "\"B\", \"text\": \"资金部分的答复\"}";
    pt_workflow_t *office;
    pt_error_t err = {0};
    pt_proposal_t p;
    pt_history_t h;
    cJSON *b;

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &office, &err) != PT_OK)
        fail_msg("%s", err.message);
    pt_action_ctx_t c = {office, &deadlines, NOW, "王秘书", state_of, NULL};

    fixture(&p, "reviewing");
    b = parse("{\"merged_into\": 15}");
    assert_int_equal(pt_workflow_apply(&c, &p, "merge", b, &h, &err), PT_EVALIDATION);
    assert_non_null(strstr(field_message(&err, "merged_into"),
                           "proposal 15 is in state \"archived\" (归档), a final state"));
    assert_string_equal(p.status, "reviewing");
    pt_error_clear(&err);
    cJSON_Delete(b);
    b = parse("{\"merged_into\": 9}");
    assert_int_equal(pt_workflow_apply(&c, &p, "merge", b, &h, &err), PT_OK);
    assert_int_equal(p.merged_into, 9);
    pt_history_free(&h);
    cJSON_Delete(b);
    pt_proposal_free(&p);

    fixture(&p, "handling");
    free(p.handling_mode);
    p.handling_mode = xs("separate");
    for (size_t i = 0; i < 2; i++) {
        free(p.units[i].role);
        p.units[i].role = xs("separate");
    }
    b = parse(reply);
    assert_int_equal(pt_workflow_apply(&c, &p, "reply", b, &h, &err), PT_OK);
    pt_history_free(&h);
    assert_int_equal(pt_workflow_apply(&c, &p, "reply", b, &h, &err), PT_EVALIDATION);
    const char *m = field_message(&err, "unit");
    assert_non_null(strstr(m, "\"财政部\" has already replied in this round"));
    assert_null(strstr(m, "supplementary"));
    assert_int_equal(p.n_replies, 1);
    pt_error_clear(&err);
    cJSON_Delete(b);
    pt_proposal_free(&p);
    pt_workflow_free(office);
}

/* An office's own action keeps its fields in the history: no effect
 * records them in the proposal. */
static void an_office_actions_own_fields_are_kept_in_the_history(void **state)
{
    static const char doc[] =
        "{\"name\": \"county\", \"states\": ["
        "{\"name\": \"handling\", \"label\": {\"zh\": \"办理中\", \"en\": \"Handling\"},"
        " \"initial\": true, \"clock\": true},"
        "{\"name\": \"urged\", \"label\": {\"zh\": \"已催办\", \"en\": \"Urged\"},"
        " \"clock\": true}],"
        " \"actions\": ["
        "{\"name\": \"urge\", \"label\": {\"zh\": \"催办\", \"en\": \"Urge\"},"
        " \"from\": [\"handling\"], \"to\": \"urged\", \"effect\": \"none\", \"fields\": ["
        "{\"name\": \"method\", \"type\": \"enum\", \"required\": true,"
        " \"values\": [\"电话\", \"函件\"]},"
        "{\"name\": \"urgent\", \"type\": \"bool\", \"required\": false},"
        "{\"name\": \"reason\", \"type\": \"text\", \"required\": false}]}]}";
    pt_workflow_t *office;
    pt_error_t err = {0};
    pt_proposal_t p;
    pt_history_t h;
    cJSON *b, *c;

    (void)state;
    if (pt_workflow_load(doc, strlen(doc), &office, &err) != PT_OK)
        fail_msg("%s", err.message);
    pt_action_ctx_t ctx = {office, &deadlines, NOW, "王秘书", state_of, NULL};
    fixture(&p, "handling");
    b = parse("{\"method\": \"电话\", \"urgent\": true, \"reason\": \"逾期未复\"}");
    assert_int_equal(pt_workflow_apply(&ctx, &p, "urge", b, &h, &err), PT_OK);
    c = h.changes;
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "method"), "to")->valuestring,
                        "电话");
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "urgent"), "to")));
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "reason"), "to")->valuestring,
                        "逾期未复");
    assert_string_equal(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "status"), "to")->valuestring,
                        "urged");
    pt_history_free(&h);
    cJSON_Delete(b);
    pt_proposal_free(&p);
    pt_workflow_free(office);
}

static void supervise_sets_and_clears_key_supervision(void **state)
{
    pt_proposal_t p;
    pt_history_t h;

    (void)state;
    fixture(&p, "handling");
    run_ok(&p, NOW, "supervise", "{\"key_supervision\": true, \"supervisor\": \"赵主任\"}", &h);
    assert_true(p.key_supervision);
    assert_string_equal(p.supervisor, "赵主任");
    assert_string_equal(p.status, "handling");
    pt_history_free(&h);
    run_ok(&p, NOW, "supervise", "{\"key_supervision\": false}", &h);
    assert_false(p.key_supervision);
    assert_null(p.supervisor);
    pt_history_free(&h);
    refused(&p, NOW, "supervise", "{\"key_supervision\": \"yes\"}", PT_EVALIDATION,
            "key_supervision", "must be true or false");
    pt_proposal_free(&p);
}

static void the_full_walk_from_submission_to_closing(void **state)
{
    const char *reply = "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"国卫函〔2026〕%d号\","
                        " \"category\": \"%s\", \"text\": \"%s\"}";
    char body[256];
    pt_proposal_t p;
    pt_history_t h;
    int64_t t = NOW;
    cJSON *j, *c;

    (void)state;
    pt_proposal_init(&p);
    p.id = 42;
    p.title = xs("关于加强基层医疗卫生服务能力建设的建议");
    p.status = xs("submitted");
    p.version = 1;

    run_ok(&p, t, "assign",
           "{\"mode\": \"lead_co\", \"units\": [{\"name\": \"国家卫生健康委\", \"role\": \"lead\"},"
           " {\"name\": \"财政部\", \"role\": \"co\"}], \"note\": \"请抓紧办理\"}",
           &h);
    assert_string_equal(p.status, "assigned");
    assert_int_equal(p.due_at, NOW + 90 * DAY);
    assert_string_equal(h.actor, "王秘书");
    assert_string_equal(h.action, "assign");
    assert_string_equal(h.note, "请抓紧办理");
    c = cJSON_GetObjectItem(h.changes, "status");
    assert_string_equal(cJSON_GetObjectItem(c, "from")->valuestring, "submitted");
    assert_string_equal(cJSON_GetObjectItem(c, "to")->valuestring, "assigned");
    c = cJSON_GetObjectItem(h.changes, "due_at");
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(c, "from")));
    assert_string_equal(cJSON_GetObjectItem(c, "to")->valuestring, "2026-06-03T00:00:00Z");
    assert_null(cJSON_GetObjectItem(h.changes, "version"));
    assert_null(cJSON_GetObjectItem(h.changes, "updated_at"));
    pt_history_free(&h);

    t += DAY;
    run_ok(&p, t, "sign", "{\"unit\": \"国家卫生健康委\"}", &h);
    assert_string_equal(p.status, "handling");
    assert_int_equal(p.units[0].signed_at, t);
    assert_null(h.note);
    pt_history_free(&h);

    t += DAY;
    run_done(&p, t, "opinion", "{\"unit\": \"财政部\", \"opinion\": \"同意\"}");

    t += 20 * DAY;
    snprintf(body, sizeof(body), reply, 1, "B", "答复如下");
    run_ok(&p, t, "reply", body, &h);
    assert_string_equal(p.status, "replied");
    assert_string_equal(p.replies[0].kind, "first");
    assert_non_null(cJSON_GetObjectItem(h.changes, "replies"));
    pt_history_free(&h);

    t += 5 * DAY;
    run_ok(&p, t, "feedback",
           "{\"person\": \"王建国\", \"satisfaction\": \"unsatisfied\", \"comment\": "
           "\"未回应第二条\"}",
           &h);
    assert_string_equal(p.status, "rehandling");
    assert_int_equal(p.due_at, t + 30 * DAY);
    pt_history_free(&h);

    t += 10 * DAY;
    snprintf(body, sizeof(body), reply, 2, "A", "再次答复");
    run_ok(&p, t, "reply", body, &h);
    assert_string_equal(p.status, "replied");
    assert_int_equal(p.n_replies, 2);
    assert_string_equal(p.replies[1].kind, "again");
    pt_history_free(&h);

    t += DAY;
    run_ok(&p, t, "feedback", "{\"person\": \"王建国\", \"satisfaction\": \"satisfied\"}", &h);
    assert_string_equal(p.status, "closed");
    assert_int_equal(p.n_feedback, 2);
    assert_null(p.feedback[1].comment);
    pt_history_free(&h);

    t += DAY;
    snprintf(body, sizeof(body), reply, 3, "A", "补充答复");
    run_ok(&p, t, "follow_up", body, &h);
    assert_string_equal(p.status, "closed");
    assert_string_equal(p.replies[2].kind, "supplementary");
    pt_history_free(&h);

    /* Eight accepted actions, eight versions. */
    assert_int_equal(p.version, 9);
    assert_int_equal(p.updated_at, t);
    j = pt_proposal_to_json(&p, pt_workflow_clock_runs(wf, p.status), t + 365 * DAY);
    assert_false(cJSON_IsTrue(cJSON_GetObjectItem(j, "overdue")));
    cJSON_Delete(j);

    t += DAY;
    run_ok(&p, t, "reopen", "{\"reason\": \"代表再次提出\"}", &h);
    assert_string_equal(p.status, "rehandling");
    assert_int_equal(p.due_at, t + 30 * DAY);
    assert_string_equal(
        cJSON_GetObjectItem(cJSON_GetObjectItem(h.changes, "reason"), "to")->valuestring,
        "代表再次提出");
    pt_history_free(&h);
    pt_proposal_free(&p);
}

static void refused_actions_leave_the_proposal_byte_identical(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "handling");
    p.units[1].opinion_at = 0;
    /* A transition, a body problem, a guard, and an effect refusal that is
     * only found after the copy has been changed in part. */
    refused(&p, NOW, "return", "{\"unit\": \"国家卫生健康委\", \"reason\": \"不属于本单位职责\"}",
            PT_ETRANSITION, NULL, "is not allowed in state \"handling\"");
    refused(&p, NOW, "extend", "{\"due_at\": 5}", PT_EVALIDATION, "due_at", "RFC 3339");
    refused(
        &p, NOW, "reply",
        "{\"unit\": \"国家卫生健康委\", \"doc_no\": \"1\", \"category\": \"A\", \"text\": \"x\"}",
        PT_EVALIDATION, "action", "still missing: 财政部");
    refused(&p, NOW, "withdraw", "{}", PT_EVALIDATION, "reason", "required");
    pt_proposal_free(&p);

    fixture(&p, "submitted");
    refused(&p, NOW, "assign",
            "{\"mode\": \"single\", \"units\": [{\"name\": \"甲\"}, {\"name\": \"乙\"}]}",
            PT_EVALIDATION, "units", "single mode");
    pt_proposal_free(&p);
}

static void history_json_has_every_member(void **state)
{
    pt_proposal_t p;
    pt_history_t h;
    cJSON *j;

    (void)state;
    fixture(&p, "draft");
    run_ok(&p, NOW, "submit", "{\"note\": \"正式提交\"}", &h);
    h.seq = 12;
    j = pt_history_to_json(&h);
    assert_int_equal(cJSON_GetObjectItem(j, "seq")->valueint, 12);
    assert_string_equal(cJSON_GetObjectItem(j, "at")->valuestring, "2026-03-05T00:00:00Z");
    assert_string_equal(cJSON_GetObjectItem(j, "actor")->valuestring, "王秘书");
    assert_string_equal(cJSON_GetObjectItem(j, "action")->valuestring, "submit");
    assert_string_equal(cJSON_GetObjectItem(j, "from")->valuestring, "draft");
    assert_string_equal(cJSON_GetObjectItem(j, "to")->valuestring, "submitted");
    assert_string_equal(cJSON_GetObjectItem(j, "note")->valuestring, "正式提交");
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "changes")), 1);
    assert_non_null(cJSON_GetObjectItem(cJSON_GetObjectItem(j, "changes"), "status"));
    cJSON_Delete(j);
    pt_history_free(&h);
    pt_proposal_free(&p);
}

static void a_proposal_in_a_state_the_workflow_lacks_is_refused(void **state)
{
    pt_proposal_t p;

    (void)state;
    fixture(&p, "archived");
    refused(&p, NOW, "close", "{}", PT_ETRANSITION, NULL,
            "the proposal's state \"archived\" is not a state of workflow \"default\"");
    pt_proposal_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(allowed_lists_follow_the_table),
        cmocka_unit_test(every_action_in_every_state_is_allowed_or_refused_as_the_table_says),
        cmocka_unit_test(a_refused_transition_names_the_state_and_the_allowed_actions),
        cmocka_unit_test(an_unknown_action_is_not_found_on_action),
        cmocka_unit_test(unknown_and_missing_body_fields_are_named),
        cmocka_unit_test(a_unit_that_is_not_assigned_is_refused),
        cmocka_unit_test(a_co_unit_that_gave_its_opinion_has_answered_its_part),
        cmocka_unit_test(return_is_allowed_within_the_return_window_only),
        cmocka_unit_test(close_without_feedback_waits_for_the_feedback_window),
        cmocka_unit_test(in_lead_co_mode_the_reply_waits_for_every_co_opinion),
        cmocka_unit_test(a_co_units_reply_is_refused_only_because_the_lead_unit_replies),
        cmocka_unit_test(in_separate_mode_the_last_reply_moves_it_on),
        cmocka_unit_test(supervise_keeps_the_supervisor_without_spaces),
        cmocka_unit_test(unit_names_are_kept_without_spaces),
        cmocka_unit_test(each_unit_signs_once_and_the_first_starts_handling),
        cmocka_unit_test(extension_is_capped_at_the_maximum_after_assignment),
        cmocka_unit_test(rehandling_is_extended_up_to_the_maximum_after_it_began),
        cmocka_unit_test(satisfied_feedback_closes_and_unsatisfied_reopens_handling),
        cmocka_unit_test(feedback_comes_from_the_lead_author_or_a_co_signer),
        cmocka_unit_test(assign_sets_the_units_and_the_reply_deadline),
        cmocka_unit_test(a_reply_before_a_reassignment_does_not_answer_it),
        cmocka_unit_test(a_reassignment_comes_after_the_replies_before_it_whatever_the_clock),
        cmocka_unit_test(assign_checks_the_units_against_the_mode),
        cmocka_unit_test(merge_needs_another_existing_proposal),
        cmocka_unit_test(merge_goes_only_into_a_live_proposal),
        cmocka_unit_test(an_office_workflow_is_judged_by_its_flags),
        cmocka_unit_test(an_office_actions_own_fields_are_kept_in_the_history),
        cmocka_unit_test(supervise_sets_and_clears_key_supervision),
        cmocka_unit_test(the_full_walk_from_submission_to_closing),
        cmocka_unit_test(refused_actions_leave_the_proposal_byte_identical),
        cmocka_unit_test(history_json_has_every_member),
        cmocka_unit_test(a_proposal_in_a_state_the_workflow_lacks_is_refused),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
