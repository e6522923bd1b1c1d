/*
 * test_store_import_repeats.c - the records of a refused all-or-nothing
 * import that repeat others of it (pt_store_import_repeats) are those its
 * move would have refused: the same places, the same reasons, in the
 * file's order, looked for by number before source as the move does, with
 * a record that matches a proposal stored before the import skipped, not
 * rejected. Nothing of the import is stored, and its staging is gone
 * afterwards, rows staged after the refusal included. A client that goes
 * away stops the look as it stops a move: within STOP_CHECK_ROWS (1024)
 * records, not at the end of the file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <time.h>

#include "import-store.h"

/* A record of the file at line `line`, checked as a job checks it. */
static pt_import_row_t *record_row(import_store_t *t, const char *json, int line)
{
    cJSON *rec = cJSON_Parse(json);
    assert_non_null(rec);
    char place[32];
    snprintf(place, sizeof(place), "line %d", line);
    pt_import_row_t *row = NULL;
    pt_error_t err = {0};
    assert_int_equal(pt_store_import_check(t->store, rec, place, &row, &err), PT_OK);
    cJSON_Delete(rec);
    pt_import_row_set_record(row, line);
    return row;
}

/* Stages records[first..first + n) as lines first + 1, ..., after the
 * `staged` rows job has staged before. */
static void stage(import_store_t *t, const char *job, int staged, const char *const *records,
                  int first, int n)
{
    pt_import_row_t *rows[8];
    assert_true(n <= 8);
    for (int i = 0; i < n; i++)
        rows[i] = record_row(t, records[first + i], first + i + 1);
    pt_error_t err = {0};
    assert_int_equal(
        pt_store_import_stage(t->store, job, "root", staged, rows, (size_t)n, true, &err), PT_OK);
    for (int i = 0; i < n; i++)
        free(rows[i]);
}

/* Commits job's staging on a thread of its own while the loop runs. */
static void move(import_store_t *t, import_store_commit_t *m, const char *job)
{
    *m = (import_store_commit_t){.store = t->store, .job = job};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, import_store_commit, m), 0);
    while (pthread_tryjoin_np(thread, NULL) != 0)
        uv_run(&t->loop, UV_RUN_NOWAIT);
}

/* The records of the file, line by line: line 2 repeats line 1's number,
 * though its source is that of a proposal stored before (the number is
 * looked for first); line 3 is that stored proposal again (skipped); line
 * 5 repeats line 4's source. */
static const char *const records[] = {
    "{\"title\":\"关于发展大同黄花产业的建议\",\"session\":\"十四届五次\",\"number\":\"I1\"}",
    "{\"title\":\"关于发展大同黄花产业的建议（二）\",\"session\":\"十四届五次\",\"number\":\"I1\","
    "\"source\":{\"format\":\"oa\",\"ref\":\"OA-5\"}}",
    "{\"title\":\"关于整治煤矿塌陷区的建议\",\"source\":{\"format\":\"oa\",\"ref\":\"OA-5\"}}",
    "{\"title\":\"关于修缮晋祠的建议\",\"source\":{\"format\":\"oa\",\"ref\":\"OA-7\"}}",
    "{\"title\":\"关于修缮晋祠的建议（重复）\",\"session\":\"十四届五次\",\"number\":\"I5\","
    "\"source\":{\"format\":\"oa\",\"ref\":\"OA-7\"}}",
};
#define N_RECORDS 5

