/*
 * store-seqmark.c - the change feed's mark: the highest seq ptrackd has
 * committed, kept in a small file beside the database (ptrack.db's is
 * ptrack.seq).
 *
 * A consumer of the feed keeps the last seq it has seen and may skip what
 * it has seen (docs/api.md, GET /v1/events). A database restored from a backup has lost
 * the events committed after the backup was made, and its newest event is
 * older than what consumers have seen: without the mark, the next events
 * would be given the lost events' numbers, and a consumer would skip them.
 *
 * So the writer rewrites the mark after each commit that adds events, and
 * a start that finds the mark above the store's newest event records a
 * `store.restored` event numbered right after the mark: it tells the
 * consumers which numbers were lost, and every event after it is numbered
 * after every seq given before.
 *
 * The tokens made at run time are rows of the database too, and a backup
 * taken after the last event but before a token was revoked would bring
 * that token back with no event lost to tell. So the mark also holds the
 * count of the tokens' changes (store_meta's token_changes, which each
 * token made or revoked adds one to, in its own write), on a second line,
 * left out while it is 0: "SEQ\n" or "SEQ\nCOUNT\n". A start that finds
 * the store's count below the mark's sets s->tokens_restored, which the API
 * warns of when it loads the tokens, and leaves the mark's count as it is
 * until the start has served: then the store's count is raised to it
 * (pt_store_restore_noticed), so that a start that fails before is
 * followed by one that finds the restore again. (A ptrackd before this
 * reads the first line alone, and writes it alone.)
 *
 * Proposal ids are never given twice (AUTOINCREMENT's counter keeps them),
 * but the counter is in the database too: a restored one would give the
 * ids of the proposals created after the backup to new ones, which the
 * consumers of the feed, and the people who were told the lost numbers,
 * know as other proposals. So the mark also holds the highest id given
 * out, on a third line (the count then written even when 0, "SEQ\nCOUNT\n
 * ID\n"), and a start that finds it above the store's ids goes on after it.
 * (A ptrackd that read two lines takes three for a mark that holds no seq,
 * and writes it anew from the store.)
 *
 * The mark is written after the commit and not synced: a crash may leave
 * it behind the store (which is harmless: it is only ever compared from
 * below), never ahead of it, unless the store itself lost events that it
 * had committed, which is what it is there to tell. A file that cannot be
 * opened stops the start, as the database's own files do; a mark that
 * does not hold a number is written anew, and one that cannot be written
 * later costs this protection only: both are logged.
 */
#include "store-sqlite.h"
#include "log.h"
#include "timefmt.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The mark's path: the database's with ".seq" for its ".db", or added. */
static char *mark_path(const char *db_path)
{
    size_t n = strlen(db_path);
    if (n > 3 && strcmp(db_path + n - 3, ".db") == 0)
        n -= 3;
    char *p = malloc(n + sizeof(".seq"));
    if (p) {
        memcpy(p, db_path, n);
        memcpy(p + n, ".seq", sizeof(".seq"));
    }
    return p;
}

/* Reads one number of the mark at *at, ended by a newline or the text's
 * end, and moves *at past it. */
static bool mark_number(const char **at, int64_t *v)
{
    char *end;
    errno = 0;
    long long n = strtoll(*at, &end, 10);
    if (errno || end == *at || n < 0 || (*end != '\n' && *end != '\0'))
        return false;
    *v = n;
    *at = *end ? end + 1 : end;
    return true;
}

/* Reads the mark (its seq, its count of token changes and the highest
 * proposal id, 0 when left out): 1 when the file holds one, 0 when it is
 * empty (new), -1 when it holds something else. */
static int mark_read(int fd, int64_t *mark, int64_t *tokens, int64_t *id)
{
    char buf[64];
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n < 0)
        return -1;
    if (n == 0)
        return 0;
    buf[n] = '\0';
    const char *at = buf;
    *tokens = 0;
    *id = 0;
    if (!mark_number(&at, mark))
        return -1;
    if (*at && !mark_number(&at, tokens))
        return -1;
    if (*at && !mark_number(&at, id))
        return -1;
    return *at ? -1 : 1;
}

