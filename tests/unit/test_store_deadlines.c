/*
 * test_store_deadlines.c - the deadline engine's scans on the writer:
 * what they read once the reminders of many overdue proposals have been
 * raised, deadlines that move and move back, and a store from before
 * schema 28, whose marks the migration copies.
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

#include "store-fixture.h"
#include "store-sqlite.h"
#include "store.h"
#include "timefmt.h"
#include "workflow.h"

#define DAY INT64_C(86400000)

/* Queues w, waits for its answer and checks that it succeeded. */
static void run(fixture_t *f, pt_write_t *w)
{
    if (!w->actor)
        w->actor = strdup("测试员");
    fixture_write(f, w);
    fixture_wait(f);
    if (w->err.code != PT_OK)
        fprintf(stderr, "write: %s\n", w->err.message);
    assert_int_equal(w->err.code, PT_OK);
}

static void run_free(fixture_t *f, pt_write_t *w)
{
    run(f, w);
    pt_write_free(w);
}

/* Proposal 1, assigned to one unit: its deadline runs. */
static void create_assigned(fixture_t *f)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->if_match = -1;
    w->body =
        cJSON_Parse("{\"title\":\"关于加强农村饮水安全保障的建议\",\"delegation\":\"山西代表团\"}");
    run_free(f, w);
    w = pt_write_new(PT_WRITE_ACTION);
    w->if_match = -1;
    w->id = 1;
    w->action = strdup("assign");
    w->body =
        cJSON_Parse("{\"mode\":\"single\",\"units\":[{\"name\":\"省水利厅\",\"role\":\"lead\"}]}");
    run_free(f, w);
}

static int run_sql(void *conn, pt_write_t *w)
{
    char *msg = NULL;
    if (sqlite3_exec(conn, w->name, NULL, NULL, &msg) != SQLITE_OK) {
        pt_error_set(&w->err, PT_ESTORAGE, "%s", msg ? msg : "?");
        sqlite3_free(msg);
        return PT_ESTORAGE;
    }
    return PT_OK;
}

/* Runs sql on the writer, as one write. */
static void writer_sql(fixture_t *f, const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof(sql), fmt, ap);
    va_end(ap);
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    w->run_ = run_sql;
    w->name = strdup(sql);
    run_free(f, w);
}

typedef struct {
    pt_write_t *scan;
    int64_t pages; /* the pages of the database the scan looked at */
} counted_t;

static int run_counted(void *conn, pt_write_t *w)
{
    counted_t *c = w->arg_;
    int hit, miss, high;
    sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);
    sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
    int rc = c->scan->run_(conn, c->scan);
    sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_HIT, &hit, &high, 1);
    sqlite3_db_status(conn, SQLITE_DBSTATUS_CACHE_MISS, &miss, &high, 1);
    c->pages = hit + miss;
    if (rc != PT_OK)
        pt_error_set(&w->err, rc, "%s", c->scan->err.message);
    return rc;
}

/* Runs a scan, as the deadline engine does; returns the number of
 * reminders it raised, the next moment in *wake and the pages it looked
 * at in *pages. */
static int scan(fixture_t *f, int64_t *wake, int64_t *pages)
{
    counted_t c = {.scan = pt_write_deadline_scan(f->deadlines.remind_before)};
    c.scan->actor = strdup("ptrackd");
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    w->run_ = run_counted;
    w->arg_ = &c;
    run_free(f, w);
    int raised = (int)c.scan->id;
    if (wake)
        *wake = c.scan->seq;
    if (pages)
        *pages = c.pages;
    pt_write_free(c.scan);
    return raised;
}

/* Proposal 1 copied n times in SQL, each with the deadline `due`. */
static void copies(fixture_t *f, int n, int64_t due)
{
    writer_sql(f,
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)"
               " INSERT INTO proposals (kind, status, delegation, key_supervision, clock,"
               "  assigned_at, due_at, replied, version, created_at, updated_at, doc)"
               " SELECT kind, status, delegation, key_supervision, clock, assigned_at, %lld,"
               "  replied, version, created_at, updated_at, doc FROM proposals, n WHERE id = 1",
               n, (long long)due);
}

/* Once the reminders of the overdue proposals have been raised, a scan
 * reads none of them again: an office with thousands overdue for months
 * had each read at every scan, some 170 ms of the writer at 40,000, every
 * write waiting behind it. What it looks at does not grow with them. */
static void a_scan_reads_no_proposal_whose_reminders_were_raised(void **state)
{
    fixture_t *f = *state;
    enum { N = 3000 };
    create_assigned(f);
    int64_t now = pt_time_now();
    copies(f, N, now - DAY);
    int64_t wake, pages;
    assert_int_equal(scan(f, &wake, &pages), N);
    /* Proposal 1's deadline (90 days) is what comes next. */
    int64_t due1 = fixture_sql_int(f, "SELECT due_at FROM proposals WHERE id = 1");
    assert_int_equal(wake, due1 - f->deadlines.remind_before);

    assert_int_equal(scan(f, &wake, &pages), 0);
    assert_int_equal(wake, due1 - f->deadlines.remind_before);
    assert_true(pages < 50);

    /* And still a few pages with ten times as many. */
    copies(f, 9 * N, now - DAY);
    assert_int_equal(scan(f, NULL, NULL), 9 * N);
    assert_int_equal(scan(f, &wake, &pages), 0);
    assert_int_equal(wake, due1 - f->deadlines.remind_before);
    assert_true(pages < 50);
    assert_int_equal(
        fixture_sql_int(f, "SELECT count(*) FROM events WHERE type = 'proposal.overdue'"), 10 * N);
}

