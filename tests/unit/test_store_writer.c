/*
 * test_store_writer.c - the store's writer: group commit, savepoints that
 * keep one failing write from undoing its neighbours, idempotency keys,
 * version conflicts, storage errors that are never acknowledged, data
 * that survives closing and opening again, and the bounds of the writer's
 * cache of decoded proposals.
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
#include <sys/stat.h>
#include <unistd.h>

#include "store-fixture.h"
#include "store-sqlite.h"
#include "store.h"
#include "workflow.h"

static pt_write_t *write_if(fixture_t *f, pt_write_op_t op, int64_t id, const char *action,
                            const char *body, int64_t if_match)
{
    pt_write_t *w = pt_write_new(op);
    w->if_match = if_match;
    w->id = id;
    w->action = action ? strdup(action) : NULL;
    w->body = body ? cJSON_Parse(body) : NULL;
    w->actor = strdup("测试员");
    fixture_write(f, w);
    return w;
}

static pt_write_t *write_json(fixture_t *f, pt_write_op_t op, int64_t id, const char *action,
                              const char *body)
{
    return write_if(f, op, id, action, body, -1);
}

/* A create whose answer nobody reads: freed once it is answered (its
 * effect is what the test looks at). */
static void on_done_free(pt_write_t *w)
{
    fixture_t *f = w->data;
    pt_write_free(w);
    fixture_answered(f);
}

static void create_unread(fixture_t *f, const char *body)
{
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->if_match = -1;
    w->body = cJSON_Parse(body);
    w->actor = strdup("测试员");
    w->cb = on_done_free;
    w->data = f;
    f->pending++;
    assert_int_equal(pt_store_write(f->store, w), PT_OK);
}

/* Runs one write and waits for its answer. */
static pt_write_t *run(fixture_t *f, pt_write_op_t op, int64_t id, const char *action,
                       const char *body)
{
    pt_write_t *w = write_json(f, op, id, action, body);
    fixture_wait(f);
    return w;
}

/* Runs the read r and waits for its answer. */
static void run_read(fixture_t *f, pt_read_t *r)
{
    fixture_read(f, r);
    fixture_wait(f);
}

static pt_read_t *read_op(fixture_t *f, pt_read_op_t op, int64_t id)
{
    pt_read_t *r = pt_read_new(op);
    r->id = id;
    run_read(f, r);
    return r;
}

static int64_t count(fixture_t *f)
{
    pt_read_t *r = read_op(f, PT_READ_COUNT, 0);
    assert_int_equal(r->err.code, PT_OK);
    int64_t n = r->count;
    pt_read_free(r);
    return n;
}

static void create_assigns_ids_and_is_readable(void **state)
{
    fixture_t *f = *state;
    pt_write_t *w =
        run(f, PT_WRITE_CREATE, 0, NULL,
            "{\"title\":\"关于支持革命老区振兴发展的建议\",\"delegation\":\"山西代表团\"}");
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->id, 1);
    assert_int_equal(w->version, 1);
    assert_non_null(strstr(w->json, "革命老区"));
    assert_non_null(strstr(w->json, "\"status\":\"submitted\""));
    pt_write_free(w);
    pt_read_t *r = read_op(f, PT_READ_GET, 1);
    assert_int_equal(r->err.code, PT_OK);
    assert_non_null(strstr(r->json, "\"overdue\":false"));
    assert_non_null(strstr(r->json, "山西代表团"));
    pt_read_free(r);
    r = read_op(f, PT_READ_GET, 99);
    assert_int_equal(r->err.code, PT_ENOTFOUND);
    pt_read_free(r);
}

static void concurrent_writes_share_commits(void **state)
{
    fixture_t *f = *state;
    enum { N = 300 };
    pt_write_t *ws[N];
    for (int i = 0; i < N; i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"title\":\"并发建议 %d\"}", i);
        ws[i] = write_json(f, PT_WRITE_CREATE, 0, NULL, body);
    }
    fixture_wait(f);
    for (int i = 0; i < N; i++) {
        assert_int_equal(ws[i]->err.code, PT_OK);
        pt_write_free(ws[i]);
    }
    uint64_t commits, writes;
    pt_store_counters(f->store, &commits, &writes);
    assert_int_equal(writes, N);
    /* The writer takes whatever has queued: 300 writes queued at once
     * cannot need 300 commits. */
    assert_true(commits < N / 2);
    assert_int_equal(count(f), N);
}

/* The checkpointer copies the WAL back into the database on its own
 * connection once about 1,000 pages have been written: the database file
 * grows, and the copy is counted. (A connection that has not read the
 * database yet has no WAL open, and its checkpoints do nothing.) */
static void the_checkpointer_copies_the_wal_back(void **state)
{
    fixture_t *f = *state;
    struct stat st;
    uint64_t checkpoints = 0, wal_bytes = 0;
    for (int i = 0; i < 600; i++) {
        char body[600];
        snprintf(body, sizeof(body),
                 "{\"title\":\"关于检查点的建议 %d\",\"background\":\"%0400d\"}", i, i);
        pt_write_t *w = run(f, PT_WRITE_CREATE, 0, NULL, body);
        assert_int_equal(w->err.code, PT_OK);
        pt_write_free(w);
    }
    for (int i = 0; i < 200; i++) {
        pt_store_wal_figures(f->store, &checkpoints, &wal_bytes);
        if (checkpoints > 0)
            break;
        usleep(10000);
    }
    assert_true(checkpoints > 0);
    assert_true(wal_bytes > 0);
    assert_int_equal(stat(f->path, &st), 0);
    /* 600 proposals of 400 bytes and more, with their history and events. */
    assert_true(st.st_size > 300 * 1024);
}

/* Under steady writes (the writer never idle: a new write is queued as
 * each is answered) the WAL still starts over, and stays near its 64 MiB
 * limit, rather than growing with everything written. */
typedef struct {
    fixture_t *f;
    int left, in_flight, failed;
    char body[2600];
} steady_t;

static void steady_next(steady_t *st);

static void on_steady(pt_write_t *w)
{
    steady_t *st = w->data;
    st->failed += w->err.code != PT_OK;
    st->in_flight--;
    pt_write_free(w);
    steady_next(st);
    if (st->in_flight == 0)
        uv_stop(&st->f->loop);
}

static void steady_next(steady_t *st)
{
    while (st->left > 0 && st->in_flight < 32) {
        pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
        w->body = cJSON_Parse(st->body);
        w->actor = strdup("测试员");
        w->cb = on_steady;
        w->data = st;
        st->left--;
        st->in_flight++;
        assert_int_equal(pt_store_write(st->f->store, w), PT_OK);
    }
}

static void the_wal_starts_over_under_steady_writes(void **state)
{
    fixture_t *f = *state;
    steady_t st = {.f = f, .left = 12000};
    char bg[2200];
    for (size_t i = 0; i + 3 < sizeof(bg); i += 3)
        memcpy(bg + i, "议", 3);
    bg[sizeof(bg) - 1 - (sizeof(bg) - 1) % 3] = '\0';
    snprintf(st.body, sizeof(st.body), "{\"title\":\"关于持续写入的建议\",\"background\":\"%s\"}",
             bg);
    steady_next(&st);
    while (st.in_flight > 0)
        uv_run(&f->loop, UV_RUN_DEFAULT);
    assert_int_equal(st.failed, 0);
    uint64_t checkpoints, wal_bytes;
    pt_store_wal_figures(f->store, &checkpoints, &wal_bytes);
    struct stat db;
    assert_int_equal(stat(f->path, &db), 0);
    /* Everything written is far more than the WAL may keep. */
    assert_true(db.st_size > 100 * 1024 * 1024);
    assert_true(wal_bytes <= 80 * 1024 * 1024);
}

