/*
 * auth.c - identities from socket credentials and bearer tokens.
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void user_name(uid_t uid, char *buf, size_t len)
{
    struct passwd pw, *res = NULL;
    char tmp[1024];
    if (getpwuid_r(uid, &pw, tmp, sizeof(tmp), &res) == 0 && res)
        snprintf(buf, len, "%s", pw.pw_name);
    else
        snprintf(buf, len, "uid:%u", (unsigned)uid);
}

/* Copies the binding of a unit or delegate into the identity. */
static void bind_identity(pt_identity_t *id, pt_role_t role, const char *unit, const char *person)
{
    id->role = role;
    snprintf(id->unit, sizeof(id->unit), "%s", unit ? unit : "");
    snprintf(id->person, sizeof(id->person), "%s", person ? person : "");
}

static int identify_socket(const pt_config_t *cfg, const pt_http_request_t *req, pt_identity_t *id,
                           pt_error_t *err)
{
    if (!req->has_cred)
        return pt_error_set(err, PT_EFORBIDDEN,
                            "the peer's credentials could not be read from the socket");
    if (req->uid == 0 || req->uid == getuid()) {
        /* An entry of theirs names them (its role is admin: config.c). */
        for (size_t i = 0; i < cfg->n_socket_users; i++) {
            if (cfg->socket_users[i].uid == req->uid) {
                snprintf(id->name, sizeof(id->name), "%s", cfg->socket_users[i].name);
                id->role = PT_ROLE_ADMIN;
                return PT_OK;
            }
        }
        /* Looking a name up reads /etc/passwd (or asks NSS); the two admin
         * uids are looked up once. Thread: loop only, so no lock. */
        static char names[2][sizeof(id->name)];
        static bool known[2];
        int i = req->uid == 0 ? 0 : 1;
        if (!known[i]) {
            user_name(req->uid, names[i], sizeof(names[i]));
            known[i] = true;
        }
        snprintf(id->name, sizeof(id->name), "%s", names[i]);
        id->role = PT_ROLE_ADMIN;
        return PT_OK;
    }
    for (size_t i = 0; i < cfg->n_socket_users; i++) {
        if (cfg->socket_users[i].uid == req->uid) {
            const pt_socket_user_t *u = &cfg->socket_users[i];
            snprintf(id->name, sizeof(id->name), "%s", u->name);
            bind_identity(id, u->role, u->unit, u->person);
            return PT_OK;
        }
    }
    return pt_error_set(err, PT_EFORBIDDEN,
                        "uid %u may not use this socket; an administrator can add it to "
                        "socket_users in the config",
                        (unsigned)req->uid);
}

static int identify_token(const pt_config_t *cfg, const pt_token_list_t *run,
                          const pt_http_request_t *req, pt_identity_t *id, pt_error_t *err)
{
    const char *auth = pt_http_header(req, "Authorization");
    if (!auth)
        return pt_error_set(err, PT_EUNAUTHORIZED,
                            "this request needs a token: send Authorization: Bearer <token>");
    if (strncasecmp(auth, "Bearer ", 7) != 0)
        return pt_error_set(err, PT_EUNAUTHORIZED,
                            "the Authorization header must be \"Bearer <token>\"");
    const char *token = auth + 7;
    while (*token == ' ')
        token++;
    unsigned char digest[32];
    unsigned int dlen = 0;
    if (!*token || !EVP_Digest(token, strlen(token), digest, &dlen, EVP_sha256(), NULL))
        return pt_error_set(err, PT_EUNAUTHORIZED, "the token is not valid");
    /* Every token, configured or made at run time, is compared in constant
     * time and none is skipped once one matched, so that the time taken
     * tells nothing about which one came close. A configured token wins
     * over a run-time one with the same hash (which 32 random bytes make
     * as good as impossible). */
    const pt_token_t *found = NULL;
    int run_index = -1;
    for (size_t i = 0; i < cfg->n_tokens; i++)
        if (CRYPTO_memcmp(digest, cfg->tokens[i].sha256, 32) == 0 && !found) {
            found = &cfg->tokens[i];
            id->config_token = (int)i;
        }
    for (size_t i = 0; run && i < run->n; i++) {
        if (CRYPTO_memcmp(digest, run->v[i].sha256, 32) == 0 && !found && run_index < 0)
            run_index = (int)i;
    }
    if (found)
        run_index = -1;
    else if (run_index >= 0)
        found = &run->v[run_index];
    if (!found)
        return pt_error_set(err, PT_EUNAUTHORIZED, "the token is not valid");
    snprintf(id->name, sizeof(id->name), "%s", found->name);
    bind_identity(id, found->role, found->unit, found->person);
    id->run_token = run_index;
    return PT_OK;
}

int pt_auth_identify(const pt_config_t *cfg, const pt_token_list_t *run_tokens,
                     const pt_http_request_t *req, pt_identity_t *id, pt_error_t *err)
{
    memset(id, 0, sizeof(*id));
    id->run_token = -1;
    id->config_token = -1;
    if (req->peer == PT_PEER_UNIX)
        return identify_socket(cfg, req, id, err);
    return identify_token(cfg, run_tokens, req, id, err);
}

/* The rank of a ranked role; 0 for none and for the bound roles, which no
 * ranked permission includes. */
static int rank(pt_role_t role)
{
    switch (role) {
    case PT_ROLE_VIEWER:
        return 1;
    case PT_ROLE_CLERK:
        return 2;
    case PT_ROLE_ADMIN:
        return 3;
    case PT_ROLE_NONE:
    case PT_ROLE_UNIT:
    case PT_ROLE_DELEGATE:
        break;
    }
    return 0;
}

bool pt_auth_allows(pt_role_t role, pt_role_t needed)
{
    return rank(role) > 0 && rank(role) >= rank(needed);
}

bool pt_auth_is_bound(pt_role_t role)
{
    return role == PT_ROLE_UNIT || role == PT_ROLE_DELEGATE;
}
