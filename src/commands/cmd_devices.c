/* cmd_devices.c: `headcount devices`: the GPUs headcount can use (name, memory, compute
 * capability), and the parser of `run --devices LIST`. The GPUs come from the CUDA
 * backend (src/engines/engine_cuda_host.c); a build without it says so. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hc_cli.h"
#include "model/hc_defs.h"
#ifdef HC_HAVE_CUDA
#include "hc_cuda.h"
#endif

static const char *usage_devices =
    "usage: headcount devices\n"
    "\n"
    "Lists the GPUs headcount can use (name, memory, compute capability). `run` uses every\n"
    "usable one unless --devices names some; results do not depend on which or how many.\n";

int hc_cli_parse_devices(const char *s, int *devices, int max, int *n)
{
    const char *p = s;
    *n = 0;
    for (;;) {
        char *end;
        long v;
        int i;
        if (*p < '0' || *p > '9') return 1; /* no sign, no space, no empty item */
        v = strtol(p, &end, 10);
        if (v > 1023 || end - p > 4 || *n >= max) return 1;
        for (i = 0; i < *n; i++)
            if (devices[i] == (int)v) return 1;
        devices[(*n)++] = (int)v;
        if (*end == '\0') return 0;
        if (*end != ',') return 1;
        p = end + 1;
    }
}

int hc_cmd_devices(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_devices, stdout);
        return HC_EXIT_OK;
    }
    if (argc > 1) return hc_cli_usage_error("devices", "unexpected argument \"%s\"", argv[1]);
#ifdef HC_HAVE_CUDA
    {
        hc_cuda_device dev[HC_CUDA_MAX_DEVICES];
        hc_error err;
        int n = 0, i, usable = 0;
        if (hc_cuda_list_devices(dev, HC_CUDA_MAX_DEVICES, &n, 1, &err)) {
            printf("no GPUs: %s; runs use the CPU\n", hc_cuda_reason(err.message));
            return HC_EXIT_OK;
        }
        for (i = 0; i < n; i++) {
            printf("%d: %s, %.1f GiB (%.1f GiB free), compute capability %d.%d, %d SMs at %d MHz", dev[i].ordinal,
                   dev[i].name, (double)dev[i].total_bytes / 1073741824.0,
                   (double)dev[i].free_bytes / 1073741824.0, dev[i].cc_major, dev[i].cc_minor, dev[i].sm_count,
                   dev[i].clock_khz / 1000);
            if (dev[i].usable)
                usable++;
            else
                printf(": not usable (headcount needs compute capability %d.0 or newer)", HC_CUDA_MIN_CC_MAJOR);
            putchar('\n');
        }
        if (n == 0) printf("no GPUs: none visible; runs use the CPU\n");
        else if (usable == 0) printf("no usable GPUs; runs use the CPU\n");
    }
#else
    printf("no GPUs: this build of headcount has no CUDA backend (nvcc was not found when it was built); "
           "runs use the CPU\n");
#endif
    return HC_EXIT_OK;
}
