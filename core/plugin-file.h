/*
 * plugin-file.h - the parts of the plugin host that know a plugin's file
 * and its descriptor, not its instances: the file's checks and load
 * (plugin-file.c) and the checks of an instance's options against the
 * descriptor's table (plugin-options.c). plugin-loader.c, the registry,
 * is their one user.
 */
#ifndef PT_PLUGIN_FILE_H
#define PT_PLUGIN_FILE_H

#include <sys/stat.h>

#include "http-server.h"
#include "plugins.h"

/* Sets err to a validation error of fmt and, when field is not NULL,
 * names that field of the client's request with the same message
 * ("path", "config.url"), so that a client can point at what was wrong.
 * Returns PT_EVALIDATION. */
int pt_plugin_refuse(pt_error_t *err, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Why a file or directory of plugins, st, may not be trusted: an owner
 * other than root or ptrackd's user, or write access for group or others
 * (whoever may write there may put code of their own into ptrackd).
 * Returns the reason, in buf, to follow its name ("is writable by ..."),
 * or NULL when there is none. */
const char *pt_plugin_untrusted(const struct stat *st, char *buf, size_t size);

/* Opens path with O_NOFOLLOW and checks what fstat() says of it (into
 * *st): a regular file, owned by root or by ptrackd's effective user, not
 * writable by group or others; and so of the directory that holds it
 * (not of that directory's parents), in which it is opened. Returns the
 * descriptor, or -1 with err set (field "path"). Thread: loop. */
int pt_plugin_file_check(const char *path, struct stat *st, pt_error_t *err);

/* Loads the file that pt_plugin_file_check opened as fd, and closes fd:
 * dlopen of that very file, the entry point, the descriptor's checks and
 * the host's own copy of it. Returns PT_OK with *out holding one
 * reference, or an error (field "path") with nothing left loaded.
 * Thread: loop. */
int pt_plugin_file_load(const char *path, int fd, const struct stat *st, pt_plugin_file_t **out,
                        pt_error_t *err);

/* Whether st (of the file's path) is the file f was loaded from, as it
 * was then: same device, inode, size and times. */
bool pt_plugin_file_is(const pt_plugin_file_t *f, const struct stat *st);

/* Whether the file at f's path is no longer the one f was loaded from: it
 * was removed, its content is not what was loaded, or a load would now
 * refuse it (its owner, or writable by others, or its directory's). A
 * changed status alone, a
 * chmod or a touch that leaves it loadable, is not a change: it is
 * recorded in f, so that the file is not read again. Thread: loop. */
bool pt_plugin_file_changed(pt_plugin_file_t *f);

/* dlclose()s the file and frees it. Thread: loop. */
void pt_plugin_file_unload(pt_plugin_file_t *f);

/* Checks an instance's `config` against the plugin's option table and
 * returns the options with the defaults filled in, or NULL with err set:
 * every problem a field ("config.KEY"), the first one the message.
 * Ownership: the caller's. */
cJSON *pt_plugin_options_check(const ptrack_plugin_t *d, const cJSON *config, pt_error_t *err);

/* What GET /v1/plugins shows in `config` for a PTRACK_OPT_SECRET that is
 * set: always this, whatever the value and its length. */
#define PT_PLUGIN_SECRET_SHOWN "********"

/* The checked options of an instance of d as they may be shown (GET
 * /v1/plugins): a copy in which each PTRACK_OPT_SECRET that holds a
 * string holds PT_PLUGIN_SECRET_SHOWN instead, and each URL that a
 * string option or an element of a strings option holds has the
 * credentials in it masked (pt_url_mask: a robot's key in the query or the
 * path, the password of an smtp://user:password@host). NULL when memory
 * runs out.
 * Ownership: the caller's. */
cJSON *pt_plugin_options_shown(const ptrack_plugin_t *d, const cJSON *options);

/* The value of an option's default_text, of its type, or NULL when the
 * text is not one. Ownership: the caller's. */
cJSON *pt_plugin_option_default(const ptrack_option_t *o);

/* The room pt_plugin_text_shown takes for a name or a key. */
#define PT_PLUGIN_TEXT_SHOWN (PT_HTTP_NAME_SHOWN + 4)

/* A text that a message about a plugin quotes (its name, an option's key,
 * default or help, a key of an instance's config) as it quotes it: text
 * itself, or, when it holds a control character (C0, DEL, C1) or a byte
 * that is not UTF-8, which would break the log's line, act on a terminal
 * or garble the answer, a copy in buf (size bytes, PT_PLUGIN_TEXT_SHOWN
 * for a name or a key) with each such byte as \xNN and the rest as it is
 * ("标\x1b[31m题"), cut on a character to fit and "..." when it did not. */
const char *pt_plugin_text_shown(const char *text, char *buf, size_t size);

/* "an integer", "true or false", ...: what a value of type t must be. */
const char *pt_plugin_option_expected(ptrack_option_type_t t);

/* "string", "int", ...: the type's name in listings; NULL for a type
 * this host does not know. */
const char *pt_plugin_option_type_name(ptrack_option_type_t t);

#endif
