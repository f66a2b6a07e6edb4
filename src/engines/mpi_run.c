/* mpi_run.c: one plan across MPI ranks: the world partition, each rank's block on the
 * backend src/engines/simulate.c chose (CPU or GPU), the gather to rank 0, and ending the whole
 * job when a rank fails. See hc_mpi.h and docs/cluster.md.
 *
 * Owns: the MPI state, the partition and the gather. Calls: the backend it is handed
 * (hc_engine.h) and the results' allocation (hc_results.h); never back into
 * src/engines/simulate.c, so a rank's block runs once, with no flag to keep it from splitting
 * again.
 *
 * Rank 0 receives every world's sums and every firm's change into one hc_results laid
 * out exactly as a single process's, so bands.c computes the same numbers from the same
 * bytes: percentiles across firms stay exact, and so do means summed in world order.
 * Built without HC_HAVE_MPI, this file describes a single process and calls no MPI. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef HC_HAVE_MPI
#include <mpi.h>
#endif
#include "model/hc_defs.h"
#include "hc_mpi.h"

static int mpi_rank = 0, mpi_size = 1;
static int node_rank = 0, node_size = 1;

int hc_mpi_rank(void) { return mpi_rank; }
int hc_mpi_size(void) { return mpi_size; }
int hc_mpi_local_rank(void) { return node_rank; }
int hc_mpi_local_size(void) { return node_size; }

void hc_mpi_partition(int64_t worlds, int rank, int size, int64_t *begin, int64_t *count)
{
    const int64_t base = worlds / size, extra = worlds % size;
    *count = base + (rank < extra ? 1 : 0);
    *begin = (int64_t)rank * base + (rank < extra ? (int64_t)rank : extra);
}

void hc_mpi_results_span(int64_t worlds, int64_t *begin, int64_t *count)
{
    if (mpi_rank == 0) {
        *begin = 0;
        *count = worlds;
    } else {
        hc_mpi_partition(worlds, mpi_rank, mpi_size, begin, count);
    }
}

#ifndef HC_HAVE_MPI

int hc_mpi_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return 0;
}

int hc_mpi_finalize(int rc) { return rc; }

int hc_mpi_name_rank(hc_error *err)
{
    (void)err;
    return 1;
}

int hc_mpi_run(const hc_backend *b, const hc_plan *p, hc_results *res, hc_error *err)
{
    (void)b;
    (void)p;
    (void)res;
    return hc_fail(err, "this build has no MPI (build with `make MPI=1`)");
}

#else

/* Messages carry at most 2^30 bytes: MPI counts are ints (2^31 - 1 elements), and some
 * transports have mishandled single messages over 2 GiB. HC_TEST_MPI_CHUNK (a test hook,
 * docs/cluster.md) lowers it to a few elements so the tests cross many chunk borders. */
#define MAX_MESSAGE_BYTES ((size_t)1 << 30)
#define TAG_RESULTS 7

static size_t test_chunk_elements = 0; /* 0: MAX_MESSAGE_BYTES decides */
static int test_fail_rank = -1;         /* HC_TEST_FAIL_RANK: this rank fails on purpose */
static int mpi_started = 0;             /* we called MPI_Init, so we finalize */

int hc_mpi_init(int *argc, char ***argv)
{
    int already, provided;
    const char *env;
    MPI_Comm node;
    MPI_Initialized(&already);
    if (!already) {
        /* FUNNELED: OpenMP threads never call MPI, only the main thread does. Errors
         * keep MPI's default handler, MPI_ERRORS_ARE_FATAL: a broken link or a dead
         * peer ends the job with MPI's own message rather than leaving it waiting. */
        if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
            fprintf(stderr, "headcount: MPI_Init failed\n");
            return 1;
        }
        mpi_started = 1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &mpi_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &mpi_size);
    /* The ranks sharing this node's memory, hence its GPUs. */
    MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, mpi_rank, MPI_INFO_NULL, &node);
    MPI_Comm_rank(node, &node_rank);
    MPI_Comm_size(node, &node_size);
    MPI_Comm_free(&node);
    if ((env = getenv("HC_TEST_FAIL_RANK")) != NULL && *env) test_fail_rank = atoi(env);
    if ((env = getenv("HC_TEST_MPI_CHUNK")) != NULL && atol(env) > 0 && atol(env) <= (1L << 30))
        test_chunk_elements = (size_t)atol(env);
    return 0;
}

int hc_mpi_finalize(int rc)
{
    if (!mpi_started) return rc;
    if (rc != HC_EXIT_OK && mpi_size > 1) {
        /* The others may be blocked on this rank (a gather, a send): end them all. */
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc);
    }
    MPI_Finalize();
    return rc;
}

int hc_mpi_name_rank(hc_error *err)
{
    char host[256] = "unknown host", prefix[320];
    size_t p, len = strlen(err->message);
    const size_t room = sizeof(err->message) - 1;
    gethostname(host, sizeof(host) - 1);
    snprintf(prefix, sizeof(prefix), "rank %d of %d (%s): ", mpi_rank, mpi_size, host);
    /* Moved in place, not through hc_fail: the message keeps its own "hint:" line. */
    p = strlen(prefix);
    if (len > room - p) len = room - p;
    memmove(err->message + p, err->message, len);
    memcpy(err->message, prefix, p);
    err->message[p + len] = '\0';
    return 1;
}

