/*
 * store-schema.c - SQLite connections and the schema's migrations.
 *
 * The schema version is PRAGMA user_version. Each migration below moves the
 * database from version i to i + 1 inside one transaction, so a crash in the
 * middle of an upgrade leaves the old version intact. Migrations are only
 * ever appended: a database made by any release opens in every later one.
 *
 * The proposals table keeps the full proposal as JSON in `doc` (without the
 * computed `overdue`), and beside it the columns that lists, filters and
 * statistics need, so that no query has to look inside a document. Units and
 * tags have tables of their own because a proposal has several. Replies and
 * feedback are in the document, and their figures in columns (replied,
 * reply_category, satisfaction).
 */
#include "store-sqlite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

/* Every person's name in the store as pt_name_clean keeps it now (pt_name,
 * below): the documents' lead author, co-signers (each once, where it
 * first came), supervisor and ratings, proposal_people and the tokens
 * bound to a person; the history and the change feed keep what they said.
 * The documents to change are found by their rows in proposal_people (the
 * lead author and the co-signers; a rating's person is one of them) and,
 * for the supervisor, among the proposals under key supervision, so that
 * the step does not read every document. Run by each migration that
 * changes how a name is kept (17, 22, 24). */
#define NAMES_AS_KEPT                                                                              \
    "CREATE TEMP TABLE padded AS"                                                                  \
    "  SELECT proposal_id AS id FROM proposal_people WHERE person != pt_name(person)"              \
    "  UNION SELECT id FROM proposals WHERE key_supervision = 1"                                   \
    "  AND json_type(doc, '$.supervisor') = 'text'"                                                \
    "  AND json_extract(doc, '$.supervisor') != pt_name(json_extract(doc, '$.supervisor'));"       \
    "UPDATE proposals SET doc = json_set(doc, '$.lead_author',"                                    \
    "    pt_name(json_extract(doc, '$.lead_author')))"                                             \
    "  WHERE id IN (SELECT id FROM padded) AND json_type(doc, '$.lead_author') = 'text';"          \
    "UPDATE proposals SET doc = json_set(doc, '$.supervisor',"                                     \
    "    pt_name(json_extract(doc, '$.supervisor')))"                                              \
    "  WHERE id IN (SELECT id FROM padded) AND json_type(doc, '$.supervisor') = 'text';"           \
    "UPDATE proposals SET doc = json_set(doc, '$.co_signers', json((SELECT json_group_array(v)"    \
    "    FROM (SELECT pt_name(value) AS v, min(key) AS k"                                          \
    "    FROM json_each(proposals.doc, '$.co_signers') GROUP BY v ORDER BY k))))"                  \
    "  WHERE id IN (SELECT id FROM padded) AND json_type(doc, '$.co_signers') = 'array'"           \
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.co_signers') WHERE type != 'text');"        \
    "UPDATE proposals SET doc = json_set(doc, '$.feedback', json((SELECT json_group_array(json("   \
    "    CASE WHEN json_type(value, '$.person') = 'text'"                                          \
    "    THEN json_set(value, '$.person', pt_name(json_extract(value, '$.person')))"               \
    "    ELSE value END))"                                                                         \
    "    FROM (SELECT value, key FROM json_each(proposals.doc, '$.feedback') ORDER BY key))))"     \
    "  WHERE id IN (SELECT id FROM padded) AND json_type(doc, '$.feedback') = 'array';"            \
    "DROP TABLE padded;"                                                                           \
    "UPDATE OR IGNORE proposal_people SET person = pt_name(person) WHERE person != "               \
    "pt_name(person);"                                                                             \
    "DELETE FROM proposal_people WHERE person != pt_name(person);"                                 \
    "UPDATE tokens SET person = pt_name(person) WHERE person != pt_name(person);"

/* The full-text index made anew, in the background: emptied, and every
 * proposal listed for the writer to index (store-search.c), as after an
 * import. Run by each migration that changes how search folds the text
 * (18, 21, 23, 24); dropping the table frees its pages without reading
 * them. */
#define INDEX_ANEW                                                                                 \
    "DROP TABLE proposals_fts;"                                                                    \
    "CREATE VIRTUAL TABLE proposals_fts USING fts5("                                               \
    "  title, background, recommendations, tokenize = 'trigram');"                                 \
    "INSERT OR IGNORE INTO search_pending (proposal_id) SELECT id FROM proposals;"

/* The trigger of a migration's transaction that gives an import's
 * proposal.created event its own copy of the document it shows before a
 * migration rewrites it in place (pt_sqlite_migrate). */
#define EVENTS_KEEP                                                                                \
    "CREATE TEMP TRIGGER pt_events_keep BEFORE UPDATE OF doc ON main.proposals"                    \
    " WHEN OLD.doc IS NOT NEW.doc BEGIN"                                                           \
    "  UPDATE events SET proposal = OLD.doc WHERE proposal_id = OLD.id"                            \
    "  AND ref_version IS NOT NULL AND ref_version = OLD.version AND proposal IS NULL;"            \
    " END;"

