/*
 * auth.h - who is asking: the identity and role behind a request.
 *
 * On the Unix socket the peer's uid decides (SO_PEERCRED): the daemon's own
 * uid and root are admin under their user name; other uids are looked up in
 * config `socket_users`. On TCP an `Authorization: Bearer` token decides: its
 * sha256 is compared, in constant time, with config `tokens` and then with
 * the tokens made at run time (kept hashed in the store, and in memory by
 * api-tokens.c). The identity's name is what history records as the actor;
 * a client never names itself.
 *
 * Roles unit and delegate carry a binding: the unit a unit answers for, the
 * person a delegate is. What they may do is decided by the endpoints, since
 * it depends on the proposal (api-proposals.c).
 */
#ifndef PT_AUTH_H
#define PT_AUTH_H

#include <stdbool.h>
#include "config.h"
#include "error.h"
#include "http-server.h"

typedef struct {
    char name[PT_ID_NAME_MAX + 1];
    pt_role_t role;
    char unit[PT_ID_BINDING_MAX + 1];   /* role unit: the unit it answers for; else "" */
    char person[PT_ID_BINDING_MAX + 1]; /* role delegate: the delegate's name; else "" */
    int run_token;                      /* the index of the run-time token used, or -1 */
    int config_token;                   /* the index of the config file's token used, or -1 */
} pt_identity_t;

/* The tokens made at run time, as api-tokens.c keeps them in memory. */
typedef struct {
    const pt_token_t *v;
    size_t n;
} pt_token_list_t;

/* Identifies the sender of req: by its uid on the socket, by its token on
 * TCP (config tokens first, then run_tokens, which may be NULL). Every
 * candidate token is compared, in constant time. Thread: loop. Returns 0,
 * PT_EUNAUTHORIZED or PT_EFORBIDDEN with err set. */
int pt_auth_identify(const pt_config_t *cfg, const pt_token_list_t *run_tokens,
                     const pt_http_request_t *req, pt_identity_t *id, pt_error_t *err);
/* True when role may do what needs `needed`, a ranked role (viewer < clerk
 * < admin). unit and delegate are not ranked: they are allowed nothing here,
 * and the endpoints that serve them check them by name. */
bool pt_auth_allows(pt_role_t role, pt_role_t needed);
/* True for the roles bound to a unit or a person. */
bool pt_auth_is_bound(pt_role_t role);

#endif