/* Holds the database's write lock from another connection for a moment,
 * so that the writes queued meanwhile are taken as one batch. */
static sqlite3 *hold_write_lock(fixture_t *f)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    return db;
}

static void on_release(uv_timer_t *t)
{
    sqlite3 *db = t->data;
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
    uv_close((uv_handle_t *)t, NULL);
}

static void failing_write_leaves_its_batch_committed(void **state)
{
    fixture_t *f = *state;
    pt_write_t *first = run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"第一件\"}");
    assert_int_equal(first->err.code, PT_OK);
    pt_write_free(first);

    sqlite3 *db = hold_write_lock(f);
    uv_timer_t t;
    uv_timer_init(&f->loop, &t);
    t.data = db;
    uv_timer_start(&t, on_release, 300, 0);
    /* The writer takes `a` and waits for the lock; b..e queue behind it and
     * are committed together. */
    pt_write_t *a = write_json(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"甲\"}");
    usleep(50000);
    pt_write_t *b = write_json(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"乙\"}");
    pt_write_t *c = write_json(f, PT_WRITE_CREATE, 0, NULL, "{\"delegation\":\"缺标题\"}");
    pt_write_t *d = write_json(f, PT_WRITE_ACTION, 1, "reply", "{\"unit\":\"省教育厅\"}");
    pt_write_t *e = write_json(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"丁\"}");
    uint64_t commits0, writes0;
    pt_store_counters(f->store, &commits0, &writes0);
    fixture_wait(f);
    uv_run(&f->loop, UV_RUN_NOWAIT);
    assert_int_equal(a->err.code, PT_OK);
    assert_int_equal(b->err.code, PT_OK);
    assert_int_equal(c->err.code, PT_EVALIDATION);
    assert_int_equal(d->err.code, PT_ETRANSITION);
    assert_int_equal(e->err.code, PT_OK);
    assert_null(c->json);
    uint64_t commits, writes;
    pt_store_counters(f->store, &commits, &writes);
    assert_int_equal(writes - writes0, 5);
    assert_true(commits - commits0 <= 2);
    assert_int_equal(count(f), 4);
    /* The refused action left proposal 1 as it was. */
    pt_read_t *r = read_op(f, PT_READ_GET, 1);
    assert_int_equal(r->version, 1);
    pt_read_free(r);
    pt_write_free(a);
    pt_write_free(b);
    pt_write_free(c);
    pt_write_free(d);
    pt_write_free(e);
}

static void idempotency_key_replays_and_refuses_other_bodies(void **state)
{
    fixture_t *f = *state;
    pt_write_t *w1 = pt_write_new(PT_WRITE_CREATE);
    pt_write_t *ws[3];
    const char *bodies[3] = {"{\"title\":\"同一件\"}", "{\"title\":\"同一件\"}",
                             "{\"title\":\"另一件\"}"};
    pt_write_free(w1);
    for (int i = 0; i < 3; i++) {
        pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
        w->body = cJSON_Parse(bodies[i]);
        w->actor = strdup("王秘书");
        w->idem_key = strdup("key-1");
        memset(w->idem_hash, i == 2 ? 2 : 1, 32);
        fixture_write(f, w);
        fixture_wait(f);
        ws[i] = w;
    }
    assert_int_equal(ws[0]->err.code, PT_OK);
    assert_false(ws[0]->replayed);
    assert_int_equal(ws[1]->err.code, PT_OK);
    assert_true(ws[1]->replayed);
    assert_int_equal(ws[1]->id, ws[0]->id);
    assert_int_equal(ws[2]->err.code, PT_EIDEMPOTENCY);
    assert_int_equal(count(f), 1);
    for (int i = 0; i < 3; i++)
        pt_write_free(ws[i]);
}

/* A key is remembered for 30 days: an older one is forgotten when the
 * store next keeps a key, and the same key then makes a new proposal. */
static void old_idempotency_keys_are_forgotten(void **state)
{
    fixture_t *f = *state;
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    assert_int_equal(sqlite3_exec(db,
                                  "INSERT INTO idempotency (actor, key, request_hash, proposal_id,"
                                  " created_at) VALUES ('王秘书', 'old-key', zeroblob(32), 99, 1)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
    w->body = cJSON_Parse("{\"title\":\"新的一件\"}");
    w->actor = strdup("王秘书");
    w->idem_key = strdup("new-key");
    memset(w->idem_hash, 1, 32);
    fixture_write(f, w);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    sqlite3_stmt *st;
    assert_int_equal(
        sqlite3_prepare_v2(db, "SELECT group_concat(key) FROM idempotency", -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "new-key");
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* A key older than 30 days is forgotten even while it is still in the
 * table (the old ones go only at the first key kept after a start and
 * each thousandth after): the same key then makes a new proposal, not a
 * replay of the old one nor a refusal. */
static void an_expired_idempotency_key_makes_a_new_request(void **state)
{
    fixture_t *f = *state;
    pt_write_t *ws[3];
    const char *keys[3] = {"first-key", "old-key", "old-key"};
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    for (int i = 0; i < 3; i++) {
        if (i == 1)
            /* Kept 40 days ago, after this start's prune has run. */
            assert_int_equal(
                sqlite3_exec(db,
                             "INSERT INTO idempotency (actor, key, request_hash, proposal_id,"
                             " created_at) SELECT '王秘书', 'old-key', zeroblob(32), id,"
                             " CAST(strftime('%s', 'now') AS INTEGER) * 1000 - 40 * 86400000"
                             " FROM proposals LIMIT 1",
                             NULL, NULL, NULL),
                SQLITE_OK);
        pt_write_t *w = pt_write_new(PT_WRITE_CREATE);
        w->body = cJSON_Parse("{\"title\":\"又一件\"}");
        w->actor = strdup("王秘书");
        w->idem_key = strdup(keys[i]);
        memset(w->idem_hash, 1, 32);
        fixture_write(f, w);
        fixture_wait(f);
        ws[i] = w;
    }
    assert_int_equal(ws[1]->err.code, PT_OK);
    assert_false(ws[1]->replayed);
    assert_int_not_equal(ws[1]->id, ws[0]->id);
    /* Kept anew: the same request again is a replay of the new one. */
    assert_int_equal(ws[2]->err.code, PT_OK);
    assert_true(ws[2]->replayed);
    assert_int_equal(ws[2]->id, ws[1]->id);
    assert_int_equal(count(f), 2);
    for (int i = 0; i < 3; i++)
        pt_write_free(ws[i]);
    sqlite3_close(db);
}

static void if_match_refuses_a_stale_version(void **state)
{
    fixture_t *f = *state;
    pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"版本\"}"));
    pt_write_t *w = write_if(f, PT_WRITE_PATCH, 1, NULL, "{\"title\":\"版本二\"}", 1);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 2);
    pt_write_free(w);
    w = write_if(f, PT_WRITE_PATCH, 1, NULL, "{\"title\":\"版本三\"}", 1);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_EVERSION);
    cJSON *cv = cJSON_GetObjectItemCaseSensitive(w->err.details, "current_version");
    assert_non_null(cv);
    assert_int_equal((int)cv->valuedouble, 2);
    pt_write_free(w);
}

