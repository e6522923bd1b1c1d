/*
 * auth.h - who is asking: the identity and role behind a request.
 *
 * On the Unix socket the peer's uid decides (SO_PEERCRED): the daemon's own
 * uid and root are admin under their user name; other uids are looked up in
 * config `socket_users`. On TCP an `Authorization: Bearer` token decides: its
 * sha256 is compared, in constant time, with config `tokens`. The identity's
 * name is what history records as the actor; a client never names itself.
 */
#ifndef PT_AUTH_H
#define PT_AUTH_H

#include <stdbool.h>
#include "config.h"
#include "error.h"
#include "http-server.h"

typedef struct {
    char name[128];
    pt_role_t role;
} pt_identity_t;

/* Thread: loop. Returns 0, PT_EUNAUTHORIZED or PT_EFORBIDDEN with err set. */
int pt_auth_identify(const pt_config_t *cfg, const pt_http_request_t *req, pt_identity_t *id,
                     pt_error_t *err);
/* True when role may do what needs `needed` (viewer < clerk < admin). */
bool pt_auth_allows(pt_role_t role, pt_role_t needed);

#endif
