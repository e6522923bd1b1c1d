/*
 * store-batch.c - rows gathered and inserted many to a statement.
 *
 * An import inserts, besides each proposal's row, several small rows of
 * other tables (its tags, people and units, its history entry, its event,
 * its place in the search backlog). One statement per small row costs more
 * in running the statement than in the row itself; gathered BATCH_ROWS at a
 * time into one INSERT ... VALUES (...), (...), they cost about what the
 * same rows cost inserted set-based.
 */
#include "store-sqlite.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "buf.h"

#define BATCH_ROWS 64

typedef union {
    int64_t i;
    ptrdiff_t t; /* offset in text; -1: NULL */
} value_t;

struct pt_rowbatch_s {
    sqlite3 *db;
    char *prefix, *row; /* "INSERT ... VALUES ", "(?, ?)" */
    char types[16];     /* one per '?' of row: 'i' int64, 't' text */
    size_t ntypes;
    sqlite3_stmt *full; /* BATCH_ROWS rows; prepared on first use */
    value_t values[BATCH_ROWS * 16];
    size_t n; /* rows gathered */
    pt_buf_t text;
};

pt_rowbatch_t *pt_rowbatch_new(sqlite3 *db, const char *prefix, const char *row, const char *types)
{
    pt_rowbatch_t *b = calloc(1, sizeof(*b));
    if (!b)
        return NULL;
    b->db = db;
    b->ntypes = strlen(types);
    b->prefix = strdup(prefix);
    b->row = strdup(row);
    if (!b->prefix || !b->row || b->ntypes >= sizeof(b->types)) {
        pt_rowbatch_free(b);
        return NULL;
    }
    memcpy(b->types, types, b->ntypes + 1);
    pt_buf_init(&b->text);
    return b;
}

void pt_rowbatch_free(pt_rowbatch_t *b)
{
    if (!b)
        return;
    sqlite3_finalize(b->full);
    free(b->prefix);
    free(b->row);
    pt_buf_free(&b->text);
    free(b);
}

/* The statement for n rows. */
static sqlite3_stmt *prepare(pt_rowbatch_t *b, size_t n)
{
    pt_buf_t sql;
    pt_buf_init(&sql);
    pt_buf_puts(&sql, b->prefix);
    for (size_t i = 0; i < n; i++) {
        if (i)
            pt_buf_append(&sql, ",", 1);
        pt_buf_puts(&sql, b->row);
    }
    sqlite3_stmt *st = NULL;
    if (!pt_buf_failed(&sql))
        sqlite3_prepare_v3(b->db, sql.data, (int)sql.len,
                           n == BATCH_ROWS ? SQLITE_PREPARE_PERSISTENT : 0, &st, NULL);
    pt_buf_free(&sql);
    return st;
}

int pt_rowbatch_flush(pt_rowbatch_t *b)
{
    if (b->n == 0)
        return SQLITE_OK;
    sqlite3_stmt *st;
    if (b->n == BATCH_ROWS) {
        if (!b->full)
            b->full = prepare(b, BATCH_ROWS);
        st = b->full;
    } else {
        st = prepare(b, b->n);
    }
    if (!st) {
        pt_rowbatch_clear(b);
        return SQLITE_NOMEM;
    }
    int p = 1;
    for (size_t r = 0; r < b->n; r++) {
        for (size_t k = 0; k < b->ntypes; k++, p++) {
            const value_t *v = &b->values[r * b->ntypes + k];
            if (b->types[k] == 'i')
                sqlite3_bind_int64(st, p, v->i);
            else if (v->t < 0)
                sqlite3_bind_null(st, p);
            else
                sqlite3_bind_text(st, p, b->text.data + v->t, -1, SQLITE_STATIC);
        }
    }
    int rc = sqlite3_step(st);
    if (st == b->full) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    } else {
        sqlite3_finalize(st);
    }
    pt_rowbatch_clear(b);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

void pt_rowbatch_clear(pt_rowbatch_t *b)
{
    b->n = 0;
    b->text.len = 0;
}

bool pt_rowbatch_empty(const pt_rowbatch_t *b)
{
    return b->n == 0;
}

int pt_rowbatch_add(pt_rowbatch_t *b, ...)
{
    va_list ap;
    va_start(ap, b);
    value_t *v = &b->values[b->n * b->ntypes];
    for (size_t k = 0; k < b->ntypes; k++) {
        if (b->types[k] == 'i') {
            v[k].i = va_arg(ap, int64_t);
        } else {
            const char *s = va_arg(ap, const char *);
            v[k].t = s ? (ptrdiff_t)b->text.len : -1;
            if (s)
                pt_buf_append(&b->text, s, strlen(s) + 1);
        }
    }
    va_end(ap);
    if (pt_buf_failed(&b->text)) {
        pt_rowbatch_clear(b);
        b->text.failed = false;
        return SQLITE_NOMEM;
    }
    b->n++;
    return b->n == BATCH_ROWS ? pt_rowbatch_flush(b) : SQLITE_OK;
}
