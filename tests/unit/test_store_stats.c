/*
 * test_store_stats.c - the figures of GET /v1/stats, read from a store whose
 * proposals went through the workflow: every figure of the whole store and
 * of scopes chosen by each kind of filter, pinned as the JSON they give,
 * with the cases that count in their own way (a separate-mode proposal
 * that one unit of two has answered, a rehandling round, a supplementary
 * reply, a merged proposal, a draft, a proposal answered without an
 * assignment time).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "store-fixture.h"
#include "store-sqlite.h"
#include "store.h"
#include "workflow.h"

/* Runs one write and returns the proposal's id; the write must succeed. */
static int64_t write_one(fixture_t *f, pt_write_op_t op, int64_t id, const char *action,
                         const char *body)
{
    pt_write_t *w = pt_write_new(op);
    w->if_match = -1;
    w->id = id;
    w->action = action ? strdup(action) : NULL;
    w->body = cJSON_Parse(body);
    assert_non_null(w->body);
    w->actor = strdup("统计测试");
    fixture_write(f, w);
    fixture_wait(f);
    if (w->err.code != PT_OK)
        fail_msg("%s %s: %s", action ? action : "create", body, w->err.message);
    int64_t got = w->id;
    pt_write_free(w);
    return got;
}

static int64_t create(fixture_t *f, const char *body)
{
    return write_one(f, PT_WRITE_CREATE, 0, NULL, body);
}

