#!/usr/bin/env bash
# test_upgrade.sh - a store written before a change of what is stored is
# brought in line when a newer ptrackd opens it (schema migration 9): the
# spaces around a number, a session, a delegation and a category go, in the
# column and the document, unless the number would then be another
# proposal's; full-width letters and digits in a number or a session are
# kept as ASCII; a co-signer or a tag listed twice is kept once; and a
# separate-mode (分办) proposal that only some units have
# answered no longer counts as replied (办复) in the figures, and each of
# its units knows whether it has answered its part (migration 11) and
# whether it has signed (migration 12); a list by session reads that
# session's rows from an index (migration 13); and a state's list sorted by
# a time reads the state's proposals in that order from an index, without
# a sort (migration 14); and a unit's or a delegate's change feed is found
# in an index of the events by seq with the proposal (migration 15); and
# the index of a state's list sorted by due_at holds the deadline only
# while it runs, as the list now orders by (migration 16), also in a store
# that migration 14 left with the deadline whether it ran or not; and a
# person's name padded to the width of three characters (王　芳) is kept
# as the person it names, in the documents, the people's rows and the
# tokens (migration 17); and the full-text index, which held the text as
# written, holds it folded, so that search finds ２０２５ with 2025 and G20
# with Ｇ２０, the proposals indexed anew by the writer after the start
# (migration 18); and a store gets an id of its own, random, made once and
# kept across restarts, and made anew at a start that finds none
# (migration 19); and the full-text index, which held a compatibility
# ideograph (塚 U+FA10) and a variation selector as written, holds them
# folded, so that 塚 U+585A finds the first and 𠮷野 finds 𠮷 U+E0100 野
# (migration 21); and the dot of a transliterated name written otherwise
# than U+00B7 (艾力・买买提) is kept as U+00B7, and one with a zero-width
# space inside is kept without it, in the documents, the people's rows and
# the tokens (migration 22); and the full-text index, which held a
# zero-width space inside a word as written, holds the word without it
# (migration 23); and Kangxi radicals, which text copied from a PDF holds
# for ideographs, are folded in the index and kept as the ideographs in
# people's names (migration 24); and a unit's name pasted with a zero-width
# space or a Kangxi radical (财政厅<U+200B>, ⼯信厅) is kept as the unit it
# names, in the documents' units and replies, the units' rows and the
# tokens, two spellings of one unit on a proposal becoming one, and a
# separate-mode proposal whose units have then all replied counting as
# replied (migration 25); and a tag pasted so (两会<U+200B>, ⽣态) is kept
# as the tag it names, in the documents and the tags' rows, two spellings
# of one tag on a proposal becoming one, where the first came, while the
# history keeps what it said (migration 26); and a delegation and a
# category pasted so (山西代表团<U+200B>, ⽣态环境) are kept as the
# delegation and category they name, in the columns and the documents,
# while the history keeps what it said (migration 27); and an overdue
# proposal whose reminders were raised keeps them so, and is not among the
# deadlines a scan of the deadline engine reads (migration 28); and each
# unit's row holds the answer its own figures count, a separate-mode
# unit's own reply (migration 29). The log
# says that the schema was moved, from which version to which.
#
# The old rows are made by writing into a store as an older ptrackd left
# them: values with spaces, the `replied` column of the first reply, and
# the schema version before the migration.
set -u
source "$(dirname "$0")/lib.sh"
pt_init
pt_config
pt_start

# started_from VERSION: starts ptrackd on the store as it was left at
# schema VERSION, and checks that the log says it moved from there.
started_from() {
    pt_start
    check_contains "the log says the schema was moved from $1" \
        "INFO  the database's schema was moved from version $1 to $(sqlite3 "$DB" "PRAGMA user_version")" \
        "$(cat "$PT_TMP/ptrackd.log")"
}

pt_step "a store as an older ptrackd left it"
api POST /v1/proposals '{"title":"关于升级前编号的建议","number":"U-1","session":"升级测试"}'
A="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于已有编号的建议","number":"U-2","session":"升级测试"}'
B="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于撞号的建议","number":"U-3","session":"升级测试"}'
C="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于分办的建议","session":"升级测试","delegation":"山西代表团","category":"交通","lead_author":"张三","co_signers":["李四","王五"],"tags":["民生","教育"]}'
D="$(jv 'j["id"]')"
api POST "/v1/proposals/$D/actions/assign" '{"mode":"separate","units":[{"name":"甲局","role":"separate"},{"name":"乙局","role":"separate"}]}'
api POST "/v1/proposals/$D/actions/sign" '{"unit":"甲局"}'
api POST "/v1/proposals/$D/actions/reply" '{"unit":"甲局","doc_no":"甲函〔2026〕1号","category":"A","text":"甲局部分"}'
check_status "one of two units answers" 200
api POST /v1/proposals '{"title":"关于全角编号的建议","number":"U-5","session":"第14届"}'
E="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于主办协办的建议"}'
F="$(jv 'j["id"]')"
api POST "/v1/proposals/$F/actions/assign" '{"mode":"lead_co","units":[{"name":"丙局","role":"lead"},{"name":"丁局","role":"co"},{"name":"戊局","role":"co"}]}'
api POST "/v1/proposals/$F/actions/sign" '{"unit":"丙局"}'
api POST "/v1/proposals/$F/actions/opinion" '{"unit":"丁局","opinion":"同意"}'
check_status "one of two co units gives its opinion" 200
pt_stop

DB="$PT_DATA/ptrack.db"
# A store set back to an earlier schema version loses what migrations 28
# and 29 added, which the migrations add again.
BEFORE_29="ALTER TABLE proposal_units DROP COLUMN replied;
  ALTER TABLE proposal_units DROP COLUMN reply_category;"
BEFORE_28="$BEFORE_29 DROP INDEX proposals_reminders; ALTER TABLE proposals DROP COLUMN due_soon_mark;
  ALTER TABLE proposals DROP COLUMN overdue_mark;"