static const char *const migrations[] = {
    /* 1: the first schema. */
    "CREATE TABLE proposals ("
    "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
    "  number TEXT, session TEXT, kind TEXT,"
    "  status TEXT NOT NULL, delegation TEXT, category TEXT,"
    "  key_supervision INTEGER NOT NULL DEFAULT 0,"
    "  clock INTEGER NOT NULL DEFAULT 0," /* the deadline runs in this state */
    "  assigned_at INTEGER, due_at INTEGER,"
    "  replied INTEGER NOT NULL DEFAULT 0,"
    "  reply_category TEXT, satisfaction TEXT,"
    "  source_format TEXT, source_ref TEXT,"
    "  version INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
    "  doc TEXT NOT NULL);"
    "CREATE UNIQUE INDEX proposals_number ON proposals(session, number)"
    "  WHERE number IS NOT NULL;"
    "CREATE INDEX proposals_status ON proposals(status);"
    "CREATE INDEX proposals_delegation ON proposals(delegation);"
    "CREATE INDEX proposals_category ON proposals(category);"
    "CREATE INDEX proposals_due ON proposals(clock, due_at);"
    "CREATE INDEX proposals_updated ON proposals(updated_at, id);"
    "CREATE INDEX proposals_created ON proposals(created_at, id);"
    "CREATE INDEX proposals_source ON proposals(source_ref) WHERE source_ref IS NOT NULL;"
    "CREATE TABLE proposal_units ("
    "  proposal_id INTEGER NOT NULL, name TEXT NOT NULL, role TEXT NOT NULL,"
    "  PRIMARY KEY (proposal_id, name)) WITHOUT ROWID;"
    "CREATE INDEX proposal_units_name ON proposal_units(name, proposal_id);"
    "CREATE TABLE proposal_tags ("
    "  proposal_id INTEGER NOT NULL, tag TEXT NOT NULL,"
    "  PRIMARY KEY (proposal_id, tag)) WITHOUT ROWID;"
    "CREATE INDEX proposal_tags_tag ON proposal_tags(tag, proposal_id);"
    "CREATE VIRTUAL TABLE proposals_fts USING fts5("
    "  title, background, recommendations, tokenize = 'trigram');"
    /* seq is the entry's version of the proposal: create is 1, and every
     * accepted change adds one. */
    "CREATE TABLE history ("
    "  proposal_id INTEGER NOT NULL, seq INTEGER NOT NULL, at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL, action TEXT NOT NULL, from_state TEXT, to_state TEXT,"
    "  note TEXT, changes TEXT,"
    "  PRIMARY KEY (proposal_id, seq)) WITHOUT ROWID;"
    /* The change feed. seq is the rowid, one more than the largest: it only
     * grows as long as the newest event is never deleted, which must stay
     * true (the feed may be pruned from its oldest end only). Without
     * AUTOINCREMENT, an event costs one b-tree insert instead of two. */
    "CREATE TABLE events ("
    "  seq INTEGER PRIMARY KEY, type TEXT NOT NULL, at INTEGER NOT NULL,"
    "  actor TEXT, action TEXT, from_state TEXT, to_state TEXT,"
    "  proposal_id INTEGER, proposal TEXT);"
    "CREATE TABLE idempotency ("
    "  actor TEXT NOT NULL, key TEXT NOT NULL, request_hash BLOB NOT NULL,"
    "  proposal_id INTEGER NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (actor, key)) WITHOUT ROWID;",
    /* 2: notifier cursors: the seq each notifier instance has delivered up
     * to, advanced only after its deliver() succeeded. */
    "CREATE TABLE notifier_cursors ("
    "  instance TEXT PRIMARY KEY, seq INTEGER NOT NULL, updated_at INTEGER NOT NULL)"
    "  WITHOUT ROWID;",
    /* 3: imports that are all or nothing stage their valid records here
     * (job: the import's id, n: the record's place) until the whole file
     * has been read; then one transaction moves them into proposals. */
    "CREATE TABLE import_staging ("
    "  job TEXT NOT NULL, n INTEGER NOT NULL, doc TEXT NOT NULL,"
    "  PRIMARY KEY (job, n)) WITHOUT ROWID;",
    /* 4: the deadline engine. A mark says that a reminder (due_soon,
     * overdue) was raised for a proposal's deadline as it then stood, so
     * that it is raised once, also across restarts; a deadline that moves
     * (extend, re-handling) is a new deadline. The daily digest is marked
     * with proposal 0 and the day. Events may carry data of their own (the
     * digest's lists). */
    "CREATE TABLE deadline_marks ("
    "  proposal_id INTEGER NOT NULL, kind TEXT NOT NULL, due_at INTEGER NOT NULL,"
    "  PRIMARY KEY (proposal_id, kind, due_at)) WITHOUT ROWID;"
    "ALTER TABLE events ADD COLUMN data TEXT;",
    /* 5: access. proposal_people lists the people a proposal belongs to
     * (its lead author and its co-signers), so that what a delegate may
     * read is one indexed lookup, not a scan of every document; it is
     * filled here from the documents already stored, and the writer keeps
     * it on every create and edit. tokens holds the tokens made at run
     * time: their sha256 only, never the token, and revoked ones stay (with
     * revoked_at) so that the history's actors can still be told apart. */
    "CREATE TABLE proposal_people ("
    "  proposal_id INTEGER NOT NULL, person TEXT NOT NULL,"
    "  PRIMARY KEY (proposal_id, person)) WITHOUT ROWID;"
    "CREATE INDEX proposal_people_person ON proposal_people(person, proposal_id);"
    "INSERT OR IGNORE INTO proposal_people (proposal_id, person)"
    "  SELECT id, json_extract(doc, '$.lead_author') FROM proposals"
    "  WHERE json_type(doc, '$.lead_author') = 'text';"
    "INSERT OR IGNORE INTO proposal_people (proposal_id, person)"
    "  SELECT p.id, j.value FROM proposals p, json_each(p.doc, '$.co_signers') j"
    "  WHERE j.type = 'text';"
    "CREATE TABLE tokens ("
    "  name TEXT PRIMARY KEY, role TEXT NOT NULL, unit TEXT, person TEXT,"
    "  sha256 BLOB NOT NULL, created_at INTEGER NOT NULL, last_used_at INTEGER,"
    "  revoked_at INTEGER) WITHOUT ROWID;",
    /* 6: imports are indexed for search after they are answered. Each
     * proposal an import stored and the full-text index does not hold yet
     * is listed here; search reads these from their documents until the
     * writer, between other writes, has indexed them (store-search.c).
     * Imports stage in a temporary file now: the staging table goes, and
     * with it whatever rows a crash of an older version left there. */
    "CREATE TABLE search_pending (proposal_id INTEGER PRIMARY KEY);"
    "DROP TABLE import_staging;",
    /* 7: when each token of the config file was last used. Such a token has
     * no row in tokens (it lives in the config, as its sha256), so its last
     * use is kept by name. */
    "CREATE TABLE config_token_uses ("
    "  name TEXT PRIMARY KEY, last_used_at INTEGER NOT NULL) WITHOUT ROWID;",
    /* 8: an imported proposal's proposal.created event does not copy the
     * proposal: ref_version names the version of its row the event shows
     * (with ref_overdue, whether it was overdue then), and the feed reads
     * it from proposals while the row is at that version, or from
     * proposal_versions, where the writer keeps it before the row first
     * changes or goes. An import of many thousand proposals so writes
     * each document once, not twice. */
    "ALTER TABLE events ADD COLUMN ref_version INTEGER;"
    "ALTER TABLE events ADD COLUMN ref_overdue INTEGER;"
    "CREATE INDEX events_ref ON events(proposal_id) WHERE ref_version IS NOT NULL;"
    "CREATE TABLE proposal_versions ("
    "  proposal_id INTEGER NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL,"
    "  PRIMARY KEY (proposal_id, version));",
    /* 9: what clients send is kept in one spelling since this version
     * (proposal-json.c): the rows stored before follow, as far as SQL
     * can take them. A number, a session, a delegation and a category
     * lose the spaces around them (ASCII, U+00A0, U+3000), in the column
     * and the document; blank is null. A number and session that would
     * then be another proposal's stay as they were (OR IGNORE). The names
     * of people and units and the tags lose theirs too (below). And a
     * separate-mode (分办) proposal counts as replied (办复) only once every
     * unit has answered. */
    "UPDATE OR IGNORE proposals SET"
    "  number = nullif(trim(number, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''),"
    "  doc = json_set(doc, '$.number',"
    "    nullif(trim(number, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''))"
    "  WHERE number != trim(number, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "UPDATE OR IGNORE proposals SET"
    "  session = nullif(trim(session, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''),"
    "  doc = json_set(doc, '$.session',"
    "    nullif(trim(session, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''))"
    "  WHERE session != trim(session, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "UPDATE proposals SET"
    "  delegation = nullif(trim(delegation, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''),"
    "  doc = json_set(doc, '$.delegation',"
    "    nullif(trim(delegation, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''))"
    "  WHERE delegation != trim(delegation, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "UPDATE proposals SET"
    "  category = nullif(trim(category, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''),"
    "  doc = json_set(doc, '$.category',"
    "    nullif(trim(category, ' ' || char(9, 10, 11, 12, 13, 160, 12288)), ''))"
    "  WHERE category != trim(category, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    /* The names: a lead author and a supervisor in the document; the
     * tags and co-signers in the document's lists and in their tables,
     * where a name that is then another's twice goes. */
    "UPDATE proposals SET doc = json_set(doc, '$.lead_author',"
    "    nullif(trim(json_extract(doc, '$.lead_author'), ' ' || char(9, 10, 11, 12, 13, 160, "
    "12288)), ''))"
    "  WHERE json_type(doc, '$.lead_author') = 'text' AND json_extract(doc, '$.lead_author') !="
    "    trim(json_extract(doc, '$.lead_author'), ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "UPDATE proposals SET doc = json_set(doc, '$.supervisor',"
    "    nullif(trim(json_extract(doc, '$.supervisor'), ' ' || char(9, 10, 11, 12, 13, 160, "
    "12288)), ''))"
    "  WHERE json_type(doc, '$.supervisor') = 'text' AND json_extract(doc, '$.supervisor') !="
    "    trim(json_extract(doc, '$.supervisor'), ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "UPDATE proposals SET doc = json_set(doc, '$.tags', json((SELECT json_group_array(v) FROM ("
    "    SELECT trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)) AS v, key"
    "    FROM json_each(proposals.doc, '$.tags')"
    "    WHERE trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)) != '' ORDER BY key))))"
    "  WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.tags')"
    "    WHERE value != trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)));"
    "UPDATE proposals SET doc = json_set(doc, '$.co_signers', json((SELECT json_group_array(v) "
    "FROM ("
    "    SELECT trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)) AS v, key"
    "    FROM json_each(proposals.doc, '$.co_signers')"
    "    WHERE trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)) != '' ORDER BY key))))"
    "  WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.co_signers')"
    "    WHERE value != trim(value, ' ' || char(9, 10, 11, 12, 13, 160, 12288)));"
    "UPDATE OR IGNORE proposal_tags SET tag = trim(tag, ' ' || char(9, 10, 11, 12, 13, 160, 12288))"
    "  WHERE tag != trim(tag, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "DELETE FROM proposal_tags WHERE tag != trim(tag, ' ' || char(9, 10, 11, 12, 13, 160, 12288))"
    "  OR tag = '';"
    "UPDATE OR IGNORE proposal_people"
    "  SET person = trim(person, ' ' || char(9, 10, 11, 12, 13, 160, 12288))"
    "  WHERE person != trim(person, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "DELETE FROM proposal_people"
    "  WHERE person != trim(person, ' ' || char(9, 10, 11, 12, 13, 160, 12288)) OR person = '';"
    /* Unit names, as assign keeps them now: in the document's units and
     * replies, and in proposal_units. */
    "UPDATE proposals SET doc = json_set(doc, '$.units', json((SELECT json_group_array(json("
    "    json_set(value, '$.name',"
    "      trim(json_extract(value, '$.name'), ' ' || char(9, 10, 11, 12, 13, 160, 12288)))))"
    "    FROM (SELECT value, key FROM json_each(proposals.doc, '$.units') ORDER BY key))))"
    "  WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.units') WHERE json_extract(value, '$.name') !="
    "    trim(json_extract(value, '$.name'), ' ' || char(9, 10, 11, 12, 13, 160, 12288)));"
    "UPDATE proposals SET doc = json_set(doc, '$.replies', json((SELECT json_group_array(json("
    "    json_set(value, '$.unit',"
    "      trim(json_extract(value, '$.unit'), ' ' || char(9, 10, 11, 12, 13, 160, 12288)))))"
    "    FROM (SELECT value, key FROM json_each(proposals.doc, '$.replies') ORDER BY key))))"
    "  WHERE EXISTS (SELECT 1 FROM json_each(doc, '$.replies') WHERE json_extract(value, '$.unit') "
    "!="
    "    trim(json_extract(value, '$.unit'), ' ' || char(9, 10, 11, 12, 13, 160, 12288)));"
    "UPDATE OR IGNORE proposal_units SET name = trim(name, ' ' || char(9, 10, 11, 12, 13, 160, "
    "12288))"
    "  WHERE name != trim(name, ' ' || char(9, 10, 11, 12, 13, 160, 12288));"
    "DELETE FROM proposal_units WHERE name != trim(name, ' ' || char(9, 10, 11, 12, 13, 160, "
    "12288));"
    "UPDATE proposals SET replied = 0"
    "  WHERE replied = 1 AND json_extract(doc, '$.handling_mode') = 'separate'"
    "  AND EXISTS (SELECT 1 FROM json_each(doc, '$.units') u WHERE NOT EXISTS ("
    "    SELECT 1 FROM json_each(doc, '$.replies') r"
    "    WHERE json_extract(r.value, '$.unit') = json_extract(u.value, '$.name')));",
    /* 10: what migration 9 could not do in SQL. A number and a session
     * keep full-width letters and digits as ASCII (pt_ident, below; "１２"
     * is 12), again unless the number would then be another proposal's.
     * And a co-signer or a tag listed twice in one document, as trimming
     * may have left it, is kept once, where it first came (the tables
     * already hold each once). */
    "UPDATE OR IGNORE proposals SET number = pt_ident(number),"
    "  doc = json_set(doc, '$.number', pt_ident(number))"
    "  WHERE number IS NOT pt_ident(number);"
    "UPDATE OR IGNORE proposals SET session = pt_ident(session),"
    "  doc = json_set(doc, '$.session', pt_ident(session))"
    "  WHERE session IS NOT pt_ident(session);"
    /* Only lists of names, as every version has written them. */
    "UPDATE proposals SET doc = json_set(doc, '$.tags', json((SELECT json_group_array(value) FROM ("
    "    SELECT value, min(key) AS k FROM json_each(proposals.doc, '$.tags')"
    "    GROUP BY value ORDER BY k))))"
    "  WHERE json_type(doc, '$.tags') = 'array'"
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.tags') WHERE type != 'text')"
    "  AND (SELECT count(*) FROM json_each(doc, '$.tags')) !="
    "    (SELECT count(DISTINCT value) FROM json_each(doc, '$.tags'));"
    "UPDATE proposals SET doc = json_set(doc, '$.co_signers', json((SELECT json_group_array(value)"
    "    FROM (SELECT value, min(key) AS k FROM json_each(proposals.doc, '$.co_signers')"
    "    GROUP BY value ORDER BY k))))"
    "  WHERE json_type(doc, '$.co_signers') = 'array'"
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.co_signers') WHERE type != 'text')"
    "  AND (SELECT count(*) FROM json_each(doc, '$.co_signers')) !="
    "    (SELECT count(DISTINCT value) FROM json_each(doc, '$.co_signers'));",
    /* 11: whether each unit has answered its part while the proposal
     * waits for other units (pt_proposal_unit_answered), so that a unit
     * that has is not late in its own reads, its figures and the digest:
     * in separate mode, it has a reply and some unit of the proposal has
     * none; a co unit (lead_co mode), it has given its opinion. The writer
     * keeps it on every write that changes the units or the replies. */
    "ALTER TABLE proposal_units ADD COLUMN answered INTEGER NOT NULL DEFAULT 0;"
    "UPDATE proposal_units SET answered = 1 WHERE EXISTS ("
    "    SELECT 1 FROM proposals p, json_each(p.doc, '$.replies') r"
    "    WHERE p.id = proposal_units.proposal_id"
    "    AND json_extract(p.doc, '$.handling_mode') = 'separate'"
    "    AND json_extract(r.value, '$.unit') = proposal_units.name)"
    "  AND EXISTS (SELECT 1 FROM proposal_units o WHERE o.proposal_id = proposal_units.proposal_id"
    "    AND NOT EXISTS (SELECT 1 FROM proposals p, json_each(p.doc, '$.replies') r"
    "      WHERE p.id = o.proposal_id AND json_extract(r.value, '$.unit') = o.name));"
    /* A co unit (lead_co mode) has answered its part with its opinion. */
    "UPDATE proposal_units SET answered = EXISTS ("
    "    SELECT 1 FROM proposals p, json_each(p.doc, '$.units') u"
    "    WHERE p.id = proposal_units.proposal_id"
    "    AND json_extract(u.value, '$.name') = proposal_units.name"
    "    AND json_extract(u.value, '$.opinion_at') IS NOT NULL)"
    "  WHERE role = 'co';",
    /* 12: whether each unit has signed for the proposal (签收, its
     * signed_at), so that a unit's list of what it still has to do (the
     * todo filter) reads its row, not the document. Filled here from the
     * documents; the writer keeps it as it keeps answered. */
    "ALTER TABLE proposal_units ADD COLUMN signed INTEGER NOT NULL DEFAULT 0;"
    "UPDATE proposal_units SET signed = 1 WHERE EXISTS ("
    "    SELECT 1 FROM proposals p, json_each(p.doc, '$.units') u"
    "    WHERE p.id = proposal_units.proposal_id"
    "    AND json_extract(u.value, '$.name') = proposal_units.name"
    "    AND json_extract(u.value, '$.signed_at') IS NOT NULL);",
    /* 13: an index of the session (届次), the filter by which an office
     * lists, counts and exports one year's proposals. proposals_number
     * begins with the session, but only holds the proposals with a number
     * (it is partial), so SQLite could not use it for the filter and read
     * every row of every session the store has kept: 0.1-0.3 s a page at
     * 100,000 proposals. A session never changes with an action. */
    "CREATE INDEX proposals_session ON proposals(session);",
    /* 14: a state's proposals in the order of each time a list sorts by
     * (with the id after it, which every index holds last). With the
     * status index alone, SQLite read every proposal of the state and
     * sorted them for each page: 0.2 s a page of the 88,000 closed ones of
     * ten years, and a walk through all of them page by page took minutes.
     * The key of due_at was the lists' own expression then, the deadline
     * whether it ran or not, a proposal without one last: migration 16
     * replaces that index, and this one keeps its text as it was run.
     * proposals_status stays: it holds a state's proposals by id, the
     * order of the default list and of exports, which none of these has,
     * and is the smallest to count them by (/metrics). updated_at changes
     * with every write, so every write also moves its proposal in
     * proposals_status_updated. */
    "CREATE INDEX proposals_status_updated ON proposals(status, updated_at);"
    "CREATE INDEX proposals_status_created ON proposals(status, created_at);"
    "CREATE INDEX proposals_status_due ON proposals(status, IFNULL(due_at, 9223372036854775807));",
    /* 15: a unit's and a delegate's change feed. An event's row holds the
     * proposal as it stood (about 2 kB), so a feed that looked through
     * everyone's events for its own read some 3,000 rows, most of them
     * from outside SQLite's cache, for a page of 100 of one of 60 units,
     * and every row of the feed for a scope with few events (0.6 s a
     * page at 860,000 events). events_seq holds each event's proposal in
     * the feed's order, some 260 to a 4 kB page, to look through instead
     * (store-read.c). New events are added at its end, as in the table. */
    "CREATE INDEX events_seq ON events(seq, proposal_id);",
    /* 16: the due sort's key takes the clock (PT_SQL_DUE_KEY): the
     * deadline only while it runs, and the largest value for a proposal
     * whose deadline has stopped, as a closed one's has, which kept the
     * due_at it had and so came first in a list sorted by due_at. The
     * index of migration 14 holds the old key, which the lists no longer
     * use, so it is replaced, under the same name, by one of the new key:
     * a state's list sorted by due_at, and every proposal's (read state
     * by state), read their proposals in index order again. The clock is
     * the same for every proposal of a state (the writer sets it from the
     * workflow, and a start sets it again when the workflow changed), so
     * within a state the new key is the deadline, or the largest value
     * for all, in id order. */
    "DROP INDEX IF EXISTS proposals_status_due;"
    "CREATE INDEX proposals_status_due ON proposals(status, " PT_SQL_DUE_KEY("clock",
                                                                             "due_at") ");",
    /* 17: a person's name padded to the width of three characters, as
     * lists of people align them ("王　芳"), is kept as the person it
     * names (pt_name, below: pt_name_clean), so that a delegate bound to
     * 王芳, a filter by person and a rating by 王芳 find it: in the
     * documents' lead author, co-signers (each once, where it first came),
     * supervisor and ratings, in proposal_people and in the tokens bound
     * to a person. The history and the change feed keep what they said.
     * The documents to change are found by their rows in proposal_people
     * (the lead author and the co-signers; a rating's person is one of
     * them) and, for the supervisor, among the proposals under key
     * supervision, so that the step does not read every document: about
     * 1 s on a ten-year store of 100,000 proposals, where a pass over the
     * documents took 7-10 s. */
    NAMES_AS_KEPT,
    /* 18: search treats full-width and half-width forms alike (２０２５ and
     * 2025): the index holds each proposal's text folded (store-fold.c),
     * where it held the text as it was. Indexing every proposal anew here
     * would hold the start for 10-20 s on a ten-year store, so the index is
     * emptied and every proposal listed for the writer to index in the
     * background, as after an import (store-search.c); search reads the
     * listed proposals' documents meanwhile, with the same results.
     * Dropping the table frees its pages without reading what they hold,
     * which deleting its rows would. */
    INDEX_ANEW,
    /* 19: the store's single values, by key, and the first of them: the
     * store's id, 16 random bytes in hex, made here and not changed
     * after. What leaves the store and must not meet another store's
     * (an iCalendar UID: a calendar that subscribes to two offices'
     * ptrack, a 人大's and a 政协's, took the to-dos of one for the
     * other's of the same id) is made of it. randomblob() is SQLite's
     * generator, which the unix VFS seeds from /dev/urandom. A backup and
     * its restore are the same store and keep it; a copy of the file
     * made to start another office's store would keep it too, so the
     * row is deleted in such a copy (docs/operation.md), and its first
     * start makes a new one (store-sqlite.c). */
    "CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "INSERT INTO store_meta (key, value) VALUES ('store_id', lower(hex(randomblob(16))));",
    /* 20: a day's digest is marked with its date's midnight UTC, where it
     * was marked with its local midnight: a ptrackd moved to another zone
     * (a service given TZ=Asia/Shanghai, or a container without it) found
     * no mark for the date, and raised its digest a second time. The marks
     * made before are read in the zone ptrackd runs in now, which is the
     * one they were made in unless it moved already ('localtime' is the C
     * library's, which reads TZ). A store that did move has a date marked
     * twice, once at each zone's midnight: those become one mark (OR
     * REPLACE), where the second stopped the migration on the primary
     * key. */
    "UPDATE OR REPLACE deadline_marks SET due_at = 1000 * CAST(strftime('%s', due_at / 1000, "
    "'unixepoch',"
    "  'localtime', 'start of day') AS INTEGER)"
    " WHERE proposal_id = 0 AND kind = 'digest';",
    /* 21: search folds the rare characters' other spellings too, a
     * compatibility ideograph (塚 U+FA10) as its unified one and a
     * variation selector as nothing (store-fold.c): the index is made
     * anew, in the background, as for 18. */
    INDEX_ANEW,
    /* 22: the dot of a transliterated name is kept as U+00B7 however it
     * was typed (艾力・买买提, 艾力•买买提, 艾力.买买提: pt_name_clean), so
     * that a delegate bound to one, a filter by person and a rating find
     * the proposals named with another; two co-signers that were one
     * person written two ways become one. */
    NAMES_AS_KEPT,
    /* 23: search folds the characters that show nothing too (U+200B,
     * U+FEFF, the soft hyphen, ...: store-fold.c), which pasted text
     * holds inside its words: the index is made anew, in the background,
     * as for 18 and 21 (a store that moves from before 21 has its index
     * dropped twice and made once). */
    INDEX_ANEW,
    /* 24: a Kangxi radical, which text copied from a PDF holds where the
     * document shows an ideograph (⼯ U+2F2F for 工), is that ideograph to
     * search (store-fold.c), and in a person's name (pt_name_clean): the
     * names are kept so, and the index is made anew in the background. */
    NAMES_AS_KEPT INDEX_ANEW,
    /* 25: a unit's name is kept as the ones a unit's token, the unit
     * filter and an assignment name (pt_unit, below: pt_unit_name_clean),
     * without the zero-width characters a copy from a web page or an OA
     * system brought along and with a Kangxi radical as its ideograph
     * (财政厅<U+200B> and ⼯信厅 are 财政厅 and 工信厅), so that the unit
     * bound to 财政厅 reads and acts on the proposals assigned so: in the
     * documents' units and replies, proposal_units and the tokens bound to
     * a unit. The documents to change are found by their rows in
     * proposal_units, as 17 finds the people's; the history and the
     * change feed keep what they said. Two spellings of one unit on one
     * proposal become one entry, where the first came: a lead unit if
     * either led, signed when the first signed, with the latest opinion;
     * the replies of both are the unit's. The proposal's rows in
     * proposal_units are then made anew from the document (answered and
     * signed as the writer keeps them, migrations 11 and 12), and so is
     * whether it counts as replied (办复), which in separate mode (分办)
     * waits for every unit's reply. */
    "CREATE TEMP TABLE pasted AS"
    "  SELECT DISTINCT proposal_id AS id FROM proposal_units WHERE name != pt_unit(name);"
    "UPDATE proposals SET doc = json_set(doc, '$.units', json((SELECT json_group_array(json(u))"
    "    FROM (SELECT json_set(f.value, '$.name', g.v,"
    "      '$.role', CASE WHEN g.lead THEN 'lead' ELSE json_extract(f.value, '$.role') END,"
    "      '$.signed_at', g.signed, '$.opinion_at', g.opinion_at,"
    "      '$.opinion', (SELECT json_extract(e.value, '$.opinion')"
    "        FROM json_each(proposals.doc, '$.units') e"
    "        WHERE pt_unit(json_extract(e.value, '$.name')) = g.v"
    "        ORDER BY json_extract(e.value, '$.opinion_at') IS NULL,"
    "        json_extract(e.value, '$.opinion_at') DESC, e.key LIMIT 1)) AS u, g.k"
    "      FROM (SELECT pt_unit(json_extract(value, '$.name')) AS v, min(key) AS k,"
    "        max(json_extract(value, '$.role') IS 'lead') AS lead,"
    "        min(json_extract(value, '$.signed_at')) AS signed,"
    "        max(json_extract(value, '$.opinion_at')) AS opinion_at"
    "        FROM json_each(proposals.doc, '$.units') GROUP BY v) g,"
    "      json_each(proposals.doc, '$.units') f WHERE f.key = g.k ORDER BY g.k))))"
    "  WHERE id IN (SELECT id FROM pasted) AND json_type(doc, '$.units') = 'array'"
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.units')"
    "    WHERE type != 'object' OR json_type(value, '$.name') IS NOT 'text');"
    "UPDATE proposals SET doc = json_set(doc, '$.replies', json((SELECT json_group_array(json("
    "    CASE WHEN json_type(value, '$.unit') = 'text'"
    "    THEN json_set(value, '$.unit', pt_unit(json_extract(value, '$.unit')))"
    "    ELSE value END))"
    "    FROM (SELECT value, key FROM json_each(proposals.doc, '$.replies') ORDER BY key))))"
    "  WHERE id IN (SELECT id FROM pasted) AND json_type(doc, '$.replies') = 'array'"
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.replies') WHERE type != 'object');"
    "DELETE FROM proposal_units WHERE proposal_id IN (SELECT id FROM pasted);"
    "INSERT OR IGNORE INTO proposal_units (proposal_id, name, role, answered, signed)"
    "  SELECT p.id, json_extract(u.value, '$.name'), json_extract(u.value, '$.role'),"
    "    CASE WHEN json_extract(u.value, '$.role') IS 'co'"
    "    THEN json_extract(u.value, '$.opinion_at') IS NOT NULL"
    "    ELSE json_extract(p.doc, '$.handling_mode') IS 'separate'"
    "      AND EXISTS (SELECT 1 FROM json_each(p.doc, '$.replies') r"
    "        WHERE json_extract(r.value, '$.unit') = json_extract(u.value, '$.name'))"
    "      AND EXISTS (SELECT 1 FROM json_each(p.doc, '$.units') o WHERE NOT EXISTS ("
    "        SELECT 1 FROM json_each(p.doc, '$.replies') r"
    "        WHERE json_extract(r.value, '$.unit') = json_extract(o.value, '$.name'))) END,"
    "    json_extract(u.value, '$.signed_at') IS NOT NULL"
    "  FROM proposals p, json_each(p.doc, '$.units') u"
    "  WHERE p.id IN (SELECT id FROM pasted) AND json_type(u.value, '$.name') = 'text'"
    "  AND json_type(u.value, '$.role') = 'text';"
    "UPDATE proposals SET replied = coalesce(json_array_length(doc, '$.replies'), 0) > 0"
    "  AND (json_extract(doc, '$.handling_mode') IS NOT 'separate' OR NOT EXISTS ("
    "    SELECT 1 FROM json_each(doc, '$.units') u WHERE NOT EXISTS ("
    "      SELECT 1 FROM json_each(doc, '$.replies') r"
    "      WHERE json_extract(r.value, '$.unit') = json_extract(u.value, '$.name'))))"
    "  WHERE id IN (SELECT id FROM pasted);"
    "DROP TABLE pasted;"
    "UPDATE tokens SET unit = pt_unit(unit) WHERE unit != pt_unit(unit);",
    /* 26: a tag is kept as the tag filter names it (pt_tag, below:
     * pt_label_clean, which keeps a tag as a unit's name is kept), without
     * the zero-width characters a copy from a web page or an OA system
     * brought along and with a Kangxi radical as its ideograph
     * (两会<U+200B> and ⽣态 are 两会 and 生态), so that the tag filter
     * of lists, stats and exports finds every proposal tagged so: in the
     * documents' tags and in proposal_tags. The documents to change are
     * found by their rows in proposal_tags, as 25 finds the units'; the
     * history and the change feed keep what they said. Two spellings of
     * one tag on one proposal become one, where the first came. One pass
     * over proposal_tags finds them, and the rest reads and writes only
     * those proposals' documents and rows: on a ten-year store of 100,000
     * proposals and 200,000 tags, 0.04 s with none pasted, 0.8 s with a
     * tag pasted on 10,000 of them. */
    "CREATE TEMP TABLE pasted AS"
    "  SELECT DISTINCT proposal_id AS id FROM proposal_tags WHERE tag != pt_tag(tag);"
    "UPDATE proposals SET doc = json_set(doc, '$.tags', json((SELECT json_group_array(v)"
    "    FROM (SELECT pt_tag(value) AS v, min(key) AS k"
    "    FROM json_each(proposals.doc, '$.tags') GROUP BY v HAVING v != '' ORDER BY k))))"
    "  WHERE id IN (SELECT id FROM pasted) AND json_type(doc, '$.tags') = 'array'"
    "  AND NOT EXISTS (SELECT 1 FROM json_each(doc, '$.tags') WHERE type != 'text');"
    "UPDATE OR IGNORE proposal_tags SET tag = pt_tag(tag)"
    "  WHERE proposal_id IN (SELECT id FROM pasted) AND tag != pt_tag(tag);"
    "DELETE FROM proposal_tags"
    "  WHERE proposal_id IN (SELECT id FROM pasted) AND (tag != pt_tag(tag) OR tag = '');"
    "DROP TABLE pasted;",
    /* 27: a delegation (代表团) and a category are kept as a tag is
     * (pt_label, below: pt_label_clean), without the zero-width characters
     * a copy brought along and with a Kangxi radical as its ideograph
     * (山西代表团<U+200B> is 山西代表团, ⽣态环境 is 生态环境), so that the
     * delegation and category filters of lists, stats and exports find
     * every proposal so labelled and the figures by each count it once: in
     * the column and the document, as 9 trimmed them; blank is none. The
     * history and the change feed keep what they said. The few values a
     * store holds are read from the columns' indexes, and only the rows of
     * a value that changes are read and written: on a ten-year store of
     * 100,000 proposals, 0.06 s with none pasted, 0.6 s with a delegation
     * and a category pasted on 10,000 of them. */
    "UPDATE proposals SET delegation = nullif(pt_label(delegation), ''),"
    "  doc = json_set(doc, '$.delegation', nullif(pt_label(delegation), ''))"
    "  WHERE delegation IN (SELECT v FROM (SELECT DISTINCT delegation AS v FROM proposals"
    "    WHERE delegation IS NOT NULL) WHERE v != pt_label(v));"
    "UPDATE proposals SET category = nullif(pt_label(category), ''),"
    "  doc = json_set(doc, '$.category', nullif(pt_label(category), ''))"
    "  WHERE category IN (SELECT v FROM (SELECT DISTINCT category AS v FROM proposals"
    "    WHERE category IS NOT NULL) WHERE v != pt_label(v));",
    /* 28: a scan of the deadline engine reads only the proposals that
     * have a reminder still to raise. It looked at every running deadline
     * before a given moment and at its marks, an overdue one at each scan
     * however long ago its reminders were raised: at 40,000 overdue
     * proposals, 50-170 ms of the writer's time a scan, every write
     * waiting behind it (bench/deadline-scan.c), where it now takes well
     * under 1 ms. due_soon_mark and overdue_mark hold the deadline
     * (due_at) whose reminder of that kind is marked in deadline_marks,
     * as far as a scan has found it (store-deadlines.c); the marks stay
     * what decides, and a deadline that moves is not the one marked.
     * proposals_reminders holds the running deadlines whose overdue
     * reminder is not marked, in the order they fall due. Filled here
     * from the marks, which are read once, writing only the rows of the
     * running proposals reminded of for the deadline they have: 1.6 s on
     * a store of 100,000 proposals (430 MB) with 40,000 of them overdue.
     * A proposal whose clock is stopped (closed, withdrawn: most of a
     * long-lived store) is left as it is, which halves the time on such a
     * store; if its clock runs again with the deadline it had, the first
     * scan finds its marks and fills its columns, raising nothing. */
    "ALTER TABLE proposals ADD COLUMN due_soon_mark INTEGER;"
    "ALTER TABLE proposals ADD COLUMN overdue_mark INTEGER;"
    "UPDATE proposals SET"
    "  due_soon_mark = CASE WHEN EXISTS (SELECT 1 FROM deadline_marks m"
    "    WHERE m.proposal_id = proposals.id AND m.kind = 'due_soon'"
    "    AND m.due_at = proposals.due_at) THEN due_at END,"
    "  overdue_mark = CASE WHEN EXISTS (SELECT 1 FROM deadline_marks m"
    "    WHERE m.proposal_id = proposals.id AND m.kind = 'overdue'"
    "    AND m.due_at = proposals.due_at) THEN due_at END"
    "  WHERE clock = 1 AND due_at IS NOT NULL"
    "  AND id IN (SELECT proposal_id FROM deadline_marks WHERE kind IN ('due_soon', 'overdue'))"
    "  AND EXISTS (SELECT 1 FROM deadline_marks m WHERE m.proposal_id = proposals.id"
    "    AND m.kind IN ('due_soon', 'overdue') AND m.due_at = proposals.due_at);"
    "CREATE INDEX proposals_reminders ON proposals(due_at, due_soon_mark)"
    "  WHERE " PT_SQL_REMINDERS ";",
    /* 29: the answer (办复) that each unit's own figures count
     * (pt_proposal_units_replies), so that a unit's statistics count its
     * own reply and its category, not the proposal's latest: in separate
     * mode (分办) each unit replies on its own, and one that has replied
     * has answered its part while the others are awaited. The lead unit's
     * is the proposal's (its columns replied and reply_category); a co
     * unit's is none; a separate-mode unit's is read from the document
     * (pt_unit_replies, below), once for all its units, and only the
     * separate-mode proposals' documents are read. The writer keeps them
     * as it keeps answered. */
    "ALTER TABLE proposal_units ADD COLUMN replied INTEGER NOT NULL DEFAULT 0;"
    "ALTER TABLE proposal_units ADD COLUMN reply_category TEXT;"
    "UPDATE proposal_units SET replied = 1, reply_category = p.reply_category"
    "  FROM proposals p WHERE p.id = proposal_units.proposal_id AND p.replied = 1"
    "  AND proposal_units.role = 'lead';"
    "CREATE TEMP TABLE answers AS SELECT p.id, a.key AS name, a.value AS category"
    "  FROM proposals p, json_each(pt_unit_replies(p.doc)) a"
    "  WHERE p.id IN (SELECT proposal_id FROM proposal_units WHERE role = 'separate');"
    "UPDATE proposal_units SET replied = 1, reply_category = nullif(a.category, '')"
    "  FROM answers a WHERE a.id = proposal_units.proposal_id AND a.name = proposal_units.name"
    "  AND proposal_units.role = 'separate';"
    "DROP TABLE answers;",
};

#define SCHEMA_VERSION ((int)(sizeof(migrations) / sizeof(migrations[0])))

bool pt_sqlite_disk_full(sqlite3 *db)
{
    if (!db)
        return false;
    int rc = sqlite3_errcode(db) & 0xff, e = sqlite3_system_errno(db);
    /* The unix VFS answers SQLITE_FULL for ENOSPC on a write; other calls
     * that need room (growing the WAL's index, a quota's EDQUOT on a write)
     * come as an I/O error with the errno kept. */
    return rc == SQLITE_FULL || (rc == SQLITE_IOERR && (e == ENOSPC || e == EDQUOT));
}

int pt_sqlite_error(pt_error_t *err, sqlite3 *db, const char *what)
{
    /* SQLite's own words for a full disk ("database or disk is full") do
     * not say which: the operator who reads it should know at once that
     * it is the disk, and which one. */
    if (pt_sqlite_disk_full(db))
        return pt_error_set(err, PT_ESTORAGE, "storage error while %s: %s", what,
                            PT_DISK_FULL_TEXT);
    return pt_error_set(err, PT_ESTORAGE, "storage error while %s: %s", what,
                        db ? sqlite3_errmsg(db) : "out of memory");
}

int pt_sqlite_open(const char *path, bool writer, sqlite3 **db)
{
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX;
    if (writer)
        flags |= SQLITE_OPEN_CREATE;
    int rc = sqlite3_open_v2(path, db, flags, NULL);
    if (rc != SQLITE_OK)
        return rc;
    /* A reader may find the writer checkpointing; wait rather than fail. */
    sqlite3_busy_timeout(*db, 5000);
    /* The writer's temp_store is FILE, not MEMORY: each write runs in a
     * savepoint, whose journal keeps the original of every page the write
     * changes, and SQLite keeps that journal (and statement journals) in
     * memory up to 64 kB and spills it to a temporary file beyond, but
     * never spills it with temp_store=MEMORY. A normal write stays far
     * under 64 kB; an import's move into a populated store, or deleting
     * many rows, would otherwise hold a copy of every page it touched. */
    /* The writer's journal_mode=WAL, which writes to the file, is set by
     * pt_sqlite_wal once pt_sqlite_check_ours has found the file to be
     * ptrack's store or a new one. */
    const char *pragmas = writer ? "PRAGMA synchronous=FULL;"
                                   "PRAGMA foreign_keys=OFF;"
                                   "PRAGMA temp_store=FILE;"
                                   "PRAGMA cache_size=-16000;"
                                   "PRAGMA journal_size_limit=67108864;"
                                 : "PRAGMA query_only=ON;"
                                   "PRAGMA temp_store=MEMORY;"
                                   "PRAGMA cache_size=-8000;";
    rc = sqlite3_exec(*db, pragmas, NULL, NULL, NULL);
    return rc == SQLITE_OK ? pt_sqlite_add_fold(*db) : rc;
}

static int user_version(sqlite3 *db, int *v)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    rc = sqlite3_step(st);
    *v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? SQLITE_OK : rc;
}

/* A store of a schema newer than this ptrackd knows: the start leaves it as
 * it is (a downgrade cannot read what the newer schema keeps), and
 * --check-config says so in the same words. */
static int schema_newer(int v, pt_error_t *err)
{
    return pt_error_set(err, PT_ESTORAGE,
                        "the database has schema version %d, newer than this ptrackd "
                        "knows (%d); use a newer ptrackd",
                        v, SCHEMA_VERSION);
}

/* pt_sqlite_check_ours, and what a refusal is of: *of_file is set when it
 * is of the file itself, which every look at it would find (another
 * program's tables, bytes that are no database), not of the moment (a lock
 * held too long, a read that failed). */
static int check_ours(sqlite3 *db, const char *path, bool *of_file, pt_error_t *err)
{
    *of_file = false;
    /* ptrack's store has its proposals table from schema 1 on, made in
     * the transaction that sets user_version to 1. A database with
     * anything in it but no such table, or with user_version 0, is
     * another program's (a file put there by mistake, a data_dir shared
     * with another program): made into ptrack's store, it would get
     * ptrack's tables beside its own. It is refused, with nothing written
     * to it. An empty file, or a database with nothing in it, is a new
     * store. */
    sqlite3_stmt *st;
    int v = 0;
    int rc = user_version(db, &v);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db,
                                "SELECT count(*), (SELECT count(*) FROM sqlite_master WHERE"
                                "  type = 'table' AND name = 'proposals'),"
                                " (SELECT group_concat(name, ', ') FROM (SELECT name FROM"
                                "  sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
                                "  ORDER BY name LIMIT 5))"
                                " FROM sqlite_master",
                                -1, &st, NULL);
    if (rc != SQLITE_OK) {
        *of_file = (rc & 0xff) == SQLITE_NOTADB;
        return pt_error_set(err, PT_ESTORAGE, "cannot open the database %s: %s", path,
                            sqlite3_errmsg(db));
    }
    if ((rc = sqlite3_step(st)) != SQLITE_ROW) {
        *of_file = (sqlite3_errcode(db) & 0xff) == SQLITE_NOTADB;
        pt_error_set(err, PT_ESTORAGE, "cannot open the database %s: %s", path, sqlite3_errmsg(db));
        sqlite3_finalize(st);
        return PT_ESTORAGE;
    }
    long long objects = sqlite3_column_int64(st, 0);
    bool proposals = sqlite3_column_int64(st, 1) > 0;
    const char *tables = (const char *)sqlite3_column_text(st, 2);
    bool foreign = objects > 0 && (v == 0 || !proposals);
    if (foreign)
        pt_error_set(err, PT_ESTORAGE,
                     "the database %s is not a ptrack store: it holds %s%s%s and no ptrack "
                     "schema, and ptrackd leaves it as it is; move it away, or give ptrackd a "
                     "data directory of its own (data_dir, --data-dir)",
                     path, tables ? "tables of its own (" : "objects of its own",
                     tables ? tables : "", tables ? ")" : "");
    sqlite3_finalize(st);
    /* Ours, but of a later release: refused before anything is written to
     * it (the writer's WAL mode), as of the file. */
    bool newer = !foreign && v > SCHEMA_VERSION;
    if (newer)
        schema_newer(v, err);
    *of_file = foreign || newer;
    return foreign || newer ? PT_ESTORAGE : PT_OK;
}

int pt_sqlite_check_ours(sqlite3 *db, const char *path, pt_error_t *err)
{
    bool of_file;
    return check_ours(db, path, &of_file, err);
}

int pt_sqlite_open_peek(const char *path, sqlite3 **db)
{
    *db = NULL;
    char wal[4096];
    if (snprintf(wal, sizeof(wal), "%s-wal", path) >= (int)sizeof(wal) || access(wal, F_OK) == 0)
        return sqlite3_open_v2(path, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    /* No WAL: the file holds the whole database, and is read as it is. In
     * a URI, as SQLite takes it: '%', '?' and '#' escaped, and an absolute
     * path after an empty authority. */
    size_t len = strlen(path);
    char *uri = malloc(3 * len + sizeof("file://?immutable=1"));
    if (!uri)
        return SQLITE_NOMEM;
    size_t o = (size_t)sprintf(uri, "file:%s", path[0] == '/' ? "//" : "");
    for (const char *c = path; *c; c++)
        o += (size_t)(*c == '%' || *c == '?' || *c == '#' ? sprintf(uri + o, "%%%02X", *c)
                                                          : sprintf(uri + o, "%c", *c));
    strcpy(uri + o, "?immutable=1");
    int rc = sqlite3_open_v2(uri, db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI,
                             NULL);
    free(uri);
    return rc;
}

int pt_store_peek_ours(const char *path, pt_error_t *err)
{
    sqlite3 *db = NULL;
    int rc = pt_sqlite_open_peek(path, &db);
    if (rc != SQLITE_OK) {
        pt_error_set(err, PT_ESTORAGE, "cannot open the database %s: %s", path,
                     db ? sqlite3_errmsg(db) : "out of memory");
        sqlite3_close(db);
        return PT_ESTORAGE;
    }
    sqlite3_busy_timeout(db, 5000);
    /* The start's own check, read-only as it is there. */
    bool of_file;
    rc = check_ours(db, path, &of_file, err);
    sqlite3_close(db);
    if (rc != PT_OK && of_file)
        err->code = PT_ECONFIG;
    return rc == PT_OK ? PT_OK : err->code;
}

int pt_sqlite_wal(sqlite3 *db)
{
    return sqlite3_exec(db, "PRAGMA journal_mode=WAL;", NULL, NULL, NULL);
}

/* The result of a text function of the migrations: t (NULL when out of
 * memory), or SQL NULL when it is blank and blank is none. */
static void text_result(sqlite3_context *ctx, char *t, bool blank_null)
{
    if (!t)
        sqlite3_result_error_nomem(ctx);
    else if (blank_null && !*t) {
        free(t);
        sqlite3_result_null(ctx);
    } else {
        sqlite3_result_text(ctx, t, -1, free);
    }
}

/* pt_ident(X): X as a number or a session is kept (pt_text_clean with
 * folding): trimmed, full-width ASCII as ASCII; NULL for NULL and blank.
 * Only the migrations use it. */
static void sql_ident(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s)
        sqlite3_result_null(ctx);
    else
        text_result(ctx, pt_text_clean(s, true), true);
}

/* pt_name(X): X as a person's name is kept (pt_name_clean); NULL for NULL.
 * Only the migrations use it. */
static void sql_name(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s)
        sqlite3_result_null(ctx);
    else
        text_result(ctx, pt_name_clean(s), false);
}

/* pt_unit(X): X as a unit's name is kept (pt_unit_name_clean); NULL for
 * NULL. Only the migrations use it. */
static void sql_unit(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s)
        sqlite3_result_null(ctx);
    else
        text_result(ctx, pt_unit_name_clean(s), false);
}

/* pt_tag(X) and pt_label(X): X as a tag, a delegation and a category are
 * kept (pt_label_clean); NULL for NULL. Only the migrations use them. */
static void sql_label(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *s = (const char *)sqlite3_value_text(argv[0]);
    if (!s)
        sqlite3_result_null(ctx);
    else
        text_result(ctx, pt_label_clean(s), false);
}

/* pt_unit_replies(DOC): the answers that the units' own figures count in
 * the proposal DOC (pt_proposal_units_replies), as a JSON object of the
 * units that have one, each name's value its category, "" for a reply
 * without one; NULL when DOC cannot be read. One reading of each document
 * serves all its units. Only the migrations use it. */
static void sql_unit_replies(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    const char *doc = (const char *)sqlite3_value_text(argv[0]);
    cJSON *json = doc ? cJSON_ParseWithLength(doc, (size_t)sqlite3_value_bytes(argv[0])) : NULL;
    pt_proposal_t p;
    pt_proposal_init(&p);
    pt_error_t err = {0};
    bool *replied = NULL;
    const char **category = NULL;
    cJSON *out = NULL;
    char *text = NULL;
    bool read = json && pt_proposal_from_json(json, PT_DECODE_STORED, NULL, &p, &err) == PT_OK;
    if (read && (out = cJSON_CreateObject()) != NULL &&
        (!p.n_units || ((replied = malloc(p.n_units * sizeof(*replied))) != NULL &&
                        (category = malloc(p.n_units * sizeof(*category))) != NULL))) {
        if (p.n_units)
            pt_proposal_units_replies(&p, replied, category);
        bool ok = true;
        for (size_t i = 0; ok && i < p.n_units; i++)
            if (replied[i] && p.units[i].name)
                ok = cJSON_AddStringToObject(out, p.units[i].name,
                                             category[i] ? category[i] : "") != NULL;
        text = ok ? cJSON_PrintUnformatted(out) : NULL;
        if (!text)
            sqlite3_result_error_nomem(ctx);
    } else if (read) {
        sqlite3_result_error_nomem(ctx);
    }
    if (text)
        sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
    else if (!read)
        sqlite3_result_null(ctx);
    cJSON_free(text);
    cJSON_Delete(out);
    free(replied);
    free(category);
    pt_error_clear(&err);
    pt_proposal_free(&p);
    cJSON_Delete(json);
}

/* The proposals whose number or session migrations 9 and 10 left as they
 * were, because folded it would be another proposal's: the operator is
 * told which, to look at them (one of the two is most likely a duplicate
 * registered twice). */
static void warn_unfolded(sqlite3 *db)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "SELECT count(*), (SELECT group_concat(id, ', ') FROM (SELECT id FROM"
                           "  proposals WHERE number IS NOT pt_ident(number) OR session IS NOT"
                           "  pt_ident(session) ORDER BY id LIMIT 20)) FROM proposals"
                           " WHERE number IS NOT pt_ident(number) OR session IS NOT"
                           " pt_ident(session)",
                           -1, &st, NULL) != SQLITE_OK)
        return;
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (n > 0)
        pt_warn("%lld proposal%s a number or session with spaces or full-width characters, "
                "because in one spelling it would be another proposal's (id%s %s%s); check "
                "them for proposals registered twice, and edit one of each pair",
                n, n == 1 ? " keeps" : "s keep", n == 1 ? "" : "s", sqlite3_column_text(st, 1),
                n > 20 ? ", ..." : "");
    sqlite3_finalize(st);
}