/* A body whose custom field "附件" holds `mark` and then n bytes of 'x':
 * text that grows a proposal without filling the full-text index. */
static char *body_with_attachment(const char *title, const char *mark, size_t n)
{
    size_t cap = strlen(title) + strlen(mark) + n + 64;
    char *b = malloc(cap);
    assert_non_null(b);
    int h = snprintf(b, cap, "{\"title\":\"%s\",\"custom\":{\"附件\":\"%s", title, mark);
    memset(b + h, 'x', n);
    snprintf(b + h + n, cap - (size_t)h - n, "\"}}");
    return b;
}

static void writer_cache(fixture_t *f, uint64_t *bytes, uint64_t *proposals)
{
    pt_store_writer_cache(f->store, bytes, proposals);
}

/* Proposals of 128 KiB each, read by the writer one after the other: its
 * cache of decoded proposals keeps under its budget in bytes, though its
 * 4,096 slots could hold them all; and a proposal it has dropped is read
 * from the database again, with every change committed before. */
static void the_writers_cache_stays_under_its_budget(void **state)
{
    fixture_t *f = *state;
    enum { N = 200 };
    const size_t size = 128 << 10;
    /* More than the budget, many times fewer than the slots. */
    assert_true((uint64_t)N * size > PT_WRITER_CACHE_BUDGET + PT_WRITER_CACHE_BUDGET / 2);
    for (int i = 0; i < N; i++) {
        char title[32], mark[32];
        snprintf(title, sizeof(title), "大建议 %d", i + 1);
        snprintf(mark, sizeof(mark), "第%d号附件:", i + 1);
        char *body = body_with_attachment(title, mark, size);
        create_unread(f, body);
        free(body);
        if (i % 20 == 19)
            fixture_wait(f);
    }
    fixture_wait(f);
    /* A change to proposal 1 while the writer holds it. */
    pt_write_t *w = write_if(f, PT_WRITE_PATCH, 1, NULL, "{\"tags\":[\"第一轮\"]}", 1);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 2);
    pt_write_free(w);
    uint64_t bytes, proposals, most = 0;
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 1);
    assert_true(bytes > size && bytes < size + 4096);
    /* An empty patch reads a proposal and changes nothing. */
    for (int64_t id = 1; id <= N; id++) {
        w = run(f, PT_WRITE_PATCH, id, NULL, "{}");
        assert_int_equal(w->err.code, PT_OK);
        pt_write_free(w);
        writer_cache(f, &bytes, &proposals);
        assert_true(bytes <= PT_WRITER_CACHE_BUDGET);
        if (bytes > most)
            most = bytes;
    }
    /* It fills up to the budget, not far below it. */
    assert_true(most > PT_WRITER_CACHE_BUDGET - 2 * size);
    assert_true(proposals > 0 && proposals < N);
    assert_true(proposals <= PT_WRITER_CACHE_BUDGET / size);

    /* Proposal 1 was read first and not since: it is gone from the cache,
     * and a write to it reads it back from the database with its change;
     * the next write to it finds it in the cache. */
    uint64_t loads = pt_store_writer_cache_loads(f->store);
    w = write_if(f, PT_WRITE_PATCH, 1, NULL, "{\"title\":\"大建议 1 改\"}", 2);
    fixture_wait(f);
    assert_int_equal(pt_store_writer_cache_loads(f->store), loads + 1);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 3);
    assert_non_null(strstr(w->json, "第一轮"));
    assert_non_null(strstr(w->json, "第1号附件:xxx"));
    pt_write_free(w);
    w = run(f, PT_WRITE_ACTION, 1, "assign",
            "{\"mode\":\"single\",\"units\":[{\"name\":\"省交通运输厅\",\"role\":\"lead\"}]}");
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 4);
    pt_write_free(w);
    assert_int_equal(pt_store_writer_cache_loads(f->store), loads + 1);
    pt_read_t *r = read_op(f, PT_READ_GET, 1);
    assert_int_equal(r->err.code, PT_OK);
    assert_non_null(strstr(r->json, "大建议 1 改"));
    assert_non_null(strstr(r->json, "第一轮"));
    assert_non_null(strstr(r->json, "\"status\":\"assigned\""));
    assert_non_null(strstr(r->json, "第1号附件:xxx"));
    pt_read_free(r);
    writer_cache(f, &bytes, &proposals);
    assert_true(bytes <= PT_WRITER_CACHE_BUDGET);
}

/* A proposal over the limit of one is not kept, whether it came in so or
 * grew past it; writes to it read it from the database each time. */
static void a_proposal_over_the_entry_limit_is_not_cached(void **state)
{
    fixture_t *f = *state;
    const size_t big = PT_WRITER_CACHE_ENTRY_MAX + 4096;
    uint64_t bytes, proposals;
    char *body = body_with_attachment("超长建议", "甲:", big);
    pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, body));
    free(body);
    pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"短建议\"}"));

    pt_write_t *w = run(f, PT_WRITE_PATCH, 1, NULL, "{}");
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 0);
    assert_int_equal(bytes, 0);

    w = run(f, PT_WRITE_PATCH, 2, NULL, "{\"tags\":[\"短\"]}");
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 1);
    assert_true(bytes > 0 && bytes < 4096);
    /* A refused write drops the proposal it read, and its bytes. */
    w = run(f, PT_WRITE_ACTION, 2, "close", "{}");
    assert_int_equal(w->err.code, PT_ETRANSITION);
    pt_write_free(w);
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 0);
    assert_int_equal(bytes, 0);

    /* Proposal 2 grows past the limit: dropped. */
    body = body_with_attachment("短建议", "乙:", big);
    w = run(f, PT_WRITE_PATCH, 2, NULL, body);
    free(body);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 3);
    pt_write_free(w);
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 0);
    assert_int_equal(bytes, 0);

    /* Both are written to as they stand in the database. */
    w = write_if(f, PT_WRITE_PATCH, 2, NULL, "{\"title\":\"短建议改\"}", 3);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 4);
    assert_non_null(strstr(w->json, "乙:xxx"));
    assert_non_null(strstr(w->json, "\"短\""));
    pt_write_free(w);
    w = write_if(f, PT_WRITE_PATCH, 1, NULL, "{\"title\":\"超长建议改\"}", 1);
    fixture_wait(f);
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->version, 2);
    assert_non_null(strstr(w->json, "甲:xxx"));
    pt_write_free(w);
    writer_cache(f, &bytes, &proposals);
    assert_int_equal(proposals, 0);
}

static void history_and_events_follow_every_write(void **state)
{
    fixture_t *f = *state;
    pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"历史\"}"));
    pt_write_t *w = run(f, PT_WRITE_ACTION, 1, "assign",
                        "{\"mode\":\"single\",\"units\":[{\"name\":\"省交通运输厅\",\"role\":"
                        "\"lead\"}],\"note\":\"请抓紧办理\"}");
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    pt_read_t *r = read_op(f, PT_READ_HISTORY, 1);
    assert_int_equal(r->err.code, PT_OK);
    assert_non_null(strstr(r->json, "\"action\":\"create\""));
    assert_non_null(strstr(r->json, "\"action\":\"assign\""));
    assert_non_null(strstr(r->json, "请抓紧办理"));
    assert_non_null(strstr(r->json, "\"actor\":\"测试员\""));
    pt_read_free(r);
    r = pt_read_new(PT_READ_EVENTS);
    r->after = 0;
    fixture_read(f, r);
    fixture_wait(f);
    assert_int_equal(r->count, 2);
    assert_int_equal(r->last_seq, 2);
    assert_non_null(strstr(r->json, "proposal.status_changed"));
    assert_int_equal(pt_store_last_seq(f->store), 2);
    pt_read_free(r);
}