# Spaces as older versions kept them: U-1 with spaces around it, U-3 spelt
# "U-2 " (trimmed, it would be B's), the session and the delegation with an
# ideographic space, the category with a no-break space.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET number = ' U-1　', doc = json_set(doc, '\$.number', ' U-1　') WHERE id = $A;
UPDATE proposals SET number = 'U-2 ', doc = json_set(doc, '\$.number', 'U-2 ') WHERE id = $C;
UPDATE proposals SET session = '升级测试　', doc = json_set(doc, '\$.session', '升级测试　'),
  delegation = '山西代表团　', doc = json_set(json_set(doc, '\$.session', '升级测试　'), '\$.delegation', '山西代表团　'),
  category = '交通' || char(160), replied = 1 WHERE id = $D;
UPDATE proposals SET doc = json_set(doc, '\$.category', '交通' || char(160)) WHERE id = $D;
UPDATE proposals SET doc = json_set(doc, '\$.lead_author', ' 张三', '\$.co_signers', json('[\"李四 \", \"王五\", \"李四\"]'),
  '\$.tags', json('[\"　民生\", \"教育\", \"民生\", \"教育\"]')) WHERE id = $D;
UPDATE proposals SET number = 'Ｕ－５', session = '第１４届',
  doc = json_set(doc, '\$.number', 'Ｕ－５', '\$.session', '第１４届') WHERE id = $E;
UPDATE proposal_tags SET tag = '　民生' WHERE proposal_id = $D AND tag = '民生';
UPDATE proposal_people SET person = ' 张三' WHERE proposal_id = $D AND person = '张三';
UPDATE proposal_people SET person = '李四 ' WHERE proposal_id = $D AND person = '李四';
UPDATE proposals SET doc = json_set(doc, '\$.units[0].name', ' 甲局', '\$.replies[0].unit', ' 甲局') WHERE id = $D;
UPDATE proposal_units SET name = ' 甲局' WHERE proposal_id = $D AND name = '甲局';
ALTER TABLE proposal_units DROP COLUMN answered;
ALTER TABLE proposal_units DROP COLUMN signed;
DROP INDEX proposals_session;
DROP INDEX proposals_status_updated;
DROP INDEX proposals_status_created;
DROP INDEX proposals_status_due;
DROP INDEX events_seq;
DROP TABLE store_meta;
$BEFORE_28 PRAGMA user_version = 8;"
check_eq "the old rows are in place" "' U-1　'|'U-2 '|1" \
    "$(sqlite3 "$DB" "SELECT quote((SELECT number FROM proposals WHERE id = $A)) || '|' || quote((SELECT number FROM proposals WHERE id = $C)) || '|' || (SELECT replied FROM proposals WHERE id = $D)")"

pt_step "the newer ptrackd brings them in line"
pt_start
# The writer may have begun to index the proposals anew (migration 18),
# in the WAL: the database file alone must hold what the migrations wrote.
cp "$DB" "$PT_TMP/main-only.db"
check_eq "what the migrations wrote is in the database, not left in its WAL" \
    "$(sqlite3 "$DB" "PRAGMA user_version") events_ref events_seq" \
    "$(sqlite3 "$PT_TMP/main-only.db" "PRAGMA user_version; SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)" | tr '\n' ' ' | sed 's/ *$//')"
check_eq "the schema is at version 11 or later" "true" \
    "$(sqlite3 "$DB" "PRAGMA user_version" | awk '{print ($1 >= 11) ? "true" : "false"}')"
check_eq "each unit of the separate-mode one knows whether it has answered its part" "乙局 0 甲局 1" \
    "$(sqlite3 "$DB" "SELECT group_concat(name || ' ' || answered, ' ') FROM (SELECT name, answered FROM proposal_units WHERE proposal_id = $D ORDER BY name)")"
check_eq "and the co unit that has given its opinion has answered its part" "丁局 1 丙局 0 戊局 0" \
    "$(sqlite3 "$DB" "SELECT group_concat(name || ' ' || answered, ' ') FROM (SELECT name, answered FROM proposal_units WHERE proposal_id = $F ORDER BY name)")"
check_eq "each unit knows whether it has signed (migration 12)" "乙局 0 甲局 1|丁局 0 丙局 1 戊局 0" \
    "$(sqlite3 "$DB" "SELECT (SELECT group_concat(name || ' ' || signed, ' ') FROM (SELECT name, signed FROM proposal_units WHERE proposal_id = $D ORDER BY name)) || '|' || (SELECT group_concat(name || ' ' || signed, ' ') FROM (SELECT name, signed FROM proposal_units WHERE proposal_id = $F ORDER BY name))")"
check_contains "a list by session is read from an index (migration 13)" \
    "INDEX proposals_session (session=?)" \
    "$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT doc FROM proposals WHERE session = '升级测试' ORDER BY id")"
DUE_KEY="(CASE WHEN clock = 1 AND due_at IS NOT NULL THEN due_at ELSE 9223372036854775807 END)"
for key in "updated_at DESC, id DESC|proposals_status_updated" "created_at, id|proposals_status_created" \
    "$DUE_KEY DESC, id DESC|proposals_status_due" "$DUE_KEY, id|proposals_status_due"; do
    check_eq "a state's list by ${key%%|*} is read in that order, unsorted (migrations 14, 16)" \
        "SEARCH proposals USING INDEX ${key##*|} (status=?)" \
        "$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT doc FROM proposals WHERE status = 'submitted' ORDER BY ${key%%|*} LIMIT 51" | sed -n 's/^.*--//p' | tr '\n' ' ' | sed 's/ *$//')"
done
check_eq "the events are indexed by seq with the proposal (migration 15)" \
    "events_ref events_seq" \
    "$(sqlite3 "$DB" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events' ORDER BY name)")"
check_eq "the schema is at version 16 or later" "true" \
    "$(sqlite3 "$DB" "PRAGMA user_version" | awk '{print ($1 >= 16) ? "true" : "false"}')"
api GET "/v1/proposals?session=$(urlenc 升级测试)&sort=id"
check_eq "and finds them" "$A,$B,$C,$D" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
api GET "/v1/proposals?unit=$(urlenc 乙局)&todo=sign"
check_eq "so 乙局 finds what it has still to sign" "$D" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
api GET "/v1/proposals?unit=$(urlenc 甲局)&todo=sign"
check_eq "and 甲局 nothing" "" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
check_contains "the log says so, with the versions" \
    "INFO  the database's schema was moved from version 8 to $(sqlite3 "$DB" "PRAGMA user_version")" \
    "$(cat "$PT_TMP/ptrackd.log")"