/* Writes seq, the count of token changes and the highest proposal id as
 * the mark; returns its length, or -1. The text only grows (all three only
 * rise, a line left out is 0, and the start cuts what the file held after
 * it), so writing it over the old from the start leaves no tail of the
 * old. */
static int mark_write(int fd, int64_t seq, int64_t tokens, int64_t id)
{
    char buf[96];
    int n = id > 0 ? snprintf(buf, sizeof(buf), "%" PRId64 "\n%" PRId64 "\n%" PRId64 "\n", seq,
                              tokens, id)
            : tokens > 0 ? snprintf(buf, sizeof(buf), "%" PRId64 "\n%" PRId64 "\n", seq, tokens)
                         : snprintf(buf, sizeof(buf), "%" PRId64 "\n", seq);
    return pwrite(fd, buf, (size_t)n, 0) == n ? n : -1;
}

/* The store's count of token changes (store_meta), 0 when it has none. */
static int store_token_changes(pt_store_t *s, int64_t *v, pt_error_t *err)
{
    sqlite3_stmt *st;
    *v = 0;
    if (sqlite3_prepare_v2(s->wdb,
                           "SELECT CAST(value AS INTEGER) FROM store_meta"
                           " WHERE key = 'token_changes'",
                           -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, s->wdb, "reading the count of the tokens' changes");
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return pt_sqlite_error(err, s->wdb, "reading the count of the tokens' changes");
    return PT_OK;
}

/* The event that says the store was restored: numbered right after the
 * mark, so that the next events are too. */
static int record_restore(pt_store_t *s, int64_t newest, int64_t mark, pt_error_t *err)
{
    int64_t now = pt_time_now();
    char data[96];
    snprintf(data, sizeof(data), "{\"last_kept\":%" PRId64 ",\"last_given\":%" PRId64 "}", newest,
             mark);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->wdb,
                           "INSERT INTO events (seq, type, at, actor, data)"
                           " VALUES (?1, 'store.restored', ?2, 'ptrackd', ?3)",
                           -1, &st, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, s->wdb, "recording that the store was restored");
    sqlite3_bind_int64(st, 1, mark + 1);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, data, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return pt_sqlite_error(err, s->wdb, "recording that the store was restored");
    return PT_OK;
}

/* Sets AUTOINCREMENT's counter of the proposals' ids to id, the highest
 * the mark says was given out. */
static int raise_id_counter(pt_store_t *s, int64_t id, pt_error_t *err)
{
    static const char *const sql[] = {
        "UPDATE sqlite_sequence SET seq = ?1 WHERE name = 'proposals'",
        "INSERT INTO sqlite_sequence (name, seq) VALUES ('proposals', ?1)",
    };
    for (size_t i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->wdb, sql[i], -1, &st, NULL) != SQLITE_OK)
            return pt_sqlite_error(err, s->wdb, "keeping the last proposal id given out");
        sqlite3_bind_int64(st, 1, id);
        int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return pt_sqlite_error(err, s->wdb, "keeping the last proposal id given out");
        if (sqlite3_changes(s->wdb) > 0)
            break;
    }
    return PT_OK;
}