int pt_sqlite_migrate(sqlite3 *db, pt_error_t *err)
{
    int v;
    if (sqlite3_create_function(db, "pt_ident", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_ident, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "pt_name", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_name, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "pt_unit", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_unit, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "pt_tag", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_label, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "pt_label", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_label, NULL, NULL) != SQLITE_OK ||
        sqlite3_create_function(db, "pt_unit_replies", 1,
                                SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
                                sql_unit_replies, NULL, NULL) != SQLITE_OK)
        return pt_sqlite_error(err, db, "preparing the migrations");
    if (user_version(db, &v) != SQLITE_OK)
        return pt_sqlite_error(err, db, "reading the schema version");
    if (v > SCHEMA_VERSION)
        return schema_newer(v, err);
    /* An upgrade's migrations are said in the log, and a step that fails
     * names its versions: the operator of an upgrade looks there. */
    const int from = v;
    for (; v < SCHEMA_VERSION; v++) {
        char set[64], what[160];
        snprintf(set, sizeof(set), "PRAGMA user_version=%d;", v + 1);
        snprintf(what, sizeof(what),
                 "migrating the schema from version %d to %d (the database "
                 "stays at %d)",
                 v, v + 1, v);
        if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
            return pt_sqlite_error(err, db, what);
        /* From 8 on, an import's proposal.created event shows version 1 of
         * its row while the row is at that version (ref_version): a
         * migration that rewrites a document in place (a name kept in one
         * spelling) first gives such an event its own copy of the
         * document as it stood, so that the change feed keeps what it
         * said, as the history does. */
        bool keep = v >= 8;
        if ((keep && sqlite3_exec(db, EVENTS_KEEP, NULL, NULL, NULL) != SQLITE_OK) ||
            sqlite3_exec(db, migrations[v], NULL, NULL, NULL) != SQLITE_OK ||
            (keep && sqlite3_exec(db, "DROP TRIGGER temp.pt_events_keep;", NULL, NULL, NULL) !=
                         SQLITE_OK) ||
            sqlite3_exec(db, set, NULL, NULL, NULL) != SQLITE_OK) {
            pt_sqlite_error(err, db, what);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return PT_ESTORAGE;
        }
        if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
            pt_sqlite_error(err, db, what);
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
            return PT_ESTORAGE;
        }
        if (v + 1 == SCHEMA_VERSION && v + 1 >= 10)
            warn_unfolded(db);
    }
    if (from > 0 && from < SCHEMA_VERSION) {
        pt_info("the database's schema was moved from version %d to %d", from, SCHEMA_VERSION);
        /* What the migrations wrote (a new index of every proposal, say)
         * is copied into the database now, before the first read: left
         * in the WAL, each read would look it up there until the first
         * write woke the checkpointer (after migration 14, a walk of the
         * 88,000 closed proposals of a ten-year store took some 15% longer
         * meanwhile). Nothing reads or writes yet, so
         * the copy is whole; if it is not, the checkpointer finishes it. */
        if (sqlite3_wal_checkpoint_v2(db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) !=
            SQLITE_OK)
            pt_warn("after the schema's migrations: %s; the store copies them from its WAL "
                    "later",
                    sqlite3_errmsg(db));
    }
    return PT_OK;
}