api GET "/v1/proposals/$E"
check_eq "a full-width number and session are kept as ASCII" '["U-5", "第14届"]' \
    "$(jv 'json.dumps([j["number"], j["session"]], ensure_ascii=False)')"
check_eq "in the columns too" "U-5|第14届" "$(sqlite3 "$DB" "SELECT number || '|' || session FROM proposals WHERE id = $E")"
api POST /v1/proposals '{"title":"关于又一个全角编号的建议","number":"Ｕ-5","session":"第14届"}'
check_error "a new Ｕ-5 in that session is a conflict" 409 conflict
api GET "/v1/proposals/$A"
check_eq "U-1 has no spaces around it, in the document too" '"U-1"' "$(jv 'json.dumps(j["number"])')"
check_eq "and in the column" "U-1" "$(sqlite3 "$DB" "SELECT number FROM proposals WHERE id = $A")"
api POST /v1/proposals '{"title":"关于重复编号的建议","number":"U-1","session":"升级测试"}'
check_error "a new U-1 in that session is a conflict" 409 conflict
api GET "/v1/proposals/$C"
check_eq "\"U-2 \" stays as it was: trimmed, it would be another proposal's" '"U-2 "' "$(jv 'json.dumps(j["number"])')"
check_contains "the log names it, to be looked at" \
    "1 proposal keeps a number or session with spaces or full-width characters, because in one spelling it would be another proposal's (id $C)" \
    "$(cat "$PT_TMP/ptrackd.log")"
api GET "/v1/proposals/$D"
check_eq "session, delegation and category lose their spaces" '["升级测试", "山西代表团", "交通"]' \
    "$(jv 'json.dumps([j["session"], j["delegation"], j["category"]], ensure_ascii=False)')"
api GET "/v1/proposals?session=%E5%8D%87%E7%BA%A7%E6%B5%8B%E8%AF%95&delegation=%E5%B1%B1%E8%A5%BF%E4%BB%A3%E8%A1%A8%E5%9B%A2"
check_eq "the list finds it by them" "$D" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
check_eq "its people and tags lose theirs, in the document, and are listed once" '["张三", ["李四", "王五"], ["民生", "教育"]]' \
    "$(jv 'json.dumps([j["items"][0]["lead_author"], j["items"][0]["co_signers"], j["items"][0]["tags"]], ensure_ascii=False)')"
check_eq "its units' names lose theirs, in the units and the reply" '["甲局", "乙局"] 甲局' \
    "$(jv '"%s %s" % (json.dumps([u["name"] for u in j["items"][0]["units"]], ensure_ascii=False), j["items"][0]["replies"][0]["unit"])')"
for f in "tag=$(urlenc 民生)" "person=$(urlenc 张三)" "person=$(urlenc 李四)" "unit=$(urlenc 甲局)"; do
    api GET "/v1/proposals?$f"
    check_eq "and the list finds it by $f" "$D" "$(jv '",".join(str(p["id"]) for p in j["items"])')"
done
api GET "/v1/stats?session=%E5%8D%87%E7%BA%A7%E6%B5%8B%E8%AF%95&delegation=%E5%B1%B1%E8%A5%BF%E4%BB%A3%E8%A1%A8%E5%9B%A2"
check_eq "one of two units answered: not yet 办复" "0 {\"交通\": 1}" \
    "$(jv '"%s %s" % (j["reply_rate"], json.dumps(j["by_category"], ensure_ascii=False))')"

pt_step "a store that migration 14 left: the due sort's index is replaced (migration 16)"
pt_stop
# The index as migration 14 made it, of the deadline whether it runs or
# not, and A replied long ago with the deadline it had then.
sqlite3 -cmd ".timeout 5000" "$DB" "
DROP INDEX proposals_status_due;
CREATE INDEX proposals_status_due ON proposals(status, IFNULL(due_at, 9223372036854775807));
UPDATE proposals SET status = 'replied', clock = 0, due_at = 1000,
  doc = json_set(doc, '\$.status', 'replied') WHERE id = $A;
DROP TABLE store_meta;
$BEFORE_28 PRAGMA user_version = 15;"
started_from 15
check_eq "the index holds the due sort's key with the clock" "1" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM sqlite_master WHERE name = 'proposals_status_due' AND sql LIKE '%CASE WHEN clock = 1 AND due_at IS NOT NULL THEN due_at%'")"
check_eq "a state's list by due_at is read from it, unsorted" \
    "SEARCH proposals USING INDEX proposals_status_due (status=?)" \
    "$(sqlite3 "$DB" "EXPLAIN QUERY PLAN SELECT doc FROM proposals WHERE status = 'replied' ORDER BY $DUE_KEY, id LIMIT 51" | sed -n 's/^.*--//p' | tr '\n' ' ' | sed 's/ *$//')"
api GET "/v1/proposals?sort=due_at"
check_eq "sort=due_at: the deadlines that run, then the replied one's and the others by id" \
    "$D,$F,$A,$B,$C,$E" "$(jv '",".join(str(p["id"]) for p in j["items"])')"

pt_step "a store whose people are padded to three characters' width (migration 17)"
api POST /v1/proposals '{"title":"关于对齐姓名的建议","lead_author":"张三","co_signers":["李四","王五"],"supervisor":"赵六"}'
G="$(jv 'j["id"]')"
api POST "/v1/proposals/$G/actions/assign" '{"mode":"single","units":[{"name":"甲局","role":"lead"}]}'
api POST "/v1/proposals/$G/actions/sign" '{"unit":"甲局"}'
api POST "/v1/proposals/$G/actions/reply" '{"unit":"甲局","doc_no":"甲函〔2026〕2号","category":"A","text":"已办理"}'
api POST "/v1/proposals/$G/actions/feedback" '{"person":"李四","satisfaction":"satisfied"}'
check_status "李四 rates the reply" 200
api POST /v1/tokens '{"name":"李四的令牌","role":"delegate","person":"李四"}'
check_status "a token for 李四" 201
pt_stop
# As lists align them: 张　三 with an ideographic space, 李 四 with an
# ASCII one, once more as a co-signer beside 李四, in the rating and in
# the token's binding; 王五 as it was.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.lead_author', '张　三',
  '\$.co_signers', json('[\"李 四\", \"王五\", \"李四\"]'), '\$.supervisor', '赵　六',
  '\$.feedback[0].person', '李 四') WHERE id = $G;