static void refused_import_names_the_repeats_its_move_would(void **state)
{
    (void)state;
    import_store_t t;
    import_store_open(&t, "pt-import-repeats");
    pt_error_t err = {0};

    /* The proposal of source OA-5, stored before. */
    stage(&t, "job-0", 0, records, 2, 1);
    import_store_commit_t m;
    move(&t, &m, "job-0");
    assert_int_equal(m.rc, PT_OK);
    assert_int_equal(m.res.imported, 1);

    /* The move of the file refuses its repeats. */
    stage(&t, "job-1", 0, records, 0, N_RECORDS);
    move(&t, &m, "job-1");
    assert_int_equal(m.rc, PT_EVALIDATION);
    assert_int_equal(m.res.n_repeats, 2);
    char *by_move = cJSON_PrintUnformatted(m.res.repeats);
    cJSON_Delete(m.res.repeats);
    pt_error_clear(&m.err);
    assert_int_equal(pt_store_import_drop(t.store, "job-1", &err), PT_OK);

    /* The same file refused for another record as it was read: two rows
     * staged before the refusal, three after. */
    stage(&t, "job-2", 0, records, 0, 2);
    pt_store_import_refuse(t.store, "job-2");
    stage(&t, "job-2", 2, records, 2, N_RECORDS - 2);
    pt_import_result_t res;
    assert_int_equal(pt_store_import_repeats(t.store, "job-2", NULL, NULL, &res, &err), PT_OK);
    assert_int_equal(res.n_repeats, 2);
    assert_int_equal(res.skipped, 1);
    char *by_check = cJSON_PrintUnformatted(res.repeats);
    assert_string_equal(by_check, by_move);
    const cJSON *first = cJSON_GetArrayItem(res.repeats, 0);
    const cJSON *second = cJSON_GetArrayItem(res.repeats, 1);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(first, "where")), "line 2");
    assert_int_equal(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "record")), 2);
    assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(first, "reason")),
                           "编号 I1 of session 十四届五次 repeats a record before it"));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(second, "where")), "line 5");
    assert_non_null(strstr(cJSON_GetStringValue(cJSON_GetObjectItem(second, "reason")),
                           "source.ref OA-7 of format oa repeats a record before it"));
    cJSON_Delete(res.repeats);
    free(by_check);
    free(by_move);

    /* Nothing of either is stored, and the refused import's staging is
     * gone: a commit finds nothing to move. */
    assert_int_equal(import_store_count(&t), 1);
    move(&t, &m, "job-2");
    assert_int_equal(m.rc, PT_OK);
    assert_int_equal(m.res.imported, 0);
    assert_int_equal(import_store_count(&t), 1);

    import_store_remove(&t);
    pt_error_clear(&err);
}

/* The client of the import, as the job sees it: gone from the start, and
 * asked how many times. */
static bool client_gone(void *arg)
{
    int *asked = arg;
    (*asked)++;
    return true;
}

#define MANY 10000

static void refused_import_stops_looking_for_repeats_once_its_client_is_gone(void **state)
{
    (void)state;
    import_store_t t;
    import_store_open(&t, "pt-import-repeats-gone");
    pt_error_t err = {0};

    pt_import_row_t **rows = import_store_rows(&t, MANY);
    assert_int_equal(pt_store_import_stage(t.store, "job-1", "root", 0, rows, MANY, true, &err),
                     PT_OK);
    import_store_rows_free(rows, MANY);
    pt_store_import_refuse(t.store, "job-1");
    pt_import_result_t res;
    int asked = 0;
    assert_int_equal(pt_store_import_repeats(t.store, "job-1", client_gone, &asked, &res, &err),
                     PT_ESTORAGE);
    /* It asked once, after the first 1024 records, and stopped there. */
    assert_int_equal(asked, 1);
    assert_string_equal(err.message, "the import was abandoned after 1024 of its 10000 records "
                                     "were looked through");
    assert_null(res.repeats);
    assert_int_equal(res.n_repeats, 0);

    /* Its staging is gone all the same: a commit finds nothing to move. */
    import_store_commit_t m = {.store = t.store, .job = "job-1"};
    pthread_t thread;
    assert_int_equal(pthread_create(&thread, NULL, import_store_commit, &m), 0);
    while (pthread_tryjoin_np(thread, NULL) != 0)
        uv_run(&t.loop, UV_RUN_NOWAIT);
    assert_int_equal(m.rc, PT_OK);
    assert_int_equal(m.res.imported, 0);
    assert_int_equal(import_store_count(&t), 0);

    import_store_remove(&t);
    pt_error_clear(&err);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refused_import_names_the_repeats_its_move_would),
        cmocka_unit_test(refused_import_stops_looking_for_repeats_once_its_client_is_gone),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
