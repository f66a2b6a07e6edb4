/* fuzz_config.c: libFuzzer harness of the config loader. The input is the text of a
 * config file (hc_config_load_text, which behaves as hc_config_load on a file named
 * FUZZ_TOP_NAME); the invariants are in fuzz_common.h. Seeds: configs/, tests/configs/.
 * Built by mk/fuzz.mk with clang -fsanitize=fuzzer,address,undefined, and as a plain
 * replayer (replay_main.c) that `make test` runs on tests/fuzz/regressions/. */
#include <stddef.h>
#include <stdint.h>
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What replay_main.c replays when given no arguments (as `make test` runs it). */
const char *const fuzz_replay_inputs[] = {"tests/fuzz/regressions/config", "tests/fuzz/corpus/config", "configs", "tests/configs/good", "tests/configs/bad", NULL};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    hc_config cfg;
    hc_error err;
    int rc = hc_config_load_text(FUZZ_TOP_NAME, (const char *)data, size, NULL, 0, &cfg, &err);
    fuzz_check_outcome(rc, &cfg, &err, FUZZ_TOP_NAME);
    return 0;
}