UPDATE proposal_people SET person = '张　三' WHERE proposal_id = $G AND person = '张三';
INSERT INTO proposal_people (proposal_id, person) VALUES ($G, '李 四');
UPDATE tokens SET person = '李 四' WHERE name = '李四的令牌';
DROP TABLE store_meta;
$BEFORE_28 PRAGMA user_version = 16;"
started_from 16
api GET "/v1/proposals/$G"
check_eq "the people are kept as the persons they name, each once" \
    '["张三", ["李四", "王五"], "赵六", "李四"]' \
    "$(jv 'json.dumps([j["lead_author"], j["co_signers"], j["supervisor"], j["feedback"][0]["person"]], ensure_ascii=False)')"
check_eq "and so are the rows a delegate's reads go by" "张三 李四 王五" \
    "$(sqlite3 "$DB" "SELECT group_concat(person, ' ') FROM (SELECT person FROM proposal_people WHERE proposal_id = $G ORDER BY person)")"
for who in 张三 李四; do
    api GET "/v1/proposals?person=$(urlenc "$who")"
    check_eq "the list by person=$who finds it (and D, theirs too)" "$D,$G" \
        "$(jv '",".join(str(p["id"]) for p in j["items"])')"
done
check_eq "the token is bound to 李四" "李四" \
    "$(sqlite3 "$DB" "SELECT person FROM tokens WHERE name = '李四的令牌'")"

pt_step "a store whose index holds the text as written: indexed anew, folded (migration 18)"
api POST /v1/proposals '{"title":"关于２０２５年Ｇ２０峰会的建议","background":"推进ＡＩ产业"}'
S1="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于2025年G20峰会的建议","background":"推进AI产业"}'
S2="$(jv 'j["id"]')"
pt_stop
# The index as schema 17 kept it: each proposal's text as written.
sqlite3 -cmd ".timeout 5000" "$DB" "
DELETE FROM proposals_fts;
INSERT INTO proposals_fts (rowid, title, background, recommendations)
  SELECT id, json_extract(doc, '\$.title'), json_extract(doc, '\$.background'),
    (SELECT group_concat(r.value, char(10)) FROM json_each(doc, '\$.recommendations') r)
  FROM proposals;
DELETE FROM search_pending;
DROP TABLE store_meta;
$BEFORE_28 PRAGMA user_version = 17;"
check_eq "the index holds the full-width title as written" "关于２０２５年Ｇ２０峰会的建议" \
    "$(sqlite3 "$DB" "SELECT title FROM proposals_fts WHERE rowid = $S1")"
started_from 17
for q in 2025年 ２０２５年 Ｇ２０峰会 g20 ＡＩ ai; do
    check_eq "q=$q finds both, indexed or not yet" "$S1,$S2" "$(pt_search_ids "$q")"
done
check_true "the writer indexes every proposal anew" [ "$(pt_wait_search_indexed)" != timeout ]
check_eq "the index holds every proposal, folded" "$(pt_count) 关于2025年g20峰会的建议" \
    "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM proposals_fts) || ' ' || (SELECT title FROM proposals_fts WHERE rowid = $S1)")"
for q in 2025年 ２０２５年 Ｇ２０峰会 g20 ＡＩ ai; do
    check_eq "q=$q finds both through the index" "$S1,$S2" "$(pt_search_ids "$q")"
done
api GET "/v1/proposals/$S1"
check_eq "the proposal is shown as it was written" "关于２０２５年Ｇ２０峰会的建议" "$(jv 'j["title"]')"

pt_step "a store without an id gets one, made once (migration 19)"
pt_stop
sqlite3 -cmd ".timeout 5000" "$DB" "DROP TABLE store_meta; $BEFORE_28 PRAGMA user_version = 18;"
started_from 18
ID1="$(sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'store_id'")"
check_true "the store has an id: 32 hex digits" \
    python3 -c 'import re, sys; sys.exit(not re.fullmatch("[0-9a-f]{32}", sys.argv[1]))' "$ID1"
pt_stop
pt_start
check_eq "a restart keeps it" "$ID1" \
    "$(sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'store_id'")"
pt_stop
# A copy of the file made to start another office's store: its id is
# deleted before the first start, which makes another.
sqlite3 -cmd ".timeout 5000" "$DB" "DELETE FROM store_meta WHERE key = 'store_id'"
pt_start
ID2="$(sqlite3 "$DB" "SELECT value FROM store_meta WHERE key = 'store_id'")"
check_true "a start without one makes another" test -n "$ID2" -a "$ID2" != "$ID1"

pt_step "an index that holds rare characters as written: indexed anew, folded (migration 21)"
api POST /v1/proposals '{"title":"关于贝\uFA10遗址保护的建议","background":"\uD842\uDFB7\uDB40\uDD00野家门店"}'
R1="$(jv 'j["id"]')"
pt_stop
# The index as schema 20 kept it: these characters as written.
sqlite3 -cmd ".timeout 5000" "$DB" "
DELETE FROM proposals_fts WHERE rowid = $R1;
INSERT INTO proposals_fts (rowid, title, background, recommendations)
  SELECT id, json_extract(doc, '\$.title'), json_extract(doc, '\$.background'), ''
  FROM proposals WHERE id = $R1;
DELETE FROM search_pending;
$BEFORE_28 PRAGMA user_version = 20;"
started_from 20
check_true "the writer indexes every proposal anew" [ "$(pt_wait_search_indexed)" != timeout ]
check_eq "the index holds the title folded" "$(printf '关于贝\u585A遗址保护的建议')" \
    "$(sqlite3 "$DB" "SELECT title FROM proposals_fts WHERE rowid = $R1")"
check_eq "the unified ideograph finds the compatibility one" "$R1" "$(pt_search_ids "$(printf '贝\u585A遗址')")"
check_eq "the character alone finds its variation sequence" "$R1" "$(pt_search_ids "$(printf '\U00020BB7野家')")"