static void full_disk_is_never_acknowledged(void **state)
{
    fixture_t *f = *state;
    fixture_close(f);
    /* A quota of a few pages: the schema fits, a handful of proposals do
     * not. */
    assert_int_equal(fixture_open(f, 40), PT_OK);
    char big[4000];
    int acked = 0, refused = 0;
    for (int i = 0; i < 60; i++) {
        int n = snprintf(big, sizeof(big), "{\"title\":\"满 %d\",\"background\":\"", i);
        for (int j = 0; j < 300; j++)
            n += snprintf(big + n, sizeof(big) - (size_t)n, "背景");
        snprintf(big + n, sizeof(big) - (size_t)n, "\"}");
        pt_write_t *w = run(f, PT_WRITE_CREATE, 0, NULL, big);
        if (w->err.code == PT_OK) {
            acked++;
            assert_true(pt_store_writable(f->store));
        } else {
            assert_int_equal(w->err.code, PT_ESTORAGE);
            assert_null(w->json);
            /* Health says so, though nothing failed to commit. */
            assert_false(pt_store_writable(f->store));
            refused++;
        }
        pt_write_free(w);
    }
    assert_true(refused > 0);
    /* A write that is stored again makes it writable again. */
    pt_write_t *w = run(f, PT_WRITE_DELETE, 999, NULL, NULL);
    assert_int_equal(w->err.code, PT_ENOTFOUND);
    pt_write_free(w);
    assert_true(pt_store_writable(f->store));
    /* Exactly the acknowledged writes are there, whole. */
    assert_int_equal(count(f), acked);
    fixture_close(f);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    assert_int_equal(count(f), acked);
}

static void data_survives_reopening_and_ids_are_never_reused(void **state)
{
    fixture_t *f = *state;
    pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"草稿\",\"status\":\"draft\"}"));
    pt_write_t *w = run(f, PT_WRITE_DELETE, 1, NULL, NULL);
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    fixture_close(f);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    w = run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"新的\"}");
    assert_int_equal(w->err.code, PT_OK);
    assert_int_equal(w->id, 2);
    pt_write_free(w);
    /* Only drafts can be deleted. */
    w = run(f, PT_WRITE_DELETE, 2, NULL, NULL);
    assert_int_equal(w->err.code, PT_ETRANSITION);
    pt_write_free(w);
    assert_int_equal(count(f), 1);
}

static void duplicate_number_in_a_session_is_a_conflict(void **state)
{
    fixture_t *f = *state;
    const char *body = "{\"title\":\"编号\",\"number\":\"1001\",\"session\":\"十四届四次\"}";
    pt_write_t *w = run(f, PT_WRITE_CREATE, 0, NULL, body);
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    w = run(f, PT_WRITE_CREATE, 0, NULL, body);
    assert_int_equal(w->err.code, PT_ECONFLICT);
    assert_non_null(strstr(w->err.message, "1001"));
    pt_write_free(w);
    w = run(f, PT_WRITE_CREATE, 0, NULL,
            "{\"title\":\"编号\",\"number\":\"1001\",\"session\":\"十四届五次\"}");
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
}

static int collect_event(int64_t seq, const char *type, const char *json, size_t len, void *ud)
{
    int64_t *seen = ud;
    assert_true(seq > seen[0]);
    assert_non_null(strstr(json, type));
    assert_int_equal(strlen(json), len);
    seen[0] = seq;
    seen[1]++;
    return seen[1] == 3; /* stop after three */
}

static void cursors_only_move_forward_and_events_read_from_workers(void **state)
{
    fixture_t *f = *state;
    for (int i = 0; i < 5; i++)
        pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, "{\"title\":\"通知\"}"));
    pt_error_t err = {0};
    int64_t seen[2] = {0, 0};
    assert_int_equal(pt_store_events_each(f->store, 0, 100, collect_event, seen, &err), PT_OK);
    assert_int_equal(seen[1], 3);
    assert_int_equal(seen[0], 3);

    int64_t seq = -1;
    bool found = true;
    assert_int_equal(pt_store_cursor_get(f->store, "企业微信", &seq, &found, &err), PT_OK);
    assert_int_equal(seq, 0);
    assert_false(found);
    /* A first cursor is written only when the instance has none; a cursor
     * never moves back. */
    const char *names[] = {"钉钉", "钉钉", "企业微信", "企业微信", "钉钉"};
    int64_t moves[] = {5, 2, 4, 2, 1};
    bool first[] = {true, false, false, false, true};
    for (int i = 0; i < 5; i++) {
        pt_write_t *w = pt_write_new(PT_WRITE_CURSOR);
        w->name = strdup(names[i]);
        w->seq = moves[i];
        w->first = first[i];
        fixture_write(f, w);
        fixture_wait(f);
        assert_int_equal(w->err.code, PT_OK);
        pt_write_free(w);
    }
    assert_int_equal(pt_store_cursor_get(f->store, "企业微信", &seq, &found, &err), PT_OK);
    assert_int_equal(seq, 4);
    assert_true(found);
    assert_int_equal(pt_store_cursor_get(f->store, "钉钉", &seq, NULL, &err), PT_OK);
    assert_int_equal(seq, 5);
    fixture_close(f);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    assert_int_equal(pt_store_cursor_get(f->store, "企业微信", &seq, NULL, &err), PT_OK);
    assert_int_equal(seq, 4);
}

/* The ids (as "1,3") a full-text search finds, in id order. */
static void search(fixture_t *f, const char *q, char *out, size_t len)
{
    pt_read_t *r = pt_read_new(PT_READ_LIST);
    r->query.q = strdup(q);
    r->query.key_supervision = r->query.overdue = -1;
    r->query.limit = 100;
    run_read(f, r);
    assert_int_equal(r->err.code, PT_OK);
    cJSON *j = cJSON_Parse(r->json);
    assert_non_null(j);
    out[0] = '\0';
    const cJSON *it;
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
    {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%d", n ? "," : "", cJSON_GetObjectItem(it, "id")->valueint);
    }
    cJSON_Delete(j);
    pt_read_free(r);
}

/* Imported proposals are listed in search_pending and indexed by the
 * writer later. Search finds a listed proposal from its document while the
 * writer cannot index it (another connection holds the write lock here),
 * with the same words and the same results as through the index, and the
 * writer indexes it once it can. */
