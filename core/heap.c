/*
 * heap.c - the heap's figures from glibc's mallinfo2().
 *
 * mallinfo2 (glibc 2.33) is mallinfo with size_t fields: mallinfo's ints
 * wrap past 2 GiB, which a daemon that runs for months may reach.
 */
#include "heap.h"

#include <stddef.h>
#include <stdlib.h> /* __GLIBC__, where it is glibc */
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PT_ASAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PT_ASAN 1
#endif
#if defined(PT_ASAN)
/* The sanitizer's allocator's own figures (its allocator_interface.h,
 * which not every compiler installs). */
size_t __sanitizer_get_current_allocated_bytes(void);
size_t __sanitizer_get_free_bytes(void);
#elif defined(__GLIBC__)
#include <malloc.h>
#endif

bool pt_heap_figures(pt_heap_figures_t *out)
{
#if defined(PT_ASAN)
    /* Under AddressSanitizer, malloc is the sanitizer's allocator, not
     * glibc's, whose figures would then say nothing of ptrackd's heap. */
    out->in_use = (uint64_t)__sanitizer_get_current_allocated_bytes();
    out->free = (uint64_t)__sanitizer_get_free_bytes();
    return true;
#elif defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
    struct mallinfo2 mi = mallinfo2();
    /* uordblks: in use in the arenas; hblkhd: the chunks mapped on their
     * own; fordblks: free in the arenas (the top chunk included). */
    out->in_use = (uint64_t)mi.uordblks + (uint64_t)mi.hblkhd;
    out->free = (uint64_t)mi.fordblks;
    return true;
#else
    (void)out;
    return false;
#endif
}
