/* engine_cpu_r8.c: the CPU firm loop for scenarios of up to 8 roles, vectorised across
 * firms (src/engine_cpu_firms.h). */
#define HC_FIRM_ROLE_CAP 8
#define HC_ROLE_LOOPS_UNROLLED
#define HC_CPU_FIRMS_DEFINE
#include "engine_cpu_firms.h"
