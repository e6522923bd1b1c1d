/*
 * config.h - ptrackd's configuration (docs/config.md).
 *
 * One JSON file; every key has a default, so no file at all serves from
 * ./var. Unknown keys and bad values are refused with a message that names
 * the key ("limits.body: \"1XB\" is not a size"). Command-line flags are
 * applied over the file by the caller.
 */
#ifndef PT_CONFIG_H
#define PT_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "error.h"
#include "workflow.h"
#include "http-server.h"

/* viewer < clerk < admin are ranked: each may do all that the one below
 * may. unit and delegate stand outside that order: each is bound to a name
 * (a unit's, a person's) and may do only what that binding allows, which
 * the API decides case by case (api-proposals.c). Their values come after
 * admin so that the numbers of the ranked roles do not change. */
typedef enum {
    PT_ROLE_NONE = 0,
    PT_ROLE_VIEWER,
    PT_ROLE_CLERK,
    PT_ROLE_ADMIN,
    PT_ROLE_UNIT,
    PT_ROLE_DELEGATE,
} pt_role_t;

const char *pt_role_name(pt_role_t role);
/* "viewer", "clerk", "admin", "unit", "delegate". Returns 0 or -1. */
int pt_role_parse(const char *s, pt_role_t *out);

/* The longest a token's or a socket user's name may be (64 characters of
 * up to 4 bytes: what history records as the actor), and its unit or
 * person, in bytes. Identities are kept whole, never cut. */
#define PT_ID_NAME_MAX 256
#define PT_ID_BINDING_MAX 500

/* The data directory when neither the file nor --data-dir names one:
 * relative, so it is where ptrackd is started. */
#define PT_CONFIG_DATA_DIR "var"

/* The longest path a Unix socket can be bound to, without its NUL (the
 * 108 bytes of sockaddr_un's sun_path on Linux, less one). */
#define PT_SOCKET_PATH_MAX 107

typedef struct {
    char *name;
    pt_role_t role;
    unsigned char sha256[32]; /* of the token */
    char *unit;               /* role unit: the unit it answers for; else NULL */
    char *person;             /* role delegate: the delegate's name; else NULL */
} pt_token_t;

typedef struct {
    uid_t uid;
    char *name;
    pt_role_t role;
    char *unit;   /* role unit: the unit it answers for; else NULL */
    char *person; /* role delegate: the delegate's name; else NULL */
} pt_socket_user_t;

typedef struct {
    char *data_dir;  /* PT_CONFIG_DATA_DIR */
    char *socket;    /* "<data_dir>/ptrack.sock" unless set */
    char *listen;    /* NULL: no TCP listener. "127.0.0.1:8470" in the sample */
    char *workflow;  /* "default" or a file path */
    char *log_level; /* "info" */
    pt_deadlines_t deadlines;
    pt_token_t *tokens;
    size_t n_tokens;
    pt_socket_user_t *socket_users;
    size_t n_socket_users;
    char **categories; /* NULL: any category */
    size_t n_categories;
    pt_http_limits_t limits;
    cJSON *plugins;       /* the `plugins` array as given, each entry's keys checked */
    char *plugin_dir;     /* NULL: the compiled-in plugin directory (ptrackd's PT_PLUGIN_DIR) */
    bool builtin_plugins; /* load every import_*.so and export_*.so of plugin_dir (true) */
    bool allow_remote;    /* listen may be a non-loopback address (false) */
    char *socket_group;   /* NULL: the socket is 0600; a group: 0660 and that group */
    char **host_names;    /* names the TCP listener answers to besides loopback ones */
    size_t n_host_names;
} pt_config_t;

/* Fills every default. */
void pt_config_init(pt_config_t *c);
void pt_config_free(pt_config_t *c);
/* Warns when c gives root a role other than admin in socket_users (root
 * is always admin on the socket). At a reload, once c is taken, running
 * is the configuration it replaces: the warning comes only when c's root
 * entry is new or differs from running's (its role, or its name, either
 * of which may be absent); NULL at a start and a --check-config. source
 * is the file, for the line. Thread: loop. */
void pt_config_warn_root_role(const pt_config_t *c, const pt_config_t *running, const char *source);
/* Warns (pt_warn) when deadlines.remind_before is not shorter than
 * deadlines.reply or deadlines.rehandle: every proposal would count as due
 * soon from the start. With running (a reload), only when one of them
 * changed. */
void pt_config_warn_deadlines(const pt_config_t *c, const pt_config_t *running, const char *source);
/* Reads a config file over the defaults. Returns 0, or PT_ECONFIG with a
 * message naming the file and the key at fault. */
int pt_config_load_file(pt_config_t *c, const char *path, pt_error_t *err);
/* The same from a JSON text (tests). */
int pt_config_load_json(pt_config_t *c, const char *json, size_t len, pt_error_t *err);
/* Derives the values that depend on others (socket from data_dir). Call
 * after the flags have been applied. */
void pt_config_finish(pt_config_t *c);

/* Replaces a string member (frees the old one). */
void pt_config_set_str(char **member, const char *value);

/* The type of a JSON value, for "expected a string, got a number": "a
 * string", "a number", "a boolean", "null", "an array", "an object". */
const char *pt_json_type_name(const cJSON *v);

/* Checks one plugin entry {instance, path, config, events} (of the config's
 * `plugins` or the body of POST /v1/plugins): its keys, the instance name
 * (1 to 64 ASCII letters, digits, _ and -), a non-empty path, config an object,
 * events an array of event types or patterns given at most once (at the
 * top or in config). Returns 0, or -1 with field ("instance",
 * "config.events", "events[2]", or an unknown key) and why filled in. The
 * options inside config are the plugin host's to check. Thread: any. */
int pt_config_plugin_entry_check(const cJSON *entry, char *field, size_t fsize, char *why,
                                 size_t wsize);

/* True when "host:port" names a loopback address (127.0.0.0/8, ::1,
 * localhost). */
bool pt_listen_is_loopback(const char *hostport);

/* Parses "1MiB", "512KiB", "16384", "2MB" into bytes. Returns 0; -1 when
 * s is not a size; -2 when it is, but is more than a size_t holds. */
int pt_size_parse(const char *s, size_t *out);

#endif
