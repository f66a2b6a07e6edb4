/* hc_cli.h: the commands of the `headcount` program (src/cmd_*.c) and the helpers they
 * share (src/commands/cli.c). Each command returns the exit status (hc_defs.h). */
#ifndef HC_CLI_H
#define HC_CLI_H

#include <time.h>
#include <stddef.h>
#include "hc_config.h"

#define HC_CLI_MAX_OVERRIDES 256

int hc_cmd_run(int argc, char **argv);
int hc_cmd_validate(int argc, char **argv);
int hc_cmd_describe(int argc, char **argv);
int hc_cmd_devices(int argc, char **argv);
int hc_cmd_compare(int argc, char **argv); /* src/commands/cmd_compare.c */
int hc_cmd_trace(int argc, char **argv);
int hc_cmd_schema(int argc, char **argv); /* src/commands/cmd_inspect.c */

/* Prints "headcount CMD: <fmt with arg>" and a pointer to --help; returns HC_EXIT_USAGE. */
int hc_cli_usage_error(const char *cmd, const char *fmt, const char *arg);
/* getopt_long for command `cmd`, its errors said in one line with a pointer to --help
 * and, for a misspelled option, the one meant ("--wrolds": did you mean --worlds?).
 * Returns as getopt_long does; on '?' the error is already printed (exit HC_EXIT_USAGE). */
struct option;
int hc_cli_getopt(const char *cmd, int argc, char **argv, const char *shortopts, const struct option *opts);
/* A whole number in [lo, hi], all of s; 0 on success. */
int hc_cli_parse_count(const char *s, long long lo, long long hi, long long *out);
/* `--devices LIST`: distinct GPU numbers 0..1023 separated by commas, at most max of them,
 * into devices[0..*n); 0 on success (src/commands/cmd_devices.c). */
int hc_cli_parse_devices(const char *s, int *devices, int max, int *n);
/* One --set KEY=VALUE for command `cmd`: KEY is copied into keys[*n_ov] and the override
 * appended to ov (at most `max` of them). Returns 0, or HC_EXIT_USAGE after saying why. */
int hc_cli_add_set(const char *cmd, const char *arg, hc_override *ov, char (*keys)[256], int *n_ov, int max);
double hc_cli_now(void);
/* The run's date and time, as the manifest and samples.json record it: SOURCE_DATE_EPOCH
 * (seconds since 1970, the reproducible-builds convention) when set, else the clock. The
 * golden digests set it, so samples.json's dateCreated does not move with the day. */
time_t hc_cli_run_time(void);
/* Loads n configs with the overrides; prints the first error and returns non-zero. */
int hc_cli_load_all(char **paths, int n, const hc_override *ov, int n_ov, hc_config *cfg);
void hc_cli_free_all(hc_config *cfg, int n);
/* Scenarios of one run differ in name; 0, or 1 after printing the two that do not. */
int hc_cli_check_names(const hc_config *cfg, int n);
/* results/<name>_vs_<name>..., with -2, -3... when that already holds anything. */
void hc_cli_default_out_dir(const hc_config *cfg, int n, char *out, size_t len);
size_t hc_cli_physical_memory(void);
/* Bytes this process can still allocate without being refused or killed: the least of
 * MemAvailable, a memory cgroup's limit, and ulimit -v / -d less what is already mapped.
 * `source` (may be NULL) receives which of them it is, for messages. */
size_t hc_cli_available_memory(char *source, size_t len);
/* Every signal whose default would end the process unannounced (SIGINT, SIGTERM, SIGHUP,
 * SIGUSR1/2, SIGALRM, SIGVTALRM, SIGPROF, SIGXCPU) sets hc_interrupted (hc_engine.h), so
 * the run stops, removes its files and says why; SIGXFSZ (ulimit -f) and SIGPIPE are
 * ignored, so the write fails with a message instead. */
void hc_cli_catch_signals(void);
/* The signal that interrupted, for messages: "SIGINT", ... ("" if none). */
const char *hc_cli_stop_reason(void);

#endif
