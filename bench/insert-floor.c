/*
 * insert-floor.c - what the proposals' rows of an import cost SQLite alone,
 * inserted one row at a time as any import of new rows must insert them.
 *
 *   pt-insert-floor STORE SCRATCH
 *
 * STORE is a ptrackd store that holds a finished import (it is only read).
 * Its proposals' rows are read into memory first; then, timed, they are
 * inserted into SCRATCH (made anew with STORE's schema, WAL,
 * synchronous=FULL, one transaction, as ptrackd's writer does), through one
 * prepared statement, one step per row, binding the text without a copy:
 *
 *   1. into the proposals table without its indexes;
 *   2. with its indexes.
 *
 * Nothing else runs: no HTTP, no parsing, no validation, none of the other
 * rows an import stores. Prints the seconds of each, one per line
 * ("rows 1.23", "indexed 1.45"). bench/import-vs-sqlite.sh runs it.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    int type; /* SQLITE_INTEGER, SQLITE_TEXT or SQLITE_NULL */
    sqlite3_int64 i;
    char *text;
    int len;
} cell_t;

typedef struct {
    int ncol;
    size_t nrows;
    cell_t *cells; /* nrows * ncol */
} table_t;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "pt-insert-floor: %s: %s\n", what, db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

static void load(sqlite3 *db, table_t *t)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT * FROM proposals ORDER BY id", -1, &st, NULL) != SQLITE_OK)
        die(db, "reading the proposals");
    t->ncol = sqlite3_column_count(st);
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (t->nrows == cap) {
            cap = cap ? cap * 2 : 4096;
            t->cells = realloc(t->cells, cap * (size_t)t->ncol * sizeof(cell_t));
            if (!t->cells)
                die(NULL, "reading the proposals");
        }
        cell_t *row = t->cells + t->nrows++ * (size_t)t->ncol;
        for (int c = 0; c < t->ncol; c++) {
            cell_t *cell = &row[c];
            cell->type = sqlite3_column_type(st, c);
            if (cell->type == SQLITE_INTEGER) {
                cell->i = sqlite3_column_int64(st, c);
            } else if (cell->type == SQLITE_TEXT) {
                cell->len = sqlite3_column_bytes(st, c);
                cell->text = malloc((size_t)cell->len + 1);
                if (!cell->text)
                    die(NULL, "reading the proposals");
                memcpy(cell->text, sqlite3_column_text(st, c), (size_t)cell->len + 1);
            } else {
                cell->type = SQLITE_NULL;
            }
        }
    }
    if (rc != SQLITE_DONE)
        die(db, "reading the proposals");
    sqlite3_finalize(st);
}

/* SCRATCH made anew with the schema of STORE's proposals table, with or
 * without its indexes. */
static sqlite3 *scratch(sqlite3 *src, const char *path, int indexes)
{
    char wal[4096], shm[4096];
    snprintf(wal, sizeof(wal), "%s-wal", path);
    snprintf(shm, sizeof(shm), "%s-shm", path);
    remove(path);
    remove(wal);
    remove(shm);
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK)
        die(db, path);
    if (sqlite3_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;", NULL, NULL, NULL) !=
        SQLITE_OK)
        die(db, "setting up the scratch database");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(src,
                           "SELECT sql FROM sqlite_schema WHERE tbl_name = 'proposals'"
                           " AND sql IS NOT NULL AND (type = 'table' OR ?1) ORDER BY type DESC",
                           -1, &st, NULL) != SQLITE_OK)
        die(src, "reading the schema");
    sqlite3_bind_int(st, 1, indexes);
    while (sqlite3_step(st) == SQLITE_ROW)
        if (sqlite3_exec(db, (const char *)sqlite3_column_text(st, 0), NULL, NULL, NULL) !=
            SQLITE_OK)
            die(db, "making the schema");
    sqlite3_finalize(st);
    return db;
}

static double insert_all(sqlite3 *db, const table_t *t)
{
    char sql[1024] = "INSERT INTO proposals VALUES (?";
    for (int c = 1; c < t->ncol; c++)
        strcat(sql, ",?");
    strcat(sql, ")");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        die(db, "preparing the insert");
    double t0 = now();
    if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "beginning");
    for (size_t r = 0; r < t->nrows; r++) {
        const cell_t *row = t->cells + r * (size_t)t->ncol;
        for (int c = 0; c < t->ncol; c++) {
            if (row[c].type == SQLITE_INTEGER)
                sqlite3_bind_int64(st, c + 1, row[c].i);
            else if (row[c].type == SQLITE_TEXT)
                sqlite3_bind_text(st, c + 1, row[c].text, row[c].len, SQLITE_STATIC);
            else
                sqlite3_bind_null(st, c + 1);
        }
        if (sqlite3_step(st) != SQLITE_DONE)
            die(db, "inserting");
        sqlite3_reset(st);
    }
    if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
        die(db, "committing");
    double t1 = now();
    sqlite3_finalize(st);
    return t1 - t0;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: pt-insert-floor STORE SCRATCH\n");
        return 2;
    }
    sqlite3 *src;
    if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(src, argv[1]);
    table_t t = {0};
    load(src, &t);

    sqlite3 *db = scratch(src, argv[2], 0);
    printf("rows %.2f\n", insert_all(db, &t));
    sqlite3_close(db);
    db = scratch(src, argv[2], 1);
    printf("indexed %.2f\n", insert_all(db, &t));
    sqlite3_close(db);
    sqlite3_close(src);
    return 0;
}
