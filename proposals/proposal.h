/*
 * proposal.h - the proposal (docs/api.md): its model, validation and JSON.
 *
 * A pt_proposal_t owns every string and array it points to; pt_proposal_free()
 * releases them. Strings that are not set are NULL; times that are not set
 * are 0 (see timefmt.h). Nothing here does I/O: the store persists proposals
 * as the JSON that pt_proposal_to_json() writes and reads them back with
 * pt_proposal_from_json(..., PT_DECODE_STORED, ...).
 */
#ifndef PT_PROPOSAL_H
#define PT_PROPOSAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "error.h"

#define PT_TITLE_MAX 500 /* characters (code points), not bytes */
/* How many entries a proposal's lists and custom may hold: far more than
 * any proposal has, few enough that no check of them costs a noticeable
 * time on the store's single writer. */
#define PT_LIST_MAX 1000      /* recommendations, co_signers, tags */
#define PT_UNITS_MAX 100      /* units of an assign or reassign */
#define PT_CUSTOM_MAX 200     /* keys of custom */
#define PT_CUSTOM_KEY_MAX 100 /* characters of a custom key */

typedef struct {
    char **v;
    size_t n;
    size_t cap; /* elements v has room for; 0 when unknown (grown on the next push) */
} pt_strv_t;

typedef struct {
    char *name;
    char *role; /* "lead", "co" or "separate" */
    int64_t signed_at;
    int64_t opinion_at;
    char *opinion;
} pt_unit_t;

typedef struct {
    char *unit;
    char *doc_no;   /* 答复文号 */
    char *category; /* "A" "B" "C" "D" */
    char *text;
    int64_t replied_at;
    char *kind; /* "first", "again", "supplementary" */
} pt_reply_t;

typedef struct {
    char *person;
    char *satisfaction; /* "satisfied", "basically_satisfied", "unsatisfied" */
    char *comment;
    int64_t at;
} pt_feedback_t;

typedef struct {
    char *key;
    char *value;
} pt_kv_t;

typedef struct pt_proposal_s {
    int64_t id;
    char *number;
    char *kind; /* "suggestion" "motion" "proposal" "other" */
    char *session;
    char *title;
    char *background;
    pt_strv_t recommendations;
    char *submitter_type; /* "individual" "joint" "delegation" "group" */
    char *lead_author;
    pt_strv_t co_signers;
    char *delegation;
    char *category;
    pt_strv_t tags;
    char *status;
    char *handling_mode; /* "lead_co" "separate" "single" */
    pt_unit_t *units;
    size_t n_units;
    int64_t assigned_at;
    int64_t due_at;
    /* When the latest rehandling round began (unsatisfied feedback, a
     * reopen): extend's cap counts from it then. 0: never rehandled. */
    int64_t rehandling_at;
    /* When an assignment came after a reply (an office's workflow that
     * assigns a replied or rehandled proposal anew): the replies from
     * before it answer no unit's part of that assignment
     * (pt_proposal_reply_counts). 0: no assignment came after a reply, and
     * every reply counts, as in an import that does not say. */
    int64_t replies_from;
    bool key_supervision;
    char *supervisor;
    pt_reply_t *replies;
    size_t n_replies;
    pt_feedback_t *feedback;
    size_t n_feedback;
    int64_t merged_into; /* 0: not merged */
    char *source_format;
    char *source_ref;
    pt_kv_t *custom;
    size_t n_custom;
    int64_t version;
    int64_t created_at;
    int64_t updated_at;
} pt_proposal_t;

/* What a validation may check against the office's configuration. */
typedef struct {
    const char *const *categories; /* NULL: any category is accepted */
    size_t n_categories;
} pt_validate_opts_t;

typedef enum {
    /* A client's POST /v1/proposals body: only the editable fields, plus
     * `status` ("draft" or the workflow's default initial state) and
     * `source`. id, version, history, units, replies, ... are refused. */
    PT_DECODE_CREATE,
    /* Every field, as pt_proposal_to_json() wrote it (the store, imports). */
    PT_DECODE_STORED,
} pt_decode_mode_t;

void pt_proposal_init(pt_proposal_t *p);
void pt_proposal_free(pt_proposal_t *p); /* frees members, not p itself */
/* Deep copy. Returns 0 or PT_ENOMEM. */
int pt_proposal_copy(pt_proposal_t *dst, const pt_proposal_t *src);

/* An estimate of the heap the proposal's members hold (not the struct
 * itself): every string and array, with what the allocator adds to each
 * block. A walk of its members, as long as its strings; a cache of
 * decoded proposals keeps its size by it. Thread: any. */
size_t pt_proposal_heap_bytes(const pt_proposal_t *p);