static void search_finds_proposals_not_indexed_yet(void **state)
{
    fixture_t *f = *state;
    const char *titles[] = {"关于加强农村饮水安全的建议",
                            "关于推进城市垃圾分类的建议ＡＢＣ（２０２５）",
                            "关于完善养老服务体系的建议ÉTÉ(G20)"};
    for (int i = 0; i < 3; i++) {
        char body[512];
        snprintf(body, sizeof(body),
                 "{\"title\":\"%s\",\"background\":\"群众反映强烈。\","
                 "\"recommendations\":[\"一是加大投入\",\"二是健全机制\"]}",
                 titles[i]);
        pt_write_t *w = run(f, PT_WRITE_CREATE, 0, NULL, body);
        assert_int_equal(w->err.code, PT_OK);
        pt_write_free(w);
    }
    /* Each word and what it finds through the index (NULL: not checked
     * here, only that the other paths find the same). The last ones fold
     * the case of letters other than ASCII, and full-width forms to ASCII,
     * either way: words of three characters or more through the index,
     * shorter ones and the proposals not indexed yet through LIKE, which
     * must fold them alike. */
    const struct {
        const char *q, *ids;
    } queries[] = {{"垃圾分类", "2"},
                   {"饮水", "1"},
                   {"养老服务 建议", "3"},
                   {"垃圾分类 饮水", ""},
                   {"健全机制", "1,2,3"},
                   {"二是", NULL},
                   {"加大投入\n二是", NULL},
                   {"安全 体系", NULL},
                   {"ａｂｃ", "2"},
                   {"ａｂ", "2"},
                   {"ｂ", "2"},
                   {"été", "3"},
                   {"ét", "3"},
                   {"é", "3"},
                   {"(2025)", "2"},
                   {"２０２５", "2"},
                   {"25", "2"},
                   {"Ｇ２０", "3"},
                   {"g20", "3"},
                   {"Ｇ２", "3"},
                   {"(", "2,3"},
                   {"（", "2,3"},
                   {"abc", "2"},
                   {"c(", "2"}};
    enum { N_QUERIES = sizeof(queries) / sizeof(queries[0]) };
    char ids[64], before[N_QUERIES][64];
    for (int i = 0; i < N_QUERIES; i++) {
        search(f, queries[i].q, before[i], sizeof(before[i]));
        if (queries[i].ids)
            assert_string_equal(before[i], queries[i].ids);
    }
    fixture_close(f);

    /* What an import leaves: 2 and 3 listed, not in the index. */
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "DELETE FROM proposals_fts WHERE rowid IN (2, 3);"
                                  "INSERT INTO search_pending VALUES (2), (3);",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    assert_int_equal(pt_store_search_backlog_size(f->store), 2);
    for (int i = 0; i < N_QUERIES; i++) {
        search(f, queries[i].q, ids, sizeof(ids));
        assert_string_equal(ids, before[i]);
    }
    assert_int_equal(pt_store_search_backlog_size(f->store), 2);
    assert_int_equal(sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    /* The writer retries within seconds. */
    for (int i = 0; i < 300 && pt_store_search_backlog_size(f->store) > 0; i++)
        usleep(50 * 1000);
    assert_int_equal(pt_store_search_backlog_size(f->store), 0);
    for (int i = 0; i < N_QUERIES; i++) {
        search(f, queries[i].q, ids, sizeof(ids));
        assert_string_equal(ids, before[i]);
    }
    fixture_close(f);
    assert_int_equal(fixture_sql_int(f, "SELECT count(*) FROM search_pending"), 0);
    assert_int_equal(fixture_sql_int(f, "SELECT count(*) FROM proposals_fts WHERE rowid IN (2, 3)"),
                     2);
}

/* A search reads the documents of the proposals that wait for the index
 * (search_pending), and of no other: with an empty list, finding one
 * proposal among hundreds must not step through the proposals' table,
 * whose rows hold every document (an aged store's is gigabytes). */
static void search_reads_no_document_when_none_waits_for_the_index(void **state)
{
    fixture_t *f = *state;
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        char body[256];
        snprintf(body, sizeof(body), "{\"title\":\"关于%s第%d号的建议\"}",
                 i == 123 ? "加强农村饮水安全" : "推进城市垃圾分类", i);
        create_unread(f, body);
    }
    fixture_wait(f);
    assert_int_equal(count(f), N);
    sqlite3 *db = NULL;
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    /* A word of the trigram index, and one too short for it. */
    const char *words[] = {"饮水安全", "饮水"};
    for (int i = 0; i < 2; i++) {
        pt_list_query_t q = {.key_supervision = -1, .overdue = -1, .q = (char *)words[i]};
        pt_error_t err = {0};
        sqlite3_stmt *st = pt_store_list_prepare(db, &q, 0, "p.id", "ORDER BY p.id LIMIT 51", &err);
        assert_non_null(st);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_int_equal(sqlite3_column_int64(st, 0), 124);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        assert_int_equal(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0);
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
}

/* The bytes this process has read through read(2) and pread(2) so far,
 * from the disk or the page cache alike (/proc/self/io's rchar). */
static int64_t bytes_read(void)
{
    FILE *fp = fopen("/proc/self/io", "r");
    assert_non_null(fp);
    char line[128];
    long long v = -1;
    while (fgets(line, sizeof(line), fp))
        if (sscanf(line, "rchar: %lld", &v) == 1)
            break;
    fclose(fp);
    assert_true(v >= 0);
    return v;
}

/* Opening a store checks that each proposal's clock is the workflow's for
 * its state. It reads the proposals whose deadline runs, or should, and not
 * the others, most of an aged store (closed years ago): a start after a
 * reboot, with nothing in the page cache, read every document. */
static void opening_reads_only_proposals_whose_deadline_runs(void **state)
{
    fixture_t *f = *state;
    enum { N = 1000 };
    char bg[3000] = "";
    while (strlen(bg) + 40 < sizeof(bg))
        strcat(bg, "近年来，农村饮水安全工作取得积极进展。");
    for (int i = 0; i < N; i++) {
        char body[3300];
        snprintf(body, sizeof(body), "{\"title\":\"关于第%d号的建议\",\"background\":\"%s\"}", i,
                 bg);
        create_unread(f, body);
    }
    fixture_wait(f);
    pt_write_t *w =
        run(f, PT_WRITE_ACTION, 7, "assign",
            "{\"mode\":\"single\",\"units\":[{\"name\":\"省财政厅\",\"role\":\"lead\"}]}");
    assert_int_equal(w->err.code, PT_OK);
    pt_write_free(w);
    fixture_close(f);
    struct stat sb;
    assert_int_equal(stat(f->path, &sb), 0);
    assert_true(sb.st_size > N * 3000);

    int64_t before = bytes_read();
    assert_int_equal(fixture_open(f, 0), PT_OK);
    int64_t read = bytes_read() - before;
    assert_true(read < sb.st_size / 10);
    assert_int_equal(count(f), N);
    fixture_close(f);

    /* And it still finds a clock that differs, either way: a deadline that
     * runs in a state where it should not, and one that does not run where
     * it should (as a changed workflow leaves them). */
    for (int i = 0; i < 2; i++) {
        sqlite3 *db;
        assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
        assert_int_equal(sqlite3_exec(db,
                                      i == 0 ? "UPDATE proposals SET clock = 1 WHERE id = 500"
                                             : "UPDATE proposals SET clock = 0 WHERE id = 7",
                                      NULL, NULL, NULL),
                         SQLITE_OK);
        sqlite3_close(db);
        assert_int_equal(fixture_open(f, 0), PT_OK);
        fixture_close(f);
        assert_int_equal(fixture_sql_int(f, "SELECT clock FROM proposals WHERE id = 500"), 0);
        assert_int_equal(fixture_sql_int(f, "SELECT clock FROM proposals WHERE id = 7"), 1);
    }
}

/* A list of one session's proposals (届次: this year's, or the figures of
 * one session) reads that session's rows from an index, not every row of
 * every session the store has kept over the years. */
static void session_lists_read_only_that_sessions_proposals(void **state)
{
    fixture_t *f = *state;
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        char body[256];
        snprintf(body, sizeof(body), "{\"title\":\"关于第%d号的建议\",\"session\":\"%s\"}", i,
                 i % 100 == 7 ? "十四届五次会议" : "十四届四次会议");
        create_unread(f, body);
    }
    fixture_wait(f);
    sqlite3 *db = NULL;
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    pt_list_query_t q = {.key_supervision = -1, .overdue = -1, .session = "十四届五次会议"};
    pt_error_t err = {0};
    sqlite3_stmt *st = pt_store_list_prepare(db, &q, 0, "p.id", "ORDER BY p.id LIMIT 51", &err);
    assert_non_null(st);
    char ids[64] = "";
    while (sqlite3_step(st) == SQLITE_ROW) {
        size_t n = strlen(ids);
        snprintf(ids + n, sizeof(ids) - n, "%s%lld", n ? "," : "",
                 (long long)sqlite3_column_int64(st, 0));
    }
    assert_string_equal(ids, "8,108,208");
    assert_int_equal(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0), 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
}

