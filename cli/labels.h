/*
 * labels.h - the Chinese names people read instead of the API's codes.
 *
 * State and action labels come from the active workflow (GET /v1/workflow),
 * since an office may rename them in its own workflow file; everything else
 * (kinds, roles, satisfaction, ...) is fixed by PRODUCT.md §1 and lives in
 * tables here. Every lookup falls back to the code itself, so an unknown
 * value is shown rather than hidden.
 */
#ifndef PT_CLI_LABELS_H
#define PT_CLI_LABELS_H

#include "cli.h"

/* The zh (or en) label of a state or action of the workflow. */
const char *pt_label_state(pt_cli_t *cli, const char *state);
const char *pt_label_state_en(pt_cli_t *cli, const char *state);
const char *pt_label_action(pt_cli_t *cli, const char *action);

const char *pt_label_kind(const char *kind);          /* suggestion → 建议 */
const char *pt_label_submitter(const char *type);     /* joint → 联名 */
const char *pt_label_mode(const char *mode);          /* lead_co → 主办+协办 */
const char *pt_label_role(const char *role);          /* lead → 主办 */
const char *pt_label_satisfaction(const char *s);     /* satisfied → 满意 */
const char *pt_label_reply_kind(const char *kind);    /* first → 首次答复 */
const char *pt_label_reply_category(const char *cat); /* D → 留作参考 */
const char *pt_label_event(const char *type);         /* proposal.overdue → 已逾期 */
/* The Chinese name of a proposal's field or of an action's field that the
 * history records (reason → 原因, returned_by → 退回单位), or NULL when
 * there is none. */
const char *pt_label_field(const char *key);

/* What a person may type for a kind, a state or an action: the code itself
 * or its Chinese name (建议, 办理中, 交办). Returns the code, or the input
 * unchanged. */
const char *pt_kind_from_input(const char *s);
const char *pt_state_from_input(pt_cli_t *cli, const char *s);
const char *pt_action_from_input(pt_cli_t *cli, const char *s);

#endif