pt_step "a store whose names have other dots than U+00B7 (migration 22)"
api POST /v1/proposals '{"title":"关于新疆棉花产业的建议","lead_author":"艾力·买买提","co_signers":["阿卜杜拉·买买提"]}'
M="$(jv 'j["id"]')"
api POST /v1/tokens '{"name":"艾力的令牌","role":"delegate","person":"艾力·买买提"}'
check_status "a token for 艾力·买买提" 201
pt_stop
# As an older ptrackd kept them: the dots as typed, and the same co-signer
# twice, with two dots.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.lead_author', '艾力・买买提',
  '\$.co_signers', json('[\"阿卜杜拉•买买提\", \"阿卜杜拉·买买提\"]')) WHERE id = $M;
UPDATE proposal_people SET person = '艾力・买买提' WHERE proposal_id = $M AND person = '艾力·买买提';
INSERT INTO proposal_people (proposal_id, person) VALUES ($M, '阿卜杜拉•买买提');
UPDATE tokens SET person = '艾力.买' || char(8203) || '买提' WHERE name = '艾力的令牌';
$BEFORE_28 PRAGMA user_version = 21;"
started_from 21
api GET "/v1/proposals/$M"
check_eq "the names are kept with U+00B7, each once" '["艾力·买买提", ["阿卜杜拉·买买提"]]' \
    "$(jv 'json.dumps([j["lead_author"], j["co_signers"]], ensure_ascii=False)')"
check_eq "and so are the rows a delegate's reads go by" "阿卜杜拉·买买提 艾力·买买提" \
    "$(sqlite3 "$DB" "SELECT group_concat(person, ' ') FROM (SELECT person FROM proposal_people WHERE proposal_id = $M ORDER BY person DESC)")"
check_eq "the token is bound to 艾力·买买提" "艾力·买买提" \
    "$(sqlite3 "$DB" "SELECT person FROM tokens WHERE name = '艾力的令牌'")"
api GET "/v1/proposals?person=$(urlenc 艾力・买买提)"
check_eq "the list by person finds it" "$M" "$(jv '",".join(str(p["id"]) for p in j["items"])')"

pt_step "an index that holds invisible characters as written: indexed anew, folded (migration 23)"
api POST /v1/proposals '{"title":"关于农村\u200b公路养护的建议"}'
Z="$(jv 'j["id"]')"
pt_stop
sqlite3 -cmd ".timeout 5000" "$DB" "
DELETE FROM proposals_fts WHERE rowid = $Z;
INSERT INTO proposals_fts (rowid, title, background, recommendations)
  SELECT id, json_extract(doc, '\$.title'), '', '' FROM proposals WHERE id = $Z;
DELETE FROM search_pending;
$BEFORE_28 PRAGMA user_version = 22;"
started_from 22
check_true "the writer indexes every proposal anew" [ "$(pt_wait_search_indexed)" != timeout ]
check_eq "the index holds the title folded" "关于农村公路养护的建议" \
    "$(sqlite3 "$DB" "SELECT title FROM proposals_fts WHERE rowid = $Z")"
check_eq "a word finds it across the invisible character" "$Z" "$(pt_search_ids 农村公路)"

pt_step "Kangxi radicals in the index and in a name: folded, kept as ideographs (migration 24)"
api POST /v1/proposals '{"title":"关于加强\u2f2f作作风建设的建议","lead_author":"田力"}'
K="$(jv 'j["id"]')"
pt_stop
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.lead_author', '⽥⼒') WHERE id = $K;
UPDATE proposal_people SET person = '⽥⼒' WHERE proposal_id = $K;
DELETE FROM proposals_fts WHERE rowid = $K;
INSERT INTO proposals_fts (rowid, title, background, recommendations)
  SELECT id, json_extract(doc, '\$.title'), '', '' FROM proposals WHERE id = $K;
DELETE FROM search_pending;
$BEFORE_28 PRAGMA user_version = 23;"
started_from 23
check_true "the writer indexes every proposal anew" [ "$(pt_wait_search_indexed)" != timeout ]
check_eq "the index holds the title folded" "关于加强工作作风建设的建议" \
    "$(sqlite3 "$DB" "SELECT title FROM proposals_fts WHERE rowid = $K")"
check_eq "工作 finds it" "$K" "$(pt_search_ids 加强工作)"
api GET "/v1/proposals?person=$(urlenc 田力)"
check_eq "the name is kept as ideographs, and the list by person finds it" "$K" \
    "$(jv '",".join(str(p["id"]) for p in j["items"])')"

pt_step "units' names pasted with a zero-width space or a radical: one unit each (migration 25)"
api POST /v1/proposals '{"title":"关于工业园区财政扶持的建议","lead_author":"张代表"}'
U="$(jv 'j["id"]')"
pt_act "$U" assign '{"mode":"lead_co","units":[{"name":"工信厅","role":"lead"},{"name":"财政厅","role":"co"}]}'
pt_act "$U" sign '{"unit":"工信厅"}'
pt_act "$U" sign '{"unit":"财政厅"}'
pt_act "$U" opinion '{"unit":"财政厅","opinion":"同意工信厅意见"}'
api POST /v1/proposals '{"title":"关于农村公路建设资金的建议","lead_author":"张代表"}'
V="$(jv 'j["id"]')"
pt_act "$V" assign '{"mode":"separate","units":[{"name":"财政厅","role":"separate"},{"name":"交通运输厅","role":"separate"}]}'
pt_act "$V" sign '{"unit":"财政厅"}'
pt_act "$V" sign '{"unit":"交通运输厅"}'
pt_act "$V" reply "$(pt_reply_body 财政厅 财函〔2026〕9号)"
pt_act "$V" reply "$(pt_reply_body 交通运输厅 交函〔2026〕9号)"
api POST /v1/tokens '{"name":"财政厅的令牌","role":"unit","unit":"财政厅"}'
check_status "a token for 财政厅" 201
UTOK="$(jv 'j["token"]')"
pt_stop
# As an older ptrackd kept them: the names as pasted, and 财政厅 twice on
# each proposal, the second spelling of it a unit of its own, which on the
# separate-mode one has not replied, so that it did not count as replied.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.units[0].name', '⼯信厅',
  '\$.units[1].name', '财政厅' || char(8203),
  '\$.units[#]', json('{\"name\":\"财政厅\",\"role\":\"co\",\"signed_at\":null,\"opinion_at\":null,\"opinion\":null}'))
  WHERE id = $U;
