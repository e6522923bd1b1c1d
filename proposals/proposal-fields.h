/*
 * proposal-fields.h - the table of a proposal's JSON fields (private to
 * proposals/).
 *
 * One row per field of the proposal (docs/api.md), in the order the API shows them. The
 * encoder, the decoder and the merge patch are all driven by this table, so a
 * field added here is written, read back and patched the same way everywhere
 * and cannot be forgotten by one of them.
 */
#ifndef PT_PROPOSAL_FIELDS_H
#define PT_PROPOSAL_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "error.h"
#include "proposal.h"

typedef enum {
    PF_ID,       /* int64, positive; 0 is unset (null) */
    PF_REF,      /* int64 proposal id; 0 is unset (null) */
    PF_COUNT,    /* int64, >= 0, always written */
    PF_STRING,   /* char * */
    PF_IDENT,    /* char *, one that tells a proposal (number, session): a
                  * client's is stored trimmed, full-width letters, digits
                  * and spaces as ASCII; blank is unset (null) */
    PF_TITLE,    /* char *, required, 1..PT_TITLE_MAX code points, not blank */
    PF_ENUM,     /* char *, one of `values` */
    PF_CATEGORY, /* char *, one of the configured categories when given */
    PF_STRV,     /* pt_strv_t */
    PF_TIME,     /* int64 ms; 0 is unset (null) */
    PF_BOOL,     /* bool */
    PF_OVERDUE,  /* computed: written, never stored */
    PF_UNITS,
    PF_REPLIES,
    PF_FEEDBACK,
    PF_SOURCE,
    PF_CUSTOM,
} pt_pfield_type_t;

#define PF_CREATE 1u /* a client may set it when creating a proposal */
#define PF_EDIT 2u   /* a merge patch may change it */
#define PF_TRIM 4u   /* a name: a client's is kept without the spaces around it */
#define PF_PERSON 8u /* with PF_TRIM, a person's: kept as pt_name_clean keeps it */
#define PF_LABEL 16u /* with PF_TRIM, a tag, a delegation, a category: kept as pt_label_clean */
#define PF_PROSE 32u /* a free text (background, an ask): a client's blank one is none */

typedef struct {
    const char *name;
    pt_pfield_type_t type;
    size_t off; /* offset of the member in pt_proposal_t */
    const char *const *values;
    unsigned flags;
} pt_pfield_t;

extern const pt_pfield_t pt_pfields[];
extern const size_t pt_n_pfields;

/* The row of a field name, or NULL. */
const pt_pfield_t *pt_pfield_find(const char *name);

/* Decodes a non-null JSON value into the field of p. Problems are added to
 * err as {field, message}; then the field is left as it was and -1 is
 * returned. PT_ENOMEM is returned when memory ran out. opts NULL: the
 * store's own document, read as it is (no office checks, no bounds on the
 * lists and custom); otherwise a client's value, checked against both. */
int pt_pfield_decode(const pt_pfield_t *f, const cJSON *v, pt_proposal_t *p,
                     const pt_validate_opts_t *opts, pt_error_t *err);
/* Resets the field to unset (NULL, 0, empty). */
void pt_pfield_clear(const pt_pfield_t *f, pt_proposal_t *p);
/* The JSON of the field. Ownership: the caller frees. NULL when out of memory. */
cJSON *pt_pfield_encode(const pt_pfield_t *f, const pt_proposal_t *p, bool clock, int64_t now);

/* True when the field holds the same value in a and b (compared as the
 * struct holds it, without encoding either). */
bool pt_pfield_equal(const pt_pfield_t *f, const pt_proposal_t *a, const pt_proposal_t *b);

/* Decodes a custom object into key/value pairs, merging into (*kv, *n): a
 * string value sets a key, null removes it when `merge` is set. `bounded`:
 * at most PT_CUSTOM_MAX keys (what a client sends; the store's own
 * documents are read as they are). */
int pt_custom_merge(const cJSON *obj, bool merge, bool bounded, pt_kv_t **kv, size_t *n,
                    pt_error_t *err);

/* Turns the collected details.fields of a validation error into its message:
 * the one problem, or a count and the problems joined by "; ". */
void pt_error_summarize(pt_error_t *err);

/* True when s is blank: empty or only spaces (ASCII white space, the
 * ideographic space U+3000 that Chinese input methods produce, and every
 * other Unicode space: U+00A0, U+2003, U+202F, ...) and the characters
 * that show nothing (U+200B..U+200D, U+2060, U+FEFF, the soft hyphen). */
bool pt_str_blank(const char *s);

#endif
