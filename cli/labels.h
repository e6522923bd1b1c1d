/*
 * labels.h - the Chinese names people read instead of the API's codes.
 *
 * State and action labels come from the active workflow (GET /v1/workflow),
 * since an office may rename them in its own workflow file; everything else
 * (kinds, roles, satisfaction, ...) is fixed by the API (docs/api.md) and lives in
 * tables here. Every lookup falls back to the code itself, so an unknown
 * value is shown rather than hidden.
 */
#ifndef PT_CLI_LABELS_H
#define PT_CLI_LABELS_H

#include "buf.h"
#include "cli.h"

/* The zh (or en) label of a state or action of the workflow. */
const char *pt_label_state(pt_cli_t *cli, const char *state);
/* Whether the deadline runs in the state (its "clock" in the workflow):
 * a closed or returned proposal's due_at is history, not a deadline. True
 * when the workflow cannot be read. */
bool pt_state_clock_runs(pt_cli_t *cli, const char *state);
const char *pt_label_state_en(pt_cli_t *cli, const char *state);
/* Appends the state as people read it, its label and its name ("已提出
 * submitted"), to b and returns b's text: the name alone when the
 * workflow gives it no label (it cannot be read, or no longer has the
 * state), "?" for none. */
const char *pt_label_state_named(pt_cli_t *cli, const char *state, pt_buf_t *b);
/* Appends "label code" to b and returns b's text: the code alone when its
 * label is none or the code itself (a word the workflow or ptrack has no
 * label for), "?" for no code. */
const char *pt_label_named(const char *label, const char *code, pt_buf_t *b);
/* Whether the workflow in force has a state of this name; false too when
 * the workflow cannot be read. */
bool pt_state_known(pt_cli_t *cli, const char *state);
/* Appends the workflow's states as a person may type them, "草稿 draft、
 * 已提出 submitted、…", to b; appends nothing when the workflow cannot be
 * read. */
void pt_states_describe(pt_cli_t *cli, pt_buf_t *b);
const char *pt_label_action(pt_cli_t *cli, const char *action);
/* What the action does, its "effect" in the workflow ("reply" for an
 * office's own answering action too); the action's own name when the
 * workflow cannot be read or does not say. */
const char *pt_action_effect(pt_cli_t *cli, const char *action);

const char *pt_label_kind(const char *kind);          /* suggestion → 建议 */
const char *pt_label_submitter(const char *type);     /* joint → 联名 */
const char *pt_label_mode(const char *mode);          /* lead_co → 主办+协办 */
const char *pt_label_role(const char *role);          /* lead → 主办 */
const char *pt_label_satisfaction(const char *s);     /* satisfied → 满意 */
const char *pt_label_reply_kind(const char *kind);    /* first → 首次答复 */
const char *pt_label_reply_category(const char *cat); /* D → 留作参考 */
const char *pt_label_event(const char *type);         /* proposal.overdue → 已逾期 */
const char *pt_label_todo(const char *part);          /* sign → 未签收 */
/* A part of a unit's work as a person may type it for --todo: sign,
 * opinion or reply, their names (签收, 协办意见, 答复, 未签收, ...), or
 * an action of the workflow that does it (by its effect), by its code or
 * label. Returns the part's code, or NULL when s is none of them. */
const char *pt_todo_from_input(pt_cli_t *cli, const char *s);
/* An API error code in words: not_found → 未找到; NULL for a code it does
 * not know. */
const char *pt_label_error(const char *code);
/* The Chinese name of a proposal's field or of an action's field that the
 * history records (reason → 原因, returned_by → 退回单位), or NULL when
 * there is none. */
const char *pt_label_field(const char *key);

