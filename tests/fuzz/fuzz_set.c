/* fuzz_set.c: libFuzzer harness of `--set KEY=VALUE` overrides. The input is one
 * override per line, split at the first '=' the way `headcount run --set` splits its
 * argument (src/commands/cmd_run.c); they are applied in order to a fixed valid config,
 * configs/cuts.json, which extends configs/base.json. Invariants: fuzz_common.h. */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_common.h"

#define FUZZ_SET_CONFIG "configs/cuts.json"
#define FUZZ_SET_MAX 64 /**< overrides per input */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What replay_main.c replays when given no arguments (as `make test` runs it). */
const char *const fuzz_replay_inputs[] = {"tests/fuzz/regressions/set", "tests/fuzz/corpus/set", "tests/fuzz/seeds/set", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = (char *)malloc(size + 1), *line, *next;
    char keys[FUZZ_SET_MAX][256];
    hc_override ov[FUZZ_SET_MAX];
    hc_config cfg;
    hc_error err;
    int n = 0, rc;
    if (text == NULL) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (line = text; line != NULL && n < FUZZ_SET_MAX; line = next) {
        char *eq;
        size_t klen;
        next = strchr(line, '\n');
        if (next != NULL) *next++ = '\0';
        eq = strchr(line, '=');
        klen = eq != NULL ? (size_t)(eq - line) : 0;
        if (eq == NULL || klen == 0 || klen >= sizeof keys[0]) continue; /* the CLI's usage error */
        memcpy(keys[n], line, klen);
        keys[n][klen] = '\0';
        ov[n].key = keys[n];
        ov[n].value = eq + 1;
        n++;
    }
    rc = hc_config_load(FUZZ_SET_CONFIG, ov, n, &cfg, &err);
    fuzz_check_outcome(rc, &cfg, &err, FUZZ_SET_CONFIG);
    free(text);
    return 0;
}
