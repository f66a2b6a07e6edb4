/* hc_defs.h: qualifiers and limits shared by the C11 host code and the CUDA kernels.
 *
 * Every header that holds model code includes this file and marks its functions HC_HD,
 * which is `__host__ __device__` under nvcc and nothing under a C compiler. Keep those
 * headers in the common subset of C11 and C++: no compound literals, no VLAs, no
 * designated initialisers, explicit casts from void *. */
#ifndef HC_DEFS_H
#define HC_DEFS_H

#include <stdint.h>

#if defined(__CUDACC__)
/* static, as on the CPU: each translation unit keeps its own copy, so builds of one
 * kernel file with different HC_FIRM_ROLE_CAP (hc_model.h) never share a function whose
 * code depends on it, whatever the compiler inlines. */
#define HC_HD static __host__ __device__ __forceinline__
#define HC_RESTRICT __restrict__
#else
#define HC_HD static inline
#define HC_RESTRICT restrict
#endif

#define HC_VERSION "0.1.0"
#define HC_MODEL_VERSION 2

/* Set by the Makefile from `git rev-parse`; "unknown" outside a checkout. */
#ifndef HC_GIT_COMMIT
#define HC_GIT_COMMIT "unknown"
#endif

#define HC_MAX_ROLES 64          /**< roles per config */
#define HC_MAX_PERCENTILES 16    /**< entries of output.percentiles */
#define HC_MAX_STEPS 65535       /**< years x steps_per_year; the step lives in 16 counter bits */
#define HC_DIST_POOL_MAX 1024    /**< doubles shared by all discrete distributions of a config */
#define HC_MAX_DISCRETE 256      /**< values of one discrete distribution */

/* Exit statuses of the program (README "Exit status"). */
enum { HC_EXIT_OK = 0, HC_EXIT_FAILURE = 1, HC_EXIT_USAGE = 2, HC_EXIT_INTERRUPTED = 130 };

#endif
