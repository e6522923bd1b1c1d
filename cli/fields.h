/*
 * fields.h - the types of the fields `--set` can give, so that a value
 * typed on the command line reaches ptrackd as the type the field has.
 *
 * A shell word carries no type: 1002 may be an office's 编号 (a string) or
 * the id a merge points to (a number). The proposal's own fields are fixed
 * by the API (docs/api.md) and listed here; an action's fields and their types come
 * from the workflow in force (GET /v1/workflow), since an office may define
 * its own. A field neither knows is PT_FIELD_ANY: its value is JSON when it
 * parses as JSON, as before.
 */
#ifndef PT_CLI_FIELDS_H
#define PT_CLI_FIELDS_H

#include "args.h"
#include "buf.h"
#include "cli.h"

/* The type of a proposal's field at a dotted key ("title", "custom.电话"),
 * for add and edit. ud is unused. */
pt_field_type_t pt_field_type_proposal(const char *key, void *ud);

/* What pt_field_type_action needs: the client (for the workflow) and the
 * action's code. */
typedef struct {
    pt_cli_t *cli;
    const char *action;
} pt_action_fields_t;

/* The type ("string", "units", ...) that the workflow in force declares for
 * the field of the action, or NULL when the action does not declare it or
 * the workflow cannot be read. Ownership: borrowed from the workflow the
 * client keeps. */
const char *pt_action_field_type(pt_cli_t *cli, const char *action, const char *field);

/* --set 答复文号=… for an action: a key typed as the Chinese name of one of
 * the fields the action declares in the workflow in force (答复文号 doc_no,
 * 满意度 satisfaction, 意见 opinion or comment, ...; see fields.c) becomes
 * that field's code. *out is then the whole "KEY=VALUE" with the code,
 * else NULL (the key is ASCII, or no field of fields.c has that name: it
 * goes as typed). Returns PT_EXIT_OK, or PT_EXIT_USAGE after a message
 * when the name fits two of the action's fields, or is the name of a field
 * the action does not declare (the message names those it does). Without
 * the workflow a name goes as typed. Ownership: the caller frees *out. */
int pt_action_field_from_input(pt_cli_t *cli, const char *action, const char *kv, char **out);

/* Appends the Chinese names --set takes for the fields that the actions of
 * the workflow wf declare, a line each: "  doc_no          答复文号、文号\n"
 * (nothing when none of them has one); names wider than `width` columns
 * go on below, under the first, breaking only between two names. */
void pt_action_field_names(const cJSON *wf, size_t width, pt_buf_t *b);

/* The type of a field of the action in ud (a pt_action_fields_t), as the
 * workflow declares it (string, text, enum and time are text); "note" is
 * text for every action. */
pt_field_type_t pt_field_type_action(const char *key, void *ud);

/* Makes the values typed for an action's fields (in body, built from --set)
 * what the API takes, as the workflow declares the fields: an enum's value
 * by its code, another case or its Chinese label (category a → A,
 * satisfaction 不满意 → unsatisfied, mode 分办 → separate); a time and a
 * proposal id folded from fullwidth digits (a proposal id typed as text,
 * "２０" or "#20", becomes the number), a day typed as 2027/3/1 or
 * 2027年3月1日 written 2027-03-01; a bool typed as 是 or 否 becomes true or
 * false. Other fields are left as typed. Returns PT_EXIT_OK, or
 * PT_EXIT_USAGE after a message when a time field is not a time
 * (pt_time_input_ok): 三月一日 is a bad command line, not for ptrackd to
 * refuse. */
int pt_fields_action_input(pt_cli_t *cli, const char *action, cJSON *body);

/* The same for a proposal's fields in an add or an edit: kind and
 * submitter_type by their code or Chinese label (建议, 联名), folded. */
void pt_fields_proposal_input(pt_cli_t *cli, cJSON *body);

#endif
