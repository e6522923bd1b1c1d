/*
 * store-export.c - the export cursor: the proposals matching a list query,
 * in id order, from one read snapshot.
 *
 * The cursor holds a read connection and one read transaction for its whole
 * life, and reads in pages of PAGE rows by keyset (id > the last id seen),
 * all inside that transaction: an export of any length is one consistent
 * snapshot, whatever the writer commits meanwhile, and memory holds one row
 * at a time (SQLite's page cache is bounded per connection). WAL mode lets
 * the writer go on while the snapshot is held; only checkpoints cannot
 * pass it, and they catch up when the export ends.
 */
#include "store-sqlite.h"
#include "timefmt.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Rows per page, as a number and as SQL text. */
#define PAGE 500
#define PAGE_TEXT "500"

struct pt_export_cursor_s {
    pt_store_t *s;
    sqlite3 *db;
    sqlite3_stmt *st;
    int64_t now;
    int64_t after; /* the last id returned */
    int in_page;   /* rows returned from the current page */
    bool end;
    char *cur; /* the last document returned */
};

void pt_store_export_close(pt_export_cursor_t *c)
{
    if (!c)
        return;
    sqlite3_finalize(c->st);
    if (c->db) {
        sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL);
        pt_store_give_reader(c->s, c->db);
    }
    free(c->cur);
    free(c);
}

int pt_store_export_open(pt_store_t *s, const pt_list_query_t *q, pt_export_cursor_t **out,
                         pt_error_t *err)
{
    *out = NULL;
    pt_export_cursor_t *c = calloc(1, sizeof(*c));
    if (!c)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    c->s = s;
    c->now = pt_time_now();
    c->db = pt_store_take_reader(s);
    if (!c->db) {
        free(c);
        return pt_error_set(err, PT_ESTORAGE, "storage error: cannot open a read connection");
    }
    if (sqlite3_exec(c->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK) {
        pt_sqlite_error(err, c->db, "starting an export");
        pt_store_export_close(c);
        return PT_ESTORAGE;
    }
    c->st = pt_store_list_prepare(c->db, q, c->now, "p.id, p.doc, {clock}, p.due_at",
                                  "AND p.id > :after ORDER BY p.id LIMIT " PAGE_TEXT, err);
    if (!c->st) {
        pt_store_export_close(c);
        return err->code;
    }
    sqlite3_bind_int64(c->st, sqlite3_bind_parameter_index(c->st, ":after"), 0);
    *out = c;
    return PT_OK;
}

int pt_store_export_next(pt_export_cursor_t *c, const char **json, size_t *len, pt_error_t *err)
{
    free(c->cur);
    c->cur = NULL;
    *json = NULL;
    *len = 0;
    while (!c->end) {
        int rc = sqlite3_step(c->st);
        if (rc == SQLITE_ROW) {
            c->in_page++;
            c->after = sqlite3_column_int64(c->st, 0);
            const char *doc = (const char *)sqlite3_column_text(c->st, 1);
            size_t n = (size_t)sqlite3_column_bytes(c->st, 1);
            bool overdue = sqlite3_column_int(c->st, 2) &&
                           sqlite3_column_type(c->st, 3) != SQLITE_NULL &&
                           sqlite3_column_int64(c->st, 3) < c->now;
            c->cur = doc ? pt_doc_with_overdue(doc, n, overdue, len) : NULL;
            if (!c->cur)
                return pt_error_set(err, PT_ENOMEM, "out of memory");
            *json = c->cur;
            return 1;
        }
        if (rc != SQLITE_DONE)
            return pt_sqlite_error(err, c->db, "reading proposals for an export");
        /* A short page was the last one; a full one may have more behind. */
        if (c->in_page < PAGE) {
            c->end = true;
            break;
        }
        c->in_page = 0;
        sqlite3_reset(c->st);
        sqlite3_bind_int64(c->st, sqlite3_bind_parameter_index(c->st, ":after"), c->after);
    }
    return 0;
}