UPDATE proposal_units SET name = '⼯信厅' WHERE proposal_id = $U AND name = '工信厅';
UPDATE proposal_units SET name = '财政厅' || char(8203) WHERE proposal_id = $U AND name = '财政厅';
INSERT INTO proposal_units (proposal_id, name, role, answered, signed) VALUES ($U, '财政厅', 'co', 0, 0);
UPDATE proposals SET replied = 0, doc = json_set(doc, '\$.replies[0].unit', char(65279) || '财政厅',
  '\$.units[#]', json('{\"name\":\"财政厅' || char(8203) || '\",\"role\":\"separate\",\"signed_at\":null,\"opinion_at\":null,\"opinion\":null}'))
  WHERE id = $V;
INSERT INTO proposal_units (proposal_id, name, role, answered, signed) VALUES ($V, '财政厅' || char(8203), 'separate', 0, 0);
UPDATE proposal_units SET answered = 1 WHERE proposal_id = $V AND name != '财政厅' || char(8203);
UPDATE tokens SET unit = '财政厅' || char(8203) WHERE name = '财政厅的令牌';
$BEFORE_28 PRAGMA user_version = 24;"
check_eq "the old rows are in place" "3 3 0" \
    "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM proposal_units WHERE proposal_id = $U) || ' ' || (SELECT count(*) FROM proposal_units WHERE proposal_id = $V) || ' ' || (SELECT replied FROM proposals WHERE id = $V)")"
started_from 24
api GET "/v1/proposals/$U"
check_eq "the lead_co one: 工信厅 leads, 财政厅 once, signed, with its opinion" \
    '[["工信厅", "lead", true, null], ["财政厅", "co", true, "同意工信厅意见"]]' \
    "$(jv 'json.dumps([[u["name"], u["role"], u["signed_at"] is not None, u["opinion"]] for u in j["units"]], ensure_ascii=False)')"
check_eq "and its rows: each unit once, signed, the co unit's opinion given" "工信厅 lead 0 1|财政厅 co 1 1" \
    "$(sqlite3 "$DB" "SELECT group_concat(name || ' ' || role || ' ' || answered || ' ' || signed, '|') FROM (SELECT * FROM proposal_units WHERE proposal_id = $U ORDER BY role DESC)")"
api GET "/v1/proposals/$V"
check_eq "the separate-mode one: 财政厅 once, its reply its own" '[["财政厅", "交通运输厅"], ["财政厅", "交通运输厅"]]' \
    "$(jv 'json.dumps([[u["name"] for u in j["units"]], [r["unit"] for r in j["replies"]]], ensure_ascii=False)')"
check_eq "every unit has replied: it counts as replied, and no unit waits" "1|交通运输厅 0|财政厅 0" \
    "$(sqlite3 "$DB" "SELECT (SELECT replied FROM proposals WHERE id = $V) || '|' || (SELECT group_concat(name || ' ' || answered, '|') FROM (SELECT * FROM proposal_units WHERE proposal_id = $V ORDER BY name))")"
check_eq "the token is bound to 财政厅" "财政厅" "$(sqlite3 "$DB" "SELECT unit FROM tokens WHERE name = '财政厅的令牌'")"
req "tcp:$UTOK" GET "/v1/proposals?limit=500"
check_eq "and reads both" "$U,$V" "$(jv '",".join(str(i) for i in sorted(p["id"] for p in j["items"]))')"
api GET "/v1/stats?unit=$(urlenc 财政厅)"
check_eq "the stats count 财政厅 once on each" '{"交通运输厅": 1, "工信厅": 1, "财政厅": 2}' \
    "$(jv 'json.dumps(j["by_unit"], ensure_ascii=False, sort_keys=True)')"

pt_step "tags pasted with a zero-width space or a radical: one tag each (migration 26)"
api POST /v1/proposals '{"title":"关于两会期间生态保护的建议","tags":["两会"]}'
T1="$(jv 'j["id"]')"
api PATCH "/v1/proposals/$T1" '{"tags":["两会","生态","教育"]}'
check_status "its tags edited" 200
api POST /v1/proposals '{"title":"关于湿地生态修复的建议","tags":["生态"]}'
T2="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于黄河流域生态治理的建议","tags":["生态","水利"]}'
T3="$(jv 'j["id"]')"
pt_stop
# As an older ptrackd kept them: the tags as pasted, 两会 twice on the
# first proposal (once with a zero-width space) and ⽣态 with a radical on
# both, in the documents, the tags' rows and the first one's history.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.tags',
  json_array('两会' || char(8203), '⽣态', '两会', '教育')) WHERE id = $T1;
DELETE FROM proposal_tags WHERE proposal_id = $T1;
INSERT INTO proposal_tags (proposal_id, tag) VALUES
  ($T1, '两会' || char(8203)), ($T1, '⽣态'), ($T1, '两会'), ($T1, '教育');
UPDATE history SET changes = json_set(changes, '\$.tags.to',
  json_array('两会' || char(8203), '⽣态', '两会', '教育')) WHERE proposal_id = $T1 AND seq = 2;
UPDATE proposals SET doc = json_set(doc, '\$.tags', json_array(char(65279) || '⽣态')) WHERE id = $T2;
UPDATE proposal_tags SET tag = char(65279) || '⽣态' WHERE proposal_id = $T2;
$BEFORE_28 PRAGMA user_version = 25;"
T3DOC="$(sqlite3 "$DB" "SELECT doc FROM proposals WHERE id = $T3")"
check_eq "the old rows are in place" "4 1" \
    "$(sqlite3 "$DB" "SELECT (SELECT count(*) FROM proposal_tags WHERE proposal_id = $T1) || ' ' || (SELECT count(*) FROM proposal_tags WHERE proposal_id = $T2)")"
started_from 25
api GET "/v1/proposals/$T1"
check_eq "两会 once, where it first came, and 生态" '["两会", "生态", "教育"]' \
    "$(jv 'json.dumps(j["tags"], ensure_ascii=False)')"
check_eq "and its rows: each tag once" "两会|教育|生态" \
    "$(sqlite3 "$DB" "SELECT group_concat(tag, '|') FROM (SELECT tag FROM proposal_tags WHERE proposal_id = $T1 ORDER BY tag)")"