int pt_store_seqmark_open(pt_store_t *s, pt_error_t *err)
{
    s->seqmark_fd = -1;
    char *path = mark_path(s->path);
    if (!path)
        return pt_error_set(err, PT_ENOMEM, "out of memory");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        /* As the database's own files: one of another owner (restored as
         * root, say) stops the start, rather than the protection going
         * without a word. */
        int e = errno;
        pt_error_set(err, PT_ESTORAGE,
                     "cannot open %s, the change feed's mark beside the database: %s; it must "
                     "be readable and writable by the user ptrackd runs as (uid %ld)",
                     path, strerror(e), (long)geteuid());
        free(path);
        return err->code;
    }
    int64_t mark = 0, tokens = 0, id = 0;
    if (store_token_changes(s, &s->token_changes, err) != PT_OK) {
        close(fd);
        free(path);
        return err->code;
    }
    int got = mark_read(fd, &mark, &tokens, &id);
    if (got < 0)
        pt_warn("%s does not hold a seq; it is written anew from the store's newest event", path);
    if (got > 0 && mark > s->last_seq) {
        if (record_restore(s, s->last_seq, mark, err) != PT_OK) {
            close(fd);
            free(path);
            return err->code;
        }
        pt_warn("the store's newest event is seq %" PRId64 ", but ptrackd had given up to seq "
                "%" PRId64 " (%s): the database was restored from a backup, or lost writes; "
                "events %" PRId64 " to %" PRId64 " are not in it. The change feed goes on after "
                "them, with a store.restored event (seq %" PRId64 ")",
                s->last_seq, mark, path, s->last_seq + 1, mark, mark + 1);
        s->last_seq = mark + 1;
        s->restored = true;
    }
    /* The ids of the proposals created after the backup are not given
     * again: the next one is numbered after them, and the store's counter
     * says so from now on, as a create would have left it. */
    if (got > 0 && id >= s->next_id) {
        if (raise_id_counter(s, id, err) != PT_OK) {
            close(fd);
            free(path);
            return err->code;
        }
        pt_warn("the store's highest proposal id is %" PRId64 ", but ptrackd had given up to "
                "id %" PRId64 " (%s): the proposals %" PRId64 " to %" PRId64 " are not in it. "
                "Their ids are not given again: the next proposal is %" PRId64,
                s->next_id - 1, id, path, s->next_id, id, id + 1);
        s->next_id = id + 1;
    }
    int64_t token_mark = s->token_changes;
    if (got > 0 && tokens > s->token_changes) {
        /* Said here only when no event was lost (the warning above said
         * it otherwise); what it means for the
         * tokens is said where they are loaded (api-tokens.c). */
        if (!s->restored)
            pt_warn("the store's tokens made at run time have had %" PRId64 " changes, but "
                    "ptrackd had made %" PRId64 " (%s): the database was restored from a "
                    "backup, or lost writes",
                    s->token_changes, tokens, path);
        s->tokens_restored = true;
        /* The mark keeps its count until this start has served (and said
         * what the restore means for the tokens): a start that fails
         * before leaves the next one to find the restore again.
         * pt_store_restore_noticed raises the store's count to it. */
        token_mark = tokens;
        s->token_raise = tokens;
    }
    /* From here on the text only grows: what the file held after the
     * mark is cut off, whatever it was. The mark is written over the old
     * one first and cut after, not cut first: on a full disk, a file cut
     * to nothing may not get its block back, and an empty mark would say
     * the store is new, where the old one still says how far it was. */
    int n = mark_write(fd, s->last_seq, token_mark, s->next_id - 1);
    if (n < 0 || ftruncate(fd, n) != 0)
        pt_warn("cannot write %s (%s): a restore of the database from a backup may not be "
                "noticed",
                path, strerror(errno));
    s->seqmark_fd = fd;
    s->seqmark = s->last_seq;
    s->token_mark = token_mark;
    s->id_mark = s->next_id - 1;
    free(path);
    return PT_OK;
}

void pt_store_seqmark_commit(pt_store_t *s, int64_t last_seq, int64_t token_changes,
                             int64_t last_id)
{
    if (s->seqmark_fd < 0 ||
        (last_seq <= s->seqmark && token_changes <= s->token_mark && last_id <= s->id_mark))
        return;
    if (last_seq < s->seqmark)
        last_seq = s->seqmark;
    if (token_changes < s->token_mark)
        token_changes = s->token_mark;
    if (last_id < s->id_mark)
        last_id = s->id_mark;
    if (mark_write(s->seqmark_fd, last_seq, token_changes, last_id) < 0) {
        if (!s->seqmark_failed)
            pt_warn("cannot write the change feed's mark (%s): a restore of the database from "
                    "a backup may not be noticed",
                    strerror(errno));
        s->seqmark_failed = true;
        return;
    }
    s->seqmark_failed = false;
    s->seqmark = last_seq;
    s->token_mark = token_changes;
    s->id_mark = last_id;
}

void pt_store_seqmark_close(pt_store_t *s)
{
    if (s->seqmark_fd >= 0)
        close(s->seqmark_fd);
    s->seqmark_fd = -1;
}