/* What EXPLAIN QUERY PLAN says of the statement st: its lines' details,
 * each ending in "\n", into out. */
static void plan_of(sqlite3 *db, sqlite3_stmt *st, char *out, size_t len)
{
    char *sql = NULL;
    assert_true(asprintf(&sql, "EXPLAIN QUERY PLAN %s", sqlite3_sql(st)) > 0);
    sqlite3_stmt *ep;
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ep, NULL), SQLITE_OK);
    out[0] = '\0';
    while (sqlite3_step(ep) == SQLITE_ROW) {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s\n", (const char *)sqlite3_column_text(ep, 3));
    }
    sqlite3_finalize(ep);
    free(sql);
}

/* 300 proposals in a few states, with times that repeat (so that the id
 * decides between equal ones) and some without a deadline, set in SQL.
 * The deadline runs (clock) in handling and rehandling; closed and
 * withdrawn ones keep a due_at, as a proposal keeps the one it had. */
static void make_states_and_times(fixture_t *f)
{
    enum { N = 300 };
    for (int i = 0; i < N; i++) {
        char body[128];
        snprintf(body, sizeof(body), "{\"title\":\"关于第%d号的建议\"}", i);
        create_unread(f, body);
    }
    fixture_wait(f);
    fixture_close(f);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE proposals SET"
                                  " status = CASE WHEN id % 10 < 7 THEN 'closed'"
                                  "  WHEN id % 10 < 8 THEN 'handling' WHEN id % 10 < 9 THEN"
                                  "  'rehandling' ELSE 'withdrawn' END,"
                                  " updated_at = 1000 + (id * 7919) % 50,"
                                  " created_at = 500 + (id * 104729) % 60,"
                                  " due_at = CASE WHEN id % 7 = 3 THEN NULL"
                                  "  ELSE 2000 + (id * 31) % 40 END,"
                                  " clock = id % 10 IN (7, 8)",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
}

/* A list's states as a message names them. */
static const char *named(const char *states)
{
    return states ? states : "(any)";
}

/* A state's list, in every sort and both directions, is read from an
 * index that holds the state's proposals in the sort's order, and never
 * sorted: each page reads its own proposals and the next one, where a
 * sort reads every proposal of the state (0.2 s a page for the 88,000
 * closed ones of an aged store). Several states are read each from its
 * index and merged, also without a sort, and a state named twice is read
 * once. A list of every state is read from the indexes of the times and
 * the id, or, sorted by the deadline, as the merge of every state the
 * store holds. The pages, followed by their cursors, hold the proposals in
 * the order of the sort's value, then the id, each once. */
static void a_states_list_is_read_in_its_order_without_a_sort(void **state)
{
    fixture_t *f = *state;
    make_states_and_times(f);
    sqlite3 *db = NULL;
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    const char *lists[][2] = {{"closed", "'closed'"},
                              {"handling", "'handling'"},
                              {"closed,withdrawn,handling", "'closed','withdrawn','handling'"},
                              {"rehandling,handling", "'rehandling','handling'"},
                              {"handling,closed,handling", "'handling','closed'"},
                              {"closed,closed", "'closed'"},
                              /* No state: every proposal, which a sort by
                               * the deadline reads state by state. */
                              {NULL, "SELECT status FROM proposals"}};
    const char *keys[] = {"id", "created_at", "updated_at", PT_SQL_DUE_KEY("clock", "due_at")};
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        for (int k = PT_SORT_ID; k <= PT_SORT_DUE; k++) {
            for (int desc = 0; desc < 2; desc++) {
                /* What the pages must hold, in order. */
                char *sql = NULL, want[4096] = "", got[4096] = "";
                assert_true(asprintf(&sql,
                                     "SELECT group_concat(id) FROM (SELECT id FROM proposals"
                                     " WHERE status IN (%s) ORDER BY %s %s, id %s)",
                                     lists[l][1], keys[k], desc ? "DESC" : "ASC",
                                     desc ? "DESC" : "ASC") > 0);
                sqlite3_stmt *ref;
                assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ref, NULL), SQLITE_OK);
                assert_int_equal(sqlite3_step(ref), SQLITE_ROW);
                snprintf(want, sizeof(want), "%s", (const char *)sqlite3_column_text(ref, 0));
                sqlite3_finalize(ref);
                free(sql);

                pt_list_query_t q = {.key_supervision = -1,
                                     .overdue = -1,
                                     .status = (char *)lists[l][0],
                                     .sort = (pt_sort_key_t)k,
                                     .desc = desc,
                                     .limit = 7};
                for (int page = 0;; page++) {
                    assert_true(page < 300);
                    pt_error_t err = {0};
                    sqlite3_stmt *st = pt_store_page_prepare(db, &q, 0, &err);
                    assert_non_null(st);
                    if (page == 0) {
                        char plan[1024];
                        plan_of(db, st, plan, sizeof(plan));
                        if (strstr(plan, "TEMP B-TREE"))
                            fail_msg("status=%s, sort %s%s sorts:\n%s", named(lists[l][0]),
                                     desc ? "-" : "", keys[k], plan);
                    }
                    int n = 0;
                    while (sqlite3_step(st) == SQLITE_ROW && n < q.limit) {
                        size_t len = strlen(got);
                        snprintf(got + len, sizeof(got) - len, "%s%lld", len ? "," : "",
                                 (long long)sqlite3_column_int64(st, 0));
                        q.cursor_id = sqlite3_column_int64(st, 0);
                        q.cursor_value = sqlite3_column_int64(st, 1);
                        n++;
                    }
                    assert_int_equal(sqlite3_stmt_status(st, SQLITE_STMTSTATUS_SORT, 0), 0);
                    bool more = sqlite3_data_count(st) > 0 && n == q.limit;
                    sqlite3_finalize(st);
                    if (!more)
                        break;
                    q.has_cursor = true;
                }
                if (strcmp(got, want) != 0)
                    fail_msg("status=%s, sort %s%s:\n got %s\nwant %s", named(lists[l][0]),
                             desc ? "-" : "", keys[k], got, want);
            }
        }
    }
    sqlite3_close(db);
}

/* The ids of the list q, page after page by its cursors (pages of
 * q->limit), into out. */