/* Decodes and validates. Unknown fields, wrong types, bad enum values and a
 * missing or over-long title are all reported at once as PT_EVALIDATION with
 * one {field, message} per problem. On failure *out is left freed. */
int pt_proposal_from_json(const cJSON *json, pt_decode_mode_t mode, const pt_validate_opts_t *opts,
                          pt_proposal_t *out, pt_error_t *err);

/* Applies an RFC 7396 JSON merge patch to the editable fields: number, kind,
 * session, title, background, recommendations, submitter_type, lead_author,
 * co_signers, delegation, category, tags, custom (merged key by key). `null`
 * clears a field (title cannot be cleared). Fields that are not editable
 * (status, version, history, id, units, ...) are refused by name. The patch
 * is validated whole before anything changes: on error *p is untouched.
 * *changed is set to a JSON object {field: {"from": old, "to": new}} of what
 * actually changed (empty when nothing did); the caller frees it. */
int pt_proposal_patch(pt_proposal_t *p, const cJSON *patch, const pt_validate_opts_t *opts,
                      cJSON **changed, pt_error_t *err);

/* The full JSON of docs/api.md, The proposal. `overdue` is computed from `clock` (the
 * state's deadline is running, see workflow.h) and `now`. Unset strings are
 * null, unset arrays are []. Ownership: the caller frees. */
cJSON *pt_proposal_to_json(const pt_proposal_t *p, bool clock, int64_t now);

/* The same JSON as pt_proposal_to_json() (fields in the same order, strings
 * escaped the same way), written straight to text without building a tree:
 * the store writes one for every change. `overdue` is left out when
 * with_overdue is false. Ownership: the caller frees; NULL when out of
 * memory. Thread: any. */
char *pt_proposal_to_text(const pt_proposal_t *p, bool with_overdue, bool clock, int64_t now,
                          size_t *len);

/* True when the proposal's deadline has passed while its clock runs. */
bool pt_proposal_is_overdue(const pt_proposal_t *p, bool clock, int64_t now);

/* The category (A/B/C/D) of the latest reply that is not supplementary: the
 * one the statistics count. NULL when there is none. */
const char *pt_proposal_reply_category(const pt_proposal_t *p);

/* A client's text without the spaces around it (ASCII, U+00A0, U+3000),
 * and on one line (a line break or tab inside goes between two Chinese
 * characters, else is one space), as names and titles are kept; with fold,
 * also full-width ASCII and those spaces inside as ASCII, as a number and a
 * session are kept. Text that is then only other Unicode spaces (an em
 * space U+2003) is "", as blank text is none. Ownership: the caller frees;
 * NULL when out of memory. */
char *pt_text_clean(const char *s, bool fold);

/* A person's name as it is kept (a lead author, a co-signer, a supervisor,
 * the person of a rating, a delegate's binding): pt_text_clean's, and
 * without the spaces when it is single Chinese characters with spaces
 * between them. Lists of people pad a name of two characters to the width
 * of three ("王　芳", "王 芳"), and the person is 王芳 however a sheet
 * aligned it; other spaces stay ("Li Na", and "王芳 李四", two names that
 * a list separated with a space). The dot of a transliterated name is
 * U+00B7 however it was typed (艾力・买买提, 艾力.买买提), the invisible
 * characters beside a Chinese one go (王<U+200B>芳), and a Kangxi radical
 * is the ideograph it stands for (pt_utf8_radical_unified). Ownership: the
 * caller frees; NULL when out of memory. */
char *pt_name_clean(const char *s);

/* A unit's name as it is kept (an assignment's units, the unit an action
 * names, an import's units and replies, a unit's binding, the unit
 * filter): pt_text_clean's, without the invisible characters beside a
 * Chinese one (财政厅<U+200B>) and with a Kangxi radical as the ideograph
 * it stands for (⼯信厅 is 工信厅), as a person's name (pt_name_clean).
 * Unlike a person's name, a dot stays as typed and the spaces inside
 * stay: a unit's name is not padded to a width. Ownership: the caller
 * frees; NULL when out of memory. */
char *pt_unit_name_clean(const char *s);

/* A label as it is kept: a tag, a delegation (代表团) and a category, on
 * create, PATCH and import (a CSV's 标签, 代表团 and 类别 cells too), in
 * the configured list of categories and in the tag, delegation and
 * category filters. Exactly as a unit's name (pt_unit_name_clean):
 * without the spaces around it, on one line, without the invisible
 * characters beside a Chinese one (两会<U+200B> is 两会, 山西代表团<U+200B>
 * is 山西代表团) and with a Kangxi radical as its ideograph (⽣态 is 生态).
 * A label is typed or pasted as a unit's name is, not a person's: a dot
 * stays ("5.0"), and so do the spaces inside ("Wi-Fi 6", "乡村 振兴"), and
 * a zero-width joiner between other characters (an emoji's) too.
 * Ownership: the caller frees; NULL when out of memory. */