/* A deadline gets each reminder once as it stands, also when it moves and
 * moves back: one moved to a deadline already reminded of is not reminded
 * of again, and the next moment is planned from the marks. */
static void a_deadline_moved_back_is_not_reminded_again(void **state)
{
    fixture_t *f = *state;
    create_assigned(f);
    int64_t now = pt_time_now(), a = now - DAY, b = now - 2 * DAY;
    int64_t rb = f->deadlines.remind_before;
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)a);
    int64_t wake;
    assert_int_equal(scan(f, &wake, NULL), 1);
    assert_int_equal(wake, 0);
    assert_int_equal(scan(f, &wake, NULL), 0);
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)b);
    assert_int_equal(scan(f, &wake, NULL), 1);
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)a);
    assert_int_equal(scan(f, &wake, NULL), 0);
    assert_int_equal(wake, 0);
    assert_int_equal(
        fixture_sql_int(f, "SELECT count(*) FROM events WHERE type = 'proposal.overdue'"), 2);

    /* A deadline ahead that was reminded of as due soon wakes the engine
     * when it passes, not again when it is due soon. */
    int64_t c = now + rb / 2, d = now + 3 * rb;
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)c);
    assert_int_equal(scan(f, &wake, NULL), 1);
    assert_int_equal(wake, c + 1);
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)d);
    assert_int_equal(scan(f, &wake, NULL), 0);
    assert_int_equal(wake, d - rb);
    writer_sql(f, "UPDATE proposals SET due_at = %lld WHERE id = 1", (long long)c);
    assert_int_equal(scan(f, &wake, NULL), 0);
    assert_int_equal(wake, c + 1);
    assert_int_equal(
        fixture_sql_int(f, "SELECT count(*) FROM events WHERE type = 'proposal.due_soon'"), 1);
}

/* A store of schema 27 (before proposals_reminders) with overdue
 * proposals reminded of: the migration copies their marks, and the first
 * scan after it neither raises them again nor reads them. */
static void the_migration_copies_the_marks(void **state)
{
    fixture_t *f = *state;
    enum { N = 2000 };
    create_assigned(f);
    int64_t now = pt_time_now();
    copies(f, N, now - DAY);
    copies(f, 1, now + 2 * DAY);
    assert_int_equal(scan(f, NULL, NULL), N + 1);
    fixture_close(f);

    fixture_sql(f, "ALTER TABLE proposal_units DROP COLUMN replied;"
                   "ALTER TABLE proposal_units DROP COLUMN reply_category;"
                   "DROP INDEX proposals_reminders;"
                   "ALTER TABLE proposals DROP COLUMN due_soon_mark;"
                   "ALTER TABLE proposals DROP COLUMN overdue_mark;"
                   "UPDATE proposals SET clock = 0 WHERE id = 2;"
                   "PRAGMA user_version = 27;");

    assert_int_equal(fixture_open(f, 0), PT_OK);
    assert_int_equal(fixture_sql_int(f, "PRAGMA user_version"), 29);
    /* A stopped clock's row is not written (the most of a long-lived
     * store): a scan fills its columns when its clock runs again. */
    assert_int_equal(fixture_sql_int(f, "SELECT count(*) FROM proposals WHERE overdue_mark = due_at"
                                        " AND due_soon_mark = due_at"),
                     N - 1);
    assert_int_equal(fixture_sql_int(f, "SELECT count(*) FROM proposals WHERE id = 2"
                                        " AND overdue_mark IS NULL AND due_soon_mark IS NULL"),
                     1);
    assert_int_equal(scan(f, NULL, NULL), 0);
    fixture_close(f);
    fixture_sql(f, "UPDATE proposals SET clock = 1 WHERE id = 2;");
    assert_int_equal(fixture_open(f, 0), PT_OK);
    assert_int_equal(fixture_sql_int(f,
                                     "SELECT count(*) FROM proposals WHERE overdue_mark IS NULL"
                                     " AND due_soon_mark = due_at AND due_at > %lld",
                                     (long long)now),
                     1);
    int64_t wake, pages;
    assert_int_equal(scan(f, &wake, &pages), 0);
    assert_int_equal(fixture_sql_int(f, "SELECT count(*) FROM proposals WHERE id = 2"
                                        " AND overdue_mark = due_at"),
                     1);
    assert_int_equal(scan(f, &wake, &pages), 0);
    assert_true(pages < 50);
    assert_int_equal(wake, now + 2 * DAY + 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(a_scan_reads_no_proposal_whose_reminders_were_raised,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_deadline_moved_back_is_not_reminded_again, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(the_migration_copies_the_marks, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