static void walk_list(sqlite3 *db, pt_list_query_t q, char *out, size_t len)
{
    out[0] = '\0';
    for (int page = 0;; page++) {
        assert_true(page < 100);
        pt_error_t err = {0};
        sqlite3_stmt *st = pt_store_page_prepare(db, &q, 0, &err);
        assert_non_null(st);
        int n = 0;
        while (sqlite3_step(st) == SQLITE_ROW && n < q.limit) {
            size_t l = strlen(out);
            snprintf(out + l, len - l, "%s%lld", l ? "," : "",
                     (long long)sqlite3_column_int64(st, 0));
            q.cursor_id = sqlite3_column_int64(st, 0);
            q.cursor_value = sqlite3_column_int64(st, 1);
            n++;
        }
        bool more = sqlite3_data_count(st) > 0 && n == q.limit;
        sqlite3_finalize(st);
        if (!more)
            return;
        q.has_cursor = true;
    }
}

/* A list sorted by due_at holds first the proposals whose deadline runs
 * (the state's clock, and a due_at), the soonest first, and then every
 * other one by id: a closed, replied or withdrawn proposal keeps the
 * due_at it had, and an old one came first in a list of every state.
 * -due_at is the same list reversed. So in every shape of the list's
 * query: every state (read state by state), several states, one state,
 * a state beside another filter; and a unit's list, where the
 * proposal's clock decides too, not whether the unit has answered its
 * part. Pages of two, followed by their cursors. */
static void a_list_by_due_holds_the_running_deadlines_first(void **state)
{
    fixture_t *f = *state;
    for (int i = 1; i <= 8; i++)
        create_unread(f, "{\"title\":\"关于期限排序的建议\",\"session\":\"十四届一次会议\"}");
    fixture_wait(f);
    fixture_close(f);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    /* 1, 3, 8: stopped with an old deadline; 5: no deadline; 6: the
     * clock runs without a deadline; 2, 4, 7: due, 4 and 7 at once. */
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE proposals SET"
                                  " status = CASE id WHEN 1 THEN 'closed' WHEN 3 THEN 'withdrawn'"
                                  "  WHEN 5 THEN 'submitted' WHEN 6 THEN 'rehandling'"
                                  "  WHEN 8 THEN 'replied' ELSE 'handling' END,"
                                  " clock = id IN (2, 4, 6, 7),"
                                  " due_at = CASE id WHEN 1 THEN 1000 WHEN 2 THEN 3000"
                                  "  WHEN 3 THEN 500 WHEN 4 THEN 2000 WHEN 7 THEN 2000"
                                  "  WHEN 8 THEN 10 END;"
                                  "INSERT INTO proposal_units (proposal_id, name, role, answered)"
                                  " SELECT id, '分办局', 'separate', id = 2 FROM proposals;",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    struct {
        const char *status, *session, *unit, *asc, *desc;
    } lists[] = {
        {NULL, NULL, NULL, "4,7,2,1,3,5,6,8", "8,6,5,3,1,2,7,4"},
        {"closed,handling,replied", NULL, NULL, "4,7,2,1,8", "8,1,2,7,4"},
        {"handling", NULL, NULL, "4,7,2", "2,7,4"},
        {"closed", NULL, NULL, "1", "1"},
        {NULL, "十四届一次会议", NULL, "4,7,2,1,3,5,6,8", "8,6,5,3,1,2,7,4"},
        {NULL, NULL, "分办局", "4,7,2,1,3,5,6,8", "8,6,5,3,1,2,7,4"},
    };
    for (size_t l = 0; l < sizeof(lists) / sizeof(lists[0]); l++) {
        for (int desc = 0; desc < 2; desc++) {
            pt_list_query_t q = {.key_supervision = -1,
                                 .overdue = -1,
                                 .status = (char *)lists[l].status,
                                 .session = (char *)lists[l].session,
                                 .unit = (char *)lists[l].unit,
                                 .sort = PT_SORT_DUE,
                                 .desc = desc,
                                 .limit = 2};
            char got[256];
            walk_list(db, q, got, sizeof(got));
            const char *want = desc ? lists[l].desc : lists[l].asc;
            if (strcmp(got, want) != 0)
                fail_msg("status=%s session=%s unit=%s, sort %sdue_at:\n got %s\nwant %s",
                         named(lists[l].status), named(lists[l].session), named(lists[l].unit),
                         desc ? "-" : "", got, want);
        }
    }
    sqlite3_close(db);
}

/* A state beside a session (or a delegation, a category) is checked on
 * the rows of that filter's index, which a sort then orders, rather than
 * on every proposal of the state that a walk in the sort's order passes
 * before the page is full: those columns are not in the status's indexes,
 * and a walk along the closed proposals of ten years read each of their
 * rows for an old session (0.17 s). */
static void a_state_beside_a_session_is_read_from_the_sessions_index(void **state)
{
    fixture_t *f = *state;
    make_states_and_times(f);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
                                  "UPDATE proposals SET session = CASE WHEN id IN (10, 20, 30)"
                                  " THEN '十三届一次会议' ELSE '十四届五次会议' END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    for (int k = PT_SORT_ID; k <= PT_SORT_DUE; k++) {
        pt_list_query_t q = {.key_supervision = -1,
                             .overdue = -1,
                             .status = "closed",
                             .session = "十三届一次会议",
                             .sort = (pt_sort_key_t)k,
                             .desc = true,
                             .limit = 50};
        pt_error_t err = {0};
        sqlite3_stmt *st = pt_store_page_prepare(db, &q, 0, &err);
        assert_non_null(st);
        char plan[1024], ids[64] = "";
        plan_of(db, st, plan, sizeof(plan));
        if (!strstr(plan, "INDEX proposals_session (session=?)"))
            fail_msg("sort %d:\n%s", k, plan);
        while (sqlite3_step(st) == SQLITE_ROW) {
            size_t n = strlen(ids);
            snprintf(ids + n, sizeof(ids) - n, "%s%lld", n ? "," : "",
                     (long long)sqlite3_column_int64(st, 0));
        }
        sqlite3_finalize(st);
        /* 10, 20 and 30 are closed, and their times go down with the id;
         * a closed proposal's deadline has stopped, so by due_at they
         * are in the order of the id. */
        assert_string_equal(ids, k == PT_SORT_ID || k == PT_SORT_DUE ? "30,20,10" : "10,20,30");
    }
    sqlite3_close(db);
}

/* The seqs of a scoped feed's page after `after` (at most limit), as
 * ptrackd reads it, into out; returns the page's last_seq. */
static int64_t scoped_page(fixture_t *f, const char *unit, const char *person, int64_t after,
                           int limit, char *out, size_t len)
{
    pt_read_t *r = pt_read_new(PT_READ_EVENTS);
    r->after = after;
    r->limit = limit;
    r->query.unit = unit ? strdup(unit) : NULL;
    r->query.person = person ? strdup(person) : NULL;
    run_read(f, r);
    assert_int_equal(r->err.code, PT_OK);
    cJSON *j = cJSON_Parse(r->json);
    cJSON *it;
    out[0] = '\0';
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(j, "items"))
    {
        size_t n = strlen(out);
        snprintf(out + n, len - n, "%s%lld", n ? "," : "",
                 (long long)cJSON_GetObjectItem(it, "seq")->valuedouble);
    }
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(j, "items")), r->count);
    cJSON_Delete(j);
    int64_t last = r->last_seq;
    pt_read_free(r);
    return last;
}

/* A unit's or a delegate's feed is looked for in events_seq, whose
 * entries hold the proposal beside the seq, and only the page's events
 * are read from their rows, which hold a proposal each. It holds what the
 * plain query would (the oldest events after `after` of the proposals in
 * scope, no digest), and last_seq goes on to the newest event when the
 * page is not full: for a dense scope, a sparse one (a few events far
 * apart), one with none, and a delegate's, for pages of every size,
 * followed from the start and from the middle. */
