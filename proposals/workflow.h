/*
 * workflow.h - the workflow engine: states and actions as data (docs/workflow.md).
 *
 * A workflow is loaded from a JSON document (proposals/workflow-default.json
 * is the default, built in as pt_workflow_default_json) and checked for
 * consistency before use: every action's states exist, every state can be
 * reached from an initial state, every guard and effect is one this engine
 * knows. An action is applied to a proposal in memory; the store makes the
 * result durable. Nothing here does I/O.
 *
 * The JSON document:
 *   {"name": "...",
 *    "states": [{"name", "label": {"zh", "en"}, "terminal": bool,
 *                "initial": bool,   // a proposal may be created in it
 *                "default": bool,   // the initial state when none is asked
 *                "clock": bool}],   // the reply deadline runs in this state
 *    "actions": [{"name", "label": {"zh", "en"},
 *                 "from": ["state", ...] or "*" (every non-terminal state),
 *                 "to": "state" | null (stays) |
 *                       {"field": "satisfaction", "map": {"value": "state"}},
 *                 "fields": [{"name", "type", "required", "values": [...]}],
 *                 "guards": ["return_window" | "co_opinions" | "extend_cap" |
 *                            "feedback_window"],
 *                 "effect": "assign" | ... (default: the action's name)}]}
 * Field types: "string", "text", "bool", "time", "proposal_id", "enum"
 * (with "values"), "units" (the [{name, role}] array of assign).
 */
#ifndef PT_WORKFLOW_H
#define PT_WORKFLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "error.h"
#include "proposal.h"

extern const char pt_workflow_default_json[];
extern const size_t pt_workflow_default_json_len;

typedef struct pt_workflow_s pt_workflow_t;

/* Deadline windows, in milliseconds (config `deadlines`). */
typedef struct {
    int64_t reply;         /* assign: due_at = now + reply (90d) */
    int64_t ret;           /* return allowed within this of assigned_at (10d) */
    int64_t rehandle;      /* unsatisfied feedback/reopen: due_at = now + (30d) */
    int64_t max;           /* extend: due_at <= assigned_at + max (180d) */
    int64_t feedback;      /* the feedback window after a reply (30d) */
    int64_t remind_before; /* due_soon (7d) */
    int64_t digest_at;     /* the daily digest, ms after local midnight (08:30); -1: none */
} pt_deadlines_t;

void pt_deadlines_default(pt_deadlines_t *d);

/* Parses and checks a workflow document, a file's text (after a byte
 * order mark at its start, pt_json_parse_file). On failure returns PT_ECONFIG with
 * a message naming the state, action or field at fault ("action \"sign\":
 * unknown state \"handlng\""). Ownership: free with pt_workflow_free. */
int pt_workflow_load(const char *json, size_t len, pt_workflow_t **out, pt_error_t *err);
/* The built-in default. */
int pt_workflow_load_default(pt_workflow_t **out, pt_error_t *err);
void pt_workflow_free(pt_workflow_t *wf);

const char *pt_workflow_name(const pt_workflow_t *wf);
bool pt_workflow_has_state(const pt_workflow_t *wf, const char *state);
bool pt_workflow_is_terminal(const pt_workflow_t *wf, const char *state);
bool pt_workflow_is_initial(const pt_workflow_t *wf, const char *state);
/* Whether `state` is the draft (草稿): a proposal not yet submitted, which
 * DELETE may remove and which nothing may be merged into. It is the state
 * named "draft", because that is how the API and the client name it
 * (POST's "status": "draft", ptrack add --draft); no flag of a workflow
 * marks it, and an office's other initial states hold proposals on record,
 * which a flag-based test would let DELETE remove. Every test of "is this a
 * draft" goes through here, so that there is one notion of it. */
bool pt_workflow_is_draft(const pt_workflow_t *wf, const char *state);
bool pt_workflow_clock_runs(const pt_workflow_t *wf, const char *state);
const char *pt_workflow_default_state(const pt_workflow_t *wf);
bool pt_workflow_has_action(const pt_workflow_t *wf, const char *action);
/* Sets err to the 404 of an action the workflow does not have, naming the
 * actions it has (field "action"), as pt_workflow_apply refuses it;
 * returns PT_ENOTFOUND. */
int pt_workflow_refuse_unknown_action(const pt_workflow_t *wf, const char *action, pt_error_t *err);
/* What the action does, by its effect's name ("sign", "reply", "none",
 * ...; "assign" for reassign too), whatever the office named the action;
 * NULL when the workflow has no such action. Rights follow this, not the
 * name. */
const char *pt_workflow_action_effect(const pt_workflow_t *wf, const char *action);
/* The states in which some action with this effect ("sign", "reply", ...)
 * is allowed, comma-separated in the workflow's order ("assigned,handling,
 * rehandling"); "" when none is. What a unit has still to do is judged by
 * these, whatever the office named its actions and states. NULL when out
 * of memory. Ownership: the caller frees. */
