/*
 * data-dir.h - the files ptrackd keeps beside its database: the data
 * directory itself, the lock that lets one ptrackd use it, the database
 * file's mode, and the check of these and of the socket's directory that
 * --check-config runs before any of them is touched.
 *
 * Everything here runs on the loop thread at start (or in --check-config,
 * before there is a loop), and owns nothing after it returns but the lock's
 * file descriptor, which stays open for the process's life on purpose.
 */
#ifndef PT_DATA_DIR_H
#define PT_DATA_DIR_H

#include <stdbool.h>

#include "error.h"

/* Makes DIR (0700) when it does not exist and takes its lock
 * (DIR/ptrackd.lock, flock(2), with the holder's pid in it). Returns PT_OK,
 * or PT_ECONFIG with err saying why: a directory it cannot make or open, or
 * one another ptrackd uses (naming that one's pid). */
int pt_data_dir_open(const char *dir, pt_error_t *err);

/* Whether another ptrackd holds DIR's lock, looked at without making or
 * writing anything (DIR may be a directory given by mistake). Returns
 * PT_ECONFIG with err naming that one's pid, as pt_data_dir_open does,
 * or PT_OK when none does, or DIR or its lock file does not exist. */
int pt_data_dir_held(const char *dir, pt_error_t *err);

/* Makes the database file DB 0600 when it does not exist, whatever the
 * umask (SQLite would make it 0644 less the umask, and its -wal and -shm
 * take the database's mode), and warns about each of DB, DB-wal and DB-shm
 * that exists and that other users may read. */
void pt_data_dir_prepare_db(const char *db);

/* Refuses a SOCKET path that something other than a socket holds (a
 * regular file, a directory, a link): ptrackd replaces a socket left by a
 * run before (when nothing serves on it), never anything else. Checked
 * before the start makes anything, and by --check-config. Returns PT_OK
 * when the path is free or a socket, else PT_ECONFIG with err naming the
 * path and what is there. */
int pt_socket_path_check(const char *socket, pt_error_t *err);

/* What of ptrackd's own PATH would replace: "the socket" when it names
 * the socket SOCKET, the name of a file ptrackd keeps in the data
 * directory DIR (ptrack.db, ptrack.seq, its lock, ...) when it names one,
 * else NULL. A pid file written there would take the place of the socket
 * or the database. Makes nothing. */
const char *pt_data_dir_clash(const char *dir, const char *socket, const char *path);

/* Whether the directory of the socket SOCKET does not exist, and the start
 * would not make it either: the start makes DIR alone, so one that is not
 * DIR (as written, or as DIR's parent and name say it) would fail at the
 * socket's bind, once the store is made. A path that cannot be judged
 * before then (a link, a name "." or "..", a parent that cannot be looked
 * at) is not said to be missing: the bind says what it is. Makes nothing. */
bool pt_socket_dir_missing(const char *dir, const char *socket);

/* Refuses the directory of the socket SOCKET when it exists and is not a
 * directory, or this user (by the effective ids) may not make the socket
 * there: the start would fail at the socket's bind, once the store is
 * made. Checked before the start makes anything, and by --check-config
 * (pt_data_dir_check). The data directory DIR, when the socket's directory
 * is it as written, is left to its own checks. Makes nothing. Returns
 * PT_OK when the directory is fine or does not exist (pt_socket_dir_missing
 * says whether the start would make it), else PT_ECONFIG with err naming
 * the directory, the uid and what to do. */
int pt_socket_dir_check(const char *dir, const char *socket, pt_error_t *err);

/* What a start would find wrong with the data directory DIR, its database
 * and the socket SOCKET's directory, judged as the user running it, without
 * making or changing anything. Returns PT_ECONFIG with err naming the path
 * when a start would fail on what exists now: DIR or the socket's directory
 * is not a directory or not writable, or the database is not readable and
 * writable. A directory that does not exist yet is not an error (a start
 * makes DIR, and a service manager may make either before the start,
 * systemd's StateDirectory= and RuntimeDirectory=): each is logged as a
 * warning when nothing this user could do would make it, with what would.
 * A SOCKET path held by something other than a socket is refused too
 * (pt_socket_path_check). Returns PT_OK otherwise. */
int pt_data_dir_check(const char *dir, const char *socket, pt_error_t *err);

#endif