/* What a person types is made what the API takes here, for every command.
 *
 * pt_input_fold folds what a Chinese input method gives for a code, a
 * number or a date: fullwidth ASCII (Ａ, ２０２７, ＃, －, U+FF01..U+FF5E) to
 * ASCII and the ideographic space U+3000 to a space, and trims blanks
 * around it. Only values that are codes, ids, numbers or times are folded:
 * a title's （一） or a name stays as typed. Returns s itself when there is
 * nothing to change, else a string owned by cli (freed with it). */
const char *pt_input_fold(pt_cli_t *cli, const char *s);

/* What a person may type for a kind, a state or an action: the code itself
 * or its Chinese name (建议, 办理中, 交办), folded (pt_input_fold). Returns
 * the code, or the input folded. */
const char *pt_kind_from_input(pt_cli_t *cli, const char *s);
const char *pt_state_from_input(pt_cli_t *cli, const char *s);
const char *pt_action_from_input(pt_cli_t *cli, const char *s);
/* The state whose code or English label is s in any case (Handling,
 * NOT_FILED, "Not filed"), or NULL when none is or the workflow cannot be
 * read. */
const char *pt_state_from_name(pt_cli_t *cli, const char *s);
/* Whether the workflow in force has an action of this name; false too
 * when the workflow cannot be read. */
bool pt_action_known(pt_cli_t *cli, const char *action);
/* The action whose code or English label is s in any case (Sign, "Sign
 * for"), or NULL when none is or the workflow cannot be read. */
const char *pt_action_from_name(pt_cli_t *cli, const char *s);
/* Appends the workflow's actions as a person may type them, "提交 submit、
 * 审查 review、…", to b; appends nothing when the workflow cannot be read. */
void pt_actions_describe(pt_cli_t *cli, pt_buf_t *b);

/* A value of an enumerated field typed by a person: folded, then the
 * value itself, one of `values` (a JSON array of strings, as the workflow
 * declares an enum; may be NULL) in another case (a → A), or the Chinese
 * label of a value of that field (satisfaction 不满意 → unsatisfied, mode
 * 分办 → separate, kind 建议 → suggestion, submitter_type 联名 → joint,
 * role 协办 → co). Returns the code, or the input folded for ptrackd to
 * take or refuse. */
const char *pt_value_from_input(pt_cli_t *cli, const char *field, const cJSON *values,
                                const char *s);

/* Appends the labels a person may type for an enumerated field that an
 * API refusal names (satisfaction: "满意、基本满意、不满意"; mode, kind,
 * submitter_type, a unit's role units[N].role likewise, and role, a
 * token's: "只读、经办、承办单位、代表、管理员") to b; returns false,
 * appending nothing, for a field that has none. */
bool pt_value_labels_describe(const char *field, pt_buf_t *b);

/* A token's role: viewer 只读, clerk 经办, unit 承办单位 (or 单位), delegate 代表,
 * admin 管理员, folded. */
const char *pt_token_role_from_input(pt_cli_t *cli, const char *s);
const char *pt_label_token_role(const char *role);
/* Where a token comes from: config 配置 (the config file), store 运行时 (made
 * at run time by token create). */
const char *pt_label_token_source(const char *source);

/* A unit's own part in proposal p, from its unit_part (which ptrackd adds
 * to a unit's reads: its lists, one filtered by unit, one proposal it
 * reads): its role, then what it still has to do (协办·待意见; a lead unit
 * whose reply waits for co units' opinions 主办·等协办意见), or else what it
 * has done (分办·已答复). Appends nothing when p has no unit_part. */
void pt_label_unit_part(const cJSON *p, pt_buf_t *out);

/* In separate mode (分办) a round of replies lasts until every unit has
 * answered: the names of the units of p that have not replied yet (the
 * history's awaiting_replies), in their order, and their number in *n,
 * while some unit has and some has not. None (NULL, 0) otherwise: in
 * another mode, before any reply, and once every unit has replied (a
 * rehandling round then waits for any one). Ownership: the caller frees
 * the array, whose strings are p's own. */
const char **pt_awaiting_replies(const cJSON *p, size_t *n);

#endif