char *pt_label_clean(const char *s);

/* Whether the reply answers the proposal's assignment: it is not a
 * supplementary one (follow_up, 补充答复, which adds to an answer and is
 * none, even where an office's workflow lets a unit make one before its
 * reply), and it came at or after replies_from, which an assignment made
 * after a reply sets (workflow's assign effect). A reply from before such an assignment stays in
 * the proposal, but the units it names owe an answer of their own. With replies_from 0 every reply
 * counts: an imported proposal may carry a reply dated before its assigned_at (a date without a
 * time, 2026-05-20, beside a time of day on it), and it answered the proposal all the same. */
bool pt_proposal_reply_counts(const pt_proposal_t *p, const pt_reply_t *r);

/* Whether the unit has given a reply of the proposal that counts
 * (pt_proposal_reply_counts): in any round, a rehandling round's too,
 * but none from before an assignment that came after it. */
bool pt_proposal_unit_replied(const pt_proposal_t *p, const char *unit);

/* Whether the unit has answered its part while the proposal waits for
 * others: in separate mode (分办) a round of replies lasts until every unit
 * has replied (workflow-apply.c), and meanwhile a unit that has replied
 * owes nothing and is not late. Once every unit has replied, or while none
 * has, every unit whose deadline runs owes an answer (in a rehandling
 * round any unit's answer moves the proposal on). In lead_co mode a co
 * unit's part is its opinion (协办意见), which the lead unit waits for: a
 * co unit that has given it is not late; the lead unit, which replies for
 * all, owes the answer in every round, as a single unit does. For units of
 * one name, the first counts. The store keeps it per unit in
 * proposal_units.answered (PT_SQL_UNIT_CLOCK). */
bool pt_proposal_unit_answered(const pt_proposal_t *p, const char *unit);
/* The same for every unit at once, into answered[0 .. n_units - 1], in
 * units x replies steps (asked unit by unit it takes units times more). */
void pt_proposal_units_answered(const pt_proposal_t *p, bool *answered);

/* Whether the proposal has been answered (办复), as the statistics count
 * it: it has a reply that counts (pt_proposal_reply_counts), and in
 * separate mode (分办) every unit has such a reply. */
bool pt_proposal_answered(const pt_proposal_t *p);

/* The answer (办复) that each unit's own figures count (GET /v1/stats with
 * a unit's scope), into replied[0 .. n_units - 1] and category[...] (the
 * category of that answer, NULL when none; pointers into p): in separate
 * mode (分办) the unit's own, whether it has a reply that counts
 * (pt_proposal_unit_replied) and the category of its latest one that is
 * not supplementary, however the other units stand; for the lead unit
 * (single and lead_co mode), which replies for all, the proposal's
 * (pt_proposal_answered, pt_proposal_reply_category). A co unit (lead_co)
 * gives an opinion and answers nothing: false and NULL. The store keeps
 * them per unit in proposal_units.replied and reply_category. */
void pt_proposal_units_replies(const pt_proposal_t *p, bool *replied, const char **category);

/* Whether the units fit the handling mode as assign leaves them: single,
 * one lead unit; lead_co, one lead and co units; separate, separate units;
 * no name twice; and a mode when there are units. When not, adds each
 * problem to err's fields, sums them up in its message and returns false. For proposals that come
 * in whole (an import), not through assign. */
bool pt_proposal_units_fit(const pt_proposal_t *p, pt_error_t *err);

/* Whether replies_from is one that an assignment after a reply could have
 * set (effect_assign): none, or with replies, no later than the later of
 * assigned_at and each reply's time and a millisecond. A reply made while
 * the clock is behind replies_from is dated replies_from, so that it
 * answers the assignment it follows: an imported record's replies_from
 * of 2099 would date every reply to come 2099. When not, adds the problem
 * to err's fields, sums it up in its message and returns false. For
 * proposals that come in whole (an import). */
bool pt_proposal_replies_from_fits(const pt_proposal_t *p, pt_error_t *err);

/* Looks up a unit by name; NULL when it is not assigned. */
pt_unit_t *pt_proposal_find_unit(const pt_proposal_t *p, const char *name);

/* Helpers for string vectors (used by the decoder and the workflow). */
int pt_strv_push(pt_strv_t *v, const char *s);
void pt_strv_free(pt_strv_t *v);

#endif
