/*
 * data-dir.c - the data directory, its lock, the database file's mode, and
 * the check of them that --check-config runs. See data-dir.h.
 */
#include "data-dir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

/* The lock of DIR, open on fd, could not be taken (e, from flock(2)):
 * closes fd and says why, naming the pid of the ptrackd that holds it. */
static int lock_refused(const char *dir, const char *path, int fd, int e, pt_error_t *err)
{
    char buf[32] = "";
    ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
    buf[n > 0 ? n : 0] = '\0';
    long pid = strtol(buf, NULL, 10);
    close(fd);
    if (e != EWOULDBLOCK)
        return pt_error_set(err, PT_ECONFIG, "cannot lock %s: %s", path, strerror(e));
    if (pid > 0)
        return pt_error_set(err, PT_ECONFIG,
                            "the data directory %s is in use by another ptrackd (pid %ld); "
                            "stop that one first, or give this one another data_dir",
                            dir, pid);
    return pt_error_set(err, PT_ECONFIG,
                        "the data directory %s is in use by another ptrackd; stop that one "
                        "first, or give this one another data_dir",
                        dir);
}

/* One ptrackd a data directory: two would both write the database, both
 * raise every deadline reminder, and the second would take the first's
 * socket. The lock is flock(2) on DIR/ptrackd.lock, held for the process's
 * life (the kernel lets it go when the process ends, however it ends); the
 * file holds the holder's pid, for the message. The fd stays open on
 * purpose. */
static int lock_data_dir(const char *dir, pt_error_t *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/ptrackd.lock", dir) >= sizeof(path))
        return pt_error_set(err, PT_ECONFIG, "the data directory's path is too long");
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0)
        return pt_error_set(err, PT_ECONFIG, "cannot open %s: %s", path, strerror(errno));
    if (flock(fd, LOCK_EX | LOCK_NB) != 0)
        return lock_refused(dir, path, fd, errno, err);
    char line[32];
    int len = snprintf(line, sizeof(line), "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0 || pwrite(fd, line, (size_t)len, 0) != len)
        pt_warn("cannot write the pid to %s: %s", path, strerror(errno));
    return PT_OK;
}

static int check_writable_dir(const char *what, const char *dir, const char *how, bool *missing,
                              pt_error_t *err);

static int check_files(const char *dir, bool lock_only, pt_error_t *err);

/* What to do about a data directory ptrackd's user may not write: said by
 * the start and by --check-config alike. */
static const char not_writable_how[] =
    "a start could not lock it nor write the database; give it to the user ptrackd runs as";

int pt_data_dir_open(const char *dir, pt_error_t *err)
{
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return pt_error_set(err, PT_ECONFIG, "cannot create the data directory %s: %s", dir,
                            strerror(errno));
    /* One of another user (made by root, or restored as root) is said
     * as --check-config says it, not as the lock file it could not open. */
    bool missing;
    if (check_writable_dir("the data directory", dir, not_writable_how, &missing, err) != PT_OK)
        return err->code;
    /* So is a lock of another user (a restore made as root): said as
     * --check-config says it, not as the lock it could not open. (The
     * database's files the store says of itself.) */
    if (check_files(dir, true, err) != PT_OK)
        return err->code;
    return lock_data_dir(dir, err);
}

int pt_data_dir_held(const char *dir, pt_error_t *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof(path), "%s/ptrackd.lock", dir) >= sizeof(path))
        return PT_OK;
    /* Opened as it is, not made, and let go at once: a shared lock is
     * refused only while a ptrackd holds the file's. */
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return PT_OK;
    if (flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK)
        return lock_refused(dir, path, fd, EWOULDBLOCK, err);
    close(fd);
    return PT_OK;
}

static const char *const db_suffixes[] = {"", "-wal", "-shm"};

void pt_data_dir_prepare_db(const char *db)
{
    /* The database holds every proposal and the tokens' hashes. SQLite
     * would make it 0644 less the umask, readable by anyone who reaches a
     * data directory made beforehand; it is made 0600 here, and SQLite
     * gives its -wal and -shm files the database's mode. One that exists
     * (or cannot be made: SQLite says why) is left as it is. */
    int fd = open(db, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        close(fd);
    /* One that exists keeps its mode: perhaps on purpose (a group that
     * backs it up), so it is said, not changed. Its -wal and -shm hold the
     * latest writes. */
    for (size_t i = 0; i < 3; i++) {
        char f[4200];
        struct stat st;
        snprintf(f, sizeof(f), "%s%s", db, db_suffixes[i]);
        if (stat(f, &st) == 0 && (st.st_mode & 0044))
            pt_warn("%s is mode %04o: other users may read proposals and the tokens' hashes; "
                    "chmod 600 it unless that is meant",
                    f, (unsigned)(st.st_mode & 07777));
    }
}

/* PATH's directory into OUT: "." for a bare name, "/" for one at the root. */
static void parent_of(const char *path, char *out, size_t size)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    while (len > 0 && path[len - 1] != '/')
        len--;
    while (len > 1 && path[len - 1] == '/')
        len--;
    if (len == 0)
        snprintf(out, size, ".");
    else
        snprintf(out, size, "%.*s", (int)len, path);
}