static void a_scoped_feed_reads_its_events_from_an_index(void **state)
{
    fixture_t *f = *state;
    const char *bodies[] = {
        "{\"title\":\"甲\",\"lead_author\":\"王代表\"}",
        "{\"title\":\"乙\",\"lead_author\":\"李代表\"}",
        "{\"title\":\"丙\",\"lead_author\":\"李代表\",\"co_signers\":[\"王代表\"]}",
        "{\"title\":\"丁\",\"lead_author\":\"赵代表\"}"};
    for (int i = 0; i < 4; i++)
        pt_write_free(run(f, PT_WRITE_CREATE, 0, NULL, bodies[i]));
    const char *units[] = {"疏单位", "密单位", "疏单位", "别的单位"};
    for (int i = 0; i < 4; i++) {
        char body[160];
        snprintf(body, sizeof(body),
                 "{\"mode\":\"single\",\"units\":[{\"name\":\"%s\",\"role\":\"lead\"}]}", units[i]);
        pt_write_t *w = run(f, PT_WRITE_ACTION, i + 1, "assign", body);
        assert_int_equal(w->err.code, PT_OK);
        pt_write_free(w);
    }
    /* 3,000 events more: proposal 1 (the sparse unit's) every 701st,
     * proposal 3 every 1,009th, a digest every 97th, proposal 2 (the
     * dense unit's) every 3rd, proposal 4 the rest. */
    fixture_close(f);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
    assert_int_equal(
        sqlite3_exec(
            db,
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)"
            " INSERT INTO events (type, at, actor, action, proposal_id, proposal, data)"
            " SELECT CASE WHEN i % 97 = 0 THEN 'digest.daily' ELSE 'proposal.updated'"
            "  END, 0, '测试员', 'edit', pid, CASE WHEN pid IS NULL THEN NULL"
            "  ELSE '{\"id\":' || pid || '}' END, CASE WHEN pid IS NULL THEN '{}' END"
            " FROM (SELECT i, CASE WHEN i % 701 = 0 THEN 1 WHEN i % 1009 = 0 THEN 3"
            "  WHEN i % 97 = 0 THEN NULL WHEN i % 3 = 0 THEN 2 ELSE 4 END AS pid FROM n)",
            NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(db);
    assert_int_equal(fixture_open(f, 0), PT_OK);
    int64_t newest = fixture_sql_int(f, "SELECT max(seq) FROM events");

    /* The plans: the index entries alone, and the rows of the page. */
    assert_int_equal(pt_sqlite_open(f->path, false, &db), SQLITE_OK);
    pt_list_query_t unit = {.unit = "疏单位"}, person = {.person = "王代表"};
    const pt_list_query_t *scopes[] = {&unit, &person};
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *st = pt_store_events_prepare(db, 10, 100, scopes[k]);
        assert_non_null(st);
        char plan[1024];
        plan_of(db, st, plan, sizeof(plan));
        sqlite3_finalize(st);
        if (!strstr(plan, "SEARCH events USING COVERING INDEX events_seq (seq>?)") ||
            !strstr(plan, "SEARCH e USING INTEGER PRIMARY KEY (rowid=?)") ||
            strstr(plan, "TEMP B-TREE"))
            fail_msg("%s:\n%s", k ? "person" : "unit", plan);
    }
    sqlite3_close(db);

    struct {
        const char *unit, *person, *within;
    } cases[] = {
        {"疏单位", NULL, "SELECT proposal_id FROM proposal_units WHERE name = '疏单位'"},
        {"密单位", NULL, "SELECT proposal_id FROM proposal_units WHERE name = '密单位'"},
        {"无单位", NULL, "SELECT proposal_id FROM proposal_units WHERE name = '无单位'"},
        {NULL, "王代表", "SELECT proposal_id FROM proposal_people WHERE person = '王代表'"},
    };
    const int limits[] = {1, 2, 7, 100, 1000};
    const int64_t starts[] = {0, 5, 1500, newest - 40, newest};
    for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
        for (size_t s = 0; s < sizeof(starts) / sizeof(starts[0]); s++) {
            char *sql = NULL;
            assert_true(asprintf(&sql,
                                 "SELECT coalesce(group_concat(seq), '') FROM (SELECT seq FROM"
                                 " events WHERE seq > %lld AND proposal_id IN (%s) ORDER BY seq)",
                                 (long long)starts[s], cases[c].within) > 0);
            assert_int_equal(sqlite3_open(f->path, &db), SQLITE_OK);
            sqlite3_stmt *ref;
            assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &ref, NULL), SQLITE_OK);
            assert_int_equal(sqlite3_step(ref), SQLITE_ROW);
            char want[32768];
            snprintf(want, sizeof(want), "%s", (const char *)sqlite3_column_text(ref, 0));
            sqlite3_finalize(ref);
            sqlite3_close(db);
            free(sql);
            for (size_t l = 0; l < sizeof(limits) / sizeof(limits[0]); l++) {
                char got[32768] = "", page[16384];
                int64_t after = starts[s];
                for (int pages = 0;; pages++) {
                    assert_true(pages < 3100);
                    int64_t last = scoped_page(f, cases[c].unit, cases[c].person, after, limits[l],
                                               page, sizeof(page));
                    int n = page[0] ? 1 : 0;
                    for (const char *p = page; *p; p++)
                        n += *p == ',';
                    if (*page) {
                        size_t len = strlen(got);
                        snprintf(got + len, sizeof(got) - len, "%s%s", len ? "," : "", page);
                    }
                    if (n < limits[l]) {
                        /* Not full: the whole feed was looked through. */
                        assert_int_equal(last, newest);
                        break;
                    }
                    /* Full: on from its last event. */
                    const char *tail = strrchr(page, ',');
                    assert_int_equal(last, strtoll(tail ? tail + 1 : page, NULL, 10));
                    after = last;
                }
                if (strcmp(got, want) != 0)
                    fail_msg("%s, after %lld, pages of %d:\n got %s\nwant %s",
                             cases[c].unit ? cases[c].unit : cases[c].person, (long long)starts[s],
                             limits[l], got, want);
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(create_assigns_ids_and_is_readable, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(concurrent_writes_share_commits, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(the_checkpointer_copies_the_wal_back, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(the_wal_starts_over_under_steady_writes, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(failing_write_leaves_its_batch_committed, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(idempotency_key_replays_and_refuses_other_bodies,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(old_idempotency_keys_are_forgotten, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(an_expired_idempotency_key_makes_a_new_request,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(if_match_refuses_a_stale_version, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(the_writers_cache_stays_under_its_budget, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(a_proposal_over_the_entry_limit_is_not_cached,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(history_and_events_follow_every_write, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(full_disk_is_never_acknowledged, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(data_survives_reopening_and_ids_are_never_reused,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(duplicate_number_in_a_session_is_a_conflict, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(cursors_only_move_forward_and_events_read_from_workers,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(search_finds_proposals_not_indexed_yet, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(search_reads_no_document_when_none_waits_for_the_index,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(opening_reads_only_proposals_whose_deadline_runs,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(session_lists_read_only_that_sessions_proposals,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_states_list_is_read_in_its_order_without_a_sort,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_list_by_due_holds_the_running_deadlines_first,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_state_beside_a_session_is_read_from_the_sessions_index,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(a_scoped_feed_reads_its_events_from_an_index, fixture_setup,
                                        fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
