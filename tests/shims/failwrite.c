/*
 * failwrite.c - an LD_PRELOAD shim for the tests: while the file named by
 * FAILWRITE_FLAG exists, every write to a file whose path starts with
 * FAILWRITE_PREFIX fails with ENOSPC, as it would on a full disk. It lets
 * a test fill ptrackd's disk at the moment it chooses, without a file
 * system of its own (which needs mount privileges).
 *
 * The calls it fails are those that take space: write, pwrite, pwrite64,
 * writev, pwritev, pwritev64, fallocate, posix_fallocate and an ftruncate
 * that makes a file longer (one that shortens a file frees space, and
 * works on a full disk too), and stdio's fwrite and fflush, whose own
 * writes glibc makes without going through write(). SQLite's unix VFS
 * writes the database, its WAL and its shared-memory index with pwrite64
 * and ftruncate; ptrackd writes the change feed's mark with pwrite and an
 * import's staging file with stdio. Sockets, pipes and the terminal are never
 * failed: the path of the descriptor decides, as /proc/self/fd tells it
 * (a file made with O_TMPFILE is "DIR/#N (deleted)", under its
 * directory). Everything else goes to glibc's own.
 *
 * With FAILWRITE_TMPFILE set too, an open(2) with O_TMPFILE in a
 * directory under the prefix fails with ENOSPC as well, as on a file
 * system that has no room left for a new file's inode (an import's
 * staging file is made so). Other opens are never failed: SQLite opens
 * the files it has with O_CREAT on a full disk too.
 *
 * With FAILWRITE_SYNC set instead, the writes go through and fsync and
 * fdatasync fail with EIO, as on a disk that takes the writes into the
 * page cache but reports an I/O error when they are to reach it: what
 * SQLite wrote before its sync is then in the file, complete, and its
 * commit fails all the same.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT, off64_t */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

/* Whether a write (sync 0) or a sync (sync 1) of fd is to fail now: the
 * ones FAILWRITE_SYNC names. Keeps errno as it was when not. */
static int failing_call(int fd, int sync)
{
    const char *flag = getenv("FAILWRITE_FLAG");
    const char *prefix = getenv("FAILWRITE_PREFIX");
    if (!flag || !prefix || !*prefix || (getenv("FAILWRITE_SYNC") != NULL) != sync)
        return 0;
    int saved = errno;
    char link[64], path[4096];
    snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, sizeof(path) - 1);
    int fail = 0;
    if (n > 0) {
        path[n] = '\0';
        fail = strncmp(path, prefix, strlen(prefix)) == 0 && access(flag, F_OK) == 0;
    }
    errno = saved;
    return fail;
}

static int failing(int fd)
{
    return failing_call(fd, 0);
}

/* Whether an open of path with flags is to fail now: an O_TMPFILE one
 * in a directory under the prefix, with FAILWRITE_TMPFILE set. */
static int failing_tmpfile(const char *path, int flags)
{
    const char *flag = getenv("FAILWRITE_FLAG");
    const char *prefix = getenv("FAILWRITE_PREFIX");
    if (!flag || !prefix || !*prefix || !getenv("FAILWRITE_TMPFILE") ||
        (flags & O_TMPFILE) != O_TMPFILE)
        return 0;
    int saved = errno;
    char real[4096], dir[4100];
    int fail = 0;
    if (realpath(path, real)) {
        /* The directory as the prefix names a file in it: "DIR/". */
        snprintf(dir, sizeof(dir), "%s/", real);
        fail = strncmp(dir, prefix, strlen(prefix)) == 0 && access(flag, F_OK) == 0;
    }
    errno = saved;
    return fail;
}

#define REAL(name) static __typeof__(name) *real_##name
#define LOOKUP(name)                                                                               \
    do {                                                                                           \
        if (!real_##name)                                                                          \
            real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name);                             \
    } while (0)

/* open and open64 take a mode only with O_CREAT or O_TMPFILE. */
#define OPEN_MODE(flags, mode)                                                                     \
    do {                                                                                           \
        if ((flags) & (O_CREAT | __O_TMPFILE)) {                                                   \
            va_list ap;                                                                            \
            va_start(ap, flags);                                                                   \
            mode = va_arg(ap, mode_t);                                                             \
            va_end(ap);                                                                            \
        }                                                                                          \
    } while (0)