/* Whether A and B name the same directory as written, trailing slashes
 * aside ("var/" is "var"). */
static int same_dir(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    while (la > 1 && a[la - 1] == '/')
        la--;
    while (lb > 1 && b[lb - 1] == '/')
        lb--;
    return la == lb && memcmp(a, b, la) == 0;
}

/* Whether A and B are one directory: the same file when both can be
 * looked at, else the same as written. */
static bool one_dir(const char *a, const char *b)
{
    struct stat sa, sb;
    if (stat(a, &sa) == 0 && stat(b, &sb) == 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    return same_dir(a, b);
}

/* PATH's last name, trailing slashes aside, and its length in *len. */
static const char *base_of(const char *path, size_t *len)
{
    size_t end = strlen(path);
    while (end > 1 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    *len = end - start;
    return path + start;
}

/* Whether PATH and OTHER name one file: the same last name in one
 * directory. */
static bool one_file(const char *path, const char *other)
{
    size_t lp, lo;
    const char *bp = base_of(path, &lp), *bo = base_of(other, &lo);
    if (lp != lo || memcmp(bp, bo, lp) != 0)
        return false;
    char dp[4096], dn[4096];
    parent_of(path, dp, sizeof(dp));
    parent_of(other, dn, sizeof(dn));
    return one_dir(dp, dn);
}

const char *pt_data_dir_clash(const char *dir, const char *socket, const char *path)
{
    static const char *const files[] = {"ptrackd.lock",  "ptrack.db",         "ptrack.db-wal",
                                        "ptrack.db-shm", "ptrack.db-journal", "ptrack.seq",
                                        "plugin-crashes"};
    if (socket && one_file(path, socket))
        return "the socket";
    char dp[4096];
    parent_of(path, dp, sizeof(dp));
    if (!dir || !one_dir(dp, dir))
        return NULL;
    size_t len;
    const char *base = base_of(path, &len);
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
        if (strlen(files[i]) == len && memcmp(files[i], base, len) == 0)
            return files[i];
    return NULL;
}

/* The user's ids as open(2) judges them (the effective ones, which
 * faccessat's AT_EACCESS asks about). */
static int may(const char *path, int mode)
{
    return faccessat(AT_FDCWD, path, mode, AT_EACCESS) == 0;
}

/* Checks that the files of DIR that a start opens for writing (the lock,
 * first, then the database's), where they exist, are this user's to read
 * and write: one left by a restore made as root is refused naming it.
 * With lock_only, only the lock. */
static int check_files(const char *dir, bool lock_only, pt_error_t *err)
{
    static const char *const files[] = {"/ptrackd.lock", "/ptrack.db", "/ptrack.db-wal",
                                        "/ptrack.db-shm", "/ptrack.seq"};
    size_t n = lock_only ? 1 : sizeof(files) / sizeof(files[0]);
    for (size_t i = 0; i < n; i++) {
        char f[4200];
        snprintf(f, sizeof(f), "%s%s", same_dir(dir, "/") ? "" : dir, files[i]);
        if (access(f, F_OK) == 0 && !may(f, R_OK | W_OK))
            return pt_error_set(err, PT_ECONFIG,
                                "%s is not readable and writable by uid %ld: ptrackd cannot "
                                "open it to write; give it to the user ptrackd runs as",
                                f, (long)geteuid());
    }
    return PT_OK;
}

/* Checks that DIR, which WHAT names in messages, is a directory this user
 * may make files in. Sets *missing when it does not exist (not an error).
 * HOW says what to do about a directory this user may not write. */
static int check_writable_dir(const char *what, const char *dir, const char *how, bool *missing,
                              pt_error_t *err)
{
    struct stat st;
    *missing = false;
    if (stat(dir, &st) != 0) {
        if (errno == ENOENT) {
            *missing = true;
            return PT_OK;
        }
        return pt_error_set(err, PT_ECONFIG, "%s %s cannot be reached: %s", what, dir,
                            strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return pt_error_set(err, PT_ECONFIG, "%s %s is not a directory", what, dir);
    if (!may(dir, W_OK | X_OK)) {
        /* No owner or mode makes a read-only mount writable: under the
         * unit's ProtectSystem=strict, every directory but its own is. */
        if (errno == EROFS)
            return pt_error_set(err, PT_ECONFIG,
                                "%s %s is on a read-only file system: ptrackd cannot write "
                                "there; mount it read-write, or, for the systemd unit "
                                "(ProtectSystem=strict), name it in ReadWritePaths= "
                                "(systemctl edit ptrackd)",
                                what, dir);
        return pt_error_set(err, PT_ECONFIG, "%s %s is not writable by uid %ld: %s", what, dir,
                            (long)geteuid(), how);
    }
    return PT_OK;
}

/* A directory that does not exist: fine when this user may make it (a
 * start makes the data directory), else a warning naming what would. */
static void warn_missing(const char *what, const char *dir, bool start_makes_it, const char *maker)
{
    char parent[4096];
    parent_of(dir, parent, sizeof(parent));
    struct stat st;
    bool parent_there = stat(parent, &st) == 0 && S_ISDIR(st.st_mode);
    if (start_makes_it && parent_there && may(parent, W_OK | X_OK))
        return;
    if (start_makes_it && !parent_there)
        pt_warn("%s %s does not exist, nor does %s: a start fails unless they are made first (%s)",
                what, dir, parent, maker);
    else if (start_makes_it)
        pt_warn("%s %s does not exist, and uid %ld may not make it in %s: a start fails unless "
                "it is made first (%s)",
                what, dir, (long)geteuid(), parent, maker);
    else
        pt_warn("%s %s does not exist, and ptrackd does not make it: a start fails unless it is "
                "made first (%s)",
                what, dir, maker);
}

int pt_socket_path_check(const char *socket, pt_error_t *err)
{
    struct stat st;
    if (lstat(socket, &st) != 0 || S_ISSOCK(st.st_mode))
        return PT_OK;
    const char *what = S_ISREG(st.st_mode)    ? "a regular file"
                       : S_ISDIR(st.st_mode)  ? "a directory"
                       : S_ISLNK(st.st_mode)  ? "a symbolic link"
                       : S_ISFIFO(st.st_mode) ? "a named pipe"
                                              : "a device";
    return pt_error_set(err, PT_ECONFIG,
                        "cannot listen on the socket %s: it is %s, not a socket, and ptrackd "
                        "will not replace it; move it away, or give ptrackd another socket "
                        "(socket, --socket)",
                        socket, what);
}

/* PATH's last name, without the slashes after it, into OUT ("" for "/"). */
static void name_of(const char *path, char *out, size_t size)
{
    size_t end = strlen(path);
    while (end > 0 && path[end - 1] == '/')
        end--;
    size_t start = end;
    while (start > 0 && path[start - 1] != '/')
        start--;
    snprintf(out, size, "%.*s", (int)(end - start), path + start);
}

bool pt_socket_dir_missing(const char *dir, const char *socket)
{
    char sockdir[4096];
    parent_of(socket, sockdir, sizeof(sockdir));
    struct stat st;
    if (lstat(sockdir, &st) == 0 || errno != ENOENT)
        return false;
    /* A data directory that exists is not made: nothing else is. */
    if (stat(dir, &st) == 0)
        return true;
    /* One that does not is made by mkdir(2), which makes its last name in
     * its parent, and nothing above it: the socket's directory is that one
     * when it has the same name in the same parent. */
    char sname[4096], dname[4096];
    name_of(sockdir, sname, sizeof(sname));
    name_of(dir, dname, sizeof(dname));
    if (!sname[0] || !strcmp(sname, ".") || !strcmp(sname, ".."))
        return false;
    if (strcmp(sname, dname) != 0)
        return true;
    char sparent[4096], dparent[4096];
    struct stat sst, dst;
    parent_of(sockdir, sparent, sizeof(sparent));
    parent_of(dir, dparent, sizeof(dparent));
    if (stat(sparent, &sst) != 0 || stat(dparent, &dst) != 0)
        return false; /* the data directory cannot be made either: that is said */
    return sst.st_dev != dst.st_dev || sst.st_ino != dst.st_ino;
}

/* The socket's directory, SOCKDIR, when it is not DIR as written (DIR is
 * judged as the data directory): one that exists must be a directory this
 * user may make the socket in. Sets *missing when it does not exist. */
static int socket_dir_check(const char *dir, const char *sockdir, bool *missing, pt_error_t *err)
{
    *missing = false;
    if (same_dir(sockdir, dir))
        return PT_OK;
    return check_writable_dir("the socket's directory", sockdir,
                              "ptrackd cannot make the socket there; give it to the user "
                              "ptrackd runs as",
                              missing, err);
}

int pt_socket_dir_check(const char *dir, const char *socket, pt_error_t *err)
{
    char sockdir[4096];
    bool missing;
    parent_of(socket, sockdir, sizeof(sockdir));
    return socket_dir_check(dir, sockdir, &missing, err);
}

int pt_data_dir_check(const char *dir, const char *socket, pt_error_t *err)
{
    bool missing;
    if (pt_socket_path_check(socket, err) != PT_OK)
        return err->code;
    if (check_writable_dir("the data directory", dir, not_writable_how, &missing, err) != PT_OK)
        return err->code;
    if (missing) {
        warn_missing("the data directory", dir, true,
                     "for the service, systemd's StateDirectory= makes it");
    } else {
        if (check_files(dir, false, err) != PT_OK)
            return err->code;
    }
    char sockdir[4096];
    parent_of(socket, sockdir, sizeof(sockdir));
    if (socket_dir_check(dir, sockdir, &missing, err) != PT_OK)
        return err->code;
    if (missing)
        warn_missing("the socket's directory", sockdir, false,
                     "for the service, systemd's RuntimeDirectory= makes it");
    return PT_OK;
}
