/* main.c: the `headcount` entry point: dispatches to the commands (src/cmd_*.c).
 * Only the commands decide exit statuses (hc_defs.h): 0 ok, 2 bad input or usage,
 * 1 other failures, 130 interrupted. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hc_cli.h"
#include "model/hc_defs.h"
#include "hc_mpi.h"
#include "hc_output.h"

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
    "  schema               the JSON Schema of config files (docs/config.schema.json)\n"
    "\n"
    "  headcount help COMMAND     options of a command (or headcount COMMAND --help)\n"
    "  headcount --version\n";

static const struct {
    const char *name;
    int (*run)(int argc, char **argv);
} commands[] = {{"run", hc_cmd_run},           {"compare", hc_cmd_compare}, {"validate", hc_cmd_validate},
                {"describe", hc_cmd_describe}, {"devices", hc_cmd_devices}, {"trace", hc_cmd_trace},
                {"schema", hc_cmd_schema}};
#define N_COMMANDS ((int)(sizeof(commands) / sizeof(commands[0])))

static int find_command(const char *name)
{
    int k;
    for (k = 0; k < N_COMMANDS; k++)
        if (strcmp(commands[k].name, name) == 0) return k;
    return -1;
}

/* An unknown command in one line, with the command meant when it reads like a misspelling. */
static int unknown_command(const char *name)
{
    const char *names[N_COMMANDS + 2], *meant;
    int k;
    for (k = 0; k < N_COMMANDS; k++) names[k] = commands[k].name;
    names[N_COMMANDS] = "help";
    names[N_COMMANDS + 1] = "version";
    meant = hc_suggest(name, names, N_COMMANDS + 2);
    fprintf(stderr, "headcount: unknown command \"%s\"", name);
    if (meant) fprintf(stderr, " (did you mean \"%s\"?)", meant);
    fputs("\n(see headcount --help)\n", stderr);
    return HC_EXIT_USAGE;
}

static int dispatch(int argc, char **argv)
{
    const char *cmd;
    int k;
    if (argc < 2) {
        fputs(usage_main, stderr);
        return HC_EXIT_USAGE;
    }
    cmd = argv[1];
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("headcount %s (model %d, commit %s)\n", HC_VERSION, HC_MODEL_VERSION, hc_build_commit());
        return HC_EXIT_OK;
    }
    if (strcmp(cmd, "help") == 0 && argc > 2) { /* help CMD: that command's --help */
        char *help_argv[] = {argv[2], "--help", NULL};
        if ((k = find_command(argv[2])) < 0) return unknown_command(argv[2]);
        return commands[k].run(2, help_argv);
    }
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage_main, stdout);
        return HC_EXIT_OK;
    }
    if ((k = find_command(cmd)) >= 0) return commands[k].run(argc - 1, argv + 1);
    return unknown_command(cmd);
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
