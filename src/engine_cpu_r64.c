/* engine_cpu_r64.c: the CPU firm loop for scenarios of up to 64 roles, vectorised across
 * roles (src/engine_cpu_firms.h): unrolling 64 roles would make the step too big. */
#define HC_FIRM_ROLE_CAP 64
#define HC_CPU_FIRMS_DEFINE
#include "engine_cpu_firms.h"
