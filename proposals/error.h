/*
 * error.h - the error value every layer of ptrack passes up.
 *
 * An error is a negative code, one of the stable API codes of docs/api.md,
 * a message a person can act on, and optional details (a cJSON object whose
 * members are merged into the API's error object: `fields`, `state`,
 * `allowed`, `current_version`). The HTTP layer maps the code to a status.
 */
#ifndef PT_ERROR_H
#define PT_ERROR_H

#include <stdarg.h>
#include <cjson/cJSON.h>

enum {
    PT_OK = 0,
    PT_EINVALID_JSON = -1, /* 400 invalid_json */
    PT_EVALIDATION = -2,   /* 422 validation_failed, details: fields */
    PT_ENOTFOUND = -3,     /* 404 not_found */
    PT_ETRANSITION = -4,   /* 409 invalid_transition, details: state, allowed */
    PT_EVERSION = -5,      /* 412 version_conflict, details: current_version */
    PT_EUNAUTHORIZED = -6, /* 401 unauthorized */
    PT_EFORBIDDEN = -7,    /* 403 forbidden */
    PT_ETOOLARGE = -8,     /* 413 payload_too_large */
    PT_EMEDIA = -9,        /* 415 unsupported_media_type */
    PT_EIDEMPOTENCY = -10, /* 422 idempotency_conflict */
    PT_ESTORAGE = -11,     /* 503 storage_error */
    PT_EBADREQUEST = -12,  /* 400 bad_request (malformed HTTP, bad query) */
    PT_EHEADERS = -13,     /* 431 headers_too_large */
    PT_EMETHOD = -14,      /* 405 method_not_allowed */
    PT_ECONFLICT = -15,    /* 409 conflict (e.g. duplicate number) */
    PT_ENOMEM = -16,       /* 503 storage_error: out of memory */
    PT_EINTERNAL = -17,    /* 500 internal_error: a bug, never bad input */
    PT_ECONFIG = -18,      /* a bad config or workflow file (not an API error) */
    PT_ESHUTDOWN = -19,    /* 503 shutting_down: ptrackd stopped before it was done */
    PT_EPLUGIN = -20,      /* 500 plugin_error: a plugin's import() or export() failed */
};

typedef struct pt_error_s {
    int code;          /* PT_OK or one of the codes above */
    char message[512]; /* UTF-8, one sentence or two */
    cJSON *details;    /* owned; NULL or an object merged into the error */
} pt_error_t;

/* The stable string of a code ("invalid_json", ...). Never NULL. */
const char *pt_strerror(int code);
/* The HTTP status that goes with a code (400, 422, ...). */
int pt_error_http_status(int code);

/* Sets code and a printf-style message; keeps existing details. Returns code. */
int pt_error_set(pt_error_t *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int pt_error_vset(pt_error_t *err, int code, const char *fmt, va_list ap);
/* Appends {field, message} to details.fields (a validation error). */
void pt_error_add_field(pt_error_t *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees details and resets to PT_OK. Safe on a zeroed value. */
void pt_error_clear(pt_error_t *err);
/* Moves src into dst (dst is cleared first; src is left cleared). */
void pt_error_move(pt_error_t *dst, pt_error_t *src);
/* {"error": {"code", "message", ...details}}. Ownership: the caller frees. */
cJSON *pt_error_to_json(const pt_error_t *err);

#endif