int open(const char *path, int flags, ...)
{
    REAL(open);
    LOOKUP(open);
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    if (failing_tmpfile(path, flags)) {
        errno = ENOSPC;
        return -1;
    }
    return real_open(path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
    REAL(open64);
    LOOKUP(open64);
    mode_t mode = 0;
    OPEN_MODE(flags, mode);
    if (failing_tmpfile(path, flags)) {
        errno = ENOSPC;
        return -1;
    }
    return real_open64(path, flags, mode);
}

ssize_t write(int fd, const void *buf, size_t n)
{
    REAL(write);
    LOOKUP(write);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_write(fd, buf, n);
}

ssize_t pwrite(int fd, const void *buf, size_t n, off_t off)
{
    REAL(pwrite);
    LOOKUP(pwrite);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite(fd, buf, n, off);
}

ssize_t pwrite64(int fd, const void *buf, size_t n, off64_t off)
{
    REAL(pwrite64);
    LOOKUP(pwrite64);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwrite64(fd, buf, n, off);
}

ssize_t writev(int fd, const struct iovec *iov, int cnt)
{
    REAL(writev);
    LOOKUP(writev);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_writev(fd, iov, cnt);
}

ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off)
{
    REAL(pwritev);
    LOOKUP(pwritev);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwritev(fd, iov, cnt, off);
}

ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off64_t off)
{
    REAL(pwritev64);
    LOOKUP(pwritev64);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_pwritev64(fd, iov, cnt, off);
}

int fallocate(int fd, int mode, off_t off, off_t len)
{
    REAL(fallocate);
    LOOKUP(fallocate);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_fallocate(fd, mode, off, len);
}

int fallocate64(int fd, int mode, off64_t off, off64_t len)
{
    REAL(fallocate64);
    LOOKUP(fallocate64);
    if (failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_fallocate64(fd, mode, off, len);
}

/* posix_fallocate returns the error instead of setting errno. */
int posix_fallocate(int fd, off_t off, off_t len)
{
    REAL(posix_fallocate);
    LOOKUP(posix_fallocate);
    if (failing(fd))
        return ENOSPC;
    return real_posix_fallocate(fd, off, len);
}

int posix_fallocate64(int fd, off64_t off, off64_t len)
{
    REAL(posix_fallocate64);
    LOOKUP(posix_fallocate64);
    if (failing(fd))
        return ENOSPC;
    return real_posix_fallocate64(fd, off, len);
}

/* Only a longer file needs space. */
static int grows(int fd, off64_t len)
{
    struct stat st;
    return fstat(fd, &st) != 0 || len > st.st_size;
}

int ftruncate(int fd, off_t len)
{
    REAL(ftruncate);
    LOOKUP(ftruncate);
    if (grows(fd, len) && failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_ftruncate(fd, len);
}

int ftruncate64(int fd, off64_t len)
{
    REAL(ftruncate64);
    LOOKUP(ftruncate64);
    if (grows(fd, len) && failing(fd)) {
        errno = ENOSPC;
        return -1;
    }
    return real_ftruncate64(fd, len);
}

/* stdio writes a full buffer from inside glibc, which the write() above
 * does not see: a write to the stream fails here instead, with the
 * stream's error flag left as it was (ptrackd checks the counts and
 * errno, as a full disk would leave them). */
size_t fwrite(const void *p, size_t size, size_t n, FILE *f)
{
    REAL(fwrite);
    LOOKUP(fwrite);
    if (f && size && n && failing(fileno(f))) {
        errno = ENOSPC;
        return 0;
    }
    return real_fwrite(p, size, n, f);
}

int fflush(FILE *f)
{
    REAL(fflush);
    LOOKUP(fflush);
    if (f && failing(fileno(f))) {
        errno = ENOSPC;
        return EOF;
    }
    return real_fflush(f);
}

int fsync(int fd)
{
    REAL(fsync);
    LOOKUP(fsync);
    if (failing_call(fd, 1)) {
        errno = EIO;
        return -1;
    }
    return real_fsync(fd);
}

int fdatasync(int fd)
{
    REAL(fdatasync);
    LOOKUP(fdatasync);
    if (failing_call(fd, 1)) {
        errno = EIO;
        return -1;
    }
    return real_fdatasync(fd);
}
