/*
 * changes.h - what one history entry changed, in words a person reads.
 *
 * A history entry's `changes` holds each field it changed as {from, to}.
 * A field that holds a value is told by its new value ("期限: 2026-09-30
 * 23:59", "原因: 我厅仅为协办"); a list by what changed in it: the units
 * assigned, signed or giving an opinion, a new reply or rating, the tags
 * or co-signers added or taken out. `ptrack history` prints them in its
 * note column.
 */
#ifndef PT_CLI_CHANGES_H
#define PT_CLI_CHANGES_H

#include <cjson/cJSON.h>

/* A name in a part (a unit's, with its role when it has one: 省水利厅(主办);
 * a person's) and a reply's 文号 stand between these two bytes, so that whoever lays the
 * part out can keep it whole: history wraps its note column between
 * names, never inside one. They are control characters, which no value in
 * a part holds (values are cleaned of them), so they mark nothing else;
 * what prints a part as it is drops them. */
#define PT_CHANGE_NAME_OPEN '\x1e'
#define PT_CHANGE_NAME_CLOSE '\x1f'
/* Inside a name, where it may break when it does not fit whole: between a
 * unit's name and its role. */
#define PT_CHANGE_NAME_BREAK '\x1d'

/* Called with each part that tells a change, in order; part is valid
 * for the call only. */
typedef void (*pt_change_part_fn)(void *ctx, const char *part);

/* Tells the change of field key ({from, to}) in one or more parts:
 * "期限: 2026-06-13 09:00", "签收: 省水利厅", "首次答复: 省水利厅
 * 晋水函〔2026〕15号 A类". Control characters in values are shown as
 * spaces. A list or object this does not know is named in brackets
 * ("[key]"). Nothing for a list whose change shows nothing (the same
 * values in another order). */
void pt_change_describe(const char *key, const cJSON *change, pt_change_part_fn fn, void *ctx);

#endif