api GET "/v1/proposals/$T2"
check_eq "<U+FEFF>⽣态 is 生态" '["生态"]' "$(jv 'json.dumps(j["tags"], ensure_ascii=False)')"
check_eq "in its row too" "生态" "$(sqlite3 "$DB" "SELECT group_concat(tag, '|') FROM proposal_tags WHERE proposal_id = $T2")"
check_eq "a proposal whose tags were kept so is not written" "$T3DOC" \
    "$(sqlite3 "$DB" "SELECT doc FROM proposals WHERE id = $T3")"
api GET "/v1/proposals?limit=500&tag=$(urlenc 生态)"
check_eq "the list by tag finds all three" "$T1,$T2,$T3" \
    "$(jv '",".join(str(i) for i in sorted(p["id"] for p in j["items"]))')"
api GET "/v1/stats?tag=$(urlenc 两会)"
check_eq "and the stats count 两会 once" "1" "$(jv 'j["total"]')"
api GET "/v1/proposals/$T1/history"
check_eq "the history keeps what it said" "true" \
    "$(jv '[h["changes"]["tags"]["to"] for h in j["items"] if (h.get("changes") or {}).get("tags")] == [["两会\u200b", "\u2f63态", "两会", "教育"]]')"

pt_step "a delegation and a category pasted with a zero-width space or a radical: one each (migration 27)"
api POST /v1/proposals '{"title":"关于汾河生态修复的建议","delegation":"吉林代表团","category":"农业"}'
G1="$(jv 'j["id"]')"
api PATCH "/v1/proposals/$G1" '{"delegation":"山西代表团","category":"生态环境"}'
check_status "its delegation and category edited" 200
api POST /v1/proposals '{"title":"关于太行山绿化的建议","delegation":"山西代表团","category":"生态环境"}'
G2="$(jv 'j["id"]')"
api POST /v1/proposals '{"title":"关于吕梁山生态治理的建议","delegation":"山西代表团","category":"生态环境"}'
G3="$(jv 'j["id"]')"
pt_stop
# As an older ptrackd kept them: 山西代表团<U+200B> and ⽣态环境 with a
# radical on the first, <U+FEFF>山西代表团 on the second, in the columns,
# the documents and the first one's history.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET delegation = '山西代表团' || char(8203), category = '⽣态环境',
  doc = json_set(doc, '\$.delegation', '山西代表团' || char(8203), '\$.category', '⽣态环境')
  WHERE id = $G1;
UPDATE history SET changes = json_set(changes, '\$.delegation.to', '山西代表团' || char(8203),
  '\$.category.to', '⽣态环境') WHERE proposal_id = $G1 AND seq = 2;
UPDATE proposals SET delegation = char(65279) || '山西代表团',
  doc = json_set(doc, '\$.delegation', char(65279) || '山西代表团') WHERE id = $G2;
$BEFORE_28 PRAGMA user_version = 26;"
G3DOC="$(sqlite3 "$DB" "SELECT doc FROM proposals WHERE id = $G3")"
check_eq "the old values are in place" "3 2" \
    "$(sqlite3 "$DB" "SELECT count(DISTINCT delegation) || ' ' || count(DISTINCT category) FROM proposals WHERE id IN ($G1, $G2, $G3)")"
started_from 26
api GET "/v1/proposals/$G1"
check_eq "山西代表团<U+200B> is 山西代表团, ⽣态环境 is 生态环境" "山西代表团|生态环境" \
    "$(jv 'j["delegation"] + "|" + j["category"]')"
check_eq "in the columns too" "山西代表团|生态环境" \
    "$(sqlite3 "$DB" "SELECT delegation || '|' || category FROM proposals WHERE id = $G1")"
api GET "/v1/proposals/$G2"
check_eq "<U+FEFF>山西代表团 is 山西代表团" "山西代表团" "$(jv 'j["delegation"]')"
check_eq "a proposal whose delegation and category were kept so is not written" "$G3DOC" \
    "$(sqlite3 "$DB" "SELECT doc FROM proposals WHERE id = $G3")"
api GET "/v1/proposals?limit=500&delegation=$(urlenc 山西代表团)&category=$(urlenc 生态环境)"
check_eq "the list by delegation and category finds all three" "$G1,$G2,$G3" \
    "$(jv '",".join(str(i) for i in sorted(p["id"] for p in j["items"]))')"
api GET "/v1/stats?category=$(urlenc 生态环境)"
check_eq "and the stats count 山西代表团 once" '{"山西代表团": 3}' \
    "$(jv 'json.dumps(j["by_delegation"], ensure_ascii=False)')"
api GET "/v1/proposals/$G1/history"
check_eq "the history keeps what it said" "true" \
    "$(jv '[(h["changes"]["delegation"]["to"], h["changes"]["category"]["to"]) for h in j["items"] if (h.get("changes") or {}).get("delegation")] == [("山西代表团\u200b", "\u2f63态环境")]')"

pt_step "an imported proposal's proposal.created event keeps what it said (migrations 24-27)"
# An import's created event shows the stored document of the proposal's
# version 1, read from its row while the row is at that version: a
# migration that rewrites the row in place must leave the event what it
# showed, as the history keeps what it said.
pt_stop
pt_start --plugin-dir "$PT_BUILD_DIR/plugins"
# Four proposals, each with one kind of name pasted: a person's (24), a
# unit's (25), a tag (26), a delegation and a category (27).
{
    printf '%s\n' '{"title":"关于吕梁革命老区振兴的建议","lead_author":"王芳"}'
    printf '%s\n' '{"title":"关于太行山隧道建设的建议","created_at":"2026-02-28T00:00:00Z","status":"handling","handling_mode":"single","units":[{"name":"交通运输厅","role":"lead","signed_at":"2026-03-02T00:00:00Z"}],"assigned_at":"2026-03-01T00:00:00Z"}'
    printf '%s\n' '{"title":"关于两会期间生态保护的建议","tags":["两会"]}'
    printf '%s\n' '{"title":"关于汾河湿地保护的建议","delegation":"山西代表团","category":"生态环境"}'
} >"$PT_TMP/four.jsonl"
pt_import jsonl "$PT_TMP/four.jsonl"
check_status "four proposals imported" 201
I1="$(jv 'j["first_id"]')"
I2=$((I1 + 1)) I3=$((I1 + 2)) I4=$((I1 + 3))
check_eq "with ids in a row" "4 $I4" "$(jv '"%d %d" % (j["imported"], j["last_id"])')"
pt_stop
# As an older ptrackd kept them: each name as pasted, in the row (version
# 1, which the event refers to) and the side tables.
sqlite3 -cmd ".timeout 5000" "$DB" "
UPDATE proposals SET doc = json_set(doc, '\$.lead_author', '王 芳') WHERE id = $I1;
UPDATE proposal_people SET person = '王 芳' WHERE proposal_id = $I1 AND person = '王芳';
UPDATE proposals SET doc = json_set(doc, '\$.units[0].name', '交通运输厅' || char(8203)) WHERE id = $I2;
UPDATE proposal_units SET name = '交通运输厅' || char(8203) WHERE proposal_id = $I2;
UPDATE proposals SET doc = json_set(doc, '\$.tags', json_array('两会' || char(8203))) WHERE id = $I3;
UPDATE proposal_tags SET tag = '两会' || char(8203) WHERE proposal_id = $I3;
UPDATE proposals SET delegation = '山西代表团' || char(8203), category = '⽣态环境',
  doc = json_set(doc, '\$.delegation', '山西代表团' || char(8203), '\$.category', '⽣态环境')
  WHERE id = $I4;
