/*
 * store-tokens.c - the tokens made at run time (POST /v1/tokens), kept
 * hashed in the `tokens` table.
 *
 * The table is written by custom writes, which run on the writer thread in
 * a savepoint of the writer's transaction like every other write, so a
 * token is answered to the client only once it is durable. It is read once,
 * at start; after that api-tokens.c keeps its own copy in memory, so that
 * authenticating a request never waits for the database.
 */
#include "log.h"
#include "store-sqlite.h"

#include <stdlib.h>
#include <string.h>

/* The text columns, NULL for a NULL column. Returns false when out of
 * memory. */
static bool col_text(sqlite3_stmt *st, int col, char **out)
{
    const char *s = (const char *)sqlite3_column_text(st, col);
    *out = s ? strdup(s) : NULL;
    return !s || *out;
}

void pt_stored_tokens_free(pt_stored_token_t *v, size_t n)
{
    for (size_t i = 0; v && i < n; i++) {
        free(v[i].name);
        free(v[i].role);
        free(v[i].unit);
        free(v[i].person);
    }
    free(v);
}

int pt_store_token_names_peek(const char *path, char ***out, size_t *n, pt_error_t *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    char **v = NULL;
    size_t len = 0;
    int result = PT_OK;
    if (pt_sqlite_open_peek(path, &db) != SQLITE_OK) {
        result = pt_error_set(err, PT_ESTORAGE, "cannot open %s: %s", path,
                              db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db, "SELECT name FROM tokens WHERE revoked_at IS NULL ORDER BY name", -1,
                           &st, NULL) != SQLITE_OK) {
        result = pt_sqlite_error(err, db, "reading the tokens");
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char **grown = realloc(v, (len + 1) * sizeof(*v));
        if (!grown || !(grown[len] = strdup((const char *)sqlite3_column_text(st, 0)))) {
            v = grown ? grown : v;
            result = pt_error_set(err, PT_ENOMEM, "out of memory");
            goto done;
        }
        v = grown;
        len++;
    }
    if (rc != SQLITE_DONE)
        result = pt_sqlite_error(err, db, "reading the tokens");
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    if (result != PT_OK) {
        pt_token_names_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return PT_OK;
}

void pt_token_names_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int pt_store_tokens_load(pt_store_t *s, pt_stored_token_t **out, size_t *n, pt_error_t *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = pt_store_take_reader(s);
    if (!db)
        return pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    sqlite3_stmt *st = NULL;
    int result = PT_OK;
    pt_stored_token_t *v = NULL;
    size_t len = 0, cap = 0;
    if (sqlite3_prepare_v2(db,
                           "SELECT name, role, unit, person, sha256, created_at, last_used_at"
                           " FROM tokens WHERE revoked_at IS NULL ORDER BY created_at, name",
                           -1, &st, NULL) != SQLITE_OK) {
        result = pt_sqlite_error(err, db, "reading the tokens");
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        /* A hash of another length is not ours; a row with one would match
         * nothing, so it is left out rather than failing the start. */
        if (sqlite3_column_bytes(st, 4) != 32)
            continue;
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            pt_stored_token_t *grown = realloc(v, ncap * sizeof(*v));
            if (!grown) {
                result = pt_error_set(err, PT_ENOMEM, "out of memory");
                goto done;
            }
            v = grown;
            cap = ncap;
        }
        pt_stored_token_t *t = &v[len++];
        memset(t, 0, sizeof(*t));
        if (!col_text(st, 0, &t->name) || !col_text(st, 1, &t->role) ||
            !col_text(st, 2, &t->unit) || !col_text(st, 3, &t->person)) {
            result = pt_error_set(err, PT_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(t->sha256, sqlite3_column_blob(st, 4), 32);
        t->created_at = sqlite3_column_int64(st, 5);
        t->last_used_at = sqlite3_column_int64(st, 6);
    }
    if (rc != SQLITE_DONE)
        result = pt_sqlite_error(err, db, "reading the tokens");
done:
    sqlite3_finalize(st);
    pt_store_give_reader(s, db);
    if (result != PT_OK) {
        pt_stored_tokens_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return PT_OK;
}

/* ---- Writes ------------------------------------------------------------
 * A token write keeps what it stores in fields that pt_write_free already
 * frees, so that it needs nothing of its own: the name in w->name, role,
 * unit and person in w->body, the hash in w->idem_hash and a time in
 * w->seq. */

static int run_sql(sqlite3 *db, pt_write_t *w, const char *sql, const char *what,
                   int (*bind)(sqlite3_stmt *, pt_write_t *), int *changes)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(&w->err, db, what);
    bind(st, w);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return pt_sqlite_error(&w->err, db, what);
    *changes = sqlite3_changes(db);
    return PT_OK;
}

static const char *body_str(const pt_write_t *w, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(w->body, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static int bind_none(sqlite3_stmt *st, pt_write_t *w)
{
    (void)st;
    (void)w;
    return 0;
}

/* Counts a token made or revoked in store_meta, in the write's own
 * savepoint, and tells the writer, which puts the count in the change
 * feed's mark after the commit (store-seqmark.c). */
static int count_change(sqlite3 *db, pt_write_t *w)
{
    int changes = 0;
    int rc = run_sql(db, w,
                     "INSERT INTO store_meta (key, value) VALUES ('token_changes', '1')"
                     " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1",
                     "counting the tokens' changes", bind_none, &changes);
    if (rc == PT_OK)
        pt_store_writer_tokens_changed();
    return rc;
}

static int bind_create(sqlite3_stmt *st, pt_write_t *w)
{
    sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
    bind_opt(st, 2, body_str(w, "role"));
    bind_opt(st, 3, body_str(w, "unit"));
    bind_opt(st, 4, body_str(w, "person"));
    sqlite3_bind_blob(st, 5, w->idem_hash, 32, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, pt_store_writer_now());
    return 0;
}

static int run_create(void *conn, pt_write_t *w)
{
    /* A revoked token's row gives way to the new one; one in force does
     * not (the WHERE of the upsert leaves it alone, and no row changes). */
    int changes = 0;
    int rc = run_sql(conn, w,
                     "INSERT INTO tokens (name, role, unit, person, sha256, created_at)"
                     " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
                     " ON CONFLICT (name) DO UPDATE SET role = excluded.role,"
                     " unit = excluded.unit, person = excluded.person, sha256 = excluded.sha256,"
                     " created_at = excluded.created_at, last_used_at = NULL, revoked_at = NULL"
                     " WHERE revoked_at IS NOT NULL",
                     "storing a token", bind_create, &changes);
    if (rc != PT_OK)
        return rc;
    if (changes == 0)
        return pt_error_set(&w->err, PT_ECONFLICT,
                            "a token named \"%s\" exists; revoke it first or choose another name",
                            w->name);
    if (count_change(conn, w) != PT_OK)
        return w->err.code;
    w->seq = pt_store_writer_now();
    return PT_OK;
}

static int bind_revoke(sqlite3_stmt *st, pt_write_t *w)
{
    sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, pt_store_writer_now());
    return 0;
}

static int run_revoke(void *conn, pt_write_t *w)
{
    int changes = 0;
    int rc =
        run_sql(conn, w, "UPDATE tokens SET revoked_at = ?2 WHERE name = ?1 AND revoked_at IS NULL",
                "revoking a token", bind_revoke, &changes);
    if (rc == PT_OK && changes == 0)
        rc = pt_error_set(&w->err, PT_ENOTFOUND, "there is no token named \"%s\"", w->name);
    if (rc == PT_OK)
        rc = count_change(conn, w);
    return rc;
}

static int bind_used(sqlite3_stmt *st, pt_write_t *w)
{
    sqlite3_bind_text(st, 1, w->name, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, w->seq);
    return 0;
}

static int run_used(void *conn, pt_write_t *w)
{
    int changes = 0;
    return run_sql(conn, w,
                   "UPDATE tokens SET last_used_at = max(IFNULL(last_used_at, 0), ?2)"
                   " WHERE name = ?1 AND revoked_at IS NULL",
                   "noting a token's use", bind_used, &changes);
}

static int run_config_used(void *conn, pt_write_t *w)
{
    int changes = 0;
    return run_sql(conn, w,
                   "INSERT INTO config_token_uses (name, last_used_at) VALUES (?1, ?2)"
                   " ON CONFLICT (name) DO UPDATE SET"
                   " last_used_at = max(last_used_at, excluded.last_used_at)",
                   "noting a token's use", bind_used, &changes);
}

static pt_write_t *token_write(const char *name, int (*run)(void *, pt_write_t *))
{
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (!w)
        return NULL;
    w->name = strdup(name);
    if (!w->name) {
        pt_write_free(w);
        return NULL;
    }
    w->run_ = run;
    return w;
}

pt_write_t *pt_write_token_create(const pt_stored_token_t *t)
{
    pt_write_t *w = token_write(t->name, run_create);
    if (!w)
        return NULL;
    /* The hash travels in idem_hash, a 32-byte field the write already
     * has and pt_write_free needs not know of. */
    memcpy(w->idem_hash, t->sha256, 32);
    w->body = cJSON_CreateObject();
    if (!w->body || !cJSON_AddStringToObject(w->body, "role", t->role) ||
        (t->unit && !cJSON_AddStringToObject(w->body, "unit", t->unit)) ||
        (t->person && !cJSON_AddStringToObject(w->body, "person", t->person))) {
        pt_write_free(w);
        return NULL;
    }
    return w;
}

pt_write_t *pt_write_token_revoke(const char *name)
{
    return token_write(name, run_revoke);
}

pt_write_t *pt_write_token_used(const char *name, int64_t at)
{
    pt_write_t *w = token_write(name, run_used);
    if (w)
        w->seq = at;
    return w;
}

pt_write_t *pt_write_config_token_used(const char *name, int64_t at)
{
    pt_write_t *w = token_write(name, run_config_used);
    if (w)
        w->seq = at;
    return w;
}

static int bind_count(sqlite3_stmt *st, pt_write_t *w)
{
    sqlite3_bind_int64(st, 1, w->seq);
    return 0;
}

/* Raises the count of the tokens' changes to the mark's (w->seq), never
 * lowering it, and tells the writer as a change does. */
static int run_count_raise(void *conn, pt_write_t *w)
{
    int changes = 0;
    int rc = run_sql(conn, w,
                     "INSERT INTO store_meta (key, value) VALUES ('token_changes', ?1)"
                     " ON CONFLICT (key) DO UPDATE"
                     " SET value = max(CAST(value AS INTEGER), ?1)",
                     "raising the count of the tokens' changes", bind_count, &changes);
    if (rc == PT_OK)
        pt_store_writer_tokens_changed();
    return rc;
}

static void on_count_raised(pt_write_t *w)
{
    if (w->err.code != PT_OK)
        pt_warn("cannot record that the restore of the tokens was noticed (%s): the next start "
                "warns of it again",
                w->err.message);
    pt_write_free(w);
}

void pt_store_restore_noticed(pt_store_t *s)
{
    if (s->token_raise <= 0)
        return;
    pt_write_t *w = pt_write_new(PT_WRITE_CUSTOM);
    if (!w)
        return;
    w->run_ = run_count_raise;
    w->seq = s->token_raise;
    w->cb = on_count_raised;
    s->token_raise = 0;
    if (pt_store_write(s, w) != PT_OK)
        pt_write_free(w);
}

int pt_store_config_token_uses_load(pt_store_t *s, pt_token_use_t **out, size_t *n, pt_error_t *err)
{
    *out = NULL;
    *n = 0;
    sqlite3 *db = pt_store_take_reader(s);
    if (!db)
        return pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    sqlite3_stmt *st = NULL;
    int result = PT_OK;
    pt_token_use_t *v = NULL;
    size_t len = 0, cap = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, last_used_at FROM config_token_uses", -1, &st, NULL) !=
        SQLITE_OK) {
        result = pt_sqlite_error(err, db, "reading the tokens' last uses");
        goto done;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (len == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            pt_token_use_t *grown = realloc(v, ncap * sizeof(*v));
            if (!grown) {
                result = pt_error_set(err, PT_ENOMEM, "out of memory");
                goto done;
            }
            v = grown;
            cap = ncap;
        }
        pt_token_use_t *u = &v[len++];
        u->name = NULL;
        u->last_used_at = sqlite3_column_int64(st, 1);
        if (!col_text(st, 0, &u->name)) {
            result = pt_error_set(err, PT_ENOMEM, "out of memory");
            goto done;
        }
    }
    if (rc != SQLITE_DONE)
        result = pt_sqlite_error(err, db, "reading the tokens' last uses");
done:
    sqlite3_finalize(st);
    pt_store_give_reader(s, db);
    if (result != PT_OK) {
        pt_token_uses_free(v, len);
        return result;
    }
    *out = v;
    *n = len;
    return PT_OK;
}

void pt_token_uses_free(pt_token_use_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name);
    free(v);
}
