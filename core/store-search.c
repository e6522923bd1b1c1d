/*
 * store-search.c - the search backlog: imported proposals indexed for full
 * text after the import was answered.
 *
 * The trigram entry is the larger part of what storing a proposal costs
 * (store-writer.c's save), and an import that is all or nothing moves all
 * its proposals in one transaction, during which every other client's write
 * waits. So an import stores each proposal whole (row, units, tags, people,
 * history, event) but lists it in search_pending instead of indexing it;
 * the writer indexes the list in small transactions of its own whenever no
 * other write is waiting, oldest first, and a restart resumes what a stop
 * left.
 *
 * Search does not miss a listed proposal meanwhile: store-read.c's text
 * filter looks through the listed proposals' documents as well as through
 * the index, with the same words. The index is built here from the stored
 * document, the same text the writer indexes on a create or an edit: the
 * title, the background, and the recommendations one per line, each folded
 * as search folds its words (store-fold.c). An edit
 * indexes the proposal at once (and it may still be listed): the entry
 * made here replaces whatever the index holds for it.
 *
 * The upgrades to schema 18 and 21, which fold the index's text, list every
 * proposal here too (store-schema.c): the index is made anew this way,
 * after the start, instead of within the migration.
 */
#include "store-sqlite.h"

static int exec(sqlite3 *db, const char *sql, int64_t upto, pt_error_t *err, const char *what)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, db, what);
    if (sqlite3_bind_parameter_count(st) >= 1)
        sqlite3_bind_int64(st, 1, upto);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? PT_OK : pt_sqlite_error(err, db, what);
}

int64_t pt_store_search_backlog(sqlite3 *db)
{
    sqlite3_stmt *st;
    int64_t n = -1;
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM search_pending", -1, &st, NULL) != SQLITE_OK)
        return -1;
    if (sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* The largest id of the `limit` oldest listed proposals, and how many
 * those are. */
static int chunk_bound(sqlite3 *db, int limit, int64_t *upto, int64_t *n, pt_error_t *err)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT max(proposal_id), count(*) FROM (SELECT proposal_id"
                           " FROM search_pending ORDER BY proposal_id LIMIT ?1)",
                           -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, db, "reading the search backlog");
    sqlite3_bind_int(st, 1, limit);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *upto = sqlite3_column_int64(st, 0);
        *n = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? PT_OK : pt_sqlite_error(err, db, "reading the search backlog");
}

int pt_store_search_index_some(sqlite3 *db, int limit, int64_t *done, pt_error_t *err)
{
    *done = 0;
    if (exec(db, "BEGIN IMMEDIATE", 0, err, "indexing for search") != PT_OK)
        return err->code;
    int64_t upto = 0, n = 0;
    int rc = chunk_bound(db, limit, &upto, &n, err);
    if (rc == PT_OK && n > 0)
        rc = exec(db,
                  "DELETE FROM proposals_fts WHERE rowid IN"
                  " (SELECT proposal_id FROM search_pending WHERE proposal_id <= ?1)",
                  upto, err, "indexing for search");
    if (rc == PT_OK && n > 0)
        rc = exec(db,
                  "INSERT INTO proposals_fts (rowid, title, background, recommendations)"
                  " SELECT d.id, pt_fold(json_extract(d.doc, '$.title')),"
                  "  pt_fold(json_extract(d.doc, '$.background')),"
                  "  pt_fold((SELECT group_concat(r.value, char(10))"
                  "   FROM json_each(d.doc, '$.recommendations') r))"
                  " FROM search_pending s JOIN proposals d ON d.id = s.proposal_id"
                  " WHERE s.proposal_id <= ?1 ORDER BY s.proposal_id",
                  upto, err, "indexing for search");
    if (rc == PT_OK && n > 0)
        rc = exec(db, "DELETE FROM search_pending WHERE proposal_id <= ?1", upto, err,
                  "indexing for search");
    if (rc == PT_OK)
        rc = exec(db, "COMMIT", 0, err, "indexing for search");
    if (rc != PT_OK) {
        if (!sqlite3_get_autocommit(db))
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    *done = n;
    return PT_OK;
}