char *pt_workflow_effect_states(const pt_workflow_t *wf, const char *effect);
/* The states ("a,b", "" for none) in which a lead unit's reply waits for
 * every co unit's opinion (协办意见) in lead_co mode, which a unit's part
 * names as awaited: those where an action with the reply effect runs and
 * each such action has the co_opinions guard. Where one of them has not
 * (an office's reply of its own without it), the lead unit can reply
 * without the opinions, and awaits none. NULL when out of memory.
 * Ownership: the caller frees. */
char *pt_workflow_awaiting_states(const pt_workflow_t *wf);
/* The states that are not terminal but that no action leads out of ("a,b",
 * "" for none): a proposal that comes there stays for good, which an
 * office's workflow means rarely (a state it forgot an action for).
 * NULL when out of memory. Ownership: the caller frees. */
char *pt_workflow_dead_ends(const pt_workflow_t *wf);
/* Checks a proposal as it stands elsewhere (an imported record of a stored
 * one, with its own status) against what the workflow guarantees a
 * proposal in that state: units where only an assignment leads, a reply
 * where only a reply leads, a merged_into where only a merge leads. These
 * follow from the states and actions, not from their names. PT_OK, or
 * PT_EVALIDATION naming the field that is missing. A status the workflow
 * lacks is not checked here. */
int pt_workflow_check_stored(const pt_workflow_t *wf, const pt_proposal_t *p, pt_error_t *err);
/* A state's or an action's labels, a state's flags, and the place of
 * either in the workflow, for those who show them. */
typedef struct {
    const char *name, *zh, *en; /* the workflow's own strings */
    bool terminal, clock;
    int order;
} pt_wf_info_t;
/* False when the workflow has no such state (action). `state` (`action`)
 * is its name or, failing that, its Chinese or English label. */
bool pt_workflow_state_info(const pt_workflow_t *wf, const char *state, pt_wf_info_t *out);
bool pt_workflow_action_info(const pt_workflow_t *wf, const char *action, pt_wf_info_t *out);
/* Names of the actions allowed in `state`, as a JSON array of strings.
 * Ownership: the caller frees. */
cJSON *pt_workflow_allowed(const pt_workflow_t *wf, const char *state);
/* Takes from `allowed` (names of actions, as pt_workflow_allowed gives
 * them) those that `unit`, in its part on p, cannot run: an action with
 * effect opinion unless the unit is a co unit, one with effect reply, in
 * lead_co mode, unless it is the lead unit, or in separate mode once the
 * unit has replied while the round waits for others (a unit replies once
 * a round), and one with effect sign once the unit has signed (a unit
 * signs once). What the unit's role runs at all is the API's to judge;
 * the others are left. */
void pt_workflow_allowed_for_unit(const pt_workflow_t *wf, const pt_proposal_t *p, const char *unit,
                                  cJSON *allowed);
/* The workflow as GET /v1/workflow returns it. Ownership: the caller frees. */
cJSON *pt_workflow_to_json(const pt_workflow_t *wf);

/* What an action needs besides the proposal. */
typedef struct {
    const pt_workflow_t *wf;
    const pt_deadlines_t *deadlines;
    int64_t now;       /* ms */
    const char *actor; /* the authenticated identity */
    /* Asked by fields of type proposal_id (merge): writes the state of
     * proposal `id` to `state`, NUL-terminated and cut to `size` bytes,
     * and returns true, or returns false when there is no such proposal.
     * Merge uses the state to refuse a target that is no longer (or not
     * yet) handled. May be NULL: then any positive id is accepted, in any
     * state.
     * Thread: the caller of pt_workflow_apply, during the call.
     * Ownership: `state` is the engine's buffer; the callback only fills
     * it. */
    bool (*proposal_state)(int64_t id, char *state, size_t size, void *ud);
    void *ud;
} pt_action_ctx_t;

/* One history entry (docs/api.md); seq is set by the store. */
typedef struct {
    int64_t seq;
    int64_t at;
    char *actor;
    char *action;
    char *from;
    char *to;
    char *note;
    cJSON *changes; /* {field: {"from", "to"}}; owned */
} pt_history_t;

void pt_history_free(pt_history_t *h);
cJSON *pt_history_to_json(const pt_history_t *h);

/* Runs `action` on p with the request body (an object: the action's fields
 * and an optional "note"; NULL counts as {}). On success p has its new state
 * and fields, version + 1, updated_at = now, and *hist is filled in. On
 * failure p is untouched and err says why:
 *   PT_EVALIDATION  unknown action (field "action"), a missing, unknown or
 *                   ill-typed body field, a guard that failed (the return
 *                   window has passed, a co unit has not given its opinion,
 *                   the extension goes past the cap, the delegate's
 *                   feedback window after the reply is still open), a unit
 *                   not assigned, a merge into a proposal that is a draft
 *                   or in a terminal state, a unit's second reply in a
 *                   round of separate mode that still waits for others;
 *   PT_ETRANSITION  the state does not allow the action; details hold
 *                   "state" and "allowed" (the allowed action names). */
int pt_workflow_apply(const pt_action_ctx_t *ctx, pt_proposal_t *p, const char *action,
                      const cJSON *body, pt_history_t *hist, pt_error_t *err);

#endif
