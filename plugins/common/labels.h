/*
 * labels.h - the Chinese words the built-in plugins show and read for the
 * values of a proposal: states, actions, kinds, submitter types, handling
 * modes, satisfaction, unit roles, reply categories, and the headers of
 * the fields.
 *
 * The states and actions are the workflow's: an office may load its own,
 * with labels and states of its own. The pt_wf_ functions below ask the
 * host for them (ABI 1.2's workflow_item); the tables here hold the
 * default workflow's (proposals/workflow-default.json; keep them in step),
 * for an older host and for reading labels back on import. A value known
 * to neither is shown by its raw name.
 *
 * Like everything in plugins/common/, this uses include/ptrack/plugin.h and
 * the C library only, and is linked into each plugin that needs it.
 */
#ifndef PT_LABELS_H
#define PT_LABELS_H

#include <stdbool.h>
#include <stddef.h>

#include <ptrack/plugin.h>

/* An enumerated value: its API name, the Chinese label written for it, and
 * other labels people use for it, read on import only. */
typedef struct {
    const char *name;
    const char *zh;
    const char *aliases; /* '|'-separated, NULL for none */
    const char *en;      /* states only: the English label */
    int clock;           /* states only: the deadline runs in this state */
} pt_label_t;

/* The tables end with a NULL name. pt_status_labels is in workflow order. */
extern const pt_label_t pt_status_labels[];
extern const pt_label_t pt_action_labels[];
extern const pt_label_t pt_kind_labels[];
extern const pt_label_t pt_submitter_labels[];
extern const pt_label_t pt_mode_labels[];
extern const pt_label_t pt_satisfaction_labels[];
extern const pt_label_t pt_role_labels[];

/* The entry of name, or NULL (also for a NULL name). */
const pt_label_t *pt_label_find(const pt_label_t *labels, const char *name);
/* The Chinese label of name, or name itself when it has none (NULL for
 * NULL). */
const char *pt_label_zh(const pt_label_t *labels, const char *name);
/* The API name of a text that is a name, a label or an alias, or NULL. */
const char *pt_label_name(const pt_label_t *labels, const char *text);

/* The workflow ptrackd runs, as the instance inst of a plugin sees it. */
typedef struct {
    const ptrack_host_t *host;
    ptrack_instance_t *inst;
} pt_wf_t;

/* A state's Chinese label in the running workflow; the default
 * workflow's, or the raw name, where the host cannot say; "" for NULL.
 * Thread: any. */
const char *pt_wf_state_label(const pt_wf_t *wf, const char *state);
/* An action's Chinese label, likewise (create, import, edit... too). */
const char *pt_wf_action_label(const pt_wf_t *wf, const char *action);
/* The name of the state text names or labels (办理中, an office's own
 * label, an alias of the default workflow's), or NULL. */
const char *pt_wf_state_name(const pt_wf_t *wf, const char *text);
/* Whether the deadline runs in the state. */
bool pt_wf_state_clock(const pt_wf_t *wf, const char *state);
/* The state's place in the workflow; an unknown state sorts last. */
int pt_wf_state_order(const pt_wf_t *wf, const char *state);

/* A state's entry (its label, whether the deadline runs), or NULL. */
const pt_label_t *pt_state_find(const char *name);
/* The Chinese label of a state, the raw name for an unknown one, "" for
 * NULL. */
const char *pt_state_label(const char *name);
/* The state's place in the workflow (for ordering groups); unknown states
 * sort after every known one. */
int pt_state_order(const char *name);
/* 建议, 议案, 提案, 其他; the raw value otherwise (NULL for NULL). */
const char *pt_kind_label(const char *kind);
/* What proposals of a kind are called together in a title or a figure
 * (提案办理情况报告, 提案总数): 提案 for kind proposal, 议案 for motion, and
 * 建议, which stands for the others, a mix, or no kind given. */
const char *pt_kind_noun(const char *kind);
/* 满意, 基本满意, 不满意; the raw value otherwise (NULL for NULL). */
const char *pt_satisfaction_label(const char *satisfaction);
/* The label of an action of the default workflow (提交, 交办...); the raw
 * name otherwise. */
const char *pt_action_label(const char *name);
/* 主办, 协办, 分办; 承办 for NULL (a unit without a role); the raw role
 * otherwise. */
const char *pt_role_label(const char *role);
/* The meaning of a reply category A..D ("所提问题已经解决或基本解决"), ""
 * otherwise. */
const char *pt_category_meaning(char category);
/* Writes "A类（所提问题已经解决或基本解决）" into buf. */
void pt_category_label(char category, char *buf, size_t size);

/* ---- Field headers ---------------------------------------------------------
 * The Chinese name of a field of a proposal as a column header or in a
 * description. Keys are the API's field names ("number", "due_at"), plus
 * "lead_units"/"co_units" (the unit names by role), "unit" (the handling
 * units together), "reply_unit", "doc_no", "reply_category",
 * "replied_at" and "satisfaction" (of the latest reply and feedback). */
typedef struct {
    const char *key;
    const char *zh;      /* the full header (a CSV column reads back by it) */
    const char *brief;   /* a shorter header for sheets and reports, or NULL */
    const char *aliases; /* other headers an import reads, '|'-separated, or "" */
} pt_field_label_t;

/* The entry of key, or NULL. */
const pt_field_label_t *pt_field_find(const char *key);
/* The full header of key; key itself when the table does not know it. */
const char *pt_field_label(const char *key);
/* The brief header of key (the full one when it has none). */
const char *pt_field_brief(const char *key);

#endif /* PT_LABELS_H */