static void act(fixture_t *f, int64_t id, const char *action, const char *body)
{
    write_one(f, PT_WRITE_ACTION, id, action, body);
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The proposals of the fixture, by what each stands for. */
enum {
    P_SINGLE = 1,  /* single mode, replied A, satisfied: closed */
    P_LEAD_CO,     /* lead and co unit, B, unsatisfied, rehandled, C: replied */
    P_SEPARATE,    /* two separate units, one has replied A: handling, overdue */
    P_LATE,        /* assigned, never signed, under key supervision: overdue */
    P_SOON,        /* handling, due in 3 days */
    P_FOLLOW_UP,   /* replied C, basically satisfied, then a supplementary D */
    P_MERGED,      /* merged into P_LEAD_CO */
    P_DRAFT,       /* a draft */
    P_WITHDRAWN,   /* withdrawn */
    P_REHANDLING,  /* another session: replied D, unsatisfied: rehandling */
    P_NO_ASSIGNED, /* replied B and satisfied, without an assignment time */
};

static void reply(fixture_t *f, int64_t id, const char *unit, const char *category)
{
    char body[256];
    snprintf(body, sizeof(body),
             "{\"unit\":\"%s\",\"doc_no\":\"函〔2026〕%lld号\",\"category\":\"%s\","
             "\"text\":\"已办理\"}",
             unit, (long long)id, category);
    act(f, id, "reply", body);
}

/* A rating by the proposal's lead author, whose it is to give. */
static void feedback(fixture_t *f, int64_t id, const char *person, const char *satisfaction)
{
    char body[128];
    snprintf(body, sizeof(body), "{\"person\":\"%s\",\"satisfaction\":\"%s\"}", person,
             satisfaction);
    act(f, id, "feedback", body);
}

static void assign_single(fixture_t *f, int64_t id, const char *unit)
{
    char body[160];
    snprintf(body, sizeof(body),
             "{\"mode\":\"single\",\"units\":[{\"name\":\"%s\",\"role\":\"lead\"}]}", unit);
    act(f, id, "assign", body);
}

static void sign(fixture_t *f, int64_t id, const char *unit)
{
    char body[96];
    snprintf(body, sizeof(body), "{\"unit\":\"%s\"}", unit);
    act(f, id, "sign", body);
}

static int setup(void **state)
{
    fixture_setup(state);
    fixture_t *f = *state;

    static const char *const bodies[] = {
        [P_SINGLE] = "{\"title\":\"单办\",\"session\":\"十四届一次\",\"category\":\"教育\","
                     "\"delegation\":\"山西代表团\",\"tags\":[\"民生\"],\"lead_author\":\"王芳\"}",
        [P_LEAD_CO] = "{\"title\":\"主办协办\",\"session\":\"十四届一次\",\"category\":\"交通\","
                      "\"delegation\":\"山西代表团\",\"lead_author\":\"王芳\"}",
        [P_SEPARATE] = "{\"title\":\"分办\",\"session\":\"十四届一次\",\"category\":\"教育\","
                       "\"delegation\":\"广东代表团\",\"tags\":[\"民生\"]}",
        [P_LATE] = "{\"title\":\"逾期\",\"session\":\"十四届一次\",\"kind\":\"motion\","
                   "\"delegation\":\"广东代表团\"}",
        [P_SOON] = "{\"title\":\"将到期\",\"session\":\"十四届一次\",\"category\":\"交通\"}",
        [P_FOLLOW_UP] = "{\"title\":\"补充答复\",\"session\":\"十四届一次\",\"category\":\"教育\","
                        "\"delegation\":\"山西代表团\",\"lead_author\":\"张伟\"}",
        [P_MERGED] = "{\"title\":\"并案\",\"session\":\"十四届一次\",\"category\":\"交通\","
                     "\"delegation\":\"山西代表团\"}",
        [P_DRAFT] = "{\"title\":\"草稿\",\"session\":\"十四届一次\",\"category\":\"教育\","
                    "\"status\":\"draft\"}",
        [P_WITHDRAWN] = "{\"title\":\"撤回\",\"session\":\"十四届一次\","
                        "\"delegation\":\"广东代表团\"}",
        [P_REHANDLING] = "{\"title\":\"重办\",\"session\":\"十四届二次\",\"category\":\"教育\","
                         "\"delegation\":\"山西代表团\",\"kind\":\"proposal\","
                         "\"lead_author\":\"张伟\"}",
        [P_NO_ASSIGNED] = "{\"title\":\"无交办时间\",\"session\":\"十四届二次\","
                          "\"category\":\"交通\",\"delegation\":\"广东代表团\","
                          "\"lead_author\":\"刘洋\"}",
    };
    for (int64_t i = P_SINGLE; i <= P_NO_ASSIGNED; i++)
        assert_int_equal(create(f, bodies[i]), i);

    assign_single(f, P_SINGLE, "甲局");
    sign(f, P_SINGLE, "甲局");
    reply(f, P_SINGLE, "甲局", "A");
    feedback(f, P_SINGLE, "王芳", "satisfied");

    act(f, P_LEAD_CO, "assign",
        "{\"mode\":\"lead_co\",\"units\":[{\"name\":\"甲局\",\"role\":\"lead\"},"
        "{\"name\":\"乙局\",\"role\":\"co\"}]}");
    sign(f, P_LEAD_CO, "甲局");
    sign(f, P_LEAD_CO, "乙局");
    act(f, P_LEAD_CO, "opinion", "{\"unit\":\"乙局\",\"opinion\":\"同意\"}");
    reply(f, P_LEAD_CO, "甲局", "B");
    feedback(f, P_LEAD_CO, "王芳", "unsatisfied");
    reply(f, P_LEAD_CO, "甲局", "C");

    act(f, P_SEPARATE, "assign",
        "{\"mode\":\"separate\",\"units\":[{\"name\":\"甲局\",\"role\":\"separate\"},"
        "{\"name\":\"丙局\",\"role\":\"separate\"}]}");
    sign(f, P_SEPARATE, "甲局");
    sign(f, P_SEPARATE, "丙局");
    reply(f, P_SEPARATE, "甲局", "A");

    act(f, P_LATE, "supervise", "{\"key_supervision\":true,\"supervisor\":\"督办员\"}");
    assign_single(f, P_LATE, "丙局");

    assign_single(f, P_SOON, "乙局");
    sign(f, P_SOON, "乙局");

    assign_single(f, P_FOLLOW_UP, "甲局");
    sign(f, P_FOLLOW_UP, "甲局");
    reply(f, P_FOLLOW_UP, "甲局", "C");
    feedback(f, P_FOLLOW_UP, "张伟", "basically_satisfied");
    act(f, P_FOLLOW_UP, "follow_up",
        "{\"unit\":\"甲局\",\"doc_no\":\"补函〔2026〕1号\",\"category\":\"D\","
        "\"text\":\"补充答复\"}");

    act(f, P_MERGED, "review", "{}");
    act(f, P_MERGED, "merge", "{\"merged_into\":2}");

    act(f, P_WITHDRAWN, "withdraw", "{\"reason\":\"代表撤回\"}");

    assign_single(f, P_REHANDLING, "乙局");
    sign(f, P_REHANDLING, "乙局");
    reply(f, P_REHANDLING, "乙局", "D");
    feedback(f, P_REHANDLING, "张伟", "unsatisfied");

    assign_single(f, P_NO_ASSIGNED, "丁局");
    sign(f, P_NO_ASSIGNED, "丁局");
    reply(f, P_NO_ASSIGNED, "丁局", "B");
    feedback(f, P_NO_ASSIGNED, "刘洋", "satisfied");

    /* Two deadlines that have passed, one that falls in 3 days, and a
     * proposal answered without an assignment time, as an import may
     * bring one the office answered before it kept the store. */
    char text[512];
    int64_t now = now_ms(), day = 24LL * 3600 * 1000;
    snprintf(text, sizeof(text),
             "UPDATE proposals SET due_at = %lld WHERE id IN (%d, %d);"
             "UPDATE proposals SET due_at = %lld WHERE id = %d;"
             "UPDATE proposals SET assigned_at = NULL WHERE id = %d;",
             (long long)(now - day), P_SEPARATE, P_LATE, (long long)(now + 3 * day), P_SOON,
             P_NO_ASSIGNED);
    fixture_sql(f, text);
    return 0;
}

/* The figures of the proposals that the filters, "session=...&unit=..."
 * as a query string without escapes, choose. */
static char *stats(fixture_t *f, const char *filters)
{
    pt_read_t *r = pt_read_new(PT_READ_STATS);
    pt_list_query_t *q = &r->query;
    char *copy = strdup(filters), *save = NULL;
    for (char *kv = strtok_r(copy, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *v = strchr(kv, '=');
        assert_non_null(v);
        *v++ = '\0';
        if (strcmp(kv, "status") == 0)
            q->status = strdup(v);
        else if (strcmp(kv, "kind") == 0)
            q->kind = strdup(v);
        else if (strcmp(kv, "session") == 0)
            q->session = strdup(v);
        else if (strcmp(kv, "delegation") == 0)
            q->delegation = strdup(v);
        else if (strcmp(kv, "unit") == 0)
            q->unit = strdup(v);
        else if (strcmp(kv, "category") == 0)
            q->category = strdup(v);
        else if (strcmp(kv, "tag") == 0)
            q->tag = strdup(v);
        else if (strcmp(kv, "q") == 0)
            q->q = strdup(v);
        else if (strcmp(kv, "person") == 0)
            q->person = strdup(v);
        else if (strcmp(kv, "key_supervision") == 0)
            q->key_supervision = strcmp(v, "true") == 0;
        else if (strcmp(kv, "overdue") == 0)
            q->overdue = strcmp(v, "true") == 0;
        else if (strcmp(kv, "due_before") == 0)
            q->due_before = now_ms() + atoll(v) * 24LL * 3600 * 1000;
        else if (strcmp(kv, "todo") == 0)
            q->todo = (strstr(v, "sign") ? 1u << PT_TODO_SIGN : 0) |
                      (strstr(v, "opinion") ? 1u << PT_TODO_OPINION : 0) |
                      (strstr(v, "reply") ? 1u << PT_TODO_REPLY : 0);
        else
            fail_msg("no filter %s", kv);
    }
    free(copy);
    static const char *const parts[PT_TODO_N] = {"sign", "opinion", "reply"};
    for (int k = 0; k < PT_TODO_N; k++)
        q->todo_states[k] = pt_workflow_effect_states(f->wf, parts[k]);
    fixture_read(f, r);
    fixture_wait(f);
    if (r->err.code != PT_OK)
        fail_msg("stats?%s: %s", filters, r->err.message);
    char *json = strdup(r->json);
    pt_read_free(r);
    return json;
}

static void check(fixture_t *f, const char *filters, const char *want)
{
    char *got = stats(f, filters);
    if (strcmp(got, want) != 0)
        fail_msg("stats?%s\n  got  %s\n  want %s", filters, got, want);
    free(got);
}

/* Every proposal counts in total and by_status, merged and drafts too.
 * 办复率: of the 7 with an assignment time and the one answered without
 * one, the 5 answered, the one in rehandling among them (the separate-mode
 * one waits for 丙局). 满意率: by the latest rating, 3 of 5. The reply
 * categories: of the 5 answered, the one without an assignment time too,
 * by their latest reply that is not
 * supplementary (P_FOLLOW_UP's D is). overdue_by_unit: 甲局 has answered
 * its part of the separate-mode proposal, 丙局 has not. */
static void figures_of_the_whole_store(void **state)
{
    check(*state, "",
          "{\"total\":11,"
          "\"by_status\":{\"closed\":3,\"handling\":2,\"assigned\":1,\"draft\":1,\"merged\":1,"
          "\"rehandling\":1,\"replied\":1,\"withdrawn\":1},"
          "\"by_unit\":{\"甲局\":4,\"乙局\":3,\"丙局\":2,\"丁局\":1},"
          "\"by_category\":{\"教育\":5,\"交通\":4},"
          "\"by_delegation\":{\"山西代表团\":5,\"广东代表团\":4},"
          "\"overdue_by_unit\":{\"丙局\":2},"
          "\"overdue\":2,\"due_within_7d\":1,\"reply_rate\":0.625,"
          "\"satisfaction_rate\":0.6,\"reply_categories\":{\"A\":1,\"B\":1,\"C\":2,\"D\":1}}");
}

/* A filter that keeps every proposal gives the figures of the whole store:
 * however the figures are read, a scope of every proposal counts the same. */
static void a_scope_of_every_proposal_counts_as_the_whole_store(void **state)
{
    fixture_t *f = *state;
    char *all = stats(f, "");
    /* Every state a proposal of the fixture is in. */
    char *every = stats(f, "status=draft,merged,assigned,handling,replied,rehandling,closed,"
                           "withdrawn");
    assert_string_equal(every, all);
    free(all);
    free(every);
}

static void figures_of_a_session_a_delegation_a_category_and_a_kind(void **state)
{
    fixture_t *f = *state;
    check(f, "session=十四届二次",
          "{\"total\":2,\"by_status\":{\"closed\":1,\"rehandling\":1},"
          "\"by_unit\":{\"丁局\":1,\"乙局\":1},\"by_category\":{\"交通\":1,\"教育\":1},"
          "\"by_delegation\":{\"山西代表团\":1,\"广东代表团\":1},\"overdue_by_unit\":{},"
          "\"overdue\":0,\"due_within_7d\":0,\"reply_rate\":1,\"satisfaction_rate\":0.5,"
          "\"reply_categories\":{\"A\":0,\"B\":1,\"C\":0,\"D\":1}}");
    check(f, "delegation=广东代表团",
          "{\"total\":4,\"by_status\":{\"assigned\":1,\"closed\":1,\"handling\":1,"
          "\"withdrawn\":1},"
          "\"by_unit\":{\"丙局\":2,\"丁局\":1,\"甲局\":1},\"by_category\":{\"交通\":1,\"教育\":1},"
          "\"by_delegation\":{\"广东代表团\":4},\"overdue_by_unit\":{\"丙局\":2},"
          "\"overdue\":2,\"due_within_7d\":0,\"reply_rate\":0.3333333333,\"satisfaction_rate\":1,"
          "\"reply_categories\":{\"A\":0,\"B\":1,\"C\":0,\"D\":0}}");
    check(f, "category=交通&session=十四届一次",
          "{\"total\":3,\"by_status\":{\"handling\":1,\"merged\":1,\"replied\":1},"
          "\"by_unit\":{\"乙局\":2,\"甲局\":1},\"by_category\":{\"交通\":3},"
          "\"by_delegation\":{\"山西代表团\":2},\"overdue_by_unit\":{},"
          "\"overdue\":0,\"due_within_7d\":1,\"reply_rate\":0.5,\"satisfaction_rate\":0,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":1,\"D\":0}}");
    check(f, "kind=motion",
          "{\"total\":1,\"by_status\":{\"assigned\":1},\"by_unit\":{\"丙局\":1},"
          "\"by_category\":{},\"by_delegation\":{\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":0,"
          "\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
}

static void figures_of_states_and_deadlines(void **state)
{
    fixture_t *f = *state;
    check(f, "status=handling,rehandling",
          "{\"total\":3,\"by_status\":{\"handling\":2,\"rehandling\":1},"
          "\"by_unit\":{\"乙局\":2,\"丙局\":1,\"甲局\":1},\"by_category\":{\"教育\":2,"
          "\"交通\":1},\"by_delegation\":{\"山西代表团\":1,\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":1,"
          "\"reply_rate\":0.3333333333,\"satisfaction_rate\":0,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":1}}");
    check(f, "status=nonesuch",
          "{\"total\":0,\"by_status\":{},\"by_unit\":{},\"by_category\":{},\"by_delegation\":{},"
          "\"overdue_by_unit\":{},\"overdue\":0,\"due_within_7d\":0,\"reply_rate\":null,"
          "\"satisfaction_rate\":null,\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
    check(f, "overdue=true",
          "{\"total\":2,\"by_status\":{\"assigned\":1,\"handling\":1},"
          "\"by_unit\":{\"丙局\":2,\"甲局\":1},\"by_category\":{\"教育\":1},"
          "\"by_delegation\":{\"广东代表团\":2},\"overdue_by_unit\":{\"丙局\":2},"
          "\"overdue\":2,\"due_within_7d\":0,\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
    check(f, "due_before=7&overdue=false",
          "{\"total\":1,\"by_status\":{\"handling\":1},\"by_unit\":{\"乙局\":1},"
          "\"by_category\":{\"交通\":1},\"by_delegation\":{},\"overdue_by_unit\":{},"
          "\"overdue\":0,\"due_within_7d\":1,\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
    check(f, "key_supervision=true",
          "{\"total\":1,\"by_status\":{\"assigned\":1},\"by_unit\":{\"丙局\":1},"
          "\"by_category\":{},\"by_delegation\":{\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":0,"
          "\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
}

/* A unit's figures: its deadline runs until it has answered its own part,
 * so 甲局, which has answered the separate-mode proposal, is not late with
 * it, and 丙局, which has not, is; by_unit and overdue_by_unit show the
 * other units of the same proposals. Its answers are its own: 甲局's reply
 * (A) answers its part of the separate-mode proposal while 丙局's is
 * awaited; 乙局, the co unit of the lead_co one, owes it no reply, and is
 * left with the one it has not answered yet. */
static void figures_of_a_unit_and_its_todo(void **state)
{
    fixture_t *f = *state;
    check(f, "unit=甲局",
          "{\"total\":4,\"by_status\":{\"closed\":2,\"handling\":1,\"replied\":1},"
          "\"by_unit\":{\"甲局\":4,\"丙局\":1,\"乙局\":1},\"by_category\":{\"教育\":3,"
          "\"交通\":1},\"by_delegation\":{\"山西代表团\":3,\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":0,\"due_within_7d\":0,"
          "\"reply_rate\":1,\"satisfaction_rate\":0.6666666667,"
          "\"reply_categories\":{\"A\":2,\"B\":0,\"C\":2,\"D\":0}}");
    check(f, "unit=丙局",
          "{\"total\":2,\"by_status\":{\"assigned\":1,\"handling\":1},"
          "\"by_unit\":{\"丙局\":2,\"甲局\":1},\"by_category\":{\"教育\":1},"
          "\"by_delegation\":{\"广东代表团\":2},\"overdue_by_unit\":{\"丙局\":2},"
          "\"overdue\":2,\"due_within_7d\":0,\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
    check(f, "unit=丙局&todo=sign",
          "{\"total\":1,\"by_status\":{\"assigned\":1},\"by_unit\":{\"丙局\":1},"
          "\"by_category\":{},\"by_delegation\":{\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":0,"
          "\"reply_rate\":0,\"satisfaction_rate\":null,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
    check(f, "unit=乙局&session=十四届一次",
          "{\"total\":2,\"by_status\":{\"handling\":1,\"replied\":1},"
          "\"by_unit\":{\"乙局\":2,\"甲局\":1},\"by_category\":{\"交通\":2},"
          "\"by_delegation\":{\"山西代表团\":1},\"overdue_by_unit\":{},"
          "\"overdue\":0,\"due_within_7d\":1,\"reply_rate\":0,\"satisfaction_rate\":0,"
          "\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}");
}

static void figures_of_a_person_a_tag_and_a_search(void **state)
{
    fixture_t *f = *state;
    check(f, "person=王芳",
          "{\"total\":2,\"by_status\":{\"closed\":1,\"replied\":1},"
          "\"by_unit\":{\"甲局\":2,\"乙局\":1},\"by_category\":{\"交通\":1,\"教育\":1},"
          "\"by_delegation\":{\"山西代表团\":2},\"overdue_by_unit\":{},"
          "\"overdue\":0,\"due_within_7d\":0,\"reply_rate\":1,\"satisfaction_rate\":0.5,"
          "\"reply_categories\":{\"A\":1,\"B\":0,\"C\":1,\"D\":0}}");
    check(f, "tag=民生",
          "{\"total\":2,\"by_status\":{\"closed\":1,\"handling\":1},"
          "\"by_unit\":{\"甲局\":2,\"丙局\":1},\"by_category\":{\"教育\":2},"
          "\"by_delegation\":{\"山西代表团\":1,\"广东代表团\":1},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":0,"
          "\"reply_rate\":0.5,\"satisfaction_rate\":1,"
          "\"reply_categories\":{\"A\":1,\"B\":0,\"C\":0,\"D\":0}}");
    /* 办 is in five titles, 交办 among them. */
    check(f, "q=办",
          "{\"total\":5,\"by_status\":{\"closed\":2,\"handling\":1,\"rehandling\":1,"
          "\"replied\":1},"
          "\"by_unit\":{\"甲局\":3,\"乙局\":2,\"丁局\":1,\"丙局\":1},\"by_category\":{\"教育\":3,"
          "\"交通\":2},\"by_delegation\":{\"山西代表团\":3,\"广东代表团\":2},"
          "\"overdue_by_unit\":{\"丙局\":1},\"overdue\":1,\"due_within_7d\":0,"
          "\"reply_rate\":0.8,\"satisfaction_rate\":0.5,"
          "\"reply_categories\":{\"A\":1,\"B\":1,\"C\":1,\"D\":1}}");
}

/* No proposal: every count 0, every grouping empty, the rates null,
 * however the figures are read. */
static void figures_of_an_empty_store(void **state)
{
    static const char empty[] =
        "{\"total\":0,\"by_status\":{},\"by_unit\":{},\"by_category\":{},\"by_delegation\":{},"
        "\"overdue_by_unit\":{},\"overdue\":0,\"due_within_7d\":0,\"reply_rate\":null,"
        "\"satisfaction_rate\":null,\"reply_categories\":{\"A\":0,\"B\":0,\"C\":0,\"D\":0}}";
    check(*state, "", empty);
    check(*state, "session=十四届一次", empty);
    check(*state, "unit=甲局", empty);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(figures_of_the_whole_store),
        cmocka_unit_test(a_scope_of_every_proposal_counts_as_the_whole_store),
        cmocka_unit_test(figures_of_a_session_a_delegation_a_category_and_a_kind),
        cmocka_unit_test(figures_of_states_and_deadlines),
        cmocka_unit_test(figures_of_a_unit_and_its_todo),
        cmocka_unit_test(figures_of_a_person_a_tag_and_a_search),
        cmocka_unit_test_setup_teardown(figures_of_an_empty_store, fixture_setup, fixture_teardown),
    };
    /* One store for every test: they only read it. */
    return cmocka_run_group_tests(tests, setup, fixture_teardown);
}
