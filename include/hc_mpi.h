/* hc_mpi.h: one `headcount run` across MPI ranks (host only; docs/cluster.md).
 *
 * Ranks split a plan's worlds into contiguous blocks; each rank simulates its block on
 * the backend src/engines/simulate.c chose for it (the CPU, or its share of the node's GPUs by local rank), and rank 0
 * gathers every world's sums, every firm's change and the shrinking counts into one
 * hc_results, then computes the bands and writes the outputs exactly as a single
 * process does. src/engines/mpi_run.c implements it; in builds without MPI (no HC_HAVE_MPI) the
 * same functions exist and describe one process, so callers need no #ifdef. */
#ifndef HC_MPI_H
#define HC_MPI_H

#include <stdint.h>
#include "hc_engine.h"

/* Starts MPI (every rank runs the same command); a no-op without MPI. 0 on success. */
int hc_mpi_init(int *argc, char ***argv);
/* Ends MPI and returns rc, the command's exit status. A non-zero rc on any rank of a
 * job of several ranks aborts the whole job (MPI_Abort with rc), since the other ranks
 * may be waiting for this one: a failure never leaves a job hanging. The failing rank
 * has printed its message before. */
int hc_mpi_finalize(int rc);

int hc_mpi_rank(void);       /* 0 without MPI */
int hc_mpi_size(void);       /* 1 without MPI */
/* Rank among the ranks of this node, and how many share it: the hook for a GPU backend
 * to take its share of the node's devices (e.g. device local_rank % n_devices, or the
 * devices d with d % local_size == local_rank). 0 and 1 without MPI. */
int hc_mpi_local_rank(void);
int hc_mpi_local_size(void);

/* The contiguous block of `worlds` that rank `rank` of `size` simulates: the first
 * worlds % size ranks take one world more. count may be 0 when worlds < size. */
void hc_mpi_partition(int64_t worlds, int rank, int size, int64_t *begin, int64_t *count);
/* The worlds of a run of `worlds` this process's hc_results must hold: all of them on
 * rank 0 (it gathers), only its own block elsewhere. */
void hc_mpi_results_span(int64_t worlds, int64_t *begin, int64_t *count);

/* Prefixes err's message with "rank R of N (host): ", so a job's log says who failed;
 * leaves it as it is without MPI. Returns 1, for `return hc_mpi_name_rank(err);`. */
int hc_mpi_name_rank(hc_error *err);

/* Runs backend b on this rank's block of p's worlds (p->world_begin, p->worlds) and
 * gathers every block into res on rank 0 (res spans hc_mpi_results_span, shifted by
 * p->world_begin). On other ranks res is left holding only their block and must not be
 * used for outputs. Returns 0, or non-zero with err filled, its message naming the
 * failing rank; the caller prints it and hc_mpi_finalize aborts. */
int hc_mpi_run(const hc_backend *b, const hc_plan *p, hc_results *res, hc_error *err);

#endif
