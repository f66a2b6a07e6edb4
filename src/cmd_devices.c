/* cmd_devices.c: `headcount devices`: the GPUs headcount can use. */
#include <stdio.h>
#include <string.h>
#include "hc_cli.h"
#include "hc_defs.h"

static const char *usage_devices =
    "usage: headcount devices\n"
    "\n"
    "Lists the GPUs headcount can use (name, memory, compute capability).\n";

int hc_cmd_devices(int argc, char **argv)
{
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        fputs(usage_devices, stdout);
        return HC_EXIT_OK;
    }
    printf("no GPUs: this build of headcount has no CUDA backend yet; runs use the CPU\n");
    return HC_EXIT_OK;
}