$BEFORE_28 PRAGMA user_version = 23;"
check_eq "their created events refer to version 1 of their rows" "1 1,1 1,1 1,1 1" \
    "$(sqlite3 "$DB" "SELECT group_concat(ref_version || ' ' || (proposal IS NULL)) FROM events WHERE proposal_id BETWEEN $I1 AND $I4 AND type = 'proposal.created'")"
started_from 23
api GET "/v1/proposals?limit=500&sort=id"
check_eq "the proposals are kept in one spelling" "true" \
    "$(jv '[[p["lead_author"], p["units"][0]["name"] if p["units"] else None, p["tags"], p["delegation"], p["category"]] for p in j["items"] if '"$I1"' <= p["id"] <= '"$I4"'] == [["王芳", None, [], None, None], [None, "交通运输厅", [], None, None], [None, None, ["两会"], None, None], [None, None, [], "山西代表团", "生态环境"]]')"
api GET "/v1/events?after=0&limit=1000"
check_eq "their created events show them as they were" "true" \
    "$(jv '[[p["lead_author"], p["units"][0]["name"] if p["units"] else None, p["tags"], p["delegation"], p["category"]] for p in (e["proposal"] for e in j["items"] if e["type"] == "proposal.created") if '"$I1"' <= p["id"] <= '"$I4"'] == [["王 芳", None, [], None, None], [None, "交通运输厅\u200b", [], None, None], [None, None, ["两会\u200b"], None, None], [None, None, [], "山西代表团\u200b", "\u2f63态环境"]]')"

pt_step "an overdue proposal reminded of is not read by each scan again (migration 28)"
api POST /v1/proposals '{"title":"关于农村公路养护的建议"}'
R="$(jv 'j["id"]')"
api POST "/v1/proposals/$R/actions/assign" '{"mode":"single","units":[{"name":"交通运输厅","role":"lead"}]}'
check_status "assigned" 200
pt_stop
sqlite3 -cmd ".timeout 5000" "$DB" \
    "UPDATE proposals SET due_at = 1000 * (CAST(strftime('%s', 'now') AS INTEGER) - 86400) WHERE id = $R"
overdue_events() { sqlite3 -cmd ".timeout 5000" "$DB" "SELECT count(*) FROM events WHERE type = 'proposal.overdue' AND proposal_id = $R"; }
reminded() { [ "$(overdue_events)" = 1 ]; }
pt_start
check_true "its overdue reminder is raised" wait_for 20 reminded
pt_stop
# As a ptrackd before schema 28 left it: the marks alone.
sqlite3 -cmd ".timeout 5000" "$DB" "$BEFORE_28 PRAGMA user_version = 27;"
started_from 27
check_eq "its row holds the deadline its reminders were marked for" "1 1" \
    "$(sqlite3 "$DB" "SELECT (due_soon_mark = due_at) || ' ' || (overdue_mark = due_at) FROM proposals WHERE id = $R")"
check_eq "so it is not among the deadlines a scan reads" "0" \
    "$(sqlite3 "$DB" "SELECT count(*) FROM proposals INDEXED BY proposals_reminders WHERE clock = 1 AND due_at IS NOT NULL AND overdue_mark IS NOT due_at AND id = $R")"
check_eq "and it is not reminded of again" "1" "$(overdue_events)"

pt_step "each unit's own answer, for its figures (migration 29)"
# 分办 to 甲局 and 乙局 (D): 甲局 has answered A, 乙局 not yet; 主办 丙局
# and 协办 丁局 (F): 丙局 answers B, and 丁局 owes no reply.
api POST "/v1/proposals/$F/actions/opinion" '{"unit":"戊局","opinion":"同意"}'
check_status "the other co unit gives its opinion" 200
api POST "/v1/proposals/$F/actions/reply" '{"unit":"丙局","doc_no":"丙函〔2026〕1号","category":"B","text":"主办单位答复"}'
check_status "the lead unit answers" 200
pt_stop
sqlite3 -cmd ".timeout 5000" "$DB" "$BEFORE_29 PRAGMA user_version = 28;"
started_from 28
check_eq "the units' rows hold their own answers" "丁局 0 |丙局 1 B|戊局 0 |乙局 0 |甲局 1 A" \
    "$(sqlite3 "$DB" "SELECT group_concat(name || ' ' || replied || ' ' || coalesce(reply_category, ''), '|') FROM (SELECT name, replied, reply_category FROM proposal_units WHERE proposal_id IN ($D, $F) ORDER BY proposal_id = $D, name)")"
# unit_figures UNIT: reply_rate and reply_categories of the unit's figures.
unit_figures() {
    api GET "/v1/stats?unit=$(urlenc "$1")"
    jv 'json.dumps(j["reply_rate"]) + " " + " ".join("%s%d" % (c, j["reply_categories"][c]) for c in "ABCD")'
}
# 甲局 has answered D (A) as its part, and G (single mode, A).
check_eq "甲局's figures count its own answer" "1 A2 B0 C0 D0" "$(unit_figures 甲局)"
check_eq "乙局's, none yet" "0 A0 B0 C0 D0" "$(unit_figures 乙局)"
check_eq "丁局's, none owed" "null A0 B0 C0 D0" "$(unit_figures 丁局)"

pt_finish
