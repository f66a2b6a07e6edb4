/* unit_mpi.c: the world partition of src/engines/mpi_run.c (MPI-free: it is plain arithmetic).
 * The gather itself is checked end to end against a single process by tests/cli_mpi.sh
 * under mpirun; here, that the blocks tile the worlds whatever the counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "hc_mpi.h"

/* Every world exactly once, in rank order, contiguous, sizes differing by at most one
 * with the larger blocks first. */
static void check_tiling(int64_t worlds, int size)
{
    int64_t next = 0, first_count = -1;
    int r;
    for (r = 0; r < size; r++) {
        int64_t begin, count;
        hc_mpi_partition(worlds, r, size, &begin, &count);
        assert_int_equal(begin, next);
        assert_true(count >= 0);
        if (first_count < 0) first_count = count;
        assert_true(count == first_count || count == first_count - 1);
        next = begin + count;
    }
    assert_int_equal(next, worlds);
}

static void blocks_should_tile_the_worlds_for_any_rank_count(void **state)
{
    int64_t worlds;
    int size;
    (void)state;
    for (worlds = 1; worlds <= 60; worlds++)
        for (size = 1; size <= 9; size++) check_tiling(worlds, size);
}

static void fewer_worlds_than_ranks_should_leave_the_last_ranks_empty(void **state)
{
    int64_t begin, count;
    (void)state;
    hc_mpi_partition(2, 1, 4, &begin, &count);
    assert_int_equal(begin, 1);
    assert_int_equal(count, 1);
    hc_mpi_partition(2, 3, 4, &begin, &count);
    assert_int_equal(begin, 2);
    assert_int_equal(count, 0);
}

static void world_counts_beyond_int_should_not_overflow(void **state)
{
    const int64_t worlds = ((int64_t)1 << 40) + 5; /* far past 2^31: int64 arithmetic throughout */
    int64_t begin, count;
    (void)state;
    check_tiling(worlds, 7);
    check_tiling(worlds, 4096);
    hc_mpi_partition(worlds, 4095, 4096, &begin, &count);
    assert_int_equal(begin + count, worlds);
}

static void one_process_should_hold_every_world(void **state)
{
    int64_t begin, count;
    (void)state;
    assert_int_equal(hc_mpi_size(), 1);
    assert_int_equal(hc_mpi_rank(), 0);
    hc_mpi_results_span(25, &begin, &count);
    assert_int_equal(begin, 0);
    assert_int_equal(count, 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(blocks_should_tile_the_worlds_for_any_rank_count),
        cmocka_unit_test(fewer_worlds_than_ranks_should_leave_the_last_ranks_empty),
        cmocka_unit_test(world_counts_beyond_int_should_not_overflow),
        cmocka_unit_test(one_process_should_hold_every_world),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
