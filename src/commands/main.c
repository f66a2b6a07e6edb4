/* main.c: the `headcount` entry point: dispatches to the commands (src/cmd_*.c).
 * Only the commands decide exit statuses (hc_defs.h): 0 ok, 2 bad input or usage,
 * 1 other failures, 130 interrupted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hc_cli.h"
#include "model/hc_defs.h"
#include "hc_mpi.h"

static const char *usage_main =
    "usage: headcount COMMAND [options]\n"
    "\n"
    "Monte Carlo forecast of net employment under AI narratives (docs/model.md).\n"
    "\n"
    "commands:\n"
    "  run CONFIG...        run each config as a scenario (common random numbers)\n"
    "  compare DIR          paired differences between the scenarios of a run's out folder\n"
    "  validate CONFIG...   check configs without running\n"
    "  describe CONFIG      each input's distribution and its sampled 5/50/95th percentiles\n"
    "  devices              the GPUs headcount can use\n"
    "  trace CONFIG         replay one firm of one world step by step (--world W --firm F)\n"
    "\n"
    "  headcount COMMAND --help   options of a command\n"
    "  headcount --version\n";

static int dispatch(int argc, char **argv)
{
    const char *cmd;
    if (argc < 2) {
        fputs(usage_main, stderr);
        return HC_EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("headcount %s (model %d, commit %s)\n", HC_VERSION, HC_MODEL_VERSION, HC_GIT_COMMIT);
        return HC_EXIT_OK;
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return HC_EXIT_OK;
    }
    if (strcmp(cmd, "run") == 0) return hc_cmd_run(argc - 1, argv + 1);
    if (strcmp(cmd, "compare") == 0) return hc_cmd_compare(argc - 1, argv + 1);
    if (strcmp(cmd, "validate") == 0) return hc_cmd_validate(argc - 1, argv + 1);
    if (strcmp(cmd, "describe") == 0) return hc_cmd_describe(argc - 1, argv + 1);
    if (strcmp(cmd, "devices") == 0) return hc_cmd_devices(argc - 1, argv + 1);
    if (strcmp(cmd, "trace") == 0) return hc_cmd_trace(argc - 1, argv + 1);
    fprintf(stderr, "headcount: unknown command \"%s\"\n\n%s", cmd, usage_main);
    return HC_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    /* Under mpirun or srun every rank runs the same command (src/engines/mpi_run.c; nothing
     * happens here in builds without MPI). A rank that fails aborts the whole job. */
    int rc;
    if (hc_mpi_init(&argc, &argv)) return HC_EXIT_FAILURE;
    rc = dispatch(argc, argv);
    /* What a command printed must have reached stdout (a full disk, /dev/full, a closed
     * pipe): otherwise the answer is lost, and that is a failure. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "headcount: cannot write to standard output: %s\n", strerror(errno ? errno : EIO));
        if (rc == HC_EXIT_OK) rc = HC_EXIT_FAILURE;
    }
    return hc_mpi_finalize(rc);
}
