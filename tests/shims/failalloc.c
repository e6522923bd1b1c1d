/*
 * failalloc.c - an LD_PRELOAD shim for the tests: while the file named by
 * FAILALLOC_FLAG exists, every malloc, calloc and realloc of at least
 * FAILALLOC_MIN bytes fails (NULL, errno ENOMEM), as it would when memory
 * runs out. Smaller ones, and every one while the file is absent, go to
 * glibc's own. It lets a test make ptrackd run out of memory at one place
 * it chooses by size, whatever else ran before.
 *
 * With FAILALLOC_THREAD set, only the threads of that name (as
 * pthread_setname_np gives it, "ptrackd" for the event loop's and for
 * every thread left unnamed) see theirs fail: a test can make the loop run
 * out where a store reader, which builds the same data first, does not.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t size);

static size_t min_size(void)
{
    static size_t min;
    if (!min) {
        const char *v = getenv("FAILALLOC_MIN");
        long n = v ? atol(v) : 0;
        min = n > 0 ? (size_t)n : (size_t)-1;
    }
    return min;
}

static int failing(size_t size)
{
    if (size < min_size())
        return 0;
    const char *flag = getenv("FAILALLOC_FLAG");
    if (!flag || access(flag, F_OK) != 0)
        return 0;
    const char *thread = getenv("FAILALLOC_THREAD");
    if (thread) {
        /* The calling thread's own name: a system call, no allocation. */
        char name[17] = "";
        if (prctl(PR_GET_NAME, name) != 0 || strcmp(name, thread) != 0)
            return 0;
    }
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t size)
{
    return failing(size) ? NULL : __libc_malloc(size);
}

void *calloc(size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size)
        return __libc_calloc(n, size);
    return failing(n * size) ? NULL : __libc_calloc(n, size);
}

void *realloc(void *p, size_t size)
{
    return failing(size) ? NULL : __libc_realloc(p, size);
}
