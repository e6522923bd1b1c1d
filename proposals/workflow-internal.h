/*
 * workflow-internal.h - the loaded form of a workflow (private to
 * proposals/): what workflow.c builds from the JSON document and
 * workflow-apply.c runs actions against.
 *
 * States are referred to by index once loaded, so that an action's "from"
 * set is a bool per state and a transition never compares names twice.
 */
#ifndef PT_WORKFLOW_INTERNAL_H
#define PT_WORKFLOW_INTERNAL_H

#include "workflow.h"

typedef struct {
    char *name;
    char *zh;
    char *en;
    bool terminal;
    bool initial;
    bool is_default;
    bool clock;
    /* What every proposal in this state has, because every way into it
     * from an initial state goes through an action that gives it (see
     * derive_needs in workflow.c): units, a reply, a merged_into. */
    bool needs_units, needs_reply, needs_merge;
} wf_state_t;

typedef enum {
    FT_STRING, /* a short string, not blank when required */
    FT_TEXT,   /* free text, not blank when required */
    FT_BOOL,
    FT_TIME,        /* an RFC 3339 string */
    FT_PROPOSAL_ID, /* a positive integer naming an existing proposal */
    FT_ENUM,        /* a string, one of `values` */
    FT_UNITS,       /* [{name, role}] as assign takes it */
} wf_ftype_t;

typedef struct {
    char *name;
    wf_ftype_t type;
    bool required;
    pt_strv_t values; /* FT_ENUM only */
} wf_field_t;

/* Guards, as bits. */
#define WF_G_RETURN_WINDOW 1u
#define WF_G_CO_OPINIONS 2u
#define WF_G_EXTEND_CAP 4u
#define WF_G_FEEDBACK_WINDOW 8u

typedef enum {
    EF_NONE,
    EF_SUBMIT,
    EF_REVIEW,
    EF_FILE,
    EF_REJECT,
    EF_MERGE,
    EF_CONVERT,
    EF_ASSIGN,
    EF_SIGN,
    EF_RETURN,
    EF_OPINION,
    EF_EXTEND,
    EF_REPLY,
    EF_FEEDBACK,
    EF_CLOSE,
    EF_FOLLOW_UP,
    EF_REOPEN,
    EF_WITHDRAW,
    EF_SUPERVISE,
} wf_effect_t;

/* Where an action leads: nowhere (it stays), one state, the state a body
 * field's value picks (TO_MAP), or the state the proposal's own state
 * picks, staying where it is not listed (TO_BY_STATE: the first unit's
 * signature starts handling, the others' are recorded in it). */
typedef enum { TO_STAY, TO_STATE, TO_MAP, TO_BY_STATE } wf_to_kind_t;

typedef struct {
    char *value;
    size_t state;
    size_t key; /* TO_BY_STATE: the index of the state named by value */
} wf_map_t;

typedef struct {
    char *name;
    char *zh;
    char *en;
    bool *from; /* one per state */
    wf_to_kind_t to_kind;
    size_t to;       /* TO_STATE */
    char *map_field; /* TO_MAP: the enum field whose value picks the state */
    wf_map_t *map;   /* TO_MAP: by the field's value; TO_BY_STATE: by a state's name */
    size_t n_map;
    wf_field_t *fields;
    size_t n_fields;
    unsigned guards;
    wf_effect_t effect;
} wf_action_t;

struct pt_workflow_s {
    char *name;
    wf_state_t *states;
    size_t n_states;
    /* The states in the order of their names, for pt_wf_state_index: a
     * large workflow's many "from" lists are looked up by name, and a
     * linear search for each would make loading it take minutes. NULL
     * while the states are being read. */
    const wf_state_t **by_name;
    wf_action_t *actions;
    size_t n_actions;
    size_t default_state;
};

/* Index of a state or action by name; -1 when there is none. */
long pt_wf_state_index(const pt_workflow_t *wf, const char *name);
long pt_wf_action_index(const pt_workflow_t *wf, const char *name);
/* "sign, return, withdraw, supervise": the actions allowed in a state, for
 * messages. Writes "none" when there are none. */
void pt_wf_allowed_list(const pt_workflow_t *wf, size_t state, char *buf, size_t len);
/* Whether an effect records the action's field of this name in the
 * proposal: the fields it needs, and the optional ones it takes
 * (feedback's comment, supervise's supervisor). */
bool pt_wf_effect_reads(wf_effect_t effect, const char *field);

#endif