/* One contiguous run of n elements of rank `from`'s block: rank `from` sends it from
 * src, rank 0 receives it into dst (its own block is copied). Ranks call this in the
 * same order, so messages between a pair arrive in order (MPI never overtakes). */
static void move_piece(void *dst, const void *src, size_t n, MPI_Datatype type, size_t size, int from)
{
    const size_t chunk = test_chunk_elements ? test_chunk_elements : MAX_MESSAGE_BYTES / size;
    char *d = (char *)dst;
    const char *s = (const char *)src;
    if (from == 0) {
        memcpy(d, s, n * size);
        return;
    }
    while (n > 0) {
        const size_t k = n < chunk ? n : chunk;
        if (mpi_rank == 0) {
            MPI_Recv(d, (int)k, type, from, TAG_RESULTS, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
            d += k * size;
        } else {
            MPI_Send(s, (int)k, type, 0, TAG_RESULTS, MPI_COMM_WORLD);
            s += k * size;
        }
        n -= k;
    }
}

/* The block of rank `from` (worlds first .. first + n - 1 of res) into rank 0's res: per
 * simulated scenario its worlds' sums, per scenario and year its firms' changes; each is one
 * contiguous range on both sides. On rank 0, block is rank 0's own block; on rank
 * `from`, res is unused. */
static void move_block(hc_results *res, const hc_results *block, int n_models, int from, int64_t first, int64_t n)
{
    const int root = mpi_rank == 0, sender = mpi_rank == from;
    const size_t per_world = (size_t)(res->n_steps + 1) * (size_t)res->n_sums;
    int s, year;
    for (s = 0; s < n_models; s++)
        move_piece(root ? (void *)hc_results_sums(res, s, first, 0) : NULL,
                   sender ? (const void *)hc_results_sums(block, s, 0, 0) : NULL,
                   (size_t)n * per_world, MPI_DOUBLE, sizeof(double), from);
    for (s = 0; s < n_models; s++)
        for (year = 0; year <= res->years; year++)
            move_piece(root ? (void *)(hc_results_firm_change(res, s, year) + (size_t)first * (size_t)res->firms)
                            : NULL,
                       sender ? (const void *)hc_results_firm_change(block, s, year) : NULL,
                       (size_t)n * (size_t)res->firms, MPI_FLOAT, sizeof(float), from);
}

int hc_mpi_run(const hc_backend *b, const hc_plan *p, hc_results *res, hc_error *err)
{
    const double t0 = MPI_Wtime();
    int64_t begin, count, span_begin, span_count;
    hc_results own, *block = res;
    int r;

    memset(&own, 0, sizeof(own));
    hc_mpi_partition(p->worlds, mpi_rank, mpi_size, &begin, &count);
    hc_mpi_results_span(p->worlds, &span_begin, &span_count);
    begin += p->world_begin;
    span_begin += p->world_begin;
    if (res->world_begin != span_begin || res->worlds != span_count) {
        hc_fail(err, "internal error: results hold worlds %lld..%lld, expected %lld..%lld "
                "(allocate them with hc_mpi_results_span)", (long long)res->world_begin,
                (long long)(res->world_begin + res->worlds - 1), (long long)span_begin,
                (long long)(span_begin + span_count - 1));
        return hc_mpi_name_rank(err);
    }
    if (mpi_rank == 0) { /* res holds every world; rank 0 simulates its block beside it */
        if (hc_results_alloc(&own, p->n_models, begin, count, res->firms, res->n_steps, res->steps_per_year,
                             res->years, res->roles, err))
            return hc_mpi_name_rank(err);
        block = &own;
    }
    /* A rank may have no world when there are fewer worlds than ranks. The plan's
     * progress counter is the caller's, so a bar on rank 0 counts its block. */
    if (count > 0 && b->run(b, p, block, err)) goto fail;
    if (block != res) { /* what the backend says of itself */
        res->threads = block->threads;
        res->backend = block->backend;
    }
    if (test_fail_rank == mpi_rank) {
        hc_fail(err, "failing on purpose: HC_TEST_FAIL_RANK=%d (a test hook)", test_fail_rank);
        goto fail;
    }

    /* Shrinking firms are counts: their sum is exact in any order. */
    MPI_Reduce(block->shrinking, mpi_rank == 0 ? res->shrinking : NULL,
               p->n_models * (res->years + 1), MPI_INT64_T, MPI_SUM, 0, MPI_COMM_WORLD);
    if (mpi_rank == 0) {
        for (r = 0; r < mpi_size; r++) {
            int64_t first, n;
            hc_mpi_partition(p->worlds, r, mpi_size, &first, &n);
            move_block(res, block, p->n_models, r, first, n);
        }
        res->ranks = mpi_size;
        res->simulate_seconds = MPI_Wtime() - t0; /* the whole job's, gather included */
        hc_results_free(&own);
        /* A signal that came while rank 0 waited for the others stops the run here. */
        if (hc_interrupted) return hc_fail(err, "interrupted");
    } else {
        move_block(res, block, p->n_models, mpi_rank, begin - p->world_begin, count);
    }
    return 0;
fail:
    hc_results_free(&own);
    if (hc_interrupted) return 1; /* the caller says "interrupted"; no rank to blame */
    return hc_mpi_name_rank(err);
}

#endif
