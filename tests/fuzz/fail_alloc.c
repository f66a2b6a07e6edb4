/* fail_alloc.c: an LD_PRELOAD library that makes memory run out on purpose, so that
 * tests/cli_hardening.sh can check that every allocation failure ends the program with a
 * message and exit status 1 or 2, never a crash. With HC_FAIL_ALLOC_AFTER=N, the first N
 * calls to malloc, calloc and realloc succeed and every later one fails with ENOMEM, as
 * when memory is exhausted. Without it, nothing changes. Not for sanitizer builds: ASan
 * brings its own allocator. Built by mk/fuzz.mk. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);

static long budget = -2; /* -2: not read yet; -1: never fail */
static long calls = 0;

static int out_of_memory(void)
{
    if (budget == -2) {
        const char *s = getenv("HC_FAIL_ALLOC_AFTER");
        budget = s != NULL ? atol(s) : -1;
    }
    if (budget < 0 || __atomic_add_fetch(&calls, 1, __ATOMIC_RELAXED) <= budget) return 0;
    errno = ENOMEM;
    return 1;
}

void *malloc(size_t n) { return out_of_memory() ? NULL : __libc_malloc(n); }
void *calloc(size_t n, size_t size) { return out_of_memory() ? NULL : __libc_calloc(n, size); }
void *realloc(void *p, size_t n) { return out_of_memory() ? NULL : __libc_realloc(p, n); }
